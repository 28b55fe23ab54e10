use claimdesk_shared::Role;
use leptos::prelude::*;

use crate::i18n::*;
use crate::labels;
use crate::session::use_session;

/// Who is signed in, as a disclosure (`<details>`: a native button that
/// Enter and Space open, read as expanded or collapsed) holding the two ways
/// out: this browser, or every device at once (a lost phone, a shared
/// computer).
#[component]
pub fn AccountMenu(name: String, role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let failed = move || {
        session.signing_out.error().map(
            |e| view! { <p class="form-error" role="alert">{labels::api_error_text(i18n, &e)}</p> },
        )
    };
    view! {
        <details class="account-menu">
            <summary class="user" data-testid="current-user">
                <span class="user-name">
                    <span class="visually-hidden">{move || format!("{} ", t_string!(i18n, signed_in_as_prefix))}</span>
                    {name.clone()}
                </span>
                <span class="user-role">{move || labels::role(i18n, role)}</span>
            </summary>
            <div class="account-menu-panel">
                <button
                    type="button"
                    class="button secondary"
                    disabled=move || session.signing_out.pending()
                    on:click=move |_| session.sign_out()
                >
                    {move || t_string!(i18n, sign_out)}
                </button>
                <button
                    type="button"
                    class="button secondary"
                    aria-describedby="sign-out-everywhere-help"
                    disabled=move || session.signing_out.pending()
                    on:click=move |_| session.sign_out_everywhere()
                >
                    {move || t_string!(i18n, sign_out_everywhere)}
                </button>
                <p id="sign-out-everywhere-help" class="hint">{move || t_string!(i18n, sign_out_everywhere_help)}</p>
                {failed}
            </div>
        </details>
    }
}
