//! Shapes shared by several routes' bodies: free-form JSON objects (graph inputs, pin values),
//! AutoGPT's pagination block, and the run status every run view names.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A JSON object whose keys are pin or input names and whose values are any JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
pub struct JsonObject(pub Map<String, Value>);

/// Every value each output pin yielded, in order: `{"pin": [v1, v2, …]}`.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = std::collections::HashMap<String, Vec<serde_json::Value>>)]
pub struct PinValues(pub Map<String, Value>);

impl PinValues {
    /// Appends one value to its pin's list.
    pub fn push(&mut self, pin: String, value: Value) {
        if let Value::Array(list) = self
            .0
            .entry(pin)
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            list.push(value);
        }
    }
}

/// The highest page number a list accepts; past it a request is refused before any query, so
/// no offset arithmetic downstream can overflow.
pub const MAX_PAGE: u64 = 1_000_000;

/// AutoGPT's `Pagination`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pagination {
    pub total_items: u64,
    pub total_pages: u64,
    pub current_page: u64,
    pub page_size: u64,
}

impl Pagination {
    pub fn new(total_items: u64, current_page: u64, page_size: u64) -> Self {
        Pagination {
            total_items,
            total_pages: total_items.div_ceil(page_size),
            current_page,
            page_size,
        }
    }
}

/// A run's or node execution's status, as AutoGPT's `ExecutionStatus` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    Incomplete,
    Queued,
    Running,
    Completed,
    Terminated,
    Failed,
    /// Waiting for a person's review.
    Review,
}

impl From<agentry_core::ExecutionStatus> for RunStatus {
    fn from(s: agentry_core::ExecutionStatus) -> Self {
        use agentry_core::ExecutionStatus as S;
        match s {
            S::Incomplete => RunStatus::Incomplete,
            S::Queued => RunStatus::Queued,
            S::Running => RunStatus::Running,
            S::Completed => RunStatus::Completed,
            S::Terminated => RunStatus::Terminated,
            S::Failed => RunStatus::Failed,
            S::Review => RunStatus::Review,
        }
    }
}
