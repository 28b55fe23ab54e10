//! The OpenAPI document, generated from the handlers' own annotations and
//! the shared wire types, so it cannot drift from the code.

use axum::Json;
use claimdesk_shared::wire::CaseRead;
use claimdesk_shared::{CaseSort, Inbox, Kind, Reason};
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};

use crate::routes;

/// Every refusal of the API is a problem document (`http::problem`), sent
/// as `application/problem+json`; the annotations name its body type only,
/// so this says the media type once, for every 4xx and 5xx. Each operation
/// also gets a `default` response: any refusal it does not list (a body
/// that is not JSON, a signed-out caller, a URI too long, a server error)
/// is a problem document too.
struct ProblemMediaType;

impl Modify for ProblemMediaType {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                problems_as_problem_json(operation);
            }
        }
    }
}

fn problems_as_problem_json(operation: &mut Operation) {
    let default = ResponseBuilder::new()
        .description("Any other refusal, as RFC 9457 problem details")
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    operation
        .responses
        .responses
        .entry("default".to_owned())
        .or_insert(RefOr::T(default));
    for (status, response) in &mut operation.responses.responses {
        let RefOr::T(response) = response else {
            continue;
        };
        if !(status.starts_with('4') || status.starts_with('5') || status == "default") {
            continue;
        }
        if let Some(content) = response.content.shift_remove("application/json") {
            response
                .content
                .insert("application/problem+json".to_owned(), content);
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "claimdesk API",
        description = "The claims backend contract the claimdesk SPA speaks."
    ),
    paths(
        routes::health::health_get,
        routes::session::session_create,
        routes::session::session_delete,
        routes::session::session_portal,
        routes::session::sessions_delete,
        routes::me::me_get,
        routes::me::me_update,
        routes::cases::cases_list,
        routes::cases::case_get,
        routes::cases::inbox_counts,
        routes::reports::orders_list,
        routes::merchants::merchants_list,
        routes::metrics::metrics_get,
        routes::metrics::metrics_merchants,
        routes::policy::policy_get,
        routes::policy::policy_put,
        routes::reports::case_create,
        routes::posts::messages_list,
        routes::posts::messages_create,
        routes::posts::notes_list,
        routes::posts::notes_create,
        routes::events::events_list,
        routes::deadline::deadline_get,
        routes::decisions::decision_create,
        routes::decisions::proposal_accept,
        routes::closing::resolve_create,
        routes::closing::rating_create,
        routes::closing::dispute_create,
        routes::closing::hand_back_create,
        routes::return_label::return_label_get,
        routes::prepared::prepared_put,
        routes::prepared::prepared_delete,
        routes::prepared::prepared_send,
        routes::decisions::return_received,
        routes::case_tools::hold_take,
        routes::case_tools::hold_release,
        routes::case_tools::case_update,
        routes::attachments::attachment_create,
        routes::quick_texts::quick_texts_list,
        routes::quick_texts::quick_texts_create,
        routes::quick_texts::quick_texts_update,
        routes::quick_texts::quick_texts_delete,
        routes::files::file_get,
        routes::stream::stream_get,
        routes::presence::presence_put,
        routes::presence::presence_delete,
        routes::posts::read_create,
    ),
    // The vocabularies the query parameters name (the bodies' own types
    // are collected from the handlers).
    components(schemas(CaseSort, Inbox, Kind, Reason, CaseRead)),
    modifiers(&ProblemMediaType)
)]
pub struct ApiDoc;

/// Serves the OpenAPI document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system", responses((status = 200, description = "This document")))]
pub async fn openapi_get() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
