//! Notifications: what each user was told (one row per event, deduplicated by a key the sender
//! chooses, so a second process seeing the same run end adds nothing), each user's preferences
//! (a channel per event kind, digest cadence, daily email cap), and the email outbox (durable:
//! a message waits there until it is sent or has failed every retry, so a restart retries it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Notifications;

impl MigrationName for Notifications {
    fn name(&self) -> &str {
        "m0016_notifications"
    }
}

fn a(name: &str) -> Alias {
    Alias::new(name)
}

async fn index(
    m: &SchemaManager<'_>,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut ix = Index::create();
    ix.name(format!("idx_{table}_{}", cols.join("_")))
        .table(a(table));
    for c in cols {
        ix.col(a(c));
    }
    if unique {
        ix.unique();
    }
    m.create_index(ix.to_owned()).await
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Notifications {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("notifications"))
                .col(string(a("id")).primary_key())
                .col(string(a("user_id")))
                .col(string(a("kind")))
                .col(string(a("dedupe_key")))
                .col(string(a("title")))
                .col(text(a("body")))
                .col(json(a("data")))
                // none | queued (its own email) | digest (waits for one) | digested
                .col(string(a("email_state")))
                .col(timestamp_with_time_zone_null(a("read_at")))
                .col(timestamp_with_time_zone(a("created_at")))
                .to_owned(),
        )
        .await?;
        index(m, "notifications", &["user_id", "dedupe_key"], true).await?;
        index(m, "notifications", &["user_id", "email_state"], false).await?;
        m.create_table(
            Table::create()
                .table(a("notification_preferences"))
                .col(string(a("user_id")).primary_key())
                .col(json(a("channels")))
                .col(string(a("digest")))
                .col(integer(a("daily_email_cap")))
                // Epoch milliseconds of the last digest sent.
                .col(big_integer_null(a("last_digest_at")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("email_outbox"))
                .col(big_pk_auto(a("id")))
                .col(string(a("user_id")))
                .col(string(a("dedupe_key")))
                // immediate | digest: only immediate ones count against the daily cap.
                .col(string(a("kind")))
                .col(string(a("to_address")))
                .col(string(a("subject")))
                .col(text(a("body")))
                // pending | sent | failed
                .col(string(a("status")))
                .col(integer(a("attempts")))
                // Epoch milliseconds: compared with a number both backends store alike.
                .col(big_integer(a("next_attempt_at")))
                .col(text_null(a("last_error")))
                .col(big_integer(a("created_at")))
                .col(big_integer_null(a("sent_at")))
                .to_owned(),
        )
        .await?;
        index(m, "email_outbox", &["user_id", "dedupe_key"], true).await?;
        index(m, "email_outbox", &["status", "next_attempt_at"], false).await
    }
}
