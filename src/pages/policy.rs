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
    // Kept here, not in the form: the form is drawn anew from the policy
    // as saved, and the confirmation must outlive it.
    let saved = RwSignal::new(false);
    view! {
        <div class="policy">
            <h1>{move || t_string!(i18n, policy_title)}</h1>
            <p class="muted">{move || t_string!(i18n, policy_intro)}</p>
            <p role="status" class:alert=move || saved.get() class:alert-info=move || saved.get()>
                {move || saved.get().then(|| t_string!(i18n, policy_saved))}
            </p>
            {policy.view(move |p| view! { <PolicyForm policy=p saved=saved on_saved=Callback::new(move |_| policy.refetch())/> })}
        </div>
    }
}
