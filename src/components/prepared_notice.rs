use claimdesk_shared::wire::{PreparedDecision, Versioned};
use claimdesk_shared::CaseId;
use leptos::prelude::*;

use crate::api;
use crate::case_context::use_case_context;
use crate::components::decision_panel::{after_write, error_text};
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// Says that a decision is prepared but not sent, by whom and what it
/// does, with a way to throw it away.
#[component]
pub fn PreparedNotice(
    prepared: PreparedDecision,
    id: CaseId,
    version: i64,
    currency: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let discard = Write::new();
    let PreparedDecision {
        kind,
        amount_minor,
        prepared_by,
        ..
    } = prepared;
    let what = move || {
        let kind = labels::decision_kind(i18n, kind);
        match amount_minor {
            Some(minor) => format!(
                "{kind}, {}",
                format::money(minor, &currency, i18n.get_locale())
            ),
            None => kind.to_owned(),
        }
    };
    view! {
        <div class="alert alert-info prepared-notice" role="note">
            <p>{move || t_string!(i18n, prepared_notice, name = prepared_by.clone(), what = what()).to_string()}</p>
            {move || discard.error().map(|e| view! { <p class="form-error" role="alert">{error_text(i18n, &e)}</p> })}
            <button type="button" class="button secondary" disabled=move || discard.pending() on:click=move |_| discard.run(async move {
                let result = api::discard_prepared(id, Versioned { version }).await;
                after_write(context, &result);
                result.map(drop)
            })>
                {move || t_string!(i18n, discard_prepared)}
            </button>
        </div>
    }
}
