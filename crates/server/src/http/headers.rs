//! The security headers of every response, the API's and the app's: a
//! Content-Security-Policy that runs no script but the app's own files and
//! the inline scripts of its `index.html` (by hash: Trunk's loader and the
//! preload), `nosniff`, a same-origin referrer, and HSTS behind HTTPS.
//! A response that set its own CSP keeps it (downloads are sandboxed:
//! `routes/files.rs`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The headers, computed once at start.
#[derive(Debug)]
pub struct SecurityHeaders {
    csp: HeaderValue,
    hsts: bool,
}

impl SecurityHeaders {
    /// For an app whose `index.html` has the inline scripts `inline`, that
    /// may be framed by `frame_ancestors` (a CSP source list, `'none'` by
    /// default), served over HTTPS when `https`.
    pub fn new(inline: &[String], frame_ancestors: &str, https: bool) -> SecurityHeaders {
        let hashes: String = inline
            .iter()
            .map(|script| format!(" 'sha256-{}'", script_hash(script)))
            .collect();
        // 'wasm-unsafe-eval' compiles the module (and nothing else: no
        // eval of strings). Styles allow inline attributes, which the
        // app's components set; scripts never run inline but by hash.
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors {frame_ancestors}"
        );
        SecurityHeaders {
            csp: HeaderValue::from_str(&csp).expect("a CSP of visible ASCII"),
            hsts: https,
        }
    }
}

/// The CSP hash of an inline script: base64 of its SHA-256.
pub fn script_hash(script: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))
}

/// The contents of the inline scripts (those without `src`) of an HTML
/// document, as the browser hashes them.
pub fn inline_scripts(html: &str) -> Vec<String> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            scripts.push(body[..close].to_owned());
        }
        rest = &body[close..];
    }
    scripts
}

/// Adds the security headers a response did not set itself.
pub async fn add(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let out = response.headers_mut();
    out.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert_with(|| headers.csp.clone());
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    out.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if headers.hsts {
        out.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_hashed_as_browsers_do() {
        let html = "<head><script>a()</script><script type=module>b()\n</script>\
                    <script src=/x.js></script></head>";
        assert_eq!(inline_scripts(html), ["a()", "b()\n"]);
        // `echo -n 'a()' | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            script_hash("a()"),
            "qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4="
        );
        let csp = SecurityHeaders::new(&inline_scripts(html), "'none'", false).csp;
        let csp = csp.to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{csp}"
        );
        assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
    }
}
