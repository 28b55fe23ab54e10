//! When the merchant's next response is due, and why (PRODUCT.md §5).
//!
//! The clock starts when the case is submitted (first response: 24 business
//! hours) or when the customer replies (follow-up: 72 business hours), gets
//! one extra business day above the marketplace's high-value threshold, and
//! runs only while the case waits for the merchant; in any other status it
//! is paused. Everything here is a pure function of the case's status
//! history, so it is tested without a database and computed the same way by
//! the API and the breach sweep.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use claimdesk_shared::Status;

use super::calendar::{Calendar, DayOff};

/// Which response the clock is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response {
    /// The first answer to a new case.
    First,
    /// The answer to a customer's reply.
    FollowUp,
}

/// How much business time a marketplace gives each response (its policy,
/// which its support team edits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseHours {
    pub first: i64,
    pub follow_up: i64,
    /// Added above the high-value threshold.
    pub high_value_extension: i64,
}

impl Default for ResponseHours {
    /// PRODUCT.md §5: 24 hours, 72 for a follow-up, one business day more
    /// above the threshold.
    fn default() -> Self {
        ResponseHours {
            first: 24,
            follow_up: 72,
            high_value_extension: HIGH_VALUE_EXTENSION_HOURS,
        }
    }
}

impl Response {
    /// Business time the merchant has for it under `hours`.
    pub fn budget(self, hours: ResponseHours) -> Duration {
        match self {
            Response::First => Duration::hours(hours.first),
            Response::FollowUp => Duration::hours(hours.follow_up),
        }
    }
}

/// The default extension above the high-value threshold: one business day.
pub const HIGH_VALUE_EXTENSION_HOURS: i64 = 24;

/// A stretch of time the clock did not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pause {
    pub from: DateTime<Utc>,
    /// `None` while still paused.
    pub to: Option<DateTime<Utc>>,
    pub status: Status,
}

/// A deadline with everything needed to explain it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub response: Response,
    /// When the clock started.
    pub started_at: DateTime<Utc>,
    /// Business time allowed, extension included.
    pub budget: Duration,
    pub extended: bool,
    /// Business time still left (at `now`).
    pub remaining: Duration,
    /// When it runs out; `None` while the clock is paused.
    pub due_at: Option<DateTime<Utc>>,
    /// Days off between the start and the due time (or now, when paused).
    pub skipped: Vec<(NaiveDate, DayOff)>,
    pub pauses: Vec<Pause>,
}

/// The deadline of a case whose status changed as `history` says (oldest
/// first; the first entry is the submission), seen at `now`. `None` once
/// nothing is due: the merchant answered, or the case is closed.
pub fn deadline(
    calendar: &Calendar,
    history: &[(DateTime<Utc>, Status)],
    high_value: bool,
    hours: ResponseHours,
    now: DateTime<Utc>,
) -> Option<Deadline> {
    let (_, current) = *history.last()?;
    // The clock starts at submission, and again at every customer reply.
    let start_index = history
        .iter()
        .rposition(|(_, status)| *status == Status::AwaitingMerchant)
        .filter(|&i| i > 0)
        .unwrap_or(0);
    let response = if start_index == 0 {
        Response::First
    } else {
        Response::FollowUp
    };
    let since = &history[start_index..];
    // A response by the merchant since the start settles it; only a
    // paused status without such a response (review, for instance) keeps it.
    let answered = since.windows(2).any(|pair| {
        pair[0].1.clock_running()
            && matches!(pair[1].1, Status::AwaitingCustomer | Status::AwaitingReturn)
    });
    if current.is_closed() || answered {
        return None;
    }
    let extension = if high_value {
        Duration::hours(hours.high_value_extension)
    } else {
        Duration::zero()
    };
    let budget = response.budget(hours) + extension;

    let mut used = Duration::zero();
    let mut pauses = Vec::new();
    for (i, (from, status)) in since.iter().enumerate() {
        let to = since.get(i + 1).map(|(at, _)| *at);
        if status.clock_running() {
            used += calendar.between(*from, to.unwrap_or(now).max(*from));
        } else {
            pauses.push(Pause {
                from: *from,
                to,
                status: *status,
            });
        }
    }
    let remaining = budget - used;
    let started_at = since[0].0;
    let (due_at, skipped) = if current.clock_running() {
        let due = due_time(calendar, since, budget);
        (Some(due), days_off(calendar, started_at, due))
    } else {
        (None, days_off(calendar, started_at, now))
    };
    Some(Deadline {
        response,
        started_at,
        budget,
        extended: high_value,
        remaining,
        due_at,
        skipped,
        pauses,
    })
}

/// The instant the running stretches of `since` (the last one open-ended)
/// add up to `budget` of business time: exact even when it is past.
fn due_time(
    calendar: &Calendar,
    since: &[(DateTime<Utc>, Status)],
    budget: Duration,
) -> DateTime<Utc> {
    let mut used = Duration::zero();
    for (i, (from, status)) in since.iter().enumerate() {
        if !status.clock_running() {
            continue;
        }
        let left = budget - used;
        match since.get(i + 1) {
            Some((to, _)) if calendar.between(*from, *to) < left => {
                used += calendar.between(*from, *to)
            }
            _ => return calendar.add(*from, left).0,
        }
    }
    // The caller only asks while the last stretch runs, and that open-ended
    // stretch always returns above; a history without one has no due time
    // but its last change.
    since[since.len() - 1].0
}

fn days_off(
    calendar: &Calendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(NaiveDate, DayOff)> {
    let mut days = Vec::new();
    let mut date = calendar.local_date(from);
    let last = calendar.local_date(to);
    while date <= last {
        if let Some(off) = calendar.day_off(date) {
            days.push((date, off));
        }
        date = date.succ_opt().expect("a next day");
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::calendar::Country;
    use chrono::TimeZone;
    use chrono_tz::Europe::Stockholm;
    use Status as S;

    fn cal() -> Calendar {
        Calendar::new(Country::Sweden, Stockholm)
    }
    fn at(s: &str) -> DateTime<Utc> {
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        Stockholm
            .from_local_datetime(&naive)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }
    fn show(d: Option<DateTime<Utc>>) -> Option<String> {
        d.map(|d| {
            d.with_timezone(&Stockholm)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
    }

    #[test]
    fn deadlines_by_history() {
        type Row<'a> = (
            &'a [(&'a str, Status)],
            bool,
            &'a str,
            Option<&'a str>,
            Option<Response>,
        );
        let table: [Row; 8] = [
            // New on Friday afternoon: due Monday, same time.
            (
                &[("2026-11-20 15:00", S::Submitted)],
                false,
                "2026-11-20 16:00",
                Some("2026-11-23 15:00"),
                Some(Response::First),
            ),
            // Above the high-value threshold: one business day more.
            (
                &[("2026-11-20 15:00", S::Submitted)],
                true,
                "2026-11-20 16:00",
                Some("2026-11-24 15:00"),
                Some(Response::First),
            ),
            // Answered: nothing due.
            (
                &[
                    ("2026-11-16 09:00", S::Submitted),
                    ("2026-11-16 10:00", S::AwaitingCustomer),
                ],
                false,
                "2026-11-17 09:00",
                None,
                None,
            ),
            // The customer replied on Wednesday 11:30: 72 business hours, to Monday.
            (
                &[
                    ("2026-11-16 09:00", S::Submitted),
                    ("2026-11-16 10:00", S::AwaitingCustomer),
                    ("2026-11-18 11:30", S::AwaitingMerchant),
                ],
                false,
                "2026-11-18 12:00",
                Some("2026-11-23 11:30"),
                Some(Response::FollowUp),
            ),
            // Under platform review the clock waits…
            (
                &[
                    ("2026-11-16 09:00", S::Submitted),
                    ("2026-11-16 13:00", S::PlatformReview),
                ],
                false,
                "2026-11-18 09:00",
                None,
                Some(Response::First),
            ),
            // …and resumes with what was left: 20 h left from Wednesday 09:00 is Thursday 05:00.
            (
                &[
                    ("2026-11-16 09:00", S::Submitted),
                    ("2026-11-16 13:00", S::PlatformReview),
                    ("2026-11-18 09:00", S::Submitted),
                ],
                false,
                "2026-11-18 09:00",
                Some("2026-11-19 05:00"),
                Some(Response::First),
            ),
            // Closed: nothing due.
            (
                &[
                    ("2026-11-16 09:00", S::Submitted),
                    ("2026-11-16 10:00", S::Resolved),
                ],
                false,
                "2026-11-16 11:00",
                None,
                None,
            ),
            // Overdue: the due time is in the past, exactly, weekend skipped.
            (
                &[("2026-11-20 09:00", S::Submitted)],
                false,
                "2026-11-25 09:00",
                Some("2026-11-23 09:00"),
                Some(Response::First),
            ),
        ];
        for (history, high_value, now, due, response) in table {
            let history: Vec<_> = history.iter().map(|(t, s)| (at(t), *s)).collect();
            let d = deadline(
                &cal(),
                &history,
                high_value,
                ResponseHours::default(),
                at(now),
            );
            assert_eq!(
                show(d.as_ref().and_then(|d| d.due_at)),
                due.map(str::to_owned),
                "{history:?} at {now}"
            );
            assert_eq!(d.as_ref().map(|d| d.response), response, "{history:?}");
        }
    }

    #[test]
    fn the_explanation_names_days_off_and_pauses() {
        let history = [
            (at("2026-06-18 09:00"), S::Submitted),
            (at("2026-06-18 10:00"), S::PlatformReview),
            (at("2026-06-18 11:00"), S::Submitted),
        ];
        let d = deadline(
            &cal(),
            &history,
            true,
            ResponseHours::default(),
            at("2026-06-18 12:00"),
        )
        .unwrap();
        assert_eq!(
            show(d.due_at).unwrap(),
            "2026-06-23 10:00",
            "48 h less the hour paused, past Midsummer"
        );
        assert_eq!(d.budget, Duration::hours(48));
        assert!(d.extended);
        assert_eq!(d.pauses.len(), 1);
        assert_eq!(d.pauses[0].status, S::PlatformReview);
        let names: Vec<_> = d.skipped.iter().map(|(_, off)| *off).collect();
        assert!(
            names.contains(&DayOff::Holiday("Midsommarafton")),
            "{names:?}"
        );
        assert!(
            names.contains(&DayOff::Weekend) || names.contains(&DayOff::Holiday("Midsommardagen"))
        );
    }
}
