//! One error type for every handler, rendered as RFC 9457 problem details.
//!
//! 5xx responses carry a generic title; the cause goes to the log only, so no
//! internal detail (SQL, paths) ever reaches a client.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use claimdesk_shared::wire::{FieldError, Problem};

/// Everything a handler can fail with.
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
    /// A bug or an outage; detail for the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
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

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            AppError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Some fields are not valid",
            ),
            AppError::Malformed(_) => (
                StatusCode::BAD_REQUEST,
                "malformed",
                "The request could not be read",
            ),
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Sign in to continue",
            ),
            AppError::InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                "invalid-credentials",
                "The email or password is not correct",
            ),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "You may not do this"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            AppError::Conflict { kind, .. } => (
                StatusCode::CONFLICT,
                kind,
                "The case does not allow this now",
            ),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side",
            ),
        }
    }

    /// The problem document this error is sent as.
    pub fn problem(&self) -> Problem {
        let (status, kind, title) = self.parts();
        let detail = match self {
            AppError::Malformed(d) => Some(d.clone()),
            AppError::Forbidden(d) => Some((*d).to_owned()),
            AppError::Conflict { detail, .. } => Some(detail.clone()),
            _ => None,
        };
        let errors = match self {
            AppError::Validation(errors) => errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            kind: format!("urn:claimdesk:problem:{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        problem_response(&self.problem())
    }
}

/// Serialises a problem with its status and media type.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (status, axum::Json(problem)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// Turns serde's "path: message" into a field error, so a bad value in a JSON
/// body or query string is reported against the field it came from.
fn serde_field_error(text: &str) -> AppError {
    // axum prefixes serde's message with its own sentence; keep the last part.
    let text = text.rsplit_once("target type: ").map_or(text, |(_, t)| t);
    let text = text.rsplit_once("query string: ").map_or(text, |(_, t)| t);
    if let Some(rest) = text.strip_prefix("missing field `") {
        if let Some((field, _)) = rest.split_once('`') {
            return AppError::field(field, "required", format!("{field} is required"));
        }
    }
    match text.split_once(": ") {
        Some((path, message)) if !path.contains(' ') && !path.is_empty() => {
            AppError::field(path, "invalid", message.to_owned())
        }
        _ => AppError::Malformed(text.to_owned()),
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => serde_field_error(&e.body_text()),
            other => AppError::Malformed(other.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        serde_field_error(&r.body_text())
    }
}

/// `axum::Json` whose rejections are problem details.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Query` whose rejections are problem details.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// Handler result.
pub type ApiResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: AppError) -> Option<(String, String)> {
        match e {
            AppError::Validation(errors) => Some((errors[0].field.clone(), errors[0].code.clone())),
            _ => None,
        }
    }

    #[test]
    fn serde_messages_become_field_errors() {
        let table = [
            (
                "Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 20",
                Some(("password", "required")),
            ),
            (
                "Failed to deserialize the JSON body into the target type: locale: unknown variant `de`, expected one of `en`, `sv`, `nl` at line 1 column 15",
                Some(("locale", "invalid")),
            ),
            (
                "Failed to deserialize query string: page: invalid digit found in string",
                Some(("page", "invalid")),
            ),
            ("Failed to deserialize the JSON body into the target type: expected value at line 1", None),
        ];
        for (text, expected) in table {
            let got = field_of(serde_field_error(text));
            let expected = expected.map(|(f, c)| (f.to_owned(), c.to_owned()));
            assert_eq!(got, expected, "{text}");
        }
    }
}
