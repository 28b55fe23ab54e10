use leptos::prelude::*;

use crate::i18n::*;
use crate::routes::AppRoute;

/// Any address the app does not know.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main id="main" class="centered">
            <h1>{move || t_string!(i18n, not_found_title)}</h1>
            <p>{move || t_string!(i18n, not_found_body)}</p>
            <a class="button" href=AppRoute::Home.href()>{move || t_string!(i18n, go_home)}</a>
        </main>
    }
}
