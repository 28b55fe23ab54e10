//! The demo data covers what the product describes, and seeding is
//! deterministic and idempotent.

mod common;

use std::collections::HashSet;

use claimdesk_server::{db, seed};
use claimdesk_shared::{Kind, Reason, Status};
use common::{seed_now, TestApp};

async fn strings(app: &TestApp, sql: &str) -> HashSet<String> {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_covers_every_status_kind_and_reason() {
    let app = TestApp::seeded().await;
    assert!(count(&app, "SELECT COUNT(*) FROM orders").await >= 300);
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM orders WHERE legacy_number IS NOT NULL"
        )
        .await
            > 0
    );
    assert!(count(&app, "SELECT COUNT(*) FROM cases").await >= 80);
    assert!(count(&app, "SELECT COUNT(*) FROM merchants").await >= 3);
    assert!(count(&app, "SELECT COUNT(*) FROM messages").await > 0);
    assert!(count(&app, "SELECT COUNT(*) FROM notes").await > 0);
    assert!(count(&app, "SELECT COUNT(*) FROM case_photos").await > 0);
    assert!(count(&app, "SELECT COUNT(*) FROM users WHERE role = 'support'").await >= 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM merchants m WHERE (SELECT COUNT(*) FROM users u WHERE u.merchant_id = m.id) < 2").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id)").await, 0);

    let statuses = strings(&app, "SELECT DISTINCT status FROM cases").await;
    let kinds = strings(&app, "SELECT DISTINCT kind FROM cases").await;
    let reasons = strings(&app, "SELECT DISTINCT reason FROM cases").await;
    assert_eq!(
        statuses,
        Status::ALL.iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(kinds, Kind::ALL.iter().map(|s| s.to_string()).collect());
    assert_eq!(reasons, Reason::ALL.iter().map(|s| s.to_string()).collect());
    let customer_kinds = strings(
        &app,
        "SELECT DISTINCT customer_kind FROM users WHERE role = 'customer'",
    )
    .await;
    assert_eq!(
        customer_kinds,
        HashSet::from(["consumer".to_owned(), "retailer".to_owned()])
    );

    // Platform-routed reasons are never in the merchant's hands.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM cases WHERE reason IN ('invoice_incorrect','delivery_late','other') AND handler = 'merchant'").await,
        0
    );
    // Payout is blocked exactly where a case is open.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders o WHERE (o.payout = 'blocked') <> EXISTS (SELECT 1 FROM cases c WHERE c.order_id = o.id AND c.status NOT IN ('resolved','rejected'))").await,
        0
    );
}

#[tokio::test]
async fn seeding_twice_changes_nothing_and_the_same_clock_gives_the_same_cases() {
    let app = TestApp::seeded().await;
    assert!(!seed::seed_if_empty(&app.state.db, seed_now())
        .await
        .unwrap());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM marketplaces").await, 2);

    let dir = tempfile::tempdir().unwrap();
    let other = db::connect(&format!(
        "sqlite://{}",
        dir.path().join("other.db").display()
    ))
    .await
    .unwrap();
    seed::seed_if_empty(&other, seed_now()).await.unwrap();
    let snapshot = "SELECT group_concat(id || kind || reason || status || claimed_value_minor || created_at || description, '|') FROM cases";
    let a: String = sqlx::query_scalar(snapshot)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let b: String = sqlx::query_scalar(snapshot)
        .fetch_one(&other)
        .await
        .unwrap();
    assert_eq!(a, b);
}

/// A merchant opening "Where you stand" in the demo sees figures in every
/// card: enough ratings to score, responses met and missed, a median first
/// response, automatic refunds paid (as the clock and the closing would
/// have recorded them had the stories happened through the API).
#[tokio::test]
async fn the_demo_gives_each_dashboard_card_something_to_show() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(common::MERCHANT_NORDIC).await;
    let m = app.get("/api/v1/metrics?days=90", Some(&anna)).await.ok();
    let rated = m["ratings"]["up"].as_i64().unwrap() + m["ratings"]["down"].as_i64().unwrap();
    assert!(rated >= 10, "ratings: {}", m["ratings"]);
    assert!(
        m["ratings"]["down"].as_i64().unwrap() > 0,
        "{}",
        m["ratings"]
    );
    let (met, due) = (
        m["responses"]["met"].as_i64().unwrap(),
        m["responses"]["due"].as_i64().unwrap(),
    );
    assert!(
        due > 0 && met < due && met > 0,
        "responses: {}",
        m["responses"]
    );
    assert!(
        m["median_first_response_minutes"].as_i64().unwrap() > 0,
        "{m}"
    );
    // Every closed case has its closing time; every rated one its rating's.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM cases WHERE status IN ('resolved', 'rejected') AND closed_at IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM cases WHERE rating IS NOT NULL AND rated_at IS NULL"
        )
        .await,
        0
    );
    // The recorded responses agree with the conversation: a first response
    // is settled when the desk's first message went out.
    let disagreeing = count(
        &app,
        "SELECT COUNT(*) FROM sla_responses r JOIN cases c ON c.id = r.case_id
          WHERE r.response = 'first' AND r.settled_at <> (
              SELECT MIN(m.created_at) FROM messages m WHERE m.case_id = c.id AND m.author_id <> c.customer_id)",
    )
    .await;
    assert_eq!(disagreeing, 0);
}
