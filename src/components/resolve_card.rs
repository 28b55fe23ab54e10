use claimdesk_shared::wire::{CaseDetail, Versioned};
use leptos::prelude::*;

use crate::api;
use crate::case_context::use_case_context;
use crate::components::confirmed_button::ConfirmedButton;
use crate::components::decision_panel::{after_write, error_text};
use crate::i18n::*;
use crate::write::Write;

/// The customer's way to close an open case themselves: "my problem is
/// solved" (asked about first: it cannot be undone).
#[component]
pub fn ResolveCard(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let (id, version) = (case.summary.id, case.version);
    let key = StoredValue::new(api::new_idempotency_key());
    let write = Write::new();
    view! {
        <section class="card" aria-labelledby="resolve-heading">
            <h2 id="resolve-heading">{move || t_string!(i18n, resolve_title)}</h2>
            <p>{move || t_string!(i18n, resolve_hint)}</p>
            {move || write.error().map(|e| view! { <p class="form-error" role="alert">{error_text(i18n, &e)}</p> })}
            <ConfirmedButton
                label=Signal::derive(move || t_string!(i18n, resolve_button).to_owned())
                question=Signal::derive(move || t_string!(i18n, resolve_confirm).to_owned())
                write=write
                on_confirm=move |_| write.run(async move {
                    let result = api::resolve(id, Versioned { version }, key.get_value()).await;
                    after_write(context, &result);
                    result.map(drop)
                })
            />
        </section>
    }
}
