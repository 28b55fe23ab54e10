//! Sessions: they end after 12 hours without use and after 30 days in any
//! case, are renewed while used; signing out (here or everywhere) and a new
//! password end them and their open event streams at once; one session
//! holds at most eight streams, the oldest closed first.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Duration as Span;
use claimdesk_server::open_streams::MAX_PER_SESSION;
use common::*;

async fn me(app: &TestApp, session: &str) -> StatusCode {
    app.get("/api/v1/me", Some(session)).await.status
}

/// Whether `stream` ends within a second (and sends nothing before).
async fn ends_at_once(stream: &mut EventStream) -> bool {
    stream.next_within(Duration::from_secs(1)).await;
    stream.ended
}

#[tokio::test]
async fn a_session_ends_after_twelve_idle_hours_and_lives_on_while_used() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    // Used every 11 hours, it lives on past its first 12.
    for _ in 0..4 {
        app.state.advance_clock(Span::hours(11));
        assert_eq!(me(&app, &anna).await, StatusCode::OK);
    }
    // 12 hours and a minute without use: gone.
    app.state.advance_clock(Span::hours(12) + Span::minutes(1));
    app.get("/api/v1/me", Some(&anna))
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn a_session_ends_after_thirty_days_however_much_it_is_used() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    // 60 uses 11 h 55 min apart: 715 hours, all within 30 days.
    for _ in 0..60 {
        app.state.advance_clock(Span::hours(12) - Span::minutes(5));
        assert_eq!(me(&app, &anna).await, StatusCode::OK);
    }
    // Six hours after the last use (well within 12 idle hours) it is 721
    // hours old: past 30 days, it ends.
    app.state.advance_clock(Span::hours(6));
    assert_eq!(me(&app, &anna).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_and_its_streams_at_once() {
    let app = TestApp::seeded().await;
    let laptop = app.sign_in(MERCHANT_NORDIC).await;
    let phone = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let mut laptop_stream = app.open_stream(&laptop).await;
    let mut erik_stream = app.open_stream(&erik).await;
    let answer = app
        .write(
            "DELETE",
            "/api/v1/sessions",
            Some(&phone),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let cookie = answer.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("claimdesk_session=;"), "{cookie}");
    assert_eq!(me(&app, &laptop).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert!(
        ends_at_once(&mut laptop_stream).await,
        "the laptop's stream ends at once"
    );
    // A colleague is not signed out.
    assert_eq!(me(&app, &erik).await, StatusCode::OK);
    assert!(!ends_at_once(&mut erik_stream).await);
    // Signed out, there is nobody to sign out everywhere.
    app.write(
        "DELETE",
        "/api/v1/sessions",
        Some(&phone),
        &serde_json::json!({}),
    )
    .await
    .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn signing_out_ends_that_sessions_streams_at_once_and_no_other() {
    let app = TestApp::seeded().await;
    let laptop = app.sign_in(MERCHANT_NORDIC).await;
    let phone = app.sign_in(MERCHANT_NORDIC).await;
    let mut laptop_stream = app.open_stream(&laptop).await;
    let mut phone_stream = app.open_stream(&phone).await;
    let out = app
        .write(
            "DELETE",
            "/api/v1/session",
            Some(&laptop),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(ends_at_once(&mut laptop_stream).await);
    assert!(!ends_at_once(&mut phone_stream).await);
    assert_eq!(me(&app, &phone).await, StatusCode::OK);
}

#[tokio::test]
async fn a_session_holds_eight_streams_and_a_ninth_closes_the_oldest() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let mut erik_stream = app.open_stream(&erik).await;
    let mut streams = Vec::new();
    for _ in 0..MAX_PER_SESSION {
        streams.push(app.open_stream(&anna).await);
    }
    for stream in &mut streams {
        assert!(!ends_at_once(stream).await, "eight streams stay open");
    }
    let mut ninth = app.open_stream(&anna).await;
    assert!(ends_at_once(&mut streams[0]).await, "the oldest is closed");
    for stream in &mut streams[1..] {
        assert!(!ends_at_once(stream).await);
    }
    assert!(!ends_at_once(&mut ninth).await);
    assert!(
        !ends_at_once(&mut erik_stream).await,
        "another session keeps its own"
    );
    // The closed one's reconnect is a stream like any other: it closes the
    // next oldest, never more than eight at once.
    let _tenth = app.open_stream(&anna).await;
    assert!(ends_at_once(&mut streams[1]).await);
}

#[tokio::test]
async fn a_new_password_ends_every_session_of_the_account() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let mut stream = app.open_stream(&anna).await;
    let ended = claimdesk_server::auth::set_password(
        &app.state,
        MERCHANT_NORDIC,
        "a much longer new password".to_owned(),
    )
    .await
    .unwrap();
    assert_eq!(ended, Some(1));
    assert_eq!(me(&app, &anna).await, StatusCode::UNAUTHORIZED);
    assert!(ends_at_once(&mut stream).await);
    // The old password no longer signs in; the new one does.
    let old = app
        .write(
            "POST",
            "/api/v1/session",
            None,
            &serde_json::json!({ "email": MERCHANT_NORDIC, "password": claimdesk_server::seed::DEMO_PASSWORD }),
        )
        .await;
    old.problem(StatusCode::UNAUTHORIZED, "invalid-credentials");
    let new = app
        .write(
            "POST",
            "/api/v1/session",
            None,
            &serde_json::json!({ "email": MERCHANT_NORDIC, "password": "a much longer new password" }),
        )
        .await;
    assert_eq!(new.status, StatusCode::OK);
    assert_eq!(
        claimdesk_server::auth::set_password(&app.state, "nobody@example", "x".repeat(12))
            .await
            .unwrap(),
        None
    );
}
