//! The run loop: one task per run that owns its state, starts nodes the moment their inputs are
//! complete, and ends the run with its status.
//!
//! The commit order rule: the loop hands each batch to the committer without waiting, and
//! batches commit in the order they were handed over, so a node's completion is never durable
//! before the completions whose values it consumed. A pure node (`Effect::Pure`) starts at once
//! on values not yet committed; a node that touches the world starts only once the batch
//! holding its inputs has committed (so does every node when credits are on: its balance check
//! reads the committed ledger). Nothing leaves the process before its commit: events are
//! published, tool results answered and the run's end reported only after theirs.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agentry_core::prepare::prepare_input_json;
use agentry_core::tool_nodes::{ToolRun, select_for_link};
use agentry_core::{BlockType, Datum, Effect, ExecutionInfo, ExecutionStatus};
use agentry_store::{Batch, NodeRow, ResumeState, RunUpdate};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::event::{Event, EventBus, EventKind};
use crate::inputs::{Inputs, Received};
use crate::limits::Bounds;
use crate::node_task::{self, Msg, NodeJob, Outcome};
use crate::plan::Plan;
use crate::resume::{Match, Replay};
use crate::tool_nodes::{RunTools, ToolRequest, ToolWaiter};
use crate::writer::{Commit, WriteError, Writer};

mod end;
mod record;

use end::End;
pub use end::{RunEnd, RunResult};

/// How long a just-started node's RUNNING row may wait to share a commit with its completion.
const START_FLUSH_DELAY: Duration = Duration::from_millis(2);

/// The largest input (as JSON text) of a pure node that the run loop runs itself. A larger one
/// gets its own task, as before: run in the loop, it starts while the batch carrying its input is
/// still being rendered for PostgreSQL, and the two copies of the value overlap (the server's
/// peak test measured 10.6x the input's text against 9.3x). Small inputs are where running in
/// the loop pays.
const INLINE_INPUT_BYTES: usize = 64 * 1024;

/// What a run is asked to do.
pub struct RunSpec {
    pub exec_id: String,
    pub user_id: String,
    pub plan: Arc<Plan>,
    /// The run's inputs by name, each as it came (a request's as its JSON text).
    pub inputs: HashMap<String, Datum>,
    /// Inputs for single starting nodes, by node id (a webhook trigger's payload).
    pub node_inputs: crate::NodeInputs,
    /// The run's caps and wall time (`limits.rs`).
    pub bounds: Bounds,
    /// What an earlier worker made durable, when this run is taken over.
    pub resume: Option<ResumeState>,
    /// Where the run sits in a tree of sub-agent runs (`child.rs`).
    pub(crate) lineage: crate::child::Lineage,
    /// The W3C `traceparent` of the request that enqueued a claimed run: its span continues
    /// that trace (`None` for a run started inside the enqueuing span).
    pub trace_parent: Option<String>,
    /// What the run's nodes may use besides their inputs (`services.rs`), shared by them all.
    pub services: Arc<crate::services::NodeServices>,
    /// The run's credits when credits are on (`credits.rs`).
    pub(crate) credits: Option<crate::credits::RunCredits>,
    /// The graph is configured for redaction: node data is stored as "redacted".
    pub redact_stored_data: bool,
    /// Whether the run's end is told on its row (`notices.rs`); `None`: never.
    pub(crate) notices: Option<Arc<dyn crate::notices::RunNotices>>,
}

struct ExecState {
    node: usize,
    seq: i64,
    /// The block's input object as compact JSON, shared by the execution's rows and its job.
    input: Arc<str>,
    add_time: DateTime<Utc>,
    start_time: DateTime<Utc>,
    outputs: i32,
    /// Set when a node asked for this execution as a tool call: who waits for it, and what
    /// it yielded so far.
    tool: Option<ToolWaiter>,
}

/// A batch handed to the committer, and what waits for its commit.
struct Pending {
    done: Commit,
    events: Vec<Event>,
    /// Tool executions that ended in the batch.
    tool_replies: Vec<(tokio::sync::oneshot::Sender<ToolRun>, ToolRun)>,
    /// World-touching executions ready on values of the batch: (node, values received).
    starts: Vec<(usize, Received)>,
}

struct Run {
    spec: RunSpec,
    writer: Writer,
    bus: EventBus,
    inputs: Inputs,
    tx: mpsc::UnboundedSender<Msg>,
    tool_tx: mpsc::UnboundedSender<ToolRequest>,
    /// Tool executions that ended, answered once their end is committed.
    tool_replies: Vec<(tokio::sync::oneshot::Sender<ToolRun>, ToolRun)>,
    /// World-touching executions ready on values not yet handed to the committer.
    held: Vec<(usize, Received)>,
    /// Batches handed to the committer, oldest first.
    pending: VecDeque<Pending>,
    /// Routing committed values of an earlier worker: every ready node starts at once.
    replaying: bool,
    tasks: JoinSet<()>,
    execs: HashMap<String, ExecState>,
    next_seq: i64,
    event_seq: u64,
    batch: Batch,
    /// Events of the batch being built, numbered as they are told: the rows of the batch
    /// carry the same numbers, so a replay derived from them (`Store::events_page`) and the
    /// live events agree.
    events: Vec<Event>,
    /// Graph outputs by name, in the order yielded (made a plain object when the run ends).
    outputs: indexmap::IndexMap<String, Vec<Datum>>,
    failure: Option<String>,
    node_count: u64,
    node_errors: u64,
    /// Bytes of output values stored so far, against `max_output_bytes`.
    output_bytes: u64,
    /// The cap the run passed: it ends FAILED with this message.
    exceeded: Option<String>,
    commits: u64,
    started: Instant,
    replay: Option<Replay>,
    /// Node executions waiting for a human review.
    reviewing: usize,
    /// The row's fields as the run last set them.
    row: RunEnd,
}

/// Drives one run to its end. The run row exists in QUEUED.
pub async fn drive(
    spec: RunSpec,
    writer: Writer,
    bus: EventBus,
    cancel: CancellationToken,
) -> RunResult {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (tool_tx, mut tool_rx) = mpsc::unbounded_channel();
    let mut spec = spec;
    let replay = spec
        .resume
        .take()
        .map(|state| Replay::new(&spec.plan, state));
    let mut run = Run {
        inputs: Inputs::new(spec.plan.nodes.len()),
        spec,
        writer,
        bus,
        tx,
        tool_tx,
        tool_replies: Vec::new(),
        held: Vec::new(),
        pending: VecDeque::new(),
        replaying: false,
        tasks: JoinSet::new(),
        execs: HashMap::new(),
        next_seq: 0,
        event_seq: 0,
        batch: Batch::default(),
        events: Vec::new(),
        outputs: indexmap::IndexMap::new(),
        failure: None,
        node_count: 0,
        node_errors: 0,
        output_bytes: 0,
        exceeded: None,
        commits: 0,
        started: Instant::now(),
        replay,
        reviewing: 0,
        row: RunEnd::default(),
    };
    if let Some(replay) = &run.replay {
        run.event_seq = replay.last_event_seq;
        run.next_seq = replay.next_seq;
    }
    run.set_status(ExecutionStatus::Running, None);
    // The run's inputs are taken, not copied: each goes to its input node(s) shared (as the
    // text it came as), and leaves this map with its last one, which then owns it.
    let mut run_inputs = std::mem::take(&mut run.spec.inputs);
    let starting = run.spec.plan.starting.clone();
    let input_name = |node: usize| {
        let plan_node = &run.spec.plan.nodes[node];
        (plan_node.kind == BlockType::Input)
            .then(|| plan_node.io_name.clone())
            .flatten()
    };
    let names: Vec<Option<String>> = starting.iter().map(|&n| input_name(n)).collect();
    for (i, &node) in starting.iter().enumerate() {
        let mut received = Received::new();
        if let Some(name) = &names[i] {
            let used_later = names[i + 1..].iter().any(|n| n.as_ref() == Some(name));
            let value = if used_later {
                run_inputs.get(name).cloned()
            } else {
                run_inputs.remove(name)
            };
            if let Some(value) = value {
                received.insert("value".into(), value);
            }
        }
        run.dispatch(node, received);
    }
    // Taking over: route what the earlier worker committed, adopting what already ran. Those
    // values are committed, so what they make ready starts now, world-touching or not (and
    // an adopted execution's outputs are replayed in turn).
    run.replaying = true;
    while let Some((node, pin, value)) = run.replay.as_mut().and_then(Replay::next_output) {
        let value = Datum::from(value);
        run.output_bytes += value.bytes();
        run.collect_graph_output(node, &pin, &value);
        run.route(node, &pin, value);
    }
    run.replaying = false;
    let deadline = run
        .spec
        .bounds
        .wall_time
        .map(|t| tokio::time::Instant::now() + t);
    let end = loop {
        if let Some(cap) = run.exceeded.take() {
            break End::Exceeded(cap);
        }
        if run.execs.is_empty() && run.pending.is_empty() {
            break End::Finished;
        }
        let first = tokio::select! {
            biased;
            _ = cancel.cancelled() => break End::Cancelled,
            _ = sleep_until(deadline) => break End::TimedOut,
            committed = first_commit(&mut run.pending) => {
                if let Err(e) = committed {
                    break End::StoreFailed(e);
                }
                run.committed();
                continue;
            }
            msg = rx.recv() => msg,
            Some(request) = tool_rx.recv() => {
                run.start_tool(request);
                None
            }
            _ = tokio::time::sleep(START_FLUSH_DELAY), if !run.batch.is_empty() => None,
        };
        let mut msgs: Vec<Msg> = first.into_iter().collect();
        while let Ok(m) = rx.try_recv() {
            msgs.push(m);
        }
        let mut to_route = Vec::new();
        for msg in msgs {
            run.record(msg, &mut to_route);
        }
        run.submit();
        if let Some(cap) = run.exceeded.take() {
            break End::Exceeded(cap);
        }
        for (node, pin, value) in to_route {
            run.route(node, &pin, value);
        }
        // What the routed values made ready and touches the world waits for their commit.
        let held = std::mem::take(&mut run.held);
        match run.pending.back_mut() {
            Some(last) => last.starts.extend(held),
            None => held.into_iter().for_each(|(n, r)| run.dispatch(n, r)),
        }
        while run.tasks.try_join_next().is_some() {}
    };
    run.finish(end).await
}

/// The commit of the oldest pending batch; never ready when nothing is pending.
async fn first_commit(pending: &mut VecDeque<Pending>) -> Result<(), WriteError> {
    match pending.front_mut() {
        Some(p) => (&mut p.done).await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

impl Run {
    /// Records the first cap the run passed; the run loop ends the run with it.
    fn exceed(&mut self, cap: String) {
        if self.exceeded.is_none() {
            tracing::info!(exec = %self.spec.exec_id, %cap, "a run passed a cap");
            self.exceeded = Some(cap);
        }
    }

    fn set_status(&mut self, status: ExecutionStatus, error: Option<String>) {
        // At the precision the row keeps: the end answered (`RunEnd`) is the end read back.
        let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
        let ended = status.is_final().then_some(now);
        let notice = crate::notices::at_end(
            self.spec.notices.as_ref(),
            self.spec.lineage.depth,
            &self.spec.user_id,
            status,
            now,
        );
        let seq = self.tell(EventKind::RunStatus {
            status,
            error: error.clone(),
            notice,
        });
        let stats = ended.map(|_| {
            json!({
                "walltime": self.started.elapsed().as_secs_f64(),
                "node_count": self.node_count,
                "node_error_count": self.node_errors,
                "commits": self.commits + 1,
            })
        });
        let started_at = (status == ExecutionStatus::Running).then_some(now);
        self.row = RunEnd {
            started_at: started_at.or(self.row.started_at),
            ended_at: ended,
            stats: stats.clone().or(self.row.stats.take()),
        };
        self.batch.runs.push(RunUpdate {
            id: self.spec.exec_id.clone(),
            status,
            started_at,
            ended_at: ended,
            stats,
            error,
            event_seq: Some(seq),
            told: matches!(notice, Some(crate::event::RunNotice::Told { .. })),
        });
    }

    /// Numbers an event and adds it to the batch being built; answers its number.
    fn tell(&mut self, kind: EventKind) -> i64 {
        self.event_seq += 1;
        self.events.push(Event {
            user_id: self.spec.user_id.clone(),
            graph_id: self.spec.plan.graph_id.clone(),
            graph_version: self.spec.plan.graph_version,
            graph_exec_id: self.spec.exec_id.clone(),
            seq: self.event_seq,
            kind,
        });
        self.event_seq as i64
    }

    /// A node execution's status change: its event, and its row carrying the event's number.
    fn node_update(&mut self, exec_id: &str, status: ExecutionStatus, stats: Option<Value>) {
        let st = &self.execs[exec_id];
        let node = &self.spec.plan.nodes[st.node];
        let seq = self.tell(EventKind::NodeStatus {
            node_exec_id: exec_id.to_string(),
            node_id: node.id.clone(),
            block_id: node.block.info.id.to_string(),
            status,
        });
        let row = self.node_row(exec_id, status, stats, seq);
        self.batch.nodes.push(row);
    }

    fn node_row(
        &self,
        exec_id: &str,
        status: ExecutionStatus,
        stats: Option<Value>,
        event_seq: i64,
    ) -> NodeRow {
        let st = &self.execs[exec_id];
        let node = &self.spec.plan.nodes[st.node];
        NodeRow {
            id: exec_id.to_string(),
            graph_exec_id: self.spec.exec_id.clone(),
            user_id: self.spec.user_id.clone(),
            node_id: node.id.clone(),
            block_id: node.block.info.id.to_string(),
            status,
            input_data: st.input.clone(),
            stats,
            attempt: 1,
            seq: st.seq,
            add_time: st.add_time,
            start_time: Some(st.start_time),
            end_time: status.is_final().then(Utc::now),
            event_seq,
        }
    }

    /// Starts one execution of `node` on the values it received.
    fn dispatch(&mut self, node: usize, received: Received) {
        self.dispatch_with(node, received, None);
    }

    /// Starts a tool node on a node's request (SmartDecisionMaker's agent mode). It is not
    /// matched against an earlier worker's executions: the requesting node runs again whole.
    fn start_tool(&mut self, request: ToolRequest) {
        let waiter = (request.reply, Vec::new());
        let inputs = crate::inputs::share(request.inputs);
        self.dispatch_with(request.node, inputs, Some(waiter));
    }

    fn dispatch_with(&mut self, node: usize, received: Received, tool: Option<ToolWaiter>) {
        let plan_node = &self.spec.plan.nodes[node];
        let mut resumed = None;
        let replay = self.replay.as_mut().filter(|_| tool.is_none());
        let rerun_of = match replay.map(|r| r.next(node)) {
            Some(Match::Adopt { exec_id, failed }) => {
                self.node_count += 1;
                if failed {
                    self.node_errors += 1;
                    if !plan_node.has_error_link && self.failure.is_none() {
                        self.failure = Some(format!(
                            "node {} ({}) failed (execution {exec_id})",
                            plan_node.id, plan_node.block.info.name
                        ));
                    }
                }
                return;
            }
            Some(Match::Rerun { old_exec_id }) => Some(old_exec_id),
            Some(Match::Resume { exec_id, seq }) => {
                resumed = Some((exec_id, seq));
                None
            }
            Some(Match::New) | None => None,
        };
        let cap = self.spec.bounds.caps.max_node_executions;
        if cap > 0 && self.node_count >= cap {
            self.exceed(crate::limits::exceeded(
                "max_node_executions",
                &format!("node {} would start execution {}", plan_node.id, cap + 1),
                cap,
            ));
            return;
        }
        let mut balance = None;
        if let Some(credits) = &self.spec.credits {
            let info = &plan_node.block.info;
            let cost = credits.policy.block_cost(info.id, info.name);
            if let Err(cap) = credits.admit(&plan_node.id, cost) {
                self.exceed(cap);
                return;
            }
            balance = Some(credits.gate(cost));
        }
        // A run's inputs for single nodes (a trigger's payload, the credentials chosen for the
        // run) apply to every execution of the node, as AutoGPT's `nodes_input_masks`.
        let mut received = received;
        if let Some(mask) = self.spec.node_inputs.get(&plan_node.id) {
            received.extend(
                mask.iter()
                    .map(|(k, v)| (k.clone(), Datum::from(v.clone()))),
            );
        }
        let now = Utc::now();
        // The block's input is held once, as compact JSON text shared by the execution's rows
        // and its job. Only a malformed nested pin name fails, so only then is what was received kept
        // aside to be stored.
        let fallback = received
            .keys()
            .any(|pin| agentry_core::pin::is_nested(pin))
            .then(|| {
                let plain = received
                    .iter()
                    .map(|(k, v)| (k.clone(), v.tree().into_owned()));
                Value::Object(plain.collect())
            });
        // Written straight to text from the shared values (an untyped pin's value is not
        // copied out of the rows and events still holding it); the block reads its typed input
        // from that text (`RegisteredBlock::run_json`).
        let prepared = prepare_input_json(&plan_node.block.info, &plan_node.defaults, received)
            .map(Arc::<str>::from);
        let input: Arc<str> = match &prepared {
            Ok(input) => input.clone(),
            Err(_) => fallback
                .unwrap_or_else(|| Value::Object(Map::new()))
                .to_string()
                .into(),
        };
        if let Some(old) = rerun_of {
            // The earlier worker's attempt ends here; this node runs again under a new id.
            let event_seq = self.tell(EventKind::NodeStatus {
                node_exec_id: old.clone(),
                node_id: plan_node.id.clone(),
                block_id: plan_node.block.info.id.to_string(),
                status: ExecutionStatus::Terminated,
            });
            let plan_node = &self.spec.plan.nodes[node];
            self.batch.nodes.push(NodeRow {
                id: old,
                graph_exec_id: self.spec.exec_id.clone(),
                user_id: self.spec.user_id.clone(),
                node_id: plan_node.id.clone(),
                block_id: plan_node.block.info.id.to_string(),
                status: ExecutionStatus::Terminated,
                input_data: input.clone(),
                stats: None,
                attempt: 1,
                seq: self.next_seq,
                add_time: now,
                start_time: Some(now),
                end_time: Some(now),
                event_seq,
            });
            self.next_seq += 1;
        }
        // A node that waited for review runs again under its own id, where its review is.
        let (exec_id, seq) = match resumed {
            Some(known) => known,
            None => {
                self.next_seq += 1;
                (uuid::Uuid::now_v7().to_string(), self.next_seq - 1)
            }
        };
        self.execs.insert(
            exec_id.clone(),
            ExecState {
                node,
                seq,
                input,
                add_time: now,
                start_time: now,
                outputs: 0,
                tool,
            },
        );
        self.node_count += 1;
        self.node_update(&exec_id, ExecutionStatus::Running, None);
        let plan_node = &self.spec.plan.nodes[node];
        match prepared {
            Ok(input) => {
                let job = NodeJob {
                    exec_id: exec_id.clone(),
                    block: plan_node.block.clone(),
                    input_json: input,
                    info: ExecutionInfo {
                        user_id: self.spec.user_id.clone(),
                        graph_id: self.spec.plan.graph_id.clone(),
                        graph_version: self.spec.plan.graph_version,
                        graph_exec_id: self.spec.exec_id.clone(),
                        node_id: plan_node.id.clone(),
                        node_exec_id: exec_id,
                        user_timezone: None,
                    },
                    retry: plan_node.retry,
                    timeout: plan_node.timeout,
                    tx: self.tx.clone(),
                    services: self.spec.services.clone(),
                    tool_nodes: RunTools::for_node(&self.spec.plan, node, &self.tool_tx),
                    // Only human-review blocks ask for a decision; others get no review desk.
                    review_desk: plan_node.kind == BlockType::HumanInTheLoop,
                    live_text: None,
                    balance,
                };
                let job = NodeJob {
                    live_text: Some(self.bus.live_text(&job.info)),
                    ..job
                };
                let inline = plan_node.block.info.effect == Effect::Pure
                    && job.input_json.len() <= INLINE_INPUT_BYTES
                    && job.balance.is_none()
                    && job.tool_nodes.is_none()
                    && !job.review_desk;
                let span = tracing::info_span!("node", node_exec_id = %job.exec_id, node_id = %job.info.node_id, block = job.block.info.name);
                let task = tracing::Instrument::instrument(node_task::run(job), span);
                if inline {
                    self.run_inline(task);
                } else {
                    self.tasks.spawn(task);
                }
            }
            Err(message) => {
                // A malformed nested pin: fail the node through the same path as a block error.
                let _ = self.tx.send(Msg {
                    exec_id,
                    outputs: vec![("error".into(), Value::String(message.clone()).into())],
                    done: Some((Outcome::Failed(message), json!({}))),
                });
            }
        }
    }

    /// Runs a pure node's task in the loop itself: a pure block almost always ends in its first
    /// poll, and then costs no task, no hand-over to another thread and no wake-up. Its end
    /// still comes back as a message on the loop's channel, read on the loop's next turn, so
    /// it is recorded, committed and routed as any other node's. One that waits (a retry's
    /// backoff, a timer) goes on as a task of its own from where it stopped: the next poll,
    /// by the task, registers the task's waker where this one registered none.
    fn run_inline(&mut self, task: impl Future<Output = ()> + Send + 'static) {
        let mut task = Box::pin(task);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        if task.as_mut().poll(&mut cx).is_pending() {
            self.tasks.spawn(task);
        }
    }

    /// Sends one committed output along every link that selects it, starting sinks that are ready.
    fn route(&mut self, node: usize, pin: &str, value: Datum) {
        let plan = self.spec.plan.clone();
        for edge in &plan.nodes[node].outgoing {
            let sink = &plan.nodes[edge.sink];
            let Some(data) = select(pin, &value, &edge.source_name, &sink.id, &edge.sink_name)
            else {
                continue;
            };
            if plan.nodes[edge.sink].kind == BlockType::Note {
                continue;
            }
            let ready =
                self.inputs
                    .deliver(&plan, edge.sink, &edge.sink_name, data, edge.is_static);
            for received in ready {
                if self.replaying || self.starts_uncommitted(sink) {
                    self.dispatch(edge.sink, received);
                } else {
                    self.held.push((edge.sink, received));
                }
            }
        }
    }

    /// Whether `node` may start on values not yet committed: pure, and no credit balance to
    /// gate it. With credits on, a node's balance check reads the committed ledger, which holds
    /// the charges of the nodes before it only once their ends (the batches carrying its
    /// inputs) have committed; so every node waits for its inputs' commit, as before issue 10.
    fn starts_uncommitted(&self, node: &crate::plan::PlanNode) -> bool {
        node.block.info.effect == Effect::Pure && self.spec.credits.is_none()
    }

    /// Hands the batch, with the events it makes true, to the committer without waiting; what
    /// waits for its commit waits in `pending`.
    fn submit(&mut self) {
        let mut batch = std::mem::take(&mut self.batch);
        let events = std::mem::take(&mut self.events);
        let tool_replies = std::mem::take(&mut self.tool_replies);
        if batch.is_empty() && tool_replies.is_empty() {
            return;
        }
        if !batch.is_empty() {
            self.commits += 1;
        }
        if self.spec.redact_stored_data {
            crate::redaction::redact_node_data(&mut batch);
        }
        self.pending.push_back(Pending {
            done: self.writer.submit(batch),
            events,
            tool_replies,
            starts: Vec::new(),
        });
    }

    /// The oldest pending batch committed: publish its events, answer its tool calls, and
    /// start the world-touching executions that waited for its values.
    fn committed(&mut self) {
        let Some(done) = self.pending.pop_front() else {
            return;
        };
        for event in done.events {
            self.bus.publish(event);
        }
        for (reply, tool_run) in done.tool_replies {
            let _ = reply.send(tool_run);
        }
        for (node, received) in done.starts {
            self.dispatch(node, received);
        }
    }

    /// Waits for every pending batch in order, publishing as they commit; starts nothing new.
    async fn settle(&mut self) -> Result<(), WriteError> {
        while let Some(mut done) = self.pending.pop_front() {
            (&mut done.done).await?;
            for event in done.events {
                self.bus.publish(event);
            }
        }
        Ok(())
    }
}

/// What of `value`, yielded on `pin`, goes along a link (`select_for_link`): the whole value
/// shared, or a nested selection as a new value. Only a nested selection looks inside, so a
/// value held as text is parsed only for one.
fn select(
    pin: &str,
    value: &Datum,
    source_name: &str,
    sink_id: &str,
    sink_name: &str,
) -> Option<Datum> {
    // Asked of a stand-in first: a link that takes the whole value answers the stand-in itself.
    let stand_in = Value::Null;
    let whole = select_for_link(pin, &stand_in, source_name, sink_id, sink_name)
        .is_some_and(|v| std::ptr::eq(v, &stand_in));
    if whole {
        return Some(value.clone());
    }
    // Only a selector that extends the pin's name (`pin_$_0`, `pin_#_key`) looks inside.
    if source_name.len() <= pin.len() || !source_name.starts_with(pin) {
        return None;
    }
    let tree = value.tree();
    select_for_link(pin, &tree, source_name, sink_id, sink_name).map(|v| Datum::from(v.clone()))
}
