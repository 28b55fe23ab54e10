//! Prepared decisions and their bulk send: kept unsent, checked like real
//! ones, sent each in its own transaction, dropped when the clock runs out,
//! and out of reach of other merchants.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------- prepared

#[tokio::test]
async fn a_prepared_decision_is_kept_unsent_and_listed_in_the_prepared_view() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let id = unprepared_open(&app, &anna).await.remove(0);
    let case = app.case(&anna, &id).await;
    let claimed = case["summary"]["claimed_value_minor"].as_i64().unwrap();
    let n = id_number(&id);
    assert!(!app.case_ids(&anna, "prepared").await.contains(&id));

    let note = "Refund half: the second item was fine";
    let prepared = app
        .write(
            "PUT",
            &format!("/api/v1/cases/{id}/prepared"),
            Some(&anna),
            &json!({ "version": version(&case), "kind": "refund", "amount_minor": claimed / 2, "note": note }),
        )
        .await
        .ok();
    assert_eq!(prepared["version"], version(&case) + 1);
    assert_eq!(prepared["summary"]["status"], case["summary"]["status"]);
    assert_eq!(prepared["refunded_minor"], 0, "nothing is refunded");
    assert_eq!(prepared["prepared"]["kind"], "refund");
    assert_eq!(prepared["prepared"]["amount_minor"], claimed / 2);
    assert_eq!(prepared["prepared"]["note"], note);
    assert_eq!(prepared["prepared"]["lines"], json!([]));
    assert_eq!(prepared["prepared"]["prepared_by"], "Anna Lindqvist");
    assert!(prepared["prepared"]["prepared_at"].is_string());
    assert_eq!(prepared["summary"]["prepared"], "refund");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM outbox WHERE case_id = {n}"))
            .await,
        0,
        "nobody is told"
    );
    assert_eq!(
        last_event(&app, &id, "decision_prepared").await["amount_minor"],
        claimed / 2
    );

    // A colleague sees it in the Prepared view, marked with its kind.
    let view = app
        .get("/api/v1/cases?inbox=prepared&per_page=200", Some(&erik))
        .await
        .ok();
    let row = view["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .expect("listed in Prepared");
    assert_eq!(row["prepared"], "refund");
    assert!(view["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| !i["prepared"].is_null()));
    let counts = app.get("/api/v1/inbox-counts", Some(&erik)).await.ok();
    let count = counts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["inbox"] == "prepared")
        .unwrap();
    assert_eq!(count["count"], view["total"]);
    // It is still in Open, too: Prepared is a view.
    assert!(app.case_ids(&anna, "open").await.contains(&id));
}

#[tokio::test]
async fn the_customer_never_sees_what_the_desk_prepared() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let secret = "Internal: repeat claimant, refund anyway";
    app.write(
        "PUT",
        &format!("/api/v1/cases/{id}/prepared"),
        Some(&anna),
        &json!({ "version": v, "kind": "reject", "note": secret }),
    )
    .await
    .ok();
    let seen = app.case(&lisa, &id).await;
    assert!(seen["prepared"].is_null());
    assert!(seen["summary"]["prepared"].is_null());
    let mine = app
        .get("/api/v1/cases?inbox=mine&per_page=200", Some(&lisa))
        .await
        .ok();
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["prepared"].is_null()));
    for path in [
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{id}/messages"),
        "/api/v1/cases?inbox=mine&per_page=200".to_owned(),
    ] {
        let body = String::from_utf8(app.get(&path, Some(&lisa)).await.body).unwrap();
        assert!(!body.contains(secret), "{path} leaks the prepared note");
    }
    // Nor may she ask for the Prepared view.
    let p = app
        .get("/api/v1/cases?inbox=prepared", Some(&lisa))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "inbox");
}

#[tokio::test]
async fn preparing_is_checked_like_deciding_and_a_refusal_changes_nothing() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let id = unprepared_open(&app, &anna).await.remove(0);
    let case = app.case(&anna, &id).await;
    let v = version(&case);
    let claimed = case["summary"]["claimed_value_minor"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/prepared");
    let foreign = foreign_line(&app, &id).await;
    let before = snapshot(&app, &id).await;
    for (body, field, code) in [
        (
            json!({ "version": v, "kind": "refund", "amount_minor": claimed + 1 }),
            "amount_minor",
            "over_claimed",
        ),
        (
            json!({ "version": v, "kind": "reject" }),
            "note",
            "required",
        ),
        (
            json!({ "version": v, "kind": "proposal" }),
            "note",
            "required",
        ),
        (
            json!({ "version": v, "kind": "refund", "lines": [{ "line_id": foreign, "quantity": 1 }] }),
            "lines",
            "unknown_line",
        ),
        (json!({ "version": v, "kind": "gift" }), "kind", "invalid"),
    ] {
        let p = app
            .write("PUT", &path, Some(&anna), &body)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(
            field_error(&p),
            (field.to_owned(), code.to_owned()),
            "{body}"
        );
        assert_eq!(snapshot(&app, &id).await, before, "{body}");
    }
    // A stale version is a conflict.
    app.write(
        "PUT",
        &path,
        Some(&anna),
        &json!({ "version": v - 1, "kind": "replacement" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "stale-version");
    assert_eq!(snapshot(&app, &id).await, before);

    // A closed case takes no decision, so none can be prepared on it.
    let closed = app.case_ids(&anna, "approved").await.remove(0);
    let cv = version(&app.case(&anna, &closed).await);
    let closed_before = snapshot(&app, &closed).await;
    app.write(
        "PUT",
        &format!("/api/v1/cases/{closed}/prepared"),
        Some(&anna),
        &json!({ "version": cv, "kind": "replacement" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "transition-refused");
    // Nor one the platform handles, for the merchant.
    let platform = app.case_ids(&anna, "platform").await.remove(0);
    let pv = version(&app.case(&anna, &platform).await);
    let platform_before = snapshot(&app, &platform).await;
    app.write(
        "PUT",
        &format!("/api/v1/cases/{platform}/prepared"),
        Some(&anna),
        &json!({ "version": pv, "kind": "replacement" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "transition-refused");
    assert_eq!(snapshot(&app, &closed).await, closed_before);
    assert_eq!(snapshot(&app, &platform).await, platform_before);
}

#[tokio::test]
async fn a_prepared_decision_can_be_replaced_and_discarded() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let id = unprepared_open(&app, &anna).await.remove(0);
    let v = version(&app.case(&anna, &id).await);
    let path = format!("/api/v1/cases/{id}/prepared");
    // Nothing to discard yet.
    app.write("DELETE", &path, Some(&anna), &json!({ "version": v }))
        .await
        .problem(StatusCode::CONFLICT, "no-prepared-decision");
    app.write(
        "PUT",
        &path,
        Some(&anna),
        &json!({ "version": v, "kind": "replacement" }),
    )
    .await
    .ok();
    let replaced = app
        .write(
            "PUT",
            &path,
            Some(&anna),
            &json!({ "version": v + 1, "kind": "return_label", "note": "Use the box it came in" }),
        )
        .await
        .ok();
    assert_eq!(replaced["prepared"]["kind"], "return_label");
    assert_eq!(replaced["summary"]["prepared"], "return_label");
    let discarded = app
        .write("DELETE", &path, Some(&anna), &json!({ "version": v + 2 }))
        .await
        .ok();
    assert!(discarded["prepared"].is_null());
    assert!(discarded["summary"]["prepared"].is_null());
    assert_eq!(discarded["version"], v + 3);
    assert!(!app.case_ids(&anna, "prepared").await.contains(&id));
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&anna))
        .await
        .ok();
    let kinds: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds[kinds.len() - 3..],
        [
            "decision_prepared",
            "decision_prepared",
            "prepared_discarded"
        ]
    );
    // A stale discard is a conflict and discards nothing.
    app.write(
        "PUT",
        &path,
        Some(&anna),
        &json!({ "version": v + 3, "kind": "replacement" }),
    )
    .await
    .ok();
    app.write("DELETE", &path, Some(&anna), &json!({ "version": v + 3 }))
        .await
        .problem(StatusCode::CONFLICT, "stale-version");
    assert_eq!(
        app.case(&anna, &id).await["prepared"]["kind"],
        "replacement"
    );
}

#[tokio::test]
async fn sending_a_decision_clears_the_prepared_one() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let id = unprepared_open(&app, &anna).await.remove(0);
    let v = version(&app.case(&anna, &id).await);
    app.write(
        "PUT",
        &format!("/api/v1/cases/{id}/prepared"),
        Some(&anna),
        &json!({ "version": v, "kind": "replacement" }),
    )
    .await
    .ok();
    // The agent decides otherwise: a return label (the case stays open).
    let decided = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "label",
            &json!({ "version": v + 1, "kind": "return_label" }),
        )
        .await
        .ok();
    assert_eq!(decided["summary"]["status"], "awaiting_return");
    assert!(decided["prepared"].is_null());
    assert!(!app.case_ids(&anna, "prepared").await.contains(&id));
}

#[tokio::test]
async fn the_seeded_demo_has_prepared_nordic_home_cases() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let view = app
        .get("/api/v1/cases?inbox=prepared&per_page=200", Some(&anna))
        .await
        .ok();
    let items = view["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{view}");
    for item in items {
        assert_eq!(item["merchant_name"], "Nordic Home AB");
        let case = app.case(&anna, item["id"].as_str().unwrap()).await;
        assert_eq!(case["prepared"]["kind"], item["prepared"]);
        assert!(case["prepared"]["prepared_by"]
            .as_str()
            .is_some_and(|n| !n.is_empty()));
    }
    // Other merchants have none of Nordic Home's.
    let sara = app.sign_in(MERCHANT_LUMO).await;
    assert!(app.case_ids(&sara, "prepared").await.is_empty());
}

#[tokio::test]
async fn the_prepared_view_searches_filters_and_pages() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let all = app
        .get("/api/v1/cases?inbox=prepared&per_page=200", Some(&anna))
        .await
        .ok();
    let items = all["items"].as_array().unwrap().clone();
    let total = all["total"].as_i64().unwrap();
    assert!(total >= 2);
    // Paging: one per page, newest first, the pages cover the view.
    let mut paged = Vec::new();
    for page in 1..=total {
        let one = app
            .get(
                &format!("/api/v1/cases?inbox=prepared&per_page=1&page={page}"),
                Some(&anna),
            )
            .await
            .ok();
        assert_eq!(one["total"], total);
        paged.push(one["items"][0]["id"].clone());
    }
    let ids: Vec<_> = items.iter().map(|i| i["id"].clone()).collect();
    assert_eq!(paged, ids);
    // Search by the case's order number finds just that case.
    let order = items[0]["order_number"].as_str().unwrap();
    let found = app
        .get(
            &format!("/api/v1/cases?inbox=prepared&q={order}"),
            Some(&anna),
        )
        .await
        .ok();
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], items[0]["id"]);
    // Kind and value filters narrow it.
    let kind = items[0]["kind"].as_str().unwrap();
    let by_kind = app
        .get(
            &format!("/api/v1/cases?inbox=prepared&kind={kind}&per_page=200"),
            Some(&anna),
        )
        .await
        .ok();
    assert_eq!(
        by_kind["total"].as_i64().unwrap(),
        items.iter().filter(|i| i["kind"] == kind).count() as i64
    );
    let value = items[0]["claimed_value_minor"].as_i64().unwrap();
    let by_value = app
        .get(
            &format!(
                "/api/v1/cases?inbox=prepared&min_value={value}&max_value={value}&per_page=200"
            ),
            Some(&anna),
        )
        .await
        .ok();
    assert!(by_value["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["claimed_value_minor"] == value));
    assert!(by_value["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == items[0]["id"]));
}

// ---------------------------------------------------------------- bulk send

/// Refunded, emails and events of two cases together.
async fn sent_totals(app: &TestApp, a: &str, b: &str) -> [i64; 3] {
    let (a, b) = (id_number(a), id_number(b));
    [
        app.count(&format!(
            "SELECT SUM(refunded_minor) FROM cases WHERE id IN ({a}, {b})"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE case_id IN ({a}, {b})"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM events WHERE case_id IN ({a}, {b})"
        ))
        .await,
    ]
}

#[tokio::test]
async fn a_bulk_send_sends_each_prepared_decision_on_its_own() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let open = unprepared_open(&app, &anna).await;
    let (refund, reject, nothing, stale) = (&open[0], &open[1], &open[2], &open[3]);
    let refund_v = prepare(&app, &anna, refund, json!({ "kind": "refund" })).await;
    let reject_v = prepare(
        &app,
        &anna,
        reject,
        json!({ "kind": "reject", "note": "Outside the return window" }),
    )
    .await;
    let nothing_v = version(&app.case(&anna, nothing).await);
    let stale_v = prepare(&app, &anna, stale, json!({ "kind": "replacement" })).await;
    // Lumo's case: not Anna's to send.
    let lumo = app.case_ids(&sara, "open").await.remove(0);
    let lumo_v = version(&app.case(&sara, &lumo).await);
    let lumo_before = snapshot(&app, &lumo).await;
    let nothing_before = snapshot(&app, nothing).await;
    let stale_before = snapshot(&app, stale).await;
    let claimed = app.case(&anna, refund).await["summary"]["claimed_value_minor"]
        .as_i64()
        .unwrap();

    let body = json!({ "cases": [
        { "id": refund, "version": refund_v },
        { "id": nothing, "version": nothing_v },
        { "id": lumo, "version": lumo_v },
        { "id": stale, "version": stale_v - 1 },
        { "id": reject, "version": reject_v },
    ]});
    let first = app
        .write_once("POST", "/api/v1/prepared/send", &anna, "bulk-1", &body)
        .await
        .ok();
    let results = first["results"].as_array().unwrap();
    let ids: Vec<_> = results.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(
        ids,
        [refund, nothing, &lumo, stale, reject].map(|s| json!(s)),
        "in request order"
    );
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[0]["status"], "resolved");
    assert!(results[0]["problem"].is_null());
    assert_eq!(results[1]["ok"], false);
    assert!(results[1]["status"].is_null());
    assert_eq!(results[1]["problem"]["status"], 409);
    assert!(results[1]["problem"]["type"]
        .as_str()
        .unwrap()
        .ends_with("no-prepared-decision"));
    assert_eq!(results[2]["ok"], false);
    assert_eq!(results[2]["problem"]["status"], 404);
    assert_eq!(
        results[2]["problem"]["type"],
        "urn:claimdesk:problem:not-found"
    );
    assert_eq!(results[3]["ok"], false);
    assert_eq!(
        results[3]["problem"]["type"],
        "urn:claimdesk:problem:stale-version"
    );
    assert_eq!(results[4]["ok"], true);
    assert_eq!(results[4]["status"], "rejected");

    // What was sent is exactly what a single decision does.
    let sent = app.case(&anna, refund).await;
    assert_eq!(sent["refunded_minor"], claimed);
    assert_eq!(sent["outcome"], "refund");
    assert!(sent["prepared"].is_null());
    let rejected = app.case(&anna, reject).await;
    assert_eq!(rejected["decision_note"], "Outside the return window");
    assert!(rejected["prepared"].is_null());
    assert_eq!(
        last_event(&app, refund, "decision_made").await["prepared"],
        true
    );
    // The refused ones did not change, and the stale one keeps its draft.
    assert_eq!(snapshot(&app, nothing).await, nothing_before);
    assert_eq!(snapshot(&app, stale).await, stale_before);
    assert_eq!(snapshot(&app, &lumo).await, lumo_before);
    assert_eq!(
        app.case(&anna, stale).await["prepared"]["kind"],
        "replacement"
    );

    // A retry gets the first answer and sends nothing twice.
    let after_first = sent_totals(&app, refund, reject).await;
    assert_eq!(after_first[1], 2, "one email per sent decision");
    let again = app
        .write_once("POST", "/api/v1/prepared/send", &anna, "bulk-1", &body)
        .await
        .ok();
    assert_eq!(again, first);
    assert_eq!(sent_totals(&app, refund, reject).await, after_first);
    // The same key for another list is refused.
    app.write_once(
        "POST",
        "/api/v1/prepared/send",
        &anna,
        "bulk-1",
        &json!({ "cases": [{ "id": stale, "version": stale_v }] }),
    )
    .await
    .problem(StatusCode::CONFLICT, "idempotency-key-reused");
}

#[tokio::test]
async fn a_bulk_send_takes_one_to_two_hundred_distinct_cases_from_the_desk_only() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let prepared = app.case_ids(&anna, "prepared").await;
    let before: Vec<Value> = {
        let mut v = Vec::new();
        for id in &prepared {
            v.push(snapshot(&app, id).await);
        }
        v
    };
    let many: Vec<Value> = (0..201)
        .map(|n| json!({ "id": format!("C-{}", 10_001 + n), "version": 1 }))
        .collect();
    let first = &prepared[0];
    for (n, body) in [
        json!({ "cases": [] }),
        json!({ "cases": many }),
        json!({ "cases": [{ "id": first, "version": 1 }, { "id": first, "version": 1 }] }),
        json!({}),
    ]
    .iter()
    .enumerate()
    {
        let p = app
            .write_once(
                "POST",
                "/api/v1/prepared/send",
                &anna,
                &format!("bad-{n}"),
                body,
            )
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(p["errors"][0]["field"], "cases", "{body}");
    }
    // Without a key; and from a customer, who has no such route.
    let ok_body = json!({ "cases": [{ "id": first, "version": 1 }] });
    let p = app
        .write("POST", "/api/v1/prepared/send", Some(&anna), &ok_body)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
    app.write_once("POST", "/api/v1/prepared/send", &lisa, "c-1", &ok_body)
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    for (id, was) in prepared.iter().zip(before) {
        assert_eq!(snapshot(&app, id).await, was);
    }
}

#[tokio::test]
async fn outsiders_cannot_prepare_discard_or_send_a_case_of_another_merchant() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let id = app.case_ids(&anna, "prepared").await.remove(0);
    let v = version(&app.case(&anna, &id).await);
    let before = snapshot(&app, &id).await;
    let outsiders = [
        app.sign_in(MERCHANT_LUMO).await,
        app.sign_in(SUPPORT_NL).await,
        app.sign_in(CUSTOMER_OSKAR).await,
    ];
    for outsider in &outsiders {
        app.write(
            "PUT",
            &format!("/api/v1/cases/{id}/prepared"),
            Some(outsider),
            &json!({ "version": v, "kind": "replacement" }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
        app.write(
            "DELETE",
            &format!("/api/v1/cases/{id}/prepared"),
            Some(outsider),
            &json!({ "version": v }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
        let reply = app
            .write_once(
                "POST",
                "/api/v1/prepared/send",
                outsider,
                "send-other",
                &json!({ "cases": [{ "id": id, "version": v }] }),
            )
            .await;
        if reply.status == StatusCode::OK {
            let result = &reply.json()["results"][0];
            assert_eq!(result["ok"], false);
            assert_eq!(result["problem"]["status"], 404);
        } else {
            reply.problem(StatusCode::NOT_FOUND, "not-found");
        }
        app.write_once(
            "POST",
            &format!("/api/v1/cases/{id}/proposal/accept"),
            outsider,
            "accept-other",
            &json!({ "version": v }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    }
    assert_eq!(snapshot(&app, &id).await, before, "nothing changed");
    assert!(!app.case(&anna, &id).await["prepared"].is_null());
}

#[tokio::test]
async fn when_the_clock_runs_out_prepared_decisions_on_those_cases_are_dropped() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    // The seeded drafts are on open cases whose clock runs; one more on a
    // parked case, whose clock is paused.
    let running = app.case_ids(&anna, "prepared").await;
    let parked = app.case_ids(&anna, "parked").await.remove(0);
    prepare(&app, &anna, &parked, json!({ "kind": "replacement" })).await;

    let acted =
        claimdesk_server::sweeps::act_on_breaches(&app.state, seed_now() + Duration::days(30))
            .await
            .unwrap();
    for id in &running {
        assert!(
            acted.iter().any(|(c, _)| c.to_string() == *id),
            "{id} ran out"
        );
        let case = app.case(&anna, id).await;
        assert!(
            case["prepared"].is_null(),
            "{id}: {}",
            case["summary"]["status"]
        );
        assert!(case["summary"]["prepared"].is_null());
    }
    assert_eq!(
        app.case_ids(&anna, "prepared").await,
        std::slice::from_ref(&parked)
    );
    assert_eq!(
        app.case(&anna, &parked).await["prepared"]["kind"],
        "replacement"
    );
}
