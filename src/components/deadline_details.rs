use claimdesk_shared::wire::{DeadlineView, OnBreach, ResponseKind};
use claimdesk_shared::Role;
use leptos::prelude::*;

use crate::components::deadline_chip::{minutes_left, shown_minutes, DeadlineChip};
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::ticker::use_now;

/// The case's response deadline: its chip, which opens an explanation of
/// how it was computed (start, time allowed and why, days not counted,
/// pauses, and what happens when it runs out), as the marketplace's rules
/// say (PRODUCT.md §5).
#[component]
pub fn DeadlineDetails(deadline: DeadlineView) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_now();
    let open = RwSignal::new(false);
    let DeadlineView {
        response,
        started_at,
        due_at,
        budget_minutes,
        remaining_minutes,
        extended,
        high_value_threshold_minor,
        currency,
        time_zone,
        skipped_days,
        pauses,
        on_breach,
    } = deadline;
    let money = StoredValue::new(currency.clone());
    let amount = move |minor: i64| money.with_value(|c| format::money(minor, c, i18n.get_locale()));

    let chip = match due_at {
        Some(due_at) => {
            view! { <DeadlineChip due_at=due_at on_breach=on_breach currency=currency/> }.into_any()
        }
        None => {
            view! { <span class="chip chip-paused">{move || t_string!(i18n, clock_paused)}</span> }
                .into_any()
        }
    };
    // Live while running; as computed by the server while paused.
    let left = move || {
        let m = due_at.map_or(remaining_minutes, |due| minutes_left(due, now.get()));
        let span = format::duration(shown_minutes(m), i18n.get_locale());
        if m < 0 {
            t_string!(i18n, deadline_overdue, late = span)
        } else {
            span
        }
    };
    let skipped = if skipped_days.is_empty() {
        view! { <dd>{move || t_string!(i18n, deadline_none)}</dd> }.into_any()
    } else {
        let days = skipped_days
            .into_iter()
            .map(|day| {
                let date = day.date;
                let why = day.holiday;
                view! {
                    <li>
                        {move || format::day(date, i18n.get_locale())}
                        ": "
                        {match why.clone() {
                            Some(holiday) => holiday.into_any(),
                            None => (move || t_string!(i18n, deadline_weekend)).into_any(),
                        }}
                    </li>
                }
            })
            .collect_view();
        view! { <dd><ul>{days}</ul></dd> }.into_any()
    };
    let paused = (!pauses.is_empty()).then(|| {
        let items = pauses
            .into_iter()
            .map(|pause| {
                let (from, to, status) = (pause.from, pause.to, pause.status);
                view! {
                    <li>
                        {move || labels::status(i18n, status, Role::Merchant)}
                        ": "
                        {move || format::date_time(from, i18n.get_locale())}
                        " – "
                        {move || match to {
                            Some(to) => format::date_time(to, i18n.get_locale()),
                            None => t_string!(i18n, deadline_until_now).to_owned(),
                        }}
                    </li>
                }
            })
            .collect_view();
        view! {
            <dt>{move || t_string!(i18n, deadline_pauses)}</dt>
            <dd><ul>{items}</ul></dd>
        }
    });
    let breach = move || match on_breach {
        OnBreach::AutoRefund { amount_minor } => {
            t_string!(i18n, breach_auto_refund, amount = amount(amount_minor))
        }
        OnBreach::Escalate => t_string!(i18n, breach_escalate).to_owned(),
    };
    let hours = budget_minutes / 60;
    view! {
        <div class="deadline">
            <button
                type="button"
                class="deadline-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="deadline-explained"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {chip}
                <span class="deadline-how">{move || t_string!(i18n, deadline_explain)}</span>
            </button>
            <div id="deadline-explained" class="deadline-explained" hidden=move || !open.get()>
                <dl>
                    <dt>{move || t_string!(i18n, deadline_started)}</dt>
                    <dd>
                        {move || format::date_time(started_at, i18n.get_locale())}
                        " "
                        {move || match response {
                            ResponseKind::First => t_string!(i18n, deadline_first),
                            ResponseKind::FollowUp => t_string!(i18n, deadline_follow_up),
                        }}
                    </dd>
                    <dt>{move || t_string!(i18n, deadline_allowed)}</dt>
                    <dd>
                        {move || t_string!(i18n, deadline_business_hours, hours = hours)}
                        {extended.then(|| view! {
                            ", " {move || t_string!(i18n, deadline_extended, threshold = amount(high_value_threshold_minor))}
                        })}
                    </dd>
                    {due_at.map(|due| view! {
                        <dt>{move || t_string!(i18n, deadline_due)}</dt>
                        <dd>{move || format::date_time(due, i18n.get_locale())}</dd>
                    })}
                    <dt>{move || t_string!(i18n, deadline_left)}</dt>
                    <dd>{left}</dd>
                    <dt>{move || t_string!(i18n, deadline_skipped)}</dt>
                    {skipped}
                    {paused}
                    <dt>{move || t_string!(i18n, deadline_on_breach)}</dt>
                    <dd>{breach}</dd>
                    <dt>{move || t_string!(i18n, deadline_calendar)}</dt>
                    <dd>{move || t_string!(i18n, deadline_calendar_text, zone = time_zone.clone())}</dd>
                </dl>
            </div>
        </div>
    }
}
