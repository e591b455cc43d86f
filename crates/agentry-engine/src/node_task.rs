//! One node execution as a tokio task: runs the block, streams what it yields to the run loop,
//! applies the node's timeout and retries system failures while nothing has been yielded.

use std::time::{Duration, Instant};

use agentry_core::{BlockError, Context, ExecutionInfo, RegisteredBlock};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use crate::plan::RetryPolicy;

/// How a node execution ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Completed,
    Failed(String),
}

/// What node tasks tell their run loop, in the order it happened.
#[derive(Debug)]
pub enum Msg {
    Output {
        exec_id: String,
        pin: String,
        value: Value,
    },
    Done {
        exec_id: String,
        outcome: Outcome,
        stats: Value,
    },
}

pub struct NodeJob {
    pub exec_id: String,
    pub block: RegisteredBlock,
    pub input: Value,
    pub info: ExecutionInfo,
    pub retry: RetryPolicy,
    pub timeout: Option<Duration>,
    pub tx: UnboundedSender<Msg>,
}

struct NodeContext<'a> {
    job: &'a NodeJob,
    emitted: usize,
}

impl Context for NodeContext<'_> {
    fn emit(&mut self, pin: &str, value: Value) {
        self.emitted += 1;
        let _ = self.job.tx.send(Msg::Output {
            exec_id: self.job.exec_id.clone(),
            pin: pin.to_string(),
            value,
        });
    }
    fn info(&self) -> &ExecutionInfo {
        &self.job.info
    }
}

async fn attempt(job: &NodeJob, cx: &mut NodeContext<'_>) -> Result<(), BlockError> {
    let run = job.block.run(job.input.clone(), cx);
    match job.timeout {
        Some(limit) => tokio::time::timeout(limit, run).await.unwrap_or_else(|_| {
            Err(BlockError::System(format!(
                "timed out after {:.1} s",
                limit.as_secs_f64()
            )))
        }),
        None => run.await,
    }
}

/// Runs the node to its end and reports it; never panics the run loop.
pub async fn run(job: NodeJob) {
    let started = Instant::now();
    let mut attempts = 0u32;
    let outcome = loop {
        attempts += 1;
        let mut cx = NodeContext {
            job: &job,
            emitted: 0,
        };
        match attempt(&job, &mut cx).await {
            Ok(()) => break Outcome::Completed,
            Err(e) if e.is_retryable() && cx.emitted == 0 && attempts < job.retry.attempts => {
                let backoff = job.retry.backoff * 2u32.saturating_pow(attempts - 1);
                tracing::info!(node_exec = %job.exec_id, attempt = attempts, error = %e, "retrying node");
                tokio::time::sleep(backoff).await;
            }
            Err(e) => {
                let message = e.to_string();
                let _ = job.tx.send(Msg::Output {
                    exec_id: job.exec_id.clone(),
                    pin: "error".into(),
                    value: Value::String(message.clone()),
                });
                break Outcome::Failed(message);
            }
        }
    };
    let stats = json!({
        "walltime": started.elapsed().as_secs_f64(),
        "attempts": attempts,
    });
    let _ = job.tx.send(Msg::Done {
        exec_id: job.exec_id,
        outcome,
        stats,
    });
}
