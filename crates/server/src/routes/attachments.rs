//! Uploading attachments for messages and notes. Files are accepted by what
//! they are (their first bytes), not by their name or declared type.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::Json;
use claimdesk_shared::wire::{Attachment, Problem};

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fingerprint;
use crate::state::AppState;
use crate::store::file_url;
use crate::store::files::{self, StoredFile};

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most files one message or note may carry.
pub const MAX_FILES_PER_POST: usize = 10;

/// The media type of a file we accept, read from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some("application/pdf"),
        _ => None,
    }
}

fn too_large() -> AppError {
    AppError::field(
        "file",
        "too_large",
        format!("at most {} MB", MAX_FILE_BYTES / (1024 * 1024)),
    )
}

/// Uploads one file (multipart field `file`); attach it to a message or
/// note by its id.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "attachments",
    request_body(content_type = "multipart/form-data", description = "One field `file`: JPEG, PNG, WebP or PDF, at most 10 MB"),
    responses((status = 201, body = Attachment), (status = 422, body = Problem)))]
pub async fn attachment_create(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> AppResult<(StatusCode, Json<Attachment>)> {
    let multipart_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::Malformed(e.body_text())
        }
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let name = field
                .file_name()
                .unwrap_or("attachment")
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect::<String>();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            file = Some((name, bytes));
        }
    }
    let (filename, bytes) = file.ok_or_else(|| {
        AppError::field("file", "required", "send the file in a field named `file`")
    })?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let content_type = sniff(&bytes).ok_or_else(|| {
        AppError::field(
            "file",
            "unsupported_type",
            "only JPEG, PNG, WebP and PDF files are accepted",
        )
    })?;
    let size = bytes.len() as i64;
    // Pictures get their fingerprint now, so the desk hears at once when
    // the same photo came with another case (domain/evidence.rs).
    let fingerprint = if content_type.starts_with("image/") {
        fingerprint::fingerprint_blocking(bytes.clone()).await
    } else {
        None
    };
    let stored = StoredFile {
        filename,
        content_type: content_type.to_owned(),
        bytes: bytes.to_vec(),
    };
    let id = files::insert_upload(
        state.writer.pool(),
        &user,
        &stored,
        fingerprint,
        state.now(),
    )
    .await?;
    let StoredFile { filename, .. } = stored;
    Ok((
        StatusCode::CREATED,
        Json(Attachment {
            id,
            filename,
            content_type: content_type.to_owned(),
            size,
            url: file_url(id),
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        let table: [(&[u8], Option<&str>); 8] = [
            (b"\xFF\xD8\xFF\xE0rest", Some("image/jpeg")),
            (b"\x89PNG\r\n\x1a\nrest", Some("image/png")),
            (b"RIFF\x10\x00\x00\x00WEBPVP8 ", Some("image/webp")),
            (b"%PDF-1.7\n", Some("application/pdf")),
            (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
            (b"<svg xmlns=", None),
            (b"<html><script>", None),
            (b"", None),
        ];
        for (bytes, expected) in table {
            assert_eq!(sniff(bytes), expected, "{bytes:?}");
        }
    }
}
