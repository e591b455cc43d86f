//! Replay from the store: a subscription's catch-up on the run's stored events (page by page,
//! folding a node's consecutive outputs), the outputs a resumed subscription needs, the history
//! of a followed graph's runs, and recovery after the bus dropped events for a slow client.

use agentry_engine::{Event, EventKind};
use axum::extract::ws::WebSocket;

use super::{Connection, Sent, protocol, send};

/// How many of a graph's newest runs a lagging connection looks at for runs it never saw.
const RECENT_RUNS: u64 = 100;

/// Stored events read at once: a replay holds one page, whatever the run's length.
const PAGE: u64 = 500;

impl Connection {
    /// One page of the run's stored events after `after`, in order; `Err` is the message for
    /// the client.
    pub(super) async fn stored(&self, exec_id: &str, after: u64) -> Result<Vec<Event>, String> {
        let store = self.state.engine.store();
        let rows = store
            .events_page(&self.user_id, exec_id, after as i64, PAGE)
            .await
            .map_err(|e| {
                tracing::error!(exec = exec_id, error = %e, "could not read stored events");
                "could not read the run's events".to_string()
            })?;
        Ok(rows
            .into_iter()
            .filter_map(|row| match serde_json::from_value(row) {
                Ok(event) => Some(event),
                Err(e) => {
                    tracing::error!(exec = exec_id, error = %e, "a stored event does not parse");
                    None
                }
            })
            .collect())
    }

    /// Sends a followed run's stored events after the last one its subscription folded, page
    /// by page. Within a page, a node output followed by another of the same node is folded
    /// without a message of its own: the later message carries both.
    pub(super) async fn catch_up_run(&mut self, socket: &mut WebSocket, exec_id: &str) -> Sent {
        loop {
            let Some(seq) = self.runs.get(exec_id).map(|s| s.view.seq) else {
                return Ok(());
            };
            let events = match self.stored(exec_id, seq).await {
                Ok(events) => events,
                Err(message) => return send(socket, protocol::error(&message)).await,
            };
            for (i, event) in events.iter().enumerate() {
                self.fill_history(exec_id, event).await;
                let Some(subscription) = self.runs.get_mut(exec_id) else {
                    return Ok(());
                };
                if same_node_output(event, events.get(i + 1)) {
                    subscription.fold(event);
                } else if let Some(message) = subscription.apply(event) {
                    send(socket, message).await?;
                }
            }
            if (events.len() as u64) < PAGE {
                return Ok(());
            }
            // A long replay takes turns with every other task on this worker thread.
            tokio::task::yield_now().await;
        }
    }

    /// Reads from the store the outputs a node execution yielded before a resumed
    /// subscription's start, when `event` is the first the subscription sees of it.
    pub(super) async fn fill_history(&mut self, exec_id: &str, event: &Event) {
        if self
            .runs
            .get(exec_id)
            .is_some_and(|s| s.outputs_needed(event))
        {
            let store = self.state.engine.store();
            let outputs = match store.get_execution(&self.user_id, exec_id).await {
                Ok(record) => agentry_engine::graph_outputs(self.state.engine.registry(), &record),
                Err(e) => {
                    tracing::error!(exec = exec_id, error = %e, "could not read a run's outputs");
                    serde_json::Map::new()
                }
            };
            if let Some(subscription) = self.runs.get_mut(exec_id) {
                subscription.set_outputs(outputs);
            }
            return;
        }
        let Some(history) = self.runs.get(exec_id).and_then(|s| s.history_needed(event)) else {
            return;
        };
        let store = self.state.engine.store();
        let outputs = store
            .node_outputs_before(
                &self.user_id,
                exec_id,
                &history.node_exec_id,
                history.before,
            )
            .await
            .unwrap_or_else(|e| {
                tracing::error!(exec = exec_id, error = %e, "could not read a node's outputs");
                Vec::new()
            });
        if let Some(subscription) = self.runs.get_mut(exec_id) {
            subscription.prefill(&history.node_exec_id, &outputs);
        }
    }

    /// Folds, untold, the stored events of a run of a followed graph before `until` (a run
    /// that was going when the subscription began), page by page.
    pub(super) async fn absorb_history(&mut self, graph_id: &str, exec_id: &str, until: u64) {
        let mut seq = 0;
        while seq + 1 < until {
            let events = self.stored(exec_id, seq).await.unwrap_or_default();
            let Some(subscription) = self.graphs.get_mut(graph_id) else {
                return;
            };
            for old in events.iter().filter(|e| e.seq < until) {
                subscription.absorb(old);
            }
            match events.last() {
                Some(last) if (events.len() as u64) == PAGE => seq = last.seq,
                _ => return,
            }
            tokio::task::yield_now().await;
        }
    }

    /// Sends the graph-level events of one run of a followed graph stored after `seq`, page
    /// by page.
    pub(super) async fn catch_up_graph(
        &mut self,
        socket: &mut WebSocket,
        graph_id: &str,
        exec_id: &str,
        mut seq: u64,
    ) -> Sent {
        loop {
            let events = match self.stored(exec_id, seq).await {
                Ok(events) => events,
                Err(message) => return send(socket, protocol::error(&message)).await,
            };
            for event in &events {
                let message = self.graphs.get_mut(graph_id).and_then(|s| s.apply(event));
                if let Some(message) = message {
                    send(socket, message).await?;
                }
            }
            match events.last() {
                Some(last) if (events.len() as u64) == PAGE => seq = last.seq,
                _ => return Ok(()),
            }
            tokio::task::yield_now().await;
        }
    }

    /// After the bus dropped events for this connection: every followed run, and every run of a
    /// followed graph that is unfinished or began since the subscription, is read from the store.
    pub(super) async fn recover(&mut self, socket: &mut WebSocket) -> Sent {
        let exec_ids: Vec<String> = self.runs.keys().cloned().collect();
        for exec_id in exec_ids {
            self.catch_up_run(socket, &exec_id).await?;
        }
        let graph_ids: Vec<String> = self.graphs.keys().cloned().collect();
        for graph_id in graph_ids {
            let store = self.state.engine.store();
            let recent = match store
                .list_executions(&self.user_id, Some(&graph_id), 1, RECENT_RUNS)
                .await
            {
                Ok((rows, _)) => rows,
                Err(e) => {
                    tracing::error!(graph = %graph_id, error = %e, "could not list runs");
                    Vec::new()
                }
            };
            let subscription = &self.graphs[&graph_id];
            let mut todo: Vec<(String, u64)> = subscription
                .runs
                .iter()
                .filter(|(_, view)| !view.finished)
                .map(|(id, view)| (id.clone(), view.seq))
                .collect();
            todo.extend(
                recent
                    .into_iter()
                    .filter(|run| {
                        run.created_at >= subscription.since
                            && !subscription.runs.contains_key(&run.id)
                    })
                    .map(|run| (run.id, 0)),
            );
            for (exec_id, seq) in todo {
                self.catch_up_graph(socket, &graph_id, &exec_id, seq)
                    .await?;
            }
        }
        Ok(())
    }
}

/// Whether `next` is another output of `event`'s node execution (a replay sends only the last).
fn same_node_output(event: &Event, next: Option<&Event>) -> bool {
    match (&event.kind, next.map(|n| &n.kind)) {
        (
            EventKind::NodeOutput { node_exec_id, .. },
            Some(EventKind::NodeOutput {
                node_exec_id: next_id,
                ..
            }),
        ) => node_exec_id == next_id,
        _ => false,
    }
}
