//! Human review of a node's data (AutoGPT's human in the loop): the `Reviews` capability the
//! engine offers a block through `Context`, and the request and decision it deals in.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::block::BlockError;

/// What a node asks a human to look at.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRequest {
    /// The data under review.
    pub data: Value,
    /// What the data represents, shown to the reviewer.
    pub name: String,
    /// Whether the reviewer may change the data.
    pub editable: bool,
}

/// A reviewer's decision on one node execution.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewDecision {
    pub approved: bool,
    /// The data to go on with: the reviewer's edit when the review was editable and edited,
    /// otherwise the data as it was asked about.
    pub data: Value,
    /// The reviewer's message, when given.
    pub message: Option<String>,
}

/// A review's state, as AutoGPT's `ReviewStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStatus {
    Waiting,
    Approved,
    Rejected,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "WAITING",
            Self::Approved => "APPROVED",
            Self::Rejected => "REJECTED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Waiting, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// Asks for and reads the decision on the current node execution. The engine offers it
/// through `Context::reviews`; it knows which run and node execution is asking.
pub trait Reviews: Send + Sync {
    /// The decision on this node execution, or `None` when there is none yet: the request is
    /// then recorded, and the node pauses in REVIEW once the block returns without output.
    fn decision(
        &self,
        request: ReviewRequest,
    ) -> Pin<Box<dyn Future<Output = Result<Option<ReviewDecision>, BlockError>> + Send + '_>>;
}

#[cfg(test)]
mod tests {
    use super::ReviewStatus;

    #[test]
    fn statuses_round_trip() {
        for s in [
            ReviewStatus::Waiting,
            ReviewStatus::Approved,
            ReviewStatus::Rejected,
        ] {
            assert_eq!(ReviewStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ReviewStatus::parse("waiting"), None);
    }
}
