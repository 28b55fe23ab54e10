//! Downloading attachments and product images.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::files::{self, StoredFile};

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
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let StoredFile {
        filename,
        content_type,
        bytes,
    } = files::visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;

    let disposition = format!(
        "inline; filename=\"{}\"",
        filename.replace(['"', '\\', '\r', '\n'], "_")
    );
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        )
        .header(header::CONTENT_DISPOSITION, disposition)
        // Files never change once stored; only this user's browser may keep them.
        .header(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=86400, immutable"),
        )
        .body(Body::from(bytes))
        .map_err(|e| AppError::Internal(e.into()))
}
