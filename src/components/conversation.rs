use claimdesk_shared::wire::CaseDetail;
use claimdesk_shared::{Handler, Role};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::{self, PostKind};
use crate::components::composer::Composer;
use crate::components::message_list::MessageList;
use crate::components::quick_text_picker::QuickTextValues;
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::live::use_live;
use crate::session::use_session;

/// The Messages tab: the conversation with the customer and, while the case
/// is open and the reader may write, a composer.
#[component]
pub fn Conversation(
    /// The case.
    case: CaseDetail,
    /// Who reads.
    role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = case.summary.id;
    let messages = Fetched::new(move || api::messages(id));
    // The other side read this conversation: their receipts changed.
    let live = use_live();
    Effect::new(move |seen: Option<()>| {
        let read = live.read.get();
        if seen.is_some() {
            if let Some(read) = read {
                if read.id == id && read.by_customer != (role == Role::Customer) {
                    messages.refetch();
                }
            }
        }
    });
    // Reading: what the other side wrote and the reader has now seen on
    // screen (a hidden tab sees nothing) is marked read, once.
    let reader_is_customer = role == Role::Customer;
    let mark_read = move || {
        let Some(list) = messages.value_untracked() else {
            return;
        };
        if document().hidden() {
            return;
        }
        let unread = list
            .iter()
            .filter(|m| {
                (m.author_role == Role::Customer) != reader_is_customer && m.read_at.is_none()
            })
            .map(|m| m.id)
            .max();
        if let Some(up_to) = unread {
            leptos::task::spawn_local(async move {
                let _ = api::mark_read(id, up_to).await;
            });
        }
    };
    Effect::new(move |_| {
        if messages.ok().is_some() {
            mark_read();
        }
    });
    let on_visible = Closure::<dyn Fn()>::new(mark_read);
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    let held = StoredValue::new_local(on_visible);
    on_cleanup(move || {
        held.try_with_value(|listener| {
            let _ = document().remove_event_listener_with_callback(
                "visibilitychange",
                listener.as_ref().unchecked_ref(),
            );
        });
    });
    let status = case.summary.status;
    let may_write = status.is_open()
        && match role {
            Role::Merchant => case.summary.handler == Handler::Merchant,
            Role::Customer | Role::Support => true,
        };
    let label = Signal::derive(move || {
        if role == Role::Customer {
            t_string!(i18n, composer_reply_label)
        } else {
            t_string!(i18n, composer_message_label)
        }
        .to_owned()
    });
    // The desk answers with its quick texts, filled in for this case.
    let quick_texts = (role != Role::Customer).then(|| QuickTextValues {
        customer_name: case.summary.customer_name.clone(),
        order_number: case.summary.order_number.clone(),
        case_id: id.to_string(),
        merchant_name: case.summary.merchant_name.clone(),
        agent_name: untrack(|| use_session().user().map(|me| me.name).unwrap_or_default()),
    });
    let hint = Signal::derive(move || {
        (role != Role::Customer).then(|| t_string!(i18n, send_parks).to_owned())
    });
    view! {
        <section class="conversation" aria-labelledby="tab-heading">
            <h2 id="tab-heading" class="visually-hidden">{move || t_string!(i18n, tab_messages)}</h2>
            {messages.view(move |list| {
                if list.is_empty() {
                    view! { <p class="empty">{move || t_string!(i18n, messages_empty)}</p> }.into_any()
                } else {
                    view! { <MessageList messages=list reader=role/> }.into_any()
                }
            })}
            {may_write.then(|| view! {
                <Composer
                    case_id=id
                    version=case.version
                    kind=PostKind::Message
                    label=label
                    hint=hint
                    quick_texts=quick_texts.clone()
                />
            })}
        </section>
    }
}
