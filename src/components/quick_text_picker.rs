use claimdesk_shared::quick_text::{fill, Values};
use claimdesk_shared::wire::QuickText;
use claimdesk_shared::Locale;
use leptos::prelude::*;

use crate::i18n::*;

/// What a quick text's placeholders are filled with on this case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuickTextValues {
    pub customer_name: String,
    pub order_number: String,
    pub case_id: String,
    pub merchant_name: String,
    pub agent_name: String,
}

/// A quick text ready to insert: its placeholders filled.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub title: String,
    pub locale: Locale,
    pub text: String,
}

/// The texts whose title or body contains every word of `query`
/// (case-insensitive), filled with `values`; texts in `prefer` first.
pub fn matching(
    texts: &[QuickText],
    query: &str,
    values: &QuickTextValues,
    prefer: Locale,
) -> Vec<Choice> {
    let words: Vec<String> = query.split_whitespace().map(lowercase).collect();
    let values = Values {
        customer_name: &values.customer_name,
        order_number: &values.order_number,
        case_id: &values.case_id,
        merchant_name: &values.merchant_name,
        agent_name: &values.agent_name,
    };
    let fits = |t: &&QuickText| {
        let haystack = lowercase(&format!("{} {}", t.title, t.body));
        words.iter().all(|w| haystack.contains(w.as_str()))
    };
    let choice = |t: &QuickText| Choice {
        title: t.title.clone(),
        locale: t.locale,
        text: fill(&t.body, &values),
    };
    // Texts in the preferred language first, each group in the server's
    // order (by title).
    let (first, rest): (Vec<&QuickText>, Vec<&QuickText>) =
        texts.iter().filter(fits).partition(|t| t.locale == prefer);
    first.into_iter().chain(rest).map(choice).collect()
}

/// Lower case by the browser: Rust's `to_lowercase` would bring its Unicode
/// tables into the download (29 KB), and "Å" must still find "å".
fn lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// The list of quick texts to insert, shown under the composer while the
/// writer types `::` and a few words (the field's arrow keys and Enter drive
/// it; see `navigate`). Each option shows the text as it will be inserted.
#[component]
pub fn QuickTextPicker(
    /// The id of the listbox, which the field it serves points at.
    id: String,
    choices: Memo<Vec<Choice>>,
    active: RwSignal<usize>,
    on_pick: Callback<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let options = {
        let id = id.clone();
        move || {
            choices
                .get()
                .into_iter()
                .enumerate()
                .map(|(i, choice)| {
                    let preview: String = choice.text.chars().take(140).collect();
                    view! {
                        <li
                            role="option"
                            id=format!("{id}-{i}")
                            aria-selected=move || (active.get() == i).to_string()
                            // Keep the field's focus (and caret) while choosing.
                            on:mousedown=move |ev| {
                                ev.prevent_default();
                                on_pick.run(i);
                            }
                        >
                            <strong>{choice.title}</strong>
                            <span class="tag" lang=choice.locale.as_str()>{choice.locale.as_str().to_ascii_uppercase()}</span>
                            <span class="preview">{preview}</span>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let count = move || choices.with(Vec::len);
    view! {
        <div class="picker">
            <ul role="listbox" id=id aria-label=move || t_string!(i18n, quick_texts)>{options}</ul>
            <p class="hint" role="status">
                {move || if count() == 0 {
                    t_string!(i18n, quick_text_none).to_owned()
                } else {
                    t_string!(i18n, quick_text_count, count = count())
                }}
            </p>
        </div>
    }
}

/// What a key did in a field that drives the picker.
pub enum Key {
    Pick,
    Close,
}

/// Moves the highlight on ArrowUp/ArrowDown (swallowing the key), and says
/// whether Enter picked or Escape closed. `None` for every other key.
pub fn navigate(
    ev: &leptos::ev::KeyboardEvent,
    active: RwSignal<usize>,
    len: usize,
) -> Option<Key> {
    let key = ev.key();
    match key.as_str() {
        "ArrowDown" | "ArrowUp" if len > 0 => {
            ev.prevent_default();
            let step = if key == "ArrowDown" { 1 } else { len - 1 };
            active.update(|a| *a = (*a + step) % len);
            None
        }
        "Enter" if len > 0 && !(ev.ctrl_key() || ev.meta_key()) => {
            ev.prevent_default();
            Some(Key::Pick)
        }
        "Escape" => {
            ev.prevent_default();
            Some(Key::Close)
        }
        _ => None,
    }
}
