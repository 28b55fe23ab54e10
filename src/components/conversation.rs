use claimdesk_shared::wire::{CaseDetail, MessageView};
use claimdesk_shared::{Handler, Role};
use leptos::prelude::*;

use crate::api::{self, PostKind};
use crate::components::attachment_list::AttachmentList;
use crate::components::composer::Composer;
use crate::components::quick_text_picker::QuickTextValues;
use crate::fetched::Fetched;
use crate::format;
use crate::i18n::*;
use crate::labels;
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
                    view! { <MessageList messages=list/> }.into_any()
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

/// Messages oldest first, each with who wrote it and when.
#[component]
fn MessageList(messages: Vec<MessageView>) -> impl IntoView {
    let i18n = use_i18n();
    let items = messages
        .into_iter()
        .map(|m| {
            let (at, role) = (m.created_at, m.author_role);
            view! {
                <li class=format!("message from-{role}")>
                    <p class="post-meta">
                        <strong>{m.author_name}</strong>
                        <span class="muted">{move || labels::role(i18n, role)}</span>
                        <time datetime=at.to_rfc3339()>{move || format::date_time(at, i18n.get_locale())}</time>
                    </p>
                    <p class="post-body">{m.body}</p>
                    {(!m.attachments.is_empty()).then(|| view! { <AttachmentList attachments=m.attachments/> })}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="posts">{items}</ol> }
}
