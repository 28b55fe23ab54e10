//! The merchant dashboard and support's ranking (`GET /api/v1/metrics`,
//! `GET /api/v1/metrics/merchants`) against a fixture whose answers are
//! worked out by hand: a new merchant of Fyndmarknad with ratings, cases,
//! deliveries and response-clock outcomes just inside and just outside the
//! last 30 days, and a second new merchant with nothing at all.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use common::*;
use serde_json::{json, Value};

/// The fixture's merchants: (id, agent's email).
struct Fixture {
    busy: (i64, String),
    idle: (i64, String),
}

async fn exec(app: &TestApp, sql: &str, binds: &[Bind]) -> i64 {
    let mut query = sqlx::query(sql);
    for bind in binds {
        query = match bind {
            Bind::I(v) => query.bind(*v),
            Bind::S(v) => query.bind(v.clone()),
            Bind::T(v) => query.bind(*v),
        };
    }
    query
        .execute(app.state.writer.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .last_insert_rowid()
}

enum Bind {
    I(i64),
    S(String),
    T(DateTime<Utc>),
}
use Bind::{I, S, T};

/// A merchant of Fyndmarknad with one agent who signs in with the demo
/// password.
async fn new_merchant(app: &TestApp, name: &str, email: &str) -> i64 {
    let marketplace: i64 = sqlx::query_scalar("SELECT marketplace_id FROM users WHERE email = ?")
        .bind(SUPPORT_SE)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let id = exec(
        app,
        "INSERT INTO merchants (marketplace_id, name, email) VALUES (?, ?, ?)",
        &[I(marketplace), S(name.into()), S(format!("shop-{email}"))],
    )
    .await;
    exec(
        app,
        "INSERT INTO users (email, name, role, merchant_id, marketplace_id, locale, password_hash)
         SELECT ?, ?, 'merchant', ?, marketplace_id, 'en', password_hash FROM users WHERE email = ?",
        &[S(email.into()), S(format!("Agent of {name}")), I(id), S(MERCHANT_NORDIC.into())],
    )
    .await;
    id
}

async fn fixture(app: &TestApp) -> Fixture {
    let now = app.state.now();
    let day = Duration::days(1);
    let busy = new_merchant(app, "Aardvark Metrics AB", "agent@aardvark.example").await;
    let idle = new_merchant(app, "Zebra Quiet AB", "agent@zebra.example").await;
    let (marketplace, customer): (i64, i64) =
        sqlx::query_as("SELECT marketplace_id, id FROM users WHERE email = ?")
            .bind(CUSTOMER_LISA)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    for (sku, title) in [("AARD-A", "Ant lamp"), ("AARD-B", "Burrow rug")] {
        exec(
            app,
            "INSERT INTO products (sku, merchant_id, title, unit_price_minor) VALUES (?, ?, ?, 34900)",
            &[S(sku.into()), I(busy), S(title.into())],
        )
        .await;
    }
    // Orders: 40 delivered in the last 30 days, 5 delivered before.
    let mut orders = Vec::new();
    for n in 0..45 {
        let delivered = if n < 40 {
            now - Duration::hours(12 + n * 17)
        } else {
            now - day * 31 - Duration::hours(n)
        };
        let order = exec(
            app,
            "INSERT INTO orders (marketplace_id, merchant_id, customer_id, number, placed_at, delivered_at, currency, total_minor, payout)
             VALUES (?, ?, ?, ?, ?, ?, 'SEK', 34900, 'released')",
            &[I(marketplace), I(busy), I(customer), S(format!("AARD-{n}")), T(delivered - day * 3), T(delivered)],
        )
        .await;
        let line = exec(
            app,
            "INSERT INTO order_lines (order_id, sku, title, quantity, unit_price_minor) VALUES (?, ?, ?, 1, 34900)",
            &[I(order), S(if n % 2 == 0 { "AARD-A" } else { "AARD-B" }.into()), S("line".into())],
        )
        .await;
        orders.push((order, line));
    }
    let case = |n: usize, kind: &'static str, reason: &'static str, created: DateTime<Utc>| {
        let (order, line) = orders[n];
        async move {
            let id = exec(
                app,
                "INSERT INTO cases (marketplace_id, merchant_id, customer_id, order_id, kind, reason, status, handler,
                                    description, claimed_value_minor, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, 'resolved', 'merchant', 'fixture', 34900, ?, ?)",
                &[I(marketplace), I(busy), I(customer), I(order), S(kind.into()), S(reason.into()), T(created), T(created)],
            )
            .await;
            exec(
                app,
                "INSERT INTO case_lines (case_id, order_line_id, quantity) VALUES (?, ?, 1)",
                &[I(id), I(line)],
            )
            .await;
            id
        }
    };
    // In the window: a missing and two complaints (problems), a regret.
    // Lines: orders 0, 2 are AARD-A; 1, 3 AARD-B.
    case(0, "missing", "missing_items", now - day * 5).await;
    case(2, "complaint", "damaged", now - day * 6).await;
    let refunded = case(1, "complaint", "damaged", now - day * 20).await;
    case(3, "regret", "changed_mind", now - day * 10).await;
    // Before it: a complaint, auto-refunded then too.
    let old = case(41, "complaint", "defective", now - day * 45).await;
    for (id, minor, closed) in [
        (refunded, 34900, now - day * 3),
        (old, 10000, now - day * 44),
    ] {
        exec(
            app,
            "UPDATE cases SET outcome = 'auto_refund', refunded_minor = ?, closed_at = ? WHERE id = ?",
            &[I(minor), T(closed), I(id)],
        )
        .await;
    }
    // Ratings on twelve old cases (reported long before the window):
    // seven up and three down in it, two up just before it.
    let ratings: [(i64, DateTime<Utc>); 12] = [
        (1, now - day),
        (1, now - day * 2),
        (1, now - day * 3),
        (1, now - day * 4),
        (1, now - day * 8),
        (1, now - day * 15),
        (1, now - day * 25),
        (0, now - day * 2),
        (0, now - day * 29),
        (0, now - day * 30 + Duration::minutes(5)),
        (1, now - day * 30 - Duration::minutes(5)),
        (1, now - day * 31),
    ];
    for (n, (score, at)) in ratings.into_iter().enumerate() {
        let id = case(
            42 + n % 3,
            "regret",
            "changed_mind",
            now - day * 200 - Duration::hours(n as i64),
        )
        .await;
        exec(
            app,
            "UPDATE cases SET rating = ?, rated_at = ? WHERE id = ?",
            &[I(score), T(at), I(id)],
        )
        .await;
    }
    // Responses settled in the window: first ones answered after 60, 120
    // and 600 minutes and one that ran out after 1,440; a follow-up in
    // time. One first response settled before the window.
    let responses: [(&str, i64, i64, DateTime<Utc>); 6] = [
        ("first", 60, 1, now - day * 2),
        ("first", 600, 1, now - day * 4),
        ("first", 120, 1, now - day * 9),
        ("first", 1440, 0, now - day * 12),
        ("follow_up", 30, 1, now - day * 13),
        ("first", 5, 1, now - day * 40),
    ];
    for (response, minutes, met, settled) in responses {
        let started = settled - Duration::minutes(minutes);
        exec(
            app,
            "INSERT INTO sla_responses (case_id, marketplace_id, merchant_id, response, started_at, due_at, settled_at, met)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            &[I(refunded), I(marketplace), I(busy), S(response.into()), T(started), T(started + day), T(settled), I(met)],
        )
        .await;
    }
    app.state.pages.clear();
    Fixture {
        busy: (busy, "agent@aardvark.example".into()),
        idle: (idle, "agent@zebra.example".into()),
    }
}

#[tokio::test]
async fn a_merchants_dashboard_counts_what_the_last_30_days_hold() {
    let app = TestApp::seeded().await;
    let f = fixture(&app).await;
    let agent = app.sign_in(&f.busy.1).await;
    let m = app.get("/api/v1/metrics?days=30", Some(&agent)).await.ok();
    assert_eq!(
        m["merchant"],
        json!({ "id": f.busy.0, "name": "Aardvark Metrics AB" })
    );
    assert_eq!(m["currency"], "SEK");
    // 7 up, 3 down: 70 %, below Fyndmarknad's warning level of 80.
    assert_eq!(m["ratings"], json!({ "up": 7, "down": 3 }));
    assert_eq!(
        (m["target_percent"].clone(), m["warning_percent"].clone()),
        (json!(85), json!(80))
    );
    // Three problems on forty deliveries.
    assert_eq!(m["problems"], json!({ "problems": 3, "delivered": 40 }));
    assert_eq!(m["responses"], json!({ "met": 4, "due": 5 }));
    // First responses of 60, 120, 600 and 1,440 minutes: the lower middle.
    assert_eq!(m["median_first_response_minutes"], 120);
    assert_eq!(
        (m["auto_refunds"].clone(), m["auto_refunded_minor"].clone()),
        (json!(1), json!(34900))
    );
    assert_eq!(m["cases"], 4);
    assert_eq!(
        m["by_kind"],
        json!([{ "key": "complaint", "cases": 2 }, { "key": "missing", "cases": 1 }, { "key": "regret", "cases": 1 }])
    );
    assert_eq!(
        m["by_reason"],
        json!([{ "key": "damaged", "cases": 2 }, { "key": "changed_mind", "cases": 1 }, { "key": "missing_items", "cases": 1 }])
    );
    assert_eq!(
        m["top_products"],
        json!([
            { "sku": "AARD-A", "title": "Ant lamp", "cases": 2 },
            { "sku": "AARD-B", "title": "Burrow rug", "cases": 2 },
        ])
    );
    // Five weeks back from today; each figure's weeks add up to its total.
    let weeks = m["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 5);
    let sum = |f: &dyn Fn(&Value) -> i64| weeks.iter().map(f).sum::<i64>();
    assert_eq!(sum(&|w| w["cases"].as_i64().unwrap()), 4);
    assert_eq!(sum(&|w| w["ratings"]["up"].as_i64().unwrap()), 7);
    assert_eq!(sum(&|w| w["problems"]["delivered"].as_i64().unwrap()), 40);
    assert_eq!(sum(&|w| w["responses"]["due"].as_i64().unwrap()), 5);
    // The latest week holds the cases of 5 and 6 days ago; the one before,
    // 10 days ago; then 20 days ago.
    let cases: Vec<i64> = weeks.iter().map(|w| w["cases"].as_i64().unwrap()).collect();
    assert_eq!(cases, [0, 0, 1, 1, 2]);
    assert!(weeks
        .windows(2)
        .all(|w| w[0]["starts"].as_str() < w[1]["starts"].as_str()));

    // Over a year everything counts: twelve ratings, nine up.
    let year = app.get("/api/v1/metrics?days=365", Some(&agent)).await.ok();
    assert_eq!(year["ratings"], json!({ "up": 9, "down": 3 }));
    assert_eq!(year["weeks"].as_array().unwrap().len(), 53);
    assert_eq!(year["auto_refunds"], 2);
}

#[tokio::test]
async fn a_merchant_without_anything_has_no_scores_only_zeros() {
    let app = TestApp::seeded().await;
    let f = fixture(&app).await;
    let agent = app.sign_in(&f.idle.1).await;
    let m = app.get("/api/v1/metrics", Some(&agent)).await.ok();
    assert_eq!(m["days"], 30);
    assert_eq!(m["ratings"], json!({ "up": 0, "down": 0 }));
    assert_eq!(m["problems"], json!({ "problems": 0, "delivered": 0 }));
    assert!(m["median_first_response_minutes"].is_null());
    assert_eq!(m["top_products"], json!([]));
    assert!(m["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["cases"] == 0));
}

#[tokio::test]
async fn support_ranks_its_merchants_by_risk_and_sees_each_ones_figures() {
    let app = TestApp::seeded().await;
    let f = fixture(&app).await;
    let support = app.sign_in(SUPPORT_SE).await;
    let ranking = app
        .get("/api/v1/metrics/merchants?days=30", Some(&support))
        .await
        .ok();
    let merchants = ranking["merchants"].as_array().unwrap();
    let names: Vec<&str> = merchants
        .iter()
        .map(|m| m["merchant"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Nordic Home AB") && names.contains(&"Zebra Quiet AB"));
    assert!(!names.contains(&"Tulp & Co"), "another marketplace's");
    // The busy one is at every risk: only merchants at every risk with
    // more breaches come before it.
    let at = merchants
        .iter()
        .position(|m| m["merchant"]["id"] == f.busy.0)
        .unwrap();
    let busy = &merchants[at];
    assert!(merchants[..at]
        .iter()
        .all(|m| m["risks"].as_array().unwrap().len() == 3
            && m["breaches"].as_i64() >= busy["breaches"].as_i64()));
    assert_eq!(
        busy["risks"],
        json!(["satisfaction", "problem_rate", "breaches"])
    );
    assert_eq!(busy["breaches"], 1);
    assert_eq!(busy["ratings"], json!({ "up": 7, "down": 3 }));
    // Most risks first all the way down.
    let risks: Vec<usize> = merchants
        .iter()
        .map(|m| m["risks"].as_array().unwrap().len())
        .collect();
    assert!(risks.windows(2).all(|r| r[0] >= r[1]), "{risks:?}");
    let idle = merchants
        .iter()
        .find(|m| m["merchant"]["id"] == f.idle.0)
        .unwrap();
    assert_eq!(idle["risks"], json!([]));
    assert_eq!(idle["cases"], 0);

    // Support opens one merchant's figures: the same as the merchant's own.
    let theirs = app
        .get(
            &format!("/api/v1/metrics?days=30&merchant={}", f.busy.0),
            Some(&support),
        )
        .await
        .ok();
    let agent = app.sign_in(&f.busy.1).await;
    let own = app.get("/api/v1/metrics?days=30", Some(&agent)).await.ok();
    assert_eq!(theirs["ratings"], own["ratings"]);
    assert_eq!(theirs["problems"], own["problems"]);
}

#[tokio::test]
async fn nobody_sees_another_merchants_figures_and_bad_periods_are_field_errors() {
    let app = TestApp::seeded().await;
    let f = fixture(&app).await;
    let support_nl = app.sign_in(SUPPORT_NL).await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let path = format!("/api/v1/metrics?merchant={}", f.busy.0);
    app.get(&path, Some(&support_nl))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    let refused = app
        .get(&path, Some(&anna))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(refused["errors"][0]["field"], "merchant");
    for path in ["/api/v1/metrics", "/api/v1/metrics/merchants"] {
        app.get(path, Some(&lisa))
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
    }
    app.get("/api/v1/metrics/merchants", Some(&anna))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    for days in ["0", "366", "-3"] {
        let refused = app
            .get(&format!("/api/v1/metrics?days={days}"), Some(&anna))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(refused["errors"][0]["field"], "days", "{days}");
    }
    app.get("/api/v1/metrics?days=soon", Some(&anna))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
}

#[tokio::test]
async fn a_case_says_when_the_merchants_satisfaction_is_below_target() {
    let app = TestApp::seeded().await;
    let f = fixture(&app).await;
    let agent = app.sign_in(&f.busy.1).await;
    // Any of the busy merchant's cases: 70 % against the target of 85, and
    // its last ten ratings are the ten of the window, three of them down.
    let case: i64 = sqlx::query_scalar("SELECT MIN(id) FROM cases WHERE merchant_id = ?")
        .bind(f.busy.0)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let id = claimdesk_shared::CaseId(case).to_string();
    let detail = app
        .get(&format!("/api/v1/cases/{id}"), Some(&agent))
        .await
        .ok();
    let alerts = detail["alerts"].as_array().unwrap();
    assert!(
        alerts.contains(
            &json!({ "kind": "low_satisfaction", "score_percent": 70, "down": 3, "of": 10 })
        ),
        "{alerts:?}"
    );
    // Not for the customer, and not for a merchant without enough ratings.
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let seen = app
        .get(&format!("/api/v1/cases/{id}"), Some(&lisa))
        .await
        .ok();
    assert_eq!(seen["alerts"], json!([]));
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (nordic_case, _) = app.lisas_open_case(&anna).await;
    let nordic = app.case(&anna, &nordic_case).await;
    assert!(nordic["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["kind"] != "low_satisfaction"));
}
