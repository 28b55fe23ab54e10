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
