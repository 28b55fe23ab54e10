//! The desk's tools on a case that decide nothing: taking and releasing
//! the hold (who is on it), and the toggles (free return).

use axum::extract::{Path, State};
use axum::Json;
use claimdesk_shared::wire::{CaseDetail, CaseToggles, Problem, TakeHold, Versioned};

use crate::auth::CurrentUser;
use crate::domain::case_tools;
use crate::domain::case_view;
use crate::domain::decisions::desk;
use crate::error::AppResult;
use crate::http::extract::{parse_case_id, ApiJson};
use crate::scope::Scope;
use crate::state::AppState;

/// Takes the case, so colleagues see who is on it. Taking it from a
/// colleague needs `take_over`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/hold", tag = "decisions", request_body = TakeHold,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn hold_take(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TakeHold>,
) -> AppResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    case_tools::take_hold(&state, &user, id, input.version, input.take_over).await?;
    Ok(Json(case_view::detail(&state, Scope::of(&user), id).await?))
}

/// Lets go of a case one holds.
#[utoipa::path(post, path = "/api/v1/cases/{id}/release", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn hold_release(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> AppResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    case_tools::release_hold(&state, &user, id, input.version).await?;
    Ok(Json(case_view::detail(&state, Scope::of(&user), id).await?))
}

/// Sets the case's toggles (free return).
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "decisions", request_body = CaseToggles,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn case_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CaseToggles>,
) -> AppResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    case_tools::set_toggles(&state, &user, id, &input).await?;
    Ok(Json(case_view::detail(&state, Scope::of(&user), id).await?))
}
