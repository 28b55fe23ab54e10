//! The signed-in user.

use axum::extract::State;
use axum::Json;
use claimdesk_shared::wire::{Me, Problem, UpdateMe};

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use crate::store::users;

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me_get(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Me>> {
    Ok(Json(users::me(&state.db, user.id).await?))
}

/// Changes the signed-in user's preferences (the interface language).
#[utoipa::path(patch, path = "/api/v1/me", tag = "session", request_body = UpdateMe,
    responses((status = 200, body = Me), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn me_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<UpdateMe>,
) -> AppResult<Json<Me>> {
    users::set_locale(state.writer.pool(), user.id, input.locale).await?;
    // The cached sessions carry the old locale.
    state.sessions.forget_user(user.id);
    Ok(Json(users::me(&state.db, user.id).await?))
}
