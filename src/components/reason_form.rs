use claimdesk_shared::wire::{CaseDetail, Dispute, HandBack};
use leptos::prelude::*;

use crate::api;
use crate::case_context::use_case_context;
use crate::components::decision_panel::after_write;
use crate::drafts::DraftSlot;
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// What a `ReasonForm` sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The customer disputes the rejection (the platform decides).
    Dispute,
    /// Support hands a platform case back to the merchant.
    HandBack,
}

/// A short text that moves the case on: the customer's dispute of a
/// rejection, or support's note handing a case back. Its draft (and the
/// key of its send) survive a reload and a failed send, like a message's.
#[component]
pub fn ReasonForm(case: CaseDetail, purpose: Purpose) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let (id, version) = (case.summary.id, case.version);
    let slot = StoredValue::new(DraftSlot::new(
        id,
        match purpose {
            Purpose::Dispute => "dispute",
            Purpose::HandBack => "hand-back",
        },
    ));
    let text = RwSignal::new(slot.with_value(DraftSlot::text));
    Effect::new(move || {
        let typed = text.get();
        slot.with_value(|s| s.save_text(&typed));
    });
    let write = Write::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = text.get_untracked();
        let key = slot.with_value(DraftSlot::send_key);
        write.run(async move {
            let result = match purpose {
                Purpose::Dispute => {
                    api::dispute(
                        id,
                        Dispute {
                            version,
                            reason: typed,
                        },
                        key,
                    )
                    .await
                }
                Purpose::HandBack => {
                    api::hand_back(
                        id,
                        HandBack {
                            version,
                            note: typed,
                        },
                        key,
                    )
                    .await
                }
            };
            if result.is_ok() {
                slot.with_value(DraftSlot::clear);
            }
            after_write(context, &result);
            result.map(drop)
        });
    };
    let field = match purpose {
        Purpose::Dispute => "reason",
        Purpose::HandBack => "note",
    };
    let field_id = format!("{field}-{id}");
    let error_id = format!("{field_id}-error");
    let described_by = error_id.clone();
    let error = move || {
        write.error().map(|e| {
            e.field(field)
                .map(|f| labels::field_error(i18n, &f.code))
                .unwrap_or_else(|| labels::api_error(i18n, &e))
        })
    };
    let heading = move || match purpose {
        Purpose::Dispute => t_string!(i18n, dispute_title),
        Purpose::HandBack => t_string!(i18n, hand_back_title),
    };
    let label = move || match purpose {
        Purpose::Dispute => t_string!(i18n, dispute_label),
        Purpose::HandBack => t_string!(i18n, hand_back_label),
    };
    let button = move || match purpose {
        Purpose::Dispute => t_string!(i18n, dispute_button),
        Purpose::HandBack => t_string!(i18n, hand_back_button),
    };
    // Until when a rejection may be disputed; what handing back does.
    let until = case.disputable_until;
    let hint = move || match (purpose, until) {
        (Purpose::Dispute, Some(at)) => t_string!(
            i18n,
            dispute_hint,
            date = format::date_time(at, i18n.get_locale())
        )
        .to_string(),
        _ => t_string!(i18n, hand_back_hint).to_owned(),
    };
    let heading_id = format!("{field}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{heading}</h2>
            <p class="hint">{hint}</p>
            <form on:submit=on_submit novalidate>
                <div class="field">
                    <label for=field_id.clone()>{label}</label>
                    <textarea
                        id=field_id
                        rows="4"
                        maxlength="2000"
                        bind:value=text
                        aria-invalid=move || error().is_some().to_string()
                        aria-describedby=move || error().map(|_| described_by.clone())
                    ></textarea>
                    {move || error().map(|m| view! { <p id=error_id.clone() class="field-error" role="alert">{m}</p> })}
                </div>
                <button type="submit" class="button primary" disabled=move || write.pending() || text.get().trim().is_empty()>
                    {button}
                </button>
            </form>
        </section>
    }
}
