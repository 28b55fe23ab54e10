use claimdesk_shared::{CaseId, Role};
use leptos::prelude::*;

use crate::api;
use crate::fetched::Fetched;
use crate::format;
use crate::i18n::*;
use crate::labels;

/// The Events tab: everything that happened to the case, who did it and when.
#[component]
pub fn EventTimeline(
    /// The case.
    case_id: CaseId,
    /// Who reads (statuses are worded for them).
    role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    let events = Fetched::new(move || api::events(case_id));
    view! {
        <section class="events" aria-labelledby="tab-heading">
            <h2 id="tab-heading" class="visually-hidden">{move || t_string!(i18n, events_label)}</h2>
            {events.view(move |list| {
                            let items = list
                                .into_iter()
                                .map(|e| {
                                    let at = e.created_at;
                                    let actor = e.actor_name.clone();
                                    let text = move || labels::event(i18n, &e, role);
                                    view! {
                                        <li>
                                            <time datetime=at.to_rfc3339()>{move || format::date_time(at, i18n.get_locale())}</time>
                                            <span class="event-text">{text}</span>
                                            <span class="muted">
                                                {move || actor.clone().unwrap_or_else(|| t_string!(i18n, system_actor).to_owned())}
                                            </span>
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! { <ol class="timeline">{items}</ol> }
            })}
        </section>
    }
}
