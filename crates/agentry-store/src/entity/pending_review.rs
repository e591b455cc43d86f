//! `pending_reviews`: one human review per node execution that asked for one (AutoGPT's
//! `PendingHumanReview`), WAITING until a reviewer approves or rejects it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pending_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub node_exec_id: String,
    pub user_id: String,
    pub graph_exec_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub node_id: String,
    /// The data under review, as the node received it.
    pub payload: Json,
    /// What the data represents (the block's `name`).
    pub instructions: Option<String>,
    pub editable: bool,
    /// WAITING, APPROVED or REJECTED.
    pub status: String,
    /// The reviewer's edit of the payload, when there was one.
    pub reviewed_data: Option<Json>,
    pub review_message: Option<String>,
    pub was_edited: Option<bool>,
    pub created_at: DateTimeUtc,
    pub updated_at: Option<DateTimeUtc>,
    pub reviewed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
