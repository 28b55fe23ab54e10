//! Writing to a case: a message to the other side (which moves the case
//! between the desk and the customer) or an internal note (which changes
//! no status and notifies nobody).

use claimdesk_shared::wire::{CaseRead, NewPost};
use claimdesk_shared::{CaseAction, CaseId, EventKind, Role};
use serde_json::json;

use super::case_write::{CaseWrite, Recipient};
use super::emails;
use super::text;
use crate::error::{AppError, AppResult};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::case_detail;
use crate::store::case_tx::Answering;
use crate::store::posts::Post;
use crate::store::Tx;
use crate::user::CurrentUser;

/// The longest message or note accepted, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;
/// The most files one message, note or report may carry.
pub const MAX_FILES_PER_POST: usize = 10;

/// Checks a message or note; returns its body, trimmed.
pub fn validate(input: &NewPost) -> AppResult<String> {
    if input.attachment_ids.len() > MAX_FILES_PER_POST {
        return Err(AppError::field(
            "attachment_ids",
            "too_many",
            format!("at most {MAX_FILES_PER_POST} files"),
        ));
    }
    Ok(text::required(
        "body",
        &input.body,
        MAX_BODY_CHARS,
        "write something first",
    )?)
}

/// Adds a message by the writer, without attachments (a proposal's offer
/// in the conversation); returns its id. The caller writes the event.
pub async fn add_message(write: &mut CaseWrite<'_>, body: &str) -> AppResult<i64> {
    insert(write, Post::Message, body, &[]).await
}

/// Adds a message or note by the writer with the uploads
/// `attachment_ids`; returns its id.
async fn insert(
    write: &mut CaseWrite<'_>,
    post: Post,
    body: &str,
    attachment_ids: &[i64],
) -> AppResult<i64> {
    let (case_id, author, now) = (write.case.id.0, write.actor.id(), write.now);
    write
        .tx()
        .insert_post(post, case_id, author, body, attachment_ids, now)
        .await
}

/// `user` writes `body` (checked by `validate`) on case `id` to the other
/// side. The desk writing parks the case until the customer answers; the
/// customer answering puts it back with the desk.
pub async fn post_message(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    input: &NewPost,
    body: &str,
    answering: Answering<'_>,
) -> AppResult<()> {
    let mut write = CaseWrite::begin_answering(state, user, id, input.version, answering).await?;
    let from_customer = user.role() == Role::Customer;
    let action = if from_customer {
        CaseAction::CustomerReply
    } else {
        CaseAction::MessageToCustomer
    };
    let to = write.next_status(action)?;
    let message_id = insert(&mut write, Post::Message, body, &input.attachment_ids).await?;
    write.event(EventKind::MessageAdded, json!({ "message_id": message_id }));
    write.set_status(to).await?;
    let recipient = if from_customer {
        Recipient::Merchant
    } else {
        Recipient::Customer
    };
    let mail = emails::message(id, &user.name, body);
    let cause = format!("message:{message_id}");
    write.notify(recipient, mail, cause).await?;
    write.commit().await
}

/// `user` (the desk) adds an internal note on case `id`.
pub async fn add_note(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    input: &NewPost,
    body: &str,
    answering: Answering<'_>,
) -> AppResult<()> {
    let mut write = CaseWrite::begin_answering(state, user, id, input.version, answering).await?;
    let note_id = insert(&mut write, Post::Note, body, &input.attachment_ids).await?;
    write.event(EventKind::NoteAdded, json!({ "note_id": note_id }));
    write.commit().await
}

/// `user` has read case `id`'s conversation up to message `up_to`: the
/// other side's messages up to it are read from now on. Reading changes no
/// version (it must not make anyone's open decision stale) and writes no
/// event; the streams of both sides hear of it, once.
pub async fn mark_read(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    up_to: i64,
) -> AppResult<()> {
    let owners = case_detail::owners(&state.db, Scope::of(user), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let by_customer = user.role() == Role::Customer;
    let mut tx = Tx::begin(&state.writer).await?;
    let marked = tx.mark_read(id.0, up_to, by_customer, state.now()).await?;
    tx.commit().await?;
    if marked > 0 {
        state
            .live
            .publish_read(owners, CaseRead { id, by_customer });
    }
    Ok(())
}
