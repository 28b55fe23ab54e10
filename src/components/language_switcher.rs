use leptos::prelude::*;

use crate::i18n::*;
use crate::session::{change_locale, use_session};

/// The language choice in the top-right corner. Each language is named in
/// itself, so a user can find theirs whatever the current language is.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(locale) = event_target_value(&ev).parse::<Locale>() {
            change_locale(session, i18n, locale);
        }
    };
    let options = [
        (Locale::En, "English"),
        (Locale::Sv, "Svenska"),
        (Locale::Nl, "Nederlands"),
    ];
    view! {
        <label class="language-switcher">
            <span class="label">{move || t_string!(i18n, language)}</span>
            <select on:change=on_change prop:value=move || i18n.get_locale().as_str()>
                {options
                    .into_iter()
                    .map(|(locale, name)| {
                        view! {
                            <option value=locale.as_str() lang=locale.as_str() selected=move || i18n.get_locale() == locale>
                                {name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
