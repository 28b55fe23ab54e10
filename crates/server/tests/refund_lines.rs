//! Refunds by line: paying exactly the lines named, refusals field by
//! field that change nothing.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

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
