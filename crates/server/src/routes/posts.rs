//! Messages (the conversation with the customer) and notes (internal to the
//! desk): the same shape, different audiences and effects.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use claimdesk_shared::wire::{CaseDetail, MarkRead, MessageView, NewPost, NoteView, Problem};
use claimdesk_shared::Role;

use crate::auth::CurrentUser;
use crate::domain::case_view::{self, ensure_visible};
use crate::domain::posts::{self, validate};
use crate::error::{AppError, AppResult};
use crate::http::extract::{parse_case_id, ApiJson};
use crate::idempotency::{self, IdempotencyKey};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::posts::{self as stored, Post};

/// The conversation with the customer, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/messages", tag = "messages",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = [MessageView]), (status = 404, body = Problem)))]
pub async fn messages_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<MessageView>>> {
    let id = parse_case_id(&id)?;
    ensure_visible(&state, &user, id, false).await?;
    let posts = stored::list(&state.db, Post::Message, id).await?;
    let messages = posts
        .into_iter()
        .map(|post| MessageView {
            id: post.id,
            author_role: post.author_role,
            author_name: post.author_name,
            body: post.body,
            attachments: post.attachments,
            created_at: post.created_at,
            read_at: post.read_at,
        })
        .collect();
    Ok(Json(messages))
}

/// The reader has seen the conversation up to message `up_to`: the other
/// side's messages up to it are marked read (once: the first reading
/// counts), and both sides' streams hear `event: read`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/read", tag = "messages", request_body = MarkRead,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 204, description = "Marked read"), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn read_create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MarkRead>,
) -> AppResult<StatusCode> {
    let id = parse_case_id(&id)?;
    posts::mark_read(&state, &user, id, input.up_to).await?;
    Ok(StatusCode::NO_CONTENT)
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
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    let body = validate(&input)?;
    let hash = idempotency::fingerprint(&format!("POST messages {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        posts::post_message(
            &state,
            &user,
            id,
            &input,
            &body,
            key.answering(&user, &hash),
        )
        .await?;
        case_view::detail(&state, Scope::of(&user), id).await
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
) -> AppResult<Json<Vec<NoteView>>> {
    let id = parse_case_id(&id)?;
    ensure_visible(&state, &user, id, true).await?;
    let posts = stored::list(&state.db, Post::Note, id).await?;
    Ok(Json(
        posts
            .into_iter()
            .map(|post| NoteView {
                id: post.id,
                author_name: post.author_name,
                body: post.body,
                attachments: post.attachments,
                created_at: post.created_at,
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
) -> AppResult<Response> {
    let id = parse_case_id(&id)?;
    if user.role() == Role::Customer {
        return Err(AppError::NotFound);
    }
    let body = validate(&input)?;
    let hash = idempotency::fingerprint(&format!("POST notes {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        posts::add_note(
            &state,
            &user,
            id,
            &input,
            &body,
            key.answering(&user, &hash),
        )
        .await?;
        case_view::detail(&state, Scope::of(&user), id).await
    })
    .await
}
