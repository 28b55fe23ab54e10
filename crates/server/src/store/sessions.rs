//! Sessions: stored by the SHA-256 of their token (the token itself is only
//! ever in the client's cookie or header).

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::Db;
use crate::error::AppResult;
use crate::user::CurrentUser;

/// When a session ends: at `expires_at` whatever happens, and at
/// `idle_expires_at` unless it is used (and renewed) before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    pub expires_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
}

impl Expiry {
    /// The first of the two.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.expires_at.min(self.idle_expires_at)
    }
}

/// Stores a session for `user_id` under `token_hash` (hex).
pub async fn insert(
    writer: &SqlitePool,
    token_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
    expiry: Expiry,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, idle_expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expiry.expires_at)
    .bind(expiry.idle_expires_at)
    .execute(writer)
    .await?;
    Ok(())
}

/// The session under `token_hash` was used: it now ends without use at
/// `idle_expires_at` (never after its absolute expiry).
pub async fn renew(
    writer: &SqlitePool,
    token_hash: &str,
    idle_expires_at: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query("UPDATE sessions SET idle_expires_at = MIN(expires_at, $1) WHERE token_hash = $2")
        .bind(idle_expires_at)
        .bind(token_hash)
        .execute(writer)
        .await?;
    Ok(())
}

/// Ends every session of user `user_id` (signing out everywhere, a new
/// password), but the one under `keep`, if given.
pub async fn delete_user_sessions(
    writer: &SqlitePool,
    user_id: i64,
    keep: Option<&str>,
) -> AppResult<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash IS NOT $2")
            .bind(user_id)
            .bind(keep)
            .execute(writer)
            .await?
            .rows_affected(),
    )
}

/// Ends the session stored under `token_hash`, if any.
pub async fn delete(writer: &SqlitePool, token_hash: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(writer)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: CurrentUser,
    expires_at: DateTime<Utc>,
    idle_expires_at: DateTime<Utc>,
}

/// The user of the session stored under `token_hash`, with when it ends,
/// if it has not ended at `now`.
pub async fn user_for(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<(CurrentUser, Expiry)>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.email, u.role, u.locale, u.marketplace_id, u.merchant_id,
                s.expires_at, COALESCE(s.idle_expires_at, s.expires_at) AS idle_expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2
           AND COALESCE(s.idle_expires_at, s.expires_at) > $3",
    )
    .bind(token_hash)
    .bind(now)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let expiry = Expiry {
            expires_at: r.expires_at,
            idle_expires_at: r.idle_expires_at,
        };
        (r.user, expiry)
    }))
}

/// Sets the password hash of the account with `email`; returns its id, if
/// there is one.
pub async fn set_password_hash(
    writer: &SqlitePool,
    email: &str,
    hash: &str,
) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE email = $2 RETURNING id")
            .bind(hash)
            .bind(email)
            .fetch_optional(writer)
            .await?,
    )
}
