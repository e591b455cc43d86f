//! Accounts: users gain a password hash, a role, a `disabled` flag and a `token_version`
//! (bumped to end every session at once); refresh tokens and API keys are stored as hashes
//! only; `server_secrets` keeps the keys a local install generates once (token signing, API
//! key hashing) so that every process of a deployment shares them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum Users {
    Table,
    Email,
    PasswordHash,
    Role,
    Disabled,
    TokenVersion,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    UserId,
    Name,
    KeyHash,
    Permissions,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ServerSecrets {
    Table,
    Name,
    Value,
    CreatedAt,
}

pub struct Accounts;

impl MigrationName for Accounts {
    fn name(&self) -> &str {
        "m0009_accounts"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Accounts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [
            string_null(Users::PasswordHash),
            string(Users::Role).default("user").to_owned(),
            boolean(Users::Disabled).default(false).to_owned(),
            integer(Users::TokenVersion).default(0).to_owned(),
        ] {
            let mut column = column;
            m.alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("idx_users_email")
                .table(Users::Table)
                .col(Users::Email)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(string(RefreshTokens::TokenHash).primary_key())
                .col(string(RefreshTokens::UserId))
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_refresh_tokens_user")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(string(ApiKeys::Id).primary_key())
                .col(string(ApiKeys::UserId))
                .col(string(ApiKeys::Name))
                .col(string(ApiKeys::KeyHash))
                .col(string(ApiKeys::Permissions))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_api_keys_user")
                .table(ApiKeys::Table)
                .col(ApiKeys::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ServerSecrets::Table)
                .col(string(ServerSecrets::Name).primary_key())
                .col(string(ServerSecrets::Value))
                .col(timestamp_with_time_zone(ServerSecrets::CreatedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
