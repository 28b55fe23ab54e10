//! The marketplace's policy, for its support team (`domain::policy`).

use axum::extract::State;
use axum::Json;
use claimdesk_shared::wire::{Policy, PolicyInput, Problem};
use claimdesk_shared::Role;

use crate::auth::CurrentUser;
use crate::domain::policy;
use crate::error::{AppError, AppResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;
use crate::store::policy as stored;

/// Only support reads or changes the policy; to others it does not exist.
fn support_only(user: &CurrentUser) -> AppResult<()> {
    if user.role() == Role::Support {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The policy of the caller's marketplace, with its latest changes.
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy",
    responses((status = 200, body = Policy), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn policy_get(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Policy>> {
    support_only(&user)?;
    Ok(Json(stored::load(&state.db, user.marketplace_id).await?))
}

/// Changes the policy (a stale version is a conflict); open cases' clocks
/// follow at once.
#[utoipa::path(put, path = "/api/v1/policy", tag = "policy", request_body = PolicyInput,
    responses((status = 200, body = Policy), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn policy_put(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<PolicyInput>,
) -> AppResult<Json<Policy>> {
    support_only(&user)?;
    policy::change(&state, &user, &input).await?;
    Ok(Json(stored::load(&state.db, user.marketplace_id).await?))
}
