//! Stored files: uploads (attachments of messages, notes and reports) and
//! product images.

use chrono::{DateTime, Utc};
use claimdesk_shared::Role;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::Db;
use crate::error::AppResult;
use crate::scope::Scope;
use crate::user::CurrentUser;

/// A stored file as it is downloaded.
#[derive(Debug)]
pub struct StoredFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// File `id`, if `user` may see it: a product image of the user's
/// marketplace, a photo, message file or return label of a case in the
/// user's scope, a note's file for the desk, or the user's own upload not
/// attached yet.
pub async fn visible(db: &Db, user: &CurrentUser, id: i64) -> AppResult<Option<StoredFile>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT a.filename, a.content_type, a.bytes FROM attachments a WHERE a.id = ",
    );
    qb.push_bind(id);
    qb.push(" AND (EXISTS (SELECT 1 FROM products p JOIN merchants m ON m.id = p.merchant_id
              WHERE p.image_id = a.id AND m.marketplace_id = ")
        .push_bind(user.marketplace_id)
        .push(") OR EXISTS (SELECT 1 FROM case_photos cp JOIN cases c ON c.id = cp.case_id WHERE cp.attachment_id = a.id AND ");
    let scope = Scope::of(user);
    scope.push_case_filter(&mut qb);
    qb.push(
        ") OR EXISTS (SELECT 1 FROM message_attachments ma JOIN messages m ON m.id = ma.message_id
              JOIN cases c ON c.id = m.case_id WHERE ma.attachment_id = a.id AND ",
    );
    scope.push_case_filter(&mut qb);
    // A case's return label, to everyone who sees the case.
    qb.push(
        ") OR EXISTS (SELECT 1 FROM return_labels rl JOIN cases c ON c.id = rl.case_id
              WHERE rl.attachment_id = a.id AND ",
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
    let found: Option<(String, String, Vec<u8>)> = qb.build_query_as().fetch_optional(db).await?;
    Ok(found.map(|(filename, content_type, bytes)| StoredFile {
        filename,
        content_type,
        bytes,
    }))
}

/// Stores an upload of `user`'s, not attached to anything yet; returns its id.
pub async fn insert_upload(
    writer: &SqlitePool,
    user: &CurrentUser,
    file: &StoredFile,
    fingerprint: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let mut tx = writer.begin().await?;
    let id = sqlx::query(
        "INSERT INTO attachments (marketplace_id, filename, content_type, size, bytes, created_at, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user.marketplace_id)
    .bind(&file.filename)
    .bind(&file.content_type)
    .bind(file.bytes.len() as i64)
    .bind(file.bytes.as_slice())
    .bind(now)
    .bind(user.id)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    if let Some(hash) = fingerprint {
        super::fingerprints::insert(&mut tx, id, user.marketplace_id, hash).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Whether upload `attachment` is `uploader`'s own and attached to nothing
/// yet (so a post or a report may take it), on the connection `conn` of a
/// write that holds the lock.
pub(super) async fn is_free_upload(
    conn: &mut sqlx::SqliteConnection,
    attachment: i64,
    uploader: Option<i64>,
) -> AppResult<bool> {
    let free: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attachments a WHERE a.id = $1 AND a.uploaded_by = $2
           AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE attachment_id = a.id)
           AND NOT EXISTS (SELECT 1 FROM note_attachments WHERE attachment_id = a.id)
           AND NOT EXISTS (SELECT 1 FROM case_photos WHERE attachment_id = a.id)",
    )
    .bind(attachment)
    .bind(uploader)
    .fetch_one(conn)
    .await?;
    Ok(free > 0)
}
