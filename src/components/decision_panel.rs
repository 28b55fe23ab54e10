//! The decision card of a case, and what its parts share: reloading after a
//! write and saying why one failed.

use claimdesk_shared::wire::CaseDetail;
use claimdesk_shared::{Handler, Role, Status};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::case_context::CaseContext;
use crate::components::decided::Decided;
use crate::components::decision_form::DecisionForm;
use crate::components::return_received::ReturnReceived;
use crate::i18n::*;
use crate::labels;

/// What the desk can decide on a case, or how it was decided. Every decision
/// is reviewed in a confirmation that says what it will do before it is sent.
#[component]
pub fn DecisionPanel(
    /// The case.
    case: CaseDetail,
    /// Who decides.
    role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = case.summary.status;
    let platform_only = role == Role::Merchant
        && (case.summary.handler == Handler::Platform || status == Status::PlatformReview);
    let waiting = case.proposal.as_ref().map(|p| p.note.clone()).filter(|_| status.is_open()).map(|note| {
        view! { <p class="alert alert-info" role="note">{move || t_string!(i18n, proposal_waiting, note = note.clone()).to_string()}</p> }
    });
    let body = if status.is_closed() {
        view! { <Decided case=case/> }.into_any()
    } else if platform_only {
        view! { <p class="muted">{move || t_string!(i18n, platform_decides)}</p> }.into_any()
    } else if status == Status::AwaitingReturn {
        view! { <ReturnReceived case=case/> }.into_any()
    } else {
        view! { <DecisionForm case=case/> }.into_any()
    };
    view! {
        <section class="card decision" aria-labelledby="decision-heading">
            <h2 id="decision-heading">{move || t_string!(i18n, decide_title)}</h2>
            {waiting}
            {body}
        </section>
    }
}

/// Reloads the case after a decision went through or met a changed case.
pub fn after_write<T>(context: CaseContext, result: &Result<T, ApiError>) {
    match result {
        Ok(_) => context.changed(),
        Err(ApiError::Conflict(kind)) if kind == "stale-version" => context.conflicted(),
        Err(ApiError::Conflict(_)) => context.changed(),
        Err(_) => {}
    }
}

/// Says why a decision failed, field errors included.
pub fn error_text(i18n: crate::I18n, error: &ApiError) -> &'static str {
    error
        .field("amount_minor")
        .or_else(|| error.field("lines"))
        .or_else(|| error.field("note"))
        .map(|f| labels::field_error(i18n, &f.code))
        .unwrap_or_else(|| labels::api_error(i18n, error))
}
