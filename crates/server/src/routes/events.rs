//! A case's audit trail, for the desk.

use axum::extract::{Path, State};
use axum::Json;
use claimdesk_shared::wire::{EventView, Problem};

use crate::auth::CurrentUser;
use crate::domain::case_view::ensure_visible;
use crate::error::AppResult;
use crate::http::extract::parse_case_id;
use crate::state::AppState;
use crate::store::events;

/// Everything that happened to the case, oldest first. Customers get "not
/// found": the trail mentions internal notes and holds.
#[utoipa::path(get, path = "/api/v1/cases/{id}/events", tag = "events",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = [EventView]), (status = 404, body = Problem)))]
pub async fn events_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<EventView>>> {
    let id = parse_case_id(&id)?;
    ensure_visible(&state, &user, id, true).await?;
    let events = events::list(&state.db, id).await?;
    Ok(Json(events))
}
