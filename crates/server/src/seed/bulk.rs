//! Bulk open cases for benchmarks (`--bench-cases`, `make bench`): many
//! new cases for one demo merchant, so inboxes, search and the server's
//! memory can be measured at a realistic size.
//!
//! Every case is complete enough for the list, search and detail queries: an
//! order with lines, the claimed lines, a `case_created` event, and the
//! stored response clock (written here directly, as `clock::refresh` would
//! compute it, so the server's startup does not recompute each one).

use chrono::{DateTime, Duration, Utc};
use claimdesk_shared::Reason;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sqlx::{QueryBuilder, Sqlite, SqlitePool, Transaction};

use super::catalog::{self, MARKETPLACES};
use crate::sla::calendar::Calendar;
use crate::sla::deadline::{Response, ResponseHours, HIGH_VALUE_EXTENSION_HOURS};
use crate::sweeps::WARNING_HOURS;

/// The merchant `--bench-cases` fills: Nordic Home AB, Anna's desk.
pub const BENCH_MERCHANT_DOMAIN: &str = "nordichome.example";

/// Bench orders are numbered from here (after the marketplace's prefix),
/// far above the demo's; the first one's presence marks a database that
/// already has bench cases.
const FIRST_ORDER_NUMBER: i64 = 5_000_000;

/// The oldest a bench case may be. With 24 business hours to the first
/// answer, a case reported within the last 10 hours has at least 14 hours
/// left, so neither the breach sweep (which would refund or escalate) nor
/// the 12-hour warning (which would email) touches any of them while a
/// benchmark runs.
const MAX_AGE_MINUTES: i64 = 10 * 60;
// 24 business hours for the first answer, less the warning stretch, less an
// hour for the benchmark itself.
const _: () = assert!(MAX_AGE_MINUTES < (24 - WARNING_HOURS - 1) * 60);

/// Adds `count` open cases (status `submitted`, handled by the merchant)
/// for the merchant whose claims address is at `merchant_domain`, spread
/// over its marketplace's customers, its products and the merchant-handled
/// reasons, reported within the last hours before `now`. One transaction;
/// fails if the database has no demo seed or already has bench cases.
pub async fn add_open_cases(
    pool: &SqlitePool,
    now: DateTime<Utc>,
    merchant_domain: &str,
    count: usize,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    let merchant: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, marketplace_id FROM merchants WHERE email = $1")
            .bind(format!("claims@{merchant_domain}"))
            .fetch_optional(&mut *tx)
            .await?;
    let Some((merchant_id, marketplace_id)) = merchant else {
        anyhow::bail!("no merchant at {merchant_domain}: bench cases need the demo seed first");
    };
    let mp = MARKETPLACES
        .iter()
        .find(|m| m.id == marketplace_id)
        .ok_or_else(|| anyhow::anyhow!("marketplace {marketplace_id} is not a demo marketplace"))?;
    let calendar = Calendar::new(
        mp.country.parse().map_err(|e: String| anyhow::anyhow!(e))?,
        mp.time_zone.parse().map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let first_number = format!("{}{FIRST_ORDER_NUMBER}", mp.order_prefix);
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE number = $1")
        .bind(&first_number)
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        anyhow::bail!(
            "the database already has bench cases (order {first_number}); use a fresh one"
        );
    }
    let customers: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'customer' AND marketplace_id = $1 ORDER BY id",
    )
    .bind(marketplace_id)
    .fetch_all(&mut *tx)
    .await?;
    let products: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT sku, title, unit_price_minor FROM products WHERE merchant_id = $1 ORDER BY sku",
    )
    .bind(merchant_id)
    .fetch_all(&mut *tx)
    .await?;
    if customers.is_empty() || products.is_empty() {
        anyhow::bail!("the demo seed has no customers or products for {merchant_domain}");
    }
    let mut ids = Ids {
        order: next_id(&mut tx, "orders").await?,
        line: next_id(&mut tx, "order_lines").await?,
        case: next_id(&mut tx, "cases").await?,
    };

    let mut rng = StdRng::seed_from_u64(2027);
    let mut batch = Batch::default();
    for n in 0..count {
        let reason =
            Reason::MERCHANT_HANDLED_BY_DEFAULT[n % Reason::MERCHANT_HANDLED_BY_DEFAULT.len()];
        let customer = customers[rng.random_range(0..customers.len())];
        let created_at = now - Duration::minutes(rng.random_range(1..MAX_AGE_MINUTES));
        let delivered_at = created_at - Duration::minutes(rng.random_range(60..3 * 24 * 60));
        let placed_at = delivered_at - Duration::minutes(rng.random_range(24 * 60..5 * 24 * 60));

        // One to three different products, one or two of each; the first
        // line is claimed, or every line on every fourth case (as in the
        // demo seed).
        let mut picks: Vec<usize> = (0..products.len()).collect();
        let line_count = rng.random_range(1..=3);
        let claimed = if n % 4 == 3 { line_count } else { 1 };
        let (mut total, mut claimed_value) = (0, 0);
        for l in 0..line_count {
            let product = picks.remove(rng.random_range(0..picks.len()));
            let (sku, title, price) = &products[product];
            let quantity = rng.random_range(1..=2);
            total += quantity * price;
            batch.lines.push((
                ids.line,
                ids.order,
                sku.clone(),
                title.clone(),
                quantity,
                *price,
            ));
            if l < claimed {
                claimed_value += quantity * price;
                batch.case_lines.push((ids.case, ids.line, quantity));
            }
            ids.line += 1;
        }
        let first_title = &batch.lines[batch.lines.len() - line_count].3;
        // The first response's clock, as `sla::deadline` computes it for a
        // case that has only been submitted.
        let budget = Response::First.budget(ResponseHours::default())
            + if total > mp.high_value_threshold_minor {
                Duration::hours(HIGH_VALUE_EXTENSION_HOURS)
            } else {
                Duration::zero()
            };
        let (due_at, _) = calendar.add(created_at, budget);
        batch.cases.push(CaseRow {
            id: ids.case,
            order_id: ids.order,
            customer,
            reason,
            description: catalog::description(reason, mp.locale, first_title),
            claimed_value,
            created_at,
            due_at,
        });
        batch.orders.push(OrderRow {
            id: ids.order,
            customer,
            number: format!("{}{}", mp.order_prefix, FIRST_ORDER_NUMBER + n as i64),
            placed_at,
            delivered_at,
            total,
        });
        ids.order += 1;
        ids.case += 1;
        if batch.cases.len() == BATCH_CASES {
            batch
                .insert(&mut tx, merchant_id, marketplace_id, mp.currency)
                .await?;
        }
    }
    batch
        .insert(&mut tx, merchant_id, marketplace_id, mp.currency)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The id after the largest in `table`: bench rows get explicit ids, so a
/// batch's rows can refer to each other before any of them is inserted.
async fn next_id(tx: &mut Transaction<'_, Sqlite>, table: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    Ok(sqlx::query_scalar(&sql).fetch_one(&mut **tx).await?)
}

/// Cases per multi-row insert: few enough that no statement exceeds
/// SQLite's 32,766 parameters (an order line has 6).
const BATCH_CASES: usize = 1000;

/// The next free id of each table a bench case writes.
struct Ids {
    order: i64,
    line: i64,
    case: i64,
}

struct OrderRow {
    id: i64,
    customer: i64,
    number: String,
    placed_at: DateTime<Utc>,
    delivered_at: DateTime<Utc>,
    total: i64,
}

struct CaseRow {
    id: i64,
    order_id: i64,
    customer: i64,
    reason: Reason,
    description: String,
    claimed_value: i64,
    created_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
}

/// Rows waiting to be inserted, one multi-row statement per table (a
/// statement per row would make 100,000 cases take half a minute).
#[derive(Default)]
struct Batch {
    orders: Vec<OrderRow>,
    /// (id, order, sku, title, quantity, unit price)
    lines: Vec<(i64, i64, String, String, i64, i64)>,
    cases: Vec<CaseRow>,
    /// (case, order line, quantity)
    case_lines: Vec<(i64, i64, i64)>,
}

impl Batch {
    async fn insert(
        &mut self,
        tx: &mut Transaction<'_, Sqlite>,
        merchant_id: i64,
        marketplace_id: i64,
        currency: &str,
    ) -> anyhow::Result<()> {
        if self.cases.is_empty() {
            return Ok(());
        }
        QueryBuilder::<Sqlite>::new(
            "INSERT INTO orders (id, marketplace_id, merchant_id, customer_id, number, placed_at,
                 delivered_at, currency, total_minor, payout) ",
        )
        .push_values(self.orders.drain(..), |mut row, order| {
            row.push_bind(order.id)
                .push_bind(marketplace_id)
                .push_bind(merchant_id)
                .push_bind(order.customer)
                .push_bind(order.number)
                .push_bind(order.placed_at)
                .push_bind(order.delivered_at)
                .push_bind(currency.to_owned())
                .push_bind(order.total)
                .push("'blocked'");
        })
        .build()
        .execute(&mut **tx)
        .await?;
        QueryBuilder::<Sqlite>::new(
            "INSERT INTO order_lines (id, order_id, sku, title, quantity, unit_price_minor) ",
        )
        .push_values(
            self.lines.drain(..),
            |mut row, (id, order, sku, title, quantity, price)| {
                row.push_bind(id)
                    .push_bind(order)
                    .push_bind(sku)
                    .push_bind(title)
                    .push_bind(quantity)
                    .push_bind(price);
            },
        )
        .build()
        .execute(&mut **tx)
        .await?;
        QueryBuilder::<Sqlite>::new(
            "INSERT INTO cases (id, marketplace_id, merchant_id, customer_id, order_id, kind, reason,
                 status, handler, description, claimed_value_minor, version, created_at, updated_at,
                 clock_response, clock_started_at, due_at) ",
        )
        .push_values(&self.cases, |mut row, case| {
            row.push_bind(case.id)
                .push_bind(marketplace_id)
                .push_bind(merchant_id)
                .push_bind(case.customer)
                .push_bind(case.order_id)
                .push_bind(case.reason.default_kind().as_str())
                .push_bind(case.reason.as_str())
                .push("'submitted', 'merchant'")
                .push_bind(case.description.clone())
                .push_bind(case.claimed_value)
                .push("1")
                .push_bind(case.created_at)
                .push_bind(case.created_at)
                .push("'first'")
                .push_bind(case.created_at)
                .push_bind(case.due_at);
        })
        .build()
        .execute(&mut **tx)
        .await?;
        QueryBuilder::<Sqlite>::new("INSERT INTO case_lines (case_id, order_line_id, quantity) ")
            .push_values(
                self.case_lines.drain(..),
                |mut row, (case, line, quantity)| {
                    row.push_bind(case).push_bind(line).push_bind(quantity);
                },
            )
            .build()
            .execute(&mut **tx)
            .await?;
        QueryBuilder::<Sqlite>::new(
            "INSERT INTO events (case_id, actor_id, kind, data, created_at) ",
        )
        .push_values(self.cases.drain(..), |mut row, case| {
            let kind = case.reason.default_kind();
            row.push_bind(case.id)
                .push_bind(case.customer)
                .push("'case_created'")
                .push_bind(json!({ "reason": case.reason, "kind": kind }).to_string())
                .push_bind(case.created_at);
        })
        .build()
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
