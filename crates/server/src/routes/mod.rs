//! The `/api/v1` routes, one module per resource.

pub mod attachments;
pub mod case_tools;
pub mod cases;
pub mod closing;
pub mod deadline;
pub mod decisions;
pub mod events;
pub mod files;
pub mod health;
pub mod me;
pub mod merchants;
pub mod metrics;
pub mod policy;
pub mod posts;
pub mod prepared;
pub mod presence;
pub mod quick_texts;
pub mod reports;
pub mod return_label;
pub mod session;
pub mod stream;
pub mod test_clock;

use axum::routing::{get, post};
use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

/// Every API route, with the CSRF guard in front of writes. `test_clock`
/// adds the test-mode clock hook.
pub fn api(test_clock: bool, portal_origins: Vec<String>) -> Router<AppState> {
    let router = if test_clock {
        Router::new().route("/test/clock", post(test_clock::advance))
    } else {
        Router::new()
    };
    router
        .route("/health", get(health::health_get))
        .route("/openapi.json", get(crate::openapi::openapi_get))
        .route(
            "/session",
            axum::routing::post(session::session_create).delete(session::session_delete),
        )
        .route("/session/portal", post(session::session_portal))
        .route("/sessions", axum::routing::delete(session::sessions_delete))
        .route("/me", get(me::me_get).patch(me::me_update))
        .route("/cases", get(cases::cases_list).post(reports::case_create))
        .route("/orders", get(reports::orders_list))
        .route("/merchants", get(merchants::merchants_list))
        .route("/metrics", get(metrics::metrics_get))
        .route("/metrics/merchants", get(metrics::metrics_merchants))
        .route("/policy", get(policy::policy_get).put(policy::policy_put))
        .route(
            "/cases/{id}",
            get(cases::case_get).patch(case_tools::case_update),
        )
        .route(
            "/cases/{id}/messages",
            get(posts::messages_list).post(posts::messages_create),
        )
        .route(
            "/cases/{id}/notes",
            get(posts::notes_list).post(posts::notes_create),
        )
        .route("/cases/{id}/read", post(posts::read_create))
        .route(
            "/cases/{id}/presence",
            axum::routing::put(presence::presence_put).delete(presence::presence_delete),
        )
        .route("/cases/{id}/events", get(events::events_list))
        .route("/cases/{id}/deadline", get(deadline::deadline_get))
        .route("/cases/{id}/decision", post(decisions::decision_create))
        .route(
            "/cases/{id}/return-received",
            post(decisions::return_received),
        )
        .route(
            "/cases/{id}/prepared",
            axum::routing::put(prepared::prepared_put).delete(prepared::prepared_delete),
        )
        .route(
            "/cases/{id}/proposal/accept",
            post(decisions::proposal_accept),
        )
        .route("/cases/{id}/resolve", post(closing::resolve_create))
        .route("/cases/{id}/rating", post(closing::rating_create))
        .route("/cases/{id}/dispute", post(closing::dispute_create))
        .route("/cases/{id}/hand-back", post(closing::hand_back_create))
        .route(
            "/cases/{id}/return-label",
            get(return_label::return_label_get),
        )
        .route("/prepared/send", post(prepared::prepared_send))
        .route("/cases/{id}/hold", post(case_tools::hold_take))
        .route("/cases/{id}/release", post(case_tools::hold_release))
        .route("/inbox-counts", get(cases::inbox_counts))
        .route("/stream", get(stream::stream_get))
        .route(
            "/quick-texts",
            get(quick_texts::quick_texts_list).post(quick_texts::quick_texts_create),
        )
        .route(
            "/quick-texts/{id}",
            axum::routing::put(quick_texts::quick_texts_update)
                .delete(quick_texts::quick_texts_delete),
        )
        // Extractors stop at 2 MB unless told otherwise; a little over the
        // file limit lets an oversized file get its field-level answer.
        .route(
            "/attachments",
            post(attachments::attachment_create).layer(axum::extract::DefaultBodyLimit::max(
                attachments::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/files/{id}", get(files::file_get))
        // A method a resource does not have gets axum's 405 with `Allow`,
        // as a problem document (`http::refusals`).
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::<[String]>::from(portal_origins),
            crate::auth::csrf_guard,
        ))
        .layer(axum::middleware::from_fn(crate::etag::conditional_get))
}
