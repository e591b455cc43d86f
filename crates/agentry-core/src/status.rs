//! Execution statuses of graphs and nodes, and the transitions AutoGPT allows between them.

use serde::{Deserialize, Serialize};

/// AutoGPT's `AgentExecutionStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    Incomplete,
    Queued,
    Running,
    Completed,
    Terminated,
    Failed,
    Review,
}

impl ExecutionStatus {
    pub const ALL: [ExecutionStatus; 7] = [
        Self::Incomplete,
        Self::Queued,
        Self::Running,
        Self::Completed,
        Self::Terminated,
        Self::Failed,
        Self::Review,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Incomplete => "INCOMPLETE",
            Self::Queued => "QUEUED",
            Self::Running => "RUNNING",
            Self::Completed => "COMPLETED",
            Self::Terminated => "TERMINATED",
            Self::Failed => "FAILED",
            Self::Review => "REVIEW",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// A run or node in this status will not change again.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Terminated | Self::Failed)
    }

    /// The statuses from which a move to `self` is allowed (AutoGPT's `VALID_STATUS_TRANSITIONS`).
    pub fn allowed_from(self) -> &'static [ExecutionStatus] {
        use ExecutionStatus::*;
        match self {
            Incomplete => &[],
            Queued => &[Incomplete, Terminated, Review],
            Running => &[Incomplete, Queued, Terminated, Review],
            Completed => &[Running],
            Failed => &[Incomplete, Queued, Running, Review],
            Terminated => &[Incomplete, Queued, Running, Review],
            Review => &[Running],
        }
    }

    pub fn can_move_to(self, next: ExecutionStatus) -> bool {
        next.allowed_from().contains(&self)
    }
}

impl std::fmt::Display for ExecutionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ExecutionStatus::*;

    #[test]
    fn transitions_follow_autogpt() {
        assert!(Queued.can_move_to(Running));
        assert!(Running.can_move_to(Completed));
        assert!(Running.can_move_to(Terminated));
        assert!(!Completed.can_move_to(Running));
        assert!(!Queued.can_move_to(Completed));
        assert!(Terminated.can_move_to(Queued));
        assert!(!Failed.can_move_to(Completed));
    }

    #[test]
    fn names_round_trip() {
        for s in super::ExecutionStatus::ALL {
            assert_eq!(super::ExecutionStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            serde_json::to_string(&Terminated).unwrap(),
            "\"TERMINATED\""
        );
    }
}
