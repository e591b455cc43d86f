//! Users' credentials for blocks (secret payload sealed by the engine's keyring; the store
//! holds only ciphertext and the id of the key that sealed it) and OAuth2 login states.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum Credentials {
    Table,
    Id,
    UserId,
    Provider,
    Kind,
    Title,
    Username,
    Host,
    Scopes,
    ExpiresAt,
    KeyId,
    Sealed,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    Token,
    UserId,
    Provider,
    Scopes,
    KeyId,
    SealedVerifier,
    ExpiresAt,
}

pub struct CredentialsTables;

impl MigrationName for CredentialsTables {
    fn name(&self) -> &str {
        "m0010_credentials"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for CredentialsTables {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Credentials::Table)
                .col(string(Credentials::Id).primary_key())
                .col(string(Credentials::UserId))
                .col(string(Credentials::Provider))
                .col(string(Credentials::Kind))
                .col(string_null(Credentials::Title))
                .col(string_null(Credentials::Username))
                .col(string_null(Credentials::Host))
                .col(json_null(Credentials::Scopes))
                .col(big_integer_null(Credentials::ExpiresAt))
                .col(string(Credentials::KeyId))
                .col(text(Credentials::Sealed))
                .col(timestamp_with_time_zone(Credentials::CreatedAt))
                .col(timestamp_with_time_zone(Credentials::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_credentials_user_provider")
                .table(Credentials::Table)
                .col(Credentials::UserId)
                .col(Credentials::Provider)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OauthStates::Table)
                .col(string(OauthStates::Token).primary_key())
                .col(string(OauthStates::UserId))
                .col(string(OauthStates::Provider))
                .col(json(OauthStates::Scopes))
                .col(string(OauthStates::KeyId))
                .col(text(OauthStates::SealedVerifier))
                .col(big_integer(OauthStates::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_oauth_states_expiry")
                .table(OauthStates::Table)
                .col(OauthStates::ExpiresAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
