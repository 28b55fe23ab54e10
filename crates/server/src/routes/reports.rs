//! The customer's side of a new case: their orders, with what is left to
//! report on each line (`GET /orders`), and reporting a problem with one of
//! them (`POST /cases`; the rules and the write are `domain::reports`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use claimdesk_shared::wire::{CaseDetail, CustomerOrder, NewCase, Problem};
use claimdesk_shared::Role;

use crate::auth::CurrentUser;
use crate::domain::case_view;
use crate::domain::reports::{self, check_input, Attempt, FieldErrors};
use crate::error::{AppError, AppResult};
use crate::http::extract::ApiJson;
use crate::idempotency::{self, IdempotencyKey};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::reports as stored;

/// Only customers (consumers and retailers) report; to the desk these
/// routes do not exist.
fn customer_only(user: &CurrentUser) -> AppResult<()> {
    if user.role() != Role::Customer {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The signed-in customer's orders, newest first, each line with how much
/// of it may still be reported. The desk gets "not found": this is the
/// customer's list.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    responses((status = 200, body = [CustomerOrder]), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn orders_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<CustomerOrder>>> {
    customer_only(&user)?;
    Ok(Json(stored::customer_orders(&state.db, user.id).await?))
}

/// Reports a problem with one of the customer's orders: a new case,
/// handled by the order's merchant or, for a reason the marketplace keeps
/// to itself, by the platform. Answers the case as the customer sees it.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCase,
    params(("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 201, body = CaseDetail), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn case_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<NewCase>,
) -> AppResult<Response> {
    customer_only(&user)?;
    let mut errors = FieldErrors::default();
    let description = check_input(&input, &mut errors);
    let hash = idempotency::fingerprint("POST cases", &input);
    // A report's key names the case it created (`idempotency::stored`):
    // a retry gets that case as it is now.
    if let Some(previous) = idempotency::replay(&state, &user, &key, &hash).await? {
        return Ok(previous);
    }
    let answer = key.answering(&user, &hash);
    let created = match reports::create(&state, &user, answer, &input, &description, errors).await?
    {
        Attempt::Created(created) => created,
        Attempt::Raced => {
            return idempotency::replay(&state, &user, &key, &hash)
                .await?
                .ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!(
                        "a report's key was taken but has no answer"
                    ))
                })
        }
    };
    let detail = case_view::detail(&state, Scope::of(&user), created.id).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}
