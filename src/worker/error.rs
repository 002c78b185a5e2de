//! The client's errors: what went wrong, in words a user can act on.

/// What went wrong, in words a user can act on. Never contains the API key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    #[error("the API key was rejected (HTTP 401): {0}")]
    Unauthorized(String),
    #[error("not allowed with this API key (HTTP 403): {0}")]
    Forbidden(String),
    #[error("not found (HTTP 404): {0}")]
    NotFound(String),
    #[error("HTTP {status}: {message}")]
    Status { status: u16, message: String },
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    #[error("no answer within {0} s")]
    Timeout(u64),
    #[error("the server's answer could not be read: {0}")]
    Decode(String),
    #[error("{0}")]
    Config(String),
    /// The server has no such endpoint (an older TofuPilot): a view falls back.
    #[error("{0}")]
    NotSupported(String),
    /// A name in the filter matched nothing (so no request was sent).
    #[error("{0}")]
    NoMatch(String),
    /// A change sent in several requests stopped at one: what the earlier ones did (the ids
    /// they changed), then why.
    #[error("{error} (after {} done)", .done.len())]
    Partly { done: Vec<String>, error: Box<ClientError> },
}

impl ClientError {
    /// Worth trying again later (the server may come back).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable(_) | ClientError::Timeout(_) => true,
            ClientError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// The connection itself failed: rows on screen become stale while retries go on.
    pub fn is_offline(&self) -> bool {
        matches!(self, ClientError::Unreachable(_) | ClientError::Timeout(_))
    }
}
