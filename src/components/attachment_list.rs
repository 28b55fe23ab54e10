use claimdesk_shared::wire::Attachment;
use leptos::prelude::*;

use crate::i18n::*;

/// Whether the browser shows this file as a picture.
pub fn is_image(attachment: &Attachment) -> bool {
    attachment.content_type.starts_with("image/")
}

/// A file size for people: "340 KB", "2.1 MB".
pub fn size_text(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// The files of a message or note: pictures as thumbnails that open in a
/// modal viewer (the browser's `<dialog>`: focus stays inside, Escape
/// closes), fitted to the window or, toggled, at their actual size to look
/// at the damage closely; other files (PDF) as links.
#[component]
pub fn AttachmentList(attachments: Vec<Attachment>) -> impl IntoView {
    let i18n = use_i18n();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let shown = RwSignal::new(None::<Attachment>);
    let actual_size = RwSignal::new(false);
    let items = attachments
        .into_iter()
        .map(|file| {
            let name = file.filename.clone();
            let size = size_text(file.size);
            if is_image(&file) {
                let open = file.clone();
                view! {
                    <li>
                        <button
                            type="button"
                            class="thumb"
                            aria-label=move || t_string!(i18n, view_image, name = name.clone())
                            on:click=move |_| {
                                shown.set(Some(open.clone()));
                                if let Some(dialog) = dialog.get() {
                                    let _ = dialog.show_modal();
                                }
                            }
                        >
                            <img src=file.url alt="" width="96" height="72" loading="lazy"/>
                        </button>
                    </li>
                }
                .into_any()
            } else {
                view! {
                    <li>
                        <a class="file" href=file.url target="_blank" rel="noopener">{file.filename}</a>
                        " "
                        <span class="muted">{size}</span>
                    </li>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <ul class="attachments" aria-label=move || t_string!(i18n, attachments_label)>{items}</ul>
        <dialog
            node_ref=dialog
            class="viewer"
            class:actual-size=move || actual_size.get()
            on:close=move |_| {
                shown.set(None);
                actual_size.set(false);
            }
        >
            {move || shown.get().map(|file| view! {
                <img src=file.url.clone() alt=file.filename.clone()/>
                <p>{file.filename}</p>
            })}
            <form method="dialog" class="viewer-actions">
                <button
                    type="button"
                    class="button secondary"
                    aria-pressed=move || actual_size.get().to_string()
                    on:click=move |_| actual_size.update(|on| *on = !*on)
                >
                    {move || t_string!(i18n, actual_size)}
                </button>
                <button class="button" autofocus>{move || t_string!(i18n, close)}</button>
            </form>
        </dialog>
    }
}
