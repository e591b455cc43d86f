//! The engine's error type: what a caller of `Engine` can get wrong, and what failed underneath.

use agentry_core::validate;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The graph cannot run: unknown blocks, bad links, missing required pins.
    #[error(transparent)]
    Invalid(#[from] validate::Error),
    /// A required graph input was not given.
    #[error("missing required input(s): {}", .0.join(", "))]
    MissingInputs(Vec<String>),
    /// The graph version is not one the user may run (not theirs, nor an approved store
    /// agent in their library).
    #[error("{0}")]
    Refused(agentry_store::market::Refusal),
    #[error("execution {0} not found")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] agentry_store::Error),
    /// The user already has this many runs queued or running.
    #[error("too many runs waiting: {0} are queued or running; try again when some have ended")]
    TooManyRuns(u64),
    /// The run's inputs are larger than `max_input_bytes`.
    #[error(
        "the run's inputs are {bytes} bytes as JSON, over max_input_bytes (the limit is {limit})"
    )]
    InputTooLarge { bytes: u64, limit: u64 },
    /// Credits are on and the user's balance is zero or less.
    #[error("insufficient credits: the balance is {balance}; top up to start a run")]
    InsufficientCredits { balance: i64 },
    #[error("the engine is shutting down")]
    ShuttingDown,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
