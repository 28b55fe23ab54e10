//! Closing the loop on a case: the customer marks it solved, rates the
//! support, or disputes a rejection; support hands a platform case back to
//! the merchant. The rules and the writes are `domain::closing`.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use claimdesk_shared::wire::{CaseDetail, Dispute, HandBack, NewRating, Problem, Versioned};
use claimdesk_shared::Role;

use crate::auth::CurrentUser;
use crate::domain::{case_view, closing};
use crate::error::{AppError, AppResult};
use crate::http::extract::{parse_case_id, ApiJson};
use crate::idempotency::{self, IdempotencyKey};
use crate::scope::Scope;
use crate::state::AppState;

/// These routes are the customer's; to the desk they do not exist.
fn customer(user: &CurrentUser) -> AppResult<()> {
    if user.role() == Role::Customer {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The customer says the problem is solved: the case closes in their
/// favour and the merchant is told.
#[utoipa::path(post, path = "/api/v1/cases/{id}/resolve", tag = "closing", request_body = Versioned,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn resolve_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    customer(&user)?;
    let hash = idempotency::fingerprint(&format!("POST resolve {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        closing::resolve(
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

/// The customer rates the support of a closed case, or changes the rating
/// within 7 days; the same rating again changes nothing.
#[utoipa::path(post, path = "/api/v1/cases/{id}/rating", tag = "closing", request_body = NewRating,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn rating_create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewRating>,
) -> AppResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    customer(&user)?;
    closing::rate(&state, &user, id, &input).await?;
    Ok(Json(case_view::detail(&state, Scope::of(&user), id).await?))
}

/// The customer disputes a rejection, within 14 days of it: the platform's
/// support decides now.
#[utoipa::path(post, path = "/api/v1/cases/{id}/dispute", tag = "closing", request_body = Dispute,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn dispute_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Dispute>,
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    customer(&user)?;
    let hash = idempotency::fingerprint(&format!("POST dispute {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        closing::dispute(&state, &user, id, &input, key.answering(&user, &hash)).await?;
        case_view::detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// Support hands a platform case back to the merchant with a note: it is
/// in the merchant's Open inbox with a new response clock.
#[utoipa::path(post, path = "/api/v1/cases/{id}/hand-back", tag = "closing", request_body = HandBack,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn hand_back_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<HandBack>,
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    if user.role() != Role::Support {
        return Err(AppError::NotFound);
    }
    let hash = idempotency::fingerprint(&format!("POST hand-back {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        closing::hand_back(&state, &user, id, &input, key.answering(&user, &hash)).await?;
        case_view::detail(&state, Scope::of(&user), id).await
    })
    .await
}
