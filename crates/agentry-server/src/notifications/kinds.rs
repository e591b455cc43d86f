//! What a user can be told, on which channel, and how often emails are gathered: the API's
//! shapes of event kinds and preferences, and the defaults a user who never chose gets.

use std::collections::BTreeMap;

use agentry_store::notifications::Preferences as Stored;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An event a user is told of.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationKind {
    RunFinished,
    RunFailed,
    SubmissionApproved,
    SubmissionRejected,
    AgentTakenDown,
    /// A store agent in the user's library has a new approved version.
    AgentNewVersion,
    LowBalance,
    ZeroBalance,
    /// A schedule's last runs all failed.
    ScheduleFailing,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 9] = [
        NotificationKind::RunFinished,
        NotificationKind::RunFailed,
        NotificationKind::SubmissionApproved,
        NotificationKind::SubmissionRejected,
        NotificationKind::AgentTakenDown,
        NotificationKind::AgentNewVersion,
        NotificationKind::LowBalance,
        NotificationKind::ZeroBalance,
        NotificationKind::ScheduleFailing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::RunFinished => "RUN_FINISHED",
            NotificationKind::RunFailed => "RUN_FAILED",
            NotificationKind::SubmissionApproved => "SUBMISSION_APPROVED",
            NotificationKind::SubmissionRejected => "SUBMISSION_REJECTED",
            NotificationKind::AgentTakenDown => "AGENT_TAKEN_DOWN",
            NotificationKind::AgentNewVersion => "AGENT_NEW_VERSION",
            NotificationKind::LowBalance => "LOW_BALANCE",
            NotificationKind::ZeroBalance => "ZERO_BALANCE",
            NotificationKind::ScheduleFailing => "SCHEDULE_FAILING",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    /// A finished run is frequent and expected: the app tells it; everything else is worth
    /// an email (AutoGPT emails all of them by default).
    fn default_channel(self) -> Channel {
        match self {
            NotificationKind::RunFinished => Channel::InApp,
            _ => Channel::Email,
        }
    }
}

/// Where a kind of event goes. Every channel but `off` stores it and pushes it to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InApp,
    /// In the app and by email (at once, or in the digest when the user chose one).
    Email,
    Off,
}

/// How a user's emails are gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Digest {
    /// One email per event, up to the daily cap; what passes the cap goes in a daily digest.
    None,
    Daily,
    Weekly,
}

impl Digest {
    fn as_str(self) -> &'static str {
        match self {
            Digest::None => "none",
            Digest::Daily => "daily",
            Digest::Weekly => "weekly",
        }
    }

    fn parse(text: &str) -> Digest {
        match text {
            "daily" => Digest::Daily,
            "weekly" => Digest::Weekly,
            _ => Digest::None,
        }
    }

    /// How long between two digests: a user without a digest still gets the emails that passed
    /// the daily cap once a day.
    pub fn period(self) -> chrono::Duration {
        match self {
            Digest::Weekly => chrono::Duration::days(7),
            Digest::None | Digest::Daily => chrono::Duration::days(1),
        }
    }
}

/// A user's notification preferences, every kind named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationPreferences {
    pub channels: BTreeMap<NotificationKind, Channel>,
    pub digest: Digest,
    /// The most emails of single events a day; the rest wait for the next digest.
    pub daily_email_cap: u32,
}

impl NotificationPreferences {
    pub fn defaults(daily_email_cap: u32) -> NotificationPreferences {
        NotificationPreferences {
            channels: NotificationKind::ALL
                .into_iter()
                .map(|k| (k, k.default_channel()))
                .collect(),
            digest: Digest::None,
            daily_email_cap,
        }
    }

    /// The stored preferences over the defaults (a kind added since they were stored, or a
    /// stored name no longer known, falls back to the defaults).
    pub fn from_stored(stored: Option<&Stored>, daily_email_cap: u32) -> NotificationPreferences {
        let mut prefs = NotificationPreferences::defaults(daily_email_cap);
        if let Some(stored) = stored {
            if let Some(map) = stored.channels.as_object() {
                for (name, channel) in map {
                    let channel = serde_json::from_value::<Channel>(channel.clone()).ok();
                    if let (Some(kind), Some(channel)) = (NotificationKind::parse(name), channel) {
                        prefs.channels.insert(kind, channel);
                    }
                }
            }
            prefs.digest = Digest::parse(&stored.digest);
            prefs.daily_email_cap = u32::try_from(stored.daily_email_cap).unwrap_or(0);
        }
        prefs
    }

    pub fn to_stored(&self, last_digest_at: Option<i64>) -> Stored {
        let channels = self
            .channels
            .iter()
            .map(|(k, c)| (k.as_str().to_string(), serde_json::json!(c)))
            .collect::<serde_json::Map<_, _>>();
        Stored {
            channels: channels.into(),
            digest: self.digest.as_str().to_string(),
            daily_email_cap: i32::try_from(self.daily_email_cap).unwrap_or(i32::MAX),
            last_digest_at,
        }
    }

    pub fn channel(&self, kind: NotificationKind) -> Channel {
        self.channels
            .get(&kind)
            .copied()
            .unwrap_or(kind.default_channel())
    }
}
