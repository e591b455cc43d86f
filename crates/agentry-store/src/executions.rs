//! Runs and node executions: creation, batched progress writes, and reads for the API.

use std::sync::Arc;

use agentry_core::{Datum, ExecutionStatus};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::entity::{graph_execution, node_execution, node_output};
use crate::{Error, Result, Store};

/// A run to create, QUEUED.
#[derive(Debug, Clone)]
pub struct NewExecution {
    pub id: String,
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    /// The run's inputs as the JSON text of an object, written to the row as it is: a run's
    /// inputs may be megabytes, and a parsed tree of them costs tens of times their text.
    pub inputs: Box<RawValue>,
    pub parent_id: Option<String>,
    /// Inputs for single starting nodes by node id (a webhook's payload); `None` when none.
    pub node_inputs: Option<Value>,
}

/// The latest state of one node execution; written as an upsert.
#[derive(Debug, Clone)]
pub struct NodeRow {
    pub id: String,
    pub graph_exec_id: String,
    pub user_id: String,
    pub node_id: String,
    pub block_id: String,
    pub status: ExecutionStatus,
    /// The execution's input as compact JSON, written once and shared by the execution's rows
    /// and its job: the block reads its typed input from this text.
    pub input_data: Arc<str>,
    pub stats: Option<Value>,
    pub attempt: i32,
    pub seq: i64,
    pub add_time: DateTime<Utc>,
    pub start_time: Option<DateTime<Utc>>,
    pub end_time: Option<DateTime<Utc>>,
    /// The sequence number of the event this write tells (the node's status now).
    pub event_seq: i64,
}

/// One value a node execution yielded.
#[derive(Debug, Clone)]
pub struct OutputRow {
    pub node_exec_id: String,
    pub graph_exec_id: String,
    pub user_id: String,
    pub name: String,
    /// Shared with the events and the routed copies of the same value; written from its text
    /// when it is held as text.
    pub data: agentry_core::Datum,
    pub seq: i32,
    /// The sequence number of the event telling the value.
    pub event_seq: i64,
    /// The graph output the value also is, told by the event numbered `event_seq - 1`.
    pub graph_output: Option<String>,
}

/// A run's status change; applied only when AutoGPT's transition rules allow it.
#[derive(Debug, Clone)]
pub struct RunUpdate {
    pub id: String,
    pub status: ExecutionStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub stats: Option<Value>,
    pub error: Option<String>,
    /// The sequence number of the event telling the change; `None` when none is published
    /// (the row keeps the one it had).
    pub event_seq: Option<i64>,
    /// The run's end is told to its user on its row (`notifications::derived`): a top-level
    /// run's `notice` becomes unread when the change applies, in the same statement, so the
    /// notification watcher has nothing to write (`false`: the row's `notice` stays).
    pub told: bool,
}

/// Everything to make durable in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub nodes: Vec<NodeRow>,
    pub outputs: Vec<OutputRow>,
    pub runs: Vec<RunUpdate>,
    /// Runs whose queue entries go: they have ended.
    pub dequeue: Vec<String>,
    /// Human reviews asked for (an existing one is kept as it is).
    pub reviews: Vec<crate::reviews::NewReview>,
    /// Node charges, committed with the node ends they pay for (`credits.rs`).
    pub charges: Vec<crate::credits::CreditEntry>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.outputs.is_empty()
            && self.runs.is_empty()
            && self.dequeue.is_empty()
            && self.reviews.is_empty()
            && self.charges.is_empty()
    }
    pub fn extend(&mut self, other: Batch) {
        self.nodes.extend(other.nodes);
        self.outputs.extend(other.outputs);
        self.runs.extend(other.runs);
        self.dequeue.extend(other.dequeue);
        self.reviews.extend(other.reviews);
        self.charges.extend(other.charges);
    }
}

/// A stored node execution with the values it yielded, in order.
#[derive(Debug, Clone)]
pub struct NodeExecutionRecord {
    pub row: node_execution::Model,
    pub outputs: Vec<(String, Value)>,
}

/// A stored run with its node executions in the order they were created.
#[derive(Debug, Clone)]
pub struct ExecutionRecord {
    pub run: graph_execution::Model,
    pub nodes: Vec<NodeExecutionRecord>,
}

impl Store {
    /// Creates a run in QUEUED.
    pub async fn create_execution(&self, new: NewExecution) -> Result<graph_execution::Model> {
        let model = graph_execution::ActiveModel {
            id: Set(new.id),
            user_id: Set(new.user_id),
            graph_id: Set(new.graph_id),
            graph_version: Set(new.graph_version),
            status: Set(ExecutionStatus::Queued.into()),
            // Always parses: a `RawValue` holds valid JSON.
            inputs: Set(serde_json::from_str(new.inputs.get())
                .map_err(|e| Error::Unsupported(format!("run inputs: {e}")))?),
            stats: Set(None),
            error: Set(None),
            parent_id: Set(new.parent_id),
            node_inputs: Set(new.node_inputs),
            created_at: Set(Utc::now()),
            started_at: Set(None),
            ended_at: Set(None),
            event_seq: Set(0),
            notice: Set(None),
        };
        Ok(graph_execution::Entity::insert(model)
            .exec_with_returning(&self.db)
            .await?)
    }

    /// Applies one run status change on its own; returns false when the transition was not allowed.
    pub async fn update_run(&self, run: &RunUpdate) -> Result<bool> {
        update_run(&self.db, run).await
    }

    /// One run of this user, its row only: what an answer about the run needs, without
    /// reading back every node's input and output (`get_execution`).
    pub async fn get_run(&self, user_id: &str, exec_id: &str) -> Result<graph_execution::Model> {
        crate::by_key::one(
            graph_execution::Entity::find_by_id(exec_id.to_string())
                .filter(graph_execution::Column::UserId.eq(user_id)),
            &self.db,
        )
        .await?
        .ok_or_else(|| Error::NotFound(format!("execution {exec_id}")))
    }

    /// As `get_run`, with `inputs` null: for an answer that has the inputs' text already, a
    /// run's inputs (possibly megabytes) are not read back and parsed again.
    pub async fn get_run_without_inputs(
        &self,
        user_id: &str,
        exec_id: &str,
    ) -> Result<graph_execution::Model> {
        self.row_without_inputs(Some(user_id), exec_id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("execution {exec_id}")))
    }

    /// As `run_row`, with `inputs` null: for readers of a run's status, owner or lineage, which
    /// must not parse megabytes of inputs back for it (issue 11, finding 3).
    pub async fn run_row_without_inputs(
        &self,
        exec_id: &str,
    ) -> Result<Option<graph_execution::Model>> {
        self.row_without_inputs(None, exec_id).await
    }

    async fn row_without_inputs(
        &self,
        user_id: Option<&str>,
        exec_id: &str,
    ) -> Result<Option<graph_execution::Model>> {
        let mut query = without_inputs(
            graph_execution::Entity::find_by_id(exec_id.to_string()),
            self.backend,
        );
        if let Some(user_id) = user_id {
            query = query.filter(graph_execution::Column::UserId.eq(user_id));
        }
        // Every `?wait=true` answer reads this: by its key, so SQLite keeps the statement.
        Ok(crate::by_key::one(query, &self.db).await?)
    }

    /// The values a run's nodes of these blocks yielded on `pin`, each with its node's `name`
    /// input when that is a string, in the order the nodes and their outputs came; values as
    /// their stored text, never parsed (the graph outputs of a run that ended, which may be
    /// megabytes: issue 11, finding 3).
    pub async fn named_outputs(
        &self,
        user_id: &str,
        exec_id: &str,
        block_ids: &[String],
        pin: &str,
    ) -> Result<Vec<(Option<String>, Datum)>> {
        if block_ids.is_empty() {
            return Ok(Vec::new());
        }
        let (name, data, marks) = match self.backend {
            crate::Backend::Sqlite => (
                "CASE WHEN json_type(n.input_data, '$.name') = 'text' \
                 THEN json_extract(n.input_data, '$.name') END",
                "o.data",
                (1..=block_ids.len() + 3)
                    .map(|_| "?".to_string())
                    .collect::<Vec<_>>(),
            ),
            crate::Backend::Postgres => (
                "CASE WHEN json_typeof(n.input_data -> 'name') = 'string' \
                 THEN n.input_data ->> 'name' END",
                "o.data::text",
                (1..=block_ids.len() + 3)
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>(),
            ),
        };
        let sql = format!(
            "SELECT {name} AS name, {data} AS data FROM node_executions n \
             JOIN node_outputs o ON o.node_exec_id = n.id \
             WHERE n.graph_exec_id = {} AND n.user_id = {} AND o.name = {} \
             AND n.block_id IN ({}) ORDER BY n.seq, o.seq",
            marks[0],
            marks[1],
            marks[2],
            marks[3..].join(", ")
        );
        let mut values: Vec<sea_orm::Value> = vec![exec_id.into(), user_id.into(), pin.into()];
        values.extend(block_ids.iter().map(|b| b.as_str().into()));
        use sea_orm::ConnectionTrait;
        let statement =
            sea_orm::Statement::from_sql_and_values(self.db.get_database_backend(), sql, values);
        let rows = self.db.query_all_raw(statement).await?;
        rows.iter()
            .map(|row| {
                let name: Option<String> = row.try_get("", "name")?;
                let text: String = row.try_get("", "data")?;
                let raw = RawValue::from_string(text)
                    .map_err(|e| Error::Corrupt(format!("node_outputs.data: {e}")))?;
                Ok((name, Datum::from_text(raw)))
            })
            .collect()
    }

    /// One run of this user, with its node executions and their outputs.
    pub async fn get_execution(&self, user_id: &str, exec_id: &str) -> Result<ExecutionRecord> {
        let select = graph_execution::Entity::find_by_id(exec_id.to_string())
            .filter(graph_execution::Column::UserId.eq(user_id));
        let run = crate::by_key::one(select, &self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("execution {exec_id}")))?;
        let nodes = node_execution::Entity::find()
            .filter(node_execution::Column::GraphExecId.eq(exec_id))
            .order_by_asc(node_execution::Column::Seq)
            .all(&self.db)
            .await?;
        let outputs = node_output::Entity::find()
            .filter(node_output::Column::GraphExecId.eq(exec_id))
            .order_by_asc(node_output::Column::Id)
            .all(&self.db)
            .await?;
        let mut by_node: std::collections::HashMap<String, Vec<(i32, String, Value)>> =
            std::collections::HashMap::new();
        for o in outputs {
            by_node
                .entry(o.node_exec_id)
                .or_default()
                .push((o.seq, o.name, o.data));
        }
        let nodes = nodes
            .into_iter()
            .map(|row| {
                let mut outs = by_node.remove(&row.id).unwrap_or_default();
                outs.sort_by_key(|(seq, _, _)| *seq);
                NodeExecutionRecord {
                    row,
                    outputs: outs.into_iter().map(|(_, n, d)| (n, d)).collect(),
                }
            })
            .collect();
        Ok(ExecutionRecord { run, nodes })
    }

    /// The user's runs, newest first, optionally of one graph; `page` starts at 1.
    pub async fn list_executions(
        &self,
        user_id: &str,
        graph_id: Option<&str>,
        page: u64,
        page_size: u64,
    ) -> Result<(Vec<graph_execution::Model>, u64)> {
        let mut q =
            graph_execution::Entity::find().filter(graph_execution::Column::UserId.eq(user_id));
        if let Some(g) = graph_id {
            q = q.filter(graph_execution::Column::GraphId.eq(g));
        }
        let total = q.clone().count(&self.db).await?;
        let rows = q
            .order_by_desc(graph_execution::Column::CreatedAt)
            .order_by_desc(graph_execution::Column::Id)
            .offset(crate::page_offset(page, page_size))
            .limit(page_size)
            .all(&self.db)
            .await?;
        Ok((rows, total))
    }

    /// The values one node execution yielded before its output number `before` (all of them
    /// when `None`), in order, as (pin, value): what a client resuming mid-node has seen.
    pub async fn node_outputs_before(
        &self,
        user_id: &str,
        graph_exec_id: &str,
        node_exec_id: &str,
        before: Option<i32>,
    ) -> Result<Vec<(String, Value)>> {
        let mut query = node_output::Entity::find()
            .filter(node_output::Column::GraphExecId.eq(graph_exec_id))
            .filter(node_output::Column::NodeExecId.eq(node_exec_id))
            .filter(node_output::Column::UserId.eq(user_id));
        if let Some(before) = before {
            query = query.filter(node_output::Column::Seq.lt(before));
        }
        let rows = query
            .order_by_asc(node_output::Column::Seq)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (r.name, r.data)).collect())
    }

    /// A run's row, whoever owns it (for the engine, which checks ownership before).
    pub async fn run_row(&self, exec_id: &str) -> Result<Option<graph_execution::Model>> {
        Ok(crate::by_key::one(
            graph_execution::Entity::find_by_id(exec_id.to_string()),
            &self.db,
        )
        .await?)
    }

    /// Which of these runs have ended in the store: stopped by another process (TERMINATED) or
    /// failed by the reaper.
    pub async fn ended_among(&self, exec_ids: &[String]) -> Result<Vec<String>> {
        if exec_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = without_inputs(graph_execution::Entity::find(), self.backend)
            .filter(graph_execution::Column::Id.is_in(exec_ids.iter().cloned()))
            .filter(graph_execution::Column::Status.is_in([
                ExecutionStatus::Terminated.as_str(),
                ExecutionStatus::Failed.as_str(),
            ]))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    /// The status of a run, whoever owns it (for the engine).
    pub async fn run_status(&self, exec_id: &str) -> Result<ExecutionStatus> {
        let run = self
            .run_row_without_inputs(exec_id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("execution {exec_id}")))?;
        Ok(run.status.0)
    }
}

async fn update_run<C: sea_orm::ConnectionTrait>(db: &C, run: &RunUpdate) -> Result<bool> {
    let statement = db
        .get_database_backend()
        .build(&crate::batch::run_update(run));
    Ok(db.execute_raw(statement).await?.rows_affected() > 0)
}

/// A read of run rows with `inputs` null: for every reader of a run's status, owner, lineage
/// or notice, which must not parse the run's inputs (possibly megabytes) back to a tree for it
/// (issue 11, finding 3: a notification read of the whole row cost two trees of a 6 MB input).
pub(crate) fn without_inputs(
    select: sea_orm::Select<graph_execution::Entity>,
    backend: crate::Backend,
) -> sea_orm::Select<graph_execution::Entity> {
    use graph_execution::Column as C;
    use sea_orm::sea_query::Expr;
    let null_json = match backend {
        crate::Backend::Postgres => "'null'::jsonb",
        crate::Backend::Sqlite => "'null'",
    };
    select
        .select_only()
        .columns([
            C::Id,
            C::UserId,
            C::GraphId,
            C::GraphVersion,
            C::Status,
            C::Stats,
            C::Error,
            C::ParentId,
            C::NodeInputs,
            C::CreatedAt,
            C::StartedAt,
            C::EndedAt,
            C::EventSeq,
            C::Notice,
        ])
        .column_as(Expr::cust(null_json), "inputs")
}
