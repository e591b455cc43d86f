//! One node execution as a tokio task: runs the block, streams what it yields to the run loop,
//! applies the node's timeout and retries system failures while nothing has been yielded.
//!
//! Values yielded during one poll of the block travel together, with the node's end attached
//! when it finished in that poll: a quick node costs its run one message and one commit, while a
//! block that awaits between yields still delivers each value as it goes.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use agentry_core::tool_nodes::ToolNodes;
use agentry_core::{BlockError, Context, ExecutionInfo, RegisteredBlock, Resources, SubAgents};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc::UnboundedSender;

use crate::plan::RetryPolicy;
use crate::review::NodeReviews;

/// How a node execution ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Completed,
    Failed(String),
    /// The block asked for a human review that has no decision yet: the node waits in REVIEW.
    Review(agentry_core::ReviewRequest),
}

/// What a node task tells its run loop: values yielded since the last message, in order, and
/// the end of the execution once it has ended.
#[derive(Debug)]
pub struct Msg {
    pub exec_id: String,
    pub outputs: Vec<(String, Value)>,
    pub done: Option<(Outcome, Value)>,
}

pub struct NodeJob {
    pub exec_id: String,
    pub block: RegisteredBlock,
    pub input: Value,
    pub info: ExecutionInfo,
    pub retry: RetryPolicy,
    pub timeout: Option<Duration>,
    pub tx: UnboundedSender<Msg>,
    pub sub_agents: Option<Arc<dyn SubAgents>>,
    pub memory: Option<Arc<dyn agentry_core::Memory>>,
    pub credentials: Option<Arc<dyn agentry_core::Credentials>>,
    /// The tool nodes linked from this node's `tools` pin, when it has any.
    pub tool_nodes: Option<Arc<dyn ToolNodes>>,
    pub resources: Arc<Resources>,
    /// Where this node's human reviews are found (`review.rs`).
    pub reviews: Option<agentry_store::Store>,
}

type Buffer = Arc<Mutex<Vec<(String, Value)>>>;

struct NodeContext<'a> {
    info: &'a ExecutionInfo,
    buffer: Buffer,
    emitted: usize,
    sub_agents: Option<&'a dyn SubAgents>,
    memory: Option<&'a dyn agentry_core::Memory>,
    credentials: Option<&'a dyn agentry_core::Credentials>,
    tool_nodes: Option<&'a dyn ToolNodes>,
    resources: &'a Resources,
    stats: &'a mut Map<String, Value>,
    reviews: Option<&'a NodeReviews>,
}

impl Context for NodeContext<'_> {
    fn emit(&mut self, pin: &str, value: Value) {
        self.emitted += 1;
        self.buffer
            .lock()
            .expect("output buffer lock")
            .push((pin.to_string(), value));
    }
    fn info(&self) -> &ExecutionInfo {
        self.info
    }
    fn sub_agents(&self) -> Option<&dyn SubAgents> {
        self.sub_agents
    }
    fn tool_nodes(&self) -> Option<&dyn ToolNodes> {
        self.tool_nodes
    }
    fn resources(&self) -> &Resources {
        self.resources
    }
    fn memory(&self) -> Option<&dyn agentry_core::Memory> {
        self.memory
    }
    fn credentials(&self) -> Option<&dyn agentry_core::Credentials> {
        self.credentials
    }
    fn reviews(&self) -> Option<&dyn agentry_core::Reviews> {
        self.reviews.map(|r| r as &dyn agentry_core::Reviews)
    }
    fn add_stats(&mut self, stats: Map<String, Value>) {
        agentry_core::block::merge_stats(self.stats, stats);
    }
}

fn take(buffer: &Buffer) -> Vec<(String, Value)> {
    std::mem::take(&mut *buffer.lock().expect("output buffer lock"))
}

/// Polls `fut`, sending what was yielded whenever it waits.
async fn streaming<F: Future>(fut: F, job: &NodeJob, buffer: &Buffer) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(|cx| match fut.as_mut().poll(cx) {
        Poll::Ready(out) => Poll::Ready(out),
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
        sub_agents: job.sub_agents.as_deref(),
        memory: job.memory.as_deref(),
        credentials: job.credentials.as_deref(),
        tool_nodes: job.tool_nodes.as_deref(),
        resources: &job.resources,
        stats,
        reviews,
    };
    let run = streaming(job.block.run(job.input.clone(), &mut cx), job, buffer);
    let result = match job.timeout {
        Some(limit) => tokio::time::timeout(limit, run).await.unwrap_or_else(|_| {
            Err(BlockError::System(format!(
                "timed out after {:.1} s",
                limit.as_secs_f64()
            )))
        }),
        None => run.await,
    };
    (result, cx.emitted)
}

/// Runs the node to its end and reports it; never panics the run loop.
pub async fn run(job: NodeJob) {
    let started = Instant::now();
    let buffer: Buffer = Arc::default();
    let mut attempts = 0u32;
    // What the block recorded (token counts, cost), over every attempt.
    let mut stats = Map::new();
    let reviews = job
        .reviews
        .clone()
        .map(|store| NodeReviews::new(store, job.info.user_id.clone(), job.exec_id.clone()));
    let outcome = loop {
        attempts += 1;
        match attempt(&job, &buffer, &mut stats, reviews.as_ref()).await {
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
                buffer
                    .lock()
                    .expect("output buffer lock")
                    .push(("error".into(), Value::String(message.clone())));
                break Outcome::Failed(message);
            }
        }
    };
    stats.insert("walltime".into(), json!(started.elapsed().as_secs_f64()));
    stats.insert("attempts".into(), json!(attempts));
    let stats = Value::Object(stats);
    let _ = job.tx.send(Msg {
        exec_id: job.exec_id.clone(),
        outputs: take(&buffer),
        done: Some((outcome, stats)),
    });
}
