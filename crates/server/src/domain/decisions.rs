//! What the desk decides, carried out: approve (refund, whole or by line;
//! replacement; return label), propose something the customer may accept,
//! reject, return received; the customer accepting a proposal; decisions
//! prepared and sent later. Each is one `CaseWrite`: the checks, the
//! change, its events and emails, or nothing.

use claimdesk_shared::wire::Decision;
use claimdesk_shared::{CaseAction, CaseId, EventKind, Outcome, Role, Status};
use serde_json::json;

use super::case_write::{CaseWrite, Recipient};
use super::decision_rules::{check, Checked, Claim};
use super::emails::{self, Amount};
use super::posts::add_message;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::case_tx::Answering;
use crate::user::CurrentUser;

/// Only merchant agents and support decide; to a customer these operations
/// do not exist.
pub fn desk(user: &CurrentUser) -> AppResult<()> {
    if user.role() == Role::Customer {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Checks `decision` against the case being written (its amounts, its
/// claimed lines, then the status machine); returns it checked, with the
/// status it leads to.
pub async fn validate(
    write: &mut CaseWrite<'_>,
    decision: &Decision,
) -> AppResult<(Checked, Status)> {
    let (case_id, order_id) = (write.case.id.0, write.case.order_id);
    let lines = write.tx().claimed_lines(case_id, order_id).await?;
    let claim = Claim {
        claimed_minor: write.case.claimed_value_minor,
        refunded_minor: write.case.refunded_minor,
        lines: &lines,
    };
    let checked = check(decision, &claim)?;
    let to = write.next_status(checked.action)?;
    Ok((checked, to))
}

/// Carries out `decision` on the case being written: the one path of a
/// decision sent alone and of the bulk send of prepared decisions. It
/// clears any prepared decision and any open proposal (a new proposal
/// replaces the open one). `version` is the version the writer saw.
async fn apply(
    write: &mut CaseWrite<'_>,
    decision: &Decision,
    version: i64,
    from_prepared: bool,
) -> AppResult<()> {
    let (checked, to) = validate(write, decision).await?;
    let (id, case_id, now) = (write.case.id, write.case.id.0, write.now);
    let lines = json!(checked.lines);
    let Some(outcome) = checked.outcome else {
        // A proposal: said in the conversation, open until accepted.
        let note = checked.note.clone().unwrap_or_default();
        let offer = checked.offer_minor;
        write
            .tx()
            .record_proposal(case_id, &note, offer, &lines, now)
            .await?;
        let message_id = add_message(write, &note).await?;
        write.event(
            EventKind::ProposalMade,
            json!({ "message_id": message_id, "amount_minor": offer, "note": note, "lines": lines, "prepared": from_prepared }),
        );
        write.set_status(to).await?;
        let order_id = write.case.order_id;
        let currency = write.tx().order_currency(order_id).await?;
        let refund = offer.map(|a| Amount::new(a, &currency));
        let mail = emails::proposal(id, &note, refund);
        let cause = format!("decision:{case_id}:{version}");
        write.notify(Recipient::Customer, mail, cause).await?;
        return Ok(());
    };
    write
        .tx()
        .record_decision(
            case_id,
            outcome,
            checked.refund_minor,
            checked.note.as_deref(),
        )
        .await?;
    write.event(
        EventKind::DecisionMade,
        json!({ "outcome": outcome, "amount_minor": checked.refund_minor, "note": checked.note, "lines": lines, "prepared": from_prepared }),
    );
    write.set_status(to).await?;
    let mail = emails::decision(outcome, id, checked.note.as_deref(), write.case.free_return);
    let cause = format!("decision:{case_id}:{version}");
    write.notify(Recipient::Customer, mail, cause).await?;
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
    answering: Option<Answering<'_>>,
) -> AppResult<Status> {
    let mut write = match answering {
        Some(answering) => CaseWrite::begin_answering(state, user, id, version, answering).await?,
        None => CaseWrite::begin(state, user, id, version).await?,
    };
    match decision {
        Some(decision) => apply(&mut write, decision, version, false).await?,
        None => {
            let Some(stored) = write.tx().prepared_decision(id.0).await? else {
                return Err(AppError::conflict(
                    "no-prepared-decision",
                    "this case has no prepared decision to send",
                ));
            };
            apply(&mut write, &stored.decision(version), version, true).await?;
        }
    }
    let status = write.case.status;
    write.commit().await?;
    Ok(status)
}

/// Sends the prepared decisions of `cases` (id and the version the user
/// saw), each exactly as a decision sent alone and in its own transaction,
/// so a case that is stale, has nothing prepared or refuses the decision
/// does not stop the others. One outcome per case, in order.
pub async fn send_prepared(
    state: &AppState,
    user: &CurrentUser,
    cases: &[(CaseId, i64)],
) -> Vec<(CaseId, AppResult<Status>)> {
    let mut results = Vec::with_capacity(cases.len());
    for &(id, version) in cases {
        let result = decide(state, user, id, version, None, None).await;
        if let Err(AppError::Internal(cause)) = &result {
            tracing::error!(error = ?cause, case = %id, "bulk send failed on a case");
        }
        results.push((id, result));
    }
    results
}

/// The customer accepts the desk's open proposal on case `id` (seen at
/// `version`): the refund it offers (if any) is paid and the case
/// resolves; the merchant is told by email.
pub async fn accept_proposal(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    version: i64,
    answering: Answering<'_>,
) -> AppResult<()> {
    let mut write = CaseWrite::begin_answering(state, user, id, version, answering).await?;
    let case_id = write.case.id.0;
    let proposal = write.tx().open_proposal(case_id).await?;
    let Some(note) = proposal.note else {
        return Err(AppError::conflict(
            "no-proposal",
            "there is no open proposal on this case to accept",
        ));
    };
    let to = write.next_status(CaseAction::CustomerResolves)?;
    let refund = proposal.amount_minor.unwrap_or(0);
    if refund > write.case.claimed_value_minor - write.case.refunded_minor {
        // Cannot happen while every refund closes the case (and closing
        // withdraws the proposal); money is never paid twice regardless.
        return Err(AppError::conflict(
            "transition-refused",
            "the proposal offers more than is left of the claim",
        ));
    }
    write
        .tx()
        .record_decision(case_id, Outcome::ProposalAccepted, refund, Some(&note))
        .await?;
    let lines: serde_json::Value = proposal
        .lines
        .as_deref()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| json!([]));
    write.event(
        EventKind::ProposalAccepted,
        json!({ "outcome": Outcome::ProposalAccepted, "amount_minor": refund, "note": note, "lines": lines }),
    );
    write.set_status(to).await?;
    let order_id = write.case.order_id;
    let currency = write.tx().order_currency(order_id).await?;
    let paid = (refund > 0).then(|| Amount::new(refund, &currency));
    let mail = emails::proposal_accepted(id, &user.name, &note, paid);
    let cause = format!("proposal-accepted:{case_id}:{version}");
    write.notify(Recipient::Merchant, mail, cause).await?;
    write.commit().await
}

/// The returned parcel of case `id` arrived: what is left of the claim is
/// refunded and the case closes.
pub async fn return_received(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    version: i64,
    answering: Answering<'_>,
) -> AppResult<()> {
    let mut write = CaseWrite::begin_answering(state, user, id, version, answering).await?;
    let to = write.next_status(CaseAction::ReturnReceived)?;
    let refund = write.case.claimed_value_minor - write.case.refunded_minor;
    let case_id = write.case.id.0;
    write.tx().record_return_refund(case_id).await?;
    write.event(
        EventKind::ReturnReceived,
        json!({ "outcome": Outcome::ReturnRefund, "amount_minor": refund }),
    );
    write.set_status(to).await?;
    let mail = emails::decision(Outcome::ReturnRefund, id, None, false);
    let cause = format!("return-received:{case_id}");
    write.notify(Recipient::Customer, mail, cause).await?;
    write.commit().await
}

/// Prepares `decision` on case `id`: checked exactly as if it were sent now
/// (the case's status, what is claimed and refunded), then kept for later.
/// Nothing is sent or refunded; a decision prepared before is replaced.
pub async fn prepare(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    decision: &Decision,
) -> AppResult<()> {
    let mut write = CaseWrite::begin(state, user, id, decision.version).await?;
    let (checked, _) = validate(&mut write, decision).await?;
    let stored = checked.stored();
    let (case_id, now) = (write.case.id.0, write.now);
    write
        .tx()
        .set_prepared(case_id, &stored, user.id, now)
        .await?;
    write.event(
        EventKind::DecisionPrepared,
        json!({ "kind": stored.kind, "amount_minor": stored.amount_minor, "note": stored.note, "lines": stored.lines }),
    );
    write.commit().await
}

/// Throws case `id`'s prepared decision away.
pub async fn discard_prepared(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    version: i64,
) -> AppResult<()> {
    let mut write = CaseWrite::begin(state, user, id, version).await?;
    let case_id = write.case.id.0;
    if !write.tx().discard_prepared(case_id).await? {
        return Err(AppError::conflict(
            "no-prepared-decision",
            "this case has no prepared decision to discard",
        ));
    }
    write.event(EventKind::PreparedDiscarded, json!({}));
    write.commit().await
}
