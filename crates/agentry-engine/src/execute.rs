//! The execute path: a request becomes a validated, recorded run, started here when a slot is
//! free, or queued for any worker to claim.

use agentry_store::queue::now_ms;
use agentry_store::{Lease, NewExecution};

use crate::request::node_inputs_json;
use crate::{
    CreatedRun, Engine, Error, ExecuteRequest, NodeInputs, Result, RunInputs, child, graph_cache,
    limits, relay, share, trace_context,
};

impl Engine {
    /// Resolves the graph version, validates it for running, records the run in QUEUED and
    /// starts it; answers the run's row as created, with its inputs as text.
    pub async fn execute(&self, req: ExecuteRequest) -> Result<CreatedRun> {
        let graph = self
            .runnable(&req.user_id, &req.graph_id, req.graph_version, None)
            .await?
            .map_err(Error::Refused)?;
        self.enqueue_run(
            &req.user_id,
            &graph,
            req.inputs,
            None,
            req.node_inputs,
            req.schedule_id.as_deref(),
        )
        .await
    }

    /// As `execute`, for a run that may be the child of another.
    pub(crate) async fn enqueue_run(
        &self,
        user_id: &str,
        cached: &graph_cache::CachedGraph,
        inputs: RunInputs,
        parent: Option<child::ChildOf>,
        node_inputs: NodeInputs,
        schedule_id: Option<&str>,
    ) -> Result<CreatedRun> {
        let graph = &cached.record.graph;
        let required = cached.run_check(&self.inner.registry)?;
        let missing = inputs.missing(required.iter().cloned());
        if !missing.is_empty() {
            return Err(Error::MissingInputs(missing));
        }
        let plan = cached.plan.clone().expect("validated graphs compile");
        let cap = self.bounds(&plan).caps.max_input_bytes;
        // The inputs stay text up to the row (checked, counted and written as text); a run
        // that starts here parses them once the row is written.
        let stored_node_inputs = (!node_inputs.is_empty()).then(|| node_inputs_json(&node_inputs));
        if cap > 0 {
            let bytes = inputs.bytes() + stored_node_inputs.as_ref().map_or(0, limits::json_bytes);
            if bytes > cap {
                return Err(Error::InputTooLarge { bytes, limit: cap });
            }
        }
        // As AutoGPT, a run does not start at a balance of zero or less (a child run belongs to
        // a parent that did start: its nodes are checked one by one).
        if self.inner.config.credits.is_some() && parent.is_none() {
            let balance = self.inner.store.credit_balance(user_id).await?;
            if balance <= 0 {
                return Err(Error::InsufficientCredits { balance });
            }
        }
        let exec_id = uuid::Uuid::now_v7().to_string();
        // Whatever credits say: the schedule's spending cap and its failure streak
        // (notifications) both follow its runs through this link.
        if let Some(schedule_id) = schedule_id {
            self.inner
                .store
                .link_run_to_schedule(user_id, &exec_id, schedule_id)
                .await?;
        }
        let new = NewExecution {
            id: exec_id.clone(),
            user_id: user_id.to_string(),
            graph_id: graph.id.clone(),
            graph_version: graph.version,
            inputs: inputs.into_raw(),
            parent_id: parent.as_ref().map(|p| p.parent_exec_id.clone()),
            node_inputs: stored_node_inputs,
        };
        let config = &self.inner.config;
        if config.max_queued_per_user > 0 {
            let queued = self.inner.store.queued_for_user(user_id).await?;
            if queued >= config.max_queued_per_user {
                return Err(Error::TooManyRuns(config.max_queued_per_user));
            }
        }
        // With a free slot here (and no caps to check) the run is leased to this process from
        // the start: no claim round trip, no wake-up. Otherwise any worker claims it. A child
        // runs here at once on its parent's slot (`child.rs`).
        // A user holding its whole share of the slots queues instead (`share.rs`).
        let slot = if parent.is_some() {
            None
        } else if config.worker_concurrency > 0 && !config.claim_limits.is_capped() {
            self.inner.shares.try_take(user_id).and_then(|share| {
                let permit = self.inner.slots.clone().try_acquire_owned().ok()?;
                Some(share::Slot::new(permit, share))
            })
        } else {
            None
        };
        let run_here = parent.is_some() || slot.is_some();
        let lease = run_here.then(|| Lease {
            worker_id: self.inner.config.worker_id.clone(),
            until_ms: now_ms() + self.inner.config.lease.as_millis() as i64,
        });
        let (row, new) = self
            .inner
            .store
            .enqueue_traced_execution(new, lease, trace_context::current())
            .await?;
        let inputs = RunInputs::written(new.inputs);
        match (run_here, parent) {
            (true, parent) => {
                let mut spec = self.run_spec(exec_id, user_id.to_string(), plan, inputs.values());
                spec.node_inputs = node_inputs;
                if let Some(parent) = parent {
                    spec.lineage = parent.lineage;
                }
                // Started here, inside the enqueuing span: the run span is its child already.
                self.start_run(spec, slot);
            }
            (false, _) => {
                self.inner.wake.notify_one();
                self.signal(relay::Signal::Enqueued);
            }
        }
        Ok(CreatedRun { row, inputs })
    }
}
