//! `/quick-texts`: the desk's quick texts (the merchant's, or the support
//! team's): list, add, change, delete.

use claimdesk_shared::Role;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::quick_text_form::QuickTextForm;
use crate::components::quick_text_row::QuickTextRow;
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::session::use_session;

const LIST_HEADING: &str = "quick-texts-list-heading";

/// The desk's quick texts: the list, each with Edit and Delete, beside the
/// form that adds one or changes the one chosen. A change updates the list
/// in place, is announced, and leaves the focus on the list's heading.
#[component]
pub fn QuickTextsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Customers have no quick texts (the list says "not found" to them).
    let desk = untrack(|| session.user().is_some_and(|me| me.role != Role::Customer));
    let texts = Fetched::new(api::quick_texts);
    // The id of the text in the form; `None` adds a new one.
    let editing = RwSignal::new(None::<i64>);
    let deleting = RwSignal::new(None::<i64>);
    // What the agent last did, announced.
    let done = RwSignal::new(String::new());

    let on_saved = Callback::new(move |title: String| {
        done.set(t_string!(i18n, qt_saved, title = title));
        editing.set(None);
        texts.refetch();
        focus(LIST_HEADING);
    });
    let on_deleted = Callback::new(move |title: String| {
        done.set(t_string!(i18n, qt_deleted, title = title));
        texts.refetch();
        focus(LIST_HEADING);
    });
    let on_cancel = Callback::new(move |()| {
        if let Some(id) = editing.get_untracked() {
            editing.set(None);
            focus(&format!("quick-text-{id}-edit"));
        }
    });

    let list = texts.view(move |list| {
        if list.is_empty() {
            return view! { <p class="empty">{move || t_string!(i18n, qt_empty)}</p> }.into_any();
        }
        let rows = list
            .into_iter()
            .map(|text| {
                view! { <QuickTextRow text=text editing=editing deleting=deleting on_deleted=on_deleted/> }
            })
            .collect_view();
        view! { <ul class="quick-text-list">{rows}</ul> }.into_any()
    });
    // The text chosen, or an empty form once it is saved or given up.
    let form = move || {
        let text = editing.get().and_then(|id| {
            texts
                .value_untracked()
                .and_then(|list| list.into_iter().find(|t| t.id == id))
        });
        view! {
            <QuickTextForm
                text=text
                texts=texts
                on_saved=on_saved
                on_stale=move |()| texts.refetch()
                on_cancel=on_cancel
            />
        }
    };
    view! {
        <div class="quick-texts">
            <h1>{move || t_string!(i18n, nav_quick_texts)}</h1>
            <p class="hint intro">{move || t_string!(i18n, qt_intro)}</p>
            <p class="form-ok" role="status">{move || done.get()}</p>
            <div class="quick-texts-body">
                <section aria-labelledby=LIST_HEADING>
                    <h2 id=LIST_HEADING tabindex="-1">{move || t_string!(i18n, qt_list_heading)}</h2>
                    {list}
                </section>
                {desk.then(|| view! {
                    <section class="card" aria-labelledby="quick-text-form-heading">{form}</section>
                })}
            </div>
        </div>
    }
}

/// Moves the focus to the element `id`, if it is there.
fn focus(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}
