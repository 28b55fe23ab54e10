use claimdesk_shared::quick_text::PLACEHOLDERS;
use claimdesk_shared::wire::{QuickText, QuickTextInput};
use claimdesk_shared::Locale;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// Adds a quick text, or changes `text`. The server checks it; its field
/// errors appear under their fields. When someone else changed the text
/// meanwhile, the agent's version stays in the form and saving again
/// replaces theirs; when someone deleted it, saving adds it anew.
///
/// The fields are the browser's own, read on submit: nothing needs to
/// follow them while typing.
#[component]
pub fn QuickTextForm(
    /// The text changed; `None` adds a new one.
    text: Option<QuickText>,
    /// The list, for the version of `text` it shows now.
    texts: Fetched<Vec<QuickText>>,
    /// Called with the title of the text saved.
    #[prop(into)]
    on_saved: Callback<String>,
    /// Called when the text changed or went away underneath.
    #[prop(into)]
    on_stale: Callback<()>,
    /// Called when the agent stops editing without saving.
    #[prop(into)]
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = text.is_some();
    // `None` once the text was deleted meanwhile: saving then adds it.
    let id = StoredValue::new(text.as_ref().map(|t| t.id));
    let seen = StoredValue::new(text.as_ref().map(|t| t.version));
    let (title, locale, body) = match text {
        Some(t) => (t.title, t.locale, t.body),
        None => (String::new(), i18n.get_locale_untracked(), String::new()),
    };
    let title_ref = NodeRef::<leptos::html::Input>::new();
    let locale_ref = NodeRef::<leptos::html::Select>::new();
    let body_ref = NodeRef::<leptos::html::Textarea>::new();
    // Once the form is on the page: a form shown before in its place has
    // been updated to this text, but the browser keeps what was typed into
    // its fields, so they are reset to the values written above. Editing
    // starts in the form: keyboard users land on its first field.
    request_animation_frame(move || {
        if let Some(input) = title_ref.get_untracked() {
            if let Some(form) = input.form() {
                form.reset();
            }
            if editing {
                let _ = input.focus();
            }
        }
    });

    let save = Write::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(title), Some(locale), Some(body)) = (
            title_ref.get_untracked(),
            locale_ref.get_untracked(),
            body_ref.get_untracked(),
        ) else {
            return;
        };
        let target = id.get_value();
        // After a conflict the agent was told: saving again replaces the
        // version the list shows now.
        if matches!(untrack(|| save.error()), Some(ApiError::Conflict(_))) {
            let latest = texts
                .value_untracked()
                .and_then(|list| list.into_iter().find(|t| Some(t.id) == target))
                .map(|t| t.version);
            seen.set_value(latest.or(seen.get_value()));
        }
        let input = QuickTextInput {
            version: seen.get_value(),
            title: title.value(),
            locale: locale.value().parse().unwrap_or(Locale::En),
            body: body.value(),
        };
        save.run(async move {
            let result = match target {
                Some(target) => api::update_quick_text(target, input).await,
                None => api::create_quick_text(input).await,
            };
            match &result {
                Ok(saved) => {
                    on_saved.try_run(saved.title.clone());
                }
                Err(ApiError::Conflict(_)) => {
                    on_stale.try_run(());
                }
                Err(ApiError::NotFound) => {
                    id.try_set_value(None);
                    on_stale.try_run(());
                }
                Err(_) => {}
            }
            result.map(drop)
        });
    };

    let field_error = move |field: &'static str| {
        move || {
            save.error()
                .and_then(|e| e.field(field).map(|f| labels::field_error(i18n, &f.code)))
        }
    };
    let title_error = field_error("title");
    let body_error = field_error("body");
    let general_error = move || {
        save.error().and_then(|e| match e {
            ApiError::Validation(_) if e.field("title").or(e.field("body")).is_some() => None,
            ApiError::Validation(_) if e.field("quick_texts").is_some() => {
                Some(t_string!(i18n, qt_too_many))
            }
            ApiError::Conflict(_) => Some(t_string!(i18n, qt_stale)),
            ApiError::NotFound => Some(t_string!(i18n, qt_gone)),
            e => Some(labels::api_error(i18n, &e)),
        })
    };

    // A placeholder goes where the cursor is (replacing a selection), and
    // the cursor after it, as if typed.
    let insert = move |name: &str| {
        let Some(field) = body_ref.get_untracked() else {
            return;
        };
        let token = format!("{{{name}}}");
        if field.set_range_text(&token).is_ok() {
            // The browser leaves the cursor before what it inserted.
            let caret = field.selection_start().ok().flatten().unwrap_or(0) + token.len() as u32;
            let _ = field.focus();
            let _ = field.set_selection_range(caret, caret);
        }
    };
    let placeholders = PLACEHOLDERS
        .iter()
        .map(|name| {
            view! {
                <button type="button" class="placeholder" on:click=move |_| insert(name)>
                    {format!("{{{name}}}")}
                </button>
            }
        })
        .collect_view();
    let options = Locale::ALL
        .iter()
        .map(|&option| {
            view! {
                <option value=option.as_str() selected=option == locale>
                    {move || labels::locale(i18n, option)}
                </option>
            }
        })
        .collect_view();

    view! {
        <h2 id="quick-text-form-heading">
            {move || if editing { t_string!(i18n, qt_edit_heading) } else { t_string!(i18n, qt_new_heading) }}
        </h2>
        <form on:submit=submit novalidate>
            {move || general_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="field">
                <label for="quick-text-title">{move || t_string!(i18n, qt_field_title)}</label>
                <input
                    id="quick-text-title"
                    type="text"
                    autocomplete="off"
                    node_ref=title_ref
                    value=title
                    aria-invalid=move || title_error().is_some().to_string()
                    aria-describedby=move || title_error().map(|_| "quick-text-title-error")
                />
                {move || title_error().map(|m| view! { <p id="quick-text-title-error" class="field-error" role="alert">{m}</p> })}
            </div>
            <div class="field">
                <label for="quick-text-locale">{move || t_string!(i18n, qt_field_language)}</label>
                <select id="quick-text-locale" node_ref=locale_ref>{options}</select>
            </div>
            <div class="field">
                <label for="quick-text-body">{move || t_string!(i18n, qt_field_body)}</label>
                <textarea
                    id="quick-text-body"
                    rows="7"
                    node_ref=body_ref
                    aria-invalid=move || body_error().is_some().to_string()
                    aria-describedby=move || {
                        if body_error().is_some() {
                            "quick-text-body-error quick-text-placeholders"
                        } else {
                            "quick-text-placeholders"
                        }
                    }
                >
                    {body}
                </textarea>
                {move || body_error().map(|m| view! { <p id="quick-text-body-error" class="field-error" role="alert">{m}</p> })}
                <p id="quick-text-placeholders" class="hint placeholders">
                    {move || t_string!(i18n, qt_placeholders)}
                    {placeholders}
                </p>
            </div>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || save.pending()>
                    {move || if save.pending() {
                        t_string!(i18n, qt_saving)
                    } else if editing {
                        t_string!(i18n, qt_save)
                    } else {
                        t_string!(i18n, qt_add)
                    }}
                </button>
                {editing.then(|| view! {
                    <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>
                        {move || t_string!(i18n, cancel)}
                    </button>
                })}
            </div>
        </form>
    }
}
