//! Graph versions: save, read, list, activate and delete, always scoped to the owning user.

use agentry_core::Graph;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use crate::entity::graph::{self, Column, Entity};
use crate::{Error, Result, Store};

/// A stored graph version.
#[derive(Debug, Clone)]
pub struct GraphRecord {
    pub id: String,
    pub version: i32,
    pub user_id: String,
    pub is_active: bool,
    pub content_hash: String,
    pub created_at: DateTime<Utc>,
    pub graph: Graph,
}

fn record(m: graph::Model) -> Result<GraphRecord> {
    let mut graph: Graph = serde_json::from_value(m.document)
        .map_err(|e| Error::Corrupt(format!("graph {} v{}: {e}", m.id, m.version)))?;
    graph.id = m.id.clone();
    graph.version = m.version;
    graph.is_active = m.is_active;
    Ok(GraphRecord {
        id: m.id,
        version: m.version,
        user_id: m.user_id,
        is_active: m.is_active,
        content_hash: m.content_hash,
        created_at: m.created_at,
        graph,
    })
}

impl Store {
    /// Saves `graph` as the version it names. When it is active, the other versions stop being.
    pub async fn insert_graph_version(
        &self,
        user_id: &str,
        graph: &Graph,
        content_hash: &str,
    ) -> Result<GraphRecord> {
        let document = serde_json::to_value(graph)
            .map_err(|e| Error::Corrupt(format!("graph {}: {e}", graph.id)))?;
        let now = Utc::now();
        let txn = self.db.begin().await?;
        if self.backend == crate::Backend::Sqlite {
            // Take SQLite's write lock before reading: a transaction that reads and then writes
            // fails at once ("database is locked") when another connection wrote in between,
            // where a writer first simply waits its turn (busy timeout).
            txn.execute_unprepared("UPDATE graphs SET id = id WHERE 0 = 1")
                .await?;
        }
        if Entity::find_by_id((graph.id.clone(), graph.version))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(Error::Conflict(format!(
                "graph {} version {} already exists",
                graph.id, graph.version
            )));
        }
        if graph.is_active {
            Entity::update_many()
                .col_expr(Column::IsActive, Expr::value(false))
                .filter(Column::Id.eq(&graph.id))
                .filter(Column::UserId.eq(user_id))
                .exec(&txn)
                .await?;
        }
        let model = graph::ActiveModel {
            id: Set(graph.id.clone()),
            version: Set(graph.version),
            user_id: Set(user_id.to_string()),
            name: Set(graph.name.clone()),
            description: Set(graph.description.clone()),
            is_active: Set(graph.is_active),
            content_hash: Set(content_hash.to_string()),
            document: Set(document),
            created_at: Set(now),
        };
        let model = Entity::insert(model).exec_with_returning(&txn).await?;
        txn.commit().await?;
        record(model)
    }

    /// The newest version number of a graph id, whoever owns it.
    pub async fn latest_graph_version(&self, graph_id: &str) -> Result<Option<(String, i32)>> {
        let m = Entity::find()
            .filter(Column::Id.eq(graph_id))
            .order_by_desc(Column::Version)
            .one(&self.db)
            .await?;
        Ok(m.map(|m| (m.user_id, m.version)))
    }

    /// A version of this user's graph with exactly this content, if one exists.
    pub async fn find_graph_by_hash(
        &self,
        user_id: &str,
        graph_id: &str,
        content_hash: &str,
    ) -> Result<Option<GraphRecord>> {
        let m = Entity::find()
            .filter(Column::Id.eq(graph_id))
            .filter(Column::UserId.eq(user_id))
            .filter(Column::ContentHash.eq(content_hash))
            .order_by_desc(Column::Version)
            .one(&self.db)
            .await?;
        m.map(record).transpose()
    }

    /// One version, or the active one (the newest when none is active).
    pub async fn get_graph(
        &self,
        user_id: &str,
        graph_id: &str,
        version: Option<i32>,
    ) -> Result<GraphRecord> {
        let mut q = Entity::find()
            .filter(Column::Id.eq(graph_id))
            .filter(Column::UserId.eq(user_id));
        q = match version {
            Some(v) => q.filter(Column::Version.eq(v)),
            None => q
                .order_by_desc(Column::IsActive)
                .order_by_desc(Column::Version),
        };
        let m = q.one(&self.db).await?.ok_or_else(|| match version {
            Some(v) => Error::NotFound(format!("graph {graph_id} version {v}")),
            None => Error::NotFound(format!("graph {graph_id}")),
        })?;
        record(m)
    }

    /// Every version of one graph, newest first.
    pub async fn graph_versions(&self, user_id: &str, graph_id: &str) -> Result<Vec<GraphRecord>> {
        let rows = Entity::find()
            .filter(Column::Id.eq(graph_id))
            .filter(Column::UserId.eq(user_id))
            .order_by_desc(Column::Version)
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            return Err(Error::NotFound(format!("graph {graph_id}")));
        }
        rows.into_iter().map(record).collect()
    }

    /// The user's graphs, one record each: the active version, or the newest.
    pub async fn list_graphs(&self, user_id: &str) -> Result<Vec<GraphRecord>> {
        let rows = Entity::find()
            .filter(Column::UserId.eq(user_id))
            .order_by_asc(Column::Id)
            .order_by_desc(Column::IsActive)
            .order_by_desc(Column::Version)
            .all(&self.db)
            .await?;
        let mut out: Vec<GraphRecord> = Vec::new();
        for m in rows {
            if out.last().is_some_and(|r| r.id == m.id) {
                continue;
            }
            out.push(record(m)?);
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        Ok(out)
    }

    /// Deletes every version; returns how many there were.
    pub async fn delete_graph(&self, user_id: &str, graph_id: &str) -> Result<u64> {
        let res = Entity::delete_many()
            .filter(Column::Id.eq(graph_id))
            .filter(Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!("graph {graph_id}")));
        }
        Ok(res.rows_affected)
    }

    /// Deletes one version that is not the active one (a new version whose activation was
    /// undone); the active version is never deleted here.
    pub async fn delete_inactive_graph_version(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
    ) -> Result<()> {
        let res = Entity::delete_many()
            .filter(Column::Id.eq(graph_id))
            .filter(Column::Version.eq(version))
            .filter(Column::UserId.eq(user_id))
            .filter(Column::IsActive.eq(false))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!(
                "inactive graph {graph_id} version {version}"
            )));
        }
        Ok(())
    }

    /// Makes one version the active one.
    pub async fn set_active_graph_version(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
    ) -> Result<GraphRecord> {
        let txn = self.db.begin().await?;
        let exists = Entity::find_by_id((graph_id.to_string(), version))
            .filter(Column::UserId.eq(user_id))
            .one(&txn)
            .await?
            .is_some();
        if !exists {
            return Err(Error::NotFound(format!(
                "graph {graph_id} version {version}"
            )));
        }
        Entity::update_many()
            .col_expr(Column::IsActive, Expr::col(Column::Version).eq(version))
            .filter(Column::Id.eq(graph_id))
            .filter(Column::UserId.eq(user_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        self.get_graph(user_id, graph_id, Some(version)).await
    }
}
