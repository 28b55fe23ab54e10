//! Refunds by line, prepared decisions and their bulk send, proposals the
//! customer accepts, and the inbox filters by value and age: what users
//! notice, refusals that change nothing, and nobody reaching a case outside
//! their scope.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use common::*;
use serde_json::{json, Value};

fn id_number(id: &str) -> i64 {
    id.trim_start_matches("C-").parse().unwrap()
}

/// The part of a case a refused request must leave as it was.
async fn snapshot(app: &TestApp, id: &str) -> Value {
    let n = id_number(id);
    let row: (
        i64,
        String,
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT version, status, refunded_minor, outcome, prepared_decision, proposal_note
         FROM cases WHERE id = ?",
    )
    .bind(n)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let counts = json!([
        app.count(&format!("SELECT COUNT(*) FROM events WHERE case_id = {n}"))
            .await,
        app.count(&format!("SELECT COUNT(*) FROM outbox WHERE case_id = {n}"))
            .await,
        app.count(&format!(
            "SELECT COUNT(*) FROM messages WHERE case_id = {n}"
        ))
        .await,
    ]);
    json!([row.0, row.1, row.2, row.3, row.4, row.5, counts])
}

/// Nordic Home's open cases nothing is prepared on, newest deadline first.
async fn unprepared_open(app: &TestApp, session: &str) -> Vec<String> {
    let page = app
        .get("/api/v1/cases?inbox=open&per_page=200", Some(session))
        .await
        .ok();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["prepared"].is_null())
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn version(case: &Value) -> i64 {
    case["version"].as_i64().unwrap()
}

/// The lines the case claims: (line id, claimed quantity, unit price).
fn claimed_lines(case: &Value) -> Vec<(i64, i64, i64)> {
    case["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["claimed_quantity"].as_i64().unwrap() > 0)
        .map(|l| {
            (
                l["id"].as_i64().unwrap(),
                l["claimed_quantity"].as_i64().unwrap(),
                l["unit_price_minor"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// A line of some other order than case `id`'s.
async fn foreign_line(app: &TestApp, id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT ol.id FROM order_lines ol JOIN cases c ON c.order_id <> ol.order_id
         WHERE c.id = ? ORDER BY ol.id LIMIT 1",
    )
    .bind(id_number(id))
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// An open Nordic Home case claiming at least two lines.
async fn multi_line_case(app: &TestApp, session: &str) -> (String, Value) {
    for id in unprepared_open(app, session).await {
        let case = app.case(session, &id).await;
        if claimed_lines(&case).len() >= 2 {
            return (id, case);
        }
    }
    panic!("the demo has an open Nordic Home case claiming several lines");
}

/// The JSON data of the case's latest event of `kind`.
async fn last_event(app: &TestApp, id: &str, kind: &str) -> Value {
    let data: String = sqlx::query_scalar(
        "SELECT data FROM events WHERE case_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(id_number(id))
    .bind(kind)
    .fetch_one(&app.state.db)
    .await
    .unwrap_or_else(|e| panic!("no {kind} event on {id}: {e}"));
    serde_json::from_str(&data).unwrap()
}

fn field_error(problem: &Value) -> (String, String) {
    (
        problem["errors"][0]["field"].as_str().unwrap().to_owned(),
        problem["errors"][0]["code"].as_str().unwrap().to_owned(),
    )
}

// ---------------------------------------------------------------- per line

#[tokio::test]
async fn a_refund_by_line_pays_those_lines_and_records_them() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, case) = multi_line_case(&app, &anna).await;
    let lines = claimed_lines(&case);
    let (line_id, _, price) = lines[0];
    let n = id_number(&id);

    let decided = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "line-1",
            &json!({ "version": version(&case), "kind": "refund",
                     "lines": [{ "line_id": line_id, "quantity": 1 }] }),
        )
        .await
        .ok();
    assert_eq!(decided["summary"]["status"], "resolved");
    assert_eq!(decided["outcome"], "refund");
    assert_eq!(decided["refunded_minor"], price, "one of the first line");
    let event = last_event(&app, &id, "decision_made").await;
    assert_eq!(event["amount_minor"], price);
    assert_eq!(
        event["lines"],
        json!([{ "line_id": line_id, "quantity": 1 }])
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND template = 'decision'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn several_lines_add_up_and_a_matching_amount_is_accepted() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, case) = multi_line_case(&app, &anna).await;
    let lines = claimed_lines(&case);
    let sum: i64 = lines.iter().map(|(_, q, p)| q * p).sum();
    let body: Vec<Value> = lines
        .iter()
        .map(|(line_id, q, _)| json!({ "line_id": line_id, "quantity": q }))
        .collect();
    let decided = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "lines-all",
            &json!({ "version": version(&case), "kind": "refund", "amount_minor": sum, "lines": body }),
        )
        .await
        .ok();
    assert_eq!(decided["refunded_minor"], sum);
    assert_eq!(decided["summary"]["status"], "resolved");
}

#[tokio::test]
async fn refunds_by_line_are_refused_field_by_field_and_change_nothing() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, case) = multi_line_case(&app, &anna).await;
    let v = version(&case);
    let lines = claimed_lines(&case);
    let (first, claimed_qty, price) = lines[0];
    let foreign = foreign_line(&app, &id).await;
    let before = snapshot(&app, &id).await;
    let table = [
        (
            json!([{ "line_id": foreign, "quantity": 1 }]),
            None,
            ("lines", "unknown_line"),
        ),
        (
            json!([{ "line_id": first, "quantity": 0 }]),
            None,
            ("lines", "out_of_range"),
        ),
        (
            json!([{ "line_id": first, "quantity": claimed_qty + 1 }]),
            None,
            ("lines", "out_of_range"),
        ),
        (
            json!([{ "line_id": first, "quantity": 1 }, { "line_id": first, "quantity": 1 }]),
            None,
            ("lines", "duplicate"),
        ),
        (
            json!([{ "line_id": first, "quantity": 1 }]),
            Some(price + 1),
            ("amount_minor", "mismatch"),
        ),
    ];
    for (n, (lines, amount, (field, code))) in table.into_iter().enumerate() {
        let mut body = json!({ "version": v, "kind": "refund", "lines": lines });
        if let Some(amount) = amount {
            body["amount_minor"] = json!(amount);
        }
        let p = app
            .write_once(
                "POST",
                &format!("/api/v1/cases/{id}/decision"),
                &anna,
                &format!("bad-{n}"),
                &body,
            )
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(
            field_error(&p),
            (field.to_owned(), code.to_owned()),
            "{body}"
        );
        assert_eq!(snapshot(&app, &id).await, before, "{body} changed the case");
    }
    // Lines naming more than is left of the claim (part of it was refunded
    // before) are over the claim.
    sqlx::query("UPDATE cases SET refunded_minor = claimed_value_minor - 1 WHERE id = ?")
        .bind(id_number(&id))
        .execute(&app.state.db)
        .await
        .unwrap();
    let before = snapshot(&app, &id).await;
    let p = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "over",
            &json!({ "version": v, "kind": "refund", "lines": [{ "line_id": first, "quantity": 1 }] }),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(
        field_error(&p),
        ("lines".to_owned(), "over_claimed".to_owned())
    );
    assert_eq!(snapshot(&app, &id).await, before);
}

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

async fn prepare(app: &TestApp, session: &str, id: &str, body: Value) -> i64 {
    let v = version(&app.case(session, id).await);
    let mut body = body;
    body["version"] = json!(v);
    let case = app
        .write(
            "PUT",
            &format!("/api/v1/cases/{id}/prepared"),
            Some(session),
            &body,
        )
        .await
        .ok();
    version(&case)
}

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

// ---------------------------------------------------------------- proposals

#[tokio::test]
async fn a_proposal_parks_the_case_and_the_customer_accepts_it() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let n = id_number(&id);
    let claimed = app.case(&anna, &id).await["summary"]["claimed_value_minor"]
        .as_i64()
        .unwrap();
    let offer = claimed / 4;
    let text = "Keep the lamp and we refund a quarter of its price.";

    let proposed = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "p1",
            &json!({ "version": v, "kind": "proposal", "note": text, "amount_minor": offer }),
        )
        .await
        .ok();
    assert_eq!(proposed["summary"]["status"], "awaiting_customer");
    assert_eq!(proposed["proposal"]["note"], text);
    assert_eq!(proposed["proposal"]["amount_minor"], offer);
    assert!(proposed["outcome"].is_null(), "nothing is decided yet");
    assert_eq!(proposed["refunded_minor"], 0);
    assert_eq!(
        last_event(&app, &id, "proposal_made").await["amount_minor"],
        offer
    );
    // The customer reads it in the case and in the conversation, and by email.
    let seen = app.case(&lisa, &id).await;
    assert_eq!(seen["proposal"]["note"], text);
    assert_eq!(seen["proposal"]["amount_minor"], offer);
    assert!(seen["proposal"]["made_at"].is_string());
    let messages = app
        .get(&format!("/api/v1/cases/{id}/messages"), Some(&lisa))
        .await
        .ok();
    let last = messages.as_array().unwrap().last().unwrap();
    assert_eq!(last["body"], text);
    assert_eq!(last["author_name"], "Anna Lindqvist");
    let mail: String = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE case_id = ? AND recipient = 'lisa@kund.example' AND template = 'proposal'",
    )
    .bind(n)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(mail.contains(text) && mail.contains("Accept"), "{mail}");

    // She accepts: refunded the offer, resolved, the merchant told.
    let path = format!("/api/v1/cases/{id}/proposal/accept");
    let accepted = app
        .write_once(
            "POST",
            &path,
            &lisa,
            "accept-1",
            &json!({ "version": v + 1 }),
        )
        .await
        .ok();
    assert_eq!(accepted["summary"]["status"], "resolved");
    assert_eq!(accepted["outcome"], "proposal_accepted");
    assert_eq!(accepted["refunded_minor"], offer);
    assert!(accepted["proposal"].is_null());
    assert!(accepted["prepared"].is_null());
    assert_eq!(
        last_event(&app, &id, "proposal_accepted").await["amount_minor"],
        offer
    );
    let merchant_mails = format!(
        "SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND recipient = 'claims@nordichome.example' AND template = 'proposal_accepted'"
    );
    assert_eq!(app.count(&merchant_mails).await, 1);
    assert!(app.case_ids(&anna, "approved").await.contains(&id));

    // A retry is the first answer; nothing is paid or mailed twice.
    let again = app
        .write_once(
            "POST",
            &path,
            &lisa,
            "accept-1",
            &json!({ "version": v + 1 }),
        )
        .await
        .ok();
    assert_eq!(again, accepted);
    assert_eq!(
        app.count(&format!("SELECT refunded_minor FROM cases WHERE id = {n}"))
            .await,
        offer
    );
    assert_eq!(app.count(&merchant_mails).await, 1);
    // Accepting again (a new request) finds no proposal.
    app.write_once(
        "POST",
        &path,
        &lisa,
        "accept-2",
        &json!({ "version": v + 2 }),
    )
    .await
    .problem(StatusCode::CONFLICT, "no-proposal");
}

#[tokio::test]
async fn a_proposal_by_line_without_money_resolves_with_nothing_refunded() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let proposed = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "p1",
            &json!({ "version": v, "kind": "proposal", "note": "A 15 % voucher for your next order" }),
        )
        .await
        .ok();
    assert!(proposed["proposal"]["amount_minor"].is_null());
    let accepted = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/proposal/accept"),
            &lisa,
            "a1",
            &json!({ "version": v + 1 }),
        )
        .await
        .ok();
    assert_eq!(accepted["outcome"], "proposal_accepted");
    assert_eq!(accepted["refunded_minor"], 0);
    assert_eq!(
        accepted["decision_note"],
        "A 15 % voucher for your next order"
    );

    // By line: the offer is the lines' value.
    let (id, case) = multi_line_case(&app, &anna).await;
    let (line_id, _, price) = claimed_lines(&case)[0];
    let proposed = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "p2",
            &json!({ "version": version(&case), "kind": "proposal", "note": "We refund one of these",
                     "lines": [{ "line_id": line_id, "quantity": 1 }] }),
        )
        .await
        .ok();
    assert_eq!(proposed["proposal"]["amount_minor"], price);
    assert_eq!(
        last_event(&app, &id, "proposal_made").await["lines"],
        json!([{ "line_id": line_id, "quantity": 1 }])
    );
}

#[tokio::test]
async fn proposals_are_refused_field_by_field_and_change_nothing() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let case = app.case(&anna, &id).await;
    let claimed = case["summary"]["claimed_value_minor"].as_i64().unwrap();
    let foreign = foreign_line(&app, &id).await;
    // A line of the same order that this case does not claim, if any.
    let unclaimed = case["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["claimed_quantity"] == 0)
        .map_or(foreign, |l| l["id"].as_i64().unwrap());
    let before = snapshot(&app, &id).await;
    for (n, (body, field, code)) in [
        (json!({ "version": v, "kind": "proposal" }), "note", "required"),
        (
            json!({ "version": v, "kind": "proposal", "note": "  " }),
            "note",
            "required",
        ),
        (
            json!({ "version": v, "kind": "proposal", "note": "All back", "amount_minor": claimed + 1 }),
            "amount_minor",
            "over_claimed",
        ),
        (
            json!({ "version": v, "kind": "proposal", "note": "Less", "amount_minor": -1 }),
            "amount_minor",
            "out_of_range",
        ),
        (
            json!({ "version": v, "kind": "proposal", "note": "This one", "lines": [{ "line_id": foreign, "quantity": 1 }] }),
            "lines",
            "unknown_line",
        ),
        (
            json!({ "version": v, "kind": "proposal", "note": "That one", "lines": [{ "line_id": unclaimed, "quantity": 1 }] }),
            "lines",
            "unknown_line",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let p = app
            .write_once(
                "POST",
                &format!("/api/v1/cases/{id}/decision"),
                &anna,
                &format!("bad-{n}"),
                &body,
            )
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(field_error(&p), (field.to_owned(), code.to_owned()), "{body}");
        assert_eq!(snapshot(&app, &id).await, before, "{body}");
    }
}

#[tokio::test]
async fn only_the_cases_own_customer_accepts_and_only_an_open_proposal() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let path = format!("/api/v1/cases/{id}/proposal/accept");
    // No proposal yet.
    let before = snapshot(&app, &id).await;
    app.write_once("POST", &path, &lisa, "x0", &json!({ "version": v }))
        .await
        .problem(StatusCode::CONFLICT, "no-proposal");
    assert_eq!(snapshot(&app, &id).await, before);
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/decision"),
        &anna,
        "p1",
        &json!({ "version": v, "kind": "proposal", "note": "Half back", "amount_minor": 100 }),
    )
    .await
    .ok();
    let before = snapshot(&app, &id).await;
    // The desk cannot accept for her; nobody else can reach the case.
    for (n, session) in [
        anna.clone(),
        app.sign_in(MERCHANT_NORDIC_2).await,
        app.sign_in(SUPPORT_SE).await,
        app.sign_in(CUSTOMER_OSKAR).await,
        app.sign_in(MERCHANT_LUMO).await,
    ]
    .iter()
    .enumerate()
    {
        app.write_once(
            "POST",
            &path,
            session,
            &format!("x{n}"),
            &json!({ "version": v + 1 }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    }
    // A stale accept is a conflict.
    app.write_once("POST", &path, &lisa, "x-stale", &json!({ "version": v }))
        .await
        .problem(StatusCode::CONFLICT, "stale-version");
    assert_eq!(snapshot(&app, &id).await, before, "nothing changed");
}

#[tokio::test]
async fn a_later_decision_withdraws_the_open_proposal() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/decision"),
        &anna,
        "p1",
        &json!({ "version": v, "kind": "proposal", "note": "Half back", "amount_minor": 100 }),
    )
    .await
    .ok();
    // She asks something; the proposal stays open while they talk.
    let replied = app
        .post_message(&lisa, &id, v + 1, "m1", "Can I return it instead?")
        .await;
    assert_eq!(replied["summary"]["status"], "awaiting_merchant");
    assert_eq!(replied["proposal"]["note"], "Half back");
    // A new proposal replaces the open one.
    let replaced = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "p2",
            &json!({ "version": v + 2, "kind": "proposal", "note": "Or a voucher" }),
        )
        .await
        .ok();
    assert_eq!(replaced["proposal"]["note"], "Or a voucher");
    assert!(replaced["proposal"]["amount_minor"].is_null());
    // The desk then decides otherwise: a return label.
    let label = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "d1",
            &json!({ "version": v + 3, "kind": "return_label" }),
        )
        .await
        .ok();
    assert_eq!(label["summary"]["status"], "awaiting_return");
    assert!(label["proposal"].is_null());
    assert!(app.case(&lisa, &id).await["proposal"].is_null());
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/proposal/accept"),
        &lisa,
        "a1",
        &json!({ "version": v + 4 }),
    )
    .await
    .problem(StatusCode::CONFLICT, "no-proposal");
    assert_eq!(app.case(&anna, &id).await["refunded_minor"], 0);
}

#[tokio::test]
async fn a_prepared_proposal_is_sent_in_bulk_like_any_decision() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    let v = prepare(
        &app,
        &anna,
        &id,
        json!({ "kind": "proposal", "note": "A voucher of 100 kr", "amount_minor": 100 }),
    )
    .await;
    // Prepared is not proposed: the customer sees nothing yet.
    assert!(app.case(&lisa, &id).await["proposal"].is_null());
    let sent = app
        .write_once(
            "POST",
            "/api/v1/prepared/send",
            &anna,
            "b1",
            &json!({ "cases": [{ "id": id, "version": v }] }),
        )
        .await
        .ok();
    assert_eq!(sent["results"][0]["ok"], true);
    assert_eq!(sent["results"][0]["status"], "awaiting_customer");
    let seen = app.case(&lisa, &id).await;
    assert_eq!(seen["proposal"]["note"], "A voucher of 100 kr");
    assert_eq!(seen["proposal"]["amount_minor"], 100);
    assert!(seen["prepared"].is_null());
}

// ---------------------------------------------------------------- filters

fn created(item: &Value) -> DateTime<Utc> {
    item["created_at"].as_str().unwrap().parse().unwrap()
}

async fn items(app: &TestApp, session: &str, query: &str) -> Vec<Value> {
    let page = app
        .get(&format!("/api/v1/cases?{query}"), Some(session))
        .await
        .ok();
    let items = page["items"].as_array().unwrap().clone();
    assert_eq!(
        page["total"].as_i64().unwrap(),
        items.len() as i64,
        "{query}"
    );
    items
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn value_filters_keep_claims_within_the_bounds_inclusively() {
    let app = TestApp::seeded().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let all = items(&app, &support, "inbox=all&per_page=1000").await;
    let mut values: Vec<i64> = all
        .iter()
        .map(|i| i["claimed_value_minor"].as_i64().unwrap())
        .collect();
    values.sort();
    let (low, high) = (values[values.len() / 4], values[values.len() * 3 / 4]);
    assert!(low < high);
    let expect = |pred: &dyn Fn(i64) -> bool| -> Vec<String> {
        ids(&all
            .iter()
            .filter(|i| pred(i["claimed_value_minor"].as_i64().unwrap()))
            .cloned()
            .collect::<Vec<_>>())
    };
    let table: [(String, Vec<String>); 4] = [
        (format!("min_value={low}"), expect(&|v| v >= low)),
        (format!("max_value={high}"), expect(&|v| v <= high)),
        (
            format!("min_value={low}&max_value={high}"),
            expect(&|v| (low..=high).contains(&v)),
        ),
        (
            format!("min_value={low}&max_value={low}"),
            expect(&|v| v == low),
        ),
    ];
    for (query, expected) in table {
        let got = items(&app, &support, &format!("inbox=all&per_page=1000&{query}")).await;
        assert!(!got.is_empty(), "{query}");
        assert!(ids(&got).len() < all.len(), "{query} narrows the list");
        assert_eq!(ids(&got), expected, "{query}");
    }
    // With a kind, the value order and paging.
    let kind = all[0]["kind"].as_str().unwrap();
    let by_value = items(
        &app,
        &support,
        &format!("inbox=all&per_page=1000&kind={kind}&min_value={low}&sort=value"),
    )
    .await;
    assert!(!by_value.is_empty());
    let got: Vec<i64> = by_value
        .iter()
        .map(|i| {
            assert_eq!(i["kind"], kind);
            i["claimed_value_minor"].as_i64().unwrap()
        })
        .collect();
    assert!(got.windows(2).all(|w| w[0] >= w[1]), "highest first");
    assert!(got.iter().all(|v| *v >= low));
    let second = app
        .get(
            &format!(
                "/api/v1/cases?inbox=all&per_page=1&page=2&kind={kind}&min_value={low}&sort=value"
            ),
            Some(&support),
        )
        .await
        .ok();
    assert_eq!(second["total"], by_value.len());
    if by_value.len() > 1 {
        assert_eq!(second["items"][0]["id"], by_value[1]["id"]);
    }
}

#[tokio::test]
async fn age_filters_count_whole_days_on_the_servers_clock() {
    let app = TestApp::seeded().await;
    // An hour past the seed's clock: the demo's ages are whole days, so no
    // case sits exactly on a bound.
    let start = seed_now() + Duration::hours(1);
    app.state.set_now(start);
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    // Closed cases are 5 to 60 days old in the demo.
    let all = items(&app, &anna, "inbox=approved&per_page=1000").await;
    let now = app.state.now();
    let age = |i: &Value| now - created(i);
    let expect = |pred: &dyn Fn(Duration) -> bool| -> Vec<String> {
        ids(&all
            .iter()
            .filter(|i| pred(age(i)))
            .cloned()
            .collect::<Vec<_>>())
    };
    let d = Duration::days;
    for (query, expected) in [
        ("min_age_days=20", expect(&|a| a >= d(20))),
        ("max_age_days=20", expect(&|a| a < d(20))),
        (
            "min_age_days=10&max_age_days=30",
            expect(&|a| a >= d(10) && a < d(30)),
        ),
    ] {
        let got = items(
            &app,
            &anna,
            &format!("inbox=approved&per_page=1000&{query}"),
        )
        .await;
        assert!(
            !got.is_empty() && got.len() < all.len(),
            "{query} narrows the list"
        );
        assert_eq!(ids(&got), expected, "{query}");
    }
    assert!(items(
        &app,
        &anna,
        "inbox=approved&min_age_days=20&max_age_days=20"
    )
    .await
    .is_empty());
    // Combined with search: a customer's name.
    let name = all[0]["customer_name"].as_str().unwrap();
    let q = name.replace(' ', "+");
    let got = items(
        &app,
        &anna,
        &format!("inbox=approved&per_page=1000&q={q}&max_age_days=1000"),
    )
    .await;
    assert!(got.iter().any(|i| i["id"] == all[0]["id"]));
    assert!(got.iter().all(|i| i["customer_name"] == name));

    // Time passes: ten days later every case is ten days older.
    let young = items(&app, &anna, "inbox=approved&per_page=1000&max_age_days=15").await;
    app.state.set_now(start + d(10));
    let older = items(&app, &anna, "inbox=approved&per_page=1000&max_age_days=25").await;
    assert_eq!(ids(&older), ids(&young));
    assert!(
        items(&app, &anna, "inbox=approved&per_page=1000&max_age_days=15")
            .await
            .len()
            < young.len()
    );
}

#[tokio::test]
async fn bad_filter_values_are_field_errors() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    for (query, field) in [
        ("min_value=abc", "min_value"),
        ("max_value=1.5", "max_value"),
        ("min_value=-1", "min_value"),
        ("max_value=-100", "max_value"),
        ("min_value=500&max_value=499", "min_value"),
        ("min_age_days=1.5", "min_age_days"),
        ("max_age_days=x", "max_age_days"),
        ("min_age_days=-3", "min_age_days"),
        ("max_age_days=-1", "max_age_days"),
        ("min_age_days=10&max_age_days=5", "min_age_days"),
    ] {
        let p = app
            .get(&format!("/api/v1/cases?inbox=open&{query}"), Some(&anna))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(p["errors"][0]["field"], field, "{query}");
    }
    // Huge ages are simply "everything" or "nothing", never an error.
    let everything = items(
        &app,
        &anna,
        "inbox=open&per_page=1000&max_age_days=9223372036854775807",
    )
    .await;
    assert_eq!(everything.len(), app.case_ids(&anna, "open").await.len());
    assert!(
        items(&app, &anna, "inbox=open&min_age_days=9223372036854775807")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_new_routes_are_in_the_openapi_document() {
    let app = TestApp::seeded().await;
    let doc = app.get("/api/v1/openapi.json", None).await.ok();
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/cases/{id}/prepared", "put"),
        ("/api/v1/cases/{id}/prepared", "delete"),
        ("/api/v1/prepared/send", "post"),
        ("/api/v1/cases/{id}/proposal/accept", "post"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
    let schemas = &doc["components"]["schemas"];
    for schema in [
        "RefundLine",
        "PreparedDecision",
        "Proposal",
        "BulkSend",
        "BulkCase",
        "BulkResult",
        "BulkOutcome",
    ] {
        assert!(schemas[schema].is_object(), "{schema} missing");
    }
    let params: Vec<_> = paths["/api/v1/cases"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    for name in ["min_value", "max_value", "min_age_days", "max_age_days"] {
        assert!(params.iter().any(|p| p == name), "{name}");
    }
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
