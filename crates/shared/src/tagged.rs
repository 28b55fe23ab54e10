//! Reading the internally tagged enums of the wire (`{"kind": "…", …}`)
//! through a flat struct. Serde's own derive for internally tagged enums
//! buffers the whole object in a generic `Content` tree first, which costs
//! the SPA several KB of download for two small enums (BENCHMARKS.md). The
//! JSON is the same either way; serialising still uses the derive.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::case_id::CaseId;
use crate::wire::{CaseAlert, OnBreach};

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    HighValue,
    RepeatClaimant,
    FreeExchange,
    LowSatisfaction,
    SamePhoto,
}

/// Every field a `CaseAlert` may have.
#[derive(Deserialize)]
pub struct RawAlert {
    kind: AlertKind,
    order_total_minor: Option<i64>,
    threshold_minor: Option<i64>,
    other_cases: Option<i64>,
    score_percent: Option<i64>,
    down: Option<i64>,
    of: Option<i64>,
    other_case: Option<CaseId>,
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    sent_at: Option<DateTime<Utc>>,
    same_customer: Option<bool>,
}

impl TryFrom<RawAlert> for CaseAlert {
    type Error = &'static str;

    fn try_from(raw: RawAlert) -> Result<Self, Self::Error> {
        Ok(match raw.kind {
            AlertKind::HighValue => CaseAlert::HighValue {
                order_total_minor: raw.order_total_minor.ok_or("missing order_total_minor")?,
                threshold_minor: raw.threshold_minor.ok_or("missing threshold_minor")?,
            },
            AlertKind::RepeatClaimant => CaseAlert::RepeatClaimant {
                other_cases: raw.other_cases.ok_or("missing other_cases")?,
            },
            AlertKind::FreeExchange => CaseAlert::FreeExchange,
            AlertKind::LowSatisfaction => CaseAlert::LowSatisfaction {
                score_percent: raw.score_percent.ok_or("missing score_percent")?,
                down: raw.down.ok_or("missing down")?,
                of: raw.of.ok_or("missing of")?,
            },
            AlertKind::SamePhoto => CaseAlert::SamePhoto {
                other_case: raw.other_case,
                sent_at: raw.sent_at.ok_or("missing sent_at")?,
                same_customer: raw.same_customer.ok_or("missing same_customer")?,
            },
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachAction {
    AutoRefund,
    Escalate,
}

/// Every field an `OnBreach` may have.
#[derive(Deserialize)]
pub struct RawBreach {
    action: BreachAction,
    amount_minor: Option<i64>,
}

impl TryFrom<RawBreach> for OnBreach {
    type Error = &'static str;

    fn try_from(raw: RawBreach) -> Result<Self, Self::Error> {
        Ok(match raw.action {
            BreachAction::AutoRefund => OnBreach::AutoRefund {
                amount_minor: raw.amount_minor.ok_or("missing amount_minor")?,
            },
            BreachAction::Escalate => OnBreach::Escalate,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::wire::{CaseAlert, OnBreach};

    /// What the derive writes is what the flat reader reads back.
    #[test]
    fn round_trips_and_refuses_missing_fields() {
        for breach in [
            OnBreach::AutoRefund {
                amount_minor: 64_900,
            },
            OnBreach::Escalate,
        ] {
            let json = serde_json::to_string(&breach).unwrap();
            assert_eq!(serde_json::from_str::<OnBreach>(&json).unwrap(), breach);
        }
        for alert in [
            CaseAlert::HighValue {
                order_total_minor: 90_000,
                threshold_minor: 80_000,
            },
            CaseAlert::RepeatClaimant { other_cases: 2 },
            CaseAlert::LowSatisfaction {
                score_percent: 70,
                down: 3,
                of: 10,
            },
            CaseAlert::SamePhoto {
                other_case: Some(crate::CaseId(10_412)),
                sent_at: "2026-11-12T09:30:00Z".parse().unwrap(),
                same_customer: false,
            },
            CaseAlert::SamePhoto {
                other_case: None,
                sent_at: "2026-11-12T09:30:00Z".parse().unwrap(),
                same_customer: true,
            },
        ] {
            let json = serde_json::to_string(&alert).unwrap();
            assert_eq!(serde_json::from_str::<CaseAlert>(&json).unwrap(), alert);
        }
        assert_eq!(
            serde_json::to_string(&OnBreach::AutoRefund { amount_minor: 1 }).unwrap(),
            r#"{"action":"auto_refund","amount_minor":1}"#
        );
        assert!(serde_json::from_str::<OnBreach>(r#"{"action":"auto_refund"}"#).is_err());
        assert!(serde_json::from_str::<OnBreach>(r#"{"action":"shrug"}"#).is_err());
        assert!(
            serde_json::from_str::<CaseAlert>(r#"{"kind":"high_value","threshold_minor":1}"#)
                .is_err()
        );
    }
}
