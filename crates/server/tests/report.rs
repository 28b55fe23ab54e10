//! The customer's side of a new case: their orders with what is left to
//! claim (`GET /orders`), and reporting a problem (`POST /cases`) with
//! everything a new case brings: the desk's inbox and clock, the event, the
//! emails, the blocked payout, the live update; and the refusals, each
//! field-level and changing nothing.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image";
/// Long enough for an event that is coming, on a loaded machine.
const ARRIVES: Duration = Duration::from_secs(5);
/// How long a stream is watched to show that nothing arrives.
const QUIET: Duration = Duration::from_millis(300);

fn id_number(id: &str) -> i64 {
    id.trim_start_matches("C-").parse().unwrap()
}

async fn upload(app: &TestApp, session: &str, filename: &str) -> i64 {
    let reply = app.upload(session, filename, PNG).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    reply.json()["id"].as_i64().unwrap()
}

/// `session`'s orders.
async fn orders(app: &TestApp, session: &str) -> Vec<Value> {
    app.get("/api/v1/orders", Some(session))
        .await
        .ok()
        .as_array()
        .unwrap()
        .clone()
}

/// Lisa's newest Nordic Home order with a legacy number and a line left to
/// claim, and that line.
async fn reportable(app: &TestApp, lisa: &str) -> (Value, Value) {
    let order = orders(app, lisa)
        .await
        .into_iter()
        .find(|o| {
            o["merchant_name"] == "Nordic Home AB"
                && o["legacy_number"].is_string()
                && o["lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["claimable_quantity"].as_i64().unwrap() > 0)
        })
        .expect("the demo has such an order");
    let line = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["claimable_quantity"].as_i64().unwrap() > 0)
        .unwrap()
        .clone();
    (order, line)
}

/// What a request may have written, to show a refusal wrote none of it.
async fn footprint(app: &TestApp) -> [i64; 7] {
    let mut counts = [0; 7];
    for (slot, table) in counts.iter_mut().zip([
        "cases",
        "case_lines",
        "case_photos",
        "events",
        "outbox",
        "idempotency_keys",
        "case_search",
    ]) {
        *slot = app.count(&format!("SELECT COUNT(*) FROM {table}")).await;
    }
    counts
}

#[tokio::test]
async fn a_customers_orders_show_what_is_left_to_claim() {
    let app = TestApp::at_seed_time().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let list = orders(&app, &lisa).await;
    let mine = app
        .count(&format!("SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.customer_id WHERE u.email = '{CUSTOMER_LISA}'"))
        .await;
    assert_eq!(list.len() as i64, mine, "every order of hers");
    // Newest first.
    let placed: Vec<&str> = list
        .iter()
        .map(|o| o["placed_at"].as_str().unwrap())
        .collect();
    let mut sorted = placed.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(placed, sorted);

    let (mut reduced, mut untouched) = (0, 0);
    for order in &list {
        assert!(order["number"].as_str().unwrap().starts_with("FM-"));
        assert!(order["merchant_name"].is_string());
        assert_eq!(order["currency"], "SEK");
        let lines = order["lines"].as_array().unwrap();
        assert!(!lines.is_empty());
        for line in lines {
            let id = line["id"].as_i64().unwrap();
            let quantity = line["quantity"].as_i64().unwrap();
            let claimed = app
                .count(&format!(
                    "SELECT COALESCE(SUM(quantity), 0) FROM case_lines WHERE order_line_id = {id}"
                ))
                .await;
            let left = line["claimable_quantity"].as_i64().unwrap();
            assert_eq!(left, quantity - claimed, "line {id}");
            if claimed > 0 {
                reduced += 1;
            } else {
                untouched += 1;
            }
            assert!(line["image_url"]
                .as_str()
                .unwrap()
                .starts_with("/api/v1/files/"));
            assert!(line["unit_price_minor"].as_i64().unwrap() > 0);
            assert!(line["sku"].is_string() && line["title"].is_string());
        }
    }
    assert!(
        reduced > 0 && untouched > 0,
        "claimed lines are reduced, others are whole"
    );
    // Both order numbers where the order has two.
    assert!(list.iter().any(|o| o["legacy_number"].is_string()));
    assert!(list.iter().any(|o| o["legacy_number"].is_null()));

    // Another customer's list has none of hers.
    let oskar = app.sign_in(CUSTOMER_OSKAR).await;
    let ids: Vec<&Value> = list.iter().map(|o| &o["id"]).collect();
    for order in orders(&app, &oskar).await {
        assert!(!ids.contains(&&order["id"]));
    }
    // Merchants have no such list; support searches (tests/on_behalf.rs).
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    app.get("/api/v1/orders", Some(&anna))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    let support = app.sign_in(SUPPORT_SE).await;
    app.get("/api/v1/orders", Some(&support))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    app.get("/api/v1/orders", None)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn the_openapi_document_describes_reporting() {
    let app = TestApp::at_seed_time().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    assert!(doc["paths"]["/api/v1/orders"]["get"].is_object());
    let create = &doc["paths"]["/api/v1/cases"]["post"];
    assert!(create["responses"]["201"].is_object());
    assert!(doc["paths"]["/api/v1/cases"]["get"].is_object());
    for schema in ["CustomerOrder", "CustomerOrderLine", "NewCase"] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
}

#[tokio::test]
async fn a_customer_reports_a_problem_and_the_merchant_has_it() {
    let app = TestApp::at_seed_time().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (order, line) = reportable(&app, &lisa).await;
    let order_id = order["id"].as_i64().unwrap();
    let line_id = line["id"].as_i64().unwrap();
    let quantity = line["claimable_quantity"].as_i64().unwrap();
    let price = line["unit_price_minor"].as_i64().unwrap();
    let number = order["number"].as_str().unwrap();
    let legacy = order["legacy_number"].as_str().unwrap();
    let photo = upload(&app, &lisa, "crack.png").await;
    let cases_before = app.count("SELECT COUNT(*) FROM cases").await;

    let body = json!({
        "order_id": order_id,
        "kind": "complaint",
        "reason": "damaged",
        "description": "  The lamp arrived cracked.  ",
        "lines": [{ "line_id": line_id, "quantity": quantity }],
        "attachment_ids": [photo],
        "free_exchange": true,
    });
    let reply = app
        .write_once("POST", "/api/v1/cases", &lisa, "report-1", &body)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let detail = reply.json();
    let id = detail["summary"]["id"].as_str().unwrap().to_owned();
    let n = id_number(&id);
    assert!(n > 10_001);
    assert_eq!(detail["summary"]["status"], "submitted");
    assert_eq!(detail["summary"]["handler"], "merchant");
    assert_eq!(detail["summary"]["kind"], "complaint");
    assert_eq!(detail["summary"]["reason"], "damaged");
    assert_eq!(detail["summary"]["claimed_value_minor"], quantity * price);
    assert_eq!(detail["summary"]["order_number"], number);
    assert_eq!(detail["summary"]["legacy_order_number"], legacy);
    assert_eq!(detail["description"], "The lamp arrived cracked.");
    assert_eq!(detail["version"], 1);
    assert_eq!(detail["photos"][0]["id"], photo);
    assert_eq!(detail["order"]["payout"], "blocked");
    let claimed = detail["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == line_id)
        .unwrap();
    assert_eq!(claimed["claimed_quantity"], quantity);
    // The customer's view: no clock, no alerts (they are the desk's).
    assert!(detail["deadline"].is_null());
    assert!(detail["summary"]["due_at"].is_null());
    assert_eq!(detail["alerts"], json!([]));

    // In the merchant's Open inbox, with its due date; the agent sees the
    // first response's clock and the wish for an exchange.
    let open = app
        .get("/api/v1/cases?inbox=open&per_page=1000", Some(&anna))
        .await
        .ok();
    let item = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .expect("the new case is in the Open inbox");
    let due_at = item["due_at"].as_str().expect("its clock runs");
    assert!(item["on_breach"].is_object());
    let desk = app.case(&anna, &id).await;
    assert_eq!(desk["deadline"]["response"], "first");
    assert_eq!(desk["deadline"]["due_at"], due_at);
    assert_eq!(
        desk["deadline"]["started_at"],
        detail["summary"]["created_at"]
    );
    assert!(desk["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["kind"] == "free_exchange"));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE id = {n} AND due_at IS NOT NULL AND clock_response = 'first'"
        ))
        .await,
        1,
        "the clock is stored like every open case's"
    );
    // Found by either order number.
    for q in [number, legacy] {
        assert!(app
            .case_ids(&anna, &format!("open&q={q}"))
            .await
            .contains(&id));
    }
    // In the customer's own inbox.
    assert!(app.case_ids(&lisa, "mine").await.contains(&id));
    // The other merchant does not see it.
    let sara = app.sign_in(MERCHANT_LUMO).await;
    app.get(&format!("/api/v1/cases/{id}"), Some(&sara))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");

    // Its event.
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&anna))
        .await
        .ok();
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["kind"], "case_created");
    assert_eq!(events[0]["actor_name"], "Lisa Andersson");

    // The emails: the merchant's names kind, case id and both order numbers
    // (in Swedish, its marketplace's language, as the app names them).
    let (subject, text): (String, String) = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE case_id = ? AND recipient = 'claims@nordichome.example'",
    )
    .bind(n)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let email = format!("{subject}\n{text}");
    for needle in [id.as_str(), "reklamation", number, legacy, "Skadad"] {
        assert!(email.contains(needle), "{needle} in {email}");
    }
    let confirmation = app
        .count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND recipient = '{CUSTOMER_LISA}'"
        ))
        .await;
    assert_eq!(confirmation, 1);

    // The order's payout is blocked; what is left to claim went down.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {order_id} AND payout = 'blocked'"
        ))
        .await,
        1
    );
    let after = orders(&app, &lisa).await;
    let after_line = after.iter().find(|o| o["id"] == order_id).unwrap()["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == line_id)
        .unwrap()
        .clone();
    assert_eq!(after_line["claimable_quantity"], 0);

    // A retry gets the first answer and creates nothing twice.
    let again = app
        .write_once("POST", "/api/v1/cases", &lisa, "report-1", &body)
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json(), detail);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases").await,
        cases_before + 1
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM outbox WHERE case_id = {n}"))
            .await,
        2
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM events WHERE case_id = {n}"))
            .await,
        1
    );
    // The same key for another report is refused.
    let mut other = body.clone();
    other["description"] = json!("Something else");
    app.write_once("POST", "/api/v1/cases", &lisa, "report-1", &other)
        .await
        .problem(StatusCode::CONFLICT, "idempotency-key-reused");
}

#[tokio::test]
async fn concurrent_retries_create_one_case() {
    let app = TestApp::at_seed_time().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (order, line) = reportable(&app, &lisa).await;
    let body = json!({
        "order_id": order["id"],
        "kind": "complaint",
        "reason": "defective",
        "description": "It does not switch on.",
        "lines": [{ "line_id": line["id"], "quantity": 1 }],
    });
    let before = app.count("SELECT COUNT(*) FROM cases").await;
    let (a, b, c) = tokio::join!(
        app.write_once("POST", "/api/v1/cases", &lisa, "twice", &body),
        app.write_once("POST", "/api/v1/cases", &lisa, "twice", &body),
        app.write_once("POST", "/api/v1/cases", &lisa, "twice", &body),
    );
    for reply in [&a, &b, &c] {
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.json()["summary"]["id"], a.json()["summary"]["id"]);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, before + 1);
    let n = id_number(a.json()["summary"]["id"].as_str().unwrap());
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM outbox WHERE case_id = {n}"))
            .await,
        2
    );
}

#[tokio::test]
async fn a_reason_the_marketplace_keeps_goes_to_the_platform() {
    let app = TestApp::at_seed_time().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let support = app.sign_in(SUPPORT_SE).await;
    let (order, line) = reportable(&app, &lisa).await;
    let detail = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &lisa,
            "invoice",
            &json!({
                "order_id": order["id"],
                "kind": "complaint",
                "reason": "invoice_incorrect",
                "description": "I was charged twice.",
                "lines": [{ "line_id": line["id"], "quantity": 1 }],
            }),
        )
        .await;
    assert_eq!(detail.status, StatusCode::CREATED);
    let detail = detail.json();
    let id = detail["summary"]["id"].as_str().unwrap().to_owned();
    let n = id_number(&id);
    assert_eq!(detail["summary"]["status"], "platform_review");
    assert_eq!(detail["summary"]["handler"], "platform");
    assert_eq!(detail["order"]["payout"], "blocked");
    assert!(app
        .case_ids(&support, "platform_review")
        .await
        .contains(&id));
    assert!(app.case_ids(&anna, "platform").await.contains(&id));
    assert!(!app.case_ids(&anna, "open").await.contains(&id));
    // The merchant's clock does not run on the platform's case: paused
    // from the start, as on every case in the platform's review.
    assert!(app.case(&anna, &id).await["deadline"]["due_at"].is_null());
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE id = {n} AND due_at IS NULL"
        ))
        .await,
        1
    );
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM events WHERE case_id = ? ORDER BY id")
            .bind(n)
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(kinds, ["case_created", "status_changed"]);
    // The merchant is still told of a case on its order.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND recipient = 'claims@nordichome.example'"
        ))
        .await,
        1
    );
}

/// What a refusal names: `None` for "not found", else (field, code).
type Expected = Option<(&'static str, &'static str)>;

#[tokio::test]
async fn refusals_name_their_field_and_change_nothing() {
    let app = TestApp::at_seed_time().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let oskar = app.sign_in(CUSTOMER_OSKAR).await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (order, line) = reportable(&app, &lisa).await;
    let order_id = order["id"].as_i64().unwrap();
    let line_id = line["id"].as_i64().unwrap();
    let left = line["claimable_quantity"].as_i64().unwrap();
    // A line of another of her orders, and a line claimed in full already.
    let others = orders(&app, &lisa).await;
    let foreign_line = others.iter().find(|o| o["id"] != order_id).unwrap()["lines"][0]["id"]
        .as_i64()
        .unwrap();
    let (full_order, full_line) = others
        .iter()
        .find_map(|o| {
            o["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["claimable_quantity"] == 0)
                .map(|l| (o["id"].as_i64().unwrap(), l["id"].as_i64().unwrap()))
        })
        .expect("a line claimed in full");
    let oskars_order = orders(&app, &oskar).await[0]["id"].as_i64().unwrap();
    let oskars_photo = upload(&app, &oskar, "his.png").await;
    let lisas_photo = upload(&app, &lisa, "mine.png").await;
    let attached: i64 = app
        .count("SELECT MIN(attachment_id) FROM case_photos")
        .await;
    let valid = json!({
        "order_id": order_id,
        "kind": "complaint",
        "reason": "damaged",
        "description": "Broken on arrival.",
        "lines": [{ "line_id": line_id, "quantity": 1 }],
        "attachment_ids": [lisas_photo],
    });
    let with = |patch: Value| {
        let mut body = valid.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let table: Vec<(&str, Value, Expected)> = vec![
        (
            "another customer's order",
            with(json!({ "order_id": oskars_order })),
            None,
        ),
        (
            "an order that does not exist",
            with(json!({ "order_id": 999_999 })),
            None,
        ),
        (
            "a reason of another kind",
            with(json!({ "kind": "complaint", "reason": "changed_mind" })),
            Some(("reason", "not_allowed_for_kind")),
        ),
        (
            "a missing reason for a regret",
            with(json!({ "kind": "regret", "reason": "missing_items" })),
            Some(("reason", "not_allowed_for_kind")),
        ),
        (
            "an empty description",
            with(json!({ "description": "   " })),
            Some(("description", "required")),
        ),
        (
            "a description too long",
            with(json!({ "description": "x".repeat(2001) })),
            Some(("description", "too_long")),
        ),
        (
            "no lines",
            with(json!({ "lines": [] })),
            Some(("lines", "required")),
        ),
        (
            "a line of another order",
            with(json!({ "lines": [{ "line_id": foreign_line, "quantity": 1 }] })),
            Some(("lines", "unknown_line")),
        ),
        (
            "more than is left",
            with(json!({ "lines": [{ "line_id": line_id, "quantity": left + 1 }] })),
            Some(("lines", "out_of_range")),
        ),
        (
            "none of it",
            with(json!({ "lines": [{ "line_id": line_id, "quantity": 0 }] })),
            Some(("lines", "out_of_range")),
        ),
        (
            "a line claimed in full already",
            with(
                json!({ "order_id": full_order, "lines": [{ "line_id": full_line, "quantity": 1 }] }),
            ),
            Some(("lines", "out_of_range")),
        ),
        (
            "a line twice",
            with(
                json!({ "lines": [{ "line_id": line_id, "quantity": 1 }, { "line_id": line_id, "quantity": 1 }] }),
            ),
            Some(("lines", "duplicate")),
        ),
        (
            "someone else's upload",
            with(json!({ "attachment_ids": [oskars_photo] })),
            Some(("attachment_ids", "invalid")),
        ),
        (
            "a photo of another case",
            with(json!({ "attachment_ids": [attached] })),
            Some(("attachment_ids", "invalid")),
        ),
        (
            "a photo twice",
            with(json!({ "attachment_ids": [lisas_photo, lisas_photo] })),
            Some(("attachment_ids", "duplicate")),
        ),
        (
            "too many photos",
            with(json!({ "attachment_ids": (0..11).map(|_| lisas_photo).collect::<Vec<_>>() })),
            Some(("attachment_ids", "too_many")),
        ),
    ];
    let before = footprint(&app).await;
    let payout_before = app
        .count("SELECT COUNT(*) FROM orders WHERE payout = 'blocked'")
        .await;
    for (what, body, expected) in &table {
        let reply = app
            .write_once("POST", "/api/v1/cases", &lisa, "refused", body)
            .await;
        match expected {
            None => {
                reply.problem(StatusCode::NOT_FOUND, "not-found");
            }
            Some((field, code)) => {
                let p = reply.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
                assert_eq!(p["errors"][0]["field"], *field, "{what}: {p}");
                assert_eq!(p["errors"][0]["code"], *code, "{what}: {p}");
                assert!(p["errors"][0]["message"].is_string());
            }
        }
        assert_eq!(footprint(&app).await, before, "{what} changed nothing");
    }
    // Several wrong fields are named together.
    let p = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &lisa,
            "refused",
            &with(json!({ "description": "", "reason": "changed_mind", "lines": [] })),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let mut fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, ["description", "lines", "reason"]);
    // A kind or reason outside the vocabulary is a field error too.
    let p = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &lisa,
            "refused",
            &with(json!({ "kind": "refund" })),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "kind");
    // Merchants do not report, nor another marketplace's support (its own
    // reports for customers: tests/on_behalf.rs); without a key nobody does.
    app.write_once("POST", "/api/v1/cases", &anna, "desk", &valid)
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    let support = app.sign_in(SUPPORT_NL).await;
    app.write_once("POST", "/api/v1/cases", &support, "desk", &valid)
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    let p = app
        .write("POST", "/api/v1/cases", Some(&lisa), &valid)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
    app.write_once(
        "POST",
        "/api/v1/cases",
        "claimdesk_session=nobody",
        "k",
        &valid,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(footprint(&app).await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE payout = 'blocked'")
            .await,
        payout_before
    );

    // A refused request does not use up its key: corrected, it goes through.
    let reply = app
        .write_once("POST", "/api/v1/cases", &lisa, "refused", &valid)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
}

#[tokio::test]
async fn the_new_case_reaches_the_merchants_streams() {
    let app = TestApp::at_seed_time().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let support = app.sign_in(SUPPORT_SE).await;
    let support_nl = app.sign_in(SUPPORT_NL).await;
    let oskar = app.sign_in(CUSTOMER_OSKAR).await;
    let mut anna_s = app.open_stream(&anna).await;
    let mut erik_s = app.open_stream(&erik).await;
    let mut lisa_s = app.open_stream(&lisa).await;
    let mut support_s = app.open_stream(&support).await;
    let mut sara_s = app.open_stream(&sara).await;
    let mut support_nl_s = app.open_stream(&support_nl).await;
    let mut oskar_s = app.open_stream(&oskar).await;
    // The inbox count is read (and kept) before the case arrives.
    let counts = |session: String| {
        let app = &app;
        async move {
            app.get("/api/v1/inbox-counts", Some(&session))
                .await
                .ok()
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["inbox"] == "open")
                .unwrap()["count"]
                .as_i64()
                .unwrap()
        }
    };
    let open_before = counts(anna.clone()).await;

    let (order, line) = reportable(&app, &lisa).await;
    let detail = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &lisa,
            "live-report",
            &json!({
                "order_id": order["id"],
                "kind": "complaint",
                "reason": "wrong_goods",
                "description": "A blue one came, I ordered green.",
                "lines": [{ "line_id": line["id"], "quantity": 1 }],
            }),
        )
        .await;
    assert_eq!(detail.status, StatusCode::CREATED);
    let id = detail.json()["summary"]["id"].as_str().unwrap().to_owned();
    let expected = json!({ "id": id, "version": 1, "status": "submitted" });
    for stream in [&mut anna_s, &mut erik_s, &mut lisa_s, &mut support_s] {
        assert_eq!(stream.next_about(&id, ARRIVES).await, expected);
    }
    for stream in [&mut sara_s, &mut support_nl_s, &mut oskar_s] {
        assert!(stream.next_within(QUIET).await.is_none());
    }
    // What the desk refetches on hearing of it is fresh.
    assert_eq!(counts(anna.clone()).await, open_before + 1);
    assert!(app.case_ids(&erik, "open").await.contains(&id));
}

#[tokio::test]
async fn a_problem_is_reported_within_the_marketplaces_window_only() {
    let app = TestApp::at_seed_time().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (order, line) = reportable(&app, &lisa).await;
    // Each delivered order says until when (Fyndmarknad: 30 days).
    let delivered: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(order["delivered_at"].clone()).unwrap();
    let until: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(order["report_until"].clone()).unwrap();
    assert_eq!(until - delivered, chrono::Duration::days(30));
    // A day after the window, the same report is refused on the order.
    app.state.set_now(until + chrono::Duration::days(1));
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let before = footprint(&app).await;
    let reply = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &lisa,
            "too-late",
            &json!({ "order_id": order["id"], "kind": "complaint", "reason": "damaged",
                     "description": "It broke.", "lines": [{ "line_id": line["id"], "quantity": 1 }] }),
        )
        .await;
    let problem = reply.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(problem["errors"][0]["field"], "order_id");
    assert_eq!(problem["errors"][0]["code"], "outside_window");
    assert_eq!(footprint(&app).await, before);
    // Groothandel Plein keeps a 14-day window.
    let bram = app.sign_in("bram@dewinkel.example").await;
    let orders = orders(&app, &bram).await;
    let delivered = orders
        .iter()
        .find(|o| o["delivered_at"].is_string())
        .unwrap();
    let (at, until): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) = (
        serde_json::from_value(delivered["delivered_at"].clone()).unwrap(),
        serde_json::from_value(delivered["report_until"].clone()).unwrap(),
    );
    assert_eq!(until - at, chrono::Duration::days(14));
}
