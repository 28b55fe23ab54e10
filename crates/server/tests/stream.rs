//! Live updates (`GET /api/v1/stream`): every committed change reaches the
//! streams of the users who may see the case, and only those.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::{header, StatusCode};
use chrono::Duration as Days;
use claimdesk_server::live::CAPACITY;
use claimdesk_server::scope::CaseOwners;
use claimdesk_server::sweeps::{run_all, NO_REPLY_DAYS};
use claimdesk_shared::wire::CaseChanged;
use claimdesk_shared::{CaseId, Status};
use common::*;
use serde_json::{json, Value};

/// Long enough for an event that is coming, on a loaded machine.
const ARRIVES: Duration = Duration::from_secs(5);
/// How long a stream is watched to show that nothing arrives.
const QUIET: Duration = Duration::from_millis(300);

/// An open case handled by a merchant: (id, version, merchant agent's email)
/// of one matching `condition` (SQL on `c`, the case, and `cu`, its customer).
async fn open_case_where(app: &TestApp, condition: &str) -> (String, i64, String) {
    let (id, version, agent): (i64, i64, String) = sqlx::query_as(&format!(
        "SELECT c.id, c.version, (SELECT MIN(a.email) FROM users a WHERE a.merchant_id = c.merchant_id AND a.role = 'merchant')
         FROM cases c JOIN users cu ON cu.id = c.customer_id
         WHERE c.status IN ('submitted', 'awaiting_merchant') AND c.handler = 'merchant' AND {condition}
         ORDER BY c.id LIMIT 1"
    ))
    .fetch_one(&app.state.db)
    .await
    .unwrap_or_else(|e| panic!("no open case where {condition}: {e}"));
    (CaseId(id).to_string(), version, agent)
}

/// What the stream must say after a write answered with `detail`.
fn change_of(detail: &Value) -> Value {
    json!({
        "id": detail["summary"]["id"],
        "version": detail["version"],
        "status": detail["summary"]["status"],
    })
}

#[tokio::test]
async fn a_message_reaches_the_streams_that_may_see_its_case_only() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let oskar = app.sign_in(CUSTOMER_OSKAR).await;
    let support_se = app.sign_in(SUPPORT_SE).await;
    let support_nl = app.sign_in(SUPPORT_NL).await;
    let mut streams = Vec::new();
    for session in [&anna, &erik, &sara, &lisa, &oskar, &support_se, &support_nl] {
        streams.push(app.open_stream(session).await);
    }
    let [anna_s, erik_s, sara_s, lisa_s, oskar_s, support_se_s, support_nl_s] = &mut streams[..]
    else {
        unreachable!()
    };
    // Sent as it is, untouched by the conditional GETs.
    assert_eq!(
        anna_s.headers.get(header::CACHE_CONTROL).unwrap(),
        "no-cache"
    );
    assert!(anna_s.headers.get(header::ETAG).is_none());

    // Anna writes to Lisa: Anna's desk, Lisa and Fyndmarknad's support hear of it.
    let (id, version) = app.lisas_open_case(&anna).await;
    let detail = app
        .post_message(&anna, &id, version, "live-1", "We are on it.")
        .await;
    assert_eq!(detail["version"], version + 1);
    assert_eq!(detail["summary"]["status"], "awaiting_customer");
    let event = anna_s.next_within(ARRIVES).await.expect("Anna hears of it");
    assert_eq!(event.event, "case");
    // Exactly the contract's shape.
    assert_eq!(
        event.data,
        format!(
            r#"{{"id":"{id}","version":{},"status":"awaiting_customer"}}"#,
            version + 1
        )
    );
    let change: CaseChanged = serde_json::from_str(&event.data).unwrap();
    assert_eq!(change.status, Status::AwaitingCustomer);
    for stream in [&mut *erik_s, &mut *lisa_s, &mut *support_se_s] {
        assert_eq!(stream.next_about(&id, ARRIVES).await, change_of(&detail));
    }

    // Another merchant, another customer and another marketplace's support
    // do not: the next event each receives is about a case of their own.
    let lumo_merchant = format!("(SELECT merchant_id FROM users WHERE email = '{MERCHANT_LUMO}')");
    let plein = format!("(SELECT marketplace_id FROM users WHERE email = '{SUPPORT_NL}')");
    let neither = format!("cu.email NOT IN ('{CUSTOMER_LISA}', '{CUSTOMER_OSKAR}')");
    let (lumo_id, lumo_version, lumo_agent) = open_case_where(
        &app,
        &format!("c.merchant_id = {lumo_merchant} AND {neither}"),
    )
    .await;
    let lumo_session = app.sign_in(&lumo_agent).await;
    let lumo = app
        .post_message(&lumo_session, &lumo_id, lumo_version, "live-2", "Hello.")
        .await;
    let (oskar_id, oskar_version, oskar_agent) =
        open_case_where(&app, &format!("cu.email = '{CUSTOMER_OSKAR}' AND c.merchant_id <> {lumo_merchant} AND c.marketplace_id <> {plein}")).await;
    let oskar_agent = app.sign_in(&oskar_agent).await;
    let oskars = app
        .post_message(&oskar_agent, &oskar_id, oskar_version, "live-3", "Hello.")
        .await;
    let (nl_id, nl_version, nl_agent) =
        open_case_where(&app, &format!("c.marketplace_id = {plein} AND {neither}")).await;
    let nl_agent = app.sign_in(&nl_agent).await;
    let nl = app
        .post_message(&nl_agent, &nl_id, nl_version, "live-4", "Hallo.")
        .await;

    let sara_first = sara_s.next_within(ARRIVES).await.expect("Sara's own case");
    assert_eq!(sara_first.json(), change_of(&lumo));
    let oskar_first = oskar_s
        .next_within(ARRIVES)
        .await
        .expect("Oskar's own case");
    assert_eq!(oskar_first.json(), change_of(&oskars));
    let nl_first = support_nl_s
        .next_within(ARRIVES)
        .await
        .expect("a case of Plein");
    assert_eq!(nl_first.json(), change_of(&nl));
    // And nothing else is queued for them; nor for Lisa, whose case was
    // the first change only.
    for stream in [sara_s, oskar_s, support_nl_s, lisa_s] {
        assert!(stream.next_within(QUIET).await.is_none());
    }
}

#[tokio::test]
async fn the_stream_needs_a_session() {
    let app = TestApp::seeded().await;
    app.get("/api/v1/stream", None)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    app.get("/api/v1/stream", Some("claimdesk_session=not-a-session"))
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn a_decision_reaches_the_stream() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let mut anna_s = app.open_stream(&anna).await;
    let mut lisa_s = app.open_stream(&lisa).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let detail = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "live-decision",
            &json!({ "version": version, "kind": "reject", "note": "Wear from use." }),
        )
        .await
        .ok();
    assert_eq!(detail["summary"]["status"], "rejected");
    let expected = change_of(&detail);
    assert_eq!(anna_s.next_about(&id, ARRIVES).await, expected);
    assert_eq!(lisa_s.next_about(&id, ARRIVES).await, expected);
    // A retried request answers from the stored reply: no second change.
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/decision"),
        &anna,
        "live-decision",
        &json!({ "version": version, "kind": "reject", "note": "Wear from use." }),
    )
    .await
    .ok();
    assert!(anna_s.next_within(QUIET).await.is_none());
}

#[tokio::test]
async fn what_the_sweeps_change_reaches_the_streams() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let mut anna_s = app.open_stream(&anna).await;
    let mut sara_s = app.open_stream(&sara).await;
    // Parked on the customer now, so the no-reply sweep closes it later.
    let (id, version) = app.lisas_open_case(&anna).await;
    app.post_message(&anna, &id, version, "live-sweep", "Which colour?")
        .await;
    assert_eq!(
        anna_s.next_about(&id, ARRIVES).await["version"],
        version + 1
    );

    let later = app.state.now() + Days::days(NO_REPLY_DAYS + 1);
    let report = run_all(&app.state, later).await.unwrap();
    let closed = CaseId(id[2..].parse().unwrap());
    assert!(report.closed.contains(&closed));
    let changed: Vec<i64> = report
        .acted
        .iter()
        .map(|(case, _)| case.0)
        .chain(report.closed.iter().map(|case| case.0))
        .collect();
    assert!(!report.acted.is_empty(), "some response clock ran out");
    // Each stream hears of exactly its merchant's changed cases, as stored.
    for (stream, email) in [(&mut anna_s, MERCHANT_NORDIC), (&mut sara_s, MERCHANT_LUMO)] {
        let mut expected = BTreeSet::new();
        for &case in &changed {
            let (version, status): (i64, String) = sqlx::query_as(
                "SELECT c.version, c.status FROM cases c
                 WHERE c.id = ? AND c.merchant_id = (SELECT merchant_id FROM users WHERE email = ?)",
            )
            .bind(case)
            .bind(email)
            .fetch_optional(&app.state.db)
            .await
            .unwrap()
            .unwrap_or_default();
            if !status.is_empty() {
                expected.insert(
                    json!({ "id": CaseId(case).to_string(), "version": version, "status": status })
                        .to_string(),
                );
            }
        }
        let mut received = BTreeSet::new();
        while let Some(event) = stream.next_within(QUIET.max(Duration::from_secs(1))).await {
            assert_eq!(event.event, "case");
            received.insert(event.json().to_string());
        }
        assert_eq!(received, expected, "{email}");
        if email == MERCHANT_NORDIC {
            let closed = json!({ "id": id, "version": version + 2, "status": "rejected" });
            assert!(received.contains(&closed.to_string()), "{received:?}");
            assert!(received.len() > 1, "the breach sweep's changes too");
        }
    }
}

/// A case of Nordic Home's (and of no customer's), as the live updates
/// filter it.
async fn nordic_owners(app: &TestApp) -> CaseOwners {
    let (merchant_id, marketplace_id): (i64, i64) =
        sqlx::query_as("SELECT merchant_id, marketplace_id FROM users WHERE email = ?")
            .bind(MERCHANT_NORDIC)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    CaseOwners {
        merchant_id,
        customer_id: -1,
        marketplace_id,
    }
}

/// Publishes `count` changes of one case of `owners`, versions 0 and up.
fn flood(app: &TestApp, owners: CaseOwners, count: usize) {
    for version in 0..count as i64 {
        app.state.live.publish(
            owners,
            CaseChanged {
                id: CaseId(1),
                version,
                status: Status::Submitted,
            },
            None,
        );
    }
}

#[tokio::test]
async fn a_stream_that_falls_behind_is_told_to_resync() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let mut stream = app.open_stream(&anna).await;
    let owners = nordic_owners(&app).await;
    // More changes than the channel holds, before the stream reads any.
    flood(&app, owners, CAPACITY + 1);
    let first = stream.next_within(ARRIVES).await.expect("an event");
    assert_eq!(
        (first.event.as_str(), first.data.as_str()),
        ("resync", "{}")
    );
    // The changes it fell behind on are not sent after it (the resync
    // covers them); the next new one is.
    assert!(stream.next_within(QUIET).await.is_none());
    app.state.live.publish(
        owners,
        CaseChanged {
            id: CaseId(1),
            version: CAPACITY as i64 + 1,
            status: Status::Submitted,
        },
        None,
    );
    let next = stream.next_within(ARRIVES).await.expect("an event");
    assert_eq!(next.event, "case");
    assert_eq!(next.json()["version"], CAPACITY as i64 + 1);
}

#[tokio::test]
async fn streams_end_when_the_server_shuts_down() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let mut stream = app.open_stream(&anna).await;
    assert!(stream.next_within(QUIET).await.is_none());
    assert!(!stream.ended);
    app.state.live.close();
    assert!(stream.next_within(ARRIVES).await.is_none());
    assert!(stream.ended);
}

#[tokio::test]
async fn the_customer_hears_nothing_of_what_the_desk_does_internally() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, desk_seen) = app.lisas_open_case(&anna).await;
    let seen_by_lisa = app.case(&lisa, &id).await;
    let mut anna_s = app.open_stream(&anna).await;
    let mut lisa_s = app.open_stream(&lisa).await;

    // A note, a hold and a drafted decision: the desk hears of each.
    let mut desk_version = desk_seen;
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/notes"),
        &anna,
        "internal-note",
        &json!({ "version": desk_version, "body": "Check the courier's photos first." }),
    )
    .await
    .ok();
    desk_version += 1;
    assert_eq!(
        anna_s.next_about(&id, ARRIVES).await["version"],
        desk_version
    );
    app.write(
        "POST",
        &format!("/api/v1/cases/{id}/hold"),
        Some(&anna),
        &json!({ "version": desk_version, "take_over": false }),
    )
    .await
    .ok();
    desk_version += 1;
    assert_eq!(
        anna_s.next_about(&id, ARRIVES).await["version"],
        desk_version
    );
    desk_version = prepare(
        &app,
        &anna,
        &id,
        json!({ "kind": "reject", "note": "Outside the return window." }),
    )
    .await;
    assert_eq!(
        anna_s.next_about(&id, ARRIVES).await["version"],
        desk_version
    );

    // Lisa's stream stays silent, and her copy of the case is as it was:
    // the same version and time, no holder, no draft.
    assert!(lisa_s.next_within(QUIET).await.is_none());
    let now_seen = app.case(&lisa, &id).await;
    assert_eq!(now_seen, seen_by_lisa);
    assert!(now_seen["held_by_id"].is_null());
    assert!(now_seen["summary"]["held_by"].is_null());
    let listed = app
        .get("/api/v1/cases?inbox=mine&per_page=200", Some(&lisa))
        .await
        .ok();
    let row = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["version"], seen_by_lisa["version"]);
    assert!(row["held_by"].is_null());

    // Her reply with the version she saw is no conflict: nothing she could
    // see changed.
    let lisa_version = version(&seen_by_lisa);
    let replied = app
        .post_message(
            &lisa,
            &id,
            lisa_version,
            "lisa-reply",
            "Here are more photos.",
        )
        .await;
    assert_eq!(version(&replied), lisa_version + 1);
    assert_eq!(
        lisa_s.next_about(&id, ARRIVES).await["version"],
        lisa_version + 1
    );
    assert_eq!(
        anna_s.next_about(&id, ARRIVES).await["version"],
        desk_version + 1
    );

    // Anna's answer is something Lisa sees: it reaches her stream with her
    // version, and the version she held before is now stale.
    app.post_message(
        &anna,
        &id,
        desk_version + 1,
        "anna-answer",
        "Thank you, we will look.",
    )
    .await;
    assert_eq!(
        lisa_s.next_about(&id, ARRIVES).await["version"],
        lisa_version + 2
    );
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/messages"),
        &lisa,
        "lisa-stale",
        &json!({ "version": lisa_version + 1, "body": "Hello?" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "stale-version");
}

/// Every event that arrives within `QUIET` of the last one.
async fn drain(stream: &mut common::EventStream) -> Vec<common::SseEvent> {
    let mut events = Vec::new();
    while let Some(event) = stream.next_within(QUIET).await {
        events.push(event);
    }
    events
}

#[tokio::test]
async fn a_reconnecting_stream_gets_exactly_what_it_missed() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let mut anna_s = app.open_stream(&anna).await;
    let mut lisa_s = app.open_stream(&lisa).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    app.post_message(&anna, &id, version, "replay-1", "Which colour was it?")
        .await;
    let anna_seen = anna_s.next_within(ARRIVES).await.expect("Anna's first");
    let lisa_seen = lisa_s.next_within(ARRIVES).await.expect("Lisa's first");
    let lisa_version = lisa_seen.json()["version"].as_i64().unwrap();
    // Both connections drop.
    drop((anna_s, lisa_s));

    // Meanwhile Lisa answers and Anna writes a note (the desk's alone).
    let lisa_case = app.case(&lisa, &id).await;
    assert_eq!(lisa_case["version"], lisa_version);
    app.post_message(&lisa, &id, lisa_version, "replay-2", "Grey.")
        .await;
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/notes"),
        &anna,
        "replay-note",
        &json!({ "version": version + 2, "body": "Grey is out of stock." }),
    )
    .await
    .ok();

    // Anna comes back: both changes, in order, each once, with their ids.
    let mut anna_back = app.open_stream_after(&anna, anna_seen.id.as_deref()).await;
    let missed = drain(&mut anna_back).await;
    let versions: Vec<i64> = missed
        .iter()
        .map(|e| {
            assert_eq!(e.event, "case", "{e:?}");
            e.json()["version"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(versions, [version + 2, version + 3]);
    let ids: BTreeSet<&str> = missed.iter().filter_map(|e| e.id.as_deref()).collect();
    assert_eq!(ids.len(), 2, "each with an id of its own");
    // Lisa comes back: her answer only, in her version; not the note.
    let mut lisa_back = app.open_stream_after(&lisa, lisa_seen.id.as_deref()).await;
    let missed = drain(&mut lisa_back).await;
    assert_eq!(missed.len(), 1, "{missed:?}");
    assert_eq!(missed[0].json()["version"], lisa_version + 1);

    // What comes next arrives once on the resumed stream.
    app.post_message(&anna, &id, version + 3, "replay-3", "We have it in blue.")
        .await;
    assert_eq!(
        anna_back.next_about(&id, ARRIVES).await["version"],
        version + 4
    );
    assert!(anna_back.next_within(QUIET).await.is_none());

    // Resuming from the newest id: up to date, nothing again.
    let last = drain(&mut lisa_back)
        .await
        .into_iter()
        .rev()
        .find_map(|e| e.id)
        .unwrap();
    let mut current = app.open_stream_after(&lisa, Some(&last)).await;
    let events = drain(&mut current).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].event, "ready");
    assert_eq!(events[0].id.as_deref(), Some(last.as_str()));
}

#[tokio::test]
async fn a_stream_back_after_more_than_the_log_holds_is_told_to_resync_once() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let stream = app.open_stream(&anna).await;
    let position = stream.position.clone().unwrap();
    drop(stream);
    let owners = nordic_owners(&app).await;
    flood(&app, owners, CAPACITY + 1);
    for last in [position.as_str(), "not-an-id", "1-1"] {
        let mut back = app.open_stream_after(&anna, Some(last)).await;
        let events = drain(&mut back).await;
        assert_eq!(events.len(), 1, "{last}: {events:?}");
        assert_eq!(
            (events[0].event.as_str(), events[0].data.as_str()),
            ("resync", "{}")
        );
        // The resync carries the stream's new position: resuming from it
        // is up to date.
        let mut again = app.open_stream_after(&anna, events[0].id.as_deref()).await;
        assert_eq!(drain(&mut again).await[0].event, "ready");
    }
}
