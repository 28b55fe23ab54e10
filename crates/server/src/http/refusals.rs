//! Every refusal of the API is a problem document, including those no
//! handler of ours writes: axum's own rejections (a multipart body without a
//! boundary, a method a resource does not have), the body limit's 413 and a
//! handler's panic arrive here as plain text and leave as RFC 9457 problem
//! details of the same status. An over-long address is refused here, before
//! any routing, with `414`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use claimdesk_shared::wire::Problem;

use super::problem::problem_response;

/// The longest path and query accepted. Browsers and proxies commonly stop
/// at 8 KiB; nothing of the API needs near that much.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// How much of a plain-text refusal is kept as the problem's detail.
const MAX_DETAIL_BYTES: usize = 1024;

/// The problem type and title of a status no `AppError` produced.
fn kind_of(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => ("not-found", "Not found"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "This method is not allowed on this resource",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "The request body is too large"),
        StatusCode::URI_TOO_LONG => ("uri-too-long", "The address is too long"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported-media-type",
            "The request body is not of a type this resource reads",
        ),
        s if s.is_server_error() => ("internal", "Something went wrong on our side"),
        _ => ("malformed", "The request could not be read"),
    }
}

/// The middleware (on the whole app; it rewrites the API's answers only).
pub async fn as_problems(request: Request, next: Next) -> Response {
    let uri_len = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return problem_response(&problem(
            StatusCode::URI_TOO_LONG,
            Some(format!(
                "the address is {uri_len} bytes; at most {MAX_URI_BYTES} are read"
            )),
        ));
    }
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t == "application/problem+json");
    if !api || !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (parts, body) = response.into_parts();
    // What axum says is safe to show (it names the field or the header);
    // a server error's text stays in the log.
    let detail = if status.is_server_error() {
        tracing::error!(%status, "a refusal without a problem document");
        None
    } else {
        axum::body::to_bytes(body, MAX_DETAIL_BYTES)
            .await
            .ok()
            .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
            .filter(|d| !d.is_empty())
    };
    let mut rewritten = problem_response(&problem(status, detail));
    // Keep what the refusal said beyond its body (`Allow` on a 405).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    rewritten
}

fn problem(status: StatusCode, detail: Option<String>) -> Problem {
    let (kind, title) = kind_of(status);
    Problem {
        kind: format!("urn:claimdesk:problem:{kind}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        errors: Vec::new(),
        retry_after_seconds: None,
    }
}

/// A handler's panic as a response: a bare 500, which `as_problems` turns
/// into the problem document (tower-http's `CatchPanicLayer`).
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
