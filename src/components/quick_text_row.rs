use claimdesk_shared::wire::QuickText;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::confirmation::Confirmation;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// How much of a text the list shows.
const PREVIEW_CHARS: usize = 160;

/// One quick text in the list: its title, language and the start of its
/// text, with Edit and Delete. Delete first asks, naming the text.
#[component]
pub fn QuickTextRow(
    text: QuickText,
    /// The id of the text in the form, which Edit sets.
    editing: RwSignal<Option<i64>>,
    /// The id of the text whose deletion is being asked about: one at a time.
    deleting: RwSignal<Option<i64>>,
    /// Called with the title once the text is gone.
    #[prop(into)]
    on_deleted: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = text.id;
    let locale = text.locale;
    let mut preview: String = text.body.chars().take(PREVIEW_CHARS).collect();
    if preview.len() < text.body.len() {
        preview.push('…');
    }
    let title = StoredValue::new(text.title);
    let delete_ref = NodeRef::<leptos::html::Button>::new();
    let remove = Write::new();

    let confirm = move |()| {
        remove.run(async move {
            let result = api::delete_quick_text(id).await;
            // Deleted meanwhile by someone else is deleted all the same.
            if matches!(result, Ok(()) | Err(ApiError::NotFound)) {
                deleting.try_set(None);
                // A text deleted while in the form leaves the form too.
                if editing.try_get_untracked() == Some(Some(id)) {
                    editing.try_set(None);
                }
                if let Some(title) = title.try_get_value() {
                    on_deleted.try_run(title);
                }
                return Ok(());
            }
            result
        });
    };
    let cancel = move |()| {
        deleting.set(None);
        if let Some(button) = delete_ref.get_untracked() {
            let _ = button.focus();
        }
    };
    view! {
        <li class:editing=move || editing.get() == Some(id)>
            <div class="quick-text-head">
                <h3>{title.get_value()}</h3>
                <span class="tag">{move || labels::locale(i18n, locale)}</span>
            </div>
            <p class="preview" lang=locale.as_str()>{preview}</p>
            <div class="actions">
                <button
                    type="button"
                    class="button secondary"
                    id=format!("quick-text-{id}-edit")
                    aria-label=move || t_string!(i18n, qt_edit_named, title = title.get_value())
                    on:click=move |_| editing.set(Some(id))
                >
                    {move || t_string!(i18n, qt_edit)}
                </button>
                <button
                    type="button"
                    class="button secondary"
                    node_ref=delete_ref
                    aria-label=move || t_string!(i18n, qt_delete_named, title = title.get_value())
                    on:click=move |_| deleting.set(Some(id))
                >
                    {move || t_string!(i18n, qt_delete)}
                </button>
            </div>
            {move || (deleting.get() == Some(id)).then(|| view! {
                <Confirmation
                    text=Signal::derive(move || t_string!(i18n, qt_delete_confirm, title = title.get_value()))
                    pending=Signal::derive(move || remove.pending())
                    on_confirm=confirm
                    on_cancel=cancel
                />
            })}
            {move || remove.error().map(|e| labels::api_error(i18n, &e)).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </li>
    }
}
