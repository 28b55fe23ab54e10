use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::*;
use crate::labels;
use crate::routes::AppRoute;

/// Says what went wrong with a request, in the user's language, and offers
/// the way forward: retry, or sign in again when the session is gone.
#[component]
pub fn ErrorView(
    /// The failure to explain.
    error: ApiError,
    /// Repeats the failed request.
    #[prop(into)]
    on_retry: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let signed_out = error == ApiError::Unauthenticated;
    let message = {
        let error = error.clone();
        move || labels::api_error(i18n, &error)
    };
    view! {
        <div class="error-view" role="alert">
            <h2>{move || t_string!(i18n, err_title)}</h2>
            <p>{message}</p>
            {if signed_out {
                view! { <a class="button" href=AppRoute::SignIn.href()>{move || t_string!(i18n, sign_in_button)}</a> }.into_any()
            } else {
                view! {
                    <button type="button" class="button" on:click=move |_| on_retry.run(())>
                        {move || t_string!(i18n, retry)}
                    </button>
                }
                    .into_any()
            }}
        </div>
    }
}
