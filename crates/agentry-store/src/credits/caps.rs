//! Spending caps per schedule: the most all the runs a schedule started may spend, and the link
//! from each run to the schedule that started it.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::CreditKind;
use crate::entity::{credit_run_schedule, credit_schedule_cap, credit_transaction};
use crate::{Result, Store};

impl Store {
    /// Sets (or with `None` removes) the cap of one of the user's schedules.
    pub async fn set_schedule_cap(
        &self,
        user_id: &str,
        schedule_id: &str,
        max_credits: Option<i64>,
    ) -> Result<()> {
        use credit_schedule_cap::Column as C;
        match max_credits {
            Some(max) => {
                credit_schedule_cap::Entity::insert(credit_schedule_cap::ActiveModel {
                    schedule_id: Set(schedule_id.to_string()),
                    user_id: Set(user_id.to_string()),
                    max_credits: Set(max),
                })
                .on_conflict(
                    OnConflict::column(C::ScheduleId)
                        .update_column(C::MaxCredits)
                        .to_owned(),
                )
                .exec(&self.db)
                .await?;
            }
            None => {
                credit_schedule_cap::Entity::delete_many()
                    .filter(C::ScheduleId.eq(schedule_id))
                    .filter(C::UserId.eq(user_id))
                    .exec(&self.db)
                    .await?;
            }
        }
        Ok(())
    }

    /// The cap of one of the user's schedules, if it has one.
    pub async fn schedule_cap(&self, user_id: &str, schedule_id: &str) -> Result<Option<i64>> {
        Ok(
            credit_schedule_cap::Entity::find_by_id(schedule_id.to_string())
                .filter(credit_schedule_cap::Column::UserId.eq(user_id))
                .one(&self.db)
                .await?
                .map(|c| c.max_credits),
        )
    }

    /// Records that a schedule started this run.
    pub async fn link_run_to_schedule(
        &self,
        user_id: &str,
        graph_exec_id: &str,
        schedule_id: &str,
    ) -> Result<()> {
        credit_run_schedule::Entity::insert(credit_run_schedule::ActiveModel {
            graph_exec_id: Set(graph_exec_id.to_string()),
            user_id: Set(user_id.to_string()),
            schedule_id: Set(schedule_id.to_string()),
        })
        .on_conflict_do_nothing_on([credit_run_schedule::Column::GraphExecId])
        .exec(&self.db)
        .await?;
        Ok(())
    }

    /// The schedule that started this run, if one did.
    pub async fn run_schedule(&self, user_id: &str, graph_exec_id: &str) -> Result<Option<String>> {
        Ok(
            credit_run_schedule::Entity::find_by_id(graph_exec_id.to_string())
                .filter(credit_run_schedule::Column::UserId.eq(user_id))
                .one(&self.db)
                .await?
                .map(|r| r.schedule_id),
        )
    }

    /// Credits all the runs a schedule started have spent (a positive number).
    pub async fn schedule_spend(&self, user_id: &str, schedule_id: &str) -> Result<i64> {
        let runs: Vec<String> = credit_run_schedule::Entity::find()
            .filter(credit_run_schedule::Column::UserId.eq(user_id))
            .filter(credit_run_schedule::Column::ScheduleId.eq(schedule_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.graph_exec_id)
            .collect();
        if runs.is_empty() {
            return Ok(0);
        }
        let rows = credit_transaction::Entity::find()
            .filter(credit_transaction::Column::UserId.eq(user_id))
            .filter(credit_transaction::Column::Kind.eq(CreditKind::Usage.as_str()))
            .filter(credit_transaction::Column::GraphExecId.is_in(runs))
            .all(&self.db)
            .await?;
        Ok(-rows.iter().map(|r| r.amount).sum::<i64>())
    }
}
