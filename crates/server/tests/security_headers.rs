//! The security headers of every response, and how downloads go out: the
//! app's inline scripts allowed by hash and no other, framing by
//! configuration only, HSTS behind HTTPS, PDFs downloaded and sandboxed,
//! non-ASCII file names exact (RFC 6266).

mod common;

use axum::http::{header, StatusCode};
use claimdesk_server::http::headers::script_hash;
use claimdesk_server::Config;
use common::*;

fn header(reply: &Reply, name: header::HeaderName) -> &str {
    reply
        .headers
        .get(&name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[tokio::test]
async fn the_api_and_the_app_send_the_security_headers() {
    let dist = tempfile::tempdir().unwrap();
    let loader = "import init from '/claimdesk.js'; await init();";
    std::fs::write(
        dist.path().join("index.html"),
        format!("<!doctype html><script>preload()</script><script type=module>{loader}</script><script src=/x.js></script>"),
    )
    .unwrap();
    let app = TestApp::seeded_with(Config {
        static_dir: Some(dist.path().to_owned()),
        ..Config::default()
    })
    .await;
    for path in ["/api/v1/health", "/", "/inbox/open", "/api/v1/nothing-here"] {
        let reply = app.get(path, None).await;
        assert_eq!(
            header(&reply, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&reply, header::REFERRER_POLICY),
            "same-origin",
            "{path}"
        );
        let csp = header(&reply, header::CONTENT_SECURITY_POLICY);
        // Exactly the two inline scripts of index.html, by hash.
        let script_src = csp
            .split("; ")
            .find_map(|d| d.strip_prefix("script-src "))
            .unwrap();
        assert_eq!(
            script_src,
            format!(
                "'self' 'wasm-unsafe-eval' 'sha256-{}' 'sha256-{}'",
                script_hash("preload()"),
                script_hash(loader)
            ),
            "{path}"
        );
        assert!(!script_src.contains("unsafe-inline"), "{path}");
        assert!(csp.contains("object-src 'none'"), "{path}");
        assert!(csp.ends_with("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            reply
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none(),
            "no HSTS over plain HTTP"
        );
    }
}

#[tokio::test]
async fn framing_follows_the_configuration_and_https_brings_hsts() {
    let app = TestApp::seeded_with(Config {
        secure_cookies: true,
        frame_ancestors: Some("https://portal.example".to_owned()),
        ..Config::default()
    })
    .await;
    let reply = app.get("/api/v1/health", None).await;
    assert!(header(&reply, header::CONTENT_SECURITY_POLICY)
        .ends_with("frame-ancestors https://portal.example"));
    assert!(header(&reply, header::STRICT_TRANSPORT_SECURITY).starts_with("max-age=31536000"));
}

async fn upload(app: &TestApp, session: &str, filename: &str, bytes: &[u8]) -> i64 {
    let reply = app.upload(session, filename, bytes).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    reply.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn pdfs_are_downloaded_in_a_sandbox_and_photos_shown_with_their_exact_names() {
    let app = TestApp::seeded().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;

    let pdf = upload(
        &app,
        &lisa,
        "Kvitto för Malmö.pdf",
        b"%PDF-1.7\n<html><script>",
    )
    .await;
    let reply = app.get(&format!("/api/v1/files/{pdf}"), Some(&lisa)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/pdf");
    assert_eq!(
        header(&reply, header::CONTENT_DISPOSITION),
        "attachment; filename=\"Kvitto f_r Malm_.pdf\"; filename*=UTF-8''Kvitto%20f%C3%B6r%20Malm%C3%B6.pdf"
    );
    assert_eq!(header(&reply, header::CONTENT_SECURITY_POLICY), "sandbox");
    assert_eq!(header(&reply, header::X_CONTENT_TYPE_OPTIONS), "nosniff");

    let png = upload(
        &app,
        &lisa,
        "trasig.png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .await;
    let reply = app.get(&format!("/api/v1/files/{png}"), Some(&lisa)).await;
    assert_eq!(
        header(&reply, header::CONTENT_DISPOSITION),
        "inline; filename=\"trasig.png\"; filename*=UTF-8''trasig.png"
    );
    assert_ne!(header(&reply, header::CONTENT_SECURITY_POLICY), "sandbox");
}
