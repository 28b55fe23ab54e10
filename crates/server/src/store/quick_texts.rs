//! The quick texts of a desk: a merchant's, or the support team's own.

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::QuickText;
use claimdesk_shared::Locale;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::{column, Db};
use crate::error::{AppError, AppResult};

/// Whose quick texts: a merchant's (`merchant_id`), or the marketplace
/// support team's (`None`).
#[derive(Clone, Copy, Debug)]
pub struct Owner {
    pub marketplace_id: i64,
    pub merchant_id: Option<i64>,
}

impl Owner {
    fn push_filter(self, qb: &mut QueryBuilder<'_, Sqlite>) {
        qb.push("marketplace_id = ").push_bind(self.marketplace_id);
        match self.merchant_id {
            Some(merchant) => qb.push(" AND merchant_id = ").push_bind(merchant),
            None => qb.push(" AND merchant_id IS NULL"),
        };
    }
}

/// A quick text's title, language and body, as checked.
#[derive(Debug)]
pub struct QuickTextFields {
    pub title: String,
    pub locale: Locale,
    pub body: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    locale: String,
    body: String,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn into_wire(self) -> AppResult<QuickText> {
        Ok(QuickText {
            id: self.id,
            title: self.title,
            locale: column(&self.locale, "locale")?,
            body: self.body,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}

/// Quick text `id` of `owner`, or "not found".
pub async fn load(db: &Db, owner: Owner, id: i64) -> AppResult<QuickText> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT id, title, locale, body, version, updated_at FROM quick_texts WHERE id = ",
    );
    qb.push_bind(id).push(" AND ");
    owner.push_filter(&mut qb);
    qb.build_query_as::<Row>()
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)?
        .into_wire()
}

/// Every quick text of `owner`, by title.
pub async fn list(db: &Db, owner: Owner) -> AppResult<Vec<QuickText>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT id, title, locale, body, version, updated_at FROM quick_texts WHERE ",
    );
    owner.push_filter(&mut qb);
    qb.push(" ORDER BY title COLLATE NOCASE, id");
    let rows: Vec<Row> = qb.build_query_as().fetch_all(db).await?;
    rows.into_iter().map(Row::into_wire).collect()
}

/// Adds a quick text, unless the desk has `at_most` already; returns its
/// id, `None` when the desk is full.
pub async fn insert(
    writer: &SqlitePool,
    owner: Owner,
    text: QuickTextFields,
    now: DateTime<Utc>,
    at_most: i64,
) -> AppResult<Option<i64>> {
    // One statement: the count and the insert cannot be split by another
    // writer, so a desk never ends up above `at_most`.
    let mut qb = QueryBuilder::<Sqlite>::new(
        "INSERT INTO quick_texts (marketplace_id, merchant_id, title, locale, body, created_at, updated_at)
         SELECT ",
    );
    qb.push_bind(owner.marketplace_id)
        .push(", ")
        .push_bind(owner.merchant_id)
        .push(", ")
        .push_bind(text.title)
        .push(", ")
        .push_bind(text.locale.as_str())
        .push(", ")
        .push_bind(text.body)
        .push(", ")
        .push_bind(now)
        .push(", ")
        .push_bind(now)
        .push(" WHERE (SELECT COUNT(*) FROM quick_texts WHERE ");
    owner.push_filter(&mut qb);
    qb.push(") < ").push_bind(at_most).push(" RETURNING id");
    Ok(qb.build_query_scalar().fetch_optional(writer).await?)
}

/// Replaces quick text `id` if it is `owner`'s and still at `version`;
/// returns whether it was.
pub async fn update(
    writer: &SqlitePool,
    owner: Owner,
    id: i64,
    version: i64,
    text: QuickTextFields,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let mut qb =
        QueryBuilder::<Sqlite>::new("UPDATE quick_texts SET version = version + 1, title = ");
    qb.push_bind(text.title)
        .push(", locale = ")
        .push_bind(text.locale.as_str());
    qb.push(", body = ")
        .push_bind(text.body)
        .push(", updated_at = ")
        .push_bind(now);
    qb.push(" WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version)
        .push(" AND ");
    owner.push_filter(&mut qb);
    Ok(qb.build().execute(writer).await?.rows_affected() > 0)
}

/// Deletes quick text `id` if it is `owner`'s; returns whether it was.
pub async fn delete(writer: &SqlitePool, owner: Owner, id: i64) -> AppResult<bool> {
    let mut qb = QueryBuilder::<Sqlite>::new("DELETE FROM quick_texts WHERE id = ");
    qb.push_bind(id).push(" AND ");
    owner.push_filter(&mut qb);
    Ok(qb.build().execute(writer).await?.rows_affected() > 0)
}
