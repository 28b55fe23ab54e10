//! Messages (the conversation with the customer) and notes (internal to the
//! desk): the same shape, different audiences and effects.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{Attachment, CaseDetail, MessageView, NewPost, NoteView, Problem};
use claimdesk_shared::{CaseAction, CaseId, EventKind, Role};
use serde_json::json;
use sqlx::{QueryBuilder, Sqlite};

use crate::auth::CurrentUser;
use crate::case_write::{CaseWrite, Recipient};
use crate::error::{ApiJson, ApiResult, AppError};
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::attachments::MAX_FILES_PER_POST;
use crate::routes::cases::{column, load_detail, parse_case_id};
use crate::routes::files::file_url;
use crate::scope::Scope;
use crate::state::AppState;

/// The longest message or note accepted, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;

/// Which of the two a route is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Post {
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
    fn attachment_table(self) -> (&'static str, &'static str) {
        match self {
            Post::Message => ("message_attachments", "message_id"),
            Post::Note => ("note_attachments", "note_id"),
        }
    }
}

/// Fails with "not found" unless the case is in the user's scope, and, for
/// notes, the user works at the desk: customers must not even learn that
/// notes exist.
pub async fn ensure_visible(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    desk_only: bool,
) -> ApiResult<()> {
    if desk_only && user.role() == Role::Customer {
        return Err(AppError::NotFound);
    }
    let mut qb = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c WHERE c.id = ");
    qb.push_bind(id.0).push(" AND ");
    Scope::of(user).push_case_filter(&mut qb);
    let found: i64 = qb.build_query_scalar().fetch_one(&state.db).await?;
    if found == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    author_name: String,
    author_role: String,
    body: String,
    created_at: DateTime<Utc>,
}

async fn load_posts(
    state: &AppState,
    post: Post,
    id: CaseId,
) -> ApiResult<Vec<(PostRow, Vec<Attachment>)>> {
    let rows: Vec<PostRow> = sqlx::query_as(&format!(
        "SELECT p.id, u.name AS author_name, u.role AS author_role, p.body, p.created_at
         FROM {} p JOIN users u ON u.id = p.author_id WHERE p.case_id = ? ORDER BY p.created_at, p.id",
        post.table()
    ))
    .bind(id.0)
    .fetch_all(&state.db)
    .await?;
    let (link, key) = post.attachment_table();
    let files: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT l.{key}, a.id, a.filename, a.content_type, a.size FROM {link} l
         JOIN attachments a ON a.id = l.attachment_id JOIN {} p ON p.id = l.{key}
         WHERE p.case_id = ? ORDER BY a.id",
        post.table()
    ))
    .bind(id.0)
    .fetch_all(&state.db)
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
    Ok(rows
        .into_iter()
        .map(|row| {
            let files = by_post.remove(&row.id).unwrap_or_default();
            (row, files)
        })
        .collect())
}

fn validate(input: &NewPost) -> ApiResult<String> {
    if input.attachment_ids.len() > MAX_FILES_PER_POST {
        return Err(AppError::field(
            "attachment_ids",
            "too_many",
            format!("at most {MAX_FILES_PER_POST} files"),
        ));
    }
    let body = input.body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "required", "write something first"));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::field(
            "body",
            "too_long",
            format!("at most {MAX_BODY_CHARS} characters"),
        ));
    }
    Ok(body.to_owned())
}

/// Adds a message by the writer, without attachments (a proposal's offer
/// in the conversation); returns its id. The caller writes the event.
pub async fn insert_message(write: &mut CaseWrite<'_>, body: &str) -> ApiResult<i64> {
    insert_post(write, Post::Message, &[], body).await
}

async fn insert_post(
    write: &mut CaseWrite<'_>,
    post: Post,
    attachment_ids: &[i64],
    body: &str,
) -> ApiResult<i64> {
    let (case_id, author, now) = (write.case.id.0, write.actor.id(), write.now);
    let post_id = sqlx::query(&format!(
        "INSERT INTO {} (case_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
        post.table()
    ))
    .bind(case_id)
    .bind(author)
    .bind(body)
    .bind(now)
    .execute(write.conn())
    .await?
    .last_insert_rowid();
    let (link, key) = post.attachment_table();
    for &attachment in attachment_ids {
        // Only the uploader's own files, and only ones not attached yet.
        let free: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM attachments a WHERE a.id = ? AND a.uploaded_by = ?
               AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE attachment_id = a.id)
               AND NOT EXISTS (SELECT 1 FROM note_attachments WHERE attachment_id = a.id)
               AND NOT EXISTS (SELECT 1 FROM case_photos WHERE attachment_id = a.id)",
        )
        .bind(attachment)
        .bind(author)
        .fetch_one(write.conn())
        .await?;
        if free == 0 {
            return Err(AppError::field(
                "attachment_ids",
                "invalid",
                format!("file {attachment} is not an upload of yours that is still free"),
            ));
        }
        sqlx::query(&format!(
            "INSERT INTO {link} (attachment_id, {key}) VALUES (?, ?)"
        ))
        .bind(attachment)
        .bind(post_id)
        .execute(write.conn())
        .await?;
    }
    Ok(post_id)
}

/// The conversation with the customer, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/messages", tag = "messages",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = [MessageView]), (status = 404, body = Problem)))]
pub async fn messages_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MessageView>>> {
    let id = parse_case_id(&id)?;
    ensure_visible(&state, &user, id, false).await?;
    let posts = load_posts(&state, Post::Message, id).await?;
    let messages = posts
        .into_iter()
        .map(|(row, attachments)| {
            Ok(MessageView {
                id: row.id,
                author_role: column(&row.author_role, "role")?,
                author_name: row.author_name,
                body: row.body,
                attachments,
                created_at: row.created_at,
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(Json(messages))
}

/// Writes to the other side. The desk writing parks the case until the
/// customer answers; the customer answering puts it back with the desk.
#[utoipa::path(post, path = "/api/v1/cases/{id}/messages", tag = "messages", request_body = NewPost,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn messages_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewPost>,
) -> ApiResult<Response> {
    let id = parse_case_id(&id)?;
    let body = validate(&input)?;
    let hash = idempotency::fingerprint(&format!("POST messages {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        let mut write =
            CaseWrite::begin_answering(&state, &user, id, input.version, &key, &hash).await?;
        let from_customer = user.role() == Role::Customer;
        let action = if from_customer {
            CaseAction::CustomerReply
        } else {
            CaseAction::MessageToCustomer
        };
        let to = write.next_status(action)?;
        let message_id =
            insert_post(&mut write, Post::Message, &input.attachment_ids, &body).await?;
        write.event(EventKind::MessageAdded, json!({ "message_id": message_id }));
        write.set_status(to).await?;
        let recipient = if from_customer {
            Recipient::Merchant
        } else {
            Recipient::Customer
        };
        write
            .notify(
                recipient,
                "message",
                format!("New message on case {id}"),
                format!("{} wrote on case {id}:\n\n{body}", user.name),
                format!("message:{message_id}"),
            )
            .await?;
        write.commit().await?;
        load_detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// The desk's internal notes, oldest first. Customers get "not found".
#[utoipa::path(get, path = "/api/v1/cases/{id}/notes", tag = "notes",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = [NoteView]), (status = 404, body = Problem)))]
pub async fn notes_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<NoteView>>> {
    let id = parse_case_id(&id)?;
    ensure_visible(&state, &user, id, true).await?;
    let posts = load_posts(&state, Post::Note, id).await?;
    Ok(Json(
        posts
            .into_iter()
            .map(|(row, attachments)| NoteView {
                id: row.id,
                author_name: row.author_name,
                body: row.body,
                attachments,
                created_at: row.created_at,
            })
            .collect(),
    ))
}

/// Adds an internal note. It changes no status and notifies nobody.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "notes", request_body = NewPost,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn notes_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewPost>,
) -> ApiResult<Response> {
    let id = parse_case_id(&id)?;
    if user.role() == Role::Customer {
        return Err(AppError::NotFound);
    }
    let body = validate(&input)?;
    let hash = idempotency::fingerprint(&format!("POST notes {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        let mut write =
            CaseWrite::begin_answering(&state, &user, id, input.version, &key, &hash).await?;
        let note_id = insert_post(&mut write, Post::Note, &input.attachment_ids, &body).await?;
        write.event(EventKind::NoteAdded, json!({ "note_id": note_id }));
        write.commit().await?;
        load_detail(&state, Scope::of(&user), id).await
    })
    .await
}
