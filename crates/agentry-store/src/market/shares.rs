//! Share links of runs: a user makes one run's outputs readable by whoever holds a token. Only
//! the token's SHA-256 is stored (the caller hashes); a revoked link reads as unknown.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entity::run_share::{self, Column, Entity};
use crate::entity::graph_execution;
use crate::{Error, Result, Store};

impl Store {
    /// Shares one of the user's runs under a token hash.
    pub async fn create_run_share(
        &self,
        user_id: &str,
        graph_exec_id: &str,
        token_hash: &str,
        show_inputs: bool,
    ) -> Result<run_share::Model> {
        crate::executions::without_inputs(
            graph_execution::Entity::find_by_id(graph_exec_id.to_string()),
            self.backend,
        )
        .filter(graph_execution::Column::UserId.eq(user_id))
        .one(&self.db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("execution {graph_exec_id}")))?;
        Ok(Entity::insert(run_share::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            user_id: Set(user_id.to_string()),
            graph_exec_id: Set(graph_exec_id.to_string()),
            token_hash: Set(token_hash.to_string()),
            show_inputs: Set(show_inputs),
            created_at: Set(Utc::now()),
            revoked_at: Set(None),
        })
        .exec_with_returning(&self.db)
        .await?)
    }

    /// The user's live share links of one run, newest first.
    pub async fn run_shares(
        &self,
        user_id: &str,
        graph_exec_id: &str,
    ) -> Result<Vec<run_share::Model>> {
        Ok(Entity::find()
            .filter(Column::UserId.eq(user_id))
            .filter(Column::GraphExecId.eq(graph_exec_id))
            .filter(Column::RevokedAt.is_null())
            .order_by_desc(Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// Revokes every live link of one of the user's runs; none is not found.
    pub async fn revoke_run_shares(&self, user_id: &str, graph_exec_id: &str) -> Result<()> {
        let res = Entity::update_many()
            .col_expr(
                Column::RevokedAt,
                sea_orm::sea_query::Expr::value(Some(Utc::now())),
            )
            .filter(Column::UserId.eq(user_id))
            .filter(Column::GraphExecId.eq(graph_exec_id))
            .filter(Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!(
                "share of execution {graph_exec_id}"
            )));
        }
        Ok(())
    }

    /// The live share a token hash names. The token is the permission: no user filter.
    pub async fn run_share_by_token_hash(&self, token_hash: &str) -> Result<run_share::Model> {
        Entity::find()
            .filter(Column::TokenHash.eq(token_hash))
            .filter(Column::RevokedAt.is_null())
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound("shared execution".into()))
    }
}
