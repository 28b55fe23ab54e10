//! Cases: the inbox lists and a single case.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use claimdesk_shared::wire::{CaseDetail, CasePage, InboxCount, Problem};
use claimdesk_shared::{CaseSort, Inbox, Kind, Reason, Role, BREACH_WARNING_HOURS};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::domain::case_view;
use crate::error::{AppError, AppResult};
use crate::http::extract::{parse_case_id, ApiQuery};
use crate::page_cache::Page;
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::case_list::{self, Filters};

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
#[into_params(parameter_in = Query)]
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
    /// Only cases of this merchant (support only: a merchant's desk holds
    /// its own cases alone, a customer's list is theirs).
    pub merchant: Option<i64>,
}

/// Checks an optional range of a query (`min` ≤ `max`, neither negative).
fn range(
    (min_field, min): (&str, Option<i64>),
    (max_field, max): (&str, Option<i64>),
) -> AppResult<()> {
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
) -> AppResult<Response> {
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
    // The page's first row must be a number SQLite can skip to.
    if (page - 1).checked_mul(per_page).is_none() {
        return Err(AppError::field(
            "page",
            "out_of_range",
            "no inbox has that many pages",
        ));
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
    if query.merchant.is_some() && role != Role::Support {
        return Err(AppError::field(
            "merchant",
            "not_allowed",
            "only the marketplace's support filters cases by merchant",
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
        scope: Scope::of(&user),
        user_id: user.id,
        desk: role != Role::Customer,
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
        merchant_id: query.merchant,
    };
    // A page that depends on the clock is read every time.
    if breaching_soon || query.min_age_days.is_some() || query.max_age_days.is_some() {
        let page = case_list::read_page(&state.db, &filters).await?;
        return Ok(Page::of(&page)?.into_response());
    }
    // Everything the answer depends on besides the scope's cases: the
    // normalised query, the role (the clock is the desk's) and, for the
    // held-by-me inbox, the user.
    let holder = (inbox == Inbox::HeldByMe).then_some(user.id);
    let key = format!(
        "cases {role} {holder:?} {inbox} {page} {per_page} {sort} {:?} {:?} {:?} {:?} {:?} {q}",
        query.kind, query.reason, query.min_value, query.max_value, query.merchant
    );
    let answer = state
        .pages
        .get_or_read(Scope::of(&user), key, || async {
            Page::of(&case_list::read_page(&state.db, &filters).await?)
        })
        .await?;
    Ok(answer.into_response())
}

/// One case with its order, customer and photos.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "Case id, e.g. C-10234")),
    responses((status = 200, body = CaseDetail), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn case_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    Ok(Json(case_view::detail(&state, Scope::of(&user), id).await?))
}

/// Live counts for the navigation: every inbox of the caller's role.
#[utoipa::path(get, path = "/api/v1/inbox-counts", tag = "cases",
    responses((status = 200, body = [InboxCount]), (status = 401, body = Problem)))]
pub async fn inbox_counts(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    // Kept like an inbox page (`cases_list`); the held-by-me count is the
    // user's own.
    let key = format!("inbox-counts {} {}", user.role(), user.id);
    let answer = state
        .pages
        .get_or_read(Scope::of(&user), key, || async {
            let counts =
                case_list::inbox_counts(&state.db, Scope::of(&user), user.id, user.role()).await?;
            Page::of(&counts)
        })
        .await?;
    Ok(answer.into_response())
}
