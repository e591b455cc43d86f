//! One node execution as a tokio task: runs the block, streams what it yields to the run loop,
//! applies the node's timeout and retries system failures while nothing has been yielded.
//!
//! Values yielded during one poll of the block travel together, with the node's end attached
//! when it finished in that poll: a quick node costs its run one message and one commit, while a
//! block that awaits between yields still delivers each value as it goes.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use agentry_core::tool_nodes::ToolNodes;
use agentry_core::{
    BlockError, Context, Datum, ExecutionInfo, RegisteredBlock, Resources, SubAgents,
};
use futures::FutureExt;
use serde_json::{Map, Value, json};
use tokio::sync::mpsc::UnboundedSender;

use crate::limits::{self, RunLimits};
use crate::plan::RetryPolicy;
use crate::review::NodeReviews;
use crate::services::NodeServices;

/// How a node execution ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Completed,
    Failed(String),
    /// The block asked for a human review that has no decision yet: the node waits in REVIEW.
    Review(agentry_core::ReviewRequest),
    /// The execution passed one of the run's caps (named in the message): the run fails.
    Capped(String),
}

/// What a node task tells its run loop: values yielded since the last message, in order, and
/// the end of the execution once it has ended.
#[derive(Debug)]
pub struct Msg {
    pub exec_id: String,
    pub outputs: Vec<(String, Datum)>,
    pub done: Option<(Outcome, Value)>,
}

pub struct NodeJob {
    pub exec_id: String,
    pub block: RegisteredBlock,
    /// The block's input object as stored (compact JSON, shared with the execution's rows):
    /// every attempt reads its typed input straight from this text, so no parsed copy of the
    /// whole object is held beside the block's own.
    pub input_json: Arc<str>,
    pub info: ExecutionInfo,
    pub retry: RetryPolicy,
    pub timeout: Option<Duration>,
    pub tx: UnboundedSender<Msg>,
    /// The run's services (`services.rs`): what the block may reach, and the caps.
    pub services: Arc<NodeServices>,
    /// The tool nodes linked from this node's `tools` pin, when it has any.
    pub tool_nodes: Option<Arc<dyn ToolNodes>>,
    /// The node may ask for a human review (`review.rs`): a human-in-the-loop block.
    pub review_desk: bool,
    /// Where partial text goes (`Context::stream_text`): to the run's live watchers.
    pub live_text: Option<LiveText>,
    /// With credits on: the balance must pay for the node before its block runs.
    pub balance: Option<crate::credits::BalanceGate>,
}

/// Publishes a node's partial text (`pin`, `delta`) as a live event.
pub type LiveText = Arc<dyn Fn(&str, &str) + Send + Sync>;

/// What the block yielded since the last message, and the cap it passed, if any.
#[derive(Default)]
struct Yielded {
    values: Vec<(String, Datum)>,
    capped: Option<String>,
}

type Buffer = Arc<Mutex<Yielded>>;

/// Counts one execution's values against the per-node caps.
struct OutputCaps {
    caps: RunLimits,
    total: u64,
    per_pin: HashMap<String, u64>,
}

impl OutputCaps {
    /// `Err` names the cap this value would pass.
    fn admit(&mut self, pin: &str, value: &Datum) -> Result<(), String> {
        let caps = self.caps;
        if caps.max_outputs_per_node > 0 && self.total >= caps.max_outputs_per_node {
            return Err(limits::exceeded(
                "max_outputs_per_node",
                "a node execution yielded too many values",
                caps.max_outputs_per_node,
            ));
        }
        let on_pin = self.per_pin.entry(pin.to_string()).or_default();
        if caps.max_outputs_per_pin > 0 && *on_pin >= caps.max_outputs_per_pin {
            return Err(limits::exceeded(
                "max_outputs_per_pin",
                &format!("a node execution yielded too many values on pin {pin}"),
                caps.max_outputs_per_pin,
            ));
        }
        if caps.max_value_bytes > 0 {
            let bytes = value.bytes();
            if bytes > caps.max_value_bytes {
                return Err(limits::exceeded(
                    "max_value_bytes",
                    &format!("a value of {bytes} bytes on pin {pin}"),
                    caps.max_value_bytes,
                ));
            }
        }
        *on_pin += 1;
        self.total += 1;
        Ok(())
    }
}

struct NodeContext<'a> {
    info: &'a ExecutionInfo,
    buffer: Buffer,
    emitted: usize,
    caps: OutputCaps,
    services: &'a NodeServices,
    tool_nodes: Option<&'a dyn ToolNodes>,
    stats: &'a mut Map<String, Value>,
    reviews: Option<&'a NodeReviews>,
    live_text: Option<&'a LiveText>,
}

impl Context for NodeContext<'_> {
    fn emit(&mut self, pin: &str, value: Value) {
        self.emit_datum(pin, Datum::from(value));
    }
    fn emit_datum(&mut self, pin: &str, value: Datum) {
        let mut buffer = lock(&self.buffer);
        if buffer.capped.is_some() {
            return;
        }
        match self.caps.admit(pin, &value) {
            Ok(()) => {
                self.emitted += 1;
                buffer.values.push((pin.to_string(), value));
            }
            // The block is stopped at its next await (or when it returns); what it yields
            // meanwhile is dropped here instead of piling up.
            Err(cap) => buffer.capped = Some(cap),
        }
    }
    fn info(&self) -> &ExecutionInfo {
        self.info
    }
    fn sub_agents(&self) -> Option<&dyn SubAgents> {
        self.services.sub_agents.as_deref()
    }
    fn tool_nodes(&self) -> Option<&dyn ToolNodes> {
        self.tool_nodes
    }
    fn resources(&self) -> &Resources {
        &self.services.resources
    }
    fn memory(&self) -> Option<&dyn agentry_core::Memory> {
        self.services.memory.as_deref()
    }
    fn credentials(&self) -> Option<&dyn agentry_core::Credentials> {
        self.services.credentials.as_deref()
    }
    fn reviews(&self) -> Option<&dyn agentry_core::Reviews> {
        self.reviews.map(|r| r as &dyn agentry_core::Reviews)
    }
    fn add_stats(&mut self, stats: Map<String, Value>) {
        agentry_core::block::merge_stats(self.stats, stats);
    }
    fn stream_text(&mut self, pin: &str, delta: &str) {
        if let Some(live) = self.live_text {
            live(pin, delta);
        }
    }
}

/// The buffer, also after a panic while it was held (the block's panic is caught and its node
/// fails; what it yielded before is still reported).
fn lock(buffer: &Buffer) -> std::sync::MutexGuard<'_, Yielded> {
    buffer
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn take(buffer: &Buffer) -> Vec<(String, Datum)> {
    std::mem::take(&mut lock(buffer).values)
}

fn capped(buffer: &Buffer) -> Option<String> {
    lock(buffer).capped.clone()
}

/// Polls `fut`, sending what was yielded whenever it waits; `None` when it passed a cap, which
/// stops it.
async fn streaming<F: Future>(fut: F, job: &NodeJob, buffer: &Buffer) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(|cx| match fut.as_mut().poll(cx) {
        Poll::Ready(out) => Poll::Ready(Some(out)),
        Poll::Pending if capped(buffer).is_some() => Poll::Ready(None),
        Poll::Pending => {
            let outputs = take(buffer);
            if !outputs.is_empty() {
                let _ = job.tx.send(Msg {
                    exec_id: job.exec_id.clone(),
                    outputs,
                    done: None,
                });
            }
            Poll::Pending
        }
    })
    .await
}

async fn attempt(
    job: &NodeJob,
    buffer: &Buffer,
    stats: &mut Map<String, Value>,
    reviews: Option<&NodeReviews>,
) -> (Result<(), BlockError>, usize) {
    let mut cx = NodeContext {
        info: &job.info,
        buffer: buffer.clone(),
        emitted: 0,
        caps: OutputCaps {
            caps: job.services.caps,
            total: 0,
            per_pin: HashMap::new(),
        },
        services: &job.services,
        tool_nodes: job.tool_nodes.as_deref(),
        stats,
        reviews,
        live_text: job.live_text.as_ref(),
    };
    let input = job.input_json.clone();
    // A block that panics fails its node like any other error: left to the task, the panic
    // would end the task without a message, and the run would wait for the node until its wall
    // time (a day by default) while holding its worker slot.
    let block = async {
        match AssertUnwindSafe(job.block.run_json(input, &mut cx))
            .catch_unwind()
            .await
        {
            Ok(result) => result,
            Err(panic) => Err(panicked(job, panic.as_ref())),
        }
    };
    let run = streaming(block, job, buffer);
    let result = match job.timeout {
        Some(limit) => tokio::time::timeout(limit, run).await.unwrap_or_else(|_| {
            Some(Err(BlockError::System(format!(
                "timed out after {:.1} s",
                limit.as_secs_f64()
            ))))
        }),
        None => run.await,
    };
    // Stopped at a cap: reported as the run's failure, not retried.
    let result = result.unwrap_or(Ok(()));
    (result, cx.emitted)
}

/// What a block's panic becomes: a failure that is not retried (the same input would panic
/// again). The panic's own message may quote the input, so it goes to the log only.
fn panicked(job: &NodeJob, panic: &(dyn Any + Send)) -> BlockError {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    tracing::error!(block = job.block.info.name, node_exec = %job.exec_id, panic = message, "a block panicked");
    BlockError::Input(format!(
        "the {} block stopped on an internal error; the server's log has the details",
        job.block.info.name
    ))
}

/// Runs the node to its end and reports it; never panics the run loop.
pub async fn run(job: NodeJob) {
    let started = Instant::now();
    let buffer: Buffer = Arc::default();
    let mut attempts = 0u32;
    // What the block recorded (token counts, cost), over every attempt.
    let mut stats = Map::new();
    let reviews = job
        .services
        .reviews
        .as_ref()
        .filter(|_| job.review_desk)
        .map(|store| {
            NodeReviews::new(store.clone(), job.info.user_id.clone(), job.exec_id.clone())
        });
    if let Some(gate) = &job.balance
        && let Err(refusal) = gate.check(&job.info.user_id, &job.info.node_id).await
    {
        let _ = job.tx.send(Msg {
            exec_id: job.exec_id.clone(),
            outputs: vec![("error".into(), Datum::from(Value::String(refusal.clone())))],
            done: Some((Outcome::Capped(refusal), json!({}))),
        });
        return;
    }
    let outcome = loop {
        attempts += 1;
        let result = attempt(&job, &buffer, &mut stats, reviews.as_ref()).await;
        if let Some(cap) = capped(&buffer) {
            break Outcome::Capped(cap);
        }
        match result {
            (Ok(()), _) => match reviews.as_ref().and_then(NodeReviews::take_request) {
                Some(request) => break Outcome::Review(request),
                None => break Outcome::Completed,
            },
            (Err(e), 0) if e.is_retryable() && attempts < job.retry.attempts => {
                let backoff = job.retry.backoff * 2u32.saturating_pow(attempts - 1);
                tracing::info!(node_exec = %job.exec_id, attempt = attempts, error = %e, "retrying node");
                tokio::time::sleep(backoff).await;
            }
            (Err(e), _) => {
                let message = e.to_string();
                lock(&buffer)
                    .values
                    .push(("error".into(), Datum::from(Value::String(message.clone()))));
                break Outcome::Failed(message);
            }
        }
    };
    let status = match &outcome {
        Outcome::Completed => "COMPLETED",
        Outcome::Failed(_) | Outcome::Capped(_) => "FAILED",
        Outcome::Review(_) => "REVIEW",
    };
    let block = job.block.info.name;
    if matches!(outcome, Outcome::Failed(_)) {
        // The message is on the node's `error` pin; the log says only where to look.
        tracing::info!(block, attempts, "node execution failed");
    }
    metrics::counter!("agentry_node_executions_total", "block" => block, "status" => status)
        .increment(1);
    metrics::histogram!("agentry_node_duration_seconds", "block" => block, "status" => status)
        .record(started.elapsed().as_secs_f64());
    stats.insert("walltime".into(), json!(started.elapsed().as_secs_f64()));
    stats.insert("attempts".into(), json!(attempts));
    let stats = Value::Object(stats);
    let _ = job.tx.send(Msg {
        exec_id: job.exec_id.clone(),
        outputs: take(&buffer),
        done: Some((outcome, stats)),
    });
}
