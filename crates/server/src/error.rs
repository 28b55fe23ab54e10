//! What any operation can fail with, in the product's terms: one type for
//! every layer (storage, domain, HTTP), so a refusal found deep in a
//! transaction reaches the client unchanged. It knows nothing of HTTP:
//! `http::problem` renders it as RFC 9457 problem details at the edge.

use claimdesk_shared::wire::FieldError;

/// Everything an operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input was understood but some fields are wrong.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The body or query could not be read at all.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// No valid session or token.
    #[error("not signed in")]
    Unauthenticated,
    /// Email and password do not match an account.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// A portal's sign-in token was refused (`portal.rs`); says why.
    #[error("portal token refused: {0}")]
    PortalToken(&'static str),
    /// Signed in, but not allowed to do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Nothing there, or nothing the caller may see (we never say which).
    #[error("not found")]
    NotFound,
    /// The request is valid but the case's state refuses it: a stale
    /// version, a transition the status machine forbids, a colleague's hold.
    /// `kind` names the problem type, `detail` says what to do.
    #[error("conflict {kind}: {detail}")]
    Conflict { kind: &'static str, detail: String },
    /// Too many sign-in attempts (`sign_in_limits.rs`): try again after
    /// `retry_after_seconds`.
    #[error("too many attempts; retry after {retry_after_seconds} s")]
    TooManyAttempts { retry_after_seconds: u64 },
    /// A bug or an outage; detail for the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(vec![e])
    }
}

impl AppError {
    /// A validation error on one field.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }])
    }

    /// A conflict of the given kind.
    pub fn conflict(kind: &'static str, detail: impl Into<String>) -> Self {
        AppError::Conflict {
            kind,
            detail: detail.into(),
        }
    }
}

/// The result of every operation that can be refused.
pub type AppResult<T> = Result<T, AppError>;
