//! `credit_transactions`: the append-only credits ledger; unique per (user, transaction key).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_transactions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: String,
    pub transaction_key: String,
    /// `TOP_UP`, `USAGE`, `GRANT` or `REFUND` (`credits::CreditKind`).
    pub kind: String,
    /// Credits added (positive) or spent (negative).
    pub amount: i64,
    /// The user's balance once this row was added.
    pub running_balance: i64,
    pub graph_exec_id: Option<String>,
    pub node_exec_id: Option<String>,
    /// JSON text: why (block, tokens, admin's comment, checkout session).
    pub metadata: String,
    /// Epoch milliseconds.
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
