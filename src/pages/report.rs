//! `/report`: a customer (or retailer) reports a problem with an order;
//! support registers one for a customer, after finding the order.

use claimdesk_shared::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::order_search::OrderSearch;
use crate::components::report_form::ReportForm;
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::session::use_session;

/// Which order, which items and how many, why, what happened, photos.
#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    if untrack(|| session.user()).is_some_and(|me| me.role == Role::Support) {
        return view! {
            <div class="report">
                <h1>{move || t_string!(i18n, behalf_title)}</h1>
                <p class="muted">{move || t_string!(i18n, behalf_intro)}</p>
                <OrderSearch/>
            </div>
        }
        .into_any();
    }
    // "Report a problem" on an order of My orders names it in the address.
    let chosen =
        untrack(|| use_query_map().read().get("order")).and_then(|o| o.parse::<i64>().ok());
    let orders = Fetched::new(api::orders);
    view! {
        <div class="report">
            <h1>{move || t_string!(i18n, report_title)}</h1>
            <p class="muted">{move || t_string!(i18n, report_intro)}</p>
            {orders.view(move |orders| view! { <ReportForm orders=orders chosen=chosen/> })}
        </div>
    }
    .into_any()
}
