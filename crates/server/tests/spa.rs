//! Serving the built SPA: client-side routes, precompression, caching.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use claimdesk_server::{app, db, AppState, Config};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn hashed_assets_are_immutable_and_precompressed_and_routes_fall_back_to_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>claimdesk</title>",
    )
    .unwrap();
    std::fs::write(
        dist.join("claimdesk-7f6c0fe44880a2d_bg.wasm"),
        b"\0asm plain",
    )
    .unwrap();
    std::fs::write(
        dist.join("claimdesk-7f6c0fe44880a2d_bg.wasm.br"),
        b"brotli bytes",
    )
    .unwrap();
    let pool = db::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    let router = app(AppState::new(
        pool,
        Config {
            static_dir: Some(dist),
            ..Config::default()
        },
    ));

    let get = |path: &str, encoding: Option<&str>| {
        let mut req = Request::get(path);
        if let Some(e) = encoding {
            req = req.header(header::ACCEPT_ENCODING, e);
        }
        router.clone().oneshot(req.body(Body::empty()).unwrap())
    };

    let wasm = get("/claimdesk-7f6c0fe44880a2d_bg.wasm", Some("br, gzip"))
        .await
        .unwrap();
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(wasm.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(
        wasm.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        wasm.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .as_ref(),
        b"brotli bytes"
    );

    let plain = get("/claimdesk-7f6c0fe44880a2d_bg.wasm", None)
        .await
        .unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());

    // A client-side route gets the app, which must always be revalidated.
    let route = get("/cases/C-10234/messages", None).await.unwrap();
    assert_eq!(route.status(), StatusCode::OK);
    assert_eq!(route.headers()[header::CACHE_CONTROL], "no-cache");
    let body = route.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("<title>claimdesk</title>"));

    // The API keeps answering with problems, not with the app.
    let api = get("/api/v1/nope", None).await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        api.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}
