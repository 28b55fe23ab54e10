//! The checks of a decision, pure: a refund (or a refund offered) is never
//! more than what is left of the claimed value, lines are lines the case
//! claims, a rejection and a proposal say why in words. Table-tested below.

use std::collections::HashSet;

use claimdesk_shared::wire::{Decision, DecisionKind, RefundLine};
use claimdesk_shared::{CaseAction, Outcome};

use crate::error::{AppError, AppResult};
use crate::store::case_tx::{ClaimedLine, StoredDecision};

/// The longest note a decision may carry.
const MAX_NOTE_CHARS: usize = 2_000;

/// What a decision is checked against: the claimed value, what is refunded
/// of it already, and the claimed lines.
#[derive(Clone, Copy, Debug)]
pub struct Claim<'a> {
    pub claimed_minor: i64,
    pub refunded_minor: i64,
    pub lines: &'a [ClaimedLine],
}

impl Claim<'_> {
    /// What is left of the claimed value to refund.
    fn left(&self) -> i64 {
        self.claimed_minor - self.refunded_minor
    }
}

/// The checked parts of a decision: the status action, the outcome, the
/// amount refunded now (or offered), the note for the customer and the
/// lines it names.
#[derive(Debug, PartialEq, Eq)]
pub struct Checked {
    pub kind: DecisionKind,
    pub action: CaseAction,
    /// `None` for a proposal: nothing is decided until the customer accepts.
    pub outcome: Option<Outcome>,
    /// Refunded now.
    pub refund_minor: i64,
    /// Proposals: the refund accepting pays, if any.
    pub offer_minor: Option<i64>,
    pub note: Option<String>,
    pub lines: Vec<RefundLine>,
}

impl Checked {
    /// The amount the decision is about: refunded now, or offered.
    pub fn amount_minor(&self) -> Option<i64> {
        match self.kind {
            DecisionKind::Refund => Some(self.refund_minor),
            _ => self.offer_minor,
        }
    }
}

/// The value of `lines` (each a line the case claims, at most its claimed
/// quantity, none twice), or `None` when no lines are named.
fn lines_value(lines: &[RefundLine], claimed: &[ClaimedLine]) -> AppResult<Option<i64>> {
    if lines.is_empty() {
        return Ok(None);
    }
    let mut seen = HashSet::new();
    let mut sum = 0i64;
    for line in lines {
        let Some(claim) = claimed.iter().find(|c| c.line_id == line.line_id) else {
            return Err(AppError::field(
                "lines",
                "unknown_line",
                format!("line {} is not a line this case claims", line.line_id),
            ));
        };
        if !seen.insert(line.line_id) {
            return Err(AppError::field(
                "lines",
                "duplicate",
                format!("line {} is named twice", line.line_id),
            ));
        }
        if !(1..=claim.quantity).contains(&line.quantity) {
            return Err(AppError::field(
                "lines",
                "out_of_range",
                format!(
                    "line {}: a quantity from 1 to the {} claimed",
                    line.line_id, claim.quantity
                ),
            ));
        }
        // Bounded by the checks above: quantities are small and prices
        // are the order's own.
        sum = sum.saturating_add(line.quantity.saturating_mul(claim.unit_price_minor));
    }
    Ok(Some(sum))
}

/// The amount a refund or an offer is about: the value of the lines when
/// some are named (`amount_minor`, when also sent, must equal it), else
/// `amount_minor`, else `default`. Never more than what is left of the claim.
fn amount(decision: &Decision, claim: &Claim<'_>, default: Option<i64>) -> AppResult<Option<i64>> {
    let left = claim.left();
    if let Some(sum) = lines_value(&decision.lines, claim.lines)? {
        if decision.amount_minor.is_some_and(|a| a != sum) {
            return Err(AppError::field(
                "amount_minor",
                "mismatch",
                format!("the lines come to {sum} (minor units); send that amount or none"),
            ));
        }
        if sum <= 0 {
            return Err(AppError::field(
                "lines",
                "out_of_range",
                "the lines are worth nothing to refund",
            ));
        }
        if sum > left {
            return Err(AppError::field(
                "lines",
                "over_claimed",
                format!("the lines come to {sum}, more than the claimed value still open: {left} (minor units)"),
            ));
        }
        return Ok(Some(sum));
    }
    let amount = decision.amount_minor.or(default);
    if let Some(amount) = amount {
        if amount <= 0 {
            return Err(AppError::field(
                "amount_minor",
                "out_of_range",
                "refund a positive amount",
            ));
        }
        if amount > left {
            return Err(AppError::field(
                "amount_minor",
                "over_claimed",
                format!("at most the claimed value still open: {left} (minor units)"),
            ));
        }
    }
    Ok(amount)
}

/// Validates a decision against what the case claims and has refunded.
/// A refund (or a refund offered) is never more than what is left of the
/// claimed value.
pub fn check(decision: &Decision, claim: &Claim<'_>) -> AppResult<Checked> {
    let note = super::text::optional("note", decision.note.as_deref(), MAX_NOTE_CHARS)?;
    let by_line = matches!(decision.kind, DecisionKind::Refund | DecisionKind::Proposal);
    if !by_line && !decision.lines.is_empty() {
        return Err(AppError::field(
            "lines",
            "not_allowed",
            "only a refund or a proposal names lines",
        ));
    }
    let decided = |action, outcome| Checked {
        kind: decision.kind,
        action,
        outcome: Some(outcome),
        refund_minor: 0,
        offer_minor: None,
        note: note.clone(),
        lines: Vec::new(),
    };
    Ok(match decision.kind {
        DecisionKind::Refund => {
            let refund = amount(decision, claim, Some(claim.left()))?.unwrap_or_default();
            Checked {
                refund_minor: refund,
                lines: decision.lines.clone(),
                ..decided(CaseAction::ApproveAndClose, Outcome::Refund)
            }
        }
        DecisionKind::Replacement => decided(CaseAction::ApproveAndClose, Outcome::Replacement),
        DecisionKind::ReturnLabel => decided(CaseAction::ApproveWithReturn, Outcome::ReturnLabel),
        DecisionKind::Reject => {
            if note.is_none() {
                return Err(AppError::field("note", "required", "tell the customer why"));
            }
            decided(CaseAction::Reject, Outcome::Rejected)
        }
        DecisionKind::Proposal => {
            if note.is_none() {
                return Err(AppError::field(
                    "note",
                    "required",
                    "write what you propose to the customer",
                ));
            }
            Checked {
                kind: DecisionKind::Proposal,
                action: CaseAction::MessageToCustomer,
                outcome: None,
                refund_minor: 0,
                offer_minor: amount(decision, claim, None)?,
                note,
                lines: decision.lines.clone(),
            }
        }
    })
}

impl Checked {
    /// The decision as it is kept while prepared.
    pub fn stored(&self) -> StoredDecision {
        StoredDecision {
            kind: self.kind,
            amount_minor: self.amount_minor(),
            note: self.note.clone(),
            lines: self.lines.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claimed lines of the table: two of line 1 at 100.00, one of
    /// line 2 at 449.00 (claimed value 649.00).
    const LINES: [ClaimedLine; 2] = [
        ClaimedLine {
            line_id: 1,
            quantity: 2,
            unit_price_minor: 10_000,
        },
        ClaimedLine {
            line_id: 2,
            quantity: 1,
            unit_price_minor: 44_900,
        },
    ];

    fn decision(kind: DecisionKind, amount_minor: Option<i64>, note: Option<&str>) -> Decision {
        Decision {
            version: 1,
            kind,
            amount_minor,
            note: note.map(str::to_owned),
            lines: Vec::new(),
        }
    }

    fn by_line(kind: DecisionKind, amount_minor: Option<i64>, lines: &[(i64, i64)]) -> Decision {
        Decision {
            lines: lines
                .iter()
                .map(|&(line_id, quantity)| RefundLine { line_id, quantity })
                .collect(),
            ..decision(kind, amount_minor, Some("As agreed"))
        }
    }

    /// The outcome and the amount (refunded, or offered for a proposal).
    fn field_of(result: AppResult<Checked>) -> Result<(Option<Outcome>, i64), String> {
        match result {
            Ok(c) => Ok((c.outcome, c.amount_minor().unwrap_or(0))),
            Err(AppError::Validation(errors)) => {
                Err(format!("{}:{}", errors[0].field, errors[0].code))
            }
            Err(other) => Err(other.to_string()),
        }
    }

    #[test]
    fn refunds_never_exceed_what_is_claimed() {
        use DecisionKind::{Proposal, Refund, Reject, Replacement, ReturnLabel};
        let refund = Some(Outcome::Refund);
        let err = |s: &str| Err(s.to_owned());
        let table = [
            (
                decision(Refund, None, None),
                64_900,
                0,
                Ok((refund, 64_900)),
            ),
            (
                decision(Refund, Some(20_000), None),
                64_900,
                0,
                Ok((refund, 20_000)),
            ),
            (
                decision(Refund, Some(64_901), None),
                64_900,
                0,
                err("amount_minor:over_claimed"),
            ),
            (
                decision(Refund, Some(50_000), None),
                64_900,
                20_000,
                err("amount_minor:over_claimed"),
            ),
            (
                decision(Refund, None, None),
                64_900,
                20_000,
                Ok((refund, 44_900)),
            ),
            (
                decision(Refund, Some(0), None),
                64_900,
                0,
                err("amount_minor:out_of_range"),
            ),
            (
                decision(Refund, Some(-5), None),
                64_900,
                0,
                err("amount_minor:out_of_range"),
            ),
            (
                decision(Reject, None, None),
                64_900,
                0,
                err("note:required"),
            ),
            (
                decision(Reject, None, Some("   ")),
                64_900,
                0,
                err("note:required"),
            ),
            (
                decision(Reject, None, Some("Worn by use")),
                64_900,
                0,
                Ok((Some(Outcome::Rejected), 0)),
            ),
            (
                decision(Replacement, None, None),
                64_900,
                0,
                Ok((Some(Outcome::Replacement), 0)),
            ),
            (
                decision(ReturnLabel, None, None),
                64_900,
                0,
                Ok((Some(Outcome::ReturnLabel), 0)),
            ),
            // By line: the sum of quantity × unit price.
            (
                by_line(Refund, None, &[(1, 1)]),
                64_900,
                0,
                Ok((refund, 10_000)),
            ),
            (
                by_line(Refund, None, &[(1, 2), (2, 1)]),
                64_900,
                0,
                Ok((refund, 64_900)),
            ),
            (
                by_line(Refund, Some(54_900), &[(2, 1), (1, 1)]),
                64_900,
                0,
                Ok((refund, 54_900)),
            ),
            (
                by_line(Refund, Some(10_001), &[(1, 1)]),
                64_900,
                0,
                err("amount_minor:mismatch"),
            ),
            (
                by_line(Refund, None, &[(3, 1)]),
                64_900,
                0,
                err("lines:unknown_line"),
            ),
            (
                by_line(Refund, None, &[(1, 3)]),
                64_900,
                0,
                err("lines:out_of_range"),
            ),
            (
                by_line(Refund, None, &[(1, 0)]),
                64_900,
                0,
                err("lines:out_of_range"),
            ),
            (
                by_line(Refund, None, &[(1, -1)]),
                64_900,
                0,
                err("lines:out_of_range"),
            ),
            (
                by_line(Refund, None, &[(1, 1), (1, 1)]),
                64_900,
                0,
                err("lines:duplicate"),
            ),
            // Never more than what is left of the claim.
            (
                by_line(Refund, None, &[(2, 1)]),
                64_900,
                30_000,
                err("lines:over_claimed"),
            ),
            (
                by_line(Refund, None, &[(1, 2)]),
                64_900,
                44_900,
                Ok((refund, 20_000)),
            ),
            // Only refunds and proposals name lines.
            (
                by_line(Reject, None, &[(1, 1)]),
                64_900,
                0,
                err("lines:not_allowed"),
            ),
            (
                by_line(Replacement, None, &[(1, 1)]),
                64_900,
                0,
                err("lines:not_allowed"),
            ),
            // A proposal needs the offer in words; a refund offered is
            // checked like a refund.
            (
                decision(Proposal, None, None),
                64_900,
                0,
                err("note:required"),
            ),
            (
                decision(Proposal, None, Some("A 20 % discount code")),
                64_900,
                0,
                Ok((None, 0)),
            ),
            (
                decision(Proposal, Some(15_000), Some("Keep it, 150 kr back")),
                64_900,
                0,
                Ok((None, 15_000)),
            ),
            (
                decision(Proposal, Some(64_901), Some("All of it and more")),
                64_900,
                0,
                err("amount_minor:over_claimed"),
            ),
            (
                decision(Proposal, Some(0), Some("Nothing")),
                64_900,
                0,
                err("amount_minor:out_of_range"),
            ),
            (
                by_line(Proposal, None, &[(2, 1)]),
                64_900,
                0,
                Ok((None, 44_900)),
            ),
            (
                by_line(Proposal, Some(1), &[(2, 1)]),
                64_900,
                0,
                err("amount_minor:mismatch"),
            ),
            (
                by_line(Proposal, None, &[(9, 1)]),
                64_900,
                0,
                err("lines:unknown_line"),
            ),
        ];
        for (input, claimed, refunded, expected) in table {
            let claim = Claim {
                claimed_minor: claimed,
                refunded_minor: refunded,
                lines: &LINES,
            };
            assert_eq!(field_of(check(&input, &claim)), expected, "{input:?}");
        }
    }

    #[test]
    fn a_proposal_parks_the_case_and_decides_nothing_yet() {
        let claim = Claim {
            claimed_minor: 64_900,
            refunded_minor: 0,
            lines: &LINES,
        };
        let checked = check(&by_line(DecisionKind::Proposal, None, &[(1, 1)]), &claim).unwrap();
        assert_eq!(checked.action, CaseAction::MessageToCustomer);
        assert_eq!(
            checked.refund_minor, 0,
            "nothing is refunded until accepted"
        );
        assert_eq!(checked.offer_minor, Some(10_000));
        assert_eq!(checked.note.as_deref(), Some("As agreed"));
        let stored = checked.stored();
        assert_eq!(stored.amount_minor, Some(10_000));
        let again = check(&stored.decision(2), &claim).unwrap();
        assert_eq!(
            again, checked,
            "a prepared decision checks as it was prepared"
        );
    }
}
