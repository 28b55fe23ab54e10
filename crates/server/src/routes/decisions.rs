//! What the desk decides, and the case's toggles: approve (refund, whole or
//! by line; replacement; return label), propose something the customer may
//! accept, reject, return received, hold, free return; and the customer
//! accepting a proposal.

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use claimdesk_shared::wire::{
    CaseDetail, CaseToggles, Decision, DecisionKind, Problem, RefundLine, TakeHold, Versioned,
};
use claimdesk_shared::{CaseAction, CaseId, EventKind, Outcome, Role, Status};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::CurrentUser;
use crate::case_write::{CaseWrite, Recipient, CLEAR_PREPARED, CLEAR_PROPOSAL};
use crate::error::{ApiJson, ApiResult, AppError};
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::cases::{load_detail, parse_case_id};
use crate::routes::posts::insert_message;
use crate::scope::Scope;
use crate::state::AppState;

/// The longest note a decision may carry.
const MAX_NOTE_CHARS: usize = 2_000;

/// Only merchant agents and support decide; to a customer these routes do not exist.
pub fn desk(user: &CurrentUser) -> ApiResult<()> {
    if user.role() == Role::Customer {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// A line the case claims, with what a refund by line needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedLine {
    pub line_id: i64,
    /// The quantity claimed (at least 1).
    pub quantity: i64,
    pub unit_price_minor: i64,
}

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
fn lines_value(lines: &[RefundLine], claimed: &[ClaimedLine]) -> ApiResult<Option<i64>> {
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
fn amount(decision: &Decision, claim: &Claim<'_>, default: Option<i64>) -> ApiResult<Option<i64>> {
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
pub fn check(decision: &Decision, claim: &Claim<'_>) -> ApiResult<Checked> {
    let note = decision
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(AppError::field(
            "note",
            "too_long",
            format!("at most {MAX_NOTE_CHARS} characters"),
        ));
    }
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

/// What the customer is told, by outcome.
fn customer_mail(
    outcome: Outcome,
    case: &str,
    note: Option<&str>,
    free_return: bool,
) -> (String, String) {
    let extra = note.map(|n| format!("\n\n{n}")).unwrap_or_default();
    let body = match outcome {
        Outcome::Refund => format!("Your claim {case} is approved and refunded.{extra}"),
        Outcome::Replacement => format!("Your claim {case} is approved: a replacement is on its way.{extra}"),
        Outcome::ReturnLabel if free_return => format!("Your claim {case} is approved. Make your free return label in claimdesk, send the item back, and you will be refunded when it arrives.{extra}"),
        Outcome::ReturnLabel => format!("Your claim {case} is approved. Make your return label in claimdesk (postage is yours), send the item back, and you will be refunded when it arrives.{extra}"),
        Outcome::ReturnRefund => format!("We received your return for {case} and refunded you."),
        Outcome::Rejected => format!("Your claim {case} was not approved.{extra}\n\nYou can dispute this within 14 days."),
        Outcome::ProposalAccepted | Outcome::AutoRefund => format!("Your claim {case} is resolved.{extra}"),
    };
    (format!("Update on your claim {case}"), body)
}

/// An amount as an email states it ("649,00 SEK").
fn money(amount_minor: i64, currency: &str) -> String {
    format!(
        "{} {currency}",
        claimdesk_shared::money::amount_input(amount_minor)
    )
}

/// A decision as it is kept while prepared (the `Decision` without its
/// version, its amount resolved), in `cases.prepared_decision`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDecision {
    pub kind: DecisionKind,
    pub amount_minor: Option<i64>,
    pub note: Option<String>,
    #[serde(default)]
    pub lines: Vec<RefundLine>,
}

impl StoredDecision {
    pub fn of(checked: &Checked) -> StoredDecision {
        StoredDecision {
            kind: checked.kind,
            amount_minor: checked.amount_minor(),
            note: checked.note.clone(),
            lines: checked.lines.clone(),
        }
    }

    /// The decision to send, as the version `version`.
    pub fn decision(self, version: i64) -> Decision {
        Decision {
            version,
            kind: self.kind,
            amount_minor: self.amount_minor,
            note: self.note,
            lines: self.lines,
        }
    }
}

/// The lines case `case_id` claims on its order `order_id`.
async fn claimed_lines(
    conn: &mut sqlx::SqliteConnection,
    case_id: i64,
    order_id: i64,
) -> ApiResult<Vec<ClaimedLine>> {
    Ok(sqlx::query_as(
        "SELECT ol.id AS line_id, cl.quantity, ol.unit_price_minor
         FROM case_lines cl JOIN order_lines ol ON ol.id = cl.order_line_id
         WHERE cl.case_id = ? AND ol.order_id = ? AND cl.quantity > 0 ORDER BY ol.id",
    )
    .bind(case_id)
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

/// Checks `decision` against the case being written (its amounts, its
/// claimed lines, then the status machine); returns it checked, with the
/// status it leads to.
pub async fn validate(
    write: &mut CaseWrite<'_>,
    decision: &Decision,
) -> ApiResult<(Checked, Status)> {
    let (case_id, order_id) = (write.case.id.0, write.case.order_id);
    let lines = claimed_lines(write.conn(), case_id, order_id).await?;
    let claim = Claim {
        claimed_minor: write.case.claimed_value_minor,
        refunded_minor: write.case.refunded_minor,
        lines: &lines,
    };
    let checked = check(decision, &claim)?;
    let to = write.next_status(checked.action)?;
    Ok((checked, to))
}

/// Carries out `decision` on the case being written: the one path of
/// `POST /cases/{id}/decision` and of the bulk send of prepared decisions.
/// It clears any prepared decision and any open proposal (a new proposal
/// replaces the open one). `version` is the version the writer saw.
async fn apply(
    write: &mut CaseWrite<'_>,
    decision: &Decision,
    version: i64,
    from_prepared: bool,
) -> ApiResult<()> {
    let (checked, to) = validate(write, decision).await?;
    let (id, case_id) = (write.case.id, write.case.id.0);
    let lines = json!(checked.lines);
    let Some(outcome) = checked.outcome else {
        // A proposal: said in the conversation, open until accepted.
        let note = checked.note.clone().unwrap_or_default();
        let (now, offer) = (write.now, checked.offer_minor);
        sqlx::query(&format!(
            "UPDATE cases SET proposal_note = ?, proposal_amount_minor = ?, proposal_lines = ?,
                proposal_made_at = ?, {CLEAR_PREPARED} WHERE id = ?"
        ))
        .bind(&note)
        .bind(offer)
        .bind(lines.to_string())
        .bind(now)
        .bind(case_id)
        .execute(write.conn())
        .await?;
        let message_id = insert_message(write, &note).await?;
        write
            .event(
                EventKind::ProposalMade,
                json!({ "message_id": message_id, "amount_minor": offer, "note": note, "lines": lines, "prepared": from_prepared }),
            );
        write.set_status(to).await?;
        let currency: String = sqlx::query_scalar("SELECT currency FROM orders WHERE id = ?")
            .bind(write.case.order_id)
            .fetch_one(write.conn())
            .await?;
        let refund = offer
            .map(|a| format!(" Accepting it refunds you {}.", money(a, &currency)))
            .unwrap_or_default();
        write
            .notify(
                Recipient::Customer,
                "proposal",
                format!("A proposal for your claim {id}"),
                format!("We propose for your claim {id}:\n\n{note}\n\nAccept it in claimdesk to resolve your claim.{refund} You can also reply in the conversation."),
                format!("decision:{case_id}:{version}"),
            )
            .await?;
        return Ok(());
    };
    sqlx::query(&format!(
        "UPDATE cases SET outcome = ?, refunded_minor = refunded_minor + ?, decision_note = ?,
            {CLEAR_PREPARED}, {CLEAR_PROPOSAL} WHERE id = ?"
    ))
    .bind(outcome.as_str())
    .bind(checked.refund_minor)
    .bind(&checked.note)
    .bind(case_id)
    .execute(write.conn())
    .await?;
    write
        .event(
            EventKind::DecisionMade,
            json!({ "outcome": outcome, "amount_minor": checked.refund_minor, "note": checked.note, "lines": lines, "prepared": from_prepared }),
        );
    write.set_status(to).await?;
    let (subject, body) = customer_mail(
        outcome,
        &id.to_string(),
        checked.note.as_deref(),
        write.case.free_return,
    );
    write
        .notify(
            Recipient::Customer,
            "decision",
            subject,
            body,
            format!("decision:{case_id}:{version}"),
        )
        .await?;
    Ok(())
}

/// Decides case `id` as `user`, who saw `version`: `decision`, or, when
/// `None`, the decision prepared on the case (a 409 `no-prepared-decision`
/// without one). One transaction, which also records `answering` (the
/// request's key and fingerprint: see `CaseWrite::begin_answering`); returns the
/// status the case moved to.
pub async fn decide(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    version: i64,
    decision: Option<&Decision>,
    answering: Option<(&IdempotencyKey, &str)>,
) -> ApiResult<Status> {
    let mut write = match answering {
        Some((key, hash)) => {
            CaseWrite::begin_answering(state, user, id, version, key, hash).await?
        }
        None => CaseWrite::begin(state, user, id, version).await?,
    };
    match decision {
        Some(decision) => apply(&mut write, decision, version, false).await?,
        None => {
            let stored: Option<String> =
                sqlx::query_scalar("SELECT prepared_decision FROM cases WHERE id = ?")
                    .bind(id.0)
                    .fetch_one(write.conn())
                    .await?;
            let Some(stored) = stored else {
                return Err(AppError::conflict(
                    "no-prepared-decision",
                    "this case has no prepared decision to send",
                ));
            };
            let stored: StoredDecision =
                serde_json::from_str(&stored).map_err(|e| AppError::Internal(e.into()))?;
            apply(&mut write, &stored.decision(version), version, true).await?;
        }
    }
    let status = write.case.status;
    write.commit().await?;
    Ok(status)
}

/// Approves, rejects or proposes; the customer is told by email.
#[utoipa::path(post, path = "/api/v1/cases/{id}/decision", tag = "decisions", request_body = Decision,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decision_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Decision>,
) -> ApiResult<Response> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let hash = idempotency::fingerprint(&format!("POST decision {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        decide(
            &state,
            &user,
            id,
            input.version,
            Some(&input),
            Some((&key, &hash)),
        )
        .await?;
        load_detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// The customer accepts the desk's open proposal: the refund it offers (if
/// any) is paid and the case resolves. The merchant is told by email.
#[utoipa::path(post, path = "/api/v1/cases/{id}/proposal/accept", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn proposal_accept(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> ApiResult<Response> {
    let id = parse_case_id(&id)?;
    // Only the customer accepts; to the desk this route does not exist.
    if user.role() != Role::Customer {
        return Err(AppError::NotFound);
    }
    let hash = idempotency::fingerprint(&format!("POST proposal/accept {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        let mut write =
            CaseWrite::begin_answering(&state, &user, id, input.version, &key, &hash).await?;
        let case_id = write.case.id.0;
        let (note, offer, lines): (Option<String>, Option<i64>, Option<String>) = sqlx::query_as(
            "SELECT proposal_note, proposal_amount_minor, proposal_lines FROM cases WHERE id = ?",
        )
        .bind(case_id)
        .fetch_one(write.conn())
        .await?;
        let Some(note) = note else {
            return Err(AppError::conflict(
                "no-proposal",
                "there is no open proposal on this case to accept",
            ));
        };
        let to = write.next_status(CaseAction::CustomerResolves)?;
        let refund = offer.unwrap_or(0);
        if refund > write.case.claimed_value_minor - write.case.refunded_minor {
            // Cannot happen while every refund closes the case (and closing
            // withdraws the proposal); money is never paid twice regardless.
            return Err(AppError::conflict(
                "transition-refused",
                "the proposal offers more than is left of the claim",
            ));
        }
        sqlx::query(&format!(
            "UPDATE cases SET outcome = ?, refunded_minor = refunded_minor + ?, decision_note = ?,
                {CLEAR_PROPOSAL}, {CLEAR_PREPARED} WHERE id = ?"
        ))
        .bind(Outcome::ProposalAccepted.as_str())
        .bind(refund)
        .bind(&note)
        .bind(case_id)
        .execute(write.conn())
        .await?;
        let lines: serde_json::Value = lines
            .as_deref()
            .and_then(|l| serde_json::from_str(l).ok())
            .unwrap_or_else(|| json!([]));
        write
            .event(
                EventKind::ProposalAccepted,
                json!({ "outcome": Outcome::ProposalAccepted, "amount_minor": refund, "note": note, "lines": lines }),
            );
        write.set_status(to).await?;
        let currency: String = sqlx::query_scalar("SELECT currency FROM orders WHERE id = ?")
            .bind(write.case.order_id)
            .fetch_one(write.conn())
            .await?;
        let paid = if refund > 0 {
            format!(" The customer was refunded {}.", money(refund, &currency))
        } else {
            String::new()
        };
        write
            .notify(
                Recipient::Merchant,
                "proposal_accepted",
                format!("Case {id}: the customer accepted your proposal"),
                format!("{} accepted your proposal on case {id}, which is now resolved.{paid}\n\n{note}", user.name),
                format!("proposal-accepted:{case_id}:{}", input.version),
            )
            .await?;
        write.commit().await?;
        load_detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// The returned parcel arrived: refund what is left of the claim and close.
#[utoipa::path(post, path = "/api/v1/cases/{id}/return-received", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn return_received(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> ApiResult<Response> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let hash = idempotency::fingerprint(&format!("POST return-received {id}"), &input);
    idempotency::once_on_case(&state, &user, &key, hash.clone(), async {
        let mut write =
            CaseWrite::begin_answering(&state, &user, id, input.version, &key, &hash).await?;
        let to = write.next_status(CaseAction::ReturnReceived)?;
        let refund = write.case.claimed_value_minor - write.case.refunded_minor;
        let case_id = write.case.id.0;
        sqlx::query("UPDATE cases SET outcome = 'return_refund', refunded_minor = claimed_value_minor WHERE id = ?")
            .bind(case_id)
            .execute(write.conn())
            .await?;
        write.event(EventKind::ReturnReceived, json!({ "outcome": Outcome::ReturnRefund, "amount_minor": refund }));
        write.set_status(to).await?;
        let (subject, body) = customer_mail(Outcome::ReturnRefund, &id.to_string(), None, false);
        write.notify(Recipient::Customer, "decision", subject, body, format!("return-received:{case_id}")).await?;
        write.commit().await?;
        load_detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// Takes the case, so colleagues see who is on it. Taking it from a
/// colleague needs `take_over`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/hold", tag = "decisions", request_body = TakeHold,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn hold_take(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TakeHold>,
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
    if write.case.status.is_closed() {
        return Err(AppError::conflict(
            "transition-refused",
            "a closed case cannot be held",
        ));
    }
    let kind = match write.case.held_by {
        Some(holder) if holder == user.id => {
            return Err(AppError::conflict(
                "already-held",
                "you already hold this case",
            ))
        }
        Some(_) if !input.take_over => {
            return Err(AppError::conflict(
                "held-by-other",
                "a colleague holds this case; take it over explicitly",
            ))
        }
        Some(_) => EventKind::TakenOver,
        None => EventKind::Held,
    };
    let (case_id, me) = (write.case.id.0, user.id);
    sqlx::query("UPDATE cases SET held_by = ? WHERE id = ?")
        .bind(me)
        .bind(case_id)
        .execute(write.conn())
        .await?;
    write.event(kind, json!({ "from": serde_json::Value::Null }));
    write.commit().await?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
}

/// Lets go of a case one holds.
#[utoipa::path(post, path = "/api/v1/cases/{id}/release", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn hold_release(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
    if write.case.held_by != Some(user.id) {
        return Err(AppError::conflict(
            "not-held-by-you",
            "only the agent holding a case can release it",
        ));
    }
    let case_id = write.case.id.0;
    sqlx::query("UPDATE cases SET held_by = NULL WHERE id = ?")
        .bind(case_id)
        .execute(write.conn())
        .await?;
    write.event(EventKind::Released, json!({}));
    write.commit().await?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
}

/// Sets the case's toggles (free return).
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "decisions", request_body = CaseToggles,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn case_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CaseToggles>,
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
    if write.case.status.is_closed() {
        return Err(AppError::conflict(
            "transition-refused",
            "a closed case cannot be changed",
        ));
    }
    if write.case.free_return != input.free_return {
        let case_id = write.case.id.0;
        sqlx::query("UPDATE cases SET free_return = ? WHERE id = ?")
            .bind(input.free_return)
            .bind(case_id)
            .execute(write.conn())
            .await?;
        let kind = if input.free_return {
            EventKind::FreeReturnOn
        } else {
            EventKind::FreeReturnOff
        };
        write.event(kind, json!({}));
    }
    write.commit().await?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
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
    fn field_of(result: ApiResult<Checked>) -> Result<(Option<Outcome>, i64), String> {
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
        let stored = StoredDecision::of(&checked);
        assert_eq!(stored.amount_minor, Some(10_000));
        let again = check(&stored.decision(2), &claim).unwrap();
        assert_eq!(
            again, checked,
            "a prepared decision checks as it was prepared"
        );
    }
}
