//! Notifications (issue 12 point 8): events a user is told of — runs that finished or failed,
//! store decisions, take-downs, new versions of library agents, low and zero balance, schedules
//! that keep failing. Each is stored (`agentry_store::notifications`, deduplicated by a key so
//! every process may try), pushed to the user's open WebSockets (`notification` messages), and,
//! as the user's preferences say, emailed at once (up to a daily cap) or gathered in a daily or
//! weekly digest. Emails go through the durable outbox (`mail.rs`): retried with backoff, then
//! kept as failed, never dropped. `watch.rs` turns the engine's run events into notifications;
//! the store routes call `Notifier::notify` for their decisions.

mod cached;
pub mod kinds;
pub mod mail;
mod store_events;
pub mod templates;
mod watch;

use std::sync::Arc;
use std::time::Duration;

use agentry_store::Store;
use agentry_store::notifications::{NewNotification, derived, notification};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast;
use utoipa::ToSchema;

pub use self::kinds::{Channel, Digest, NotificationKind, NotificationPreferences};
pub use self::mail::{Mailer, SmtpSecurity, SmtpSettings};
use self::templates::Templates;

/// The operator's notification settings (`[notifications]`).
#[derive(Debug, Clone)]
pub struct NotificationSettings {
    /// Failed runs in a row after which a schedule is reported failing (0: never).
    pub schedule_failure_threshold: u32,
    /// The daily email cap of users who did not choose one.
    pub daily_email_cap: u32,
    /// The web app's address, for links in emails.
    pub app_url: Option<String>,
    /// The first retry of a failed email waits this long, each next one twice as long.
    pub retry_base: Duration,
    /// Attempts after which an email is kept as failed.
    pub max_attempts: u32,
    /// How often the outbox and the digests are looked at when nothing wakes them.
    pub poll: Duration,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            schedule_failure_threshold: 3,
            daily_email_cap: 10,
            app_url: None,
            retry_base: Duration::from_secs(60),
            max_attempts: 6,
            poll: Duration::from_secs(30),
        }
    }
}

/// A notification as the API and the WebSocket show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    /// A `NotificationKind` (a kind this server no longer knows is shown as stored).
    #[schema(value_type = String)]
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The event's facts (run, graph, listing ids…) for links.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub data: Value,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

/// A notification for one user's open sockets.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub user_id: String,
    pub view: NotificationView,
}

/// An event to tell a user of.
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: String,
    pub kind: NotificationKind,
    /// Unique per user and event: a second notice with the same key is not told again.
    pub dedupe_key: String,
    /// The templates' context and the notification's `data`.
    pub data: Value,
}

/// Tells users of events; cheap to clone.
#[derive(Clone)]
pub struct Notifier {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    settings: NotificationSettings,
    templates: Templates,
    push: broadcast::Sender<Pushed>,
    mailer: Option<Mailer>,
    /// Wakes the outbox sender when an email is queued.
    wake: tokio::sync::Notify,
    /// Preferences as last read, for telling runs' ends on their rows (`cached.rs`).
    cached: cached::PreferenceCache,
}

impl Notifier {
    /// Without a mailer, emails are not sent (the email channel behaves as in-app).
    pub fn new(store: Store, settings: NotificationSettings, mailer: Option<Mailer>) -> Notifier {
        let (push, _) = broadcast::channel(256);
        Notifier {
            inner: Arc::new(Inner {
                store,
                settings,
                templates: Templates::new(),
                push,
                mailer,
                wake: tokio::sync::Notify::new(),
                cached: cached::PreferenceCache::new(),
            }),
        }
    }

    pub fn settings(&self) -> &NotificationSettings {
        &self.inner.settings
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Whether emails can be sent at all (SMTP configured).
    pub fn email_enabled(&self) -> bool {
        self.inner.mailer.is_some()
    }

    /// Notifications as they are added in this process, for WebSockets.
    pub fn subscribe(&self) -> broadcast::Receiver<Pushed> {
        self.inner.push.subscribe()
    }

    /// Whether a WebSocket of this process listens for pushed notifications. A push of a run
    /// told on its row is only for one: its view is a template render, about a tenth of a
    /// 3-node run's CPU when made for nobody.
    pub(super) fn listened(&self) -> bool {
        self.inner.push.receiver_count() > 0
    }

    /// The user's preferences over the defaults.
    pub async fn preferences(
        &self,
        user_id: &str,
    ) -> agentry_store::Result<NotificationPreferences> {
        let generation = self.inner.cached.generation();
        let stored = self.inner.store.notification_preferences(user_id).await?;
        let prefs = NotificationPreferences::from_stored(
            stored.as_ref(),
            self.inner.settings.daily_email_cap,
        );
        self.inner.cached.put(user_id, prefs.clone(), generation);
        Ok(prefs)
    }

    /// Stores the user's preferences; they take effect for the next event told here.
    pub async fn save_preferences(
        &self,
        user_id: &str,
        prefs: &NotificationPreferences,
        last_digest_at: Option<i64>,
    ) -> agentry_store::Result<()> {
        let saved = self
            .inner
            .store
            .set_notification_preferences(user_id, &prefs.to_stored(last_digest_at))
            .await;
        self.inner.cached.forget(user_id);
        saved
    }

    /// A notification as the API shows it; the text of one derived from a run row is rendered
    /// here, as it would have been when it was told.
    pub fn view(&self, n: &notification::Model) -> NotificationView {
        let (title, body) = match NotificationKind::parse(&n.kind) {
            Some(kind) if derived::is_derived(n) => {
                let rendered = self.inner.templates.event(kind, &n.data);
                (rendered.title, rendered.body)
            }
            _ => (n.title.clone(), n.body.clone()),
        };
        NotificationView {
            id: n.id.clone(),
            kind: n.kind.clone(),
            title,
            body,
            data: n.data.clone(),
            read: n.read_at.is_some(),
            created_at: n.created_at,
        }
    }

    /// Tells a user of an event as their preferences say: the stored notification, or `None`
    /// when they turned its kind off or were told of it before.
    pub async fn notify(&self, notice: Notice) -> agentry_store::Result<Option<NotificationView>> {
        self.tell(notice, None).await
    }

    /// Tells a user of their run's end (`notify`); told in the app only, the notification is
    /// derived from the run's row instead of stored (`agentry_store::notifications::derived`).
    pub async fn notify_run(
        &self,
        notice: Notice,
        run_id: &str,
    ) -> agentry_store::Result<Option<NotificationView>> {
        self.tell(notice, Some(run_id)).await
    }

    async fn tell(
        &self,
        notice: Notice,
        run_id: Option<&str>,
    ) -> agentry_store::Result<Option<NotificationView>> {
        let store = &self.inner.store;
        let prefs = self.preferences(&notice.user_id).await?;
        let channel = prefs.channel(notice.kind);
        if channel == Channel::Off {
            return Ok(None);
        }
        let rendered = self.inner.templates.event(notice.kind, &notice.data);
        let address = match (channel, &self.inner.mailer) {
            (Channel::Email, Some(_)) => store
                .account(&notice.user_id)
                .await?
                .map(|u| u.email)
                .filter(|e| e.contains('@')),
            _ => None,
        };
        let email_state = match &address {
            None => "none",
            Some(_) if prefs.digest != Digest::None => "digest",
            Some(_) => {
                let since = Utc::now()
                    .date_naive()
                    .and_hms_opt(0, 0, 0)
                    .map_or(0, |d| d.and_utc().timestamp_millis());
                let sent = store.immediate_emails_since(&notice.user_id, since).await?;
                // Past the cap the event waits for the next digest instead of being dropped.
                if sent >= u64::from(prefs.daily_email_cap) {
                    "digest"
                } else {
                    "queued"
                }
            }
        };
        if let (Some(run_id), "none") = (run_id, email_state) {
            let Some(told) = store.tell_run(&notice.user_id, run_id).await? else {
                return Ok(None);
            };
            let view = self.view(&told);
            let _ = self.inner.push.send(Pushed {
                user_id: notice.user_id,
                view: view.clone(),
            });
            return Ok(Some(view));
        }
        if let Some(run_id) = run_id
            && store.run_told(&notice.user_id, run_id).await?
        {
            return Ok(None);
        }
        let Some(added) = store
            .add_notification(NewNotification {
                user_id: notice.user_id.clone(),
                kind: notice.kind.as_str().to_string(),
                dedupe_key: notice.dedupe_key,
                title: rendered.title.clone(),
                body: rendered.body.clone(),
                data: notice.data,
                email_state: email_state.to_string(),
            })
            .await?
        else {
            return Ok(None);
        };
        let view = self.view(&added);
        let _ = self.inner.push.send(Pushed {
            user_id: notice.user_id.clone(),
            view: view.clone(),
        });
        if let (Some(to), "queued") = (address, email_state) {
            let body = self
                .inner
                .templates
                .email(&rendered.body, self.inner.settings.app_url.as_deref());
            store
                .queue_email(agentry_store::notifications::NewEmail {
                    user_id: notice.user_id,
                    dedupe_key: format!("notification:{}", added.id),
                    kind: "immediate".into(),
                    to_address: to,
                    subject: rendered.title,
                    body,
                })
                .await?;
            self.inner.wake.notify_one();
        }
        Ok(Some(view))
    }

    /// Pushes a notification told without this notifier (a run's end told on its row as it
    /// committed) to the user's sockets in this process.
    fn push(&self, user_id: &str, n: &notification::Model) {
        let _ = self.inner.push.send(Pushed {
            user_id: user_id.to_string(),
            view: self.view(n),
        });
    }

    /// Tells a user, logging instead of failing: for callers whose own work is done.
    pub async fn notify_logged(&self, notice: Notice) {
        let (user, kind) = (notice.user_id.clone(), notice.kind);
        if let Err(e) = self.notify(notice).await {
            tracing::error!(user = %user, kind = kind.as_str(), error = %e, "could not notify");
        }
    }

    /// Starts this process's notification tasks: the run-event watcher, and with a mailer the
    /// outbox sender and the digests. They end with `stop`.
    pub fn spawn(&self, engine: agentry_engine::Engine, stop: tokio_util::sync::CancellationToken) {
        // This process's runs tell their ends on their rows as the preferences read here say;
        // the watcher pushes them.
        engine.set_run_notices(Arc::new(self.clone()));
        tokio::spawn(watch::run(self.clone(), engine, stop.clone()));
        if self.inner.mailer.is_some() {
            tokio::spawn(mail::run(self.clone(), stop));
        }
    }
}

impl agentry_engine::notices::RunNotices for Notifier {
    /// From the preferences read here lately only (no statement): told in the app only, by
    /// choice or because no email can be sent, the run's end is its row's `notice`. An email
    /// needs the account's address and the daily cap: the watcher tells those.
    fn told_on_row(&self, user_id: &str, status: agentry_core::ExecutionStatus) -> bool {
        let kind = match status {
            agentry_core::ExecutionStatus::Completed => NotificationKind::RunFinished,
            agentry_core::ExecutionStatus::Failed => NotificationKind::RunFailed,
            _ => return false,
        };
        let Some(prefs) = self.inner.cached.get(user_id) else {
            return false;
        };
        match prefs.channel(kind) {
            Channel::InApp => true,
            Channel::Email => self.inner.mailer.is_none(),
            Channel::Off => false,
        }
    }
}
