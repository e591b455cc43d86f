//! Email: the operator's SMTP server (`[smtp]`, lettre over rustls), the outbox sender and the
//! digests. An email is sent by whichever process claims it from the outbox; a failed attempt
//! is retried after `retry_base`, doubled each time, and after `max_attempts` it stays in the
//! outbox as `failed` with its last error. The digests gather, per user, the notifications that
//! wait for one (a chosen daily or weekly digest, or emails past the daily cap) into one email
//! per period.

use std::time::Duration;

use agentry_core::SecretString;
use agentry_store::notifications::{NewEmail, email};
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio_util::sync::CancellationToken;

use super::Notifier;
use super::kinds::NotificationPreferences;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// STARTTLS, required.
    #[default]
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain text: a relay on a trusted network only (and tests).
    None,
}

/// The operator's SMTP server for notification emails.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The `From` address.
    pub from: String,
    pub timeout: Duration,
}

/// Sends one email at a time over the operator's SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// How long a claimed email is left to its sender before another process may retry it.
const CLAIM: chrono::Duration = chrono::Duration::minutes(5);

/// Emails sent per look at the outbox.
const BATCH: u64 = 50;

impl Mailer {
    pub fn new(settings: &SmtpSettings) -> Result<Mailer, String> {
        let builder = match settings.security {
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                    .map_err(|e| format!("smtp.host: {e}"))?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)
                .map_err(|e| format!("smtp.host: {e}"))?,
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            }
        };
        let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose().to_string(),
            ));
        }
        let from = settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| format!("smtp.from: {e}"))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one email; `Err` is the reason, free of any secret (lettre never quotes the
    /// password; the server's reply is kept short).
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|e| format!("the address is not valid: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("the message could not be built: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string().chars().take(500).collect())
    }
}

/// The outbox sender and the digests, until `stop`.
pub(super) async fn run(notifier: Notifier, stop: CancellationToken) {
    let poll = notifier.inner.settings.poll;
    loop {
        if let Err(e) = notifier.run_digests(Utc::now()).await {
            tracing::error!(error = %e, "could not make the notification digests");
        }
        if let Err(e) = notifier.send_due_emails(Utc::now()).await {
            tracing::error!(error = %e, "could not read the email outbox");
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = notifier.inner.wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

impl Notifier {
    /// Sends the outbox's emails that are due at `now`; answers how many were sent.
    pub async fn send_due_emails(&self, now: DateTime<Utc>) -> agentry_store::Result<usize> {
        let Some(mailer) = &self.inner.mailer else {
            return Ok(0);
        };
        let store = &self.inner.store;
        let mut sent = 0;
        for row in store.due_emails(now.timestamp_millis(), BATCH).await? {
            if !store
                .claim_email(&row, (now + CLAIM).timestamp_millis())
                .await?
            {
                continue;
            }
            match mailer.send(&row.to_address, &row.subject, &row.body).await {
                Ok(()) => {
                    store.email_sent(&row).await?;
                    sent += 1;
                }
                Err(error) => {
                    let retry = self.retry_at(&row, now);
                    tracing::warn!(email = row.id, attempt = row.attempts + 1, retry = retry.is_some(),
                        error = %error, "a notification email was not sent");
                    store.email_attempt_failed(&row, &error, retry).await?;
                }
            }
        }
        Ok(sent)
    }

    /// When a failed email is tried again: `retry_base` doubled per earlier attempt; `None`
    /// after the last one.
    fn retry_at(&self, row: &email::Model, now: DateTime<Utc>) -> Option<i64> {
        let settings = &self.inner.settings;
        let attempts = u32::try_from(row.attempts + 1).unwrap_or(u32::MAX);
        if attempts >= settings.max_attempts {
            return None;
        }
        let wait = settings
            .retry_base
            .saturating_mul(2u32.saturating_pow(attempts - 1));
        let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1));
        Some((now + wait).timestamp_millis())
    }

    /// Queues the digest of every user whose period has passed at `now`; answers how many.
    pub async fn run_digests(&self, now: DateTime<Utc>) -> agentry_store::Result<usize> {
        if self.inner.mailer.is_none() {
            return Ok(0);
        }
        let store = &self.inner.store;
        let mut queued = 0;
        for user_id in store.users_awaiting_digest().await? {
            let stored = store.notification_preferences(&user_id).await?;
            let prefs = NotificationPreferences::from_stored(
                stored.as_ref(),
                self.inner.settings.daily_email_cap,
            );
            let now_ms = now.timestamp_millis();
            let Some(last) = stored.as_ref().and_then(|s| s.last_digest_at) else {
                // The first period starts now.
                self.save_preferences(&user_id, &prefs, Some(now_ms))
                    .await?;
                continue;
            };
            if now_ms - last < prefs.digest.period().num_milliseconds() {
                continue;
            }
            let items = store.notifications_for_digest(&user_id).await?;
            let Some(first) = items.first() else {
                continue;
            };
            let ids: Vec<String> = items.iter().map(|n| n.id.clone()).collect();
            let address = store
                .account(&user_id)
                .await?
                .map(|u| u.email)
                .filter(|e| e.contains('@'));
            if let Some(to) = address {
                let lines: Vec<(String, String)> = items
                    .iter()
                    .map(|n| (n.title.clone(), n.body.clone()))
                    .collect();
                let digest = self
                    .inner
                    .templates
                    .digest(&lines, self.inner.settings.app_url.as_deref());
                store
                    .queue_email(NewEmail {
                        user_id: user_id.clone(),
                        dedupe_key: format!("digest:{}", first.id),
                        kind: "digest".into(),
                        to_address: to,
                        subject: digest.title,
                        body: digest.body,
                    })
                    .await?;
                queued += 1;
                self.inner.wake.notify_one();
            }
            store
                .set_notification_email_state(&user_id, &ids, "digested")
                .await?;
            self.save_preferences(&user_id, &prefs, Some(now_ms))
                .await?;
        }
        Ok(queued)
    }
}
