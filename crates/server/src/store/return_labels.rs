//! Return labels: what one says, read from the case, and the file made
//! for a case, stored once as an attachment.

use chrono::{DateTime, Utc};
use claimdesk_shared::{CaseId, Locale, Outcome};
use sqlx::SqlitePool;

use super::files::StoredFile;
use super::{column, Db};
use crate::error::{AppError, AppResult};
use crate::scope::Scope;

/// A case's facts for its label, if it is in `scope`.
#[derive(Debug, sqlx::FromRow)]
pub struct LabelRow {
    pub marketplace_id: i64,
    pub order_number: String,
    pub legacy_number: Option<String>,
    pub merchant_name: String,
    pub return_address: String,
    pub customer_name: String,
    pub customer_address: String,
    pub customer_locale: String,
    pub free_return: bool,
    outcome: Option<String>,
    /// The label made before, if any.
    pub attachment_id: Option<i64>,
}

impl LabelRow {
    pub fn outcome(&self) -> AppResult<Option<Outcome>> {
        self.outcome
            .as_deref()
            .map(|o| column(o, "outcome"))
            .transpose()
    }

    pub fn locale(&self) -> AppResult<Locale> {
        column(&self.customer_locale, "locale")
    }
}

/// What the label of case `id` says, and the label made before, if the
/// case is in `scope`.
pub async fn facts(db: &Db, scope: Scope, id: CaseId) -> AppResult<LabelRow> {
    let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "SELECT c.marketplace_id, o.number AS order_number, o.legacy_number, me.name AS merchant_name,
                me.return_address, cu.name AS customer_name, cu.address AS customer_address,
                cu.locale AS customer_locale, c.free_return, c.outcome, rl.attachment_id
         FROM cases c JOIN orders o ON o.id = c.order_id JOIN merchants me ON me.id = c.merchant_id
         JOIN users cu ON cu.id = c.customer_id LEFT JOIN return_labels rl ON rl.case_id = c.id
         WHERE c.id = ",
    );
    qb.push_bind(id.0).push(" AND ");
    scope.push_case_filter(&mut qb);
    qb.build_query_as()
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Stores `file` as the label of case `id`, unless one was stored first
/// (two clicks at once); answers the label's attachment id either way.
pub async fn store(
    writer: &SqlitePool,
    id: CaseId,
    marketplace_id: i64,
    file: &StoredFile,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let mut tx = writer.begin().await?;
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT attachment_id FROM return_labels WHERE case_id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(attachment) = existing {
        return Ok(attachment);
    }
    let attachment = sqlx::query(
        "INSERT INTO attachments (marketplace_id, filename, content_type, size, bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(marketplace_id)
    .bind(&file.filename)
    .bind(&file.content_type)
    .bind(file.bytes.len() as i64)
    .bind(file.bytes.as_slice())
    .bind(now)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    sqlx::query(
        "INSERT INTO return_labels (case_id, attachment_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(id.0)
    .bind(attachment)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(attachment)
}

/// The stored file `attachment`.
pub async fn file(db: &Db, attachment: i64) -> AppResult<StoredFile> {
    let (filename, content_type, bytes): (String, String, Vec<u8>) =
        sqlx::query_as("SELECT filename, content_type, bytes FROM attachments WHERE id = $1")
            .bind(attachment)
            .fetch_one(db)
            .await?;
    Ok(StoredFile {
        filename,
        content_type,
        bytes,
    })
}
