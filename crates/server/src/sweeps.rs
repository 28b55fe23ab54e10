//! Rules that act by themselves when time runs out. Each sweep takes its
//! clock as a parameter (tests move time; the server passes the wall clock
//! every minute), is idempotent (a second run finds nothing left to do), and
//! changes every case through `CaseWrite`, so events, payout and emails
//! follow exactly as when a person acts.

use chrono::{DateTime, Duration, Utc};
use claimdesk_shared::{CaseAction, CaseId, EventKind, Outcome};
use serde_json::json;

use crate::case_write::{CaseWrite, Recipient};
use crate::error::{ApiResult, AppError};
use crate::state::AppState;

/// How long a case waits for the customer's reply before it closes.
pub const NO_REPLY_DAYS: i64 = 14;

/// Closes as rejected ("no reply") every case that has waited
/// `NO_REPLY_DAYS` for the customer since it was last parked on them.
/// Returns the cases it closed.
pub async fn close_unanswered(state: &AppState, now: DateTime<Utc>) -> ApiResult<Vec<CaseId>> {
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.version FROM cases c
         WHERE c.status = 'awaiting_customer'
           AND (SELECT MAX(e.created_at) FROM events e
                WHERE e.case_id = c.id AND e.kind = 'status_changed'
                  AND json_extract(e.data, '$.to') = 'awaiting_customer') <= ?
         ORDER BY c.id",
    )
    .bind(now - Duration::days(NO_REPLY_DAYS))
    .fetch_all(&state.db)
    .await?;
    let mut closed = Vec::new();
    for (id, version) in due {
        match close_one(state, CaseId(id), version, now).await {
            Ok(()) => closed.push(CaseId(id)),
            // Someone acted on the case since we looked (the customer
            // replied, an agent decided): it is no longer ours to close.
            Err(AppError::Conflict { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(closed)
}

async fn close_one(
    state: &AppState,
    id: CaseId,
    version: i64,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut write = CaseWrite::begin_system(state, id, version, now).await?;
    let to = write.next_status(CaseAction::NoReplyTimeout)?;
    let note = format!("No reply from the customer within {NO_REPLY_DAYS} days.");
    sqlx::query("UPDATE cases SET outcome = 'rejected', decision_note = ? WHERE id = ?")
        .bind(&note)
        .bind(id.0)
        .execute(write.conn())
        .await?;
    write
        .event(
            EventKind::DecisionMade,
            json!({ "outcome": Outcome::Rejected, "reason": "no_reply" }),
        )
        .await?;
    write.set_status(to).await?;
    write
        .notify(
            Recipient::Customer,
            "no_reply",
            format!("Your claim {id} was closed"),
            format!("We did not hear back from you for {NO_REPLY_DAYS} days, so claim {id} is closed. You can dispute this within 14 days."),
            format!("no-reply:{}:{version}", id.0),
        )
        .await?;
    write.commit().await
}

/// Runs the sweeps every minute on the wall clock, for as long as the
/// server runs. Failures are logged and retried on the next tick.
pub async fn run_forever(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = Utc::now();
        match act_on_breaches(&state, now).await {
            Ok(acted) if !acted.is_empty() => {
                tracing::info!(count = acted.len(), "acted on missed response times")
            }
            Ok(_) => {}
            Err(error) => tracing::error!(?error, "the response-time sweep failed"),
        }
        match close_unanswered(&state, now).await {
            Ok(closed) if !closed.is_empty() => {
                tracing::info!(count = closed.len(), "closed cases without a reply")
            }
            Ok(_) => {}
            Err(error) => tracing::error!(?error, "the no-reply sweep failed"),
        }
    }
}

/// What the response clock does to a case when it runs out (the API's
/// `OnBreach`): refund automatically, or escalate.
pub use claimdesk_shared::wire::OnBreach as Breach;

/// Acts on every case whose response clock has run out at `now`: refunds it
/// automatically when what is claimed is at most the marketplace's cap,
/// escalates it to the platform otherwise, and tells the merchant (and, for
/// a refund, the customer). Returns what it did.
pub async fn act_on_breaches(
    state: &AppState,
    now: DateTime<Utc>,
) -> ApiResult<Vec<(CaseId, Breach)>> {
    use crate::sla::clock::{ClockRow, CLOCK_COLUMNS};

    let running: Vec<ClockRow> = sqlx::query_as(&format!(
        "{CLOCK_COLUMNS} WHERE c.status IN ('submitted', 'awaiting_merchant') ORDER BY c.id"
    ))
    .fetch_all(&state.db)
    .await?;
    let mut acted = Vec::new();
    for row in running {
        let clock = row.clock(state, now).await?;
        if !clock.breached(now) {
            continue;
        }
        let id = CaseId(clock.id());
        match act(
            state,
            id,
            clock.version(),
            now,
            clock.on_breach,
            clock.currency(),
        )
        .await
        {
            Ok(()) => acted.push((id, clock.on_breach)),
            // Someone answered or decided since we looked: nothing to do.
            Err(AppError::Conflict { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(acted)
}

async fn act(
    state: &AppState,
    id: CaseId,
    version: i64,
    now: DateTime<Utc>,
    breach: Breach,
    currency: &str,
) -> ApiResult<()> {
    let mut write = CaseWrite::begin_system(state, id, version, now).await?;
    match breach {
        Breach::AutoRefund { amount_minor } => {
            let to = write.next_status(CaseAction::AutoRefund)?;
            sqlx::query("UPDATE cases SET outcome = 'auto_refund', refunded_minor = refunded_minor + ? WHERE id = ?")
                .bind(amount_minor)
                .bind(id.0)
                .execute(write.conn())
                .await?;
            write.event(EventKind::DecisionMade, json!({ "outcome": Outcome::AutoRefund, "amount_minor": amount_minor, "reason": "response_time" })).await?;
            write.set_status(to).await?;
            let amount = format!(
                "{} {currency}",
                claimdesk_shared::money::amount_input(amount_minor)
            );
            write
                .notify(
                    Recipient::Merchant,
                    "breach_refunded",
                    format!("Case {id} was refunded automatically"),
                    format!("Case {id} was not answered in time, so the customer was refunded {amount} automatically."),
                    format!("breach:{}:{version}:merchant", id.0),
                )
                .await?;
            write
                .notify(
                    Recipient::Customer,
                    "decision",
                    format!("Update on your claim {id}"),
                    format!("Your claim {id} is resolved: you were refunded {amount}."),
                    format!("breach:{}:{version}:customer", id.0),
                )
                .await?;
        }
        Breach::Escalate => {
            let to = write.next_status(CaseAction::Escalate)?;
            sqlx::query("UPDATE cases SET handler = 'platform' WHERE id = ?")
                .bind(id.0)
                .execute(write.conn())
                .await?;
            write.set_status(to).await?;
            write
                .notify(
                    Recipient::Merchant,
                    "breach_escalated",
                    format!("Case {id} went to the platform"),
                    format!("Case {id} was not answered in time and its value is above the automatic refund limit, so the marketplace's support team now handles it."),
                    format!("breach:{}:{version}:merchant", id.0),
                )
                .await?;
        }
    }
    write.commit().await
}
