use claimdesk_shared::{Role, Status};
use leptos::prelude::*;

use crate::i18n::*;
use crate::labels;

/// A case's status as a coloured label, worded for the reader's role.
#[component]
pub fn StatusBadge(
    /// The status to show.
    status: Status,
    /// Who reads it: customers see simpler wording.
    role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge badge-{status}")>{move || labels::status(i18n, status, role)}</span>
    }
}
