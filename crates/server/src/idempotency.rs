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
use sqlx::{QueryBuilder, Sqlite};

use claimdesk_shared::CaseId;

use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::routes::cases::load_detail;
use crate::scope::Scope;
use crate::state::AppState;

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

/// The refusal of a key used before for a different request.
fn key_reused() -> AppError {
    AppError::conflict(
        "idempotency-key-reused",
        "this Idempotency-Key was used for a different request; use a new key for a new request",
    )
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
) -> ApiResult<Option<(StatusCode, serde_json::Value)>> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = ? AND key = ?",
    )
    .bind(user.id)
    .bind(&key.0)
    .fetch_optional(&state.db)
    .await?;
    match row {
        None => Ok(None),
        Some((stored, _, _)) if stored != hash => Err(key_reused()),
        Some((_, status, body)) => {
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
            let detail = load_detail(state, Scope::of(user), CaseId(case)).await?;
            let body = serde_json::to_value(detail).map_err(|e| AppError::Internal(e.into()))?;
            Ok(Some((status, body)))
        }
    }
}

/// Pushes onto `query` the statement that records, in the transaction of a
/// write on case `case` (`CaseWrite::begin_answering`), that the answer to
/// `key` is that case: the change and its record commit together (a write
/// that committed always has its record, and a failed one none). A retry
/// is answered with the case as it is then (`stored`), which is what a
/// client retrying needs to go on (and the same case the first answer
/// showed, unless someone changed it since). A key recorded before fails
/// the statement: `reused_key`.
pub fn push_case_answer(
    query: &mut QueryBuilder<'_, Sqlite>,
    user_id: i64,
    key: &IdempotencyKey,
    hash: &str,
    case: CaseId,
    now: chrono::DateTime<chrono::Utc>,
) {
    query
        .push(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) VALUES (",
        )
        .push_bind(user_id)
        .push(", ")
        .push_bind(key.0.clone())
        .push(", ")
        .push_bind(hash.to_owned())
        .push(", ")
        .push_bind(i64::from(StatusCode::OK.as_u16()))
        .push(", ")
        .push_bind(serde_json::json!({ "case_id": case.0 }).to_string())
        .push(", ")
        .push_bind(now)
        .push(")");
}

/// The error of a statement that began with `push_case_answer`: a key
/// recorded before answers an earlier request, not this one, which claims
/// a version that request did not (`once_on_case`).
pub fn reused_key(error: sqlx::Error) -> AppError {
    match error.as_database_error() {
        Some(e) if e.is_unique_violation() => key_reused(),
        _ => error.into(),
    }
}

/// The stored answer to `key`, if this user sent it before.
pub async fn replay(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: &str,
) -> ApiResult<Option<Response>> {
    Ok(stored(state, user, key, hash)
        .await?
        .map(|(status, body)| (status, Json(body)).into_response()))
}

/// Remembers the answer to `key`.
pub async fn remember(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: &str,
    status: StatusCode,
    body: &impl Serialize,
) -> ApiResult<()> {
    let body = serde_json::to_string(body).map_err(|e| AppError::Internal(e.into()))?;
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING",
    )
    .bind(user.id)
    .bind(&key.0)
    .bind(hash)
    .bind(i64::from(status.as_u16()))
    .bind(body)
    .bind(state.now())
    .execute(&state.writer)
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
) -> ApiResult<Response>
where
    T: Serialize,
    F: std::future::Future<Output = ApiResult<T>>,
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
) -> ApiResult<Response>
where
    T: Serialize,
    F: std::future::Future<Output = ApiResult<T>>,
{
    match work.await {
        Ok(answer) => Ok((StatusCode::OK, Json(answer)).into_response()),
        // Whatever refused it, a repeat of a request that succeeded gets
        // the first answer (and a key used for another request a 409).
        Err(error) => match replay(state, user, key, &hash).await? {
            Some(previous) => Ok(previous),
            None => Err(error),
        },
    }
}
