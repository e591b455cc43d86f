//! The status column of runs and node executions: stored as AutoGPT's status name, read and
//! written as `ExecutionStatus`, so no caller parses or spells status strings.

use std::ops::Deref;

use agentry_core::ExecutionStatus;
use sea_orm::DeriveValueType;

/// An `ExecutionStatus` as a column value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DeriveValueType)]
#[sea_orm(
    value_type = "String",
    from_str = "StatusColumn::parse",
    to_str = "StatusColumn::name"
)]
pub struct StatusColumn(pub ExecutionStatus);

/// A stored status this binary does not know (a newer binary wrote it, or a hand edit).
#[derive(Debug, thiserror::Error)]
#[error("unknown execution status `{0}`")]
pub struct UnknownStatus(String);

impl StatusColumn {
    fn parse(s: &str) -> Result<Self, UnknownStatus> {
        ExecutionStatus::parse(s)
            .map(StatusColumn)
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }

    fn name(&self) -> &'static str {
        self.0.as_str()
    }
}

impl Deref for StatusColumn {
    type Target = ExecutionStatus;
    fn deref(&self) -> &ExecutionStatus {
        &self.0
    }
}

impl From<ExecutionStatus> for StatusColumn {
    fn from(status: ExecutionStatus) -> Self {
        StatusColumn(status)
    }
}

impl PartialEq<ExecutionStatus> for StatusColumn {
    fn eq(&self, other: &ExecutionStatus) -> bool {
        self.0 == *other
    }
}

/// Compares with a status name as AutoGPT spells it (`"COMPLETED"`): how tests and API
/// snapshots state what they expect.
impl PartialEq<&str> for StatusColumn {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}
