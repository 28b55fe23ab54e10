//! Closing the loop: the customer marks a case solved, rates the support
//! and disputes a rejection; support finds disputes and escalations in
//! inboxes of their own and hands a case back to the merchant.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::*;
use serde_json::{json, Value};

/// Anna rejects Lisa's open case `id`; returns Lisa's version afterwards.
async fn reject(app: &TestApp, anna: &str, lisa: &str, id: &str) -> i64 {
    let v = version(&app.case(anna, id).await);
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/decision"),
        anna,
        &format!("reject-{id}-{v}"),
        &json!({ "version": v, "kind": "reject", "note": "Outside the return window." }),
    )
    .await
    .ok();
    version(&app.case(lisa, id).await)
}

async fn outbox_to(app: &TestApp, id: &str, template: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT recipient FROM outbox WHERE case_id = ? AND template = ? ORDER BY id",
    )
    .bind(id_number(id))
    .bind(template)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

async fn rate(app: &TestApp, lisa: &str, id: &str, body: Value) -> Reply {
    app.write(
        "POST",
        &format!("/api/v1/cases/{id}/rating"),
        Some(lisa),
        &body,
    )
    .await
}

#[tokio::test]
async fn the_customer_marks_a_case_solved_then_rates_the_support() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    // Not before it is closed.
    rate(&app, &lisa, &id, json!({ "score": "up" }))
        .await
        .problem(StatusCode::CONFLICT, "transition-refused");

    let v = version(&app.case(&lisa, &id).await);
    let path = format!("/api/v1/cases/{id}/resolve");
    let body = json!({ "version": v });
    let solved = app
        .write_once("POST", &path, &lisa, "solved", &body)
        .await
        .ok();
    assert_eq!(solved["summary"]["status"], "resolved");
    assert_eq!(solved["outcome"], "customer_resolved");
    // A retry answers the same, and nothing happens twice.
    let again = app
        .write_once("POST", &path, &lisa, "solved", &body)
        .await
        .ok();
    assert_eq!(again, solved);
    assert_eq!(outbox_to(&app, &id, "customer_resolved").await.len(), 1);
    assert_eq!(
        last_event(&app, &id, "customer_resolved").await["outcome"],
        "customer_resolved"
    );
    // The desk has no such route.
    app.write_once("POST", &path, &anna, "desk", &json!({ "version": v + 1 }))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");

    // Rated with a comment: the merchant sees it on the case and in events.
    let rated = rate(
        &app,
        &lisa,
        &id,
        json!({ "score": "up", "comment": "  Quick and kind. " }),
    )
    .await
    .ok();
    assert_eq!(rated["rating"]["score"], "up");
    assert_eq!(rated["rating"]["comment"], "Quick and kind.");
    let on_desk = app.case(&anna, &id).await;
    assert_eq!(on_desk["rating"], rated["rating"]);
    assert_eq!(last_event(&app, &id, "rated").await["changed"], false);
    // The same rating again is no change: no new version, no event.
    let same = rate(
        &app,
        &lisa,
        &id,
        json!({ "score": "up", "comment": "Quick and kind." }),
    )
    .await
    .ok();
    assert_eq!(version(&same), version(&rated));
    // Changed within 7 days: the window still runs from the first rating.
    // (Days later: the sessions have ended meanwhile.)
    app.state.advance_clock(Duration::days(6));
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let changed = rate(&app, &lisa, &id, json!({ "score": "down" }))
        .await
        .ok();
    assert_eq!(changed["rating"]["score"], "down");
    assert_eq!(changed["rating"]["comment"], Value::Null);
    assert_eq!(changed["rating"]["rated_at"], rated["rating"]["rated_at"]);
    assert_eq!(last_event(&app, &id, "rated").await["changed"], true);
    app.state.advance_clock(Duration::days(2));
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let late = rate(&app, &lisa, &id, json!({ "score": "up" })).await;
    assert_eq!(
        field_error(&late.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation")),
        ("score".into(), "too_late".into())
    );
    let long = rate(
        &app,
        &lisa,
        &id,
        json!({ "score": "up", "comment": "x".repeat(1001) }),
    )
    .await;
    assert_eq!(
        field_error(&long.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation")),
        ("comment".into(), "too_long".into())
    );
}

#[tokio::test]
async fn a_disputed_rejection_goes_to_support_who_hands_it_back() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let support = app.sign_in(SUPPORT_SE).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    let lisa_v = reject(&app, &anna, &lisa, &id).await;
    let rejected = app.case(&lisa, &id).await;
    assert!(rejected["disputable_until"].is_string());

    let path = format!("/api/v1/cases/{id}/dispute");
    let empty = app
        .write_once(
            "POST",
            &path,
            &lisa,
            "dispute-empty",
            &json!({ "version": lisa_v, "reason": " " }),
        )
        .await;
    assert_eq!(
        field_error(&empty.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation")),
        ("reason".into(), "required".into())
    );
    let disputed = app
        .write_once(
            "POST",
            &path,
            &lisa,
            "dispute",
            &json!({ "version": lisa_v, "reason": "The lamp was broken in the box, see the photo." }),
        )
        .await
        .ok();
    assert_eq!(disputed["summary"]["status"], "platform_review");
    assert_eq!(disputed["outcome"], Value::Null);
    assert_eq!(disputed["disputable_until"], Value::Null);
    // The reason is in the conversation; both sides are emailed.
    let messages = app
        .get(&format!("/api/v1/cases/{id}/messages"), Some(&anna))
        .await
        .ok();
    assert_eq!(
        messages.as_array().unwrap().last().unwrap()["body"],
        "The lamp was broken in the box, see the photo."
    );
    assert_eq!(outbox_to(&app, &id, "disputed").await.len(), 2);
    // The merchant sees it handled by the platform; support, in Disputes.
    let desk = app.case(&anna, &id).await;
    assert_eq!(desk["summary"]["handler"], "platform");
    assert_eq!(desk["platform_reason"], "disputed");
    assert!(app.case_ids(&support, "disputes").await.contains(&id));
    assert!(!app
        .case_ids(&support, "platform_review")
        .await
        .contains(&id));
    assert!(!app.case_ids(&anna, "open").await.contains(&id));

    // Support hands it back with a note: the merchant's Open inbox, a new
    // response clock, the note among the notes, an email.
    let hand_back = format!("/api/v1/cases/{id}/hand-back");
    let v = version(&app.case(&support, &id).await);
    app.write_once(
        "POST",
        &hand_back,
        &anna,
        "anna-hb",
        &json!({ "version": v, "note": "x" }),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not-found");
    let nl = app.sign_in(SUPPORT_NL).await;
    app.write_once(
        "POST",
        &hand_back,
        &nl,
        "nl-hb",
        &json!({ "version": v, "note": "x" }),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not-found");
    let back = app
        .write_once(
            "POST",
            &hand_back,
            &support,
            "hb",
            &json!({ "version": v, "note": "Offer a replacement: the photo shows transport damage." }),
        )
        .await
        .ok();
    assert_eq!(back["summary"]["status"], "awaiting_merchant");
    assert_eq!(back["summary"]["handler"], "merchant");
    assert_eq!(back["platform_reason"], Value::Null);
    let now = app.state.now();
    let due: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(back["summary"]["due_at"].clone()).expect("a response clock");
    assert!(due > now, "due {due}, now {now}");
    assert!(app.case_ids(&anna, "open").await.contains(&id));
    assert!(!app.case_ids(&support, "disputes").await.contains(&id));
    let notes = app
        .get(&format!("/api/v1/cases/{id}/notes"), Some(&anna))
        .await
        .ok();
    assert!(notes.as_array().unwrap().iter().any(|n| n["body"]
        .as_str()
        .unwrap()
        .starts_with("Offer a replacement")));
    assert_eq!(outbox_to(&app, &id, "handed_back").await.len(), 1);
    assert!(last_event(&app, &id, "handed_back").await["note"].is_string());

    // Rejected again, it cannot be disputed a second time.
    let lisa_v = reject(&app, &anna, &lisa, &id).await;
    assert_eq!(app.case(&lisa, &id).await["disputable_until"], Value::Null);
    app.write_once(
        "POST",
        &path,
        &lisa,
        "dispute-2",
        &json!({ "version": lisa_v, "reason": "Again" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "transition-refused");
}

#[tokio::test]
async fn a_rejection_is_disputed_within_14_days_only() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    let lisa_v = reject(&app, &anna, &lisa, &id).await;
    app.state.advance_clock(Duration::days(15));
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    assert_eq!(app.case(&lisa, &id).await["disputable_until"], Value::Null);
    let late = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/dispute"),
            &lisa,
            "late",
            &json!({ "version": lisa_v, "reason": "Too late?" }),
        )
        .await;
    assert_eq!(
        field_error(&late.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation")),
        ("reason".into(), "too_late".into())
    );
    assert_eq!(app.case(&lisa, &id).await["summary"]["status"], "rejected");
}

#[tokio::test]
async fn supports_inboxes_split_the_platforms_cases_by_why() {
    let app = TestApp::seeded().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let counts = app.get("/api/v1/inbox-counts", Some(&support)).await.ok();
    let count = |inbox: &str| {
        counts
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["inbox"] == inbox)
            .unwrap_or_else(|| panic!("no {inbox} count"))["count"]
            .as_i64()
            .unwrap()
    };
    let total = app
        .count(
            "SELECT COUNT(*) FROM cases c JOIN users u ON u.email = 'support@fyndmarknad.example'
             WHERE c.marketplace_id = u.marketplace_id AND c.status = 'platform_review'",
        )
        .await;
    for inbox in ["platform_review", "escalated", "disputes"] {
        assert!(count(inbox) > 0, "{inbox} is empty in the demo");
        assert_eq!(
            app.case_ids(&support, inbox).await.len() as i64,
            count(inbox)
        );
    }
    assert_eq!(
        count("platform_review") + count("escalated") + count("disputes"),
        total
    );
    // Not for the others.
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    app.get("/api/v1/cases?inbox=disputes", Some(&anna))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
}

#[tokio::test]
async fn the_customers_list_says_what_happens_next_and_the_desks_does_not() {
    let app = TestApp::seeded().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let mine = app
        .get("/api/v1/cases?inbox=mine&per_page=200", Some(&lisa))
        .await
        .ok();
    let mut seen = std::collections::BTreeSet::new();
    let mut dated = 0;
    for row in mine["items"].as_array().unwrap() {
        let (status, handler) = (
            row["status"].as_str().unwrap(),
            row["handler"].as_str().unwrap(),
        );
        let kind = row["next_step"]["kind"].as_str().unwrap();
        let expected = match status {
            "submitted" | "awaiting_merchant" if handler == "platform" => vec!["platform_reviews"],
            "submitted" | "awaiting_merchant" => vec!["merchant_answers"],
            "awaiting_customer" => vec!["your_reply"],
            "awaiting_return" => vec!["send_return"],
            "platform_review" => vec!["platform_reviews"],
            _ => vec!["rate_support", "done"],
        };
        assert!(expected.contains(&kind), "{status}: {kind}");
        // A due date only while the merchant owes the answer.
        if row["next_step"]["due_at"].is_string() {
            assert_eq!(kind, "merchant_answers");
            dated += 1;
        }
        seen.insert(kind.to_owned());
    }
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(dated > 0, "no answer the customer waits for has a date");
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let open = app.get("/api/v1/cases?inbox=open", Some(&anna)).await.ok();
    assert!(open["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["next_step"].is_null()));
}
