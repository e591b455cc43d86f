//! `credit_checkouts`: a Stripe Checkout Session a user opened to buy credits, fulfilled once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_checkouts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: String,
    pub user_id: String,
    /// Credits bought (cents, as AutoGPT: 100 credits are one dollar).
    pub amount: i64,
    /// `PENDING` or `FULFILLED`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub fulfilled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
