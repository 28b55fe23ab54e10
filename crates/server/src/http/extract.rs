//! Extractors whose rejections are problem details with field errors: a
//! bad value in a JSON body or a query string is reported against the
//! field it came from.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};

use claimdesk_shared::CaseId;

use crate::error::{AppError, AppResult};

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

impl From<PathRejection> for AppError {
    /// An id in a path that is not even of the right shape (`/files/abc`)
    /// names nothing: not found, like an id the caller may not see.
    fn from(_: PathRejection) -> Self {
        AppError::NotFound
    }
}

/// `axum::extract::Path` whose rejection is "not found".
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// `axum::Json` whose rejections are problem details.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Query` whose rejections are problem details.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// A case id from a path (`C-10234`). An id that cannot exist is simply
/// not found, like one the user may not see.
pub fn parse_case_id(id: &str) -> AppResult<CaseId> {
    id.parse().map_err(|_| AppError::NotFound)
}

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
