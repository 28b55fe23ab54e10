//! The response clock of one case, for the desk.

use axum::extract::{Path, State};
use axum::Json;
use claimdesk_shared::wire::{DeadlineView, Problem};

use crate::auth::CurrentUser;
use crate::domain::case_view::ensure_visible;
use crate::error::AppResult;
use crate::http::extract::parse_case_id;
use crate::sla::clock::deadline_view;
use crate::state::AppState;

/// When the merchant's next response is due, how that was computed, and
/// what happens if it passes; `null` when nothing is due. Customers get
/// "not found": the clock is the desk's.
#[utoipa::path(get, path = "/api/v1/cases/{id}/deadline", tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = Option<DeadlineView>), (status = 404, body = Problem)))]
pub async fn deadline_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<Option<DeadlineView>>> {
    let id = parse_case_id(&id)?;
    ensure_visible(&state, &user, id, true).await?;
    Ok(Json(deadline_view(&state.db, id.0, state.now()).await?))
}
