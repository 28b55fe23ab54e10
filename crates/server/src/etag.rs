//! Conditional GETs for the API: every successful JSON read carries a weak
//! `ETag` (a hash of its body) and `Cache-Control: private, no-cache`, so the
//! browser revalidates each time and an unchanged inbox or case comes back
//! as a bodiless `304 Not Modified` instead of the same JSON again.
//!
//! A handler that already knows its answer's tag (a page kept by
//! `page_cache`, tagged with `tag` when it was made) sets it itself; the
//! body is then not read and hashed again.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The largest body worth hashing; bigger answers are sent as they are.
const MAX_HASHED_BYTES: usize = 4 * 1024 * 1024;

/// The weak `ETag` of a body: the first 128 bits of its SHA-256.
pub fn tag(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let tag = format!("W/\"{}\"", hex::encode(&digest[..16]));
    HeaderValue::from_str(&tag).expect("hex digits and quotes are a valid header value")
}

pub async fn conditional_get(request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() != StatusCode::OK || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let (etag, body) = match parts.headers.get(header::ETAG) {
        Some(etag) => (etag.clone(), body),
        None => {
            let Ok(bytes) = to_bytes(body, MAX_HASHED_BYTES).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let etag = tag(&bytes);
            parts.headers.insert(header::ETAG, etag.clone());
            (etag, Body::from(bytes))
        }
    };
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    let matches = if_none_match.is_some_and(|wanted| {
        let (Ok(wanted), Ok(tag)) = (wanted.to_str(), etag.to_str()) else {
            return false;
        };
        wanted
            .split(',')
            .any(|t| t.trim() == tag || t.trim() == "*")
    });
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, body)
}
