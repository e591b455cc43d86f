//! Schedules: create, list, read and delete (scoped to the owning user), plus what the scheduler
//! needs: the due rows of every user and a compare-and-set advance of `next_run_at`.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;

use crate::entity::schedule::{self, Column, Entity};
use crate::{Error, Result, Store};

/// A schedule to save; the caller has checked the pattern and computed the first fire time.
#[derive(Debug, Clone)]
pub struct NewSchedule {
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub name: String,
    pub cron: String,
    pub timezone: String,
    pub inputs: Value,
    pub next_run_at: i64,
}

impl Store {
    pub async fn create_schedule(&self, new: NewSchedule) -> Result<schedule::Model> {
        let model = schedule::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            user_id: Set(new.user_id),
            graph_id: Set(new.graph_id),
            graph_version: Set(new.graph_version),
            name: Set(new.name),
            cron: Set(new.cron),
            timezone: Set(new.timezone),
            inputs: Set(new.inputs),
            next_run_at: Set(new.next_run_at),
            created_at: Set(Utc::now()),
        };
        Ok(Entity::insert(model).exec_with_returning(&self.db).await?)
    }

    /// The user's schedules (of one graph, when given), oldest first.
    pub async fn list_schedules(
        &self,
        user_id: &str,
        graph_id: Option<&str>,
    ) -> Result<Vec<schedule::Model>> {
        let mut q = Entity::find().filter(Column::UserId.eq(user_id));
        if let Some(graph_id) = graph_id {
            q = q.filter(Column::GraphId.eq(graph_id));
        }
        Ok(q.order_by_asc(Column::CreatedAt)
            .order_by_asc(Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn get_schedule(&self, user_id: &str, id: &str) -> Result<schedule::Model> {
        Entity::find_by_id(id.to_string())
            .filter(Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("schedule {id}")))
    }

    pub async fn delete_schedule(&self, user_id: &str, id: &str) -> Result<()> {
        let res = Entity::delete_many()
            .filter(Column::Id.eq(id))
            .filter(Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!("schedule {id}")));
        }
        Ok(())
    }

    /// Schedules of every user whose next fire time is at or before `now_ms`, most overdue
    /// first (for the scheduler, which acts for each row's owner).
    pub async fn due_schedules(&self, now_ms: i64, limit: u64) -> Result<Vec<schedule::Model>> {
        Ok(Entity::find()
            .filter(Column::NextRunAt.lte(now_ms))
            .order_by_asc(Column::NextRunAt)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Moves a schedule's next fire time from `from_ms` to `to_ms`. False when another
    /// scheduler moved it first (or it was deleted): then this one must not fire it.
    pub async fn advance_schedule(&self, id: &str, from_ms: i64, to_ms: i64) -> Result<bool> {
        let res = Entity::update_many()
            .col_expr(Column::NextRunAt, sea_orm::sea_query::Expr::value(to_ms))
            .filter(Column::Id.eq(id))
            .filter(Column::NextRunAt.eq(from_ms))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected == 1)
    }
}
