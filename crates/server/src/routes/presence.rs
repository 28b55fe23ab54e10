//! Who is on a case now (`domain/presence.rs`): the SPA says it has a case
//! open, and whether its composer is being typed in, every few seconds,
//! and goodbye when it closes the case.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use claimdesk_shared::wire::{CasePresence, PresenceInput, Problem};

use crate::auth::CurrentUser;
use crate::domain::presence;
use crate::error::AppResult;
use crate::http::extract::{parse_case_id, ApiJson};
use crate::state::AppState;

/// The user has the case open (repeat every 10 s while they do; gone after
/// 30 s without): answers who is on it, as the user may know. The desk sees
/// each colleague with the case open and who is typing; the customer's
/// visit is not recorded, and they learn only whether the desk is typing.
#[utoipa::path(put, path = "/api/v1/cases/{id}/presence", tag = "live", request_body = PresenceInput,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CasePresence), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn presence_put(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PresenceInput>,
) -> AppResult<Json<CasePresence>> {
    let id = parse_case_id(&id)?;
    Ok(Json(presence::here(&state, &user, id, input.typing).await?))
}

/// The user closed the case: colleagues stop seeing them on it at once.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/presence", tag = "live",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 204, description = "Gone from the case"), (status = 404, body = Problem)))]
pub async fn presence_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id = parse_case_id(&id)?;
    presence::left(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
