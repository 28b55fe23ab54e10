//! Sessions: stored by the SHA-256 of their token (the token itself is only
//! ever in the client's cookie or header).

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::Db;
use crate::error::AppResult;
use crate::user::CurrentUser;

/// Stores a session for `user_id` under `token_hash` (hex), valid until
/// `expires_at`.
pub async fn insert(
    writer: &SqlitePool,
    token_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(writer)
    .await?;
    Ok(())
}

/// Ends the session stored under `token_hash`, if any.
pub async fn delete(writer: &SqlitePool, token_hash: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
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
}

/// The user of the session stored under `token_hash`, with when it
/// expires, if it has not expired at `now`.
pub async fn user_for(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<(CurrentUser, DateTime<Utc>)>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.email, u.role, u.locale, u.marketplace_id, u.merchant_id,
                s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ?",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.user, r.expires_at)))
}
