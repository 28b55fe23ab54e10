use leptos::prelude::*;

use crate::i18n::*;

/// A polite "Loading…" that screen readers announce once.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>
            {move || t_string!(i18n, loading)}
        </p>
    }
}
