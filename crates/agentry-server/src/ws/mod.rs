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
//! reads the run's events from the store (`Store::events_page`, derived from the node, output
//! and run rows, which carry the events' numbers) misses nothing, and each subscription
//! forwards only events with a `seq` above the last one it folded: no gaps, no duplicates. A
//! connection whose bus receiver lags (a slow client) re-reads what it missed from the store
//! the same way. Stored events are read from `last_seq` on (an index seek), a page at a time,
//! and sent as they are read; a replay folds a node's consecutive outputs into one message, so
//! its cost grows with the events, not their square. A client that does not take a message
//! within `SEND_LIMIT` is dropped: nothing is buffered for it without bound. Only the connection's user's events are delivered; subscribing to another
//! user's run or graph is answered with an error.
//!
//! Differences from AutoGPT:
//! - Our additions: `subscribe_graph_execution` takes an optional `last_seq` and first sends the
//!   events after it from the store (AutoGPT has no replay; a replay tells each node execution's
//!   status as it is now, not a RUNNING it has since left); every pushed `data` carries the
//!   run's `seq`;
//!   graph events carry `error` beside `stats.error`.
//! - Node events have `input_data: {}` and `null` `add_time`/`queue_time`/`start_time`/`end_time`,
//!   and graph events have `inputs: {}`, `null` `started_at`/`ended_at` and `stats` holding only
//!   `error`: our events do not carry them; `GET /api/graphs/{id}/executions/{exec_id}` does.
//! - A node's yielded value is a `node_execution_event` with the node's status so far and every
//!   value it yielded so far, as AutoGPT sends; a graph output is not a message of its own (it
//!   is in the output node's event and in the run's final `outputs`).
//! - Payloads are not truncated; subscribing to a run that does not exist is an error (AutoGPT
//!   logs it and answers nothing).
//! - `notification` messages (channel `"{user_id}|notification"`) carry our `NotificationView`.

mod protocol;
mod replay;
mod subscription;

pub use protocol::parse;

use std::collections::HashMap;
use std::time::Duration;

use agentry_engine::Event;
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

pub use self::protocol::Request;
use self::subscription::{GraphSubscription, RunSubscription};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code};

/// How long one message may take to leave: a client that reads slower is dropped, so nothing
/// queues for it without bound.
const SEND_LIMIT: Duration = Duration::from_secs(30);

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
    // On the bus and the notices before the answer that opens the socket, so that what ends
    // after the client sees it open (and reads its notifications again) is pushed to it, not
    // lost before the connection's task starts. A refused client's feeds go with its close.
    let feeds = Feeds::subscribe(&state);
    upgrade.on_upgrade(move |mut socket| async move {
        match user {
            Ok(user_id) => {
                metrics::gauge!("agentry_websocket_connections").increment(1.0);
                Connection::new(state, user_id).serve(socket, feeds).await;
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

/// What a connection hears: every run event of this process (and relayed ones), and pushed
/// notifications.
struct Feeds {
    bus: broadcast::Receiver<Event>,
    notices: broadcast::Receiver<crate::notifications::Pushed>,
}

impl Feeds {
    fn subscribe(state: &AppState) -> Self {
        Feeds {
            bus: state.engine.events().subscribe(),
            notices: state.notifier().subscribe(),
        }
    }
}

/// The socket went away; the connection ends.
struct Gone;

type Sent = Result<(), Gone>;

async fn send(socket: &mut WebSocket, text: String) -> Sent {
    match tokio::time::timeout(SEND_LIMIT, socket.send(Message::Text(text.into()))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(Gone),
        Err(_) => {
            tracing::info!("dropping a WebSocket client that does not read its messages");
            Err(Gone)
        }
    }
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

    async fn serve(mut self, mut socket: WebSocket, feeds: Feeds) {
        // On the bus before any subscription reads the store: nothing falls between the two.
        let Feeds {
            mut bus,
            mut notices,
        } = feeds;
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
                notice = notices.recv() => match notice {
                    Ok(notice) if notice.user_id == self.user_id => {
                        let channel = format!("{}|notification", self.user_id);
                        let data = serde_json::to_value(&notice.view).unwrap_or_default();
                        send(&mut socket, protocol::push(protocol::NOTIFICATION, &channel, data)).await
                    }
                    // Missed ones are in `GET /api/notifications`.
                    Ok(_) | Err(RecvError::Lagged(_)) => Ok(()),
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

    async fn subscribe_run(&mut self, socket: &mut WebSocket, exec_id: String, after: u64) -> Sent {
        let store = self.state.engine.store();
        let owned = match store.run_row_without_inputs(&exec_id).await {
            Ok(row) => row.is_some_and(|row| row.user_id == self.user_id),
            Err(e) => {
                tracing::error!(exec = %exec_id, error = %e, "could not read a run");
                return send(socket, protocol::error("could not read the run")).await;
            }
        };
        if !owned {
            let message = format!("graph_exec #{exec_id} not found");
            return send(socket, protocol::error(&message)).await;
        }
        let channel = protocol::run_channel(&self.user_id, &exec_id);
        send(
            socket,
            protocol::ack(protocol::SUBSCRIBE_RUN, channel.clone()),
        )
        .await?;
        self.runs
            .insert(exec_id.clone(), RunSubscription::new(channel, after));
        self.catch_up_run(socket, &exec_id).await
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
            self.fill_history(exec_id, &event).await;
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
            None if event.seq > 1 => self.absorb_history(graph_id, exec_id, event.seq).await,
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
}
