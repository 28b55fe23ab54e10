//! What the desk decides: approve (refund, whole or by line; replacement;
//! return label), propose something the customer may accept, reject,
//! return received; and the customer accepting a proposal. The rules and
//! the writes are `domain::decisions`.

use axum::extract::{Path, State};
use axum::response::Response;
use claimdesk_shared::wire::{CaseDetail, Decision, Problem, Versioned};
use claimdesk_shared::Role;

use crate::auth::CurrentUser;
use crate::domain::case_view;
use crate::domain::decisions::{self, desk};
use crate::error::{AppError, AppResult};
use crate::http::extract::{parse_case_id, ApiJson};
use crate::idempotency::{self, IdempotencyKey};
use crate::scope::Scope;
use crate::state::AppState;

/// Approves, rejects or proposes; the customer is told by email.
#[utoipa::path(post, path = "/api/v1/cases/{id}/decision", tag = "decisions", request_body = Decision,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decision_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Decision>,
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let hash = idempotency::fingerprint(&format!("POST decision {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        decisions::decide(
            &state,
            &user,
            id,
            input.version,
            Some(&input),
            Some(key.answering(&user, &hash)),
        )
        .await?;
        case_view::detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// The customer accepts the desk's open proposal: the refund it offers (if
/// any) is paid and the case resolves. The merchant is told by email.
#[utoipa::path(post, path = "/api/v1/cases/{id}/proposal/accept", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn proposal_accept(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    // Only the customer accepts; to the desk this route does not exist.
    if user.role() != Role::Customer {
        return Err(AppError::NotFound);
    }
    let hash = idempotency::fingerprint(&format!("POST proposal/accept {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        decisions::accept_proposal(
            &state,
            &user,
            id,
            input.version,
            key.answering(&user, &hash),
        )
        .await?;
        case_view::detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// The returned parcel arrived: refund what is left of the claim and close.
#[utoipa::path(post, path = "/api/v1/cases/{id}/return-received", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn return_received(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let hash = idempotency::fingerprint(&format!("POST return-received {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        decisions::return_received(
            &state,
            &user,
            id,
            input.version,
            key.answering(&user, &hash),
        )
        .await?;
        case_view::detail(&state, Scope::of(&user), id).await
    })
    .await
}
