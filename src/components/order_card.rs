use claimdesk_shared::wire::CustomerOrder;
use claimdesk_shared::Role;
use leptos::prelude::*;

use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::routes::{AppRoute, CaseTab};

/// One order of the customer's: when it was placed and delivered, its
/// lines, the cases already on it, until when a problem may be reported,
/// and "Report a problem" while it may.
#[component]
pub fn OrderCard(order: CustomerOrder) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("order-{}", order.id);
    let labelled_by = heading_id.clone();
    let (placed, delivered, until) = (order.placed_at, order.delivered_at, order.report_until);
    let open = until.is_none_or(format::is_ahead);
    let reportable = open && order.lines.iter().any(|l| l.claimable_quantity > 0);
    let lines = order
        .lines
        .iter()
        .map(|l| view! { <li>{format!("{} × {}", l.quantity, l.title)}</li> })
        .collect_view();
    let cases = (!order.cases.is_empty()).then(|| {
        let items = order
            .cases
            .iter()
            .map(|c| {
                let (id, status) = (c.id, c.status);
                view! {
                    <li>
                        <a href=AppRoute::Case { id, tab: CaseTab::Receipt }.href()>{id.to_string()}</a>
                        " "
                        <span class=format!("badge badge-{}", status.as_str())>{move || labels::status(i18n, status, Role::Customer)}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <p class="muted">{move || t_string!(i18n, orders_cases)}</p>
            <ul class="order-cases">{items}</ul>
        }
    });
    let report = format!("{}?order={}", AppRoute::Report.href(), order.id);
    let number = order.number.clone();
    view! {
        <article class="card order-card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{format!("{} · {}", order.number, order.merchant_name)}</h2>
            {order.legacy_number.map(|n| view! { <p class="muted">{move || t_string!(i18n, orders_legacy, number = n.clone()).to_string()}</p> })}
            <p>
                {move || t_string!(i18n, orders_placed, date = format::day(placed.date_naive(), i18n.get_locale())).to_string()}
                " · "
                {move || match delivered {
                    Some(at) => t_string!(i18n, orders_delivered, date = format::day(at.date_naive(), i18n.get_locale())).to_string(),
                    None => t_string!(i18n, orders_not_delivered).to_owned(),
                }}
            </p>
            <ul class="order-lines">{lines}</ul>
            {cases}
            {until.map(|at| view! {
                <p class="hint">{move || {
                    let date = format::day(at.date_naive(), i18n.get_locale());
                    if open { t_string!(i18n, report_window_open, date = date).to_string() } else { t_string!(i18n, report_window_closed, date = date).to_string() }
                }}</p>
            })}
            {reportable.then(|| view! {
                <a class="button primary" href=report aria-label=move || t_string!(i18n, orders_report_named, number = number.clone()).to_string()>
                    {move || t_string!(i18n, nav_report)}
                </a>
            })}
        </article>
    }
}
