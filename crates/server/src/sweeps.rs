//! Rules that act by themselves when time runs out. Each sweep takes its
//! clock as a parameter (tests move time; the server passes the wall clock
//! every minute), is idempotent (a second run finds nothing left to do), and
//! changes every case through `CaseWrite`, so events, payout and emails
//! follow exactly as when a person acts.

use chrono::{DateTime, Duration, Utc};
use claimdesk_shared::{CaseAction, CaseId, EventKind, Outcome, PlatformReason};
use serde_json::json;

use crate::domain::case_write::{CaseWrite, Recipient};
use crate::domain::emails::{self, Amount};
use crate::error::{AppError, AppResult};
use crate::sla::clock;
use crate::state::AppState;
use crate::store::outbox::Email;
use crate::store::{sweeps as due, Tx};

/// How long a case waits for the customer's reply before it closes.
pub const NO_REPLY_DAYS: i64 = 14;

/// Closes as rejected ("no reply") every case that has waited
/// `NO_REPLY_DAYS` for the customer since it was last parked on them.
/// Returns the cases it closed.
pub async fn close_unanswered(state: &AppState, now: DateTime<Utc>) -> AppResult<Vec<CaseId>> {
    let due = due::awaiting_customer_since(&state.db, now - Duration::days(NO_REPLY_DAYS)).await?;
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
) -> AppResult<()> {
    let mut write = CaseWrite::begin_system(state, id, version, now).await?;
    let to = write.next_status(CaseAction::NoReplyTimeout)?;
    // The case's record, in the desk's words (the customer's email says it
    // in their language).
    let note = format!("No reply from the customer within {NO_REPLY_DAYS} days.");
    write.tx().record_no_reply(id.0, &note).await?;
    write.event(
        EventKind::DecisionMade,
        json!({ "outcome": Outcome::Rejected, "reason": "no_reply" }),
    );
    write.set_status(to).await?;
    write
        .notify(
            Recipient::Customer,
            emails::no_reply(id, NO_REPLY_DAYS),
            format!("no-reply:{}:{version}", id.0),
        )
        .await?;
    write.commit().await
}

/// How long before a breach the merchant is warned.
pub use claimdesk_shared::BREACH_WARNING_HOURS as WARNING_HOURS;

/// Emails the merchant once about every case whose response clock runs out
/// within `WARNING_HOURS` of `now`. The case itself does not change (no new
/// version: an agent working on it is not interrupted). Returns the cases
/// warned about now.
pub async fn warn_before_breach(state: &AppState, now: DateTime<Utc>) -> AppResult<Vec<CaseId>> {
    let soon = due::due_between(&state.db, now, now + Duration::hours(WARNING_HOURS)).await?;
    let mut warned = Vec::new();
    if soon.is_empty() {
        return Ok(warned);
    }
    // One transaction on the writer for all of them (each is usually
    // queued already and does nothing).
    let mut tx = Tx::begin(&state.writer).await?;
    for due in soon {
        let (id, case) = (due.id, CaseId(due.id));
        let hours = (due.due_at - now).num_minutes().div_euclid(60);
        // The deadline as the merchant's clock on the wall shows it.
        let zone: chrono_tz::Tz = crate::store::column(&due.time_zone, "time zone")?;
        let local = due
            .due_at
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let mail = emails::breach_warning(case, &local, &due.time_zone, hours, WARNING_HOURS);
        let locale = crate::store::column(&due.locale, "locale")?;
        let link = emails::case_link(state.config.public_url(), case);
        let rendered = mail.render(locale, &link)?;
        let email = Email {
            case_id: id,
            address: &due.email,
            template: mail.template,
            subject: &rendered.subject,
            body: &rendered.text,
            html: &rendered.html,
            // One warning per deadline: a new deadline (after a customer
            // reply) warns again.
            cause: &format!("breach-warning:{id}:{}", due.due_at.to_rfc3339()),
        };
        if tx.queue_email(email, now).await? {
            warned.push(case);
        }
    }
    tx.commit().await?;
    Ok(warned)
}

/// What one pass of the sweeps did.
#[derive(Debug, Default, serde::Serialize)]
pub struct SweepReport {
    pub acted: Vec<(CaseId, Breach)>,
    pub warned: Vec<CaseId>,
    pub closed: Vec<CaseId>,
}

/// Runs every sweep once at `now`.
pub async fn run_all(state: &AppState, now: DateTime<Utc>) -> AppResult<SweepReport> {
    Ok(SweepReport {
        acted: act_on_breaches(state, now).await?,
        warned: warn_before_breach(state, now).await?,
        closed: close_unanswered(state, now).await?,
    })
}

/// Runs the sweeps every minute on the server's clock, for as long as the
/// server runs. Failures are logged and retried on the next tick.
pub async fn run_forever(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        match run_all(&state, state.now()).await {
            Ok(report) => {
                if !(report.acted.is_empty()
                    && report.warned.is_empty()
                    && report.closed.is_empty())
                {
                    tracing::info!(
                        acted = report.acted.len(),
                        warned = report.warned.len(),
                        closed = report.closed.len(),
                        "sweeps acted"
                    );
                }
            }
            Err(error) => tracing::error!(?error, "a sweep failed"),
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
) -> AppResult<Vec<(CaseId, Breach)>> {
    // The stored due time finds the candidates through an index; the clock
    // is then recomputed from the history before acting on it.
    let running = crate::store::clock::due_by(&state.db, now).await?;
    let mut acted = Vec::new();
    for row in running {
        let history = crate::store::clock::history(&state.db, row.id, row.created_at).await?;
        let clock = clock::compute(row, history, now)?;
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
) -> AppResult<()> {
    let mut write = CaseWrite::begin_system(state, id, version, now).await?;
    match breach {
        Breach::AutoRefund { amount_minor } => {
            let to = write.next_status(CaseAction::AutoRefund)?;
            write.tx().record_auto_refund(id.0, amount_minor).await?;
            write.event(EventKind::DecisionMade, json!({ "outcome": Outcome::AutoRefund, "amount_minor": amount_minor, "reason": "response_time" }));
            write.set_status(to).await?;
            let amount = Amount::new(amount_minor, currency);
            write
                .notify(
                    Recipient::Merchant,
                    emails::breach_refunded(id, amount.clone()),
                    format!("breach:{}:{version}:merchant", id.0),
                )
                .await?;
            write
                .notify(
                    Recipient::Customer,
                    emails::auto_refunded(id, amount),
                    format!("breach:{}:{version}:customer", id.0),
                )
                .await?;
        }
        Breach::Escalate => {
            let to = write.next_status(CaseAction::Escalate)?;
            // The platform decides now: a decision the merchant prepared
            // can no longer be sent.
            write
                .tx()
                .hand_to_platform(id.0, PlatformReason::Escalated)
                .await?;
            write.set_status(to).await?;
            write
                .notify(
                    Recipient::Merchant,
                    emails::breach_escalated(id),
                    format!("breach:{}:{version}:merchant", id.0),
                )
                .await?;
        }
    }
    write.commit().await
}
