use claimdesk_shared::wire::SignIn;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::language_switcher::LanguageSwitcher;
use crate::components::redirect::Redirect;
use crate::i18n::*;
use crate::labels;
use crate::routes::after_sign_in;
use crate::session::use_session;
use leptos_router::hooks::use_query_map;

/// `/sign-in`: email and password. Errors appear next to the field they are
/// about (and are announced); a signed-in visitor goes straight on.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Where to go once signed in (`?next=`, set by the shell).
    let query = use_query_map();
    let next = Memo::new(move |_| query.with(|q| q.get("next")));
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = Signal::derive(move || session.signing_in.pending());
    let error = move || session.signing_in.error();
    let field_error = move |field: &'static str| {
        move || error().and_then(|e| e.field(field).map(|f| labels::field_error(i18n, &f.code)))
    };
    let general_error = move || {
        error()
            .filter(|e| !matches!(e, ApiError::Validation(_)))
            .map(|e| labels::api_error_text(i18n, &e))
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        session.sign_in(SignIn {
            email: email.get_untracked(),
            password: password.get_untracked(),
        });
    };
    let email_error = field_error("email");
    let password_error = field_error("password");
    view! {
        {move || session.user().map(|_| view! { <Redirect path=after_sign_in(next.get_untracked().as_deref())/> })}
        <div class="sign-in-top">
            <LanguageSwitcher/>
        </div>
        <main id="main" class="sign-in">
            <h1>{move || t_string!(i18n, sign_in_title)}</h1>
            <p class="intro">{move || t_string!(i18n, sign_in_intro)}</p>
            <form on:submit=on_submit novalidate>
                {move || general_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <div class="field">
                    <label for="sign-in-email">{move || t_string!(i18n, email)}</label>
                    <input
                        id="sign-in-email"
                        type="email"
                        name="email"
                        autocomplete="username"
                        required
                        bind:value=email
                        aria-invalid=move || email_error().is_some().to_string()
                        aria-describedby=move || email_error().map(|_| "sign-in-email-error")
                    />
                    {move || email_error().map(|m| view! { <p id="sign-in-email-error" class="field-error" role="alert">{m}</p> })}
                </div>
                <div class="field">
                    <label for="sign-in-password">{move || t_string!(i18n, password)}</label>
                    <input
                        id="sign-in-password"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                        aria-invalid=move || password_error().is_some().to_string()
                        aria-describedby=move || password_error().map(|_| "sign-in-password-error")
                    />
                    {move || password_error().map(|m| view! { <p id="sign-in-password-error" class="field-error" role="alert">{m}</p> })}
                </div>
                <button type="submit" class="button primary" disabled=pending>
                    {move || if pending.get() { t_string!(i18n, signing_in) } else { t_string!(i18n, sign_in_button) }}
                </button>
            </form>
        </main>
    }
}
