//! `/metrics`: where a merchant stands. A merchant agent sees its own
//! figures; support sees every merchant of its marketplace ranked by risk,
//! and one merchant's figures with `?merchant=ID`. `?days=` picks the
//! period (30, 90 or 365 days).

use claimdesk_shared::metrics::PERIODS;
use claimdesk_shared::Role;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::merchant_dashboard::MerchantDashboard;
use crate::components::ranking_table::RankingTable;
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::routes::AppRoute;
use crate::session::use_session;

/// The address of the page for `days` and, for support, `merchant`.
fn href(days: i64, merchant: Option<i64>) -> String {
    AppRoute::Metrics {
        days: Some(days),
        merchant,
    }
    .href()
}

#[component]
pub fn MetricsPage() -> impl IntoView {
    let i18n = use_i18n();
    let role = untrack(|| use_session().user().map(|me| me.role));
    let query = use_query_map();
    let days = Memo::new(move |_| {
        query
            .with(|q| q.get("days").and_then(|d| d.parse().ok()))
            .filter(|d| PERIODS.contains(d))
            .unwrap_or(PERIODS[0])
    });
    let merchant =
        Memo::new(move |_| query.with(|q| q.get("merchant").and_then(|m| m.parse::<i64>().ok())));
    let navigate = use_navigate();
    let period = move |ev: leptos::ev::Event| {
        let days: i64 = event_target_value(&ev).parse().unwrap_or(PERIODS[0]);
        navigate(&href(days, merchant.get_untracked()), Default::default());
    };
    let options = PERIODS
        .iter()
        .map(|&d| view! { <option value=d selected=move || days.get() == d>{move || t_string!(i18n, metrics_days, days = d).to_string()}</option> })
        .collect_view();
    let support = role == Some(Role::Support);
    let content = move || {
        let days = days.get();
        match (support, merchant.get()) {
            (true, None) => {
                let ranking = Fetched::new(move || api::metrics_ranking(days));
                view! {
                    <h1>{move || t_string!(i18n, ranking_title)}</h1>
                    {ranking.view(move |r| view! { <RankingTable ranking=r days=days/> })}
                }
                .into_any()
            }
            (_, chosen) => {
                let figures = Fetched::new(move || api::metrics(days, chosen));
                view! {
                    {support.then(|| view! { <a class="back" href=href(days, None)>{move || t_string!(i18n, metrics_all_merchants)}</a> })}
                    <h1>{move || match (support, figures.ok()) {
                        (true, Some(m)) => t_string!(i18n, metrics_title_of, name = m.merchant.name).to_string(),
                        _ => t_string!(i18n, metrics_title).to_owned(),
                    }}</h1>
                    {figures.view(|m| view! { <MerchantDashboard metrics=m/> })}
                }
                .into_any()
            }
        }
    };
    view! {
        <div class="metrics">
            <div class="metrics-period">
                <label for="metrics-days">{move || t_string!(i18n, metrics_period)}</label>
                <select id="metrics-days" on:change=period>{options}</select>
            </div>
            {content}
        </div>
    }
}
