//! `webhooks`: the ingress id of one trigger node of one graph (unique per graph and node);
//! for a provider's trigger, also the hook registered there (`m0019_provider_webhooks`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub graph_id: String,
    pub node_id: String,
    pub created_at: DateTimeUtc,
    /// `generic_webhook`, or the provider the hook is registered on (`github`).
    pub provider: String,
    pub resource: Option<String>,
    /// JSON text: the `event.action` names subscribed to.
    pub events: Option<String>,
    /// JSON text: the node's `credentials` input (ids only, never a secret).
    pub credentials: Option<String>,
    pub provider_webhook_id: Option<String>,
    pub secret_key_id: Option<String>,
    pub secret_sealed: Option<String>,
    /// JSON text: the hook's config as the provider answered it.
    pub config: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
