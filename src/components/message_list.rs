use claimdesk_shared::wire::MessageView;
use claimdesk_shared::Role;
use leptos::prelude::*;

use crate::components::attachment_list::AttachmentList;
use crate::format;
use crate::i18n::*;
use crate::labels;

/// Messages oldest first, each with who wrote it and when; the reader's own
/// side's messages say whether the other side has read them.
#[component]
pub fn MessageList(messages: Vec<MessageView>, reader: Role) -> impl IntoView {
    let i18n = use_i18n();
    let reader_is_customer = reader == Role::Customer;
    let items = messages
        .into_iter()
        .map(|m| {
            let (at, role) = (m.created_at, m.author_role);
            let own_side = (role == Role::Customer) == reader_is_customer;
            let receipt = own_side.then(|| match m.read_at {
                Some(read) => view! {
                    <span class="receipt read">
                        {move || t_string!(i18n, message_read, at = format::date_time(read, i18n.get_locale())).to_string()}
                    </span>
                }
                .into_any(),
                None => view! { <span class="receipt">{move || t_string!(i18n, message_sent)}</span> }.into_any(),
            });
            view! {
                <li class=format!("message from-{role}")>
                    <p class="post-meta">
                        <strong>{m.author_name}</strong>
                        <span class="muted">{move || labels::role(i18n, role)}</span>
                        <time datetime=at.to_rfc3339()>{move || format::date_time(at, i18n.get_locale())}</time>
                    </p>
                    <p class="post-body">{m.body}</p>
                    {(!m.attachments.is_empty()).then(|| view! { <AttachmentList attachments=m.attachments/> })}
                    {receipt}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="posts">{items}</ol> }
}
