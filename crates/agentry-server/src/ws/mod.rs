//! AutoGPT's WebSocket API at `GET /ws`: live run updates over the in-process `EventBus`, with
//! AutoGPT's envelope `{method, data, success, channel, error}`, method names and channel keys.
//!
//! A client sends `subscribe_graph_execution {graph_exec_id}` (channel
//! `"{user_id}|graph_exec#{id}"`: every node and graph event of that run),
//! `subscribe_graph_executions {graph_id}` (channel `"{user_id}|graph#{graph_id}|executions"`: the
//! graph-level events of every run of that graph), `unsubscribe {graph_exec_id}` or
//! `unsubscribe {graph_id}`, and `heartbeat` (answered `{"method":"heartbeat","data":"pong",
//! "success":true}`). A malformed message or an unknown method is answered with an `error` message
//! and the connection stays open. The server pushes `node_execution_event` and
//! `graph_execution_event` messages.
//!
//! Delivery: the connection subscribes to the bus when it opens, so a subscription that then
//! reads the run's stored events (`Store::events_since`) misses nothing, and each subscription
//! forwards only events with a `seq` above the last one it folded: no gaps, no duplicates. A
//! connection whose bus receiver lags (a slow client) re-reads what it missed from the store
//! the same way. Only the connection's user's events are delivered; subscribing to another
//! user's run or graph is answered with an error.
//!
//! Differences from AutoGPT:
//! - Our additions: `subscribe_graph_execution` takes an optional `last_seq` and first sends the
//!   stored events after it (AutoGPT has no replay); every pushed `data` carries the run's `seq`;
//!   graph events carry `error` beside `stats.error`.
//! - Node events have `input_data: {}` and `null` `add_time`/`queue_time`/`start_time`/`end_time`,
//!   and graph events have `inputs: {}`, `null` `started_at`/`ended_at` and `stats` holding only
//!   `error`: our events do not carry them; `GET /api/graphs/{id}/executions/{exec_id}` does.
//! - A node's yielded value is a `node_execution_event` with the node's status so far and every
//!   value it yielded so far, as AutoGPT sends; a graph output is not a message of its own (it
//!   is in the output node's event and in the run's final `outputs`).
//! - Payloads are not truncated; subscribing to a run that does not exist is an error (AutoGPT
//!   logs it and answers nothing); there are no `notification` messages yet.

mod protocol;
mod subscription;

pub use protocol::parse;

use std::collections::HashMap;

use agentry_engine::Event;
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

pub use self::protocol::Request;
use self::subscription::{GraphSubscription, RunSubscription};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code};

/// How many of a graph's newest runs a lagging connection looks at for runs it never saw.
const RECENT_RUNS: u64 = 100;

/// A refused connection: AutoGPT closes with 4001 (no token) or 4002/4003 (invalid token).
struct Refusal {
    code: u16,
    reason: &'static str,
}

/// Who a connection acts as: the principal the `authenticate` layer found (from `?token=`,
/// the `Authorization` header or the session cookie; an invalid one was already answered 401).
/// None is closed with AutoGPT's 4001 after the upgrade.
fn connection_user(principal: Result<Principal, ApiError>) -> Result<String, Refusal> {
    match principal {
        Ok(principal) => Ok(principal.user_id),
        Err(_) => Err(Refusal {
            code: 4001,
            reason: "Authentication failed: send ?token=<access token or API key>",
        }),
    }
}

/// `GET /ws`: upgrades to a WebSocket; a request that is not an upgrade is a 400 in our envelope.
pub async fn upgrade(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            return ApiError::new(
                Code::WebsocketUpgradeRequired,
                format!("/ws speaks WebSocket only: {rejection}"),
            )
            .into_response();
        }
    };
    let user = connection_user(principal);
    upgrade.on_upgrade(move |mut socket| async move {
        match user {
            Ok(user_id) => {
                metrics::gauge!("agentry_websocket_connections").increment(1.0);
                Connection::new(state, user_id).serve(socket).await;
                metrics::gauge!("agentry_websocket_connections").decrement(1.0);
            }
            Err(refusal) => {
                let frame = CloseFrame {
                    code: refusal.code,
                    reason: refusal.reason.into(),
                };
                let _ = socket.send(Message::Close(Some(frame))).await;
            }
        }
    })
}

/// The socket went away; the connection ends.
struct Gone;

type Sent = Result<(), Gone>;

async fn send(socket: &mut WebSocket, text: String) -> Sent {
    socket
        .send(Message::Text(text.into()))
        .await
        .map_err(|_| Gone)
}

/// One client's subscriptions.
struct Connection {
    state: AppState,
    user_id: String,
    runs: HashMap<String, RunSubscription>,
    graphs: HashMap<String, GraphSubscription>,
}

impl Connection {
    fn new(state: AppState, user_id: String) -> Self {
        Connection {
            state,
            user_id,
            runs: HashMap::new(),
            graphs: HashMap::new(),
        }
    }

    async fn serve(mut self, mut socket: WebSocket) {
        // On the bus before any subscription reads the store: nothing falls between the two.
        let mut bus = self.state.engine.events().subscribe();
        loop {
            let step = tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => self.on_text(&mut socket, text.as_str()).await,
                    Some(Ok(Message::Binary(bytes))) => match std::str::from_utf8(&bytes) {
                        Ok(text) => self.on_text(&mut socket, text).await,
                        Err(_) => send(&mut socket, protocol::error("Invalid message format. Review the schema and retry")).await,
                    },
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(()),
                    Some(Ok(Message::Close(_)) | Err(_)) | None => Err(Gone),
                },
                event = bus.recv() => match event {
                    Ok(event) => self.on_event(&mut socket, event).await,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "a WebSocket client lagged; reading from the store");
                        self.recover(&mut socket).await
                    }
                    Err(RecvError::Closed) => Err(Gone),
                },
            };
            if step.is_err() {
                break;
            }
        }
    }

    async fn on_text(&mut self, socket: &mut WebSocket, text: &str) -> Sent {
        let request = match protocol::parse(text) {
            Ok(request) => request,
            Err(message) => return send(socket, protocol::error(&message)).await,
        };
        match request {
            Request::Heartbeat => send(socket, protocol::pong()).await,
            Request::ClientError(data) => {
                tracing::warn!(?data, "a WebSocket client reported an error");
                Ok(())
            }
            Request::SubscribeRun { exec_id, last_seq } => {
                self.subscribe_run(socket, exec_id, last_seq.unwrap_or(0))
                    .await
            }
            Request::SubscribeGraph { graph_id } => self.subscribe_graph(socket, graph_id).await,
            Request::UnsubscribeRun { exec_id } => {
                self.runs.remove(&exec_id);
                let channel = protocol::run_channel(&self.user_id, &exec_id);
                send(socket, protocol::ack(protocol::UNSUBSCRIBE, channel)).await
            }
            Request::UnsubscribeGraph { graph_id } => {
                self.graphs.remove(&graph_id);
                let channel = protocol::graph_channel(&self.user_id, &graph_id);
                send(socket, protocol::ack(protocol::UNSUBSCRIBE, channel)).await
            }
        }
    }

    /// The run's stored events after `after`, in order; `Err` is the message for the client.
    async fn stored(&self, exec_id: &str, after: u64) -> Result<Vec<Event>, String> {
        let store = self.state.engine.store();
        let rows = store
            .events_since(&self.user_id, exec_id, after as i64)
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

    async fn subscribe_run(&mut self, socket: &mut WebSocket, exec_id: String, after: u64) -> Sent {
        let events = match self.stored(&exec_id, 0).await {
            Ok(events) => events,
            Err(message) => return send(socket, protocol::error(&message)).await,
        };
        // Stored events are filtered by user, so having some proves ownership; a run without
        // any yet (just queued) is looked up.
        if events.is_empty() {
            let store = self.state.engine.store();
            if let Err(e) = store.get_execution(&self.user_id, &exec_id).await {
                let message = match e {
                    agentry_store::Error::NotFound(_) => format!("graph_exec #{exec_id} not found"),
                    e => {
                        tracing::error!(exec = %exec_id, error = %e, "could not read a run");
                        "could not read the run".to_string()
                    }
                };
                return send(socket, protocol::error(&message)).await;
            }
        }
        let channel = protocol::run_channel(&self.user_id, &exec_id);
        send(
            socket,
            protocol::ack(protocol::SUBSCRIBE_RUN, channel.clone()),
        )
        .await?;
        let mut subscription = RunSubscription::new(channel, after);
        for event in &events {
            if let Some(message) = subscription.apply(event) {
                send(socket, message).await?;
            }
        }
        self.runs.insert(exec_id, subscription);
        Ok(())
    }

    async fn subscribe_graph(&mut self, socket: &mut WebSocket, graph_id: String) -> Sent {
        let store = self.state.engine.store();
        if let Err(e) = store.get_graph(&self.user_id, &graph_id, None).await {
            let message = match e {
                agentry_store::Error::NotFound(_) => format!("graph #{graph_id} not found"),
                e => {
                    tracing::error!(graph = %graph_id, error = %e, "could not read a graph");
                    "could not read the graph".to_string()
                }
            };
            return send(socket, protocol::error(&message)).await;
        }
        let channel = protocol::graph_channel(&self.user_id, &graph_id);
        self.graphs
            .entry(graph_id)
            .or_insert_with(|| GraphSubscription::new(channel.clone()));
        send(socket, protocol::ack(protocol::SUBSCRIBE_GRAPH, channel)).await
    }

    async fn on_event(&mut self, socket: &mut WebSocket, event: Event) -> Sent {
        if event.user_id != self.user_id {
            return Ok(());
        }
        let exec_id = event.graph_exec_id.as_str();
        if let Some(seq) = self.runs.get(exec_id).map(|s| s.view.seq) {
            if event.seq > seq + 1 {
                self.catch_up_run(socket, exec_id).await?;
            }
            if let Some(message) = self.runs.get_mut(exec_id).and_then(|s| s.apply(&event)) {
                send(socket, message).await?;
            }
        }
        if self.graphs.contains_key(&event.graph_id) {
            self.on_graph_event(socket, &event).await?;
        }
        Ok(())
    }

    async fn on_graph_event(&mut self, socket: &mut WebSocket, event: &Event) -> Sent {
        let (graph_id, exec_id) = (event.graph_id.as_str(), event.graph_exec_id.as_str());
        let seen = self.graphs[graph_id].runs.get(exec_id).map(|v| v.seq);
        match seen {
            // A run already going when the subscription began: its history, untold.
            None if event.seq > 1 => {
                let history = self.stored(exec_id, 0).await.unwrap_or_default();
                let subscription = self.graphs.get_mut(graph_id).expect("checked");
                for old in history.iter().filter(|e| e.seq < event.seq) {
                    subscription.absorb(old);
                }
            }
            Some(seq) if event.seq > seq + 1 => {
                self.catch_up_graph(socket, graph_id, exec_id, seq).await?;
            }
            _ => {}
        }
        let subscription = self.graphs.get_mut(graph_id).expect("checked");
        match subscription.apply(event) {
            Some(message) => send(socket, message).await,
            None => Ok(()),
        }
    }

    /// Sends a followed run's stored events after the last one its subscription folded.
    async fn catch_up_run(&mut self, socket: &mut WebSocket, exec_id: &str) -> Sent {
        let Some(seq) = self.runs.get(exec_id).map(|s| s.view.seq) else {
            return Ok(());
        };
        let events = match self.stored(exec_id, seq).await {
            Ok(events) => events,
            Err(message) => return send(socket, protocol::error(&message)).await,
        };
        for event in &events {
            let message = self.runs.get_mut(exec_id).and_then(|s| s.apply(event));
            if let Some(message) = message {
                send(socket, message).await?;
            }
        }
        Ok(())
    }

    /// Sends the graph-level events of one run of a followed graph stored after `seq`.
    async fn catch_up_graph(
        &mut self,
        socket: &mut WebSocket,
        graph_id: &str,
        exec_id: &str,
        seq: u64,
    ) -> Sent {
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
        Ok(())
    }

    /// After the bus dropped events for this connection: every followed run, and every run of a
    /// followed graph that is unfinished or began since the subscription, is read from the store.
    async fn recover(&mut self, socket: &mut WebSocket) -> Sent {
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
