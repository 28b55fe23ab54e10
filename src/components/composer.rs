use claimdesk_shared::wire::{CaseDetail, NewPost};
use claimdesk_shared::CaseId;
use leptos::prelude::*;

use crate::api::{self, ApiError, PostKind};
use crate::drafts::DraftSlot;
use crate::i18n::*;
use crate::labels;

/// Writes a message or a note. The text is saved as a draft on every
/// keystroke and only cleared once the server has it, so neither a reload
/// nor a failed send loses it; a retry reuses the send's idempotency key,
/// so it can never post twice.
#[component]
pub fn Composer(
    /// The case written on.
    case_id: CaseId,
    /// The case version the writer sees.
    version: i64,
    /// Message to the customer or internal note.
    kind: PostKind,
    /// The field's label.
    #[prop(into)]
    label: Signal<String>,
    /// What the send will do, said under the field.
    #[prop(optional, into)]
    hint: MaybeProp<String>,
    /// Called with the case after a successful send.
    #[prop(into)]
    on_sent: Callback<CaseDetail>,
    /// Called when the case changed underneath (a 409); the text stays.
    #[prop(into)]
    on_stale: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = match kind {
        PostKind::Message => "message",
        PostKind::Note => "note",
    };
    let slot = DraftSlot::new(case_id, name);
    let text = RwSignal::new(slot.text());
    let field = NodeRef::<leptos::html::Textarea>::new();
    let send = {
        let slot = slot.clone();
        Action::new_local(move |body: &String| {
            let (slot, body) = (slot.clone(), body.clone());
            async move {
                let result = api::post(
                    case_id,
                    kind,
                    NewPost {
                        version,
                        body: body.clone(),
                        attachment_ids: Vec::new(),
                    },
                    slot.send_key(),
                )
                .await;
                match &result {
                    Ok(case) => {
                        slot.clear();
                        text.set(String::new());
                        // The reload that follows may reuse this very field;
                        // empty it now rather than trust the diff to.
                        if let Some(field) = field.get_untracked() {
                            field.set_value("");
                        }
                        on_sent.run(case.clone());
                    }
                    Err(ApiError::Conflict(kind)) if kind == "stale-version" => {
                        // The key belonged to a send that can no longer happen.
                        slot.clear();
                        slot.save_text(&body);
                        on_stale.run(());
                    }
                    Err(_) => {}
                }
                result
            }
        })
    };
    let pending = send.pending();
    let error = move || send.value().get().and_then(Result::err);
    let field_error =
        move || error().and_then(|e| e.field("body").map(|f| labels::field_error(i18n, &f.code)));
    // A stale case is announced by the case page itself, above the reload.
    let general_error = move || {
        error()
            .filter(|e| !matches!(e, ApiError::Validation(_)))
            .filter(|e| !matches!(e, ApiError::Conflict(kind) if kind == "stale-version"))
            .map(|e| labels::api_error(i18n, &e))
    };
    let submit = move || {
        let body = text.get_untracked();
        if !body.trim().is_empty() && !pending.get_untracked() {
            send.dispatch(body);
        }
    };
    let id = format!("composer-{case_id}-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    view! {
        <form class="composer" on:submit=move |ev| {
            ev.prevent_default();
            submit();
        }>
            <label for=id.clone()>{move || label.get()}</label>
            <textarea
                node_ref=field
                id=id
                rows="4"
                prop:value=move || text.get()
                aria-describedby=hint_id.clone()
                aria-invalid=move || field_error().is_some().to_string()
                aria-errormessage=error_id.clone()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    slot.save_text(&value);
                    text.set(value);
                }
                on:keydown=move |ev| {
                    // Ctrl+Enter (Cmd+Enter) sends, as in every help desk.
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        submit();
                    }
                }
            ></textarea>
            <p id=hint_id class="hint">
                <span>{move || hint.get()}</span>
                <span>{move || t_string!(i18n, draft_kept)}</span>
            </p>
            {move || field_error().map(|m| view! { <p id=error_id.clone() class="field-error" role="alert">{m}</p> })}
            {move || general_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <button type="submit" class="button primary" disabled=move || pending.get() || text.get().trim().is_empty()>
                {move || if pending.get() {
                    t_string!(i18n, sending)
                } else {
                    match kind {
                        PostKind::Message => t_string!(i18n, send),
                        PostKind::Note => t_string!(i18n, add_note),
                    }
                }}
            </button>
        </form>
    }
}
