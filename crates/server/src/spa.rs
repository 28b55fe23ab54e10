//! Serving the built SPA: files from Trunk's `dist/`, precompressed variants
//! when the browser accepts them, and `index.html` for every client-side route.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

/// A router serving `dir`, falling back to its `index.html`.
pub fn router<S: Clone + Send + Sync + 'static>(dir: &Path) -> Router<S> {
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(cache_control))
}

/// The inline scripts of the built `index.html` (Trunk's loader, the
/// preload), for the CSP to allow by hash; none if it cannot be read.
pub fn inline_scripts(dir: &Path) -> Vec<String> {
    match std::fs::read_to_string(dir.join("index.html")) {
        Ok(html) => crate::http::headers::inline_scripts(&html),
        Err(error) => {
            tracing::warn!(%error, "no index.html to take the CSP's script hashes from");
            Vec::new()
        }
    }
}

/// Whether a file name carries Trunk's content hash (`name-<hex>.ext`, the
/// hex of a 64-bit hash without leading zeros, so 10 to 16 digits), which
/// makes it safe to cache forever.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let Some((_, tail)) = stem.rsplit_once('-') else {
        return false;
    };
    let hash = tail.strip_suffix("_bg").unwrap_or(tail);
    (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        // index.html and unhashed files: always ask whether they changed.
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashes() {
        let table = [
            ("/claimdesk-3f2a9c1b7d6e5f40_bg.wasm", true),
            ("/claimdesk-3f2a9c1b7d6e5f40.js", true),
            ("/claimdesk-7f6c0fe44880a2d_bg.wasm", true),
            ("/app-ccb4d4fa6af828a.css", true),
            ("/app-0123456789abcdef.css", true),
            ("/index.html", false),
            ("/cases/C-10234", false),
            ("/favicon.svg", false),
            ("/claimdesk-3f2a9c1b.js", false),
        ];
        for (path, expected) in table {
            assert_eq!(is_hashed_asset(path), expected, "{path}");
        }
    }
}
