//! Webhooks: the ingress id of each trigger node of a graph, created on first use and stable
//! across the graph's versions (keyed by graph and node id); and the hooks registered on a
//! provider for a trigger node (`ProviderWebhook`), replaced when the node's subscription
//! changes and removed with it.

use chrono::Utc;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use crate::entity::webhook::{self, Column, Entity};
use crate::{Result, Store};

/// The provider of webhooks that are only an ingress URL.
pub const GENERIC: &str = "generic_webhook";

/// A hook registered on a provider for one trigger node, as stored.
#[derive(Debug, Clone)]
pub struct ProviderWebhook {
    /// Also the ingress URL's id, chosen before registering.
    pub id: String,
    pub user_id: String,
    pub graph_id: String,
    pub node_id: String,
    pub provider: String,
    pub resource: String,
    /// JSON text of the events subscribed to.
    pub events: String,
    /// JSON text of the node's `credentials` input.
    pub credentials: String,
    pub provider_webhook_id: String,
    pub secret_key_id: String,
    pub secret_sealed: String,
    /// JSON text of the hook's config as the provider answered it.
    pub config: String,
}

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
            provider: Set(GENERIC.to_string()),
            resource: NotSet,
            events: NotSet,
            credentials: NotSet,
            provider_webhook_id: NotSet,
            secret_key_id: NotSet,
            secret_sealed: NotSet,
            config: NotSet,
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

    /// Stores `hook`; a generic row of the same node (its block changed) gives way, in one
    /// transaction.
    pub async fn put_provider_webhook(&self, hook: ProviderWebhook) -> Result<()> {
        let tx = self.db.begin().await?;
        Entity::delete_many()
            .filter(Column::UserId.eq(&hook.user_id))
            .filter(Column::GraphId.eq(&hook.graph_id))
            .filter(Column::NodeId.eq(&hook.node_id))
            .exec(&tx)
            .await?;
        let model = webhook::ActiveModel {
            id: Set(hook.id),
            user_id: Set(hook.user_id),
            graph_id: Set(hook.graph_id),
            node_id: Set(hook.node_id),
            created_at: Set(Utc::now()),
            provider: Set(hook.provider),
            resource: Set(Some(hook.resource)),
            events: Set(Some(hook.events)),
            credentials: Set(Some(hook.credentials)),
            provider_webhook_id: Set(Some(hook.provider_webhook_id)),
            secret_key_id: Set(Some(hook.secret_key_id)),
            secret_sealed: Set(Some(hook.secret_sealed)),
            config: Set(Some(hook.config)),
        };
        Entity::insert(model).exec_without_returning(&tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Points the user's webhook `id` at node `node_id` of its graph (the node's id in a new
    /// version).
    pub async fn move_webhook(&self, user_id: &str, id: &str, node_id: &str) -> Result<()> {
        Entity::update_many()
            .col_expr(Column::NodeId, sea_orm::sea_query::Expr::value(node_id))
            .filter(Column::UserId.eq(user_id))
            .filter(Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Replaces the config of the user's webhook `id` with `config`, only while it still is
    /// `expected` (a compare-and-swap: of two deliveries that fetched from the same cursor,
    /// one advances it and runs, the other finds it moved); whether this call replaced it.
    pub async fn swap_webhook_config(
        &self,
        user_id: &str,
        id: &str,
        expected: Option<&str>,
        config: &str,
    ) -> Result<bool> {
        let expected = match expected {
            Some(text) => Column::Config.eq(text),
            None => Column::Config.is_null(),
        };
        let done = Entity::update_many()
            .col_expr(Column::Config, sea_orm::sea_query::Expr::value(config))
            .filter(Column::UserId.eq(user_id))
            .filter(Column::Id.eq(id))
            .filter(expected)
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected > 0)
    }

    /// Deletes the user's webhook `id`; whether there was one.
    pub async fn delete_webhook(&self, user_id: &str, id: &str) -> Result<bool> {
        let done = Entity::delete_many()
            .filter(Column::UserId.eq(user_id))
            .filter(Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected > 0)
    }

    /// A webhook by its id, whoever owns it: the public ingress knows only the id, and acts for
    /// the row's owner.
    pub async fn webhook_by_id(&self, id: &str) -> Result<Option<webhook::Model>> {
        Ok(Entity::find_by_id(id.to_string()).one(&self.db).await?)
    }
}
