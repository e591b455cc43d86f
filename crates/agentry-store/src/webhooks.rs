//! Webhooks: the ingress id of each trigger node of a graph, created on first use and stable
//! across the graph's versions (keyed by graph and node id).

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::webhook::{self, Column, Entity};
use crate::{Result, Store};

impl Store {
    /// The webhook of one node of the user's graph, created when it has none yet.
    pub async fn ensure_webhook(
        &self,
        user_id: &str,
        graph_id: &str,
        node_id: &str,
    ) -> Result<webhook::Model> {
        if let Some(found) = self.find_webhook(user_id, graph_id, node_id).await? {
            return Ok(found);
        }
        let model = webhook::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            user_id: Set(user_id.to_string()),
            graph_id: Set(graph_id.to_string()),
            node_id: Set(node_id.to_string()),
            created_at: Set(Utc::now()),
        };
        match Entity::insert(model).exec_with_returning(&self.db).await {
            Ok(created) => Ok(created),
            // Another request created it at the same moment (unique graph and node): use theirs.
            Err(e) => match self.find_webhook(user_id, graph_id, node_id).await? {
                Some(found) => Ok(found),
                None => Err(e.into()),
            },
        }
    }

    async fn find_webhook(
        &self,
        user_id: &str,
        graph_id: &str,
        node_id: &str,
    ) -> Result<Option<webhook::Model>> {
        Ok(Entity::find()
            .filter(Column::UserId.eq(user_id))
            .filter(Column::GraphId.eq(graph_id))
            .filter(Column::NodeId.eq(node_id))
            .one(&self.db)
            .await?)
    }

    /// The user's webhooks of one graph, oldest first.
    pub async fn graph_webhooks(
        &self,
        user_id: &str,
        graph_id: &str,
    ) -> Result<Vec<webhook::Model>> {
        Ok(Entity::find()
            .filter(Column::UserId.eq(user_id))
            .filter(Column::GraphId.eq(graph_id))
            .order_by_asc(Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// A webhook by its id, whoever owns it: the public ingress knows only the id, and acts for
    /// the row's owner.
    pub async fn webhook_by_id(&self, id: &str) -> Result<Option<webhook::Model>> {
        Ok(Entity::find_by_id(id.to_string()).one(&self.db).await?)
    }
}
