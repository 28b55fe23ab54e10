use claimdesk_shared::wire::Attachment;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::attachment_list::{is_image, size_text};
use crate::i18n::*;
use crate::labels;

/// Files one post or report may carry (the server refuses more).
pub const MAX_FILES: usize = 10;

/// Attaches files: each chosen file uploads at once and is listed, with its
/// size and a remove button, until the post or report that carries it is
/// sent. A refused file says why (type, size) and is not listed.
#[component]
pub fn FilePicker(
    /// The files uploaded and waiting to be sent.
    files: RwSignal<Vec<Attachment>>,
    /// How many uploads are under way (the form waits for them).
    uploading: RwSignal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let upload_error = RwSignal::new(None::<ApiError>);
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
    view! {
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
    }
}
