use chrono::{DateTime, Utc};
use claimdesk_shared::wire::OnBreach;
use claimdesk_shared::BREACH_WARNING_HOURS;
use leptos::prelude::*;

use crate::format;
use crate::i18n::*;
use crate::ticker::use_now;

/// Under this many minutes a clock is in its warning stretch (and the
/// merchant has been emailed).
const WARNING_MINUTES: i64 = BREACH_WARNING_HOURS * 60;
/// Under this many minutes it is critical.
const CRITICAL_MINUTES: i64 = 2 * 60;

/// How urgent a clock is, as a CSS class: calm, warning, critical, breached.
pub fn level(minutes_left: i64) -> &'static str {
    match minutes_left {
        m if m < 0 => "breached",
        m if m < CRITICAL_MINUTES => "critical",
        m if m < WARNING_MINUTES => "warning",
        _ => "calm",
    }
}

/// Whole minutes from `now_ms` to `due_at`, rounded down: negative as soon
/// as it has passed (-1 in its first minute overdue).
pub fn minutes_left(due_at: DateTime<Utc>, now_ms: f64) -> i64 {
    ((due_at.timestamp_millis() as f64 - now_ms) / 60_000.0).floor() as i64
}

/// The whole minutes to show for `minutes_left`: left, or already overdue.
pub fn shown_minutes(minutes_left: i64) -> i64 {
    if minutes_left < 0 {
        -minutes_left - 1
    } else {
        minutes_left
    }
}

/// What a chip shows at `now_ms`: its urgency (a CSS class) and, in
/// `locale`, what happens when the clock runs out and when.
pub fn chip(
    due_at: DateTime<Utc>,
    on_breach: OnBreach,
    currency: &str,
    now_ms: f64,
    locale: Locale,
) -> (&'static str, String) {
    use crate::i18n::args;
    let m = minutes_left(due_at, now_ms);
    let span = format::duration(shown_minutes(m), locale);
    let text = match (on_breach, m < 0) {
        (OnBreach::AutoRefund { amount_minor }, late) => {
            let amount = format::money(amount_minor, currency, locale);
            if late {
                args::overdue_auto_refund {
                    amount: &amount,
                    late: &span,
                }
                .in_locale(locale)
            } else {
                args::due_auto_refund {
                    amount: &amount,
                    left: &span,
                }
                .in_locale(locale)
            }
        }
        (OnBreach::Escalate, false) => args::due_escalate { left: &span }.in_locale(locale),
        (OnBreach::Escalate, true) => args::overdue_escalate { late: &span }.in_locale(locale),
    };
    (level(m), text)
}

/// A response deadline counting down live from the shared ticker, with what
/// happens when it runs out in words ("Auto-refund 649 kr in 3 h 12 min").
/// The words carry the urgency too, so colour is never the only signal.
/// (The inbox table draws its chips itself: see `case_table.rs`.)
#[component]
pub fn DeadlineChip(
    due_at: DateTime<Utc>,
    on_breach: OnBreach,
    /// The currency of the claim, for the refund amount.
    currency: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_now();
    let datetime = due_at.to_rfc3339();
    // One closure draws the whole chip, on every tick or change of language.
    move || {
        let (level, text) = chip(due_at, on_breach, &currency, now.get(), i18n.get_locale());
        view! {
            <span class=format!("chip chip-{level}")>
                <time datetime=datetime.clone()>{text}</time>
            </span>
        }
    }
}
