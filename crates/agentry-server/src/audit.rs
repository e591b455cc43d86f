//! The one way handlers write the audit log: `AuditLog::record(Audit::success(action)…)`.
//! A failed write is logged and never fails the request it describes (the sign-in happened
//! whether or not its entry could be stored).

use agentry_store::{AuditAction, AuditOutcome, NewAuditEvent, Store};
use serde_json::Value;

use crate::perimeter::ClientIp;

/// An entry being described: who, what, to what, from where.
#[derive(Debug, Clone)]
pub struct Audit(NewAuditEvent);

impl Audit {
    pub fn success(action: AuditAction) -> Audit {
        Audit::new(action, AuditOutcome::Success)
    }

    pub fn failure(action: AuditAction) -> Audit {
        Audit::new(action, AuditOutcome::Failure)
    }

    fn new(action: AuditAction, outcome: AuditOutcome) -> Audit {
        Audit(NewAuditEvent {
            actor_user_id: None,
            action,
            outcome,
            target: None,
            ip: None,
            details: Value::Object(Default::default()),
        })
    }

    /// The account that acted.
    pub fn by(mut self, user_id: impl Into<String>) -> Audit {
        self.0.actor_user_id = Some(user_id.into());
        self
    }

    /// What was acted on: `("user", id)`, `("api_key", id)`, `("credential", id)`…
    pub fn on(mut self, kind: &str, id: impl Into<String>) -> Audit {
        self.0.target = Some((kind.to_string(), id.into()));
        self
    }

    pub fn from_ip(mut self, ip: ClientIp) -> Audit {
        self.0.ip = ip.as_string();
        self
    }

    /// Anything else worth keeping, never a secret (an email tried, a role given, a reason).
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Audit {
        if let Value::Object(fields) = &mut self.0.details {
            fields.insert(key.to_string(), value.into());
        }
        self
    }
}

/// Writes entries to the store. Cheap to clone.
#[derive(Clone)]
pub struct AuditLog {
    store: Store,
}

impl AuditLog {
    pub fn new(store: Store) -> AuditLog {
        AuditLog { store }
    }

    pub async fn record(&self, entry: Audit) {
        let action = entry.0.action;
        if let Err(e) = self.store.record_audit(entry.0).await {
            tracing::error!(error = %e, %action, "could not write the audit log");
        }
    }
}
