//! A refused write is answered only once the writes it may have been
//! refused because of are on disk. With group commit (`store/group_commit.rs`)
//! a write sees the writes released before it in its group, committed or
//! not yet: refused as stale because of one, it must not tell the client
//! before that one is committed, or the client's next read (on the read
//! pool) would still show the case as it was, and its retry be refused
//! again.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::store::Writer;

/// Waits for the writer's open group, if any, before a write's refusal
/// goes out. Successful writes wait for their own commit already.
pub async fn refusals_after_commit(
    State(writer): State<Writer>,
    request: Request,
    next: Next,
) -> Response {
    let write = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let response = next.run(request).await;
    let status = response.status();
    if write && (status.is_client_error() || status.is_server_error()) {
        writer.settled().await;
    }
    response
}
