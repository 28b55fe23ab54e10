use claimdesk_shared::wire::{CaseDetail, Versioned};
use leptos::prelude::*;

use crate::api;
use crate::case_context::use_case_context;
use crate::components::confirmed_button::ConfirmedButton;
use crate::components::decision_panel::{after_write, error_text};
use crate::format;
use crate::i18n::*;
use crate::write::Write;

/// The merchant's open proposal, as the customer sees it, with the button
/// that accepts it (and so resolves the claim).
#[component]
pub fn ProposalCard(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let (id, version) = (case.summary.id, case.version);
    let currency = case.summary.currency.clone();
    let proposal = case.proposal?;
    let key = StoredValue::new(api::new_idempotency_key());
    let write = Write::new();
    let refund = proposal.amount_minor.map(|minor| {
        view! { <p>{move || t_string!(i18n, proposal_refund, amount = format::money(minor, &currency, i18n.get_locale())).to_string()}</p> }
    });
    Some(view! {
        <section class="card proposal" aria-labelledby="proposal-heading">
            <h2 id="proposal-heading">{move || t_string!(i18n, proposal_title)}</h2>
            <blockquote class="description">{proposal.note}</blockquote>
            {refund}
            {move || write.error().map(|e| view! { <p class="form-error" role="alert">{error_text(i18n, &e)}</p> })}
            <ConfirmedButton
                label=Signal::derive(move || t_string!(i18n, accept_proposal).to_owned())
                question=Signal::derive(move || t_string!(i18n, confirm_accept_proposal).to_owned())
                write=write
                on_confirm=move |_| write.run(async move {
                    let result = api::accept_proposal(id, Versioned { version }, key.get_value()).await;
                    after_write(context, &result);
                    result.map(drop)
                })
            />
        </section>
    })
}
