//! Where a merchant stands (PRODUCT.md §7): its dashboard's figures over
//! the last N days, and support's ranking of every merchant of its
//! marketplace, the most at risk first.
//!
//! The rules are those of the source articles: the satisfaction score is
//! thumbs up ÷ all ratings given in the period, "not enough ratings" under
//! 10, a warning below the marketplace's warning level; the reported-
//! problem rate is cases of kind missing or complaint ÷ orders delivered
//! in the period, above 5 % a risk; response compliance is responses met ÷
//! responses due, settled in the period. The median first-response time is
//! wall-clock minutes from the clock's start to the first response being
//! settled (answered, or run out).

use chrono::{DateTime, Duration, Utc};
use claimdesk_shared::metrics::{MerchantMetrics, MerchantRanking, MerchantStanding, Week};
use claimdesk_shared::wire::{CaseAlert, MerchantRef};
use claimdesk_shared::CaseId;

use crate::error::{AppError, AppResult};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::merchants;
use crate::store::metrics::{self, Figures, Tallied, Whose, Window};

/// The longest period a dashboard covers, in days.
pub const MAX_DAYS: i64 = 365;
/// How many products the dashboard lists.
const TOP_PRODUCTS: i64 = 5;

/// The window of the last `days` days before `now`; a field error unless
/// 1 ≤ days ≤ 365.
pub fn window(days: i64, now: DateTime<Utc>) -> AppResult<Window> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::field(
            "days",
            "out_of_range",
            format!("between 1 and {MAX_DAYS} days"),
        ));
    }
    Ok(Window {
        from: now - Duration::days(days),
        to: now,
    })
}

/// The median of values sorted ascending (the lower middle of an even
/// count, so it is always a value that occurred).
fn median(sorted: &[i64]) -> Option<i64> {
    (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) / 2])
}

/// Merchant `merchant`'s dashboard over the last `days` days.
pub async fn merchant(
    state: &AppState,
    merchant: MerchantRef,
    marketplace: i64,
    days: i64,
) -> AppResult<MerchantMetrics> {
    let window = window(days, state.now())?;
    let db = &state.db;
    let id = merchant.id;
    let (currency, target_percent, warning_percent) =
        metrics::marketplace_targets(db, marketplace).await?;
    let total = metrics::by_merchant(db, Whose::Merchant(id), window)
        .await?
        .remove(&id)
        .unwrap_or_default();
    let by_week = metrics::by_week(db, id, window).await?;
    let weeks_back = (days + 6) / 7;
    let weeks = (0..weeks_back)
        .rev()
        .map(|back| {
            let figures = by_week.get(&back).copied().unwrap_or_default();
            let starts = (window.to - Duration::days(7 * (back + 1))).max(window.from);
            Week {
                starts: starts.date_naive(),
                ratings: figures.ratings,
                problems: figures.problems,
                responses: figures.responses,
                cases: figures.cases,
            }
        })
        .collect();
    let first_responses = metrics::first_response_minutes(db, id, window).await?;
    let (auto_refunds, auto_refunded_minor) = metrics::auto_refunds(db, id, window).await?;
    Ok(MerchantMetrics {
        merchant,
        days,
        currency,
        ratings: total.ratings,
        target_percent,
        warning_percent,
        problems: total.problems,
        responses: total.responses,
        median_first_response_minutes: median(&first_responses),
        auto_refunds,
        auto_refunded_minor,
        cases: total.cases,
        by_kind: metrics::tally(db, id, window, Tallied::Kind).await?,
        by_reason: metrics::tally(db, id, window, Tallied::Reason).await?,
        top_products: metrics::top_products(db, id, window, TOP_PRODUCTS).await?,
        weeks,
    })
}

/// What puts a merchant with `figures` at risk, worst first.
fn risks(figures: &Figures, warning_percent: i64) -> Vec<String> {
    let mut risks = Vec::new();
    if figures
        .ratings
        .score()
        .is_some_and(|score| score < warning_percent as f64)
    {
        risks.push("satisfaction".to_owned());
    }
    if figures.problems.above_limit() {
        risks.push("problem_rate".to_owned());
    }
    if figures.responses.due > figures.responses.met {
        risks.push("breaches".to_owned());
    }
    risks
}

/// Every merchant of `marketplace` over the last `days` days, the most at
/// risk first: most risks, then most breaches, then the lowest score, then
/// by name.
pub async fn ranking(state: &AppState, marketplace: i64, days: i64) -> AppResult<MerchantRanking> {
    let window = window(days, state.now())?;
    let db = &state.db;
    let (_, target_percent, warning_percent) =
        metrics::marketplace_targets(db, marketplace).await?;
    let mut figures = metrics::by_merchant(db, Whose::Marketplace(marketplace), window).await?;
    let all = merchants::list(db, Scope::Marketplace(marketplace)).await?;
    let mut merchants: Vec<MerchantStanding> = all
        .into_iter()
        .map(|merchant| {
            let f = figures.remove(&merchant.id).unwrap_or_default();
            MerchantStanding {
                risks: risks(&f, warning_percent),
                breaches: f.responses.due - f.responses.met,
                ratings: f.ratings,
                problems: f.problems,
                responses: f.responses,
                cases: f.cases,
                merchant,
            }
        })
        .collect();
    merchants.sort_by(|a, b| {
        let score = |m: &MerchantStanding| m.ratings.score().unwrap_or(f64::INFINITY);
        b.risks
            .len()
            .cmp(&a.risks.len())
            .then(b.breaches.cmp(&a.breaches))
            .then(score(a).total_cmp(&score(b)))
            .then(a.merchant.name.cmp(&b.merchant.name))
    });
    Ok(MerchantRanking {
        days,
        target_percent,
        warning_percent,
        merchants,
    })
}

/// How many of the merchant's latest rated cases the case view's line
/// counts.
const RECENT_RATINGS: i64 = 10;

/// The line on a case that matters for its decision when the merchant's
/// satisfaction is below the marketplace's target: the score over 30 days
/// and the thumbs down among its last ten rated cases; `None` otherwise
/// (or with too few ratings to tell).
pub async fn satisfaction_alert(
    state: &AppState,
    case: CaseId,
    now: DateTime<Utc>,
) -> AppResult<Option<CaseAlert>> {
    let db = &state.db;
    let (merchant, marketplace) = metrics::case_owner(db, case.0).await?;
    let ratings = metrics::ratings(db, merchant, window(30, now)?).await?;
    if ratings.up + ratings.down < claimdesk_shared::metrics::MIN_RATINGS {
        return Ok(None);
    }
    let (_, target, _) = metrics::marketplace_targets(db, marketplace).await?;
    let Some(score) = ratings.score().filter(|score| *score < target as f64) else {
        return Ok(None);
    };
    let (down, of) = metrics::last_ratings(db, merchant, RECENT_RATINGS).await?;
    Ok(Some(CaseAlert::LowSatisfaction {
        score_percent: score.round() as i64,
        down,
        of,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_a_middle_value() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7));
        assert_eq!(median(&[1, 5, 90]), Some(5));
        assert_eq!(median(&[1, 5, 60, 90]), Some(5));
    }

    #[test]
    fn a_period_is_between_a_day_and_a_year() {
        let now = Utc::now();
        for days in [1, 30, 90, 365] {
            assert_eq!(window(days, now).unwrap().from, now - Duration::days(days));
        }
        for days in [0, -1, 366] {
            assert!(window(days, now).is_err(), "{days}");
        }
    }
}
