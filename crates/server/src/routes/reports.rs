//! The customer's side of a new case: their orders, with what is left to
//! report on each line (`GET /orders`), and reporting a problem with one of
//! them (`POST /cases`, PRODUCT.md §3 and §8).
//!
//! A new case is written in one transaction like every change to a case:
//! the case and its lines, photos, event, response clock, the order's
//! payout and the outbox emails; once committed it goes to the inbox pages
//! and the live updates as `CaseWrite::commit` sends a change.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{
    CaseChanged, CaseDetail, CustomerOrder, CustomerOrderLine, FieldError, NewCase, Problem,
};
use claimdesk_shared::{CaseId, EventKind, Handler, Kind, Reason, Role, Status};
use serde_json::json;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::auth::CurrentUser;
use crate::case_write::{announce, queue_email, update_payout, Email};
use crate::error::{ApiJson, ApiResult, AppError};
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::attachments::MAX_FILES_PER_POST;
use crate::routes::cases::{column, load_detail};
use crate::routes::files::file_url;
use crate::scope::{CaseOwners, Scope};
use crate::state::AppState;

/// The longest description accepted, in characters (after trimming).
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// The most photos one report may carry.
pub const MAX_PHOTOS: usize = MAX_FILES_PER_POST;

/// Only customers (consumers and retailers) report; to the desk these
/// routes do not exist.
fn customer_only(user: &CurrentUser) -> ApiResult<()> {
    if user.role() != Role::Customer {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    number: String,
    legacy_number: Option<String>,
    placed_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    merchant_name: String,
    currency: String,
}

/// An order line with what is left to claim on it.
#[derive(Debug, sqlx::FromRow)]
struct LineRow {
    order_id: i64,
    id: i64,
    sku: String,
    title: String,
    image_id: Option<i64>,
    quantity: i64,
    unit_price_minor: i64,
    claimable_quantity: i64,
}

/// The lines of `customer_id`'s orders (only order `order_id`'s, when
/// given), each with its quantity less what the customer's cases, open or
/// closed, already claim of it. On `conn`, so a report's transaction sees
/// the claims as they are when it holds the write lock.
async fn claimable_lines(
    conn: &mut SqliteConnection,
    customer_id: i64,
    order_id: Option<i64>,
) -> ApiResult<Vec<LineRow>> {
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

/// The signed-in customer's orders, newest first, each line with how much
/// of it may still be reported. The desk gets "not found": this is the
/// customer's list.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    responses((status = 200, body = [CustomerOrder]), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn orders_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<CustomerOrder>>> {
    customer_only(&user)?;
    let orders: Vec<OrderRow> = sqlx::query_as(
        "SELECT o.id, o.number, o.legacy_number, o.placed_at, o.delivered_at,
                me.name AS merchant_name, o.currency
         FROM orders o JOIN merchants me ON me.id = o.merchant_id
         WHERE o.customer_id = ? ORDER BY o.placed_at DESC, o.id DESC",
    )
    .bind(user.id)
    .fetch_all(&state.db)
    .await?;
    let mut conn = state.db.acquire().await?;
    let mut lines: HashMap<i64, Vec<CustomerOrderLine>> = HashMap::new();
    for line in claimable_lines(&mut conn, user.id, None).await? {
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
    Ok(Json(
        orders
            .into_iter()
            .map(|o| CustomerOrder {
                lines: lines.remove(&o.id).unwrap_or_default(),
                id: o.id,
                number: o.number,
                legacy_number: o.legacy_number,
                placed_at: o.placed_at,
                delivered_at: o.delivered_at,
                merchant_name: o.merchant_name,
                currency: o.currency,
            })
            .collect(),
    ))
}

/// Field errors, at most one per field (the first found), so a form can
/// show every field's problem at once.
#[derive(Debug, Default)]
struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        if self.0.iter().all(|e| e.field != field) {
            self.0.push(FieldError {
                field: field.to_owned(),
                code: code.to_owned(),
                message: message.into(),
            });
        }
    }

    fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    fn into_result(self) -> ApiResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

/// The checks that need no database: the reason fits the kind, the
/// description's length, some lines, the number of photos. Returns the
/// trimmed description.
fn check_input(input: &NewCase, errors: &mut FieldErrors) -> String {
    if !input.reason.fits(input.kind) {
        let fitting: Vec<&str> = input.kind.reasons().iter().map(|r| r.as_str()).collect();
        errors.add(
            "reason",
            "not_allowed_for_kind",
            format!(
                "a {} case gives one of these reasons: {}",
                input.kind,
                fitting.join(", ")
            ),
        );
    }
    let description = input.description.trim();
    if description.is_empty() {
        errors.add("description", "required", "say what happened");
    } else if description.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.add(
            "description",
            "too_long",
            format!("at most {MAX_DESCRIPTION_CHARS} characters"),
        );
    }
    if input.lines.is_empty() {
        errors.add(
            "lines",
            "required",
            "name at least one line of the order, with how many",
        );
    }
    if input.attachment_ids.len() > MAX_PHOTOS {
        errors.add(
            "attachment_ids",
            "too_many",
            format!("at most {MAX_PHOTOS} files"),
        );
    }
    let mut seen = HashSet::new();
    if let Some(twice) = input.attachment_ids.iter().find(|id| !seen.insert(**id)) {
        errors.add(
            "attachment_ids",
            "duplicate",
            format!("file {twice} is named twice"),
        );
    }
    description.to_owned()
}

/// Checks the claimed lines against the order's: each a line of the order,
/// named once, from 1 to what is left to claim of it. Returns the claimed
/// value (Σ quantity × unit price).
fn check_lines(input: &NewCase, order_lines: &[LineRow], errors: &mut FieldErrors) -> i64 {
    let mut seen = HashSet::new();
    let mut value = 0i64;
    for line in &input.lines {
        let Some(order_line) = order_lines.iter().find(|l| l.id == line.line_id) else {
            errors.add(
                "lines",
                "unknown_line",
                format!("line {} is not a line of this order", line.line_id),
            );
            continue;
        };
        if !seen.insert(line.line_id) {
            errors.add(
                "lines",
                "duplicate",
                format!("line {} is named twice", line.line_id),
            );
            continue;
        }
        let left = order_line.claimable_quantity;
        if !(1..=left).contains(&line.quantity) {
            let message = if left == 0 {
                format!("line {}: every item of it is claimed already", line.line_id)
            } else {
                format!(
                    "line {}: a quantity from 1 to the {left} still to claim",
                    line.line_id
                )
            };
            errors.add("lines", "out_of_range", message);
            continue;
        }
        // Bounded by the checks: at most the ordered quantity at the
        // order's own price.
        value = value.saturating_add(line.quantity.saturating_mul(order_line.unit_price_minor));
    }
    value
}

/// The order a report is about, with its marketplace's policy and its
/// merchant.
#[derive(sqlx::FromRow)]
struct ReportedOrder {
    marketplace_id: i64,
    merchant_id: i64,
    number: String,
    legacy_number: Option<String>,
    currency: String,
    merchant_reasons: String,
    merchant_name: String,
    merchant_email: String,
}

impl ReportedOrder {
    /// The reasons the marketplace's merchants handle themselves.
    fn merchant_reasons(&self) -> ApiResult<Vec<Reason>> {
        self.merchant_reasons
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| column(r, "merchant reason"))
            .collect()
    }
}

/// What a report created.
struct Created {
    id: CaseId,
    status: Status,
    owners: CaseOwners,
}

/// The outcome of the transaction: the case, or another request with the
/// same key got there first.
enum Attempt {
    Created(Created),
    Raced,
}

/// Reports a problem with one of the customer's orders: a new case,
/// handled by the order's merchant or, for a reason the marketplace keeps
/// to itself, by the platform. Answers the case as the customer sees it.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCase,
    params(("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 201, body = CaseDetail), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn case_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<NewCase>,
) -> ApiResult<Response> {
    customer_only(&user)?;
    let mut errors = FieldErrors::default();
    let description = check_input(&input, &mut errors);
    let hash = idempotency::fingerprint("POST cases", &input);
    // A report's key names the case it created (`idempotency::stored`):
    // a retry gets that case as it is now.
    if let Some(previous) = idempotency::replay(&state, &user, &key, &hash).await? {
        return Ok(previous);
    }
    let created = match create(&state, &user, &key, &hash, &input, &description, errors).await? {
        Attempt::Created(created) => created,
        Attempt::Raced => {
            return idempotency::replay(&state, &user, &key, &hash)
                .await?
                .ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!(
                        "a report's key was taken but has no answer"
                    ))
                })
        }
    };
    // As every committed change: see `case_write::announce`.
    announce(
        &state.pages,
        &state.live,
        created.owners,
        CaseChanged {
            id: created.id,
            version: 1,
            status: created.status,
        },
    );
    let detail = load_detail(&state, Scope::of(&user), created.id).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

/// The transaction of a report: claims the key (a concurrent retry waits
/// for the write lock, then finds it taken), checks what needs the
/// database, and writes the case with everything that goes with it, or
/// nothing.
async fn create(
    state: &AppState,
    user: &CurrentUser,
    key: &IdempotencyKey,
    hash: &str,
    input: &NewCase,
    description: &str,
    mut errors: FieldErrors,
) -> ApiResult<Attempt> {
    let now = state.now();
    let mut tx = state.writer.begin_with("BEGIN IMMEDIATE").await?;
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at)
         VALUES (?, ?, ?, ?, '{}', ?) ON CONFLICT (user_id, key) DO NOTHING",
    )
    .bind(user.id)
    .bind(&key.0)
    .bind(hash)
    .bind(i64::from(StatusCode::CREATED.as_u16()))
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(Attempt::Raced);
    }

    let order: ReportedOrder = sqlx::query_as(
        "SELECT o.marketplace_id, o.merchant_id, o.number, o.legacy_number, o.currency,
                mk.merchant_reasons, me.name AS merchant_name, me.email AS merchant_email
         FROM orders o JOIN marketplaces mk ON mk.id = o.marketplace_id
         JOIN merchants me ON me.id = o.merchant_id
         WHERE o.id = ? AND o.customer_id = ?",
    )
    .bind(input.order_id)
    .bind(user.id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;

    let order_lines = claimable_lines(&mut tx, user.id, Some(input.order_id)).await?;
    let claimed_value = check_lines(input, &order_lines, &mut errors);
    if !errors.has("attachment_ids") {
        for &attachment in &input.attachment_ids {
            // The reporter's own uploads, not attached to anything yet.
            let free: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM attachments a WHERE a.id = ? AND a.uploaded_by = ?
                   AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE attachment_id = a.id)
                   AND NOT EXISTS (SELECT 1 FROM note_attachments WHERE attachment_id = a.id)
                   AND NOT EXISTS (SELECT 1 FROM case_photos WHERE attachment_id = a.id)",
            )
            .bind(attachment)
            .bind(user.id)
            .fetch_one(&mut *tx)
            .await?;
            if free == 0 {
                errors.add(
                    "attachment_ids",
                    "invalid",
                    format!("file {attachment} is not an upload of yours that is still free"),
                );
                break;
            }
        }
    }
    // Dropping the transaction rolls the key back with everything else.
    errors.into_result()?;

    let handler = Handler::for_reason(input.reason, &order.merchant_reasons()?);
    // A reason the marketplace keeps goes straight to the platform.
    let status = match handler {
        Handler::Merchant => Status::Submitted,
        Handler::Platform => Status::PlatformReview,
    };
    let id = sqlx::query(
        "INSERT INTO cases (marketplace_id, merchant_id, customer_id, order_id, kind, reason, status,
            handler, description, claimed_value_minor, free_exchange, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
    )
    .bind(order.marketplace_id)
    .bind(order.merchant_id)
    .bind(user.id)
    .bind(input.order_id)
    .bind(input.kind.as_str())
    .bind(input.reason.as_str())
    .bind(status.as_str())
    .bind(handler.as_str())
    .bind(description)
    .bind(claimed_value)
    .bind(input.free_exchange)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    let case_id = CaseId(id);
    // The claimed lines (the search index follows them by trigger,
    // migration 0006) and the photos.
    for line in &input.lines {
        sqlx::query("INSERT INTO case_lines (case_id, order_line_id, quantity) VALUES (?, ?, ?)")
            .bind(id)
            .bind(line.line_id)
            .bind(line.quantity)
            .execute(&mut *tx)
            .await?;
    }
    for &attachment in &input.attachment_ids {
        sqlx::query("INSERT INTO case_photos (case_id, attachment_id) VALUES (?, ?)")
            .bind(id)
            .bind(attachment)
            .execute(&mut *tx)
            .await?;
    }
    let event = |actor: Option<i64>, kind: EventKind, data: serde_json::Value| {
        sqlx::query(
            "INSERT INTO events (case_id, actor_id, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(actor)
        .bind(kind.as_str())
        .bind(data.to_string())
        .bind(now)
    };
    event(
        Some(user.id),
        EventKind::CaseCreated,
        json!({ "kind": input.kind, "reason": input.reason, "free_exchange": input.free_exchange }),
    )
    .execute(&mut *tx)
    .await?;
    if status != Status::Submitted {
        // Routed by the marketplace's policy: the system moved it, as the
        // seed records its platform cases.
        event(
            None,
            EventKind::StatusChanged,
            json!({ "from": Status::Submitted, "to": status }),
        )
        .execute(&mut *tx)
        .await?;
    }
    // The response clock, stored as every status change stores it; and
    // the order's payout, blocked while a case on it is open.
    crate::sla::clock::refresh(&mut tx, id, now, false).await?;
    update_payout(&mut tx, input.order_id).await?;

    // Who is told (§8): the merchant of the new case, the customer that it
    // arrived.
    let titles: HashMap<i64, &str> = order_lines
        .iter()
        .map(|l| (l.id, l.title.as_str()))
        .collect();
    let (merchant_subject, merchant_body) = merchant_mail(
        case_id,
        input,
        &order,
        handler,
        claimed_value,
        &user.name,
        description,
        &titles,
    );
    let (customer_subject, customer_body) = customer_mail(case_id, input.kind, &order, handler);
    for (address, template, subject, body, cause) in [
        (
            order.merchant_email.as_str(),
            "case_created",
            &merchant_subject,
            &merchant_body,
            format!("case-created:{id}"),
        ),
        (
            user.email.as_str(),
            "case_received",
            &customer_subject,
            &customer_body,
            format!("case-received:{id}"),
        ),
    ] {
        queue_email(
            &mut tx,
            Email {
                case_id: id,
                address,
                template,
                subject,
                body,
                cause: &cause,
            },
            now,
        )
        .await?;
    }
    // The key's answer is the case (`idempotency::stored`).
    sqlx::query("UPDATE idempotency_keys SET body = ? WHERE user_id = ? AND key = ?")
        .bind(json!({ "case_id": id }).to_string())
        .bind(user.id)
        .bind(&key.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Attempt::Created(Created {
        id: case_id,
        status,
        owners: CaseOwners {
            merchant_id: order.merchant_id,
            customer_id: user.id,
            marketplace_id: order.marketplace_id,
        },
    }))
}

/// An amount as an email states it ("649,00 SEK").
fn money(amount_minor: i64, currency: &str) -> String {
    format!(
        "{} {currency}",
        claimdesk_shared::money::amount_input(amount_minor)
    )
}

/// Both order numbers, as emails name the order.
fn order_numbers(order: &ReportedOrder) -> String {
    match &order.legacy_number {
        Some(legacy) => format!("{} (legacy order number {legacy})", order.number),
        None => order.number.clone(),
    }
}

/// The merchant's email about a new case: its kind, id and both order
/// numbers (§8), with what is claimed and why.
#[allow(clippy::too_many_arguments)]
fn merchant_mail(
    id: CaseId,
    input: &NewCase,
    order: &ReportedOrder,
    handler: Handler,
    claimed_value: i64,
    customer_name: &str,
    description: &str,
    titles: &HashMap<i64, &str>,
) -> (String, String) {
    let subject = format!(
        "New {} case {id} on order {}",
        input.kind,
        order_numbers(order)
    );
    let lines: Vec<String> = input
        .lines
        .iter()
        .map(|l| {
            format!(
                "- {} × {}",
                l.quantity,
                titles.get(&l.line_id).copied().unwrap_or_default()
            )
        })
        .collect();
    let legacy = order
        .legacy_number
        .as_deref()
        .map(|n| format!("\nLegacy order number: {n}"))
        .unwrap_or_default();
    let handled = match handler {
        Handler::Merchant => "Respond in claimdesk; the response clock is running.".to_owned(),
        Handler::Platform => "The marketplace's support team handles this reason; you can follow the case in claimdesk.".to_owned(),
    };
    let exchange = if input.free_exchange {
        "\nThe customer would like a free exchange."
    } else {
        ""
    };
    let body = format!(
        "{customer_name} reported a problem with an order of {merchant}.\n\n\
         Case: {id}\nKind: {kind}\nReason: {reason}\nOrder number: {number}{legacy}\n\
         Claimed: {claimed}\n{lines}{exchange}\n\n{description}\n\n{handled}",
        merchant = order.merchant_name,
        kind = input.kind,
        reason = input.reason,
        number = order.number,
        claimed = money(claimed_value, &order.currency),
        lines = lines.join("\n"),
    );
    (subject, body)
}

/// The customer's confirmation that the report arrived.
fn customer_mail(
    id: CaseId,
    kind: Kind,
    order: &ReportedOrder,
    handler: Handler,
) -> (String, String) {
    let who = match handler {
        Handler::Merchant => order.merchant_name.clone(),
        Handler::Platform => "The marketplace's support team".to_owned(),
    };
    (
        format!("We received your claim {id}"),
        format!(
            "Your {kind} claim {id} on order {} is registered. {who} will answer you in claimdesk, and you will get an email when they do.",
            order_numbers(order)
        ),
    )
}
