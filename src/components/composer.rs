use claimdesk_shared::quick_text::shortcut;
use claimdesk_shared::wire::{Attachment, CaseDetail, NewPost};
use claimdesk_shared::CaseId;
use leptos::prelude::*;

use crate::api::{self, ApiError, PostKind};
use crate::components::attachment_list::{is_image, size_text};
use crate::components::quick_text_picker::{
    matching, navigate, Key, QuickTextPicker, QuickTextValues,
};
use crate::drafts::DraftSlot;
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// Files one post may carry (the server refuses more).
const MAX_FILES: usize = 10;

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
    /// Offer the desk's quick texts (button and `::` shortcut), filled with
    /// these values.
    #[prop(default = None)]
    quick_texts: Option<QuickTextValues>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = match kind {
        PostKind::Message => "message",
        PostKind::Note => "note",
    };
    let slot = DraftSlot::new(case_id, name);
    let text = RwSignal::new(slot.text());
    let field = NodeRef::<leptos::html::Textarea>::new();
    // Files uploaded for this post, sent with it by id.
    let files = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    let upload_error = RwSignal::new(None::<ApiError>);
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
                    Ok(case) => {
                        slot.clear();
                        files.try_set(Vec::new());
                        text.try_set(String::new());
                        // The reload that follows may reuse this very field;
                        // empty it now rather than trust the diff to.
                        if let Some(field) = field.try_get_untracked().flatten() {
                            field.set_value("");
                        }
                        on_sent.try_run(case.clone());
                    }
                    Err(ApiError::Conflict(kind)) if kind == "stale-version" => {
                        // The key belonged to a send that can no longer happen.
                        slot.clear();
                        slot.save_text(&body);
                        on_stale.try_run(());
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
    let on_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(list) = input.files() else {
            return;
        };
        upload_error.set(None);
        for i in 0..list.length() {
            let Some(file) = list.get(i) else {
                continue;
            };
            if files.with_untracked(Vec::len) + uploading.get_untracked() >= MAX_FILES {
                break;
            }
            uploading.update(|n| *n += 1);
            leptos::task::spawn_local(async move {
                let result = api::upload(file).await;
                uploading.try_update(|n| *n -= 1);
                match result {
                    Ok(attachment) => {
                        files.try_update(|f| f.push(attachment));
                    }
                    Err(error) => {
                        upload_error.try_set(Some(error));
                    }
                }
            });
        }
        // The same file may be chosen again after removing it.
        input.set_value("");
    };
    let upload_message = move || {
        upload_error.get().map(|e| match e.field("file") {
            Some(f) => labels::field_error(i18n, &f.code),
            None => labels::api_error(i18n, &e),
        })
    };
    let pending_files = move || {
        files
            .get()
            .into_iter()
            .map(|file| {
                let (id, name) = (file.id, file.filename.clone());
                view! {
                    <li>
                        {is_image(&file).then(|| view! { <img src=file.url.clone() alt="" width="48" height="36"/> })}
                        <span>{file.filename.clone()}</span>
                        <span class="muted">{size_text(file.size)}</span>
                        <button
                            type="button"
                            class="link"
                            aria-label=move || t_string!(i18n, remove_attachment, name = name.clone())
                            on:click=move |_| files.update(|f| f.retain(|a| a.id != id))
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view()
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
            <div class="attach">
                <label>
                    <input
                        type="file"
                        class="visually-hidden"
                        multiple
                        accept="image/jpeg,image/png,image/webp,application/pdf"
                        disabled=move || { files.with(Vec::len) >= MAX_FILES }
                        on:change=on_files
                    />
                    <span class="button">{move || t_string!(i18n, attach_files)}</span>
                </label>
                <span class="hint">{move || t_string!(i18n, attach_hint)}</span>
            </div>
            <ul class="pending-files">{pending_files}</ul>
            {move || (uploading.get() > 0).then(|| view! { <p class="hint" role="status">{move || t_string!(i18n, uploading)}</p> })}
            {move || upload_message().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
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
