//! The notification emails are written in their reader's language: the
//! customer's own (as chosen in the account), the merchant's marketplace's;
//! with amounts and times as that reader writes them. (Each text in each
//! language is checked for its placeholders in `domain::emails`.)

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use claimdesk_server::sweeps::warn_before_breach;
use common::*;
use serde_json::{json, Value};

/// The subject and body of the one email about case `n` to `to`, of `template`.
async fn email(app: &TestApp, n: i64, to: &str, template: &str) -> (String, String) {
    sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE case_id = ? AND recipient = ? AND template = ?",
    )
    .bind(n)
    .bind(to)
    .bind(template)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_dutch_retailer_and_its_merchant_are_written_to_in_dutch() {
    let app = TestApp::at_seed_time().await;
    let bram = app.sign_in("bram@dewinkel.example").await;
    let orders = app.get("/api/v1/orders", Some(&bram)).await.ok();
    let (order, line) = orders
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["report_until"].as_str().is_some_and(|u| u > "2026"))
        .find_map(|o| {
            let line = o["lines"]
                .as_array()?
                .iter()
                .find(|l| l["claimable_quantity"].as_i64() > Some(0))?;
            Some((o.clone(), line.clone()))
        })
        .expect("Bram has an order he can still report");
    let reply = app
        .write_once(
            "POST",
            "/api/v1/cases",
            &bram,
            "dutch-report",
            &json!({ "order_id": order["id"], "kind": "complaint", "reason": "damaged",
                     "description": "De doos was kapot.", "lines": [{ "line_id": line["id"], "quantity": 1 }] }),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let case: Value = reply.json();
    let id = case["summary"]["id"].as_str().unwrap().to_owned();
    let n = id_number(&id);

    let (subject, body) = email(&app, n, "bram@dewinkel.example", "case_received").await;
    assert!(
        subject.starts_with("We hebben je zaak") && subject.contains(&id),
        "{subject}"
    );
    assert!(body.contains("(klacht) bij bestelling"), "{body}");
    let merchant: String = sqlx::query_scalar(
        "SELECT me.email FROM cases c JOIN merchants me ON me.id = c.merchant_id WHERE c.id = ?",
    )
    .bind(n)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let (subject, body) = email(&app, n, &merchant, "case_created").await;
    assert!(
        subject.starts_with("Nieuwe zaak") && subject.contains(&id),
        "{subject}"
    );
    // The reason as the Dutch app names it, the amount in Dutch notation.
    assert!(body.contains("Reden: Beschadigd"), "{body}");
    let claimed = case["summary"]["claimed_value_minor"].as_i64().unwrap();
    let euros = format!("Geclaimd: {},{:02} EUR", claimed / 100, claimed % 100);
    assert!(
        claimed < 100_000 && body.contains(&euros),
        "{euros} in {body}"
    );
}

#[tokio::test]
async fn the_customer_s_chosen_language_decides_the_next_email() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, mut seen) = app.lisas_open_case(&anna).await;
    let n = id_number(&id);
    for (locale, subject) in [
        ("en", "New message on case"),
        ("nl", "Nieuw bericht in zaak"),
        ("sv", "Nytt meddelande i ärende"),
    ] {
        let reply = app
            .write(
                "PATCH",
                "/api/v1/me",
                Some(&lisa),
                &json!({ "locale": locale }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let text = format!("Written for {locale}");
        let after = app.post_message(&anna, &id, seen, &text, &text).await;
        seen = version(&after);
        let (got, body): (String, String) = sqlx::query_as(
            "SELECT subject, body FROM outbox WHERE case_id = ? AND recipient = ? AND body LIKE ?",
        )
        .bind(n)
        .bind(CUSTOMER_LISA)
        .bind(format!("%{text}%"))
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        assert!(
            got.starts_with(subject) && got.contains(&id),
            "{locale}: {got}"
        );
        assert!(body.contains("Anna Lindqvist"), "{body}");
    }
}

#[tokio::test]
async fn the_breach_warning_gives_the_merchant_s_local_time_in_its_language() {
    let app = TestApp::at_seed_time().await;
    let warned = warn_before_breach(&app.state, seed_now()).await.unwrap();
    let mut seen = [false, false];
    for id in warned {
        let (due, zone, locale): (chrono::DateTime<chrono::Utc>, String, String) = sqlx::query_as(
            "SELECT c.due_at, m.time_zone, m.locale FROM cases c
             JOIN marketplaces m ON m.id = c.marketplace_id WHERE c.id = ?",
        )
        .bind(id.0)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        let (_, to): (String, String) = sqlx::query_as(
            "SELECT subject, body FROM outbox WHERE case_id = ? AND template = 'breach_warning'",
        )
        .bind(id.0)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let local = due.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        assert!(to.contains(&format!("{local} ({zone})")), "{local} in {to}");
        let (words, slot) = match locale.as_str() {
            "sv" => ("måste besvaras senast", 0),
            "nl" => ("moet uiterlijk", 1),
            other => panic!("no demo marketplace speaks {other}"),
        };
        assert!(to.contains(words), "{to}");
        seen[slot] = true;
        // The wall clock differs from UTC in both demo zones.
        assert_ne!(local, due.format("%Y-%m-%d %H:%M").to_string());
    }
    assert!(seen[0], "a Swedish merchant was warned");
    // Nothing mailed twice a minute later.
    assert!(
        warn_before_breach(&app.state, seed_now() + Duration::minutes(1))
            .await
            .unwrap()
            .is_empty()
    );
}
