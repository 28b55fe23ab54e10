//! `/policy`: the marketplace's policy, for its support team.

use leptos::prelude::*;

use crate::api;
use crate::components::policy_form::PolicyForm;
use crate::fetched::Fetched;
use crate::i18n::*;

/// The policy's settings to change, and who changed what before.
#[component]
pub fn PolicyPage() -> impl IntoView {
    let i18n = use_i18n();
    let policy = Fetched::new(api::policy);
    view! {
        <div class="policy">
            <h1>{move || t_string!(i18n, policy_title)}</h1>
            <p class="muted">{move || t_string!(i18n, policy_intro)}</p>
            {policy.view(move |p| view! { <PolicyForm policy=p on_saved=Callback::new(move |_| policy.refetch())/> })}
        </div>
    }
}
