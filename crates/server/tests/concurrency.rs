//! Several people on one case: exactly one of simultaneous writers wins
//! each round and the others get the conflict, no update is lost, and the
//! audit trail matches the versions; an Idempotency-Key is its user's
//! alone; a write that changes nothing makes no new version.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn of_agents_writing_at_once_one_wins_each_round_and_nothing_is_lost() {
    let app = TestApp::seeded().await;
    let agents = [
        app.sign_in(MERCHANT_NORDIC).await,
        app.sign_in(MERCHANT_NORDIC_2).await,
        app.sign_in(SUPPORT_SE).await,
    ];
    let (id, mut version) = app.lisas_open_case(&agents[0]).await;
    let events_before = app
        .count(&format!(
            "SELECT COUNT(*) FROM events WHERE case_id = {}",
            id_number(&id)
        ))
        .await;
    const ROUNDS: i64 = 10;
    let mut won = Vec::new();
    for round in 0..ROUNDS {
        // Each agent writes a note on the version all of them saw.
        let attempts = agents.iter().enumerate().map(|(agent, session)| {
            let app = &app;
            let id = id.clone();
            async move {
                let reply = app
                    .write_once(
                        "POST",
                        &format!("/api/v1/cases/{id}/notes"),
                        session,
                        &format!("round {round} agent {agent}"),
                        &json!({ "version": version, "body": format!("round {round} by {agent}") }),
                    )
                    .await;
                (agent, reply)
            }
        });
        let replies = futures_util::future::join_all(attempts).await;
        let winners: Vec<_> = replies
            .iter()
            .filter(|(_, r)| r.status == StatusCode::OK)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: exactly one writer wins");
        for (_, reply) in replies.iter().filter(|(_, r)| r.status != StatusCode::OK) {
            reply.problem(StatusCode::CONFLICT, "stale-version");
        }
        let (agent, reply) = winners[0];
        assert_eq!(reply.json()["version"], version + 1);
        version += 1;
        won.push(format!("round {round} by {agent}"));
    }
    // Every winner's note is there, once, in order; no loser's.
    let notes = app
        .get(&format!("/api/v1/cases/{id}/notes"), Some(&agents[0]))
        .await
        .ok();
    let rounds: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["body"].as_str().unwrap())
        .filter(|b| b.starts_with("round "))
        .collect();
    assert_eq!(rounds, won);
    // One event per version: the trail is the history.
    let events_after = app
        .count(&format!(
            "SELECT COUNT(*) FROM events WHERE case_id = {}",
            id_number(&id)
        ))
        .await;
    assert_eq!(events_after - events_before, ROUNDS);
    assert_eq!(app.case(&agents[0], &id).await["version"], version);
}

#[tokio::test]
async fn an_idempotency_key_answers_only_the_user_who_sent_it() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let path = format!("/api/v1/cases/{id}/notes");
    let body = json!({ "version": version, "body": "Anna's note" });
    app.write_once("POST", &path, &anna, "the same key", &body)
        .await
        .ok();
    // Erik sends the very same request with the very same key: it is his
    // own request, on a version that is gone, not a retry of Anna's.
    app.write_once("POST", &path, &erik, "the same key", &body)
        .await
        .problem(StatusCode::CONFLICT, "stale-version");
    // Anna's retry is hers: the first answer again, nothing written twice.
    let again = app
        .write_once("POST", &path, &anna, "the same key", &body)
        .await
        .ok();
    assert_eq!(again["version"], version + 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notes WHERE body = 'Anna''s note'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_toggle_set_to_the_value_it_has_changes_nothing() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let case = app.case(&anna, &id).await;
    let events = format!(
        "SELECT COUNT(*) FROM events WHERE case_id = {}",
        id_number(&id)
    );
    let before = app.count(&events).await;
    let same = app
        .write(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&anna),
            &json!({ "version": version, "free_return": case["free_return"] }),
        )
        .await
        .ok();
    assert_eq!(same["version"], version, "no new version");
    assert_eq!(app.count(&events).await, before, "no event");
    let changed = app
        .write(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(&anna),
            &json!({ "version": version, "free_return": !case["free_return"].as_bool().unwrap() }),
        )
        .await
        .ok();
    assert_eq!(changed["version"], version + 1);
    assert_eq!(app.count(&events).await, before + 1);
}
