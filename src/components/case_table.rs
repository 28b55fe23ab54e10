use claimdesk_shared::wire::CaseSummary;
use claimdesk_shared::{Handler, Role};
use leptos::prelude::*;

use crate::components::deadline_chip::DeadlineChip;
use crate::components::status_badge::StatusBadge;
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::routes::{AppRoute, CaseTab};

/// An inbox's rows. Each row's case id is a link, so the list is worked by
/// Tab and Enter as well as by mouse.
#[component]
pub fn CaseTable(
    /// The rows, in the order to show them.
    items: Vec<CaseSummary>,
    /// Who reads the list: wording of statuses, and whether to show the merchant.
    role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    let show_merchant = role == Role::Support;
    // The response clock is the desk's.
    let show_deadline = role != Role::Customer;
    let now = format::now_ms();
    let rows = items
        .into_iter()
        .map(|case| {
            let href = AppRoute::Case { id: case.id, tab: CaseTab::Receipt }.href();
            let created = case.created_at;
            let (minor, currency) = (case.claimed_value_minor, case.currency.clone());
            let platform = case.handler == Handler::Platform && role == Role::Merchant;
            view! {
                <tr>
                    <th scope="row">
                        <a href=href>{case.id.to_string()}</a>
                        {platform.then(|| view! { <span class="tag">{move || labels::inbox(i18n, claimdesk_shared::Inbox::Platform)}</span> })}
                    </th>
                    <td>{move || labels::kind(i18n, case.kind)}</td>
                    <td>{move || labels::reason(i18n, case.reason)}</td>
                    <td>{case.customer_name.clone()}</td>
                    {show_merchant.then(|| view! { <td>{case.merchant_name.clone()}</td> })}
                    <td>
                        <span class="order-number">{case.order_number.clone()}</span>
                        {case.legacy_order_number.clone().map(|n| view! { <span class="legacy-number">{n}</span> })}
                    </td>
                    <td>{case.product_title.clone()}</td>
                    <td>
                        <time datetime=created.to_rfc3339()>{move || format::age(created, now, i18n.get_locale())}</time>
                    </td>
                    <td>
                        <StatusBadge status=case.status role=role/>
                        {case.prepared.map(|kind| view! { <span class="tag prepared">{move || t_string!(i18n, prepared_chip, what = labels::decision_kind(i18n, kind)).to_string()}</span> })}
                    </td>
                    {show_deadline.then(|| view! {
                        <td>
                            {case.due_at.zip(case.on_breach).map(|(due_at, on_breach)| view! {
                                <DeadlineChip due_at=due_at on_breach=on_breach currency=case.currency.clone()/>
                            })}
                        </td>
                    })}
                    <td class="number">{move || format::money(minor, &currency, i18n.get_locale())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="case-table">
            <thead>
                <tr>
                    <th scope="col">{move || t_string!(i18n, col_case)}</th>
                    <th scope="col">{move || t_string!(i18n, col_kind)}</th>
                    <th scope="col">{move || t_string!(i18n, col_reason)}</th>
                    <th scope="col">{move || t_string!(i18n, col_customer)}</th>
                    {show_merchant.then(|| view! { <th scope="col">{move || t_string!(i18n, col_merchant)}</th> })}
                    <th scope="col">{move || t_string!(i18n, col_order)}</th>
                    <th scope="col">{move || t_string!(i18n, col_product)}</th>
                    <th scope="col">{move || t_string!(i18n, col_age)}</th>
                    <th scope="col">{move || t_string!(i18n, col_status)}</th>
                    {show_deadline.then(|| view! { <th scope="col">{move || t_string!(i18n, col_deadline)}</th> })}
                    <th scope="col" class="number">{move || t_string!(i18n, col_value)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
