//! Working a case through the API: messages, notes, events, decisions,
//! holds and toggles, with their integrity rules (versions, idempotency,
//! events, outbox, payout) and who may do what.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

fn id_number(id: &str) -> i64 {
    id.trim_start_matches("C-").parse().unwrap()
}

/// A Nordic Home case in the given inbox, with its version.
async fn nordic_case(app: &TestApp, session: &str, inbox: &str) -> (String, i64) {
    let id = app
        .case_ids(session, inbox)
        .await
        .into_iter()
        .next()
        .expect("a case in the inbox");
    let version = app.case(session, &id).await["version"].as_i64().unwrap();
    (id, version)
}

#[tokio::test]
async fn a_reply_parks_the_case_and_the_customers_answer_brings_it_back() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let n = id_number(&id);

    let case = app
        .post_message(&anna, &id, version, "k1", "Could you send a photo?")
        .await;
    assert_eq!(case["summary"]["status"], "awaiting_customer");
    assert_eq!(case["version"], version + 1);
    assert!(
        app.case_ids(&anna, "parked").await.contains(&id),
        "the case moved to Parked"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND recipient = 'lisa@kund.example'"
        ))
        .await,
        1
    );

    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let messages = app
        .get(&format!("/api/v1/cases/{id}/messages"), Some(&lisa))
        .await
        .json();
    let last = messages.as_array().unwrap().last().unwrap();
    assert_eq!(last["body"], "Could you send a photo?");
    assert_eq!(last["author_name"], "Anna Lindqvist");
    assert_eq!(last["author_role"], "merchant");

    let answer = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/messages"),
            &lisa,
            "k2",
            &json!({ "version": version + 1, "body": "Here it is." }),
        )
        .await;
    assert_eq!(answer.json()["summary"]["status"], "awaiting_merchant");
    assert!(
        app.case_ids(&anna, "open").await.contains(&id),
        "the case is back in Open"
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND recipient = 'claims@nordichome.example'")).await,
        1
    );
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&anna))
        .await
        .json();
    let kinds: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds[kinds.len() - 4..],
        [
            "message_added",
            "status_changed",
            "message_added",
            "status_changed"
        ]
    );
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let (id, version) = nordic_case(&app, &anna, "open").await;
    let n = id_number(&id);
    // Erik answers first.
    let first = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/messages"),
            &erik,
            "e1",
            &json!({ "version": version, "body": "Erik here" }),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let before = app
        .count(&format!(
            "SELECT COUNT(*) FROM messages WHERE case_id = {n}"
        ))
        .await;
    // Anna, still looking at the old version, tries to reject.
    let p = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "a1",
            &json!({ "version": version, "kind": "reject", "note": "No" }),
        )
        .await
        .problem(StatusCode::CONFLICT, "stale-version");
    assert!(p["detail"].as_str().unwrap().contains("reload"));
    let case = app.case(&anna, &id).await;
    assert_eq!(
        case["summary"]["status"], "awaiting_customer",
        "Erik's change stands"
    );
    assert_eq!(case["version"], version + 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM messages WHERE case_id = {n}"
        ))
        .await,
        before
    );
}

#[tokio::test]
async fn retries_with_the_same_key_do_nothing_twice() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = nordic_case(&app, &anna, "open").await;
    let n = id_number(&id);
    let path = format!("/api/v1/cases/{id}/decision");
    let body = json!({ "version": version, "kind": "refund", "amount_minor": 100 });
    let first = app
        .write_once("POST", &path, &anna, "refund-1", &body)
        .await;
    assert_eq!(
        first.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    let again = app
        .write_once("POST", &path, &anna, "refund-1", &body)
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        first.json(),
        again.json(),
        "the retry gets the first answer"
    );
    assert_eq!(
        app.count(&format!("SELECT refunded_minor FROM cases WHERE id = {n}"))
            .await,
        100
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND template = 'decision'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM events WHERE case_id = {n} AND kind = 'decision_made'"
        ))
        .await,
        1
    );

    // The same key for another request is refused; no key at all is a field error.
    app.write_once(
        "POST",
        &path,
        &anna,
        "refund-1",
        &json!({ "version": version, "kind": "refund", "amount_minor": 200 }),
    )
    .await
    .problem(StatusCode::CONFLICT, "idempotency-key-reused");
    let p = app
        .write("POST", &path, Some(&anna), &body)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
}

#[tokio::test]
async fn a_retry_gets_the_case_as_it_is_now_and_a_failed_write_leaves_no_record() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let (id, version) = nordic_case(&app, &anna, "open").await;
    let n = id_number(&id);
    let notes = format!("/api/v1/cases/{id}/notes");
    let mine = json!({ "version": version, "body": "Asked the warehouse." });
    let first = app.write_once("POST", &notes, &anna, "note-1", &mine).await;
    assert_eq!(
        first.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    // The key is recorded by the write's own transaction, naming the case.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'note-1' AND body = '{{\"case_id\":{n}}}'"
        ))
        .await,
        1
    );
    // Erik adds a note of his; Anna's retry of hers is answered with the
    // case as it is now (both notes), and hers is not added twice.
    let erik_note = json!({ "version": version + 1, "body": "Stock count done." });
    let his = app
        .write_once("POST", &notes, &erik, "note-2", &erik_note)
        .await;
    assert_eq!(his.status, StatusCode::OK);
    let again = app.write_once("POST", &notes, &anna, "note-1", &mine).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["version"], version + 2);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM notes WHERE case_id = {n}")).await,
        app.count(&format!(
            "SELECT COUNT(*) FROM notes WHERE case_id = {n} AND body IN ('Asked the warehouse.', 'Stock count done.')"
        ))
        .await
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM notes WHERE case_id = {n} AND body = 'Asked the warehouse.'"
        ))
        .await,
        1
    );

    // A write refused inside its transaction (a file that is not Anna's)
    // records nothing: the same key then carries the corrected request.
    let messages = format!("/api/v1/cases/{id}/messages");
    let bad =
        json!({ "version": version + 2, "body": "See the photo.", "attachment_ids": [999_999] });
    let p = app
        .write_once("POST", &messages, &anna, "message-1", &bad)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "attachment_ids");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'message-1'")
            .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM messages WHERE case_id = {n} AND body = 'See the photo.'"
        ))
        .await,
        0
    );
    let good = json!({ "version": version + 2, "body": "See the photo." });
    let sent = app
        .write_once("POST", &messages, &anna, "message-1", &good)
        .await;
    assert_eq!(
        sent.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&sent.body)
    );
    assert_eq!(sent.json()["version"], version + 3);
}

#[tokio::test]
async fn notes_stay_inside_the_desk() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let desk = anna.clone();
    let secret = "Customer is a repeat claimant: check the history";
    let note = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/notes"),
            &desk,
            "n1",
            &json!({ "version": version, "body": secret }),
        )
        .await;
    assert_eq!(
        note.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&note.body)
    );
    let notes = app
        .get(&format!("/api/v1/cases/{id}/notes"), Some(&desk))
        .await
        .json();
    assert!(notes
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["body"] == secret));

    // The customer cannot list notes or events, nor write a note, and the
    // note is nowhere in what they can read.
    app.get(&format!("/api/v1/cases/{id}/notes"), Some(&lisa))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    app.get(&format!("/api/v1/cases/{id}/events"), Some(&lisa))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/notes"),
        &lisa,
        "n2",
        &json!({ "version": version + 1, "body": "x" }),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not-found");
    for path in [
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{id}/messages"),
    ] {
        let body = String::from_utf8(app.get(&path, Some(&lisa)).await.body).unwrap();
        assert!(!body.contains(secret), "{path} leaks the note");
    }
}

#[tokio::test]
async fn decisions_close_cases_within_the_claim_and_release_the_payout() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = nordic_case(&app, &anna, "open").await;
    let claimed = app.case(&anna, &id).await["summary"]["claimed_value_minor"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/cases/{id}/decision");

    // Over the claim: refused, field-level, nothing changed.
    let p = app
        .write_once(
            "POST",
            &path,
            &anna,
            "d1",
            &json!({ "version": version, "kind": "refund", "amount_minor": claimed + 1 }),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "amount_minor");
    assert_eq!(app.case(&anna, &id).await["version"], version);
    // A rejection needs a reason.
    let p = app
        .write_once(
            "POST",
            &path,
            &anna,
            "d2",
            &json!({ "version": version, "kind": "reject" }),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "note");

    // A partial refund resolves it.
    let case = app
        .write_once(
            "POST",
            &path,
            &anna,
            "d3",
            &json!({ "version": version, "kind": "refund", "amount_minor": claimed / 2 }),
        )
        .await
        .json();
    assert_eq!(case["summary"]["status"], "resolved");
    assert_eq!(case["outcome"], "refund");
    assert_eq!(case["refunded_minor"], claimed / 2);
    assert!(app.case_ids(&anna, "approved").await.contains(&id));
    // Payout: blocked exactly while some case on the order is open.
    let mismatched = app
        .count("SELECT COUNT(*) FROM orders o WHERE (o.payout = 'blocked') <> EXISTS (SELECT 1 FROM cases c WHERE c.order_id = o.id AND c.status NOT IN ('resolved','rejected'))")
        .await;
    assert_eq!(mismatched, 0);
    // Closed is final for the merchant.
    app.write_once(
        "POST",
        &path,
        &anna,
        "d4",
        &json!({ "version": version + 1, "kind": "reject", "note": "changed my mind" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "transition-refused");
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/messages"),
        &anna,
        "d5",
        &json!({ "version": version + 1, "body": "hello?" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "transition-refused");
}

#[tokio::test]
async fn rejecting_tells_the_customer_why() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = nordic_case(&app, &anna, "open").await;
    let case = app
        .write_once("POST", &format!("/api/v1/cases/{id}/decision"), &anna, "r1", &json!({ "version": version, "kind": "reject", "note": "The item shows wear from use." }))
        .await
        .json();
    assert_eq!(case["summary"]["status"], "rejected");
    assert_eq!(case["decision_note"], "The item shows wear from use.");
    let n = id_number(&id);
    let mail: String = sqlx::query_scalar(&format!(
        "SELECT body FROM outbox WHERE case_id = {n} AND template = 'decision'"
    ))
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    // In Lisa's language, Swedish, with the way to dispute it.
    assert!(
        mail.contains("The item shows wear from use.") && mail.contains("bestrida beslutet"),
        "{mail}"
    );
}

#[tokio::test]
async fn a_return_label_parks_the_case_until_the_parcel_arrives() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = nordic_case(&app, &anna, "open").await;
    // Not before a label exists.
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/return-received"),
        &anna,
        "x0",
        &json!({ "version": version }),
    )
    .await
    .problem(StatusCode::CONFLICT, "transition-refused");
    let toggled = app
        .write(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&anna),
            &json!({ "version": version, "free_return": true }),
        )
        .await
        .json();
    assert_eq!(toggled["free_return"], true);
    let parked = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "x1",
            &json!({ "version": version + 1, "kind": "return_label" }),
        )
        .await
        .json();
    assert_eq!(parked["summary"]["status"], "awaiting_return");
    assert_eq!(parked["outcome"], "return_label");
    let n = id_number(&id);
    let mail: String = sqlx::query_scalar(&format!(
        "SELECT body FROM outbox WHERE case_id = {n} AND template = 'decision'"
    ))
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(mail.contains("kostnadsfria retursedel"), "{mail}");
    let done = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/return-received"),
            &anna,
            "x2",
            &json!({ "version": version + 2 }),
        )
        .await
        .json();
    assert_eq!(done["summary"]["status"], "resolved");
    assert_eq!(done["outcome"], "return_refund");
    assert_eq!(
        done["refunded_minor"],
        done["summary"]["claimed_value_minor"]
    );
}

#[tokio::test]
async fn holds_show_who_is_on_a_case_and_change_hands_only_explicitly() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let open = app
        .get("/api/v1/cases?inbox=open&per_page=200", Some(&anna))
        .await
        .json();
    let free = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["held_by"].is_null())
        .unwrap();
    let id = free["id"].as_str().unwrap().to_owned();
    let v = app.case(&anna, &id).await["version"].as_i64().unwrap();
    let hold = |v: i64, take_over: bool| json!({ "version": v, "take_over": take_over });
    let path = format!("/api/v1/cases/{id}/hold");

    let held = app
        .write("POST", &path, Some(&anna), &hold(v, false))
        .await
        .json();
    assert_eq!(held["summary"]["held_by"], "Anna Lindqvist");
    assert_eq!(
        app.case(&erik, &id).await["summary"]["held_by"],
        "Anna Lindqvist",
        "colleagues see who holds it"
    );
    app.write("POST", &path, Some(&erik), &hold(v + 1, false))
        .await
        .problem(StatusCode::CONFLICT, "held-by-other");
    let taken = app
        .write("POST", &path, Some(&erik), &hold(v + 1, true))
        .await
        .json();
    assert_eq!(taken["summary"]["held_by"], "Erik Sjöberg");
    app.write(
        "POST",
        &format!("/api/v1/cases/{id}/release"),
        Some(&anna),
        &json!({ "version": v + 2 }),
    )
    .await
    .problem(StatusCode::CONFLICT, "not-held-by-you");
    let released = app
        .write(
            "POST",
            &format!("/api/v1/cases/{id}/release"),
            Some(&erik),
            &json!({ "version": v + 2 }),
        )
        .await
        .json();
    assert!(released["summary"]["held_by"].is_null());
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&anna))
        .await
        .json();
    let kinds: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds[kinds.len() - 3..], ["held", "taken_over", "released"]);
}

#[tokio::test]
async fn the_merchant_only_reads_platform_handled_cases() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = nordic_case(&app, &anna, "platform").await;
    for (path, body) in [
        ("messages", json!({ "version": version, "body": "hi" })),
        ("decision", json!({ "version": version, "kind": "refund" })),
    ] {
        app.write_once(
            "POST",
            &format!("/api/v1/cases/{id}/{path}"),
            &anna,
            path,
            &body,
        )
        .await
        .problem(StatusCode::CONFLICT, "transition-refused");
    }
    // Support decides it.
    let support = app.sign_in(SUPPORT_SE).await;
    let decided = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &support,
            "s1",
            &json!({ "version": version, "kind": "refund" }),
        )
        .await;
    assert_eq!(
        decided.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&decided.body)
    );
    assert_eq!(decided.json()["summary"]["status"], "resolved");
}

#[tokio::test]
async fn inbox_counts_match_the_lists() {
    let app = TestApp::seeded().await;
    for email in [MERCHANT_NORDIC, CUSTOMER_LISA, SUPPORT_NL] {
        let session = app.sign_in(email).await;
        let counts = app.get("/api/v1/inbox-counts", Some(&session)).await.json();
        for entry in counts.as_array().unwrap() {
            let inbox = entry["inbox"].as_str().unwrap();
            let total = app
                .get(&format!("/api/v1/cases?inbox={inbox}"), Some(&session))
                .await
                .json()["total"]
                .clone();
            assert_eq!(entry["count"], total, "{email} {inbox}");
        }
    }
}

/// Every case-work endpoint refuses a case outside the caller's scope as
/// "not found", and changes nothing.
#[tokio::test]
async fn nobody_works_a_case_outside_their_scope() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    // Lisa's case: Oskar, another customer, must not reach it.
    let (id, version) = app.lisas_open_case(&anna).await;
    let outsiders = [
        app.sign_in(MERCHANT_LUMO).await,
        app.sign_in(SUPPORT_NL).await,
        app.sign_in(CUSTOMER_OSKAR).await,
    ];
    let n = id_number(&id);
    let v = json!({ "version": version });
    let writes = [
        (
            "POST",
            "messages",
            json!({ "version": version, "body": "x" }),
        ),
        ("POST", "notes", json!({ "version": version, "body": "x" })),
        (
            "POST",
            "decision",
            json!({ "version": version, "kind": "refund" }),
        ),
        ("POST", "return-received", v.clone()),
        (
            "POST",
            "hold",
            json!({ "version": version, "take_over": true }),
        ),
        ("POST", "release", v.clone()),
    ];
    for outsider in &outsiders {
        for read in ["messages", "notes", "events"] {
            app.get(&format!("/api/v1/cases/{id}/{read}"), Some(outsider))
                .await
                .problem(StatusCode::NOT_FOUND, "not-found");
        }
        for (method, path, body) in &writes {
            app.write_once(
                method,
                &format!("/api/v1/cases/{id}/{path}"),
                outsider,
                &format!("{path}-{outsider}"),
                body,
            )
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
        }
        app.write(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(outsider),
            &json!({ "version": version, "free_return": true }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    }
    assert_eq!(
        app.case(&anna, &id).await["version"],
        version,
        "nothing changed"
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM outbox WHERE case_id = {n}"))
            .await,
        0
    );
}

#[tokio::test]
async fn agents_see_alerts_that_customers_do_not() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    // Lisa claims often in the demo, so her cases carry the repeat alert.
    let (id, _) = app.lisas_open_case(&anna).await;
    let alerts = app.case(&anna, &id).await["alerts"].clone();
    assert!(
        alerts
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "repeat_claimant"),
        "{alerts}"
    );
    for alert in alerts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "high_value")
    {
        assert!(
            alert["order_total_minor"].as_i64().unwrap()
                > alert["threshold_minor"].as_i64().unwrap()
        );
    }
    assert_eq!(app.case(&lisa, &id).await["alerts"], json!([]));
}

#[tokio::test]
async fn a_wish_for_a_free_exchange_is_an_alert_for_the_desk_only() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    // A Nordic Home case whose customer wished for an exchange, and one without.
    let with: (i64, String) = sqlx::query_as(
        "SELECT c.id, u.email FROM cases c JOIN merchants m ON m.id = c.merchant_id
         JOIN users u ON u.id = c.customer_id
         WHERE m.name = 'Nordic Home AB' AND c.free_exchange = 1 ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("the demo has a Nordic Home case with a free exchange wished");
    let customer = app.sign_in(&with.1).await;
    let id = format!("C-{}", with.0);
    let kinds = |case: Value| -> Vec<String> {
        case["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(kinds(app.case(&anna, &id).await).contains(&"free_exchange".to_owned()));
    assert_eq!(app.case(&customer, &id).await["alerts"], json!([]));
    let without = app
        .count(
            "SELECT c.id FROM cases c JOIN merchants m ON m.id = c.merchant_id
             WHERE m.name = 'Nordic Home AB' AND c.free_exchange = 0 ORDER BY c.id LIMIT 1",
        )
        .await;
    let without = app.case(&anna, &format!("C-{without}")).await;
    assert!(!kinds(without).contains(&"free_exchange".to_owned()));
}

#[tokio::test]
async fn held_by_me_and_the_kind_and_reason_filters_narrow_the_lists() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let before = app.case_ids(&anna, "held_by_me").await;
    let id = app
        .case_ids(&anna, "open")
        .await
        .into_iter()
        .find(|id| !before.contains(id))
        .expect("an open case Anna does not hold");
    let version = app.case(&anna, &id).await["version"].as_i64().unwrap();
    app.write(
        "POST",
        &format!("/api/v1/cases/{id}/hold"),
        Some(&anna),
        &json!({ "version": version, "take_over": true }),
    )
    .await;
    let after = app.case_ids(&anna, "held_by_me").await;
    assert!(after.contains(&id));
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    assert!(
        !app.case_ids(&erik, "held_by_me").await.contains(&id),
        "held by Anna, not Erik"
    );
    let counts = app.get("/api/v1/inbox-counts", Some(&anna)).await.json();
    let held = counts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["inbox"] == "held_by_me")
        .unwrap();
    assert_eq!(held["count"], after.len());

    let approved = app
        .get("/api/v1/cases?inbox=approved&per_page=200", Some(&anna))
        .await
        .json();
    let all = approved["items"].as_array().unwrap().len();
    for field in ["kind", "reason"] {
        let value = approved["items"][0][field].as_str().unwrap().to_owned();
        let page = app
            .get(
                &format!("/api/v1/cases?inbox=approved&{field}={value}&per_page=200"),
                Some(&anna),
            )
            .await
            .json();
        let items = page["items"].as_array().unwrap();
        assert!(
            !items.is_empty() && items.len() < all,
            "{field}={value} narrows the list"
        );
        assert!(items.iter().all(|i| i[field] == value.as_str()));
    }
    app.get("/api/v1/cases?kind=gift", Some(&anna))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
}
