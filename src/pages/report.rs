//! `/report`: a customer (or retailer) reports a problem with an order.

use leptos::prelude::*;

use crate::api;
use crate::components::report_form::ReportForm;
use crate::fetched::Fetched;
use crate::i18n::*;

/// Which order, which items and how many, why, what happened, photos.
#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let orders = Fetched::new(api::orders);
    view! {
        <div class="report">
            <h1>{move || t_string!(i18n, report_title)}</h1>
            <p class="muted">{move || t_string!(i18n, report_intro)}</p>
            {orders.view(|orders| view! { <ReportForm orders=orders/> })}
        </div>
    }
}
