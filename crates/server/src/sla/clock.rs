//! A case's response clock: computed from the marketplace's calendar and
//! rules, the case's status history, and what a breach would do (read by
//! `store::clock`). Shared by the API (which shows the deadline) and the
//! sweep (which acts on it), so both always agree; `refresh` stores it on
//! the case in the transaction of every status change.

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{ClockPause, DeadlineView, OnBreach, ResponseKind, SkippedDay};
use claimdesk_shared::Status;

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
    let (calendar, high_value, hours) = rules(&row)?;
    let on_breach = OnBreach::for_open_claim(row.open_claim_minor, row.auto_refund_cap_minor);
    Ok(CaseClock {
        deadline: deadline(&calendar, &history, high_value, hours, now),
        on_breach,
        row,
    })
}

/// The calendar and response rules case `row` is timed by.
fn rules(row: &ClockRow) -> AppResult<(Calendar, bool, ResponseHours)> {
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
    Ok((calendar, high_value, hours))
}

/// A response the clock waited for and that was settled: given (in time
/// or not), as `sla_responses` records it.
#[derive(Debug, PartialEq)]
pub struct Settled {
    pub response: &'static str,
    pub started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub settled_at: DateTime<Utc>,
    pub met: bool,
}

/// The responses case `row`'s `history` settled, each with when it was
/// due: what the clock records as the case goes, rebuilt from a history
/// written without it (the demo seed writes its cases' stories directly).
/// A response is settled where the case stops waiting for the merchant
/// because the merchant answered or decided.
pub fn settled_in(row: &ClockRow, history: &History) -> AppResult<Vec<Settled>> {
    let (calendar, high_value, hours) = rules(row)?;
    let mut settled = Vec::new();
    for i in 1..history.len() {
        let (at, status) = history[i];
        let answered = matches!(status, Status::AwaitingCustomer | Status::AwaitingReturn)
            || status.is_closed();
        if !(history[i - 1].1.clock_running() && answered) {
            continue;
        }
        // The deadline as it stood just before the answer.
        let Some(due) = deadline(&calendar, &history[..i], high_value, hours, at) else {
            continue;
        };
        if let Some(due_at) = due.due_at {
            settled.push(Settled {
                response: response_name(due.response),
                started_at: due.started_at,
                due_at,
                settled_at: at,
                met: at <= due_at,
            });
        }
    }
    Ok(settled)
}

/// Records the settled responses of every case the merchant handles that
/// has none recorded (the demo seed); returns how many.
pub async fn record_history(db: &Db, writer: &crate::store::Writer) -> AppResult<usize> {
    let mut responses = Vec::new();
    for id in clock::without_responses(db).await? {
        let (row, history) = clock::load(db, id).await?;
        for settled in settled_in(&row, &history)? {
            responses.push((id, settled));
        }
    }
    let mut tx = Tx::begin(writer).await?;
    for (id, s) in &responses {
        tx.record_response(*id, s.response, s.started_at, s.due_at, s.settled_at, s.met)
            .await?;
    }
    tx.commit().await?;
    Ok(responses.len())
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row() -> ClockRow {
        ClockRow {
            id: 1,
            version: 1,
            created_at: at(2, 9),
            country: "SE".into(),
            time_zone: "Europe/Stockholm".into(),
            high_value_threshold_minor: 1_000_000,
            auto_refund_cap_minor: 100_000,
            first_response_hours: 24,
            follow_up_hours: 72,
            high_value_extension_hours: 24,
            total_minor: 10_000,
            open_claim_minor: 10_000,
            currency: "SEK".into(),
        }
    }

    /// November 2026, day `day` at `hour` UTC (the 2nd is a Monday).
    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_history_settles_each_answer_met_or_missed() {
        let history = vec![
            (at(2, 9), Status::Submitted),
            // Answered the next morning: within 24 hours.
            (at(3, 8), Status::AwaitingCustomer),
            (at(3, 12), Status::AwaitingMerchant),
            // The follow-up 72 business hours later would be Friday noon;
            // the decision came the Monday after.
            (at(9, 10), Status::Resolved),
        ];
        let settled = settled_in(&row(), &history).unwrap();
        assert_eq!(
            settled,
            [
                Settled {
                    response: "first",
                    started_at: at(2, 9),
                    due_at: at(3, 9),
                    settled_at: at(3, 8),
                    met: true,
                },
                Settled {
                    response: "follow_up",
                    started_at: at(3, 12),
                    due_at: at(6, 12),
                    settled_at: at(9, 10),
                    met: false,
                },
            ]
        );
        // Nothing is settled while the case still waits.
        assert_eq!(settled_in(&row(), &history[..1].to_vec()).unwrap(), []);
    }
}
