//! Messages (the conversation with the customer) and notes (internal to the
//! desk): the same shape in two tables, each with its attachments.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::Attachment;
use claimdesk_shared::{CaseId, Role};

use super::files::is_free_upload;
use super::{column, file_url, Db, Tx};
use crate::error::{AppError, AppResult};

/// Which of the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Post {
    Message,
    Note,
}

impl Post {
    fn table(self) -> &'static str {
        match self {
            Post::Message => "messages",
            Post::Note => "notes",
        }
    }
    /// The read state's column (notes have none).
    fn read_at(self) -> &'static str {
        match self {
            Post::Message => "p.read_at",
            Post::Note => "NULL",
        }
    }
    fn attachment_table(self) -> (&'static str, &'static str) {
        match self {
            Post::Message => ("message_attachments", "message_id"),
            Post::Note => ("note_attachments", "note_id"),
        }
    }
}

/// A message or note as stored, with its author and files.
#[derive(Debug)]
pub struct StoredPost {
    pub id: i64,
    pub author_name: String,
    pub author_role: Role,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<Attachment>,
    /// Messages only: when the other side first read it.
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    author_name: String,
    author_role: String,
    body: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

/// The messages or notes of case `id`, oldest first, each with its files.
pub async fn list(db: &Db, post: Post, id: CaseId) -> AppResult<Vec<StoredPost>> {
    let rows: Vec<PostRow> = sqlx::query_as(&format!(
        "SELECT p.id, u.name AS author_name, u.role AS author_role, p.body, p.created_at,
                {} AS read_at
         FROM {} p JOIN users u ON u.id = p.author_id WHERE p.case_id = $1 ORDER BY p.created_at, p.id",
        post.read_at(),
        post.table()
    ))
    .bind(id.0)
    .fetch_all(db)
    .await?;
    let (link, key) = post.attachment_table();
    let files: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT l.{key}, a.id, a.filename, a.content_type, a.size FROM {link} l
         JOIN attachments a ON a.id = l.attachment_id JOIN {} p ON p.id = l.{key}
         WHERE p.case_id = $1 ORDER BY a.id",
        post.table()
    ))
    .bind(id.0)
    .fetch_all(db)
    .await?;
    let mut by_post: HashMap<i64, Vec<Attachment>> = HashMap::new();
    for (post_id, id, filename, content_type, size) in files {
        by_post.entry(post_id).or_default().push(Attachment {
            id,
            filename,
            content_type,
            size,
            url: file_url(id),
        });
    }
    rows.into_iter()
        .map(|row| {
            Ok(StoredPost {
                attachments: by_post.remove(&row.id).unwrap_or_default(),
                author_role: column(&row.author_role, "role")?,
                id: row.id,
                author_name: row.author_name,
                body: row.body,
                created_at: row.created_at,
                read_at: row.read_at,
            })
        })
        .collect()
}

impl Tx {
    /// Marks the messages of case `case_id` up to and including `up_to`
    /// that the other side of the reader wrote as read at `now` (those not
    /// read before); returns how many were.
    pub async fn mark_read(
        &mut self,
        case_id: i64,
        up_to: i64,
        reader_is_customer: bool,
        now: DateTime<Utc>,
    ) -> AppResult<u64> {
        // The reader's other side: the desk reads the customer's messages,
        // the customer the desk's.
        let authors = if reader_is_customer { "<>" } else { "=" };
        let marked = sqlx::query(&format!(
            "UPDATE messages SET read_at = $1
             WHERE case_id = $2 AND id <= $3 AND read_at IS NULL
               AND author_id IN (SELECT id FROM users WHERE role {authors} 'customer')"
        ))
        .bind(now)
        .bind(case_id)
        .bind(up_to)
        .execute(&mut *self.0)
        .await?
        .rows_affected();
        Ok(marked)
    }

    /// Adds a message or note to case `case_id` by `author` with the
    /// uploads `attachment_ids` (each the author's own and attached to
    /// nothing yet, or a field error); returns its id.
    pub async fn insert_post(
        &mut self,
        post: Post,
        case_id: i64,
        author: Option<i64>,
        body: &str,
        attachment_ids: &[i64],
        now: DateTime<Utc>,
    ) -> AppResult<i64> {
        let post_id = sqlx::query(&format!(
            "INSERT INTO {} (case_id, author_id, body, created_at) VALUES ($1, $2, $3, $4)",
            post.table()
        ))
        .bind(case_id)
        .bind(author)
        .bind(body)
        .bind(now)
        .execute(&mut *self.0)
        .await?
        .last_insert_rowid();
        let (link, key) = post.attachment_table();
        for &attachment in attachment_ids {
            if !is_free_upload(&mut self.0, attachment, author).await? {
                return Err(AppError::field(
                    "attachment_ids",
                    "invalid",
                    format!("file {attachment} is not an upload of yours that is still free"),
                ));
            }
            sqlx::query(&format!(
                "INSERT INTO {link} (attachment_id, {key}) VALUES ($1, $2)"
            ))
            .bind(attachment)
            .bind(post_id)
            .execute(&mut *self.0)
            .await?;
        }
        Ok(post_id)
    }
}
