//! The credits ledger: append-only rows, each carrying the balance after it, and the balance row
//! it keeps. Every change is the same three statements in one transaction (`statements`): lock
//! the user's balance row (creating it at 0), add the ledger row computed from the locked balance
//! unless its (user, transaction key) exists, and set the balance to the last row's. Replaying a
//! transaction key therefore changes nothing, which is what makes a node's charge happen once:
//! the engine adds it to the batch that commits the node's end (`Batch::charges`).

mod caps;
mod checkout;

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, OnConflict, Order, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, TransactionTrait,
};

use crate::batch::render;
use crate::entity::{credit_balance, credit_transaction};
use crate::{Backend, Result, Store};

pub use checkout::CheckoutStatus;

/// What a ledger row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditKind {
    TopUp,
    Usage,
    Grant,
    Refund,
}

impl CreditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CreditKind::TopUp => "TOP_UP",
            CreditKind::Usage => "USAGE",
            CreditKind::Grant => "GRANT",
            CreditKind::Refund => "REFUND",
        }
    }
}

/// A ledger row to add. `amount` is negative for spending.
#[derive(Debug, Clone)]
pub struct CreditEntry {
    pub user_id: String,
    /// Unique per user: the same key is applied at most once.
    pub key: String,
    pub kind: CreditKind,
    pub amount: i64,
    pub graph_exec_id: Option<String>,
    pub node_exec_id: Option<String>,
    pub metadata: serde_json::Value,
}

impl CreditEntry {
    /// The charge for one node execution: its key is the execution's id.
    pub fn node_charge(
        user_id: &str,
        graph_exec_id: &str,
        node_exec_id: &str,
        cost: i64,
        metadata: serde_json::Value,
    ) -> CreditEntry {
        CreditEntry {
            user_id: user_id.to_string(),
            key: format!("node:{node_exec_id}"),
            kind: CreditKind::Usage,
            amount: -cost,
            graph_exec_id: Some(graph_exec_id.to_string()),
            node_exec_id: Some(node_exec_id.to_string()),
            metadata,
        }
    }
}

/// What adding a ledger row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The row was added; the balance is now this.
    Added { balance: i64 },
    /// A row with this key exists: nothing changed.
    AlreadyApplied { balance: i64 },
    /// The balance would have gone below the floor asked for: nothing changed.
    Refused { balance: i64 },
}

impl Applied {
    pub fn balance(self) -> i64 {
        match self {
            Applied::Added { balance }
            | Applied::AlreadyApplied { balance }
            | Applied::Refused { balance } => balance,
        }
    }
}

/// The three statements that add `entry` (see the module comment). With `floor`, the row is
/// added only when the balance after it stays at or above it.
pub(crate) fn statements(entry: &CreditEntry, floor: Option<i64>, backend: Backend) -> [String; 3] {
    use credit_balance::Column as B;
    use credit_transaction::Column as T;
    let lock = credit_balance::Entity::insert(credit_balance::ActiveModel {
        user_id: Set(entry.user_id.clone()),
        balance: Set(0),
        updated_at: Set(Utc::now()),
    })
    // DO UPDATE (not DO NOTHING) takes PostgreSQL's row lock, serialising the user's changes.
    .on_conflict(
        OnConflict::column(B::UserId)
            .update_column(B::UpdatedAt)
            .to_owned(),
    )
    .into_query();
    let b = Alias::new("b");
    let after = Expr::col((b.clone(), B::Balance)).add(entry.amount);
    let mut select = Query::select();
    select
        .expr(Expr::value(entry.user_id.clone()))
        .expr(Expr::value(entry.key.clone()))
        .expr(Expr::value(entry.kind.as_str()))
        .expr(Expr::value(entry.amount))
        .expr(after.clone())
        .expr(Expr::value(entry.graph_exec_id.clone()))
        .expr(Expr::value(entry.node_exec_id.clone()))
        .expr(Expr::value(entry.metadata.to_string()))
        .expr(Expr::value(Utc::now().timestamp_millis()))
        .from_as(credit_balance::Entity, b.clone())
        .and_where(Expr::col((b.clone(), B::UserId)).eq(entry.user_id.clone()));
    if let Some(floor) = floor {
        select.and_where(after.gte(floor));
    }
    let mut insert = Query::insert();
    insert
        .into_table(credit_transaction::Entity)
        .columns([
            T::UserId,
            T::TransactionKey,
            T::Kind,
            T::Amount,
            T::RunningBalance,
            T::GraphExecId,
            T::NodeExecId,
            T::Metadata,
            T::CreatedAt,
        ])
        .select_from(select)
        .expect("the select has as many columns as the insert")
        .on_conflict(
            OnConflict::columns([T::UserId, T::TransactionKey])
                .do_nothing()
                .to_owned(),
        );
    let last = Query::select()
        .column(T::RunningBalance)
        .from(credit_transaction::Entity)
        .and_where(Expr::col(T::UserId).eq(entry.user_id.clone()))
        .order_by(T::Id, Order::Desc)
        .limit(1)
        .to_owned();
    let settle = Query::update()
        .table(credit_balance::Entity)
        .value(
            B::Balance,
            Func::coalesce([
                Expr::SubQuery(None, Box::new(last.into())),
                Expr::col(B::Balance),
            ]),
        )
        .and_where(Expr::col(B::UserId).eq(entry.user_id.clone()))
        .to_owned();
    [
        render(&lock, backend),
        render(&insert, backend),
        render(&settle, backend),
    ]
}

impl Store {
    /// Adds one ledger row in its own transaction; see `Applied` for the outcomes.
    pub async fn add_credit(&self, entry: &CreditEntry, floor: Option<i64>) -> Result<Applied> {
        let [lock, insert, settle] = statements(entry, floor, self.backend);
        let txn = self.db.begin().await?;
        txn.execute_unprepared(&lock).await?;
        let added = txn.execute_unprepared(&insert).await?.rows_affected() > 0;
        txn.execute_unprepared(&settle).await?;
        let existed = !added
            && credit_transaction::Entity::find()
                .filter(credit_transaction::Column::UserId.eq(&entry.user_id))
                .filter(credit_transaction::Column::TransactionKey.eq(&entry.key))
                .one(&txn)
                .await?
                .is_some();
        let balance = credit_balance::Entity::find_by_id(entry.user_id.clone())
            .one(&txn)
            .await?
            .map_or(0, |b| b.balance);
        txn.commit().await?;
        Ok(match (added, existed) {
            (true, _) => Applied::Added { balance },
            (false, true) => Applied::AlreadyApplied { balance },
            (false, false) => Applied::Refused { balance },
        })
    }

    /// The user's balance; 0 before their first transaction.
    pub async fn credit_balance(&self, user_id: &str) -> Result<i64> {
        Ok(credit_balance::Entity::find_by_id(user_id.to_string())
            .one(&self.db)
            .await?
            .map_or(0, |b| b.balance))
    }

    /// The user's ledger, newest first, from before the row id `before` when given.
    pub async fn credit_transactions(
        &self,
        user_id: &str,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<credit_transaction::Model>> {
        let mut q = credit_transaction::Entity::find()
            .filter(credit_transaction::Column::UserId.eq(user_id));
        if let Some(before) = before {
            q = q.filter(credit_transaction::Column::Id.lt(before));
        }
        Ok(q.order_by_desc(credit_transaction::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// One ledger row of the user, by its transaction key.
    pub async fn credit_transaction(
        &self,
        user_id: &str,
        key: &str,
    ) -> Result<Option<credit_transaction::Model>> {
        Ok(credit_transaction::Entity::find()
            .filter(credit_transaction::Column::UserId.eq(user_id))
            .filter(credit_transaction::Column::TransactionKey.eq(key))
            .one(&self.db)
            .await?)
    }

    /// The id of the user's newest ledger row that added credits (a top-up, grant or refund);
    /// 0 before any. Balance warnings are told once per such row.
    pub async fn last_credit_added(&self, user_id: &str) -> Result<i64> {
        Ok(credit_transaction::Entity::find()
            .filter(credit_transaction::Column::UserId.eq(user_id))
            .filter(credit_transaction::Column::Kind.ne(CreditKind::Usage.as_str()))
            .order_by_desc(credit_transaction::Column::Id)
            .one(&self.db)
            .await?
            .map_or(0, |r| r.id))
    }

    /// Credits a run of the user has spent so far (a positive number).
    pub async fn run_spend(&self, user_id: &str, graph_exec_id: &str) -> Result<i64> {
        let rows = credit_transaction::Entity::find()
            .filter(credit_transaction::Column::UserId.eq(user_id))
            .filter(credit_transaction::Column::GraphExecId.eq(graph_exec_id))
            .filter(credit_transaction::Column::Kind.eq(CreditKind::Usage.as_str()))
            .all(&self.db)
            .await?;
        Ok(-rows.iter().map(|r| r.amount).sum::<i64>())
    }
}
