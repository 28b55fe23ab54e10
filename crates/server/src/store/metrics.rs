//! The figures of the merchant dashboards (PRODUCT.md §7): each a grouped
//! count over one window, for one merchant or for every merchant of a
//! marketplace at once (support's ranking), through the indexes of
//! migration 0022 (cases by merchant and rating time, orders by merchant
//! and delivery, `sla_responses` by merchant and settling time).
//!
//! Timestamps are stored as RFC 3339 text in one format, so a window is a
//! range of text; weeks are counted back from the window's end with
//! SQLite's `julianday`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use claimdesk_shared::metrics::{Problems, ProductClaims, Ratings, Responses, Tally};
use sqlx::{QueryBuilder, Sqlite};

use super::Db;
use crate::error::AppResult;

/// Whose figures: one merchant's, or every merchant's of a marketplace.
#[derive(Clone, Copy, Debug)]
pub enum Whose {
    Merchant(i64),
    Marketplace(i64),
}

impl Whose {
    /// The column it names on a table with `merchant_id` and
    /// `marketplace_id` columns, and its value.
    fn column(self) -> (&'static str, i64) {
        match self {
            Whose::Merchant(id) => ("merchant_id", id),
            Whose::Marketplace(id) => ("marketplace_id", id),
        }
    }
}

/// From `from` (inclusive) to `to` (exclusive).
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// How one figure is grouped: by merchant, or by week of one merchant's
/// window (0: the week ending at the window's end).
#[derive(Clone, Copy)]
enum By {
    Merchant,
    Week,
}

impl By {
    /// Pushes the grouping expression over timestamp column `at`: weeks are
    /// counted back from the window's end `to`.
    fn push_key(&self, qb: &mut QueryBuilder<'_, Sqlite>, at: &str, to: DateTime<Utc>) {
        match self {
            By::Merchant => {
                qb.push("merchant_id");
            }
            By::Week => {
                qb.push("CAST((julianday(")
                    .push_bind(to)
                    .push(format!(") - julianday({at})) / 7 AS INTEGER)"));
            }
        }
    }
}

/// Runs `SELECT key, a, b FROM … GROUP BY key` for `whose` in `window`,
/// with the window on column `at`.
async fn grouped(
    db: &Db,
    by: By,
    whose: Whose,
    window: Window,
    select: &str,
    from_where: &str,
    at: &str,
) -> AppResult<HashMap<i64, (i64, i64)>> {
    let (column, id) = whose.column();
    let mut qb = QueryBuilder::<Sqlite>::new("SELECT ");
    by.push_key(&mut qb, at, window.to);
    qb.push(format!(" AS k, {select} FROM {from_where} AND {column} = "))
        .push_bind(id)
        .push(format!(" AND {at} >= "))
        .push_bind(window.from)
        .push(format!(" AND {at} < "))
        .push_bind(window.to)
        .push(" GROUP BY k");
    let rows: Vec<(i64, i64, i64)> = qb.build_query_as().fetch_all(db).await?;
    Ok(rows.into_iter().map(|(k, a, b)| (k, (a, b))).collect())
}

/// The figures every dashboard shows, per merchant or per week.
#[derive(Debug, Default, Clone, Copy)]
pub struct Figures {
    pub ratings: Ratings,
    pub problems: Problems,
    pub responses: Responses,
    pub cases: i64,
}

async fn figures(
    db: &Db,
    by: By,
    whose: Whose,
    window: Window,
) -> AppResult<HashMap<i64, Figures>> {
    let ratings = grouped(
        db,
        by,
        whose,
        window,
        "SUM(rating = 1), SUM(rating = 0)",
        "cases WHERE rating IS NOT NULL",
        "rated_at",
    )
    .await?;
    let cases = grouped(
        db,
        by,
        whose,
        window,
        "SUM(kind IN ('missing', 'complaint')), COUNT(*)",
        "cases WHERE 1 = 1",
        "created_at",
    )
    .await?;
    let delivered = grouped(
        db,
        by,
        whose,
        window,
        "COUNT(*), 0",
        "orders WHERE delivered_at IS NOT NULL",
        "delivered_at",
    )
    .await?;
    let responses = grouped(
        db,
        by,
        whose,
        window,
        "SUM(met), COUNT(*)",
        "sla_responses WHERE 1 = 1",
        "settled_at",
    )
    .await?;
    let mut all: HashMap<i64, Figures> = HashMap::new();
    for (k, (up, down)) in ratings {
        all.entry(k).or_default().ratings = Ratings { up, down };
    }
    for (k, (problems, count)) in cases {
        let figures = all.entry(k).or_default();
        figures.problems.problems = problems;
        figures.cases = count;
    }
    for (k, (count, _)) in delivered {
        all.entry(k).or_default().problems.delivered = count;
    }
    for (k, (met, due)) in responses {
        all.entry(k).or_default().responses = Responses { met, due };
    }
    Ok(all)
}

/// The figures of each merchant of `whose` in `window`, by merchant id
/// (a merchant with nothing in the window is absent).
pub async fn by_merchant(
    db: &Db,
    whose: Whose,
    window: Window,
) -> AppResult<HashMap<i64, Figures>> {
    figures(db, By::Merchant, whose, window).await
}

/// Merchant `id`'s ratings in `window` alone (the case view's line: one
/// indexed range, not the dashboard's every figure).
pub async fn ratings(db: &Db, id: i64, window: Window) -> AppResult<Ratings> {
    let (up, down): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(rating = 1), 0), COALESCE(SUM(rating = 0), 0) FROM cases
         WHERE merchant_id = $1 AND rating IS NOT NULL AND rated_at >= $2 AND rated_at < $3",
    )
    .bind(id)
    .bind(window.from)
    .bind(window.to)
    .fetch_one(db)
    .await?;
    Ok(Ratings { up, down })
}

/// Merchant `id`'s figures by week of `window`, by weeks back from its end.
pub async fn by_week(db: &Db, id: i64, window: Window) -> AppResult<HashMap<i64, Figures>> {
    figures(db, By::Week, Whose::Merchant(id), window).await
}

/// The minutes from each first response's clock start to its settling in
/// `window`, shortest first.
pub async fn first_response_minutes(db: &Db, id: i64, window: Window) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(ROUND((julianday(settled_at) - julianday(started_at)) * 1440) AS INTEGER) AS m
         FROM sla_responses
         WHERE merchant_id = $1 AND response = 'first' AND settled_at >= $2 AND settled_at < $3
         ORDER BY m",
    )
    .bind(id)
    .bind(window.from)
    .bind(window.to)
    .fetch_all(db)
    .await?)
}

/// How many refunds the response clock paid by itself in `window`, and
/// their sum in minor units.
pub async fn auto_refunds(db: &Db, id: i64, window: Window) -> AppResult<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(refunded_minor), 0) FROM cases
         WHERE merchant_id = $1 AND outcome = 'auto_refund' AND closed_at >= $2 AND closed_at < $3",
    )
    .bind(id)
    .bind(window.from)
    .bind(window.to)
    .fetch_one(db)
    .await?)
}

/// The cases reported in `window` by `column` (`kind` or `reason`), most
/// first.
pub async fn tally(db: &Db, id: i64, window: Window, column: Tallied) -> AppResult<Vec<Tally>> {
    let column = match column {
        Tallied::Kind => "kind",
        Tallied::Reason => "reason",
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT {column}, COUNT(*) AS n FROM cases
         WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3
         GROUP BY {column} ORDER BY n DESC, {column}"
    ))
    .bind(id)
    .bind(window.from)
    .bind(window.to)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, cases)| Tally { key, cases })
        .collect())
}

/// What `tally` counts by.
#[derive(Clone, Copy, Debug)]
pub enum Tallied {
    Kind,
    Reason,
}

/// The `limit` products with the most cases reported in `window`.
pub async fn top_products(
    db: &Db,
    id: i64,
    window: Window,
    limit: i64,
) -> AppResult<Vec<ProductClaims>> {
    // Each line's product is read from the `(id, sku)` index rather than
    // its row, and the products' titles joined to the few rows left.
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT top.sku, p.title, top.n FROM (
             SELECT ol.sku, COUNT(DISTINCT cl.case_id) AS n
             FROM cases c JOIN case_lines cl ON cl.case_id = c.id
             JOIN order_lines ol INDEXED BY order_lines_sku ON ol.id = cl.order_line_id
             WHERE c.merchant_id = $1 AND c.created_at >= $2 AND c.created_at < $3
             GROUP BY ol.sku ORDER BY n DESC, ol.sku LIMIT $4
         ) top JOIN products p ON p.sku = top.sku ORDER BY top.n DESC, top.sku",
    )
    .bind(id)
    .bind(window.from)
    .bind(window.to)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(sku, title, cases)| ProductClaims { sku, title, cases })
        .collect())
}

/// A marketplace's currency and satisfaction target and warning level.
pub async fn marketplace_targets(db: &Db, marketplace: i64) -> AppResult<(String, i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT currency, rating_target_percent, rating_warning_percent FROM marketplaces WHERE id = $1",
    )
    .bind(marketplace)
    .fetch_one(db)
    .await?)
}

/// Whose case `id` is: (merchant, marketplace).
pub async fn case_owner(db: &Db, id: i64) -> AppResult<(i64, i64)> {
    Ok(
        sqlx::query_as("SELECT merchant_id, marketplace_id FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await?,
    )
}

/// Of merchant `id`'s `last` most recently rated cases: (thumbs down, how
/// many there are).
pub async fn last_ratings(db: &Db, id: i64, last: i64) -> AppResult<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COALESCE(SUM(rating = 0), 0), COUNT(*) FROM (
             SELECT rating FROM cases WHERE merchant_id = $1 AND rating IS NOT NULL
             ORDER BY rated_at DESC LIMIT $2)",
    )
    .bind(id)
    .bind(last)
    .fetch_one(db)
    .await?)
}
