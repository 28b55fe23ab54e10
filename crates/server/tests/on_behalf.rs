//! Support registers a case for a customer (the back-office reclamation
//! flow): it finds any order of its marketplace, and the case is created as
//! if the customer had reported it, marked as support's.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

async fn search(app: &TestApp, session: &str, q: &str) -> Reply {
    let q = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
    app.get(&format!("/api/v1/orders?q={q}"), Some(session))
        .await
}

/// Lisa's newest order with at least two lines left to claim, as support
/// finds it by its number.
async fn lisas_order(app: &TestApp, support: &str) -> Value {
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let orders = app.get("/api/v1/orders", Some(&lisa)).await.ok();
    let order = orders
        .as_array()
        .unwrap()
        .iter()
        .find(|o| {
            o["lines"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| l["claimable_quantity"].as_i64() > Some(0))
                .count()
                >= 2
        })
        .expect("an order of Lisa's with two lines left to claim")
        .clone();
    let found = search(app, support, order["number"].as_str().unwrap())
        .await
        .ok();
    assert_eq!(found.as_array().unwrap().len(), 1);
    let order = found[0].clone();
    assert_eq!(order["customer_email"], CUSTOMER_LISA);
    assert_eq!(order["customer_name"], "Lisa Andersson");
    order
}

#[tokio::test]
async fn support_finds_orders_of_its_marketplace_only() {
    let app = TestApp::at_seed_time().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let by_email = search(&app, &support, "LISA@kund.example").await.ok();
    assert!(by_email.as_array().unwrap().len() > 3);
    assert!(by_email
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["customer_email"] == CUSTOMER_LISA));
    let order = lisas_order(&app, &support).await;
    if let Some(legacy) = order["legacy_number"].as_str() {
        assert_eq!(
            search(&app, &support, legacy).await.ok()[0]["id"],
            order["id"]
        );
    }
    // The other marketplace's support finds nothing of it.
    let nl = app.sign_in(SUPPORT_NL).await;
    let elsewhere = search(&app, &nl, order["number"].as_str().unwrap())
        .await
        .ok();
    assert_eq!(elsewhere, json!([]));
    // A search needs something to look for; a customer's list has no
    // customer columns; merchants have no such list.
    let blank = search(&app, &support, "  ").await;
    assert_eq!(
        field_error(&blank.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation")),
        ("q".into(), "required".into())
    );
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let own = app.get("/api/v1/orders", Some(&lisa)).await.ok();
    assert!(own[0].get("customer_email").is_none());
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    search(&app, &anna, "x")
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

#[tokio::test]
async fn support_registers_a_case_for_some_lines_as_if_the_customer_had() {
    let app = TestApp::at_seed_time().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let order = lisas_order(&app, &support).await;
    let lines: Vec<&Value> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["claimable_quantity"].as_i64() > Some(0))
        .collect();
    let report = |lines: Value| {
        json!({ "order_id": order["id"], "kind": "complaint", "reason": "damaged",
                "description": "Lisa called: both arrived broken.", "lines": lines })
    };
    // Never more than is left to claim.
    let too_many = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &support,
            "behalf-too-many",
            &report(json!([{ "line_id": lines[0]["id"], "quantity": lines[0]["claimable_quantity"].as_i64().unwrap() + 1 }])),
        )
        .await;
    too_many.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let picked = json!([
        { "line_id": lines[0]["id"], "quantity": 1 },
        { "line_id": lines[1]["id"], "quantity": 1 },
    ]);
    let created = app
        .write_once("POST", "/api/v1/cases", &support, "behalf", &report(picked))
        .await;
    assert_eq!(
        created.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let case = created.json();
    let id = case["summary"]["id"].as_str().unwrap().to_owned();
    assert_eq!(case["created_by"], "Karin Berg");
    assert_eq!(case["summary"]["customer_name"], "Lisa Andersson");
    assert_eq!(case["summary"]["status"], "submitted");
    assert!(
        case["summary"]["due_at"].is_string(),
        "the usual response clock"
    );
    let claimed = case["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["claimed_quantity"].as_i64() > Some(0))
        .count();
    assert_eq!(claimed, 2);
    // Lisa has it among her cases, marked as support's; the merchant in Open.
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    assert!(app.case_ids(&lisa, "mine").await.contains(&id));
    assert_eq!(app.case(&lisa, &id).await["created_by"], "Karin Berg");
    let agent = match case["summary"]["merchant_name"].as_str().unwrap() {
        "Nordic Home AB" => MERCHANT_NORDIC,
        "Lumo Electronics" => MERCHANT_LUMO,
        _ => "maja@fjalloutdoor.example",
    };
    let agent = app.sign_in(agent).await;
    assert!(app.case_ids(&agent, "open").await.contains(&id));
    // The customer is told, at her address, that support registered it.
    let (to, body): (String, String) = sqlx::query_as(
        "SELECT recipient, body FROM outbox WHERE case_id = ? AND template = 'case_received'",
    )
    .bind(id_number(&id))
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(to, CUSTOMER_LISA);
    assert!(
        body.contains("kundtjänst har registrerat det åt dig"),
        "{body}"
    );
    assert_eq!(
        last_event(&app, &id, "case_created").await["on_behalf"],
        true
    );
    // The payout of the order is blocked, as for any open case.
    let payout: String = sqlx::query_scalar("SELECT payout FROM orders WHERE id = ?")
        .bind(order["id"].as_i64())
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(payout, "blocked");

    // The other marketplace's support cannot report on it.
    let nl = app.sign_in(SUPPORT_NL).await;
    app.write_once(
        "POST",
        "/api/v1/cases",
        &nl,
        "nl",
        &report(json!([{ "line_id": lines[0]["id"], "quantity": 1 }])),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not-found");
}
