//! `Idempotency-Key`: a retried request gets the first answer back instead of
//! doing its work again.
//!
//! Every write that creates something or moves money also carries the case
//! version, so a retry that slipped past this table would still be refused
//! as stale rather than done twice; the key turns that refusal into the
//! original success, which is what the retrying client needs.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use sha2::{Digest, Sha256};

use claimdesk_shared::CaseId;

use crate::auth::CurrentUser;
use crate::domain::case_view;
use crate::error::{AppError, AppResult};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::case_tx::Answering;
use crate::store::idempotency::{self as recorded, key_reused};

/// The longest key accepted.
const MAX_KEY_LEN: usize = 200;

/// The request's `Idempotency-Key`, required on the routes that take it.
#[derive(Clone, Debug)]
pub struct IdempotencyKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .unwrap_or("");
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(AppError::field(
                "Idempotency-Key",
                "required",
                format!("send an Idempotency-Key header of 1 to {MAX_KEY_LEN} characters, the same on every retry"),
            ));
        }
        Ok(IdempotencyKey(key.to_owned()))
    }
}

/// A fingerprint of what was asked, so one key cannot be reused for another request.
pub fn fingerprint(route: &str, input: &impl Serialize) -> String {
    let body = serde_json::to_string(input).unwrap_or_default();
    hex::encode(Sha256::digest(format!("{route}\n{body}").as_bytes()))
}

/// The stored answer to `key` (status and JSON body), if this user sent it
/// before; the same key for a different request is a conflict. An answer
/// recorded as `{"case_id": …}` (`push_case_answer`) is the case as this user
/// sees it now.
pub async fn stored(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: &str,
) -> AppResult<Option<(StatusCode, serde_json::Value)>> {
    match recorded::recorded(&state.db, user.id, &key.0).await? {
        None => Ok(None),
        Some(row) if row.request_hash != hash => Err(key_reused()),
        Some(recorded::Recorded { status, body, .. }) => {
            let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
            let body: serde_json::Value =
                serde_json::from_str(&body).map_err(|e| AppError::Internal(e.into()))?;
            let case = match body.as_object() {
                Some(fields) if fields.len() == 1 => fields.get("case_id").and_then(|v| v.as_i64()),
                _ => None,
            };
            let Some(case) = case else {
                return Ok(Some((status, body)));
            };
            let detail = case_view::detail(state, Scope::of(user), CaseId(case)).await?;
            let body = serde_json::to_value(detail).map_err(|e| AppError::Internal(e.into()))?;
            Ok(Some((status, body)))
        }
    }
}

/// The stored answer to `key`, if this user sent it before.
pub async fn replay(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: &str,
) -> AppResult<Option<Response>> {
    Ok(stored(state, user, key, hash)
        .await?
        .map(|(status, body)| (status, Json(body)).into_response()))
}

/// `replay` for a repeat whose write found the first's record (or its
/// version moved on): the first may be in the writer's open group (group
/// commit), seen by the repeat's write but not yet by the read of its
/// answer, so that read waits for the group's commit.
pub async fn replay_after_race(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: &str,
) -> AppResult<Option<Response>> {
    state.writer.settled().await;
    replay(state, user, key, hash).await
}

/// Remembers the answer to `key`.
pub async fn remember(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: &str,
    status: StatusCode,
    body: &impl Serialize,
) -> AppResult<()> {
    let body = serde_json::to_string(body).map_err(|e| AppError::Internal(e.into()))?;
    let (status, now) = (status.as_u16(), state.now());
    recorded::remember(
        state.writer.pool(),
        user.id,
        &key.0,
        hash,
        status,
        &body,
        now,
    )
    .await?;
    Ok(())
}

/// Runs `work` once per key: a repeat returns the first answer; a repeat
/// that raced the first and lost (a stale version) also gets the first answer.
pub async fn once<T, F>(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: String,
    work: F,
) -> AppResult<Response>
where
    T: Serialize,
    F: std::future::Future<Output = AppResult<T>>,
{
    if let Some(previous) = replay(state, user, key, &hash).await? {
        return Ok(previous);
    }
    let recorded = hash.clone();
    once_on_case(state, user, key, hash, async {
        let answer = work.await?;
        remember(state, user, key, &recorded, StatusCode::OK, &answer).await?;
        Ok(answer)
    })
    .await
}

/// `once` for a write on one case that records its key itself, in its own
/// transaction (`CaseWrite::begin_answering`), and answers with
/// that case.
///
/// Such a write looks for a first answer only when it fails, not before:
/// it claims the case version its request carries, and a request that
/// succeeded moved that version on, so its repeat (the same request, the
/// same version) is always refused as stale, however it raced the first,
/// and is then answered with the first answer. A key already used for
/// another request is refused by the record itself (`push_case_answer`),
/// before the write does anything. One read fewer for every write that goes through.
pub async fn once_on_case<T, F>(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: String,
    work: F,
) -> AppResult<Response>
where
    T: Serialize,
    F: std::future::Future<Output = AppResult<T>>,
{
    match work.await {
        Ok(answer) => Ok((StatusCode::OK, Json(answer)).into_response()),
        // Whatever refused it, a repeat of a request that succeeded gets
        // the first answer (and a key used for another request a 409).
        Err(error) => match replay_after_race(state, user, key, &hash).await? {
            Some(previous) => Ok(previous),
            None => Err(error),
        },
    }
}

impl IdempotencyKey {
    /// This key as the answer of `user`'s request fingerprinted `hash`, for
    /// a write that records it in its own transaction.
    pub fn answering<'a>(&'a self, user: &CurrentUser, hash: &'a str) -> Answering<'a> {
        Answering {
            user_id: user.id,
            key: &self.0,
            hash,
        }
    }
}
