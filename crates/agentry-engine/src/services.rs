//! A node's capabilities as one value: what a block may reach outside its inputs (the
//! sub-agent runner, the user's memory and credentials, the process's resources — HTTP client,
//! LLM providers, files, sandbox — and the human review desk) and the caps it runs under. A run
//! holds one `NodeServices` (`RunSpec::services`) and hands each node task a shared reference;
//! the node's `Context` answers the trait's methods from it, so blocks keep asking as before.
//! A block run outside any graph (`direct.rs`) gets the same value without a sub-agent runner
//! or a review desk.

use std::sync::Arc;

use agentry_core::{Credentials, Memory, Resources, SubAgents};
use agentry_store::Store;

use crate::Engine;
use crate::limits::RunLimits;

/// What a node may use besides its inputs; cheap to share (`Arc`).
#[derive(Clone)]
pub struct NodeServices {
    /// Runs sub-graphs for AgentExecutorBlock nodes.
    pub sub_agents: Option<Arc<dyn SubAgents>>,
    /// The durable memory of the run's user.
    pub memory: Option<Arc<dyn Memory>>,
    /// The run's user's credentials, decrypted one at a time for the node that asks.
    pub credentials: Option<Arc<dyn Credentials>>,
    /// The process's HTTP client, model providers, files and sandbox.
    pub resources: Arc<Resources>,
    /// Where human-in-the-loop nodes find their reviews; `None` offers no review.
    pub reviews: Option<Store>,
    /// The run's caps; a node task applies the per-execution ones.
    pub caps: RunLimits,
}

impl NodeServices {
    /// Only the process's resources: what a run has before `start_run` gives it the rest.
    pub(crate) fn bare(resources: Arc<Resources>, caps: RunLimits) -> NodeServices {
        NodeServices {
            sub_agents: None,
            memory: None,
            credentials: None,
            resources,
            reviews: None,
            caps,
        }
    }
}

impl Engine {
    /// The services of `user_id`'s nodes: their memory and credentials and this process's
    /// resources, under `caps`; no sub-agent runner and no review desk (the run adds those).
    pub(crate) fn user_services(&self, user_id: &str, caps: RunLimits) -> NodeServices {
        NodeServices {
            memory: Some(Arc::new(crate::memory::StoreMemory::new(
                self.inner.store.clone(),
                user_id,
            ))),
            credentials: Some(Arc::new(crate::integrations::RunCredentials::new(
                self.inner.vault.clone(),
                user_id,
            ))),
            ..NodeServices::bare(self.inner.config.resources.clone(), caps)
        }
    }
}
