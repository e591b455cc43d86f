//! Engine settings: what a process's engine runs with (worker slots, leases, caps, policies).

use std::sync::Arc;
use std::time::Duration;

use crate::{CreditPolicy, RetentionPolicy, RunLimits, integrations, reaper};

/// Engine settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// A run still going after this long is failed; `None` means no limit.
    pub run_timeout: Option<Duration>,
    /// Every run's caps (a graph may lower them).
    pub limits: RunLimits,
    /// Events buffered per subscriber before a slow one starts missing them.
    pub event_capacity: usize,
    /// Runs this process executes at once; 0 makes it an API-only process that only enqueues.
    pub worker_concurrency: usize,
    /// Slots one user's top-level runs may hold at once in this process (`share.rs`); 0, the
    /// default, is all but a tenth of `worker_concurrency`, so another user's run always finds
    /// a free slot.
    pub user_share: usize,
    /// How long a worker's claim on a run holds without renewal.
    pub lease: Duration,
    /// Whether a starting worker frees at once the leases of dead worker processes of the same
    /// host (checked through `/proc`); off, they wait for expiry like other hosts' runs.
    pub take_over_on_host: bool,
    /// How often an idle worker looks for runs enqueued by other processes.
    pub poll_interval: Duration,
    /// This process's name in leases.
    pub worker_id: String,
    /// How many runs may be leased at once per user and per graph (0: no cap). With a cap,
    /// every run goes through the queue's claim, which enforces it.
    pub claim_limits: agentry_store::ClaimLimits,
    /// Runs a user may have queued or running before `execute` answers `TooManyRuns` (0: no
    /// limit): back-pressure at the door instead of an unbounded queue.
    pub max_queued_per_user: u64,
    /// The stuck-run sweep of the sweep leader (`Reaper`).
    pub reaper: reaper::ReaperPolicy,
    /// How long finished runs' node data is kept (pruned by the sweep leader, `Reaper`).
    pub retention: RetentionPolicy,
    /// Graph versions (with their compiled plans) kept in memory; 0 means 1024.
    pub graph_cache: usize,
    /// The services blocks may use (HTTP client, LLM providers), built by the binary.
    pub resources: Arc<agentry_core::Resources>,
    /// Graph ids whose runs store node inputs and outputs as "redacted" (`redaction.rs`).
    pub redact_graphs: Arc<std::collections::HashSet<String>>,
    /// The keys that seal users' credentials and the OAuth2 providers.
    pub credentials: integrations::CredentialSettings,
    /// Credits (`credits.rs`): `None`, the default, charges nothing and checks nothing.
    pub credits: Option<Arc<CreditPolicy>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            redact_graphs: Arc::default(),
            graph_cache: 0,
            run_timeout: Some(Duration::from_secs(24 * 3600)),
            limits: RunLimits::default(),
            event_capacity: 4096,
            worker_concurrency: 100,
            user_share: 0,
            lease: Duration::from_secs(30),
            take_over_on_host: true,
            poll_interval: Duration::from_secs(1),
            worker_id: format!("worker-{}", uuid::Uuid::new_v4()),
            claim_limits: agentry_store::ClaimLimits::default(),
            max_queued_per_user: 0,
            reaper: reaper::ReaperPolicy::default(),
            retention: RetentionPolicy::default(),
            resources: Arc::default(),
            credentials: integrations::CredentialSettings::default(),
            credits: None,
        }
    }
}
