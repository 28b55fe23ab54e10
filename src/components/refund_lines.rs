use claimdesk_shared::wire::OrderLineView;
use leptos::prelude::*;

use crate::format;
use crate::i18n::*;

/// The claimed lines of an order, each with how many to refund (at most
/// what the case claims), and what that comes to.
#[component]
pub fn RefundLines(
    /// The lines the case claims.
    lines: Vec<OrderLineView>,
    /// How many of each line to refund, in the order of `lines`.
    quantities: RwSignal<Vec<i64>>,
    currency: String,
    /// What is still open of the claim, the most a refund may be.
    left: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let currency = StoredValue::new(currency);
    let money =
        move |minor: i64| currency.with_value(|c| format::money(minor, c, i18n.get_locale()));
    let prices: Vec<i64> = lines.iter().map(|l| l.unit_price_minor).collect();
    let total = move || quantities.with(|q| prices.iter().zip(q).map(|(p, n)| p * n).sum::<i64>());
    let rows = lines
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            let input_id = format!("refund-qty-{}", line.id);
            let price = line.unit_price_minor;
            let claimed = line.claimed_quantity;
            view! {
                <li>
                    <label for=input_id.clone()>
                        <span class="line-title">{line.title}</span>
                        <span class="muted">{move || t_string!(i18n, refund_line_each, price = money(price), claimed = claimed).to_string()}</span>
                    </label>
                    <input
                        id=input_id
                        type="number"
                        min="0"
                        max=claimed
                        step="1"
                        inputmode="numeric"
                        prop:value=move || quantities.with(|q| q[index]).to_string()
                        on:input=move |ev| {
                            let n = event_target_value(&ev).parse::<i64>().unwrap_or(0).clamp(0, claimed);
                            quantities.update(|q| q[index] = n);
                        }
                    />
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="refund-lines">{rows}</ul>
        <p class="refund-total" aria-live="polite">
            {move || {
                let total = total();
                let text = t_string!(i18n, refund_lines_total, amount = money(total)).to_string();
                if total > left { format!("{text} {}", t_string!(i18n, err_over_claimed)) } else { text }
            }}
        </p>
    }
}
