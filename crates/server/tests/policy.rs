//! The marketplace's policy: support reads and changes it, every field is
//! checked, every change is recorded, and open cases follow at once.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

async fn put(app: &TestApp, session: &str, version: &Value, settings: &Value) -> Reply {
    app.write(
        "PUT",
        "/api/v1/policy",
        Some(session),
        &json!({ "version": version, "settings": settings }),
    )
    .await
}

#[tokio::test]
async fn support_changes_the_policy_and_open_clocks_follow() {
    let app = TestApp::at_seed_time().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let policy = app.get("/api/v1/policy", Some(&support)).await.ok();
    assert_eq!(policy["settings"]["first_response_hours"], 24);
    assert_eq!(policy["settings"]["reporting_window_days"], 30);
    assert_eq!(policy["currency"], "SEK");
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    let due_before = app.case(&anna, &id).await["summary"]["due_at"].clone();
    assert!(due_before.is_string(), "the case's clock runs");

    // Twice the time for a first response: the open case's deadline moves.
    let mut settings = policy["settings"].clone();
    settings["first_response_hours"] = json!(48);
    settings["follow_up_hours"] = json!(96);
    let changed = put(&app, &support, &policy["version"], &settings)
        .await
        .ok();
    assert_eq!(changed["version"], policy["version"].as_i64().unwrap() + 1);
    assert_eq!(changed["settings"]["first_response_hours"], 48);
    let record = &changed["changes"][0];
    assert_eq!(record["changed_by"], "Karin Berg");
    assert_eq!(
        record["fields"],
        json!([
            { "field": "first_response_hours", "from": "24", "to": "48" },
            { "field": "follow_up_hours", "from": "72", "to": "96" },
        ])
    );
    let due_after = app.case(&anna, &id).await["summary"]["due_at"].clone();
    assert_ne!(due_after, due_before);
    assert!(
        due_after.as_str().unwrap() > due_before.as_str().unwrap(),
        "{due_before} -> {due_after}"
    );
    // The deadline's explanation agrees.
    let deadline = app
        .get(&format!("/api/v1/cases/{id}/deadline"), Some(&anna))
        .await
        .ok();
    assert_eq!(deadline["due_at"], due_after);

    // A stale version is a conflict; the same settings again change nothing.
    put(&app, &support, &policy["version"], &settings)
        .await
        .problem(StatusCode::CONFLICT, "stale-version");
    let same = put(&app, &support, &changed["version"], &settings)
        .await
        .ok();
    assert_eq!(same["version"], changed["version"]);
    assert_eq!(same["changes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_policies_are_field_errors_and_others_see_no_policy() {
    let app = TestApp::at_seed_time().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let policy = app.get("/api/v1/policy", Some(&support)).await.ok();
    let before = policy["settings"].clone();
    for (field, value, code) in [
        ("first_response_hours", json!(0), "out_of_range"),
        ("reporting_window_days", json!(400), "out_of_range"),
        ("rating_warning_percent", json!(90), "out_of_range"),
        ("auto_refund_cap_minor", json!(-1), "out_of_range"),
        (
            "merchant_reasons",
            json!(["damaged", "damaged"]),
            "duplicate",
        ),
    ] {
        let mut settings = before.clone();
        settings[field] = value;
        let reply = put(&app, &support, &policy["version"], &settings).await;
        let problem = reply.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{field}: {problem}"
        );
    }
    assert_eq!(app.get("/api/v1/policy", Some(&support)).await.ok(), policy);
    // Each marketplace's support sees its own policy; nobody else any.
    let nl = app.sign_in(SUPPORT_NL).await;
    let plein = app.get("/api/v1/policy", Some(&nl)).await.ok();
    assert_eq!(plein["settings"]["reporting_window_days"], 14);
    assert_eq!(plein["currency"], "EUR");
    for who in [MERCHANT_NORDIC, CUSTOMER_LISA] {
        let session = app.sign_in(who).await;
        app.get("/api/v1/policy", Some(&session))
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
    }
}
