//! Provider webhooks: a `webhooks` row may stand for a hook registered on a provider (GitHub)
//! for one trigger node: the provider, its resource (`owner/repo`), the events subscribed to
//! and the credential used (JSON text), the provider's hook id, the signing secret (sealed
//! with the credential keyring) and the config the provider answered (JSON text). Rows from
//! before are generic webhooks.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Provider,
    Resource,
    Events,
    Credentials,
    ProviderWebhookId,
    SecretKeyId,
    SecretSealed,
    Config,
}

pub struct ProviderWebhooks;

impl MigrationName for ProviderWebhooks {
    fn name(&self) -> &str {
        "m0019_provider_webhooks"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for ProviderWebhooks {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        let columns = [
            string(Webhooks::Provider)
                .default("generic_webhook")
                .to_owned(),
            text_null(Webhooks::Resource),
            text_null(Webhooks::Events),
            text_null(Webhooks::Credentials),
            string_null(Webhooks::ProviderWebhookId),
            string_null(Webhooks::SecretKeyId),
            text_null(Webhooks::SecretSealed),
            text_null(Webhooks::Config),
        ];
        for mut column in columns {
            m.alter_table(
                Table::alter()
                    .table(Webhooks::Table)
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
