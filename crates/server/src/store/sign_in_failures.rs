//! Failed sign-ins, counted per account tried and per client address over a
//! sliding window (`sign_in_limits.rs` holds the rule).

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::Db;
use crate::error::AppResult;

/// Who a failure is counted against.
#[derive(Clone, Copy, Debug)]
pub enum Against<'a> {
    Account(&'a str),
    Address(&'a str),
}

/// The time of the `n`-th most recent failure against `who` at or after
/// `since` (`n` counts from 1), if there were that many: while it is in the
/// window, `who` has had `n` failures in it.
pub async fn nth_recent(
    db: &Db,
    who: Against<'_>,
    since: DateTime<Utc>,
    n: u32,
) -> AppResult<Option<DateTime<Utc>>> {
    let (sql, key) = match who {
        Against::Account(key) => (
            "SELECT at FROM sign_in_failures WHERE account = $1 AND at >= $2
             ORDER BY at DESC LIMIT 1 OFFSET $3",
            key,
        ),
        Against::Address(key) => (
            "SELECT at FROM sign_in_failures WHERE address = $1 AND at >= $2
             ORDER BY at DESC LIMIT 1 OFFSET $3",
            key,
        ),
    };
    Ok(sqlx::query_scalar(sql)
        .bind(key)
        .bind(since)
        .bind(i64::from(n.saturating_sub(1)))
        .fetch_optional(db)
        .await?)
}

/// Records a failure at `now`, and forgets those from before `forget_before`
/// (they no longer count against anyone).
pub async fn record(
    writer: &SqlitePool,
    account: &str,
    address: Option<&str>,
    now: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = writer.begin().await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(forget_before)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO sign_in_failures (account, address, at) VALUES ($1, $2, $3)")
        .bind(account)
        .bind(address)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets the failures against `account` (after it signed in).
pub async fn clear_account(writer: &SqlitePool, account: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE account = $1")
        .bind(account)
        .execute(writer)
        .await?;
    Ok(())
}
