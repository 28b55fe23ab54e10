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
        sla::clock::refresh_unset(&app.state.db, &app.state.writer, seed_now())
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

/// What orders a page under `sort` (`CaseSort`), as the API documents it,
/// with the case number breaking ties.
fn sort_key(sort: &str, item: &Value) -> (bool, i64, i64, i64) {
    let time = |field: &str| {
        item[field].as_str().map_or(0, |t| {
            chrono::DateTime::parse_from_rfc3339(t)
                .unwrap()
                .timestamp_micros()
        })
    };
    let id: i64 = item["id"].as_str().unwrap()[2..].parse().unwrap();
    match sort {
        "deadline" => (
            item["due_at"].is_null(),
            time("due_at"),
            time("created_at"),
            id,
        ),
        "newest" => (false, -time("created_at"), -id, 0),
        "oldest" => (false, time("created_at"), id, 0),
        "value" => (
            false,
            -item["claimed_value_minor"].as_i64().unwrap(),
            -id,
            0,
        ),
        _ => unreachable!("{sort}"),
    }
}

/// Pages are read in one of two ways by the inbox's size (an index walked in
/// order, or the inbox's rows sorted in memory: `push_order`): with 1,100
/// bench cases the Open inbox is read the first way and Parked and Approved
/// the second. Either way every order is the documented one, whole and
/// page by page.
#[tokio::test]
async fn large_and_small_inboxes_keep_every_order() {
    let app = TestApp::seeded().await;
    app.state.set_now(seed_now());
    add_open_cases(&app.state.db, seed_now(), BENCH_MERCHANT_DOMAIN, 1_100)
        .await
        .unwrap();
    app.state.pages.clear();
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    for inbox in ["open", "parked", "approved"] {
        for sort in ["deadline", "newest", "oldest", "value"] {
            let list = |per_page: usize, page: usize| {
                let path = format!(
                    "/api/v1/cases?inbox={inbox}&sort={sort}&per_page={per_page}&page={page}"
                );
                let app = &app;
                let anna = &anna;
                async move { app.get(&path, Some(anna)).await.json() }
            };
            let first = list(1000, 1).await;
            let total = first["total"].as_u64().unwrap() as usize;
            let mut whole = first["items"].as_array().unwrap().clone();
            if total > 1000 {
                whole.extend(list(1000, 2).await["items"].as_array().unwrap().clone());
            }
            assert_eq!(whole.len(), total, "{inbox} by {sort}");
            assert!(total > 0, "{inbox} is empty");
            if inbox == "open" {
                assert!(total > 1_100, "{total}");
            }
            let mut expected = whole.clone();
            expected.sort_by_key(|item| sort_key(sort, item));
            let ids = |items: &[Value]| -> Vec<String> {
                items
                    .iter()
                    .map(|i| i["id"].as_str().unwrap().to_owned())
                    .collect()
            };
            assert_eq!(ids(&whole), ids(&expected), "{inbox} by {sort}");
            let mut paged = list(50, 1).await["items"].as_array().unwrap().clone();
            paged.extend(list(50, 2).await["items"].as_array().unwrap().clone());
            assert_eq!(
                ids(&paged),
                ids(&whole[..whole.len().min(100)]),
                "{inbox} by {sort}, pages of 50"
            );
        }
    }
}
