use claimdesk_shared::metrics::{percent, MerchantRanking, MerchantStanding};
use claimdesk_shared::Inbox;
use leptos::prelude::*;

use crate::api::CaseQuery;
use crate::format;
use crate::i18n::*;
use crate::routes::AppRoute;

/// What the table is sorted by (risk first by default, as the server ranks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortBy {
    Risk,
    Name,
    Satisfaction,
    ProblemRate,
    Compliance,
    Breaches,
    Cases,
}

impl SortBy {
    /// How the column orders when chosen (`aria-sort`): the worst first.
    fn direction(self) -> &'static str {
        match self {
            SortBy::Name | SortBy::Satisfaction | SortBy::Compliance => "ascending",
            SortBy::Risk => "other",
            SortBy::ProblemRate | SortBy::Breaches | SortBy::Cases => "descending",
        }
    }
}

/// Support's table of every merchant of its marketplace: scores, risks and
/// links to each one's figures and cases. Each column sorts on its
/// heading's button.
#[component]
pub fn RankingTable(ranking: MerchantRanking, days: i64) -> impl IntoView {
    let i18n = use_i18n();
    let sort = RwSignal::new(SortBy::Risk);
    let merchants = StoredValue::new(ranking.merchants);
    let sorted = move || {
        let mut rows = merchants.get_value();
        let score = |m: &MerchantStanding| m.ratings.score().unwrap_or(f64::INFINITY);
        let rate = |m: &MerchantStanding| m.problems.rate().unwrap_or(-1.0);
        let met = |m: &MerchantStanding| {
            percent(m.responses.met, m.responses.due).unwrap_or(f64::INFINITY)
        };
        match sort.get() {
            SortBy::Risk => {}
            SortBy::Name => rows.sort_by(|a, b| a.merchant.name.cmp(&b.merchant.name)),
            SortBy::Satisfaction => rows.sort_by(|a, b| score(a).total_cmp(&score(b))),
            SortBy::ProblemRate => rows.sort_by(|a, b| rate(b).total_cmp(&rate(a))),
            SortBy::Compliance => rows.sort_by(|a, b| met(a).total_cmp(&met(b))),
            SortBy::Breaches => rows.sort_by_key(|m| std::cmp::Reverse(m.breaches)),
            SortBy::Cases => rows.sort_by_key(|m| std::cmp::Reverse(m.cases)),
        }
        rows
    };
    let heading = move |by: SortBy, label: fn(I18n) -> &'static str| {
        view! {
            <th scope="col" aria-sort=move || (sort.get() == by).then_some(by.direction())>
                <button type="button" class="link-button" on:click=move |_| sort.set(by)>{move || label(i18n)}</button>
            </th>
        }
    };
    let row = move |m: MerchantStanding| {
        let locale = i18n.get_locale();
        let all = m.ratings.up + m.ratings.down;
        let satisfaction = match m.ratings.score() {
            Some(s) => format::percent(s, locale),
            None => t_string!(i18n, metrics_not_enough_short, all = all).to_string(),
        };
        let problem_rate = match m.problems.rate() {
            Some(rate) => format::percent(rate, locale),
            None => "–".to_owned(),
        };
        let compliance = percent(m.responses.met, m.responses.due)
            .map_or_else(|| "–".to_owned(), |rate| format::percent(rate, locale));
        let risks = if m.risks.is_empty() {
            view! { <span class="muted">{t_string!(i18n, risk_none)}</span> }.into_any()
        } else {
            m.risks
                .iter()
                .map(|risk| {
                    let text = match risk.as_str() {
                        "satisfaction" => t_string!(i18n, risk_satisfaction),
                        "problem_rate" => t_string!(i18n, risk_problem_rate),
                        _ => t_string!(i18n, risk_breaches),
                    };
                    view! { <span class="risk">{text}</span> }
                })
                .collect_view()
                .into_any()
        };
        let figures = AppRoute::Metrics {
            days: Some(days),
            merchant: Some(m.merchant.id),
        }
        .href();
        let cases = AppRoute::Inbox(CaseQuery {
            merchant: Some(m.merchant.id),
            ..CaseQuery::new(Inbox::All)
        })
        .href();
        view! {
            <tr>
                <th scope="row">{m.merchant.name.clone()}</th>
                <td>{risks}</td>
                <td>{satisfaction}</td>
                <td>{problem_rate}</td>
                <td>{compliance}</td>
                <td>{m.breaches}</td>
                <td>{m.cases}</td>
                <td class="actions">
                    <a href=figures>{t_string!(i18n, ranking_figures)}</a>
                    " "
                    <a href=cases>{t_string!(i18n, ranking_cases_link)}</a>
                </td>
            </tr>
        }
    };
    view! {
        <table class="ranking">
            <caption>{move || t_string!(i18n, ranking_caption, days = days).to_string()}</caption>
            <thead>
                <tr>
                    {heading(SortBy::Name, |i18n| t_string!(i18n, ranking_merchant))}
                    {heading(SortBy::Risk, |i18n| t_string!(i18n, ranking_risks))}
                    {heading(SortBy::Satisfaction, |i18n| t_string!(i18n, metrics_satisfaction))}
                    {heading(SortBy::ProblemRate, |i18n| t_string!(i18n, metrics_problem_rate))}
                    {heading(SortBy::Compliance, |i18n| t_string!(i18n, metrics_response))}
                    {heading(SortBy::Breaches, |i18n| t_string!(i18n, ranking_breaches))}
                    {heading(SortBy::Cases, |i18n| t_string!(i18n, metrics_cases))}
                    <th scope="col"><span class="visually-hidden">{move || t_string!(i18n, ranking_links)}</span></th>
                </tr>
            </thead>
            <tbody>{move || sorted().into_iter().map(row).collect_view()}</tbody>
        </table>
    }
}
