//! The inbox lists: a page of cases and the counts of every inbox, filtered
//! and ordered on `cases` alone (through the FTS5 trigram index
//! `case_search` when searched, the partial indexes of open cases by
//! deadline and by value, or, for an inbox of at most 1,000 rows, the
//! statuses' covering index sorted in memory: `push_order`), then only the
//! page's summaries joined.

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{CasePage, CaseSummary, InboxCount, NextStep, NextStepKind, OnBreach};
use claimdesk_shared::{CaseId, CaseSort, Inbox, Kind, PlatformReason, Reason, Role, Status};
use sqlx::{QueryBuilder, Sqlite};

use super::{column, decision_kind, Db};
use crate::error::{AppError, AppResult};
use crate::scope::Scope;

/// A case as an inbox row shows it.
#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
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
    customer_version: i64,
    rated: bool,
}

impl SummaryRow {
    /// The row as the API sends it; the response clock, the hold and the
    /// draft only to the desk, and to a customer their version of the case
    /// (`case_write::customer_sees`).
    pub(super) fn into_summary(self, desk: bool) -> Result<CaseSummary, AppError> {
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
            held_by: self.held_by.filter(|_| desk),
            due_at,
            on_breach,
            // What the desk drafted stays with the desk.
            prepared: match self.prepared_kind.filter(|_| desk) {
                Some(kind) => Some(decision_kind(&kind)?),
                None => None,
            },
            version: if desk {
                self.version
            } else {
                self.customer_version
            },
            next_step: (!desk)
                .then(|| next_step(&self.status, &self.handler, self.rated, self.due_at))
                .transpose()?,
        })
    }
}

/// What the customer waits for, or does, next on a case in `status`.
fn next_step(
    status: &str,
    handler: &str,
    rated: bool,
    due_at: Option<DateTime<Utc>>,
) -> Result<NextStep, AppError> {
    let status: Status = column(status, "status")?;
    let kind = match status {
        Status::Submitted | Status::AwaitingMerchant if handler == "platform" => {
            NextStepKind::PlatformReviews
        }
        Status::Submitted | Status::AwaitingMerchant => NextStepKind::MerchantAnswers,
        Status::AwaitingCustomer => NextStepKind::YourReply,
        Status::AwaitingReturn => NextStepKind::SendReturn,
        Status::PlatformReview => NextStepKind::PlatformReviews,
        Status::Resolved | Status::Rejected if rated => NextStepKind::Done,
        Status::Resolved | Status::Rejected => NextStepKind::RateSupport,
    };
    Ok(NextStep {
        kind,
        due_at: due_at.filter(|_| kind == NextStepKind::MerchantAnswers),
    })
}

pub(super) const SUMMARY_SELECT: &str = "SELECT c.id, c.kind, c.reason, c.status, c.handler,
        cu.name AS customer_name, me.name AS merchant_name,
        o.number AS order_number, o.legacy_number, c.claimed_value_minor, o.currency,
        c.created_at, h.name AS held_by, c.due_at,
        c.claimed_value_minor - c.refunded_minor AS open_claim_minor, mk.auto_refund_cap_minor,
        json_extract(c.prepared_decision, '$.kind') AS prepared_kind, c.version, c.customer_version, c.rating IS NOT NULL AS rated,
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

pub(super) use summary_joins;

pub(super) const SUMMARY_FROM: &str = concat!(summary_joins!(), " WHERE ");

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

/// What a list asks for: whose cases, which inbox, the search, filters,
/// order and page.
#[derive(Debug)]
pub struct Filters<'q> {
    /// The cases the user may see.
    pub scope: Scope,
    /// The user (the held-by-me inbox is theirs).
    pub user_id: i64,
    /// The desk sees the response clock and prepared decisions; customers
    /// do not.
    pub desk: bool,
    pub inbox: Inbox,
    pub q: &'q str,
    pub kind: Option<Kind>,
    pub reason: Option<Reason>,
    pub sort: CaseSort,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
    /// Only clocks running out before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// Claimed value at least / at most (minor units).
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    /// Reported at or before this instant (old enough).
    pub created_until: Option<DateTime<Utc>>,
    /// Reported after this instant (young enough).
    pub created_after: Option<DateTime<Utc>>,
    /// Only this merchant's cases (support's merchant filter; the scope
    /// still applies, so another marketplace's merchant finds none).
    pub merchant_id: Option<i64>,
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
fn push_filters(qb: &mut QueryBuilder<'_, Sqlite>, filters: &Filters<'_>) {
    filters.scope.push_case_filter(qb);
    push_statuses(qb, filters.inbox);
    if filters.inbox == Inbox::HeldByMe {
        qb.push(" AND c.held_by = ").push_bind(filters.user_id);
    }
    if filters.inbox == Inbox::Prepared {
        // Written out: the partial index of prepared cases (migration 0009).
        qb.push(" AND c.prepared = 1");
    }
    if let Some(reason) = filters.inbox.platform_reason() {
        // Written out, like the statuses: the partial index (migration 0016).
        qb.push(format!(" AND c.platform_reason = '{}'", reason.as_str()));
    }
    if let Some(merchant) = filters.merchant_id {
        qb.push(" AND c.merchant_id = ").push_bind(merchant);
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

/// One page of a list, with how many cases the list holds in all.
pub async fn read_page(db: &Db, filters: &Filters<'_>) -> AppResult<CasePage> {
    let q = filters.q;
    // Every query of the page on one connection (one acquisition).
    let mut conn = db.acquire().await?;
    // A search counts its matches in the same pass that orders them (a
    // window count): matching the text index twice was about half of a
    // search's first read. Without one, the count comes first, on its own:
    // it walks a covering index, and how many rows the inbox holds decides
    // how to read its page (`push_order`).
    let searching = !q.is_empty();
    let counted = if searching {
        None
    } else {
        Some(count(&mut conn, filters).await?)
    };
    // The page's ids first, from `cases` alone (through an index where one
    // fits the order), then the summaries of just those rows.
    let mut page_ids = QueryBuilder::<Sqlite>::new(if searching {
        "SELECT c.id, COUNT(*) OVER ()"
    } else {
        "SELECT c.id, 0"
    });
    push_from(&mut page_ids, q);
    push_filters(&mut page_ids, filters);
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
        (None, None) => count(&mut conn, filters).await?,
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
    let desk = filters.desk;
    let items = rows
        .into_iter()
        .map(|row| row.into_summary(desk))
        .collect::<Result<_, _>>()?;
    Ok(CasePage {
        inbox: filters.inbox,
        items,
        total,
        page: filters.page,
        per_page: filters.per_page,
    })
}

/// How many cases `filters` selects (of every page).
async fn count(conn: &mut sqlx::SqliteConnection, filters: &Filters<'_>) -> AppResult<i64> {
    let mut query = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
    push_from(&mut query, filters.q);
    push_filters(&mut query, filters);
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

/// How many cases each inbox of `role` holds, of those in `scope`
/// (held-by-me: those user `user_id` holds).
pub async fn inbox_counts(
    db: &Db,
    scope: Scope,
    user_id: i64,
    role: Role,
) -> AppResult<Vec<InboxCount>> {
    // By status and, for support's inboxes, why the platform has the case.
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT c.status, c.platform_reason, COUNT(*) FROM cases c WHERE ",
    );
    scope.push_case_filter(&mut qb);
    qb.push(" GROUP BY c.status, c.platform_reason");
    let rows: Vec<(String, Option<String>, i64)> = qb.build_query_as().fetch_all(db).await?;
    let by_status = rows
        .into_iter()
        .map(|(status, reason, count)| {
            let reason = reason
                .as_deref()
                .map(|r| column::<PlatformReason>(r, "platform reason"))
                .transpose()?;
            Ok((column::<Status>(&status, "status")?, reason, count))
        })
        .collect::<AppResult<Vec<_>>>()?;
    let held_by_me: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE held_by = $1 AND status NOT IN ('resolved', 'rejected')",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    let prepared = if Inbox::Prepared.visible_to(role) {
        // The same conditions as the list (`push_filters`), through the
        // partial index of prepared cases.
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c WHERE ");
        scope.push_case_filter(&mut qb);
        push_statuses(&mut qb, Inbox::Prepared);
        qb.push(" AND c.prepared = 1");
        qb.build_query_scalar().fetch_one(db).await?
    } else {
        0
    };
    let counts = Inbox::for_role(role)
        .iter()
        .map(|&inbox| InboxCount {
            inbox,
            count: match inbox {
                Inbox::HeldByMe => held_by_me,
                Inbox::Prepared => prepared,
                _ => by_status
                    .iter()
                    .filter(|(status, reason, _)| {
                        (inbox.statuses().is_empty() || inbox.statuses().contains(status))
                            && inbox.platform_reason().is_none_or(|r| Some(r) == *reason)
                    })
                    .map(|(_, _, count)| count)
                    .sum(),
            },
        })
        .collect::<Vec<_>>();
    Ok(counts)
}
