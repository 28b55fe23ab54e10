//! Quick texts: per merchant (or support team), validated, versioned.

mod common;

use axum::http::StatusCode;
use claimdesk_shared::quick_text::unknown_placeholders;
use common::*;
use serde_json::json;

#[tokio::test]
async fn each_desk_has_its_own_quick_texts_with_valid_placeholders() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let texts = app.get("/api/v1/quick-texts", Some(&anna)).await.json();
    let texts = texts.as_array().unwrap();
    assert!(texts.len() >= 4);
    assert!(texts.iter().any(|t| t["locale"] == "sv") && texts.iter().any(|t| t["locale"] == "en"));
    for t in texts {
        assert!(unknown_placeholders(t["body"].as_str().unwrap()).is_empty());
    }

    // Create, then update with the version seen, then a stale update.
    let created = app
        .write("POST", "/api/v1/quick-texts", Some(&anna), &json!({ "title": "Tracking", "locale": "en", "body": "Hi {customer_name}, here is your tracking link." }))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let created = created.json();
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/quick-texts/{id}");
    let updated = app
        .write("PUT", &path, Some(&anna), &json!({ "version": 1, "title": "Tracking link", "locale": "en", "body": "Hi {customer_name}!" }))
        .await
        .json();
    assert_eq!(updated["title"], "Tracking link");
    assert_eq!(updated["version"], 2);
    app.write(
        "PUT",
        &path,
        Some(&anna),
        &json!({ "version": 1, "title": "Old", "locale": "en", "body": "x" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "stale-version");

    // A colleague shares them; another merchant, support and customers do not see or touch them.
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    assert!(app
        .get("/api/v1/quick-texts", Some(&erik))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id));
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let support = app.sign_in(SUPPORT_SE).await;
    for outsider in [&sara, &support] {
        assert!(!app
            .get("/api/v1/quick-texts", Some(outsider))
            .await
            .json()
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id));
        app.write(
            "PUT",
            &path,
            Some(outsider),
            &json!({ "version": 2, "title": "Mine", "locale": "en", "body": "x" }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
        app.write("DELETE", &path, Some(outsider), &json!({}))
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
    }
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    app.get("/api/v1/quick-texts", Some(&lisa))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");

    assert_eq!(
        app.write("DELETE", &path, Some(&erik), &json!({}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.write("DELETE", &path, Some(&anna), &json!({}))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

#[tokio::test]
async fn bad_quick_texts_are_refused_field_by_field() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let before = app.count("SELECT COUNT(*) FROM quick_texts").await;
    let table = [
        (
            json!({ "title": "", "locale": "en", "body": "x" }),
            "title",
            "required",
        ),
        (
            json!({ "title": "x".repeat(101), "locale": "en", "body": "x" }),
            "title",
            "too_long",
        ),
        (
            json!({ "title": "T", "locale": "en", "body": "   " }),
            "body",
            "required",
        ),
        (
            json!({ "title": "T", "locale": "en", "body": "Hi {name}" }),
            "body",
            "unknown_placeholder",
        ),
        (
            json!({ "title": "T", "locale": "de", "body": "x" }),
            "locale",
            "invalid",
        ),
        (json!({ "title": "T", "body": "x" }), "locale", "required"),
    ];
    for (input, field, code) in table {
        let p = app
            .write("POST", "/api/v1/quick-texts", Some(&anna), &input)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(
            (
                p["errors"][0]["field"].as_str().unwrap(),
                p["errors"][0]["code"].as_str().unwrap()
            ),
            (field, code),
            "{input}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM quick_texts").await, before);
}
