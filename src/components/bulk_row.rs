use claimdesk_shared::wire::BulkOutcome;
use claimdesk_shared::Role;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::decision_panel::error_text;
use crate::i18n::*;
use crate::labels;
use crate::routes::{AppRoute, CaseTab};

/// One case's result: sent (and where it went), or why not.
#[component]
pub fn BulkRow(outcome: BulkOutcome) -> impl IntoView {
    let i18n = use_i18n();
    let href = AppRoute::Case {
        id: outcome.id,
        tab: CaseTab::Receipt,
    }
    .href();
    let text = move || match (&outcome.problem, outcome.status) {
        (None, Some(status)) => t_string!(
            i18n,
            bulk_sent,
            status = labels::status(i18n, status, Role::Merchant)
        )
        .to_string(),
        (problem, _) => {
            let error = problem
                .clone()
                .map_or(ApiError::Server, ApiError::from_problem);
            // Nothing was reloaded here, unlike on the case page.
            let reason = match &error {
                ApiError::Conflict(kind) if kind == "stale-version" => {
                    t_string!(i18n, bulk_stale)
                }
                error => error_text(i18n, error),
            };
            t_string!(i18n, bulk_not_sent, reason = reason).to_string()
        }
    };
    view! {
        <li class:failed=!outcome.ok>
            <a href=href>{outcome.id.to_string()}</a>
            " "
            <span>{text}</span>
        </li>
    }
}
