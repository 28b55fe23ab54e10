use claimdesk_shared::metrics::{percent, MerchantMetrics, Tally};
use claimdesk_shared::{Kind, Reason};
use leptos::prelude::*;

use crate::components::bar_chart::{Bar, BarChart};
use crate::format;
use crate::i18n::*;
use crate::labels;

/// One merchant's figures: the scores the marketplace judges it by, each
/// against its target and in words, then the trend by week (charts with
/// their tables) and what the cases were about.
#[component]
pub fn MerchantDashboard(metrics: MerchantMetrics) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let m = metrics;
    let (ratings, problems, responses) = (m.ratings, m.problems, m.responses);
    let (target, warning) = (m.target_percent, m.warning_percent);

    // Satisfaction: the score, or "not enough ratings"; judged against the
    // marketplace's target and warning level.
    let score = ratings.score();
    let all = ratings.up + ratings.down;
    let satisfaction_state = match score {
        None => "muted",
        Some(s) if s < warning as f64 => "bad",
        Some(s) if s < target as f64 => "warn",
        Some(_) => "good",
    };
    let satisfaction = move || match score {
        Some(s) => t_string!(
            i18n,
            metrics_satisfaction_value,
            score = format::percent(s, locale()),
            up = ratings.up,
            all = all
        )
        .to_string(),
        None => t_string!(i18n, metrics_not_enough_ratings, all = all).to_string(),
    };
    let satisfaction_note = move || {
        t_string!(
            i18n,
            metrics_target,
            target = format::percent(target as f64, locale()),
            warning = format::percent(warning as f64, locale())
        )
        .to_string()
    };
    let problem_state = match problems.rate() {
        None => "muted",
        Some(_) if problems.above_limit() => "bad",
        Some(_) => "good",
    };
    let problem_rate = move || match problems.rate() {
        Some(rate) => t_string!(
            i18n,
            metrics_problem_value,
            rate = format::percent(rate, locale()),
            problems = problems.problems,
            delivered = problems.delivered
        )
        .to_string(),
        None => t_string!(i18n, metrics_no_deliveries).to_owned(),
    };
    let compliance = percent(responses.met, responses.due);
    let response_state = match compliance {
        None => "muted",
        Some(_) if responses.met < responses.due => "warn",
        Some(_) => "good",
    };
    let response = move || match compliance {
        Some(rate) => t_string!(
            i18n,
            metrics_response_value,
            rate = format::percent(rate, locale()),
            met = responses.met,
            due = responses.due
        )
        .to_string(),
        None => t_string!(i18n, metrics_none_due).to_owned(),
    };
    let median = m.median_first_response_minutes;
    let median_text = move || match median {
        Some(minutes) => format::duration(minutes, locale()),
        None => t_string!(i18n, metrics_none_due).to_owned(),
    };
    let (refunds, refunded, currency) = (m.auto_refunds, m.auto_refunded_minor, m.currency.clone());
    let refunds_text = move || {
        t_string!(
            i18n,
            metrics_auto_refunds_value,
            count = refunds,
            amount = format::money(refunded, &currency, locale())
        )
        .to_string()
    };

    // The trend: cases and satisfaction by week.
    let weeks = m.weeks.clone();
    let week_label = move |starts| format::day(starts, i18n.get_locale_untracked());
    let case_bars: Vec<Bar> = weeks
        .iter()
        .map(|w| Bar {
            label: week_label(w.starts),
            value: Some(w.cases as f64),
            text: w.cases.to_string(),
        })
        .collect();
    let rating_bars: Vec<Bar> = weeks
        .iter()
        .map(|w| {
            let all = w.ratings.up + w.ratings.down;
            let value = percent(w.ratings.up, all);
            Bar {
                label: week_label(w.starts),
                value,
                text: match value {
                    Some(v) => untrack(|| {
                        t_string!(
                            i18n,
                            metrics_week_ratings,
                            score = format::percent(v, i18n.get_locale_untracked()),
                            all = all
                        )
                        .to_string()
                    }),
                    None => untrack(|| t_string!(i18n, metrics_no_ratings).to_owned()),
                },
            }
        })
        .collect();
    let tally = |rows: Vec<Tally>, name: fn(I18n, &str) -> String| {
        rows.into_iter()
            .map(|row| view! { <tr><th scope="row">{move || name(i18n, &row.key)}</th><td>{row.cases}</td></tr> })
            .collect_view()
    };
    let kinds = tally(m.by_kind, |i18n, key| {
        key.parse::<Kind>()
            .map_or_else(|_| key.to_owned(), |k| labels::kind(i18n, k).to_owned())
    });
    let reasons = tally(m.by_reason, |i18n, key| {
        key.parse::<Reason>()
            .map_or_else(|_| key.to_owned(), |r| labels::reason(i18n, r).to_owned())
    });
    let products = m
        .top_products
        .into_iter()
        .map(|p| view! { <tr><th scope="row">{p.title}<span class="muted">" · "{p.sku}</span></th><td>{p.cases}</td></tr> })
        .collect_view();
    let text = |key: fn(I18n) -> &'static str| Signal::derive(move || key(i18n).to_owned());
    view! {
        <section class="dashboard" aria-labelledby="scores-heading">
            <h2 id="scores-heading" class="visually-hidden">{move || t_string!(i18n, metrics_scores)}</h2>
            <dl class="scores">
                <div class=format!("score {satisfaction_state}") data-testid="score-satisfaction">
                    <dt>{move || t_string!(i18n, metrics_satisfaction)}</dt>
                    <dd>{satisfaction}</dd>
                    <dd class="muted">{satisfaction_note}</dd>
                </div>
                <div class=format!("score {problem_state}") data-testid="score-problem-rate">
                    <dt>{move || t_string!(i18n, metrics_problem_rate)}</dt>
                    <dd>{problem_rate}</dd>
                    <dd class="muted">{move || t_string!(i18n, metrics_problem_limit)}</dd>
                </div>
                <div class=format!("score {response_state}") data-testid="score-responses">
                    <dt>{move || t_string!(i18n, metrics_response)}</dt>
                    <dd>{response}</dd>
                </div>
                <div class="score" data-testid="score-median">
                    <dt>{move || t_string!(i18n, metrics_median_first)}</dt>
                    <dd>{median_text}</dd>
                </div>
                <div class="score" data-testid="score-auto-refunds">
                    <dt>{move || t_string!(i18n, metrics_auto_refunds)}</dt>
                    <dd>{refunds_text}</dd>
                </div>
            </dl>
        </section>
        <section class="dashboard charts" aria-labelledby="trend-heading">
            <h2 id="trend-heading">{move || t_string!(i18n, metrics_trend)}</h2>
            <BarChart
                caption=text(|i18n| t_string!(i18n, metrics_cases_per_week))
                label_heading=text(|i18n| t_string!(i18n, metrics_week))
                value_heading=text(|i18n| t_string!(i18n, metrics_cases))
                bars=case_bars
            />
            <BarChart
                caption=text(|i18n| t_string!(i18n, metrics_satisfaction_per_week))
                label_heading=text(|i18n| t_string!(i18n, metrics_week))
                value_heading=text(|i18n| t_string!(i18n, metrics_satisfaction))
                bars=rating_bars
                max=100.0
                line=target as f64
            />
        </section>
        <section class="dashboard tallies" aria-labelledby="volume-heading">
            <h2 id="volume-heading">{move || t_string!(i18n, metrics_volume, count = m.cases).to_string()}</h2>
            <table>
                <caption>{move || t_string!(i18n, metrics_by_kind)}</caption>
                <thead><tr><th scope="col">{move || t_string!(i18n, filter_kind)}</th><th scope="col">{move || t_string!(i18n, metrics_cases)}</th></tr></thead>
                <tbody>{kinds}</tbody>
            </table>
            <table>
                <caption>{move || t_string!(i18n, metrics_by_reason)}</caption>
                <thead><tr><th scope="col">{move || t_string!(i18n, filter_reason)}</th><th scope="col">{move || t_string!(i18n, metrics_cases)}</th></tr></thead>
                <tbody>{reasons}</tbody>
            </table>
            <table>
                <caption>{move || t_string!(i18n, metrics_top_products)}</caption>
                <thead><tr><th scope="col">{move || t_string!(i18n, metrics_product)}</th><th scope="col">{move || t_string!(i18n, metrics_cases)}</th></tr></thead>
                <tbody>{products}</tbody>
            </table>
        </section>
    }
}
