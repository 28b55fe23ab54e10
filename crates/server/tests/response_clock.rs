//! The response clock as the desk works with it: stored on every case,
//! sorted and filtered on, warned about, recorded when settled, and moved by
//! the test-mode clock.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use claimdesk_server::sweeps::{act_on_breaches, warn_before_breach};
use claimdesk_server::Config;
use common::*;
use serde_json::{json, Value};

const MERCHANT_FJALL: &str = "maja@fjalloutdoor.example";

fn due(item: &Value) -> Option<DateTime<Utc>> {
    item["due_at"].as_str().map(|s| s.parse().unwrap())
}

/// The seeded app, answering as of the seed's time.
async fn app_at_seed_time(config: Config) -> TestApp {
    let app = TestApp::seeded_with(config).await;
    app.state.set_now(seed_now());
    app
}

#[tokio::test]
async fn the_open_inbox_is_sorted_by_deadline_and_filters_what_breaches_soon() {
    let app = app_at_seed_time(Config::default()).await;
    let maja = app.sign_in(MERCHANT_FJALL).await;
    let open = app
        .get("/api/v1/cases?inbox=open&per_page=200", Some(&maja))
        .await
        .json();
    let items = open["items"].as_array().unwrap();
    assert!(items.len() >= 3, "Fjäll Outdoor has open cases");
    let dues: Vec<_> = items.iter().map(due).collect();
    let first_paused = dues.iter().position(Option::is_none).unwrap_or(dues.len());
    assert!(
        dues[..first_paused].windows(2).all(|w| w[0] <= w[1]),
        "soonest first: {dues:?}"
    );
    assert!(
        dues[first_paused..].iter().all(Option::is_none),
        "cases without a running clock come last: {dues:?}"
    );
    // The seed's near-breach case leads, three hours from its deadline, and
    // would be refunded automatically.
    let first = &items[0];
    assert_eq!(due(first), Some(seed_now() + Duration::hours(3)));
    assert_eq!(first["on_breach"]["action"], "auto_refund");
    assert_eq!(
        first["on_breach"]["amount_minor"],
        first["claimed_value_minor"]
    );

    // Breaching soon: only clocks running out within 12 hours.
    let soon = app
        .get(
            "/api/v1/cases?inbox=open&breaching_soon=true&per_page=200",
            Some(&maja),
        )
        .await
        .json();
    let soon_items = soon["items"].as_array().unwrap();
    assert!(!soon_items.is_empty());
    assert!(soon_items
        .iter()
        .all(|i| due(i).is_some_and(|d| d <= seed_now() + Duration::hours(12))));
    let expected = dues
        .iter()
        .filter(|d| d.is_some_and(|d| d <= seed_now() + Duration::hours(12)))
        .count();
    assert_eq!(soon["total"], expected as i64);
    assert!((expected as i64) < open["total"].as_i64().unwrap());

    // Other orders on request.
    let by_value = app
        .get(
            "/api/v1/cases?inbox=open&sort=value&per_page=200",
            Some(&maja),
        )
        .await
        .json();
    let values: Vec<i64> = by_value["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["claimed_value_minor"].as_i64().unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    app.get("/api/v1/cases?sort=sideways", Some(&maja))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");

    // The case itself carries the explained deadline.
    let id = first["id"].as_str().unwrap();
    let case = app.case(&maja, id).await;
    assert_eq!(
        case["deadline"]["due_at"]
            .as_str()
            .map(|s| s.parse::<DateTime<Utc>>().unwrap()),
        Some(seed_now() + Duration::hours(3))
    );
    // Three hours, less the seconds this test has taken.
    let remaining = case["deadline"]["remaining_minutes"].as_i64().unwrap();
    assert!((179..=180).contains(&remaining), "{remaining}");
    let extended = case["deadline"]["extended"].as_bool().unwrap();
    assert_eq!(
        case["deadline"]["budget_minutes"],
        if extended { 48 * 60 } else { 24 * 60 }
    );
}

#[tokio::test]
async fn customers_never_see_the_clock() {
    let app = app_at_seed_time(Config::default()).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let mine = app
        .get("/api/v1/cases?per_page=200", Some(&lisa))
        .await
        .json();
    let items = mine["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        assert!(item["due_at"].is_null() && item["on_breach"].is_null());
        let id = item["id"].as_str().unwrap();
        assert!(app.case(&lisa, id).await["deadline"].is_null());
    }
    let p = app
        .get("/api/v1/cases?breaching_soon=true", Some(&lisa))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "breaching_soon");
    let p = app
        .get("/api/v1/cases?sort=deadline", Some(&lisa))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "sort");
}

#[tokio::test]
async fn the_merchant_is_warned_once_twelve_hours_before_a_breach() {
    let app = app_at_seed_time(Config::default()).await;
    let warned = warn_before_breach(&app.state, seed_now()).await.unwrap();
    let soon: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE due_at > ? AND due_at <= ?")
            .bind(seed_now())
            .bind(seed_now() + Duration::hours(12))
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(!warned.is_empty());
    assert_eq!(warned.len() as i64, soon);
    for id in &warned {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox o JOIN cases c ON c.id = o.case_id JOIN merchants m ON m.id = c.merchant_id
                 WHERE o.case_id = {} AND o.template = 'breach_warning' AND o.recipient = m.email",
                id.0
            ))
            .await,
            1
        );
    }
    // A minute later, nothing new: each deadline warns once.
    let outbox = app.count("SELECT COUNT(*) FROM outbox").await;
    assert!(
        warn_before_breach(&app.state, seed_now() + Duration::minutes(1))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, outbox);
    // Warning does not touch the case: an agent's open copy stays current.
    assert_eq!(
        app.count(&format!(
            "SELECT version FROM cases WHERE id = {}",
            warned[0].0
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn every_settled_response_is_recorded_as_met_or_missed() {
    let app = app_at_seed_time(Config::default()).await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    // The demo's history (responses its stories settled) is there already.
    let recorded = app.count("SELECT COUNT(*) FROM sla_responses").await;
    let missed = app
        .count("SELECT COUNT(*) FROM sla_responses WHERE met = 0")
        .await;
    assert!(recorded > 0);

    // Anna answers in time: met, and nothing is due any more.
    app.post_message(&anna, &id, version, "answer", "Could you send a photo?")
        .await;
    let n: i64 = id.trim_start_matches("C-").parse().unwrap();
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM sla_responses WHERE case_id = {n} AND met = 1 AND response = 'first' AND settled_at <= due_at")).await,
        1
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM cases WHERE id = {n} AND due_at IS NULL AND clock_started_at IS NULL")).await,
        1
    );

    // Lisa replies: a follow-up clock of 72 business hours starts.
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    app.post_message(&lisa, &id, version + 1, "reply", "Here it is.")
        .await;
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM cases WHERE id = {n} AND clock_response = 'follow_up' AND due_at IS NOT NULL")).await,
        1
    );

    // A week later every running clock has run out: each recorded as missed.
    let running = app
        .count("SELECT COUNT(*) FROM cases WHERE status IN ('submitted', 'awaiting_merchant')")
        .await;
    let acted = act_on_breaches(&app.state, seed_now() + Duration::days(7))
        .await
        .unwrap();
    assert_eq!(acted.len() as i64, running);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sla_responses WHERE met = 0")
            .await,
        missed + running
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sla_responses").await,
        recorded + running + 1
    );
}

#[tokio::test]
async fn the_test_clock_exists_only_in_test_mode() {
    let plain = TestApp::seeded().await;
    let anna = plain.sign_in(MERCHANT_NORDIC).await;
    plain
        .write(
            "POST",
            "/api/v1/test/clock",
            Some(&anna),
            &json!({ "minutes": 60 }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");

    let app = app_at_seed_time(Config {
        test_clock: true,
        ..Config::default()
    })
    .await;
    let maja = app.sign_in(MERCHANT_FJALL).await;
    let open = app
        .get("/api/v1/cases?inbox=open", Some(&maja))
        .await
        .json();
    let near = open["items"][0]["id"].as_str().unwrap().to_owned();
    app.write("POST", "/api/v1/test/clock", None, &json!({ "minutes": 0 }))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");

    // Three hours and five minutes on, the near-breach case (and no other:
    // every other seeded clock has at least four hours left) is refunded.
    let report = app
        .write(
            "POST",
            "/api/v1/test/clock",
            None,
            &json!({ "minutes": 185 }),
        )
        .await;
    assert_eq!(report.status, StatusCode::OK);
    let acted = report.json()["acted"].clone();
    assert_eq!(acted.as_array().unwrap().len(), 1, "{acted}");
    assert_eq!(acted[0][0], near.as_str());
    assert_eq!(acted[0][1]["action"], "auto_refund");
    let case = app.case(&maja, &near).await;
    assert_eq!(case["summary"]["status"], "resolved");
    assert_eq!(case["outcome"], "auto_refund");
    assert!(case["deadline"].is_null());
}
