use claimdesk_shared::wire::CaseDetail;
use claimdesk_shared::{CustomerKind, Payout};
use leptos::prelude::*;

use crate::format;
use crate::i18n::*;

/// The Receipt tab: the order behind a case, who bought it, which lines the
/// case claims, and whether the merchant's payout waits on it.
#[component]
pub fn Receipt(
    /// The case to show the receipt of.
    case: CaseDetail,
) -> impl IntoView {
    let i18n = use_i18n();
    let order = case.order;
    let customer = case.customer;
    let currency = order.currency.clone();
    let money = move |minor: i64| {
        let currency = currency.clone();
        move || format::money(minor, &currency, i18n.get_locale())
    };
    let (placed, delivered) = (order.placed_at, order.delivered_at);
    let payout = order.payout;
    let payout_text = move || match payout {
        Payout::Pending => t_string!(i18n, payout_pending),
        Payout::Blocked => t_string!(i18n, payout_blocked),
        Payout::Released => t_string!(i18n, payout_released),
    };
    let customer_kind = customer.kind;
    let lines = order
        .lines
        .into_iter()
        .map(|line| {
            let claimed = line.claimed_quantity;
            let is_claimed = claimed > 0;
            let title = line.title.clone();
            view! {
                <tr class:claimed=is_claimed>
                    <td class="thumb">
                        {line.image_url.map(|src| view! { <img src=src alt="" width="48" height="48" loading="lazy"/> })}
                    </td>
                    <th scope="row">
                        <span class="product-title">{title}</span>
                        <span class="sku">{line.sku}</span>
                    </th>
                    <td class="number">{line.quantity}</td>
                    <td class="number">{money(line.unit_price_minor)}</td>
                    <td class="number">{money(line.unit_price_minor * line.quantity)}</td>
                    <td>
                        {if claimed > 0 {
                            view! { <strong class="claimed-tag">{move || t_string!(i18n, claimed_quantity, count = claimed).to_string()}</strong> }.into_any()
                        } else {
                            view! { <span class="muted">{move || t_string!(i18n, not_claimed)}</span> }.into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let has_photos = !case.photos.is_empty();
    let photos = case
        .photos
        .into_iter()
        .enumerate()
        .map(|(n, photo)| {
            let n = n + 1;
            let full = photo.url.clone();
            view! {
                <li>
                    <a href=full target="_blank" rel="noopener">
                        <img src=photo.url alt=move || t_string!(i18n, photo_alt, n = n) width="160" height="107"/>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="receipt">
            <section class="card" aria-labelledby="receipt-order">
                <h2 id="receipt-order">{move || t_string!(i18n, order)}</h2>
                <dl class="facts">
                    <dt>{move || t_string!(i18n, order_number)}</dt>
                    <dd data-testid="order-number">{order.number}</dd>
                    {order.legacy_number.map(|n| view! {
                        <dt>{move || t_string!(i18n, legacy_order_number)}</dt>
                        <dd data-testid="legacy-order-number">{n}</dd>
                    })}
                    <dt>{move || t_string!(i18n, placed)}</dt>
                    <dd>{move || format::date_time(placed, i18n.get_locale())}</dd>
                    <dt>{move || t_string!(i18n, delivered)}</dt>
                    <dd>
                        {move || match delivered {
                            Some(at) => format::date_time(at, i18n.get_locale()),
                            None => t_string!(i18n, not_delivered).to_owned(),
                        }}
                    </dd>
                    <dt>{move || t_string!(i18n, payout)}</dt>
                    <dd class=format!("payout payout-{payout}")>{payout_text}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="receipt-customer">
                <h2 id="receipt-customer">{move || t_string!(i18n, customer)}</h2>
                <dl class="facts">
                    <dt>{move || t_string!(i18n, customer)}</dt>
                    <dd>
                        <span class="dotted">{customer.name}</span>
                        <span class="dotted">{move || match customer_kind {
                            CustomerKind::Consumer => t_string!(i18n, customer_consumer),
                            CustomerKind::Retailer => t_string!(i18n, customer_retailer),
                        }}</span>
                    </dd>
                    {customer.company.map(|c| view! { <dt>{move || t_string!(i18n, company)}</dt><dd>{c}</dd> })}
                    <dt>{move || t_string!(i18n, email)}</dt>
                    <dd><a href=format!("mailto:{}", customer.email)>{customer.email.clone()}</a></dd>
                    <dt>{move || t_string!(i18n, address)}</dt>
                    <dd>{customer.address}</dd>
                </dl>
            </section>
            <section class="card wide" aria-labelledby="receipt-lines">
                <h2 id="receipt-lines">{move || t_string!(i18n, order_lines)}</h2>
                <table class="lines">
                    <thead>
                        <tr>
                            <td></td>
                            <th scope="col">{move || t_string!(i18n, product)}</th>
                            <th scope="col" class="number">{move || t_string!(i18n, quantity)}</th>
                            <th scope="col" class="number">{move || t_string!(i18n, unit_price)}</th>
                            <th scope="col" class="number">{move || t_string!(i18n, line_total)}</th>
                            <th scope="col">{move || t_string!(i18n, claimed)}</th>
                        </tr>
                    </thead>
                    <tbody>{lines}</tbody>
                    <tfoot>
                        <tr>
                            <td></td>
                            <th scope="row" colspan="3">{move || t_string!(i18n, order_total)}</th>
                            <td class="number">{money(order.total_minor)}</td>
                            <td></td>
                        </tr>
                        <tr>
                            <td></td>
                            <th scope="row" colspan="3">{move || t_string!(i18n, claimed_value)}</th>
                            <td class="number" data-testid="claimed-value">{money(case.summary.claimed_value_minor)}</td>
                            <td></td>
                        </tr>
                    </tfoot>
                </table>
            </section>
            <section class="card wide" aria-labelledby="receipt-description">
                <h2 id="receipt-description">{move || t_string!(i18n, description)}</h2>
                <blockquote class="description">{case.description}</blockquote>
                {has_photos.then(|| view! {
                    <h3>{move || t_string!(i18n, photos)}</h3>
                    <ul class="photos">{photos}</ul>
                })}
            </section>
        </div>
    }
}
