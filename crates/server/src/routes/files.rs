//! Downloading attachments and product images.

use axum::extract::State;
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::http::download::file_response;
use crate::http::extract::ApiPath;
use crate::state::AppState;
use crate::store::files;

/// One attachment, if the caller may see it: a product image of their
/// marketplace, a photo, message file or (desk only) note file on a case in
/// their scope, or their own upload.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "files",
    params(("id" = i64, Path, description = "Attachment id")),
    responses((status = 200, description = "The file, with its media type"),
              (status = 404, body = claimdesk_shared::wire::Problem)))]
pub async fn file_get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    let file = files::visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    file_response(file)
}
