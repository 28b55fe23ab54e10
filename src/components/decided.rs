use claimdesk_shared::wire::CaseDetail;
use leptos::prelude::*;

use crate::format;
use crate::i18n::*;
use crate::labels;

/// The outcome of a closed case.
#[component]
pub fn Decided(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let currency = case.summary.currency.clone();
    let refunded = case.refunded_minor;
    view! {
        {case.outcome.map(|o| view! { <p>{move || t_string!(i18n, outcome_line, outcome = labels::outcome(i18n, o)).to_string()}</p> })}
        {(refunded > 0).then(|| view! {
            <p>{move || t_string!(i18n, refunded_line, amount = format::money(refunded, &currency, i18n.get_locale())).to_string()}</p>
        })}
        {case.decision_note.map(|n| view! { <blockquote class="description">{n}</blockquote> })}
        <p class="muted">{move || t_string!(i18n, closed_final)}</p>
    }
}
