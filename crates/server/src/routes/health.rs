//! Liveness: the process answers and the database is reachable.

use axum::extract::State;
use axum::Json;
use claimdesk_shared::wire::Health;

use crate::error::AppResult;
use crate::state::AppState;

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, body = Health), (status = 500, body = claimdesk_shared::wire::Problem)))]
pub async fn health_get(State(state): State<AppState>) -> AppResult<Json<Health>> {
    crate::store::ping(&state.db).await?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }))
}
