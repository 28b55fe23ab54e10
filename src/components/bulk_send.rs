use claimdesk_shared::wire::{BulkCase, BulkResult, BulkSend as BulkRequest};
use leptos::prelude::*;

use crate::api;
use crate::components::bulk_row::BulkRow;
use crate::components::confirmed_button::ConfirmedButton;
use crate::components::decision_panel::error_text;
use crate::i18n::*;
use crate::session::use_session;
use crate::write::Write;

/// Sends every listed prepared decision in one request, after a
/// confirmation, and then says per case whether it went out. The results
/// stay on screen after the list empties.
#[component]
pub fn BulkSend(
    /// The prepared cases on screen, with the versions the agent saw.
    #[prop(into)]
    listed: Signal<Vec<BulkCase>>,
    /// Called after sending, to reload the list.
    on_sent: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let write = Write::new();
    let done = RwSignal::new(None::<BulkResult>);
    let count = move || listed.with(Vec::len);
    let send = move |_| {
        let input = BulkRequest {
            cases: listed.get_untracked(),
        };
        // One key per confirmed send: a retry of it sends nothing twice.
        let key = api::new_idempotency_key();
        write.run(async move {
            let result = api::send_prepared(input, key).await?;
            done.try_set(Some(result));
            on_sent.try_run(());
            session.touch();
            Ok(())
        });
    };
    let results = move || {
        done.get().map(|done| {
            let sent = done.results.iter().filter(|r| r.ok).count();
            let total = done.results.len();
            let rows = done
                .results
                .into_iter()
                .map(|outcome| view! { <BulkRow outcome=outcome/> })
                .collect_view();
            view! {
                <p role="status">{move || t_string!(i18n, bulk_summary, sent = sent, total = total).to_string()}</p>
                <ul class="bulk-results">{rows}</ul>
            }
        })
    };
    view! {
        <section class="card bulk" aria-labelledby="bulk-heading">
            <h2 id="bulk-heading">{move || t_string!(i18n, bulk_title)}</h2>
            <ConfirmedButton
                label=Signal::derive(move || t_string!(i18n, bulk_send, count = count()).to_string())
                question=Signal::derive(move || t_string!(i18n, bulk_confirm, count = count()).to_string())
                write=write
                on_confirm=send
                disabled=Signal::derive(move || count() == 0)
            />
            {move || write.error().map(|e| view! { <p class="form-error" role="alert">{error_text(i18n, &e)}</p> })}
            {results}
        </section>
    }
}
