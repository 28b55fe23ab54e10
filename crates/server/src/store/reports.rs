//! The customer's orders with what is left to report on each line, and the
//! statements of a new case (its row, lines and photos).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{CustomerOrder, CustomerOrderLine, NewCase, OrderCase};
use claimdesk_shared::{CaseId, Handler, PlatformReason, Reason, Status};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::files::is_free_upload;
use super::{column, file_url, Db, Tx};
use crate::error::{AppError, AppResult};

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    number: String,
    legacy_number: Option<String>,
    placed_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    merchant_name: String,
    currency: String,
    reporting_window_days: i64,
}

/// An order line with what is left to claim on it.
#[derive(Debug, sqlx::FromRow)]
pub struct ClaimableLine {
    pub order_id: i64,
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub image_id: Option<i64>,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub claimable_quantity: i64,
}

/// The lines of `customer_id`'s orders (only order `order_id`'s, when
/// given), each with its quantity less what the customer's cases, open or
/// closed, already claim of it. On `conn`, so a report's transaction sees
/// the claims as they are when it holds the write lock.
async fn claimable_lines(
    conn: &mut SqliteConnection,
    customer_id: i64,
    order_id: Option<i64>,
) -> AppResult<Vec<ClaimableLine>> {
    // Cases are on their order's customer: the claims are summed over the
    // customer's cases (through `cases_customer`), or the order's.
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT ol.order_id, ol.id, ol.sku, ol.title, p.image_id, ol.quantity, ol.unit_price_minor,
                MAX(0, ol.quantity - COALESCE(claimed.quantity, 0)) AS claimable_quantity
         FROM orders o JOIN order_lines ol ON ol.order_id = o.id
         LEFT JOIN products p ON p.sku = ol.sku
         LEFT JOIN (SELECT cl.order_line_id, SUM(cl.quantity) AS quantity
                    FROM cases c JOIN case_lines cl ON cl.case_id = c.id WHERE ",
    );
    match order_id {
        Some(order_id) => qb.push("c.order_id = ").push_bind(order_id),
        None => qb.push("c.customer_id = ").push_bind(customer_id),
    };
    qb.push(" GROUP BY cl.order_line_id) claimed ON claimed.order_line_id = ol.id WHERE o.customer_id = ")
        .push_bind(customer_id);
    if let Some(order_id) = order_id {
        qb.push(" AND o.id = ").push_bind(order_id);
    }
    qb.push(" ORDER BY ol.order_id, ol.id");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// `customer_id`'s orders, newest first, each line with how much of it may
/// still be reported.
pub async fn customer_orders(db: &Db, customer_id: i64) -> AppResult<Vec<CustomerOrder>> {
    let mut conn = db.acquire().await?;
    let orders: Vec<OrderRow> = sqlx::query_as(
        "SELECT o.id, o.number, o.legacy_number, o.placed_at, o.delivered_at,
                me.name AS merchant_name, o.currency, mk.reporting_window_days
         FROM orders o JOIN merchants me ON me.id = o.merchant_id
         JOIN marketplaces mk ON mk.id = o.marketplace_id
         WHERE o.customer_id = $1 ORDER BY o.placed_at DESC, o.id DESC",
    )
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut cases: HashMap<i64, Vec<OrderCase>> = HashMap::new();
    let rows: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT order_id, id, status FROM cases WHERE customer_id = $1 ORDER BY id")
            .bind(customer_id)
            .fetch_all(&mut *conn)
            .await?;
    for (order_id, id, status) in rows {
        cases.entry(order_id).or_default().push(OrderCase {
            id: CaseId(id),
            status: column(&status, "status")?,
        });
    }
    let mut lines: HashMap<i64, Vec<CustomerOrderLine>> = HashMap::new();
    for line in claimable_lines(&mut conn, customer_id, None).await? {
        lines
            .entry(line.order_id)
            .or_default()
            .push(CustomerOrderLine {
                id: line.id,
                sku: line.sku,
                title: line.title,
                image_url: line.image_id.map(file_url),
                quantity: line.quantity,
                unit_price_minor: line.unit_price_minor,
                claimable_quantity: line.claimable_quantity,
            });
    }
    Ok(orders
        .into_iter()
        .map(|o| CustomerOrder {
            lines: lines.remove(&o.id).unwrap_or_default(),
            id: o.id,
            number: o.number,
            legacy_number: o.legacy_number,
            placed_at: o.placed_at,
            report_until: report_until(o.delivered_at, o.reporting_window_days),
            customer_name: None,
            customer_email: None,
            cases: cases.remove(&o.id).unwrap_or_default(),
            delivered_at: o.delivered_at,
            merchant_name: o.merchant_name,
            currency: o.currency,
        })
        .collect())
}

/// The orders of marketplace `marketplace_id` that `q` names (their
/// number, their legacy number, or their customer's email), newest first,
/// at most 20, each line with what its customer may still claim, for
/// support to register a case on the customer's behalf.
pub async fn marketplace_orders(
    db: &Db,
    marketplace_id: i64,
    q: &str,
) -> AppResult<Vec<CustomerOrder>> {
    let mut conn = db.acquire().await?;
    let found: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT o.customer_id, cu.name, cu.email FROM orders o JOIN users cu ON cu.id = o.customer_id
         WHERE o.marketplace_id = $1 AND (o.number = $2 OR o.legacy_number = $3 OR cu.email = $4 COLLATE NOCASE)
         GROUP BY o.customer_id ORDER BY MAX(o.placed_at) DESC LIMIT 20",
    )
    .bind(marketplace_id)
    .bind(q)
    .bind(q)
    .bind(q)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut orders = Vec::new();
    for (customer_id, name, email) in found {
        for order in customer_orders(db, customer_id).await? {
            let named = order.number == q
                || order.legacy_number.as_deref() == Some(q)
                || email.eq_ignore_ascii_case(q);
            if named && orders.len() < 20 {
                orders.push(CustomerOrder {
                    customer_name: Some(name.clone()),
                    customer_email: Some(email.clone()),
                    ..order
                });
            }
        }
    }
    Ok(orders)
}

/// The last moment a problem with an order delivered at `delivered_at`
/// may be reported, under a window of `days`.
pub fn report_until(delivered_at: Option<DateTime<Utc>>, days: i64) -> Option<DateTime<Utc>> {
    delivered_at.map(|at| at + chrono::Duration::days(days))
}

/// The order a report is about, with its marketplace's policy and its
/// merchant.
#[derive(Debug, sqlx::FromRow)]
pub struct ReportedOrder {
    pub marketplace_id: i64,
    pub merchant_id: i64,
    pub number: String,
    pub legacy_number: Option<String>,
    pub currency: String,
    merchant_reasons: String,
    pub merchant_name: String,
    pub merchant_email: String,
    pub delivered_at: Option<DateTime<Utc>>,
    pub reporting_window_days: i64,
    /// Whose order it is (the case's customer, whoever reports it).
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    /// The languages their emails are written in: the customer's own, and
    /// for the merchant its marketplace's (merchants have no language of
    /// their own; their agents do, but the email goes to the shop).
    pub customer_locale: String,
    pub merchant_locale: String,
}

/// Who reports a problem with an order: its customer, or the support team
/// of its marketplace on the customer's behalf.
#[derive(Clone, Copy, Debug)]
pub enum Reporter {
    Customer(i64),
    Support { marketplace_id: i64 },
}

impl ReportedOrder {
    /// The reasons the marketplace's merchants handle themselves.
    pub fn merchant_reasons(&self) -> AppResult<Vec<Reason>> {
        self.merchant_reasons
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| column(r, "merchant reason"))
            .collect()
    }
}

/// A new case as it is stored.
#[derive(Debug)]
pub struct NewCaseRow<'a> {
    pub order: &'a ReportedOrder,
    pub customer_id: i64,
    pub input: &'a NewCase,
    pub status: Status,
    pub handler: Handler,
    pub description: &'a str,
    pub claimed_value_minor: i64,
    /// The support agent who registered it for the customer, if one did.
    pub created_by: Option<i64>,
}

impl Tx {
    /// Order `order_id`, if `reporter` may report on it (the customer's
    /// own; any of support's marketplace), or "not found".
    pub async fn reported_order(
        &mut self,
        order_id: i64,
        reporter: Reporter,
    ) -> AppResult<ReportedOrder> {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT o.marketplace_id, o.merchant_id, o.number, o.legacy_number, o.currency,
                    mk.merchant_reasons, me.name AS merchant_name, me.email AS merchant_email,
                    o.delivered_at, mk.reporting_window_days, o.customer_id,
                    cu.name AS customer_name, cu.email AS customer_email,
                    cu.locale AS customer_locale, mk.locale AS merchant_locale
             FROM orders o JOIN marketplaces mk ON mk.id = o.marketplace_id
             JOIN merchants me ON me.id = o.merchant_id JOIN users cu ON cu.id = o.customer_id
             WHERE o.id = ",
        );
        qb.push_bind(order_id);
        match reporter {
            Reporter::Customer(id) => qb.push(" AND o.customer_id = ").push_bind(id),
            Reporter::Support { marketplace_id } => qb
                .push(" AND o.marketplace_id = ")
                .push_bind(marketplace_id),
        };
        qb.build_query_as()
            .fetch_optional(&mut *self.0)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The lines of order `order_id` with what `customer_id` may still
    /// claim of each, as they are under the write lock.
    pub async fn claimable_lines(
        &mut self,
        customer_id: i64,
        order_id: i64,
    ) -> AppResult<Vec<ClaimableLine>> {
        claimable_lines(&mut self.0, customer_id, Some(order_id)).await
    }

    /// Whether upload `attachment` is `uploader`'s and attached to nothing.
    pub async fn is_free_upload(&mut self, attachment: i64, uploader: i64) -> AppResult<bool> {
        is_free_upload(&mut self.0, attachment, Some(uploader)).await
    }

    /// Stores a new case with its claimed lines (the search index follows
    /// them by trigger, migration 0006) and photos, at version 1.
    pub async fn insert_case(
        &mut self,
        case: NewCaseRow<'_>,
        now: DateTime<Utc>,
    ) -> AppResult<CaseId> {
        let input = case.input;
        let id = sqlx::query(
            "INSERT INTO cases (marketplace_id, merchant_id, customer_id, order_id, kind, reason, status,
                handler, platform_reason, description, claimed_value_minor, free_exchange, version,
                created_at, updated_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15)",
        )
        .bind(case.order.marketplace_id)
        .bind(case.order.merchant_id)
        .bind(case.customer_id)
        .bind(input.order_id)
        .bind(input.kind.as_str())
        .bind(input.reason.as_str())
        .bind(case.status.as_str())
        .bind(case.handler.as_str())
        // A new case the platform has is one of a reason it keeps.
        .bind((case.handler == Handler::Platform).then_some(PlatformReason::Routed.as_str()))
        .bind(case.description)
        .bind(case.claimed_value_minor)
        .bind(input.free_exchange)
        .bind(now)
        .bind(now)
        .bind(case.created_by)
        .execute(&mut *self.0)
        .await?
        .last_insert_rowid();
        for line in &input.lines {
            sqlx::query(
                "INSERT INTO case_lines (case_id, order_line_id, quantity) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(line.line_id)
            .bind(line.quantity)
            .execute(&mut *self.0)
            .await?;
        }
        for &attachment in &input.attachment_ids {
            sqlx::query("INSERT INTO case_photos (case_id, attachment_id) VALUES ($1, $2)")
                .bind(id)
                .bind(attachment)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(CaseId(id))
    }
}
