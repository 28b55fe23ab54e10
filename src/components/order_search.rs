use claimdesk_shared::wire::CustomerOrder;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::report_form::ReportForm;
use crate::format;
use crate::i18n::*;
use crate::labels;

/// Support's first step of a case for a customer: find the order by its
/// number, its legacy number or the customer's email, pick it, then the
/// usual report form for that order.
#[component]
pub fn OrderSearch() -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let found: RwSignal<Option<Result<Vec<CustomerOrder>, ApiError>>> = RwSignal::new(None);
    let picked: RwSignal<Option<CustomerOrder>> = RwSignal::new(None);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = q.get_untracked();
        picked.set(None);
        leptos::task::spawn_local(async move {
            found.set(Some(api::find_orders(text.trim()).await));
        });
    };
    let results = move || {
        found.get().map(|result| match result {
            Ok(orders) if orders.is_empty() => {
                view! { <p class="empty" role="status">{move || t_string!(i18n, behalf_none)}</p> }.into_any()
            }
            Ok(orders) => {
                let items = orders
                    .into_iter()
                    .map(|order| {
                        let who = format!(
                            "{} · {}",
                            order.customer_name.clone().unwrap_or_default(),
                            order.customer_email.clone().unwrap_or_default()
                        );
                        let (number, merchant, placed) =
                            (order.number.clone(), order.merchant_name.clone(), order.placed_at);
                        let label = format!("{number} · {merchant}");
                        view! {
                            <li>
                                <span>
                                    <strong>{label}</strong>
                                    <span class="muted">{move || format!(" · {}", format::day(placed.date_naive(), i18n.get_locale()))}</span>
                                    <br/>
                                    {who}
                                </span>
                                <button
                                    type="button"
                                    class="button secondary"
                                    aria-label=move || t_string!(i18n, behalf_pick_named, number = number.clone()).to_string()
                                    on:click=move |_| picked.set(Some(order.clone()))
                                >
                                    {move || t_string!(i18n, behalf_pick)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="order-results" aria-label=move || t_string!(i18n, behalf_results)>{items}</ul> }.into_any()
            }
            Err(e) => {
                let text = e
                    .field("q")
                    .map(|f| labels::field_error(i18n, &f.code))
                    .unwrap_or_else(|| labels::api_error(i18n, &e));
                view! { <p class="form-error" role="alert">{text}</p> }.into_any()
            }
        })
    };
    view! {
        <form class="card order-search" role="search" on:submit=on_submit>
            <div class="field">
                <label for="behalf-q">{move || t_string!(i18n, behalf_search_label)}</label>
                <input id="behalf-q" type="search" bind:value=q autocomplete="off"/>
            </div>
            <button type="submit" class="button primary">{move || t_string!(i18n, behalf_search)}</button>
        </form>
        {results}
        {move || picked.get().map(|order| {
            let customer = order.customer_name.clone().unwrap_or_default();
            view! {
                <h2>{move || t_string!(i18n, behalf_for, name = customer.clone()).to_string()}</h2>
                <ReportForm orders=vec![order]/>
            }
        })}
    }
}
