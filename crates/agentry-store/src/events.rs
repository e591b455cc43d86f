//! A run's events, derived from the rows they describe: each node execution, node output and
//! run row carries the sequence number of the event that last wrote it (`event_seq`), so a
//! client that resumes after `seq` reads the rows written after it, by an index seek on
//! (run, event_seq), instead of a second stored copy of every event.
//!
//! What a replay tells: each node execution's status now (an earlier status the row has since
//! overwritten, such as RUNNING before COMPLETED, is not told again), every value yielded (and
//! the graph output it also is, numbered just before it), and the run's status now. Live
//! events carry the same numbers, so a client moving from a replay to live events neither
//! misses nor repeats one. Partial text (`node_text_delta`) is live only.
//!
//! The run, node and output rows are read in one read-only transaction, one snapshot: read one
//! after another, a batch committed between two reads left a page with a node's outputs but
//! not its status, numbered past the status a subscriber then dropped as already told.

use std::collections::HashMap;

use sea_orm::{
    AccessMode, ColumnTrait, DatabaseTransaction, EntityTrait, IsolationLevel, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::{Map, Value, json};

use crate::entity::{StatusColumn, graph_execution, node_execution, node_output};
use crate::{Backend, Result, Store};

/// (id, node id, block id, status, event_seq) of a node execution.
type NodeEventRow = (String, String, String, StatusColumn, i64);
/// (node execution id, pin, value, output index, event_seq, graph output) of a node output.
type OutputEventRow = (String, String, Value, i32, i64, Option<String>);

impl Store {
    /// Every event of this user's run after `after_seq`, in order (for clients that resume).
    pub async fn events_since(
        &self,
        user_id: &str,
        exec_id: &str,
        after_seq: i64,
    ) -> Result<Vec<Value>> {
        self.derived_events(user_id, exec_id, after_seq, None).await
    }

    /// The first `limit` events of a run after `after_seq`, in order: index seeks on (run,
    /// event_seq), so a client resuming near the end of a long run reads only the tail, and a
    /// page holds at most `limit + 1` rows of each table whatever the run's length. Fewer than
    /// `limit` events means there are no more (so far).
    pub async fn events_page(
        &self,
        user_id: &str,
        exec_id: &str,
        after_seq: i64,
        limit: u64,
    ) -> Result<Vec<Value>> {
        self.derived_events(user_id, exec_id, after_seq, Some(limit.max(1)))
            .await
    }

    /// The sequence number of a run's last committed event; 0 when it has none. A batch's
    /// last event belongs to a row it writes (or one a later batch writes with a higher
    /// number), so the highest `event_seq` of the run's rows is its last event.
    pub async fn last_event_seq(&self, exec_id: &str) -> Result<i64> {
        use graph_execution::Column as G;
        use node_execution::Column as N;
        use node_output::Column as O;
        let run: Option<i64> = graph_execution::Entity::find_by_id(exec_id.to_string())
            .select_only()
            .column(G::EventSeq)
            .into_tuple()
            .one(&self.db)
            .await?;
        let node: Option<Option<i64>> = node_execution::Entity::find()
            .select_only()
            .expr(N::EventSeq.max())
            .filter(N::GraphExecId.eq(exec_id))
            .into_tuple()
            .one(&self.db)
            .await?;
        let output: Option<Option<i64>> = node_output::Entity::find()
            .select_only()
            .expr(O::EventSeq.max())
            .filter(O::GraphExecId.eq(exec_id))
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok([run, node.flatten(), output.flatten()]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0))
    }

    /// A read-only transaction whose statements all see one snapshot. SQLite's WAL gives
    /// every read transaction one (and refuses the settings); PostgreSQL's default, READ
    /// COMMITTED, takes a new one per statement, so it asks for REPEATABLE READ.
    async fn snapshot(&self) -> Result<DatabaseTransaction> {
        let (isolation, access) = match self.backend {
            Backend::Postgres => (
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            ),
            Backend::Sqlite => (None, None),
        };
        Ok(self.db.begin_with_config(isolation, access).await?)
    }

    async fn derived_events(
        &self,
        user_id: &str,
        exec_id: &str,
        after: i64,
        limit: Option<u64>,
    ) -> Result<Vec<Value>> {
        let snapshot = self.snapshot().await?;
        let events = Self::derived_events_in(&snapshot, user_id, exec_id, after, limit).await?;
        snapshot.commit().await?;
        Ok(events)
    }

    /// The events, read in `db`'s one snapshot.
    async fn derived_events_in(
        db: &DatabaseTransaction,
        user_id: &str,
        exec_id: &str,
        after: i64,
        limit: Option<u64>,
    ) -> Result<Vec<Value>> {
        use graph_execution::Column as G;
        use node_execution::Column as N;
        use node_output::Column as O;
        let run: Option<(String, i32, StatusColumn, Option<String>, i64)> =
            graph_execution::Entity::find_by_id(exec_id.to_string())
                .filter(G::UserId.eq(user_id))
                .select_only()
                .columns([
                    G::GraphId,
                    G::GraphVersion,
                    G::Status,
                    G::Error,
                    G::EventSeq,
                ])
                .into_tuple()
                .one(db)
                .await?;
        let Some((graph_id, graph_version, run_status, run_error, run_seq)) = run else {
            return Ok(Vec::new());
        };
        // One more row than a page: the first row left out bounds what the page may tell.
        let rows = limit.map(|l| l.saturating_add(1));
        let mut nodes = node_execution::Entity::find()
            .select_only()
            .columns([N::Id, N::NodeId, N::BlockId, N::Status, N::EventSeq])
            .filter(N::GraphExecId.eq(exec_id))
            .filter(N::UserId.eq(user_id))
            .filter(N::EventSeq.gt(after))
            .order_by_asc(N::EventSeq);
        let mut outputs = node_output::Entity::find()
            .select_only()
            .columns([
                O::NodeExecId,
                O::Name,
                O::Data,
                O::Seq,
                O::EventSeq,
                O::GraphOutput,
            ])
            .filter(O::GraphExecId.eq(exec_id))
            .filter(O::UserId.eq(user_id))
            .filter(O::EventSeq.gt(after))
            .order_by_asc(O::EventSeq);
        if let Some(rows) = rows {
            nodes = nodes.limit(rows);
            outputs = outputs.limit(rows);
        }
        let nodes: Vec<NodeEventRow> = nodes.into_tuple().all(db).await?;
        let outputs: Vec<OutputEventRow> = outputs.into_tuple().all(db).await?;
        // Rows not read have a higher `event_seq` than the last read of a full table, and tell
        // nothing before the number just below it: events from there on wait for the next page.
        let full = |len: usize, last: Option<i64>| match (rows, last) {
            (Some(rows), Some(last)) if len as u64 == rows => Some(last),
            _ => None,
        };
        let cut = [
            full(nodes.len(), nodes.last().map(|n| n.4)),
            full(outputs.len(), outputs.last().map(|o| o.4)),
        ]
        .into_iter()
        .flatten()
        .min()
        .map_or(i64::MAX, |last| last - 1);

        let envelope = |seq: i64, mut fields: Map<String, Value>| {
            fields.insert("user_id".into(), user_id.into());
            fields.insert("graph_id".into(), graph_id.clone().into());
            fields.insert("graph_version".into(), graph_version.into());
            fields.insert("graph_exec_id".into(), exec_id.into());
            fields.insert("seq".into(), seq.into());
            (seq, Value::Object(fields))
        };
        let mut events: Vec<(i64, Value)> = Vec::with_capacity(nodes.len() + outputs.len() + 1);
        let mut known: HashMap<String, (String, String)> = HashMap::new();
        for (id, node_id, block_id, status, seq) in nodes {
            let fields = json!({"kind": "node_status", "node_exec_id": id, "node_id": node_id,
                "block_id": block_id, "status": status.as_str()});
            events.push(envelope(seq, object(fields)));
            known.insert(id, (node_id, block_id));
        }
        // Outputs name their execution; its node and block are the node row's.
        let missing: Vec<String> = outputs
            .iter()
            .filter(|o| !known.contains_key(&o.0))
            .map(|o| o.0.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !missing.is_empty() {
            let more: Vec<(String, String, String)> = node_execution::Entity::find()
                .select_only()
                .columns([N::Id, N::NodeId, N::BlockId])
                .filter(N::GraphExecId.eq(exec_id))
                .filter(N::UserId.eq(user_id))
                .filter(N::Id.is_in(missing))
                .into_tuple()
                .all(db)
                .await?;
            known.extend(
                more.into_iter()
                    .map(|(id, node, block)| (id, (node, block))),
            );
        }
        for (node_exec_id, pin, value, index, seq, graph_output) in outputs {
            if let Some(name) = graph_output {
                let fields = json!({"kind": "graph_output", "name": name, "value": value});
                events.push(envelope(seq - 1, object(fields)));
            }
            let (node_id, block_id) = known.get(&node_exec_id).cloned().unwrap_or_default();
            let fields = json!({"kind": "node_output", "node_exec_id": node_exec_id,
                "node_id": node_id, "block_id": block_id, "pin": pin, "value": value,
                "index": index});
            events.push(envelope(seq, object(fields)));
        }
        if run_seq > after {
            let fields = json!({"kind": "run_status", "status": run_status.as_str(),
                "error": run_error});
            events.push(envelope(run_seq, object(fields)));
        }
        events.retain(|(seq, _)| *seq > after && *seq <= cut);
        events.sort_by_key(|(seq, _)| *seq);
        if let Some(limit) = limit {
            events.truncate(limit as usize);
        }
        Ok(events.into_iter().map(|(_, event)| event).collect())
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields,
        _ => Map::new(),
    }
}
