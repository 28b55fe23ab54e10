//! The outbox: every notification email, queued in the transaction of the
//! change it is about (unique per cause, so the same cause never mails
//! twice) and delivered from here by `mail.rs`.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;

use super::Tx;
use crate::error::AppResult;

/// An email for the outbox.
#[derive(Debug)]
pub struct Email<'a> {
    pub case_id: i64,
    pub address: &'a str,
    pub template: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub html: &'a str,
    /// What the email is about; unique, so the same cause never mails twice.
    pub cause: &'a str,
}

impl Tx {
    /// Queues `email` unless one with its cause was queued before; returns
    /// whether it was queued now.
    pub async fn queue_email(&mut self, email: Email<'_>, now: DateTime<Utc>) -> AppResult<bool> {
        let queued = sqlx::query(
            "INSERT INTO outbox (case_id, recipient, template, subject, body, html_body, cause, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (cause) DO NOTHING",
        )
        .bind(email.case_id)
        .bind(email.address)
        .bind(email.template)
        .bind(email.subject)
        .bind(email.body)
        .bind(email.html)
        .bind(email.cause)
        .bind(now)
        .execute(&mut *self.0)
        .await?
        .rows_affected();
        Ok(queued == 1)
    }
}

/// One email to send.
#[derive(Debug, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `None` for emails queued before the HTML part existed.
    pub html_body: Option<String>,
}

/// Takes the oldest unsent email that no sender holds (or whose sender
/// has held it for more than `claim_minutes`, and so is presumed gone).
pub async fn claim(
    writer: &SqlitePool,
    now: DateTime<Utc>,
    claim_minutes: i64,
) -> AppResult<Option<Pending>> {
    Ok(sqlx::query_as(
        "UPDATE outbox SET sending_at = $1
         WHERE id = (SELECT id FROM outbox WHERE sent_at IS NULL
                       AND (sending_at IS NULL OR sending_at < $2) ORDER BY id LIMIT 1)
         RETURNING id, recipient, subject, body, html_body",
    )
    .bind(now)
    .bind(now - Duration::minutes(claim_minutes))
    .fetch_optional(writer)
    .await?)
}

/// Email `id` was sent at `now`.
pub async fn mark_sent(writer: &SqlitePool, id: i64, now: DateTime<Utc>) -> AppResult<()> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, sending_at = NULL, last_error = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(writer)
    .await?;
    Ok(())
}

/// Sending email `id` failed with `error`; it goes back to be retried.
pub async fn mark_failed(writer: &SqlitePool, id: i64, error: &str) -> AppResult<()> {
    sqlx::query(
        "UPDATE outbox SET sending_at = NULL, attempts = attempts + 1, last_error = $1 WHERE id = $2",
    )
    .bind(error)
    .bind(id)
    .execute(writer)
    .await?;
    Ok(())
}
