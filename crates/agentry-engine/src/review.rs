//! Human in the loop: the `Reviews` capability a node gets (its decision, read from the store
//! by node execution, or a request that pauses the node in REVIEW), and the engine's side of
//! the review API: listing waiting reviews and recording decisions, which puts a run whose
//! reviews are all decided back in the queue for whichever worker is free.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use agentry_core::{BlockError, ReviewDecision, ReviewRequest, ReviewStatus, Reviews};
use agentry_store::entity::pending_review;
use agentry_store::{Decided, Store, Verdict};
use serde_json::Value;

use crate::Engine;

/// The longest review message accepted (AutoGPT's limit).
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// The review desk of one node execution.
pub(crate) struct NodeReviews {
    store: Store,
    user_id: String,
    node_exec_id: String,
    asked: Mutex<Option<ReviewRequest>>,
}

impl NodeReviews {
    pub(crate) fn new(store: Store, user_id: String, node_exec_id: String) -> Self {
        NodeReviews {
            store,
            user_id,
            node_exec_id,
            asked: Mutex::new(None),
        }
    }

    /// The request the block made without a decision to answer it: the node waits for review.
    pub(crate) fn take_request(&self) -> Option<ReviewRequest> {
        self.asked.lock().expect("review lock").take()
    }
}

impl Reviews for NodeReviews {
    fn decision(
        &self,
        request: ReviewRequest,
    ) -> Pin<Box<dyn Future<Output = Result<Option<ReviewDecision>, BlockError>> + Send + '_>> {
        Box::pin(async move {
            let row = self
                .store
                .review(&self.user_id, &self.node_exec_id)
                .await
                .map_err(|e| BlockError::System(format!("reading the review failed: {e}")))?;
            match row.and_then(decision_of) {
                Some(decision) => Ok(Some(decision)),
                None => {
                    *self.asked.lock().expect("review lock") = Some(request);
                    Ok(None)
                }
            }
        })
    }
}

/// The decision a stored review holds; `None` while it waits.
fn decision_of(row: pending_review::Model) -> Option<ReviewDecision> {
    let approved = match ReviewStatus::parse(&row.status)? {
        ReviewStatus::Waiting => return None,
        ReviewStatus::Approved => true,
        ReviewStatus::Rejected => false,
    };
    let data = match row.reviewed_data {
        Some(edited) if approved && row.editable => edited,
        _ => row.payload,
    };
    Some(ReviewDecision {
        approved,
        data,
        message: row.review_message,
    })
}

/// One decision asked for through the API.
#[derive(Debug, Clone)]
pub struct ReviewAction {
    pub node_exec_id: String,
    pub approved: bool,
    pub reviewed_data: Option<Value>,
    pub message: Option<String>,
}

/// What a set of decisions did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewTally {
    pub approved: usize,
    pub rejected: usize,
    /// No review of the run waits any more: it is QUEUED again.
    pub resumed: bool,
}

/// Why decisions were refused; nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{0}")]
    Invalid(String),
    #[error("review(s) not found: {}", .0.join(", "))]
    NotFound(Vec<String>),
    #[error("review {0} is not editable: its data cannot be changed")]
    NotEditable(String),
    #[error("review {0} has already been decided")]
    AlreadyDecided(String),
    #[error("execution {0} is not waiting for a review")]
    NotInReview(String),
    #[error("all reviews in a single request must belong to the same execution")]
    MixedExecutions,
    #[error(transparent)]
    Store(agentry_store::Error),
}

impl Engine {
    /// The user's reviews waiting for a decision, newest first; `page` starts at 1.
    pub async fn waiting_reviews(
        &self,
        user_id: &str,
        page: u64,
        page_size: u64,
    ) -> crate::Result<Vec<pending_review::Model>> {
        Ok(self
            .inner
            .store
            .waiting_reviews(user_id, page, page_size)
            .await?)
    }

    /// The waiting reviews of one of the user's runs, oldest first; `NotFound` without the run.
    pub async fn run_reviews(
        &self,
        user_id: &str,
        exec_id: &str,
    ) -> crate::Result<Vec<pending_review::Model>> {
        let store = &self.inner.store;
        match store.run_row_without_inputs(exec_id).await? {
            Some(run) if run.user_id == user_id => {}
            _ => return Err(crate::Error::NotFound(exec_id.to_string())),
        }
        Ok(store.waiting_reviews_of_run(user_id, exec_id).await?)
    }

    /// Records decisions on waiting reviews of one run in REVIEW. When none waits any more the
    /// run is QUEUED again (in the same transaction) and any free worker resumes it: its
    /// completed nodes are adopted and its reviewed nodes run again and find their decision.
    pub async fn decide_reviews(
        &self,
        user_id: &str,
        actions: Vec<ReviewAction>,
    ) -> Result<ReviewTally, ReviewError> {
        if actions.is_empty() {
            return Err(ReviewError::Invalid(
                "at least one review must be provided".into(),
            ));
        }
        let mut seen = HashSet::new();
        for action in &actions {
            if !seen.insert(action.node_exec_id.as_str()) {
                return Err(ReviewError::Invalid(format!(
                    "review {} appears more than once",
                    action.node_exec_id
                )));
            }
            if action
                .message
                .as_ref()
                .is_some_and(|m| m.chars().count() > MAX_MESSAGE_CHARS)
            {
                return Err(ReviewError::Invalid(format!(
                    "a review message has at most {MAX_MESSAGE_CHARS} characters"
                )));
            }
        }
        let store = &self.inner.store;
        let ids: Vec<String> = actions.iter().map(|a| a.node_exec_id.clone()).collect();
        let rows = store
            .reviews_by_ids(user_id, &ids)
            .await
            .map_err(ReviewError::Store)?;
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| !rows.iter().any(|r| &r.node_exec_id == *id))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(ReviewError::NotFound(missing));
        }
        let runs: HashSet<&str> = rows.iter().map(|r| r.graph_exec_id.as_str()).collect();
        if runs.len() > 1 {
            return Err(ReviewError::MixedExecutions);
        }
        let graph_exec_id = rows[0].graph_exec_id.clone();
        let mut verdicts = Vec::with_capacity(actions.len());
        for action in actions {
            let row = rows
                .iter()
                .find(|r| r.node_exec_id == action.node_exec_id)
                .expect("every review was found");
            if action.reviewed_data.is_some() && !row.editable {
                return Err(ReviewError::NotEditable(action.node_exec_id));
            }
            if row.status != ReviewStatus::Waiting.as_str() {
                return Err(ReviewError::AlreadyDecided(action.node_exec_id));
            }
            verdicts.push(Verdict {
                node_exec_id: action.node_exec_id,
                approved: action.approved,
                // A rejection goes on with the data as it was asked about.
                reviewed_data: action.reviewed_data.filter(|_| action.approved),
                message: action.message.filter(|m| !m.trim().is_empty()),
            });
        }
        let decided = store
            .decide_reviews(user_id, &graph_exec_id, &verdicts)
            .await
            .map_err(ReviewError::Store)?;
        let resumed = match decided {
            Decided::Requeued => true,
            Decided::Waiting => false,
            Decided::RunNotInReview => return Err(ReviewError::NotInReview(graph_exec_id)),
            Decided::AlreadyDecided(id) => return Err(ReviewError::AlreadyDecided(id)),
        };
        if resumed {
            tracing::info!(exec = %graph_exec_id, "reviews decided: the run is queued again");
            self.inner.wake.notify_one();
            self.signal(crate::relay::Signal::Enqueued);
        }
        let approved = verdicts.iter().filter(|v| v.approved).count();
        Ok(ReviewTally {
            approved,
            rejected: verdicts.len() - approved,
            resumed,
        })
    }
}
