//! The audit log (sign-ins and their failures, key and credential changes, admin actions), and
//! OIDC sign-in: logins in progress (state, nonce and PKCE verifier between the redirect and the
//! callback) and the external identities linked to accounts.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorUserId,
    Action,
    Outcome,
    TargetType,
    TargetId,
    Ip,
    Details,
}

#[derive(DeriveIden)]
enum OidcLogins {
    Table,
    State,
    Nonce,
    PkceVerifier,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OidcIdentities {
    Table,
    Id,
    UserId,
    Issuer,
    Subject,
    Email,
    CreatedAt,
}

pub struct Audit;

impl MigrationName for Audit {
    fn name(&self) -> &str {
        "m0011_audit"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Audit {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                // UUIDv7: time-ordered, so the id is the listing's order and its cursor.
                .col(string(AuditEvents::Id).primary_key())
                .col(timestamp_with_time_zone(AuditEvents::At))
                // None for what no account did: a sign-in with an unknown email.
                .col(string_null(AuditEvents::ActorUserId))
                .col(string(AuditEvents::Action))
                .col(string(AuditEvents::Outcome))
                .col(string_null(AuditEvents::TargetType))
                .col(string_null(AuditEvents::TargetId))
                .col(string_null(AuditEvents::Ip))
                .col(json(AuditEvents::Details))
                .to_owned(),
        )
        .await?;
        for (name, column) in [
            ("idx_audit_events_actor", AuditEvents::ActorUserId),
            ("idx_audit_events_action", AuditEvents::Action),
            ("idx_audit_events_target", AuditEvents::TargetId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(AuditEvents::Table)
                    .col(column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(OidcLogins::Table)
                .col(string(OidcLogins::State).primary_key())
                .col(string(OidcLogins::Nonce))
                .col(string(OidcLogins::PkceVerifier))
                .col(timestamp_with_time_zone(OidcLogins::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OidcIdentities::Table)
                .col(string(OidcIdentities::Id).primary_key())
                .col(string(OidcIdentities::UserId))
                .col(string(OidcIdentities::Issuer))
                .col(string(OidcIdentities::Subject))
                .col(string(OidcIdentities::Email))
                .col(timestamp_with_time_zone(OidcIdentities::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_oidc_identities_issuer_subject")
                .table(OidcIdentities::Table)
                .col(OidcIdentities::Issuer)
                .col(OidcIdentities::Subject)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_oidc_identities_user")
                .table(OidcIdentities::Table)
                .col(OidcIdentities::UserId)
                .to_owned(),
        )
        .await
    }
}
