//! The store's events: a decision on a submission told to its creator, an approved new version
//! told to the users who keep the agent in their library, and a take-down told to both.

use agentry_store::market::entity::version;
use serde_json::json;

use super::{Notice, NotificationKind, Notifier};

impl Notifier {
    /// After an admin approved or rejected `v`.
    pub async fn submission_decided(&self, v: &version::Model) {
        let approved = v.status == "APPROVED";
        let data = listing_data(v);
        let kind = if approved {
            NotificationKind::SubmissionApproved
        } else {
            NotificationKind::SubmissionRejected
        };
        self.notify_logged(Notice {
            user_id: v.user_id.clone(),
            kind,
            dedupe_key: format!("submission:{}", v.id),
            data: data.clone(),
        })
        .await;
        if approved {
            self.tell_library_users(v, NotificationKind::AgentNewVersion, "new_version")
                .await;
        }
    }

    /// After an admin took `v` down.
    pub async fn taken_down(&self, v: &version::Model) {
        self.notify_logged(Notice {
            user_id: v.user_id.clone(),
            kind: NotificationKind::AgentTakenDown,
            dedupe_key: format!("takedown:{}", v.id),
            data: listing_data(v),
        })
        .await;
        self.tell_library_users(v, NotificationKind::AgentTakenDown, "takedown")
            .await;
    }

    async fn tell_library_users(&self, v: &version::Model, kind: NotificationKind, key: &str) {
        let users = match self.store().library_users_of_listing(&v.listing_id).await {
            Ok(users) => users,
            Err(e) => {
                tracing::error!(listing = %v.listing_id, error = %e, "could not read who keeps a listing");
                return;
            }
        };
        for user_id in users.into_iter().filter(|u| *u != v.user_id) {
            self.notify_logged(Notice {
                user_id,
                kind,
                dedupe_key: format!("{key}:{}", v.id),
                data: listing_data(v),
            })
            .await;
        }
    }
}

/// What the templates and the app need of a listing version (the reviewer's comment for the
/// creator, never the internal note).
fn listing_data(v: &version::Model) -> serde_json::Value {
    json!({
        "listing_id": v.listing_id,
        "store_listing_version_id": v.id,
        "graph_id": v.graph_id,
        "graph_version": v.graph_version,
        "name": v.name,
        "version": v.version,
        "status": v.status,
        "comment": v.review_comments,
        "reason": v.takedown_reason,
        "changes": v.changes_summary,
        "asks_more": v.asks_more,
    })
}
