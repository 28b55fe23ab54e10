//! The figures marketplaces judge merchants by (PRODUCT.md §7), as
//! `GET /api/v1/metrics` and `GET /api/v1/metrics/merchants` send them.
//!
//! Counts travel, not only ratios: the SPA shows "17 of 20", computes the
//! percentage it draws, and says "not enough ratings" itself; the rules
//! for when a figure counts (`MIN_RATINGS`, `PROBLEM_RATE_LIMIT_PERCENT`)
//! are here so both sides apply the same ones.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::wire::MerchantRef;

/// Under this many ratings the satisfaction score is "not enough ratings".
pub const MIN_RATINGS: i64 = 10;
/// Above this share of delivered orders with a problem, a merchant's
/// ranking suffers (Orderchamp's rule).
pub const PROBLEM_RATE_LIMIT_PERCENT: i64 = 5;
/// The periods a dashboard offers, in days.
pub const PERIODS: [i64; 3] = [30, 90, 365];

/// `part` of `whole` in percent, one decimal; `None` when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// Thumbs up and down given in the period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Ratings {
    pub up: i64,
    pub down: i64,
}

impl Ratings {
    /// The Customer Satisfaction Score in percent, once there are enough
    /// ratings to tell.
    pub fn score(&self) -> Option<f64> {
        let all = self.up + self.down;
        (all >= MIN_RATINGS)
            .then(|| percent(self.up, all))
            .flatten()
    }
}

/// The response clock's outcomes settled in the period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Responses {
    /// Answered by the due time.
    pub met: i64,
    /// Every response that was due (met or not).
    pub due: i64,
}

/// Cases of kind missing or complaint, against the orders delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Problems {
    pub problems: i64,
    pub delivered: i64,
}

impl Problems {
    /// The reported-problem rate in percent; `None` without deliveries.
    pub fn rate(&self) -> Option<f64> {
        percent(self.problems, self.delivered)
    }

    /// Whether the rate is above the limit that hurts the ranking.
    pub fn above_limit(&self) -> bool {
        self.rate()
            .is_some_and(|rate| rate > PROBLEM_RATE_LIMIT_PERCENT as f64)
    }
}

/// How many cases had one value of a vocabulary (a kind, a reason).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Tally {
    pub key: String,
    pub cases: i64,
}

/// A product and the cases on it in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProductClaims {
    pub sku: String,
    pub title: String,
    pub cases: i64,
}

/// One week of the period: its figures, for the trend lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Week {
    /// The week's first day (weeks count back from today in whole weeks;
    /// the oldest may be shorter).
    #[serde(deserialize_with = "crate::timestamp::date")]
    pub starts: NaiveDate,
    pub ratings: Ratings,
    pub problems: Problems,
    pub responses: Responses,
    pub cases: i64,
}

/// `GET /api/v1/metrics?days=N`: one merchant's figures over the last N days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MerchantMetrics {
    pub merchant: MerchantRef,
    pub days: i64,
    pub currency: String,
    pub ratings: Ratings,
    /// The marketplace's satisfaction target and warning level, percent.
    pub target_percent: i64,
    pub warning_percent: i64,
    pub problems: Problems,
    pub responses: Responses,
    /// The median time to the first response, in minutes (`None`: none
    /// settled in the period).
    pub median_first_response_minutes: Option<i64>,
    /// Refunds the response clock paid by itself when it ran out.
    pub auto_refunds: i64,
    pub auto_refunded_minor: i64,
    pub cases: i64,
    pub by_kind: Vec<Tally>,
    pub by_reason: Vec<Tally>,
    /// The products with the most cases, most first (at most five).
    pub top_products: Vec<ProductClaims>,
    /// Oldest first.
    pub weeks: Vec<Week>,
}

/// One merchant in support's ranking (`GET /api/v1/metrics/merchants`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MerchantStanding {
    pub merchant: MerchantRef,
    pub ratings: Ratings,
    pub problems: Problems,
    pub responses: Responses,
    /// Responses whose time ran out (due minus met).
    pub breaches: i64,
    pub cases: i64,
    /// What puts it at risk: `satisfaction` (score below the warning
    /// level), `problem_rate` (above 5 %), `breaches` (any).
    pub risks: Vec<String>,
}

/// `GET /api/v1/metrics/merchants?days=N`: every merchant of the
/// marketplace, the most at risk first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MerchantRanking {
    pub days: i64,
    pub target_percent: i64,
    pub warning_percent: i64,
    pub merchants: Vec<MerchantStanding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_need_enough_ratings_and_rates_need_deliveries() {
        assert_eq!(Ratings { up: 9, down: 0 }.score(), None);
        assert_eq!(Ratings { up: 8, down: 2 }.score(), Some(80.0));
        assert_eq!(Ratings { up: 17, down: 3 }.score(), Some(85.0));
        assert_eq!(Ratings { up: 2, down: 1 }.score(), None);
        assert_eq!(Ratings { up: 10, down: 3 }.score(), Some(76.9));
        let none = Problems {
            problems: 3,
            delivered: 0,
        };
        assert_eq!((none.rate(), none.above_limit()), (None, false));
        let at = Problems {
            problems: 5,
            delivered: 100,
        };
        assert_eq!((at.rate(), at.above_limit()), (Some(5.0), false));
        let over = Problems {
            problems: 6,
            delivered: 100,
        };
        assert!(over.above_limit());
    }
}
