//! The benchmark's bulk cases (`--bench-cases`) are real open cases of
//! Nordic Home AB: counted, listed, searchable and openable by its agents,
//! with a stored clock equal to the computed one, and invisible to everyone
//! else.

mod common;

use axum::http::StatusCode;
use claimdesk_server::seed::bulk::{add_open_cases, BENCH_MERCHANT_DOMAIN};
use claimdesk_server::{db, sla};
use common::*;
use serde_json::Value;

const BENCH_CASES: usize = 300;

async fn open_count(app: &TestApp, session: &str) -> i64 {
    let counts = app.get("/api/v1/inbox-counts", Some(session)).await.json();
    counts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["inbox"] == "open")
        .unwrap()["count"]
        .as_i64()
        .unwrap()
}

async fn search(app: &TestApp, session: &str, q: &str) -> Value {
    let reply = app
        .get(
            &format!("/api/v1/cases?inbox=open&per_page=1000&q={q}"),
            Some(session),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()
}

#[tokio::test]
async fn bench_cases_are_open_cases_of_nordic_home_only() {
    let app = TestApp::seeded().await;
    app.state.set_now(seed_now());
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let anna_before = open_count(&app, &anna).await;
    let sara_before = open_count(&app, &sara).await;

    add_open_cases(
        &app.state.db,
        seed_now(),
        BENCH_MERCHANT_DOMAIN,
        BENCH_CASES,
    )
    .await
    .unwrap();
    // Written outside `CaseWrite`, which the server does only before it
    // serves (main.rs): the pages kept of the counts above are dropped as
    // every such write must (`PageCache::clear`).
    app.state.pages.clear();
    // Their clocks are stored already: the server's startup has none to fill.
    assert_eq!(
        sla::clock::refresh_unset(&app.state, seed_now())
            .await
            .unwrap(),
        0
    );

    assert_eq!(
        open_count(&app, &anna).await,
        anna_before + BENCH_CASES as i64
    );
    assert_eq!(open_count(&app, &sara).await, sara_before);
    let open = search(&app, &anna, "").await;
    assert_eq!(open["total"], anna_before + BENCH_CASES as i64);
    assert_eq!(
        open["items"].as_array().unwrap().len() as i64,
        anna_before + BENCH_CASES as i64
    );

    // Bench orders are numbered from FM-5000000: one search finds one case.
    let found = search(&app, &anna, "FM-5000123").await;
    assert_eq!(found["total"], 1, "{found}");
    let item = &found["items"][0];
    assert_eq!(item["status"], "submitted");
    assert_eq!(item["handler"], "merchant");
    assert_eq!(item["merchant_name"], "Nordic Home AB");
    assert!(!item["product_title"].as_str().unwrap().is_empty());
    // A customer's name finds their bench cases among the rest.
    let hugo = search(&app, &anna, "Hugo").await;
    assert!(
        hugo["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["order_number"].as_str().unwrap().starts_with("FM-5")),
        "{hugo}"
    );

    // The case opens, and the clock it computes is the one stored.
    let id = item["id"].as_str().unwrap();
    let case = app.case(&anna, id).await;
    assert_eq!(case["deadline"]["due_at"], item["due_at"]);
    assert_eq!(case["deadline"]["response"], "first");
    assert!(case["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["claimed_quantity"].as_i64().unwrap() > 0));
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&anna))
        .await
        .json();
    assert!(events.to_string().contains("case_created"), "{events}");

    // Nobody else sees them.
    assert_eq!(search(&app, &sara, "FM-5000123").await["total"], 0);
    let reply = app.get(&format!("/api/v1/cases/{id}"), Some(&sara)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let support_nl = app.sign_in(SUPPORT_NL).await;
    let all = app
        .get("/api/v1/cases?inbox=all&q=FM-5000123", Some(&support_nl))
        .await
        .json();
    assert_eq!(all["total"], 0);
}

#[tokio::test]
async fn bench_cases_need_the_demo_seed_and_go_in_once() {
    let app = TestApp::seeded().await;
    add_open_cases(&app.state.db, seed_now(), BENCH_MERCHANT_DOMAIN, 10)
        .await
        .unwrap();
    let again = add_open_cases(&app.state.db, seed_now(), BENCH_MERCHANT_DOMAIN, 10).await;
    assert!(again
        .unwrap_err()
        .to_string()
        .contains("already has bench cases"));

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("empty.db").display());
    let empty = db::connect(&url).await.unwrap();
    let error = add_open_cases(&empty, seed_now(), BENCH_MERCHANT_DOMAIN, 10)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("demo seed"), "{error}");
}
