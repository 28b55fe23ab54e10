use claimdesk_shared::wire::CasePresence;
use leptos::prelude::*;

use crate::i18n::*;

/// Who else is on the case: for the desk, each colleague with it open
/// ("Erik is viewing", "Erik is typing…"); for the customer, only that the
/// other side is typing, under `typist`, the name they know it by.
/// Announced politely to screen readers as it changes.
#[component]
pub fn PresenceBar(
    presence: RwSignal<Option<CasePresence>>,
    /// The signed-in user, who is not shown to themselves.
    me: i64,
    /// Whether the reader is the customer.
    customer: bool,
    /// The name the customer knows the desk by (the merchant, or support).
    typist: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let lines = move || -> Vec<(String, bool)> {
        presence.with(|presence| {
            let Some(presence) = presence else {
                return Vec::new();
            };
            if customer {
                return if presence.desk_typing {
                    vec![(typist.clone(), true)]
                } else {
                    Vec::new()
                };
            }
            presence
                .viewers
                .iter()
                .filter(|viewer| viewer.user_id != me)
                .map(|viewer| (viewer.name.clone(), viewer.typing))
                .collect()
        })
    };
    let items = move || {
        lines()
            .into_iter()
            .map(|(name, typing)| {
                let text = move || {
                    if typing {
                        t_string!(i18n, presence_typing, name = name.clone()).to_string()
                    } else {
                        t_string!(i18n, presence_viewing, name = name.clone()).to_string()
                    }
                };
                view! { <li class:typing=typing>{text}</li> }
            })
            .collect_view()
    };
    view! {
        <div class="presence" role="status" aria-live="polite">
            <ul>{items}</ul>
        </div>
    }
}
