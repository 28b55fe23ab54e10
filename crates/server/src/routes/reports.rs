//! A new case: the customer's orders, with what is left to report on each
//! line (`GET /orders`), and reporting a problem with one of them (`POST
//! /cases`; the rules and the write are `domain::reports`). Support finds
//! any order of its marketplace (`GET /orders?q=`) and reports on the
//! customer's behalf.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use claimdesk_shared::wire::{CaseDetail, CustomerOrder, NewCase, Problem};
use claimdesk_shared::Role;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::domain::case_view;
use crate::domain::reports::{self, check_input, Attempt, FieldErrors};
use crate::error::{AppError, AppResult};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::idempotency::{self, IdempotencyKey};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::reports as stored;

/// Customers (consumers and retailers) report, and support for them; to
/// merchants these routes do not exist.
fn not_for_merchants(user: &CurrentUser) -> AppResult<()> {
    if user.role() == Role::Merchant {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Query of `GET /api/v1/orders`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// Support only (and required): an order number, a legacy order
    /// number, or a customer's email.
    pub q: Option<String>,
}

/// The signed-in customer's orders, newest first, each line with how much
/// of it may still be reported; for support, the orders of its
/// marketplace that `q` names, with their customer.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(OrderQuery),
    responses((status = 200, body = [CustomerOrder]), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn orders_list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> AppResult<Json<Vec<CustomerOrder>>> {
    not_for_merchants(&user)?;
    if user.role() == Role::Customer {
        return Ok(Json(stored::customer_orders(&state.db, user.id).await?));
    }
    let q = query.q.as_deref().map(str::trim).unwrap_or_default();
    if q.is_empty() {
        return Err(AppError::field(
            "q",
            "required",
            "name an order number, a legacy order number or a customer's email",
        ));
    }
    Ok(Json(
        stored::marketplace_orders(&state.db, user.marketplace_id, q).await?,
    ))
}

/// Reports a problem with one of the customer's orders (or, for support,
/// with any order of its marketplace, for its customer): a new case,
/// handled by the order's merchant or, for a reason the marketplace keeps
/// to itself, by the platform. Answers the case as the reporter sees it.
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
    not_for_merchants(&user)?;
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
            return idempotency::replay_after_race(&state, &user, &key, &hash)
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
