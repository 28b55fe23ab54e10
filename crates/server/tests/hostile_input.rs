//! Hostile input: text built to break a page, a database or a mail relay
//! goes into every free-text field and comes back exactly as written or is
//! refused with a field error; requests axum itself refuses are problem
//! documents too; per-desk collections have a ceiling.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use claimdesk_server::routes::quick_texts::MAX_PER_DESK;
use common::*;
use serde_json::{json, Value};

/// Text that must be stored faithfully and shown inert (the SPA's and the
/// emails' concern; the e2e suite checks the page).
const CORPUS: [&str; 8] = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)> & &amp; \"quoted\" 'single'",
    "Invoice \u{202E}fdp.exe\u{202C} attached",
    "zero\u{200B}width\u{200D}joiner\u{FEFF}",
    "Ame\u{301}lie combining \u{0663}\u{0664} \u{05D0}\u{05D1}",
    "emoji 👩‍👩‍👧‍👦 🇸🇪 🧾",
    "{{customer_name}} ${7*7} %s %n '; DROP TABLE cases; --",
    "line one\nline two\r\n\ttabbed",
];

/// Every stored row a write could add: the refusals must add none.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "cases",
        "messages",
        "notes",
        "events",
        "outbox",
        "quick_texts",
    ] {
        counts.push(app.count(&format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

fn field_error(reply: &Reply, field: &str, code: &str) {
    let problem = reply.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let errors = problem["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == field && e["code"] == code),
        "{field}:{code} not in {problem}"
    );
}

#[tokio::test]
async fn hostile_text_is_kept_exactly_in_every_free_text_field() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    let mut tried = 0;
    for (n, text) in CORPUS.iter().enumerate() {
        // A message from each side, and a note.
        for (who, path) in [(&lisa, "messages"), (&anna, "messages"), (&anna, "notes")] {
            let v = version(&app.case(who, &id).await);
            let reply = app
                .write_once(
                    "POST",
                    &format!("/api/v1/cases/{id}/{path}"),
                    who,
                    &format!("hostile-{path}-{n}-{}", who.len()),
                    &json!({ "version": v, "body": text }),
                )
                .await;
            reply.ok();
            let listed = app
                .get(&format!("/api/v1/cases/{id}/{path}"), Some(&anna))
                .await
                .ok();
            let last = listed.as_array().unwrap().last().unwrap();
            assert_eq!(last["body"], text.trim(), "{path}");
            tried += 1;
        }
        // A quick text's title and body.
        let title: String = text.chars().take(100).collect();
        let saved = app
            .write(
                "POST",
                "/api/v1/quick-texts",
                Some(&anna),
                &json!({ "title": title, "locale": "en", "body": text }),
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&saved.body)
        );
        let saved = saved.json();
        assert_eq!(saved["title"], title.trim());
        assert_eq!(saved["body"], text.trim());
        tried += 2;
    }
    // The emails carry the message as plain text, exactly.
    let emailed: Vec<String> =
        sqlx::query_scalar("SELECT body FROM outbox WHERE template = 'message'")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    for text in CORPUS {
        assert!(
            emailed.iter().any(|body| body.contains(text.trim())),
            "no email carries {text:?}"
        );
    }
    assert_eq!(tried, CORPUS.len() * 5);

    // A rating's comment, once Lisa has closed the case.
    let v = version(&app.case(&lisa, &id).await);
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/resolve"),
        &lisa,
        "hostile-resolve",
        &json!({ "version": v }),
    )
    .await
    .ok();
    for text in CORPUS {
        let rated = app
            .write(
                "POST",
                &format!("/api/v1/cases/{id}/rating"),
                Some(&lisa),
                &json!({ "score": "up", "comment": text }),
            )
            .await
            .ok();
        assert_eq!(rated["rating"]["comment"], text.trim());
        assert_eq!(app.case(&anna, &id).await["rating"]["comment"], text.trim());
    }
}

#[tokio::test]
async fn nul_characters_and_oversized_text_are_field_errors_that_change_nothing() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let before = footprint(&app).await;
    let huge = "x".repeat(100 * 1024);
    let posts = [
        ("messages", &lisa, "body"),
        ("messages", &anna, "body"),
        ("notes", &anna, "body"),
    ];
    for (path, who, field) in posts {
        let customer_v = version(&app.case(who, &id).await);
        let seen = if path == "notes" { v } else { customer_v };
        for (text, code) in [
            ("before\0after", "nul_character"),
            (huge.as_str(), "too_long"),
        ] {
            let reply = app
                .write_once(
                    "POST",
                    &format!("/api/v1/cases/{id}/{path}"),
                    who,
                    &format!("bad-{path}-{code}-{}", who.len()),
                    &json!({ "version": seen, "body": text }),
                )
                .await;
            field_error(&reply, field, code);
        }
    }
    let decision = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "bad-decision",
            &json!({ "version": v, "kind": "reject", "note": "No\0" }),
        )
        .await;
    field_error(&decision, "note", "nul_character");
    for (title, body, field) in [("T\0", "ok", "title"), ("ok", "b\0dy", "body")] {
        let reply = app
            .write(
                "POST",
                "/api/v1/quick-texts",
                Some(&anna),
                &json!({ "title": title, "locale": "en", "body": body }),
            )
            .await;
        field_error(&reply, field, "nul_character");
    }
    let report = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &lisa,
            "bad-report",
            &json!({ "order_id": 1, "kind": "complaint", "reason": "damaged",
                     "description": "cracked\0", "lines": [] }),
        )
        .await;
    field_error(&report, "description", "nul_character");
    // Not even JSON: a lone surrogate and bytes that are not UTF-8.
    for raw in [
        &b"{\"version\": 1, \"body\": \"\\ud800\"}"[..],
        &b"{\"version\": 1, \"body\": \"\xff\xfe\"}"[..],
    ] {
        let request = Request::post(format!("/api/v1/cases/{id}/messages"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-claimdesk-csrf", "1")
            .header(header::COOKIE, &lisa)
            .body(Body::from(raw.to_vec()))
            .unwrap();
        let reply = app.send(request).await;
        assert!(
            reply.status == StatusCode::BAD_REQUEST
                || reply.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.status
        );
        assert_eq!(reply.content_type(), "application/problem+json");
    }
    assert_eq!(footprint(&app).await, before, "a refusal stored something");
}

#[tokio::test]
async fn refusals_axum_makes_are_problem_documents_too() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    // An id that is not a number names nothing.
    app.get("/api/v1/files/abc", Some(&anna))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    let bad_id = app
        .write("PUT", "/api/v1/quick-texts/abc", Some(&anna), &json!({}))
        .await;
    bad_id.problem(StatusCode::NOT_FOUND, "not-found");
    // A multipart body without its boundary.
    let request = Request::post("/api/v1/attachments")
        .header(header::CONTENT_TYPE, "multipart/form-data")
        .header("x-claimdesk-csrf", "1")
        .header(header::COOKIE, &anna)
        .body(Body::from("--x\r\n\r\n"))
        .unwrap();
    let reply = app.send(request).await;
    let problem = reply.problem(StatusCode::BAD_REQUEST, "malformed");
    assert!(
        problem["detail"].as_str().unwrap().contains("boundary"),
        "{problem}"
    );
    // Methods a resource does not have, with what it does have.
    for method in [Method::OPTIONS, Method::TRACE, Method::PUT] {
        let request = Request::builder()
            .method(method.clone())
            .uri("/api/v1/cases")
            .header(header::COOKIE, &anna)
            .header("x-claimdesk-csrf", "1")
            .body(Body::empty())
            .unwrap();
        let reply = app.send(request).await;
        reply.problem(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
        let allow = reply.headers[header::ALLOW].to_str().unwrap();
        assert!(
            allow.contains("GET") && allow.contains("POST"),
            "{method}: {allow}"
        );
    }
    // An over-long address.
    let long = format!("/api/v1/cases?inbox=open&q={}", "a".repeat(9_000));
    app.get(&long, Some(&anna))
        .await
        .problem(StatusCode::URI_TOO_LONG, "uri-too-long");
    // A body that is not declared JSON.
    let request = Request::post("/api/v1/quick-texts")
        .header(header::CONTENT_TYPE, "text/plain")
        .header("x-claimdesk-csrf", "1")
        .header(header::COOKIE, &anna)
        .body(Body::from("title=x"))
        .unwrap();
    app.send(request)
        .await
        .problem(StatusCode::BAD_REQUEST, "malformed");
}

async fn quick_text_count(app: &TestApp, session: &str) -> i64 {
    let listed = app.get("/api/v1/quick-texts", Some(session)).await.ok();
    listed.as_array().unwrap().len() as i64
}

#[tokio::test]
async fn a_desk_keeps_at_most_500_quick_texts() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let start = quick_text_count(&app, &anna).await;
    for n in start..MAX_PER_DESK {
        let reply = app
            .write(
                "POST",
                "/api/v1/quick-texts",
                Some(&anna),
                &json!({ "title": format!("Text {n}"), "locale": "en", "body": "Hello." }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    let full = app
        .write(
            "POST",
            "/api/v1/quick-texts",
            Some(&anna),
            &json!({ "title": "One more", "locale": "en", "body": "Hello." }),
        )
        .await;
    field_error(&full, "quick_texts", "too_many");
    assert_eq!(quick_text_count(&app, &anna).await, MAX_PER_DESK);
    // Another desk is not affected.
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let other = app
        .write(
            "POST",
            "/api/v1/quick-texts",
            Some(&sara),
            &json!({ "title": "Mine", "locale": "sv", "body": "Hej." }),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED);
    let _: Value = other.json();
}

#[tokio::test]
async fn a_report_keeps_hostile_text_exactly() {
    let app = TestApp::at_seed_time().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let orders = app.get("/api/v1/orders", Some(&lisa)).await.ok();
    let (order, line) = orders
        .as_array()
        .unwrap()
        .iter()
        .find_map(|o| {
            let line = o["lines"]
                .as_array()?
                .iter()
                .find(|l| l["claimable_quantity"].as_i64() > Some(0))?;
            Some((o["id"].clone(), line["id"].clone()))
        })
        .expect("an order with something left to claim");
    let description = CORPUS.join("\n");
    let reply = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &lisa,
            "hostile-report",
            &json!({ "order_id": order, "kind": "complaint", "reason": "damaged",
                     "description": description, "lines": [{ "line_id": line, "quantity": 1 }] }),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let id = reply.json()["summary"]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.case(&lisa, &id).await["description"], description);
}
