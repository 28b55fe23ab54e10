use claimdesk_shared::quick_text::shortcut;
use claimdesk_shared::wire::NewPost;
use claimdesk_shared::CaseId;
use leptos::prelude::*;

use crate::api::{self, ApiError, PostKind};
use crate::case_context::use_case_context;
use crate::components::file_picker::FilePicker;
use crate::components::quick_text_picker::{
    matching, navigate, Key, QuickTextPicker, QuickTextValues,
};
use crate::drafts::DraftSlot;
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::labels;
use crate::presence::use_typing;
use crate::write::Write;

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
    /// Offer the desk's quick texts (button and `::` shortcut), filled with
    /// these values.
    #[prop(default = None)]
    quick_texts: Option<QuickTextValues>,
) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let name = match kind {
        PostKind::Message => "message",
        PostKind::Note => "note",
    };
    let slot = DraftSlot::new(case_id, name);
    let text = RwSignal::new(slot.text());
    let field = NodeRef::<leptos::html::Textarea>::new();
    // Files uploaded for this post, sent with it by id.
    let files = RwSignal::new(slot.files());
    // Uploaded files belong to the draft: they survive a reload with it.
    {
        let slot = slot.clone();
        Effect::new(move |_| files.with(|f| slot.save_files(f)));
    }
    let uploading = RwSignal::new(0usize);
    // Colleagues (and the customer) see that a message is being written;
    // a note is the desk's own and reports nothing.
    let typing = (kind == PostKind::Message).then(use_typing).flatten();
    let send = Write::new();
    let dispatch = {
        let slot = slot.clone();
        Callback::new(move |body: String| {
            let slot = slot.clone();
            let attachment_ids = files.with_untracked(|f| f.iter().map(|a| a.id).collect());
            send.run(async move {
                let result = api::post(
                    case_id,
                    kind,
                    NewPost {
                        version,
                        body: body.clone(),
                        attachment_ids,
                    },
                    slot.send_key(),
                )
                .await;
                match &result {
                    // A live update may have replaced this composer while the
                    // post was under way: hence `try_`, which skips what is gone.
                    Ok(_) => {
                        if let Some(typing) = typing {
                            typing.stopped();
                        }
                        slot.clear();
                        files.try_set(Vec::new());
                        text.try_set(String::new());
                        // The reload that follows may reuse this very field;
                        // empty it now rather than trust the diff to.
                        if let Some(field) = field.try_get_untracked().flatten() {
                            field.set_value("");
                        }
                        // Through the case page, which outlives this composer: a live
                        // update may already have replaced it with one showing the
                        // draft as it was before this send cleared it.
                        context.changed();
                    }
                    Err(ApiError::Conflict(kind)) if kind == "stale-version" => {
                        // The key belonged to a send that can no longer happen.
                        slot.clear();
                        slot.save_text(&body);
                        files.try_with_untracked(|f| slot.save_files(f));
                        context.conflicted();
                    }
                    Err(_) => {}
                }
                result.map(drop)
            })
        })
    };
    let pending = Signal::derive(move || send.pending());
    let error = move || send.error();
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
        if !body.trim().is_empty() && !pending.get_untracked() && uploading.get_untracked() == 0 {
            dispatch.run(body);
        }
    };
    let id = format!("composer-{case_id}-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let list_id = format!("{id}-quick-texts");

    // Quick texts: typing `::` and a few words opens the list (`trigger` is
    // where the `::` starts); the field's arrow keys and Enter drive it. The
    // Quick texts button types the `::` for those who do not know it.
    let offered = quick_texts.is_some();
    let values = StoredValue::new(quick_texts.unwrap_or_default());
    let texts = offered.then(|| Fetched::new(api::quick_texts));
    let open = RwSignal::new(false);
    let trigger = RwSignal::new(None::<usize>);
    let typed = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let prefer = i18n.get_locale_untracked();
    let choices = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        let query = typed.get();
        texts
            .and_then(|texts| texts.ok())
            .map(|list| values.with_value(|v| matching(&list, &query, v, prefer)))
            .unwrap_or_default()
    });
    let close = move || {
        open.set(false);
        trigger.set(None);
    };
    // The button: types `::` at the caret (after a space when needed) and
    // opens the list there, as if typed.
    let type_shortcut = {
        let slot = slot.clone();
        move || {
            let current = text.get_untracked();
            let caret = caret_byte(&current, field.get_untracked());
            let space = current[..caret]
                .chars()
                .last()
                .is_some_and(|c| !c.is_whitespace());
            let start = caret + usize::from(space);
            let updated = format!(
                "{}{}::{}",
                &current[..caret],
                if space { " " } else { "" },
                &current[caret..]
            );
            slot.save_text(&updated);
            text.set(updated);
            trigger.set(Some(start));
            typed.set(String::new());
            active.set(0);
            open.set(true);
            if let Some(field) = field.get_untracked() {
                let _ = field.focus();
                let at = current[..caret].encode_utf16().count() as u32 + u32::from(space) + 2;
                let _ = field.set_selection_range(at, at);
            }
        }
    };
    let pick = {
        let slot = slot.clone();
        move |i: usize| {
            let Some(choice) = choices.with_untracked(|c| c.get(i).cloned()) else {
                return;
            };
            let current = text.get_untracked();
            let Some(start) = trigger.get_untracked() else {
                return;
            };
            let end = (start + 2 + typed.with_untracked(String::len)).min(current.len());
            let inserted = format!("{}{}", &current[..start], choice.text);
            let updated = format!("{inserted}{}", &current[end..]);
            slot.save_text(&updated);
            text.set(updated);
            close();
            if let Some(field) = field.get_untracked() {
                let _ = field.focus();
                let caret = inserted.encode_utf16().count() as u32;
                let _ = field.set_selection_range(caret, caret);
            }
        }
    };
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
                aria-controls={
                    let list_id = list_id.clone();
                    move || open.get().then(|| list_id.clone())
                }
                aria-activedescendant={
                    let list_id = list_id.clone();
                    move || {
                        choices
                            .with(|c| !c.is_empty())
                            .then(|| format!("{list_id}-{}", active.get()))
                    }
                }
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    slot.save_text(&value);
                    if let Some(typing) = typing {
                        typing.keystroke();
                    }
                    if offered {
                        match shortcut(&value, caret_byte(&value, field.get_untracked())) {
                            Some((start, words)) => {
                                trigger.set(Some(start));
                                typed.set(words.to_owned());
                                active.set(0);
                                open.set(true);
                            }
                            None if trigger.get_untracked().is_some() => close(),
                            None => {}
                        }
                    }
                    text.set(value);
                }
                on:keydown={
                    let pick = pick.clone();
                    move |ev| {
                        if trigger.get_untracked().is_some() {
                            match navigate(&ev, active, choices.with_untracked(Vec::len)) {
                                Some(Key::Pick) => return pick(active.get_untracked()),
                                Some(Key::Close) => return close(),
                                None => {}
                            }
                        }
                        // Ctrl+Enter (Cmd+Enter) sends, as in every help desk.
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            submit();
                        }
                    }
                }
            ></textarea>
            {move || open.get().then(|| {
                let pick = pick.clone();
                view! {
                    <QuickTextPicker id=list_id.clone() choices=choices active=active on_pick=Callback::new(pick)/>
                }
            })}
            <FilePicker files=files uploading=uploading/>
            <p id=hint_id class="hint">
                <span>{move || hint.get()}</span>
                <span>{move || t_string!(i18n, draft_kept)}</span>
                {offered.then(|| view! { <span>{move || t_string!(i18n, quick_text_hint)}</span> })}
            </p>
            {move || field_error().map(|m| view! { <p id=error_id.clone() class="field-error" role="alert">{m}</p> })}
            {move || general_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="composer-actions">
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
            {offered.then(|| view! {
                <button type="button" class="button" on:click=move |_| type_shortcut()>
                    {move || t_string!(i18n, quick_texts)}
                </button>
            })}
            </div>
        </form>
    }
}

/// Where the caret is in `text`, as a byte index (the DOM counts UTF-16
/// units); the end when unknown.
fn caret_byte(text: &str, field: Option<web_sys::HtmlTextAreaElement>) -> usize {
    let Some(caret) = field.and_then(|f| f.selection_start().ok().flatten()) else {
        return text.len();
    };
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        if units >= caret as usize {
            return byte;
        }
        units += c.len_utf16();
    }
    text.len()
}
