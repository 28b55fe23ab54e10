//! The claimdesk reference claims backend: the `/api/v1` contract on SQLite,
//! and the built SPA on the same origin.
//!
//! `app(state)` builds the whole HTTP surface, so tests drive it with
//! `oneshot` exactly as the binary serves it.

pub mod auth;
pub mod db;
pub mod domain;
pub mod error;
pub mod etag;
pub mod fingerprint;
pub mod http;
pub mod idempotency;
pub mod live;
pub mod mail;
pub mod open_streams;
pub mod openapi;
pub mod page_cache;
pub mod portal;
pub mod routes;
pub mod scope;
pub mod seed;
pub mod sign_in_limits;
pub mod sla;
pub mod spa;
pub mod state;
pub mod store;
pub mod sweeps;
pub mod user;

use std::sync::Arc;

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::Router;
use http::headers::SecurityHeaders;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use state::{AppState, Config};

/// Largest request body accepted (attachments included).
pub const MAX_BODY_BYTES: usize = 110 * 1024 * 1024;

/// The whole HTTP surface: the API under `/api/v1`, the SPA everywhere else.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new().nest(
        "/api/v1",
        routes::api(state.config.test_clock, state.config.portal_origins()),
    );
    let mut inline_scripts = Vec::new();
    if let Some(dir) = &state.config.static_dir {
        router = router.merge(spa::router(dir));
        inline_scripts = spa::inline_scripts(dir);
    }
    let config = &state.config;
    let cors = cors_layer(&config.portal_origins());
    let headers = Arc::new(SecurityHeaders::new(
        &inline_scripts,
        config.frame_ancestors.as_deref().unwrap_or("'none'"),
        config.secure_cookies,
    ));
    let writer = state.writer.clone();
    let router = router
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            writer,
            http::settled::refusals_after_commit,
        ))
        .layer(CatchPanicLayer::custom(http::refusals::panicked))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(http::refusals::as_problems))
        .layer(axum::middleware::from_fn_with_state(
            headers,
            http::headers::add,
        ))
        // One structured line per request (method, path, status, latency) at INFO.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        );
    // Outermost, so a preflight is answered before anything else runs;
    // without portals there is none, and a cross-origin call gets nothing.
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// The API on another origin than the portal embedding the app: each
/// portal's origins may call it with a bearer token (no cookies: the
/// session travels in `Authorization`), and nobody else may.
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-claimdesk-csrf"),
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::ETAG, HeaderName::from_static("x-claimdesk-session")])
        .max_age(std::time::Duration::from_secs(600));
    Some(layer)
}
