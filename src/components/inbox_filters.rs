use claimdesk_shared::money::{amount_input, parse_amount};
use claimdesk_shared::{CaseSort, Inbox, Kind, Reason};
use leptos::prelude::*;

use crate::api::{self, CaseQuery};
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::labels;

/// Age brackets offered by the filter, as (value, min days, max days).
const AGES: [(&str, Option<i64>, Option<i64>); 4] = [
    ("0-1", None, Some(1)),
    ("1-3", Some(1), Some(3)),
    ("3-7", Some(3), Some(7)),
    ("7-", Some(7), None),
];

/// The inbox's filters and order: kind, reason, age, claimed value, sort
/// and (for the desk) clocks about to run out. Every change is a new query,
/// which the page puts in the address.
#[component]
pub fn InboxFilters(
    /// The query the address asks for.
    requested: Memo<Option<CaseQuery>>,
    /// Called with the changed query.
    on_change: Callback<CaseQuery>,
    /// Merchant agents and support (the response clock is theirs).
    desk: bool,
    /// The marketplace's support, who may narrow any inbox to one merchant.
    support: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let change = move |edit: &dyn Fn(&mut CaseQuery)| {
        if let Some(mut query) = requested.get_untracked() {
            edit(&mut query);
            on_change.run(query);
        }
    };
    let current =
        move |read: fn(&CaseQuery) -> Option<i64>| requested.with(|q| q.as_ref().and_then(read));
    let sort = move || {
        requested.get().map(|q| {
            q.sort.unwrap_or(if q.inbox == Inbox::Open && desk {
                CaseSort::Deadline
            } else {
                CaseSort::Newest
            })
        })
    };
    let sort_options = CaseSort::ALL
        .iter()
        .filter(|&&option| desk || option != CaseSort::Deadline)
        .map(|&option| {
            let label = move || match option {
                CaseSort::Deadline => t_string!(i18n, sort_deadline),
                CaseSort::Newest => t_string!(i18n, sort_newest),
                CaseSort::Oldest => t_string!(i18n, sort_oldest),
                CaseSort::Value => t_string!(i18n, sort_value),
            };
            view! { <option value=option.as_str() selected=move || sort() == Some(option)>{label}</option> }
        })
        .collect_view();
    let kind_options = Kind::ALL
        .iter()
        .map(|&kind| view! { <option value=kind.as_str() selected=move || requested.get().and_then(|q| q.kind) == Some(kind)>{move || labels::kind(i18n, kind)}</option> })
        .collect_view();
    let reason_options = Reason::ALL
        .iter()
        .map(|&reason| view! { <option value=reason.as_str() selected=move || requested.get().and_then(|q| q.reason) == Some(reason)>{move || labels::reason(i18n, reason)}</option> })
        .collect_view();
    let age_options = AGES
        .iter()
        .map(|&(value, min, max)| {
            let label = move || match value {
                "0-1" => t_string!(i18n, age_under_1d),
                "1-3" => t_string!(i18n, age_1_3d),
                "3-7" => t_string!(i18n, age_3_7d),
                _ => t_string!(i18n, age_over_7d),
            };
            let chosen =
                move || current(|q| q.min_age_days) == min && current(|q| q.max_age_days) == max;
            view! { <option value=value selected=chosen>{label}</option> }
        })
        .collect_view();
    let on_age = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let (min, max) = AGES
            .iter()
            .find(|(v, ..)| *v == value)
            .map_or((None, None), |&(_, min, max)| (min, max));
        change(&|q| {
            q.min_age_days = min;
            q.max_age_days = max;
        });
    };
    // Values are typed in the currency's units and sent in minor units.
    let value_field = move |id: &'static str,
                            set: fn(&mut CaseQuery, Option<i64>),
                            read: fn(&CaseQuery) -> Option<i64>| {
        let label = move || match id {
            "filter-min-value" => t_string!(i18n, filter_min_value),
            _ => t_string!(i18n, filter_max_value),
        };
        view! {
            <label>
                <span>{label}</span>
                <input
                    id=id
                    class="value-filter"
                    inputmode="decimal"
                    prop:value=move || current(read).map(amount_input).unwrap_or_default()
                    on:change=move |ev| {
                        let minor = parse_amount(&event_target_value(&ev)).filter(|v| *v >= 0);
                        change(&|q| set(q, minor));
                    }
                />
            </label>
        }
    };
    let merchant_filter = support.then(|| {
        let merchants = Fetched::new(api::merchants);
        let options = move || {
            let chosen = current(|q| q.merchant);
            merchants.ok().unwrap_or_default().into_iter().map(|merchant| {
                view! { <option value=merchant.id selected=chosen == Some(merchant.id)>{merchant.name}</option> }
            }).collect_view()
        };
        view! {
            <label>
                <span>{move || t_string!(i18n, filter_merchant)}</span>
                <select id="filter-merchant" on:change=move |ev| change(&|q| q.merchant = event_target_value(&ev).parse().ok())>
                    <option value="">{move || t_string!(i18n, filter_any_merchant)}</option>
                    {options}
                </select>
            </label>
        }
    });
    view! {
        <fieldset class="filters">
            <legend class="visually-hidden">{move || t_string!(i18n, filters_label)}</legend>
            {merchant_filter}
            <label>
                <span>{move || t_string!(i18n, filter_kind)}</span>
                <select on:change=move |ev| change(&|q| q.kind = event_target_value(&ev).parse().ok())>
                    <option value="">{move || t_string!(i18n, filter_any)}</option>
                    {kind_options}
                </select>
            </label>
            <label>
                <span>{move || t_string!(i18n, filter_reason)}</span>
                <select on:change=move |ev| change(&|q| q.reason = event_target_value(&ev).parse().ok())>
                    <option value="">{move || t_string!(i18n, filter_any)}</option>
                    {reason_options}
                </select>
            </label>
            <label>
                <span>{move || t_string!(i18n, filter_age)}</span>
                <select on:change=on_age>
                    <option value="">{move || t_string!(i18n, filter_any)}</option>
                    {age_options}
                </select>
            </label>
            // The claimed value is the desk's to sort cases by; a customer
            // filters their own few cases by kind, reason and age.
            {desk.then(|| value_field("filter-min-value", |q, v| q.min_value = v, |q| q.min_value))}
            {desk.then(|| value_field("filter-max-value", |q, v| q.max_value = v, |q| q.max_value))}
            <label>
                <span>{move || t_string!(i18n, sort_label)}</span>
                <select on:change=move |ev| change(&|q| q.sort = event_target_value(&ev).parse().ok())>{sort_options}</select>
            </label>
            {desk.then(|| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || requested.get().is_some_and(|q| q.breaching_soon) on:change=move |ev| change(&|q| q.breaching_soon = event_target_checked(&ev))/>
                    <span>{move || t_string!(i18n, filter_breaching_soon)}</span>
                </label>
            })}
        </fieldset>
    }
}
