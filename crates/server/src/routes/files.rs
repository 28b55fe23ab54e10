//! Downloading attachments and product images.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use sqlx::{QueryBuilder, Sqlite};

use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::scope::Scope;
use crate::state::AppState;
use claimdesk_shared::Role;

/// Where the SPA downloads attachment `id`.
pub fn file_url(id: i64) -> String {
    format!("/api/v1/files/{id}")
}

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
) -> ApiResult<Response> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT a.filename, a.content_type, a.bytes FROM attachments a WHERE a.id = ",
    );
    qb.push_bind(id);
    qb.push(" AND (EXISTS (SELECT 1 FROM products p JOIN merchants m ON m.id = p.merchant_id
              WHERE p.image_id = a.id AND m.marketplace_id = ")
        .push_bind(user.marketplace_id)
        .push(") OR EXISTS (SELECT 1 FROM case_photos cp JOIN cases c ON c.id = cp.case_id WHERE cp.attachment_id = a.id AND ");
    let scope = Scope::of(&user);
    scope.push_case_filter(&mut qb);
    qb.push(
        ") OR EXISTS (SELECT 1 FROM message_attachments ma JOIN messages m ON m.id = ma.message_id
              JOIN cases c ON c.id = m.case_id WHERE ma.attachment_id = a.id AND ",
    );
    scope.push_case_filter(&mut qb);
    // Notes are the desk's: their files never reach a customer.
    if user.role() != Role::Customer {
        qb.push(
            ") OR EXISTS (SELECT 1 FROM note_attachments na JOIN notes n ON n.id = na.note_id
                  JOIN cases c ON c.id = n.case_id WHERE na.attachment_id = a.id AND ",
        );
        scope.push_case_filter(&mut qb);
    }
    // An upload not attached yet is its uploader's alone.
    qb.push(") OR a.uploaded_by = ").push_bind(user.id);
    qb.push(")");
    let (filename, content_type, bytes): (String, String, Vec<u8>) = qb
        .build_query_as()
        .fetch_optional(&state.db)
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
