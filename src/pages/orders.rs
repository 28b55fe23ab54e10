//! `/orders`: a customer's orders, each with its cases and a way to report
//! a problem with it.

use leptos::prelude::*;

use crate::api;
use crate::components::order_card::OrderCard;
use crate::fetched::Fetched;
use crate::i18n::*;

/// Every order of the customer's, newest first.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let orders = Fetched::new(api::orders);
    view! {
        <div class="orders">
            <h1>{move || t_string!(i18n, orders_title)}</h1>
            {orders.view(move |orders| {
                if orders.is_empty() {
                    view! { <p class="empty">{move || t_string!(i18n, report_no_orders)}</p> }.into_any()
                } else {
                    let cards = orders
                        .into_iter()
                        .map(|order| view! { <li><OrderCard order=order/></li> })
                        .collect_view();
                    view! { <ul class="order-list">{cards}</ul> }.into_any()
                }
            })}
        </div>
    }
}
