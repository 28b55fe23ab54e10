//! The clocks that act by themselves, driven with an injected time.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use claimdesk_server::sweeps::{close_unanswered, NO_REPLY_DAYS};
use common::*;

async fn parked_since(app: &TestApp) -> Vec<(i64, DateTime<Utc>)> {
    sqlx::query_as(
        "SELECT c.id, MAX(e.created_at) FROM cases c JOIN events e ON e.case_id = c.id
         WHERE c.status = 'awaiting_customer' AND e.kind = 'status_changed'
           AND json_extract(e.data, '$.to') = 'awaiting_customer'
         GROUP BY c.id ORDER BY c.id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn cases_without_a_reply_for_14_days_close_as_rejected_once() {
    let app = TestApp::seeded().await;
    let parked = parked_since(&app).await;
    assert!(
        parked.len() >= 2,
        "the demo has cases awaiting the customer"
    );
    let (first_id, first_since) = parked[0];
    let deadline = first_since + Duration::days(NO_REPLY_DAYS);

    // A minute early: nothing happens to it.
    let early = close_unanswered(&app.state, deadline - Duration::minutes(1))
        .await
        .unwrap();
    assert!(!early.iter().any(|c| c.0 == first_id));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE id = {first_id} AND status = 'awaiting_customer'"
        ))
        .await,
        1
    );

    // On time: closed, with its events, payout and email.
    let closed = close_unanswered(&app.state, deadline).await.unwrap();
    assert!(closed.iter().any(|c| c.0 == first_id));
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM cases WHERE id = {first_id} AND status = 'rejected' AND outcome = 'rejected'")).await, 1);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM events WHERE case_id = {first_id} AND actor_id IS NULL AND kind IN ('decision_made', 'status_changed') AND created_at = (SELECT MAX(created_at) FROM events WHERE case_id = {first_id})")).await,
        2
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE case_id = {first_id} AND template = 'no_reply'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders o WHERE (o.payout = 'blocked') <> EXISTS (SELECT 1 FROM cases c WHERE c.order_id = o.id AND c.status NOT IN ('resolved','rejected'))").await,
        0
    );

    // Far later, everything parked is closed, and a second sweep does nothing.
    let later = Utc::now().max(deadline) + Duration::days(NO_REPLY_DAYS + 1);
    close_unanswered(&app.state, later).await.unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases WHERE status = 'awaiting_customer'")
            .await,
        0
    );
    let events = app.count("SELECT COUNT(*) FROM events").await;
    assert!(close_unanswered(&app.state, later)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM events").await,
        events,
        "a second sweep writes nothing"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE template = 'no_reply'")
            .await,
        parked.len() as i64
    );
}

#[tokio::test]
async fn a_customer_reply_stops_the_no_reply_clock() {
    let app = TestApp::seeded().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    // Anna asks Lisa something; Lisa answers.
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/messages"),
        &anna,
        "q",
        &serde_json::json!({ "version": v, "body": "Photo?" }),
    )
    .await;
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/messages"),
        &lisa,
        "a",
        &serde_json::json!({ "version": v + 1, "body": "Here." }),
    )
    .await;
    close_unanswered(&app.state, Utc::now() + Duration::days(60))
        .await
        .unwrap();
    assert_eq!(
        app.case(&anna, &id).await["summary"]["status"],
        "awaiting_merchant",
        "an answered case is the merchant's to handle"
    );
}

#[tokio::test]
async fn missed_response_times_refund_below_the_cap_and_escalate_above_it_once() {
    use claimdesk_server::sweeps::{act_on_breaches, Breach};
    let app = TestApp::seeded().await;
    // Nothing has run out when the demo starts.
    assert!(act_on_breaches(&app.state, seed_now())
        .await
        .unwrap()
        .is_empty());

    // A week later every open clock has run out.
    let later = seed_now() + Duration::days(7);
    let running = app
        .count("SELECT COUNT(*) FROM cases WHERE status IN ('submitted', 'awaiting_merchant')")
        .await;
    let acted = act_on_breaches(&app.state, later).await.unwrap();
    assert_eq!(acted.len() as i64, running);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cases WHERE status IN ('submitted', 'awaiting_merchant')")
            .await,
        0
    );
    let refunded = acted
        .iter()
        .filter(|(_, b)| matches!(b, Breach::AutoRefund { .. }))
        .count();
    let escalated = acted.iter().filter(|(_, b)| *b == Breach::Escalate).count();
    assert!(
        refunded > 0 && escalated > 0,
        "the demo has claims on both sides of the cap: {refunded} / {escalated}"
    );
    for (id, breach) in &acted {
        let n = id.0;
        match breach {
            Breach::AutoRefund { amount_minor } => {
                assert_eq!(
                    app.count(&format!("SELECT COUNT(*) FROM cases c JOIN marketplaces m ON m.id = c.marketplace_id WHERE c.id = {n} AND c.status = 'resolved' AND c.outcome = 'auto_refund' AND c.refunded_minor = c.claimed_value_minor AND c.claimed_value_minor <= m.auto_refund_cap_minor")).await,
                    1,
                    "{id}"
                );
                assert!(*amount_minor > 0);
                assert_eq!(app.count(&format!("SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND template = 'breach_refunded'")).await, 1);
            }
            Breach::Escalate => {
                assert_eq!(
                    app.count(&format!("SELECT COUNT(*) FROM cases c JOIN marketplaces m ON m.id = c.marketplace_id WHERE c.id = {n} AND c.status = 'platform_review' AND c.handler = 'platform' AND c.claimed_value_minor > m.auto_refund_cap_minor")).await,
                    1,
                    "{id}"
                );
                assert_eq!(app.count(&format!("SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND template = 'breach_escalated'")).await, 1);
            }
        }
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM events WHERE case_id = {n} AND actor_id IS NULL AND kind = 'status_changed'")).await, 1);
    }
    // Twice is the same as once.
    let outbox = app.count("SELECT COUNT(*) FROM outbox").await;
    assert!(act_on_breaches(&app.state, later).await.unwrap().is_empty());
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, outbox);
}

#[tokio::test]
async fn the_desk_sees_each_deadline_with_its_explanation_and_customers_do_not() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let d = app
        .get(&format!("/api/v1/cases/{id}/deadline"), Some(&anna))
        .await
        .json();
    let due = d["due_at"]
        .as_str()
        .expect("a running clock has a due time");
    assert!(due > d["started_at"].as_str().unwrap());
    assert!(
        d["budget_minutes"] == 24 * 60
            || d["budget_minutes"] == 48 * 60
            || d["budget_minutes"] == 72 * 60
            || d["budget_minutes"] == 96 * 60,
        "{d}"
    );
    assert_eq!(
        d["extended"],
        d["budget_minutes"] == 48 * 60 || d["budget_minutes"] == 96 * 60
    );
    assert_eq!(d["time_zone"], "Europe/Stockholm");
    assert!(["auto_refund", "escalate"].contains(&d["on_breach"]["action"].as_str().unwrap()));

    // Customers and other merchants do not see the clock.
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    app.get(&format!("/api/v1/cases/{id}/deadline"), Some(&lisa))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    let sara = app.sign_in(MERCHANT_LUMO).await;
    app.get(&format!("/api/v1/cases/{id}/deadline"), Some(&sara))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");

    // Answered: nothing is due.
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/messages"),
        &anna,
        "d",
        &serde_json::json!({ "version": version, "body": "On it" }),
    )
    .await;
    assert!(app
        .get(&format!("/api/v1/cases/{id}/deadline"), Some(&anna))
        .await
        .json()
        .is_null());
}
