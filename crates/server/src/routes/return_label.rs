//! The return label of a case approved with one (`domain::return_label`).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::domain::return_label;
use crate::error::AppResult;
use crate::http::download::file_response;
use crate::http::extract::parse_case_id;
use crate::state::AppState;

/// The case's return label, an A6 PDF in the customer's language: made on
/// the first request, the same file after.
#[utoipa::path(get, path = "/api/v1/cases/{id}/return-label", tag = "closing",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "The label", content_type = "application/pdf"),
              (status = 404, body = claimdesk_shared::wire::Problem),
              (status = 409, body = claimdesk_shared::wire::Problem)))]
pub async fn return_label_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    file_response(return_label::label(&state, &user, id).await?)
}
