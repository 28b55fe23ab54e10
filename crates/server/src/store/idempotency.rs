//! The answers of requests that carried an `Idempotency-Key`, per user and
//! key, with the fingerprint of the request they answered
//! (`crate::idempotency` replays them).

use chrono::{DateTime, Utc};
use claimdesk_shared::CaseId;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::case_tx::Answering;
use super::{Db, Tx};
use crate::error::{AppError, AppResult};

/// A recorded answer: the fingerprint of its request, its status and body.
#[derive(Debug, sqlx::FromRow)]
pub struct Recorded {
    pub request_hash: String,
    pub status: i64,
    pub body: String,
}

/// The answer recorded for `user_id`'s `key`, if any.
pub async fn recorded(db: &Db, user_id: i64, key: &str) -> AppResult<Option<Recorded>> {
    Ok(sqlx::query_as(
        "SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(db)
    .await?)
}

/// The body of an answer that names a case: the case as it is when the
/// answer is replayed.
fn case_answer(case: CaseId) -> String {
    serde_json::json!({ "case_id": case.0 }).to_string()
}

/// Appends the `INSERT` that records `answer`'s key as answered (200) by
/// case `case`, for a write on the case to run first in its transaction:
/// a key used before fails it with a unique violation (`reused_key`).
pub(super) fn push_case_answer(
    query: &mut QueryBuilder<'_, Sqlite>,
    answer: Answering<'_>,
    case: CaseId,
    now: DateTime<Utc>,
) {
    query
        .push(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) VALUES (",
        )
        .push_bind(answer.user_id)
        .push(", ")
        .push_bind(answer.key.to_owned())
        .push(", ")
        .push_bind(answer.hash.to_owned())
        .push(", 200, ")
        .push_bind(case_answer(case))
        .push(", ")
        .push_bind(now)
        .push(")");
}

/// The refusal of a key used before for another request.
pub fn key_reused() -> AppError {
    AppError::conflict(
        "idempotency-key-reused",
        "this Idempotency-Key was used for a different request; use a new key for a new request",
    )
}

/// A failed claim: a unique violation means the key was used before.
pub(super) fn reused_key(error: sqlx::Error) -> AppError {
    match error.as_database_error() {
        Some(e) if e.is_unique_violation() => key_reused(),
        _ => error.into(),
    }
}

/// Records `body` as the answer (`status`) to `user_id`'s `key`, unless
/// one is recorded already.
pub async fn remember(
    writer: &SqlitePool,
    user_id: i64,
    key: &str,
    hash: &str,
    status: u16,
    body: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, key) DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(hash)
    .bind(i64::from(status))
    .bind(body)
    .bind(now)
    .execute(writer)
    .await?;
    Ok(())
}

impl Tx {
    /// Takes `answer`'s key for a request that will create something
    /// (answered `status`), before its work: returns false when another
    /// request took it first (a concurrent retry waits for the write lock,
    /// then finds it taken). `answer_with_case` fills the answer in.
    pub async fn take_key(
        &mut self,
        answer: Answering<'_>,
        status: u16,
        now: DateTime<Utc>,
    ) -> AppResult<bool> {
        let taken = sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at)
             VALUES ($1, $2, $3, $4, '{}', $5) ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(answer.user_id)
        .bind(answer.key)
        .bind(answer.hash)
        .bind(i64::from(status))
        .bind(now)
        .execute(&mut *self.0)
        .await?
        .rows_affected();
        Ok(taken == 1)
    }

    /// The key taken by `take_key` is answered by case `case`.
    pub async fn answer_with_case(&mut self, answer: Answering<'_>, case: CaseId) -> AppResult<()> {
        sqlx::query("UPDATE idempotency_keys SET body = $1 WHERE user_id = $2 AND key = $3")
            .bind(case_answer(case))
            .bind(answer.user_id)
            .bind(answer.key)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
