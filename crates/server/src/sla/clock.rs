//! A case's response clock: computed from the marketplace's calendar and
//! rules, the case's status history, and what a breach would do (read by
//! `store::clock`). Shared by the API (which shows the deadline) and the
//! sweep (which acts on it), so both always agree; `refresh` stores it on
//! the case in the transaction of every status change.

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{ClockPause, DeadlineView, OnBreach, ResponseKind, SkippedDay};

use super::calendar::{Calendar, Country, DayOff};
use super::deadline::{deadline, Deadline, Response, ResponseHours};
use crate::error::{AppError, AppResult};
use crate::store::clock::{self, ClockRow, History, StoredClock};
use crate::store::{Db, Tx};

/// A case's clock at some moment.
#[derive(Debug)]
pub struct CaseClock {
    pub deadline: Option<Deadline>,
    pub on_breach: OnBreach,
    row: ClockRow,
}

/// The clock of the case `row` describes at `now`, given its status
/// history (oldest first, starting at submission).
pub fn compute(row: ClockRow, history: History, now: DateTime<Utc>) -> AppResult<CaseClock> {
    let country: Country = row
        .country
        .parse()
        .map_err(|e: String| AppError::Internal(anyhow::anyhow!(e)))?;
    let time_zone: chrono_tz::Tz = row
        .time_zone
        .parse()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let calendar = Calendar::new(country, time_zone);
    let high_value = row.total_minor > row.high_value_threshold_minor;
    let hours = ResponseHours {
        first: row.first_response_hours,
        follow_up: row.follow_up_hours,
        high_value_extension: row.high_value_extension_hours,
    };
    let on_breach = OnBreach::for_open_claim(row.open_claim_minor, row.auto_refund_cap_minor);
    Ok(CaseClock {
        deadline: deadline(&calendar, &history, high_value, hours, now),
        on_breach,
        row,
    })
}

impl CaseClock {
    /// Whether the clock ran out at or before `now`.
    pub fn breached(&self, now: DateTime<Utc>) -> bool {
        self.deadline
            .as_ref()
            .and_then(|d| d.due_at)
            .is_some_and(|due| due <= now)
    }

    pub fn id(&self) -> i64 {
        self.row.id
    }

    pub fn version(&self) -> i64 {
        self.row.version
    }

    pub fn currency(&self) -> &str {
        &self.row.currency
    }

    /// The deadline as the API sends it.
    pub fn view(&self) -> Option<DeadlineView> {
        let d = self.deadline.as_ref()?;
        Some(DeadlineView {
            response: match d.response {
                Response::First => ResponseKind::First,
                Response::FollowUp => ResponseKind::FollowUp,
            },
            started_at: d.started_at,
            due_at: d.due_at,
            budget_minutes: d.budget.num_minutes(),
            remaining_minutes: d.remaining.num_minutes(),
            extended: d.extended,
            high_value_threshold_minor: self.row.high_value_threshold_minor,
            currency: self.row.currency.clone(),
            time_zone: self.row.time_zone.clone(),
            skipped_days: d
                .skipped
                .iter()
                .map(|(date, off)| SkippedDay {
                    date: *date,
                    holiday: match off {
                        DayOff::Holiday(name) => Some((*name).to_owned()),
                        DayOff::Weekend => None,
                    },
                })
                .collect(),
            pauses: d
                .pauses
                .iter()
                .map(|p| ClockPause {
                    from: p.from,
                    to: p.to,
                    status: p.status,
                })
                .collect(),
            on_breach: self.on_breach,
        })
    }
}

/// The deadline of case `id` as the API sends it (no scope: callers have
/// checked it), at `now`.
pub async fn deadline_view(
    db: &Db,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<DeadlineView>> {
    let (row, history) = clock::load(db, id).await?;
    Ok(compute(row, history, now)?.view())
}

/// How a response is stored (`cases.clock_response`).
fn response_name(response: Response) -> &'static str {
    match response {
        Response::First => "first",
        Response::FollowUp => "follow_up",
    }
}

/// Recomputes case `id`'s clock at `now` and stores it in the write `tx`
/// (so the deadline the inboxes sort on is always the one the sweep would
/// compute); `breached` when the system acts because the clock ran out,
/// which settles the response as missed.
pub async fn refresh(tx: &mut Tx, id: i64, now: DateTime<Utc>, breached: bool) -> AppResult<()> {
    let (row, before, history) = tx.clock_inputs(id).await?;
    let clock = compute(row, history, now)?;
    let after = match &clock.deadline {
        None => StoredClock::default(),
        Some(d) => StoredClock {
            clock_response: Some(response_name(d.response).to_owned()),
            clock_started_at: Some(d.started_at),
            due_at: d.due_at,
        },
    };
    if after == before {
        return Ok(());
    }
    tx.store_clock(id, before, after, breached, now).await
}

/// Stores the clock of every case of the merchant's whose clock is not
/// stored yet (a database from before the clock was stored, or just
/// seeded), in one write on `writer`; returns how many. Callers drop the
/// inbox pages they keep: this writes outside a case write.
pub async fn refresh_unset(
    db: &Db,
    writer: &crate::store::Writer,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let ids = clock::unset(db).await?;
    let mut tx = Tx::begin(writer).await?;
    for &id in &ids {
        refresh(&mut tx, id, now, false).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}
