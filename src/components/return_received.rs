use claimdesk_shared::wire::{CaseDetail, Versioned};
use leptos::prelude::*;

use crate::api;
use crate::case_context::use_case_context;
use crate::components::confirmed_button::ConfirmedButton;
use crate::components::decision_panel::{after_write, error_text};
use crate::format;
use crate::i18n::*;
use crate::write::Write;

/// Awaiting the returned parcel: its arrival refunds what is left.
#[component]
pub fn ReturnReceived(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let (id, version) = (case.summary.id, case.version);
    let left = case.summary.claimed_value_minor - case.refunded_minor;
    let currency = StoredValue::new(case.summary.currency.clone());
    let key = StoredValue::new(api::new_idempotency_key());
    let write = Write::new();
    let amount = move || currency.with_value(|c| format::money(left, c, i18n.get_locale()));
    view! {
        <p>{move || t_string!(i18n, awaiting_return_hint)}</p>
        {move || write.error().map(|e| view! { <p class="form-error" role="alert">{error_text(i18n, &e)}</p> })}
        <ConfirmedButton
            label=Signal::derive(move || t_string!(i18n, return_received).to_owned())
            question=Signal::derive(move || t_string!(i18n, confirm_return_received, amount = amount()).to_string())
            write=write
            on_confirm=move |_| write.run(async move {
                let result = api::return_received(id, Versioned { version }, key.get_value()).await;
                after_write(context, &result);
                result.map(drop)
            })
        />
    }
}
