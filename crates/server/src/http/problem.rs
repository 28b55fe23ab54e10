//! `AppError` on the wire: RFC 9457 problem details with a stable `type`
//! (`urn:claimdesk:problem:*`), the status it maps to and, for bad input,
//! one entry per field.
//!
//! 5xx responses carry a generic title; the cause goes to the log only, so no
//! internal detail (SQL, paths) ever reaches a client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use claimdesk_shared::wire::Problem;

use crate::error::AppError;

/// The status, problem type and title of each error.
fn parts(error: &AppError) -> (StatusCode, &'static str, &'static str) {
    match error {
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
        AppError::PortalToken(_) => (
            StatusCode::UNAUTHORIZED,
            "portal-token",
            "The portal's sign-in was refused",
        ),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "You may not do this"),
        AppError::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
        AppError::Conflict { kind, .. } => (
            StatusCode::CONFLICT,
            kind,
            "The case does not allow this now",
        ),
        AppError::TooManyAttempts { .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-attempts",
            "Too many attempts",
        ),
        AppError::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side",
        ),
    }
}

/// The problem document this error is sent as.
pub fn problem(error: &AppError) -> Problem {
    let (status, kind, title) = parts(error);
    let detail = match error {
        AppError::Malformed(d) => Some(d.clone()),
        AppError::Forbidden(d) | AppError::PortalToken(d) => Some((*d).to_owned()),
        AppError::Conflict { detail, .. } => Some(detail.clone()),
        AppError::TooManyAttempts {
            retry_after_seconds,
        } => Some(format!(
            "Try again in {} minutes",
            retry_after_seconds.div_ceil(60)
        )),
        _ => None,
    };
    let errors = match error {
        AppError::Validation(errors) => errors.clone(),
        _ => Vec::new(),
    };
    Problem {
        kind: format!("urn:claimdesk:problem:{kind}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        errors,
        retry_after_seconds: match error {
            AppError::TooManyAttempts {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        },
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        problem_response(&problem(&self))
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
    if let Some(seconds) = problem.retry_after_seconds {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    res
}
