//! What goes wrong talking to a provider, and how each case reaches the block's `error` pin.

use agentry_core::BlockError;

/// A provider call's failure. Messages name the provider and never carry a secret.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    /// 401/403: the user's credential is missing, wrong, expired or lacks a scope.
    #[error("{provider} refused the credentials ({status}): {message}")]
    Credentials {
        provider: &'static str,
        status: u16,
        message: String,
    },
    /// 429 still answered after every retry.
    #[error("{provider} is rate limiting these requests; try again later")]
    RateLimited { provider: &'static str },
    /// 5xx or a broken connection after every retry.
    #[error("{provider} failed ({status}): {message}")]
    Unavailable {
        provider: &'static str,
        status: u16,
        message: String,
    },
    /// Any other 4xx: the request was wrong (a bad id, a missing field).
    #[error("{provider} rejected the request ({status}): {message}")]
    Rejected {
        provider: &'static str,
        status: u16,
        message: String,
    },
    /// The request never got an answer (refused URL, timeout, unreachable host).
    #[error("{0}")]
    Transport(BlockError),
    /// A 2xx whose body is not what the provider documents.
    #[error("{provider} answered something unexpected: {message}")]
    Malformed {
        provider: &'static str,
        message: String,
    },
}

impl IntegrationError {
    pub fn is_credentials(&self) -> bool {
        matches!(self, IntegrationError::Credentials { .. })
    }
}

impl From<IntegrationError> for BlockError {
    fn from(e: IntegrationError) -> Self {
        match e {
            IntegrationError::RateLimited { .. } | IntegrationError::Unavailable { .. } => {
                BlockError::System(e.to_string())
            }
            IntegrationError::Malformed { .. } => BlockError::System(e.to_string()),
            IntegrationError::Transport(inner) => inner,
            IntegrationError::Credentials { .. } | IntegrationError::Rejected { .. } => {
                BlockError::Input(e.to_string())
            }
        }
    }
}

/// `e` with `prefix` before its message, its kind (input or system) kept.
pub fn prefixed(e: BlockError, prefix: &str) -> BlockError {
    match e {
        BlockError::Input(m) => BlockError::Input(format!("{prefix}{m}")),
        BlockError::System(m) => BlockError::System(format!("{prefix}{m}")),
    }
}
