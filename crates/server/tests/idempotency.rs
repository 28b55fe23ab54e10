//! `Idempotency-Key` on message posts: the key is recorded in the post's
//! own transaction (`CaseWrite::begin_answering`) and looked up only when a
//! post fails, so these check what a client retrying can rely on: the case
//! back, nothing done twice, a reused key refused, and the record and the
//! change committed together.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

fn id_number(id: &str) -> i64 {
    id.trim_start_matches("C-").parse().unwrap()
}

/// How many messages with `body`, message emails and `message_added` events
/// case `n` has.
async fn posted(app: &TestApp, n: i64, body: &str) -> (i64, i64, i64) {
    let messages = app
        .count(&format!(
            "SELECT COUNT(*) FROM messages WHERE case_id = {n} AND body = '{body}'"
        ))
        .await;
    let emails = app
        .count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND template = 'message'"
        ))
        .await;
    let events = app
        .count(&format!(
            "SELECT COUNT(*) FROM events WHERE case_id = {n} AND kind = 'message_added'"
        ))
        .await;
    (messages, emails, events)
}

#[tokio::test]
async fn a_retried_post_gets_the_case_and_adds_no_second_message_or_email() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let n = id_number(&id);
    let path = format!("/api/v1/cases/{id}/messages");
    let (_, emails_before, events_before) = posted(&app, n, "Could you send a photo?").await;
    let post = json!({ "version": version, "body": "Could you send a photo?" });

    let first = app
        .write_once("POST", &path, &anna, "m-1", &post)
        .await
        .ok();
    assert_eq!(first["version"], version + 1);
    assert_eq!(first["summary"]["status"], "awaiting_customer");

    // The answer was lost; the client sends the same request again.
    let again = app
        .write_once("POST", &path, &anna, "m-1", &post)
        .await
        .ok();
    assert_eq!(again["version"], version + 1, "the case, not changed again");
    assert_eq!(again["summary"]["status"], "awaiting_customer");
    assert_eq!(again["updated_at"], first["updated_at"]);
    assert_eq!(
        posted(&app, n, "Could you send a photo?").await,
        (1, emails_before + 1, events_before + 1),
        "one message, one email to the customer, one event"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'm-1'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_retry_racing_the_first_gets_the_same_case() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let n = id_number(&id);
    let path = format!("/api/v1/cases/{id}/messages");
    let (_, emails_before, _) = posted(&app, n, "On its way.").await;
    let post = json!({ "version": version, "body": "On its way." });

    // Both are in flight at once; they queue for the writer and the second
    // finds the version moved on: it is answered as the first was.
    let (a, b) = tokio::join!(
        app.write_once("POST", &path, &anna, "m-race", &post),
        app.write_once("POST", &path, &anna, "m-race", &post),
    );
    let (a, b) = (a.ok(), b.ok());
    assert_eq!(a["version"], version + 1);
    assert_eq!(b["version"], version + 1);
    let (messages, emails, _) = posted(&app, n, "On its way.").await;
    assert_eq!((messages, emails), (1, emails_before + 1));
}

#[tokio::test]
async fn a_key_reused_for_another_post_is_refused_and_changes_nothing() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let n = id_number(&id);
    let path = format!("/api/v1/cases/{id}/messages");
    app.post_message(&anna, &id, version, "m-1", "First.").await;
    let (_, emails, events) = posted(&app, n, "First.").await;

    // Another body with the key, at the version the first saw...
    app.write_once(
        "POST",
        &path,
        &anna,
        "m-1",
        &json!({ "version": version, "body": "Second." }),
    )
    .await
    .problem(StatusCode::CONFLICT, "idempotency-key-reused");
    // ... and at the current one, which the write itself could claim: the
    // key's record refuses it inside the transaction, which rolls back.
    app.write_once(
        "POST",
        &path,
        &anna,
        "m-1",
        &json!({ "version": version + 1, "body": "Second." }),
    )
    .await
    .problem(StatusCode::CONFLICT, "idempotency-key-reused");
    // The same key on another case is another request too.
    let other = app
        .case_ids(&anna, "open")
        .await
        .into_iter()
        .find(|other| *other != id)
        .expect("another open case");
    let other_version = app.case(&anna, &other).await["version"].as_i64().unwrap();
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{other}/messages"),
        &anna,
        "m-1",
        &json!({ "version": other_version, "body": "First." }),
    )
    .await
    .problem(StatusCode::CONFLICT, "idempotency-key-reused");

    assert_eq!(app.case(&anna, &id).await["version"], version + 1);
    assert_eq!(
        app.case(&anna, &other).await["version"],
        other_version,
        "the other case did not change"
    );
    assert_eq!(posted(&app, n, "Second.").await, (0, emails, events));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM messages WHERE case_id = {} AND body = 'First.'",
            id_number(&other)
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn a_post_refused_inside_its_write_leaves_no_record_so_the_corrected_one_goes_through() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let n = id_number(&id);
    let path = format!("/api/v1/cases/{id}/messages");
    let (_, emails, events) = posted(&app, n, "See the photo.").await;

    // The file is not Anna's upload: refused after the write began (and
    // after it recorded the key), so the whole transaction rolls back.
    let bad = json!({ "version": version, "body": "See the photo.", "attachment_ids": [999_999] });
    let p = app
        .write_once("POST", &path, &anna, "m-photo", &bad)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "attachment_ids");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'm-photo'")
            .await,
        0
    );
    assert_eq!(posted(&app, n, "See the photo.").await, (0, emails, events));
    assert_eq!(app.case(&anna, &id).await["version"], version);

    // The key named a request that never happened: the SPA sends the
    // corrected draft with the key it kept, and that goes through once.
    let good = json!({ "version": version, "body": "See the photo." });
    let sent = app
        .write_once("POST", &path, &anna, "m-photo", &good)
        .await
        .ok();
    assert_eq!(sent["version"], version + 1);
    assert_eq!(
        posted(&app, n, "See the photo.").await,
        (1, emails + 1, events + 1)
    );
    // From now on the key is the corrected post's: the refused one again
    // is another request.
    app.write_once("POST", &path, &anna, "m-photo", &bad)
        .await
        .problem(StatusCode::CONFLICT, "idempotency-key-reused");
}
