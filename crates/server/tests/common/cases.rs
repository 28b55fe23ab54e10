//! What the tests of decisions, prepared decisions and proposals read off a
//! case (its version, claimed lines, last event) and the cases they pick.

use serde_json::{json, Value};

use super::*;

pub fn id_number(id: &str) -> i64 {
    id.trim_start_matches("C-").parse().unwrap()
}

/// The part of a case a refused request must leave as it was.
pub async fn snapshot(app: &TestApp, id: &str) -> Value {
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
pub async fn unprepared_open(app: &TestApp, session: &str) -> Vec<String> {
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

pub fn version(case: &Value) -> i64 {
    case["version"].as_i64().unwrap()
}

/// The lines the case claims: (line id, claimed quantity, unit price).
pub fn claimed_lines(case: &Value) -> Vec<(i64, i64, i64)> {
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
pub async fn foreign_line(app: &TestApp, id: &str) -> i64 {
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
pub async fn multi_line_case(app: &TestApp, session: &str) -> (String, Value) {
    for id in unprepared_open(app, session).await {
        let case = app.case(session, &id).await;
        if claimed_lines(&case).len() >= 2 {
            return (id, case);
        }
    }
    panic!("the demo has an open Nordic Home case claiming several lines");
}

/// The JSON data of the case's latest event of `kind`.
pub async fn last_event(app: &TestApp, id: &str, kind: &str) -> Value {
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

pub fn field_error(problem: &Value) -> (String, String) {
    (
        problem["errors"][0]["field"].as_str().unwrap().to_owned(),
        problem["errors"][0]["code"].as_str().unwrap().to_owned(),
    )
}

pub async fn prepare(app: &TestApp, session: &str, id: &str, body: Value) -> i64 {
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
