use claimdesk_shared::wire::CaseDetail;
use leptos::prelude::*;

use crate::api::{self, PostKind};
use crate::components::attachment_list::AttachmentList;
use crate::components::composer::Composer;
use crate::fetched::Fetched;
use crate::format;
use crate::i18n::*;

/// The Notes tab: the desk's internal notes, never shown to the customer.
#[component]
pub fn NotesPanel(
    /// The case.
    case: CaseDetail,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = case.summary.id;
    let notes = Fetched::new(move || api::notes(id));
    let label = Signal::derive(move || t_string!(i18n, composer_note_label).to_owned());
    view! {
        <section class="notes" aria-labelledby="tab-heading">
            <h2 id="tab-heading" class="visually-hidden">{move || t_string!(i18n, tab_notes)}</h2>
            <p class="alert alert-note">{move || t_string!(i18n, notes_hint)}</p>
            {notes.view(move |list| {
                        if list.is_empty() {
                            return view! { <p class="empty">{move || t_string!(i18n, notes_empty)}</p> }.into_any();
                        }
                            let items = list
                                .into_iter()
                                .map(|n| {
                                    let at = n.created_at;
                                    view! {
                                        <li class="note">
                                            <p class="post-meta">
                                                <strong>{n.author_name}</strong>
                                                <time datetime=at.to_rfc3339()>{move || format::date_time(at, i18n.get_locale())}</time>
                                            </p>
                                            <p class="post-body">{n.body}</p>
                                            {(!n.attachments.is_empty()).then(|| view! { <AttachmentList attachments=n.attachments/> })}
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! { <ol class="posts">{items}</ol> }.into_any()
            })}
            <Composer
                case_id=id
                version=case.version
                kind=PostKind::Note
                label=label
            />
        </section>
    }
}
