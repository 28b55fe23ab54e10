//! Working together live: who of the desk has a case open and who is
//! typing (`PUT`/`DELETE /cases/{id}/presence`, `event: presence`), and
//! when each side read the other's messages (`POST /cases/{id}/read`,
//! `event: read`).

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Duration as Span;
use claimdesk_server::domain::presence::{self, TYPING_FOR, VIEWING_FOR};
use common::*;
use serde_json::{json, Value};

const ARRIVES: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(300);

async fn here(app: &TestApp, session: &str, id: &str, typing: bool) -> Value {
    app.write(
        "PUT",
        &format!("/api/v1/cases/{id}/presence"),
        Some(session),
        &json!({ "typing": typing }),
    )
    .await
    .ok()
}

/// The names and typing flags of a presence, in order.
fn viewers(presence: &Value) -> Vec<(String, bool)> {
    presence["viewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v["typing"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The next `presence` event of a stream.
async fn next_presence(stream: &mut EventStream) -> Value {
    let event = stream.next_within(ARRIVES).await.expect("a presence event");
    assert_eq!(event.event, "presence", "{event:?}");
    assert!(event.id.is_none(), "presence is not replayed");
    event.json()
}

async fn name_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT name FROM users WHERE email = ?")
        .bind(email)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_desk_sees_who_is_on_a_case_and_nobody_else_does() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let support = app.sign_in(SUPPORT_SE).await;
    let support_nl = app.sign_in(SUPPORT_NL).await;
    let (erik_name, anna_name) = (
        name_of(&app, MERCHANT_NORDIC_2).await,
        name_of(&app, MERCHANT_NORDIC).await,
    );
    let (id, _) = app.lisas_open_case(&anna).await;
    let mut anna_s = app.open_stream(&anna).await;
    let mut lisa_s = app.open_stream(&lisa).await;
    let mut support_s = app.open_stream(&support).await;
    let mut sara_s = app.open_stream(&sara).await;
    let mut nl_s = app.open_stream(&support_nl).await;

    // Anna opens the case: she is its only viewer.
    let alone = here(&app, &anna, &id, false).await;
    assert_eq!(viewers(&alone), [(anna_name.clone(), false)]);
    assert_eq!(next_presence(&mut anna_s).await, alone);

    // Erik opens it too: Anna and support see both of them.
    let both = here(&app, &erik, &id, false).await;
    assert_eq!(
        viewers(&both)
            .into_iter()
            .map(|v| v.0)
            .collect::<std::collections::BTreeSet<_>>(),
        [anna_name.clone(), erik_name.clone()].into()
    );
    assert_eq!(next_presence(&mut anna_s).await, both);
    assert_eq!(next_presence(&mut support_s).await, alone);
    assert_eq!(next_presence(&mut support_s).await, both);

    // The customer hears only that nobody is typing: no names, ever.
    for _ in 0..2 {
        let event = next_presence(&mut lisa_s).await;
        assert_eq!(
            event,
            json!({ "id": id, "viewers": [], "desk_typing": false })
        );
    }
    // Her own visit is not recorded, and she learns no names from it.
    let lisas_view = here(&app, &lisa, &id, true).await;
    assert_eq!(
        lisas_view,
        json!({ "id": id, "viewers": [], "desk_typing": false })
    );
    assert!(
        anna_s.next_within(QUIET).await.is_none(),
        "Lisa's visit is not told"
    );

    // Erik types: the desk sees who; Lisa sees that the desk is typing.
    let typing = here(&app, &erik, &id, true).await;
    assert!(viewers(&typing).contains(&(erik_name.clone(), true)));
    assert_eq!(next_presence(&mut anna_s).await, typing);
    assert_eq!(
        next_presence(&mut lisa_s).await,
        json!({ "id": id, "viewers": [], "desk_typing": true })
    );
    // Repeating it while it goes on changes nothing anyone sees.
    here(&app, &erik, &id, true).await;
    assert!(anna_s.next_within(QUIET).await.is_none());

    // Another merchant and another marketplace's support hear nothing, and
    // cannot touch the case's presence.
    assert!(sara_s.next_within(QUIET).await.is_none());
    assert!(nl_s.next_within(QUIET).await.is_none());
    for outsider in [&sara, &support_nl] {
        app.write(
            "PUT",
            &format!("/api/v1/cases/{id}/presence"),
            Some(outsider),
            &json!({ "typing": true }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    }

    // Erik leaves: gone at once for everyone who saw him.
    let gone = app
        .write(
            "DELETE",
            &format!("/api/v1/cases/{id}/presence"),
            Some(&erik),
            &json!(null),
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let after = next_presence(&mut anna_s).await;
    assert_eq!(viewers(&after), [(anna_name, false)]);
    // Lisa's last says the desk stopped typing.
    let mut last = None;
    while let Some(event) = lisa_s.next_within(QUIET).await {
        last = Some(event.json());
    }
    assert_eq!(
        last.unwrap(),
        json!({ "id": id, "viewers": [], "desk_typing": false })
    );
}

#[tokio::test]
async fn typing_and_viewing_run_out_without_news() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    let start = app.state.now();
    here(&app, &anna, &id, false).await;
    here(&app, &erik, &id, true).await;
    let mut anna_s = app.open_stream(&anna).await;

    // Before the typing flag runs out nothing changes.
    presence::expire(&app.state, start + TYPING_FOR - Span::seconds(1));
    assert!(anna_s.next_within(QUIET).await.is_none());
    // After it, Erik is still there but no longer typing.
    presence::expire(&app.state, start + TYPING_FOR + Span::seconds(1));
    let event = next_presence(&mut anna_s).await;
    let erik_name = name_of(&app, MERCHANT_NORDIC_2).await;
    assert!(viewers(&event).contains(&(erik_name, false)), "{event}");
    // A tab that stops saying it is there is gone after `VIEWING_FOR`.
    presence::expire(&app.state, start + VIEWING_FOR + Span::seconds(1));
    let event = next_presence(&mut anna_s).await;
    assert_eq!(event["viewers"], json!([]));
    // And a case nobody has open is no one's.
    assert_eq!(
        app.state.presence.view(id.parse().unwrap(), start).viewers,
        []
    );
}

/// The messages of a case as `session` reads them: (author role, read_at).
async fn receipts(app: &TestApp, session: &str, id: &str) -> Vec<(String, Value)> {
    app.get(&format!("/api/v1/cases/{id}/messages"), Some(session))
        .await
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["author_role"].as_str().unwrap().to_owned(),
                m["read_at"].clone(),
            )
        })
        .collect()
}

async fn mark_read(app: &TestApp, session: &str, id: &str, up_to: i64) -> u16 {
    app.write(
        "POST",
        &format!("/api/v1/cases/{id}/read"),
        Some(session),
        &json!({ "up_to": up_to }),
    )
    .await
    .status
    .as_u16()
}

#[tokio::test]
async fn each_side_sees_when_the_other_read_its_messages() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let oskar = app.sign_in(CUSTOMER_OSKAR).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    app.post_message(&anna, &id, version, "read-1", "Could you send a photo?")
        .await;
    let messages = app
        .get(&format!("/api/v1/cases/{id}/messages"), Some(&anna))
        .await
        .ok();
    let annas = messages.as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap();
    // Sent, not read: both sides see it so.
    assert!(receipts(&app, &lisa, &id)
        .await
        .iter()
        .all(|(_, read)| read.is_null()));

    let mut anna_s = app.open_stream(&anna).await;
    let mut lisa_s = app.open_stream(&lisa).await;
    let case_before = app.case(&anna, &id).await;

    // Someone else cannot mark it read, nor learn it exists.
    for outsider in [&oskar, &sara] {
        assert_eq!(mark_read(&app, outsider, &id, annas).await, 404);
    }
    // Marking her own side's messages does not count: the desk reading
    // Anna's message is not the customer reading it.
    assert_eq!(mark_read(&app, &erik, &id, annas).await, 204);
    assert!(
        anna_s.next_within(QUIET).await.is_none(),
        "nothing was read"
    );

    // Lisa reads it: Anna sees when; the case's version is unchanged (no
    // one's open decision goes stale), and no event is written.
    assert_eq!(mark_read(&app, &lisa, &id, annas).await, 204);
    let event = anna_s.next_within(ARRIVES).await.expect("a read event");
    assert_eq!(event.event, "read");
    assert!(event.id.is_some(), "replayed like a change");
    assert_eq!(event.json(), json!({ "id": id, "by_customer": true }));
    assert_eq!(
        lisa_s.next_within(ARRIVES).await.unwrap().json(),
        json!({ "id": id, "by_customer": true })
    );
    let read = receipts(&app, &anna, &id).await;
    let (_, read_at) = read.iter().rfind(|(role, _)| role == "merchant").unwrap();
    assert!(read_at.is_string(), "{read:?}");
    assert_eq!(app.case(&anna, &id).await, case_before);
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&anna))
        .await
        .ok();
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] != "read"));

    // Reading it again keeps the first time and tells no one.
    assert_eq!(mark_read(&app, &lisa, &id, annas).await, 204);
    assert_eq!(receipts(&app, &anna, &id).await, read);
    assert!(anna_s.next_within(QUIET).await.is_none());

    // Lisa answers; the desk reads it: Lisa sees her message read.
    let lisa_version = app.case(&lisa, &id).await["version"].as_i64().unwrap();
    app.post_message(&lisa, &id, lisa_version, "read-2", "Here it is.")
        .await;
    let hers = app
        .get(&format!("/api/v1/cases/{id}/messages"), Some(&lisa))
        .await
        .ok()
        .as_array()
        .unwrap()
        .last()
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let before = receipts(&app, &lisa, &id).await;
    assert!(before.last().unwrap().1.is_null());
    assert_eq!(mark_read(&app, &erik, &id, hers).await, 204);
    let after = receipts(&app, &lisa, &id).await;
    assert!(after.last().unwrap().1.is_string(), "{after:?}");
    // The desk's earlier message keeps when Lisa read it.
    assert_eq!(after[after.len() - 2], read[read.len() - 1]);

    // A body that is not the shape: a field error, nothing changed.
    app.write(
        "POST",
        &format!("/api/v1/cases/{id}/read"),
        Some(&lisa),
        &json!({ "up_to": "all" }),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
}
