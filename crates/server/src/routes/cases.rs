//! Cases: the inbox lists and a single case.

use std::str::FromStr;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{
    Attachment, CaseAlert, CaseDetail, CasePage, CaseSummary, CustomerView, DecisionKind,
    InboxCount, OnBreach, OrderLineView, OrderView, PreparedDecision, Problem, Proposal,
};
use claimdesk_shared::{CaseId, CaseSort, Inbox, Kind, Reason, Role, Status, BREACH_WARNING_HOURS};
use serde::Deserialize;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::auth::CurrentUser;
use crate::error::{ApiQuery, ApiResult, AppError};
use crate::page_cache::Page;
use crate::routes::decisions::StoredDecision;
use crate::routes::files::file_url;
use crate::scope::Scope;
use crate::sla::clock::ClockRow;
use crate::state::AppState;

/// Rows per page unless the client asks otherwise.
const DEFAULT_PER_PAGE: i64 = 50;
/// The most rows one request may ask for (a long list for a power user,
/// and the 1,000-row render benchmark).
const MAX_PER_PAGE: i64 = 1000;
/// Ages beyond this many days filter like this many (no case is that old,
/// and the arithmetic on dates stays in range).
const MAX_AGE_DAYS: i64 = 100_000;

/// Query of `GET /api/v1/cases`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CaseQuery {
    /// Which inbox; defaults to the role's first.
    pub inbox: Option<Inbox>,
    /// Case id, either order number, customer name or email, or product.
    pub q: Option<String>,
    /// 1-based page number.
    pub page: Option<i64>,
    /// Rows per page, 1 to 1000.
    pub per_page: Option<i64>,
    /// Only cases of this kind.
    pub kind: Option<Kind>,
    /// Only cases with this reason.
    pub reason: Option<Reason>,
    /// Order: `deadline` (the Open inbox's default), `newest` (every other
    /// inbox's), `oldest` or `value`.
    pub sort: Option<CaseSort>,
    /// Only cases whose response clock runs out within 12 hours, or has
    /// run out (desk only).
    pub breaching_soon: Option<bool>,
    /// Only cases claiming at least this much (minor units).
    pub min_value: Option<i64>,
    /// Only cases claiming at most this much (minor units).
    pub max_value: Option<i64>,
    /// Only cases reported at least this many whole days ago.
    pub min_age_days: Option<i64>,
    /// Only cases reported less than this many days ago.
    pub max_age_days: Option<i64>,
}

/// Reads a vocabulary column, treating an unknown value as corrupt data.
pub fn column<T: FromStr>(value: &str, what: &str) -> Result<T, AppError> {
    value.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!("invalid {what} {value:?} in the database"))
    })
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    kind: String,
    reason: String,
    status: String,
    handler: String,
    customer_name: String,
    merchant_name: String,
    order_number: String,
    legacy_number: Option<String>,
    product_title: Option<String>,
    claimed_value_minor: i64,
    currency: String,
    created_at: DateTime<Utc>,
    held_by: Option<String>,
    due_at: Option<DateTime<Utc>>,
    open_claim_minor: i64,
    auto_refund_cap_minor: i64,
    prepared_kind: Option<String>,
    version: i64,
}

/// A decision kind as stored in JSON (`prepared_decision.kind`).
fn decision_kind(value: &str) -> Result<DecisionKind, AppError> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "invalid decision kind {value:?} in the database"
        ))
    })
}

impl SummaryRow {
    /// The row as the API sends it; the response clock only to the desk.
    fn into_summary(self, desk: bool) -> Result<CaseSummary, AppError> {
        let due_at = self.due_at.filter(|_| desk);
        let on_breach = due_at
            .map(|_| OnBreach::for_open_claim(self.open_claim_minor, self.auto_refund_cap_minor));
        Ok(CaseSummary {
            id: CaseId(self.id),
            kind: column(&self.kind, "kind")?,
            reason: column(&self.reason, "reason")?,
            status: column(&self.status, "status")?,
            handler: column(&self.handler, "handler")?,
            customer_name: self.customer_name,
            merchant_name: self.merchant_name,
            order_number: self.order_number,
            legacy_order_number: self.legacy_number,
            product_title: self.product_title.unwrap_or_default(),
            claimed_value_minor: self.claimed_value_minor,
            currency: self.currency,
            created_at: self.created_at,
            held_by: self.held_by,
            due_at,
            on_breach,
            // What the desk drafted stays with the desk.
            prepared: match self.prepared_kind.filter(|_| desk) {
                Some(kind) => Some(decision_kind(&kind)?),
                None => None,
            },
            version: self.version,
        })
    }
}

const SUMMARY_SELECT: &str = "SELECT c.id, c.kind, c.reason, c.status, c.handler,
        cu.name AS customer_name, me.name AS merchant_name,
        o.number AS order_number, o.legacy_number, c.claimed_value_minor, o.currency,
        c.created_at, h.name AS held_by, c.due_at,
        c.claimed_value_minor - c.refunded_minor AS open_claim_minor, mk.auto_refund_cap_minor,
        json_extract(c.prepared_decision, '$.kind') AS prepared_kind, c.version,
        (SELECT ol.title FROM case_lines cl JOIN order_lines ol ON ol.id = cl.order_line_id
          WHERE cl.case_id = c.id ORDER BY ol.id LIMIT 1) AS product_title";

/// The tables `SUMMARY_SELECT` reads.
macro_rules! summary_joins {
    () => {
        " FROM cases c
        JOIN orders o ON o.id = c.order_id
        JOIN users cu ON cu.id = c.customer_id
        JOIN merchants me ON me.id = c.merchant_id
        JOIN marketplaces mk ON mk.id = c.marketplace_id
        LEFT JOIN users h ON h.id = c.held_by"
    };
}

const SUMMARY_FROM: &str = concat!(summary_joins!(), " WHERE ");

/// `q` as one FTS5 phrase: matched as typed, quotes included.
fn fts_phrase(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
}

/// Escapes `%`, `_` and `\` so a search for "50%" finds "50%".
fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// What a list asks for, beyond the user's scope.
struct Filters<'q> {
    inbox: Inbox,
    q: &'q str,
    kind: Option<Kind>,
    reason: Option<Reason>,
    sort: CaseSort,
    /// 1-based.
    page: i64,
    per_page: i64,
    /// Only clocks running out before this instant.
    due_before: Option<DateTime<Utc>>,
    /// Claimed value at least / at most (minor units).
    min_value: Option<i64>,
    max_value: Option<i64>,
    /// Reported at or before this instant (old enough).
    created_until: Option<DateTime<Utc>>,
    /// Reported after this instant (young enough).
    created_after: Option<DateTime<Utc>>,
}

/// The FROM clause of a list or count: the cases alone, driven by the
/// search index when the query is long enough for it, joined to orders and
/// customers only for the short-query scan that needs them.
fn push_from(qb: &mut QueryBuilder<'_, Sqlite>, q: &str) {
    if q.chars().count() >= 3 {
        // CROSS JOIN keeps this order: the matches first (few), then their
        // cases by id, instead of walking every case of the inbox and
        // checking each against the matches.
        qb.push(" FROM case_search CROSS JOIN cases c ON c.id = case_search.rowid WHERE ");
    } else if !q.is_empty() {
        qb.push(
            " FROM cases c JOIN orders o ON o.id = c.order_id
              JOIN users cu ON cu.id = c.customer_id WHERE ",
        );
    } else {
        qb.push(" FROM cases c WHERE ");
    }
}

/// Appends the condition on the statuses `inbox` holds, if it does not hold
/// every status.
fn push_statuses(qb: &mut QueryBuilder<'_, Sqlite>, inbox: Inbox) {
    let statuses = inbox.statuses();
    if !statuses.is_empty() {
        // Written out, not bound: the statuses come from the code, and
        // SQLite uses a partial index (migration 0008) only when it can see
        // the values.
        let list: Vec<String> = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        // The prepared cases are a few of the statuses' many: through the
        // partial index of prepared cases, not the statuses' (the unary
        // plus keeps SQLite from choosing that; the count took 8 ms instead
        // of 0.01 at 10,000 open cases).
        let column = if inbox == Inbox::Prepared {
            "+c.status"
        } else {
            "c.status"
        };
        qb.push(format!(" AND {column} IN ({})", list.join(", ")));
    }
}

/// Appends the scope, inbox, filter and search conditions shared by a page
/// and its count (after `push_from`).
fn push_filters(qb: &mut QueryBuilder<'_, Sqlite>, user: &CurrentUser, filters: &Filters<'_>) {
    Scope::of(user).push_case_filter(qb);
    push_statuses(qb, filters.inbox);
    if filters.inbox == Inbox::HeldByMe {
        qb.push(" AND c.held_by = ").push_bind(user.id);
    }
    if filters.inbox == Inbox::Prepared {
        // Written out: the partial index of prepared cases (migration 0009).
        qb.push(" AND c.prepared = 1");
    }
    if let Some(min) = filters.min_value {
        qb.push(" AND c.claimed_value_minor >= ").push_bind(min);
    }
    if let Some(max) = filters.max_value {
        qb.push(" AND c.claimed_value_minor <= ").push_bind(max);
    }
    // On `created_at`, which the inbox indexes carry after the merchant
    // (and status).
    if let Some(until) = filters.created_until {
        qb.push(" AND c.created_at <= ").push_bind(until);
    }
    if let Some(after) = filters.created_after {
        qb.push(" AND c.created_at > ").push_bind(after);
    }
    if let Some(kind) = filters.kind {
        qb.push(" AND c.kind = ").push_bind(kind.as_str());
    }
    if let Some(reason) = filters.reason {
        qb.push(" AND c.reason = ").push_bind(reason.as_str());
    }
    if let Some(before) = filters.due_before {
        qb.push(" AND c.due_at <= ").push_bind(before);
    }
    let q = filters.q;
    if q.chars().count() >= 3 {
        // Indexed: the trigram full-text table (migration 0006), joined in
        // `push_from`; its text starts with the case id.
        qb.push(" AND case_search MATCH ").push_bind(fts_phrase(q));
    } else if !q.is_empty() {
        // Too short for a trigram: a scan, but only ever of one or two
        // characters.
        let pattern = like_pattern(q);
        qb.push(" AND (cu.name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        qb.push(" OR cu.email LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        qb.push(" OR o.number LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        qb.push(" OR o.legacy_number LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        qb.push(
            " OR EXISTS (SELECT 1 FROM case_lines cl JOIN order_lines ol ON ol.id = cl.order_line_id
                 WHERE cl.case_id = c.id AND (ol.title LIKE ",
        )
        .push_bind(pattern.clone())
        .push(" ESCAPE '\\' OR ol.sku LIKE ")
        .push_bind(pattern)
        .push(" ESCAPE '\\'))");
        qb.push(")");
    }
}

/// Checks an optional range of a query (`min` ≤ `max`, neither negative).
fn range(
    (min_field, min): (&str, Option<i64>),
    (max_field, max): (&str, Option<i64>),
) -> ApiResult<()> {
    for (field, value) in [(min_field, min), (max_field, max)] {
        if value.is_some_and(|v| v < 0) {
            return Err(AppError::field(
                field,
                "out_of_range",
                format!("{field} must be 0 or more"),
            ));
        }
    }
    if let (Some(min), Some(max)) = (min, max) {
        if min > max {
            return Err(AppError::field(
                min_field,
                "out_of_range",
                format!("{min_field} must not be more than {max_field}"),
            ));
        }
    }
    Ok(())
}

/// Lists an inbox, one page at a time.
///
/// The page as sent is kept (`page_cache`) unless it depends on the clock
/// (the breaching-soon and age filters), and sent again until a case of the
/// user's scope changes.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = CasePage), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn cases_list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CaseQuery>,
) -> ApiResult<Response> {
    let role = user.role();
    let inbox = query.inbox.unwrap_or(Inbox::for_role(role)[0]);
    if !inbox.visible_to(role) {
        return Err(AppError::field(
            "inbox",
            "not_allowed",
            format!("the {inbox} inbox is not available to a {role}"),
        ));
    }
    let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::field(
            "per_page",
            "out_of_range",
            format!("per_page must be between 1 and {MAX_PER_PAGE}"),
        ));
    }
    let page = query.page.unwrap_or(1);
    if page < 1 {
        return Err(AppError::field("page", "out_of_range", "page starts at 1"));
    }
    let breaching_soon = query.breaching_soon.unwrap_or(false);
    if role == Role::Customer && query.sort == Some(CaseSort::Deadline) {
        return Err(AppError::field(
            "sort",
            "not_allowed",
            "the response clock is the desk's; customers cannot sort by it",
        ));
    }
    if breaching_soon && role == Role::Customer {
        return Err(AppError::field(
            "breaching_soon",
            "not_allowed",
            "the response clock is the desk's; customers cannot filter by it",
        ));
    }
    range(
        ("min_value", query.min_value),
        ("max_value", query.max_value),
    )?;
    range(
        ("min_age_days", query.min_age_days),
        ("max_age_days", query.max_age_days),
    )?;
    let now = state.now();
    let days_ago = |days: i64| now - chrono::Duration::days(days.min(MAX_AGE_DAYS));
    let q = query.q.as_deref().unwrap_or("").trim();
    // The Open inbox is worked by what breaches first; every other list
    // shows the newest first.
    let sort = query.sort.unwrap_or(match inbox {
        Inbox::Open => CaseSort::Deadline,
        _ => CaseSort::Newest,
    });
    let filters = Filters {
        inbox,
        q,
        kind: query.kind,
        reason: query.reason,
        sort,
        page,
        per_page,
        due_before: breaching_soon.then(|| now + chrono::Duration::hours(BREACH_WARNING_HOURS)),
        min_value: query.min_value,
        max_value: query.max_value,
        created_until: query.min_age_days.map(days_ago),
        created_after: query.max_age_days.map(days_ago),
    };
    // A page that depends on the clock is read every time.
    if breaching_soon || query.min_age_days.is_some() || query.max_age_days.is_some() {
        return Ok(read_page(&state, &user, &filters).await?.into_response());
    }
    // Everything the answer depends on besides the scope's cases: the
    // normalised query, the role (the clock is the desk's) and, for the
    // held-by-me inbox, the user.
    let holder = (inbox == Inbox::HeldByMe).then_some(user.id);
    let key = format!(
        "cases {role} {holder:?} {inbox} {page} {per_page} {sort} {:?} {:?} {:?} {:?} {q}",
        query.kind, query.reason, query.min_value, query.max_value
    );
    let answer = state
        .pages
        .get_or_read(Scope::of(&user), key, || read_page(&state, &user, &filters))
        .await?;
    Ok(answer.into_response())
}

/// One page of a list, from the database.
async fn read_page(state: &AppState, user: &CurrentUser, filters: &Filters<'_>) -> ApiResult<Page> {
    let q = filters.q;
    // Every query of the page on one connection (one acquisition).
    let mut conn = state.db.acquire().await?;
    // A search counts its matches in the same pass that orders them (a
    // window count): matching the text index twice was about half of a
    // search's first read. Without one, the count comes first, on its own:
    // it walks a covering index, and how many rows the inbox holds decides
    // how to read its page (`push_order`).
    let searching = !q.is_empty();
    let counted = if searching {
        None
    } else {
        Some(count(&mut conn, user, filters).await?)
    };
    // The page's ids first, from `cases` alone (through an index where one
    // fits the order), then the summaries of just those rows.
    let mut page_ids = QueryBuilder::<Sqlite>::new(if searching {
        "SELECT c.id, COUNT(*) OVER ()"
    } else {
        "SELECT c.id, 0"
    });
    push_from(&mut page_ids, q);
    push_filters(&mut page_ids, user, filters);
    push_order(
        &mut page_ids,
        filters,
        counted.is_some_and(|total| total <= SORT_IN_MEMORY_UP_TO),
    );
    page_ids
        .push(" LIMIT ")
        .push_bind(filters.per_page)
        .push(" OFFSET ")
        .push_bind((filters.page - 1) * filters.per_page);
    let found: Vec<(i64, i64)> = page_ids.build_query_as().fetch_all(&mut *conn).await?;
    let total = match (counted, found.first()) {
        (Some(total), _) => total,
        (None, Some(&(_, total))) => total,
        // A page past the last match: count on their own.
        (None, None) => count(&mut conn, user, filters).await?,
    };
    let ids: Vec<i64> = found.into_iter().map(|(id, _)| id).collect();
    let mut rows: Vec<SummaryRow> = if ids.is_empty() {
        Vec::new()
    } else {
        let mut list = QueryBuilder::<Sqlite>::new(SUMMARY_SELECT);
        list.push(SUMMARY_FROM).push("c.id IN (");
        let mut separated = list.separated(", ");
        for id in &ids {
            separated.push_bind(*id);
        }
        list.push(")");
        list.build_query_as().fetch_all(&mut *conn).await?
    };
    let rank: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|row| rank.get(&row.id).copied());
    let desk = user.role() != Role::Customer;
    let items = rows
        .into_iter()
        .map(|row| row.into_summary(desk))
        .collect::<Result<_, _>>()?;
    Page::of(&CasePage {
        inbox: filters.inbox,
        items,
        total,
        page: filters.page,
        per_page: filters.per_page,
    })
}

/// How many cases `filters` selects (of every page).
async fn count(
    conn: &mut sqlx::SqliteConnection,
    user: &CurrentUser,
    filters: &Filters<'_>,
) -> ApiResult<i64> {
    let mut query = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
    push_from(&mut query, filters.q);
    push_filters(&mut query, user, filters);
    Ok(query.build_query_scalar().fetch_one(conn).await?)
}

/// Up to how many rows an inbox's page is sorted in memory rather than
/// read in order from an index (`push_order`): sorting 1,000 entries of
/// the statuses' covering index takes about 0.5 ms.
const SORT_IN_MEMORY_UP_TO: i64 = 1_000;

/// Appends the page's ORDER BY; `c.id` breaks ties so pages never overlap.
///
/// SQLite reads an inbox of several statuses (Parked: awaiting the
/// customer or a return) newest first by walking the merchant's index by
/// date and looking up every case's status, and it cannot know how rare
/// those statuses are: 4 Parked cases among 10,000 open ones took 6-15 ms.
/// When the count says the inbox is small, the unary plus keeps the order
/// from matching any index, so SQLite reads just the inbox's rows from the
/// statuses' covering index and sorts them (0.03 ms). Open by deadline and
/// by value have indexes of exactly their rows in exactly their order
/// (migrations 0008 and 0012), which beat both.
fn push_order(qb: &mut QueryBuilder<'_, Sqlite>, filters: &Filters<'_>, small: bool) {
    let open = filters.inbox == Inbox::Open;
    let exact_index = open && matches!(filters.sort, CaseSort::Deadline | CaseSort::Value);
    let terms: &[&str] = match filters.sort {
        // Every Open case has a running clock, so no NULLs to put last.
        CaseSort::Deadline if open => &["c.due_at", "c.created_at", "c.id"],
        CaseSort::Deadline => &["c.due_at IS NULL", "c.due_at", "c.created_at", "c.id"],
        CaseSort::Newest => &["c.created_at DESC", "c.id DESC"],
        CaseSort::Oldest => &["c.created_at ASC", "c.id ASC"],
        CaseSort::Value => &["c.claimed_value_minor DESC", "c.id DESC"],
    };
    let in_memory = small && !exact_index;
    qb.push(" ORDER BY ");
    for (index, term) in terms.iter().enumerate() {
        if index > 0 {
            qb.push(", ");
        }
        if in_memory {
            qb.push("+");
        }
        qb.push(*term);
    }
}

/// A case's summary, the rest of its detail and its clock's inputs: one row.
#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    #[sqlx(flatten)]
    clock: ClockRow,
    #[sqlx(flatten)]
    rest: DetailRest,
}

/// The columns of a case's detail beyond its summary.
#[derive(sqlx::FromRow)]
struct DetailRest {
    customer_id: i64,
    high_value_threshold_minor: i64,
    free_exchange: bool,
    order_id: i64,
    description: String,
    held_by_id: Option<i64>,
    free_return: bool,
    outcome: Option<String>,
    decision_note: Option<String>,
    refunded_minor: i64,
    version: i64,
    updated_at: DateTime<Utc>,
    placed_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    total_minor: i64,
    payout: String,
    customer_email: String,
    customer_kind: Option<String>,
    company: Option<String>,
    address: String,
    prepared_decision: Option<String>,
    prepared_by_name: Option<String>,
    prepared_at: Option<DateTime<Utc>>,
    proposal_note: Option<String>,
    proposal_amount_minor: Option<i64>,
    proposal_made_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    sku: String,
    title: String,
    image_id: Option<i64>,
    quantity: i64,
    unit_price_minor: i64,
    claimed_quantity: i64,
}

/// One case with its order, customer and photos.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "Case id, e.g. C-10234")),
    responses((status = 200, body = CaseDetail), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn case_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
}

/// A case id from a path. An id that cannot exist is simply not found, like
/// one the user may not see.
pub fn parse_case_id(id: &str) -> ApiResult<CaseId> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// Everything about case `id`, if it is in `scope`.
pub async fn load_detail(state: &AppState, scope: Scope, id: CaseId) -> ApiResult<CaseDetail> {
    let desk = !matches!(scope, Scope::Customer(_));
    // One connection for every query, and the case's own columns (its
    // summary, the rest of the detail, the alerts' and the clock's inputs)
    // in one row.
    let mut conn = state.db.acquire().await?;
    let mut qb = QueryBuilder::<Sqlite>::new(SUMMARY_SELECT);
    qb.push(
        ", c.customer_id, c.order_id, c.description, c.held_by AS held_by_id, c.free_return,
            c.outcome, c.decision_note, c.refunded_minor, c.updated_at, o.placed_at,
            o.delivered_at, o.total_minor, o.payout, cu.email AS customer_email, cu.customer_kind,
            cu.company, cu.address, c.prepared_decision, pb.name AS prepared_by_name,
            c.prepared_at, c.proposal_note, c.proposal_amount_minor, c.proposal_made_at,
            mk.country, mk.time_zone, mk.high_value_threshold_minor, c.free_exchange",
    );
    qb.push(concat!(
        summary_joins!(),
        " LEFT JOIN users pb ON pb.id = c.prepared_by WHERE "
    ));
    scope.push_case_filter(&mut qb);
    qb.push(" AND c.id = ").push_bind(id.0);
    let DetailRow {
        summary,
        clock,
        rest: detail,
    } = qb
        .build_query_as::<DetailRow>()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let summary = summary.into_summary(desk)?;

    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT ol.id, ol.sku, ol.title, p.image_id, ol.quantity, ol.unit_price_minor,
                COALESCE(cl.quantity, 0) AS claimed_quantity
         FROM order_lines ol
         LEFT JOIN products p ON p.sku = ol.sku
         LEFT JOIN case_lines cl ON cl.order_line_id = ol.id AND cl.case_id = ?
         WHERE ol.order_id = ? ORDER BY ol.id",
    )
    .bind(id.0)
    .bind(detail.order_id)
    .fetch_all(&mut *conn)
    .await?;

    let photos: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT a.id, a.filename, a.content_type, a.size FROM case_photos cp
         JOIN attachments a ON a.id = cp.attachment_id WHERE cp.case_id = ? ORDER BY a.id",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;

    let customer_kind = detail.customer_kind.as_deref().unwrap_or("consumer");
    // The draft is the desk's; customers never see it.
    let prepared = match (desk, &detail.prepared_decision, detail.prepared_at) {
        (true, Some(stored), Some(prepared_at)) => {
            let stored: StoredDecision =
                serde_json::from_str(stored).map_err(|e| AppError::Internal(e.into()))?;
            Some(PreparedDecision {
                kind: stored.kind,
                amount_minor: stored.amount_minor,
                note: stored.note,
                lines: stored.lines,
                prepared_by: detail.prepared_by_name.clone().unwrap_or_default(),
                prepared_at,
            })
        }
        _ => None,
    };
    let proposal = match (&detail.proposal_note, detail.proposal_made_at) {
        (Some(note), Some(made_at)) => Some(Proposal {
            note: note.clone(),
            amount_minor: detail.proposal_amount_minor,
            made_at,
        }),
        _ => None,
    };
    Ok(CaseDetail {
        order: OrderView {
            number: summary.order_number.clone(),
            legacy_number: summary.legacy_order_number.clone(),
            placed_at: detail.placed_at,
            delivered_at: detail.delivered_at,
            currency: summary.currency.clone(),
            total_minor: detail.total_minor,
            payout: column(&detail.payout, "payout")?,
            lines: lines
                .into_iter()
                .map(|l| OrderLineView {
                    id: l.id,
                    sku: l.sku,
                    title: l.title,
                    image_url: l.image_id.map(file_url),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                    claimed_quantity: l.claimed_quantity,
                })
                .collect(),
        },
        customer: CustomerView {
            name: summary.customer_name.clone(),
            email: detail.customer_email,
            kind: column(customer_kind, "customer kind")?,
            company: detail.company,
            address: detail.address,
        },
        photos: photos
            .into_iter()
            .map(|(id, filename, content_type, size)| Attachment {
                id,
                filename,
                content_type,
                size,
                url: file_url(id),
            })
            .collect(),
        description: detail.description,
        held_by_id: detail.held_by_id,
        free_return: detail.free_return,
        outcome: detail
            .outcome
            .as_deref()
            .map(|o| column(o, "outcome"))
            .transpose()?,
        decision_note: detail.decision_note,
        refunded_minor: detail.refunded_minor,
        alerts: if desk {
            alerts(
                &mut conn,
                id,
                &summary,
                detail.customer_id,
                detail.total_minor,
                detail.high_value_threshold_minor,
                detail.free_exchange,
            )
            .await?
        } else {
            Vec::new()
        },
        deadline: if desk {
            clock.clock_on(&mut conn, state.now()).await?.view()
        } else {
            None
        },
        version: detail.version,
        updated_at: detail.updated_at,
        prepared,
        proposal,
        summary,
    })
}

/// The notices an agent sees on case `id` (customers get none).
async fn alerts(
    conn: &mut SqliteConnection,
    id: CaseId,
    summary: &CaseSummary,
    customer_id: i64,
    order_total_minor: i64,
    threshold_minor: i64,
    free_exchange: bool,
) -> ApiResult<Vec<CaseAlert>> {
    let other_cases: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE customer_id = ? AND id <> ? AND created_at > ?",
    )
    .bind(customer_id)
    .bind(id.0)
    .bind(summary.created_at - chrono::Duration::days(365))
    .fetch_one(conn)
    .await?;
    let mut alerts = Vec::new();
    if order_total_minor > threshold_minor {
        alerts.push(CaseAlert::HighValue {
            order_total_minor,
            threshold_minor,
        });
    }
    if other_cases > 0 {
        alerts.push(CaseAlert::RepeatClaimant { other_cases });
    }
    if free_exchange {
        alerts.push(CaseAlert::FreeExchange);
    }
    Ok(alerts)
}

/// Live counts for the navigation: every inbox of the caller's role.
#[utoipa::path(get, path = "/api/v1/inbox-counts", tag = "cases",
    responses((status = 200, body = [InboxCount]), (status = 401, body = Problem)))]
pub async fn inbox_counts(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    // Kept like an inbox page (`cases_list`); the held-by-me count is the
    // user's own.
    let key = format!("inbox-counts {} {}", user.role(), user.id);
    let answer = state
        .pages
        .get_or_read(Scope::of(&user), key, || read_counts(&state, &user))
        .await?;
    Ok(answer.into_response())
}

/// The counts of `inbox_counts`, from the database.
async fn read_counts(state: &AppState, user: &CurrentUser) -> ApiResult<Page> {
    let mut qb = QueryBuilder::<Sqlite>::new("SELECT c.status, COUNT(*) FROM cases c WHERE ");
    Scope::of(user).push_case_filter(&mut qb);
    qb.push(" GROUP BY c.status");
    let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&state.db).await?;
    let by_status = rows
        .into_iter()
        .map(|(status, count)| Ok((column::<Status>(&status, "status")?, count)))
        .collect::<ApiResult<Vec<_>>>()?;
    let held_by_me: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE held_by = ? AND status NOT IN ('resolved', 'rejected')",
    )
    .bind(user.id)
    .fetch_one(&state.db)
    .await?;
    let prepared = if Inbox::Prepared.visible_to(user.role()) {
        // The same conditions as the list (`push_filters`), through the
        // partial index of prepared cases.
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c WHERE ");
        Scope::of(user).push_case_filter(&mut qb);
        push_statuses(&mut qb, Inbox::Prepared);
        qb.push(" AND c.prepared = 1");
        qb.build_query_scalar().fetch_one(&state.db).await?
    } else {
        0
    };
    let counts = Inbox::for_role(user.role())
        .iter()
        .map(|&inbox| InboxCount {
            inbox,
            count: match inbox {
                Inbox::HeldByMe => held_by_me,
                Inbox::Prepared => prepared,
                _ => by_status
                    .iter()
                    .filter(|(status, _)| {
                        inbox.statuses().is_empty() || inbox.statuses().contains(status)
                    })
                    .map(|(_, count)| count)
                    .sum(),
            },
        })
        .collect::<Vec<_>>();
    Page::of(&counts)
}
