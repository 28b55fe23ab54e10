//! Guessing passwords: failures lock the account (and the address) for the
//! rest of the window, with the right password too; a flood from one
//! address is refused before any hashing.

mod common;

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use claimdesk_server::sign_in_limits::SignInPolicy;
use claimdesk_server::{seed, Config};
use common::*;
use serde_json::json;

/// A sign-in as the SPA sends it, from `address` (as the real server sees
/// the peer; `None` as through a local socket without one).
async fn attempt(app: &TestApp, email: &str, password: &str, address: Option<[u8; 4]>) -> Reply {
    let mut request = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-claimdesk-csrf", "1")
        .body(Body::from(
            json!({ "email": email, "password": password }).to_string(),
        ))
        .unwrap();
    if let Some(ip) = address {
        let addr = SocketAddr::new(IpAddr::from(ip), 40_000);
        request.extensions_mut().insert(ConnectInfo(addr));
    }
    app.send(request).await
}

fn retry_after(reply: &Reply) -> u64 {
    let header: u64 = reply.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(reply.json()["retry_after_seconds"], header);
    header
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    let app = TestApp::seeded().await;
    const HOME: Option<[u8; 4]> = Some([192, 0, 2, 1]);
    for _ in 0..5 {
        attempt(&app, MERCHANT_NORDIC, "guess", HOME)
            .await
            .problem(StatusCode::UNAUTHORIZED, "invalid-credentials");
    }
    // The sixth try is refused before the password is looked at, so the
    // right password gets the same answer as a wrong one.
    let wrong = attempt(&app, MERCHANT_NORDIC, "guess", HOME).await;
    wrong.problem(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
    let right = attempt(&app, MERCHANT_NORDIC, seed::DEMO_PASSWORD, HOME).await;
    let problem = right.problem(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
    assert!(right.headers.get(header::SET_COOKIE).is_none());
    assert_eq!(wrong.body, right.body, "the two refusals differ");
    let wait = retry_after(&right);
    assert!((14 * 60..=15 * 60).contains(&wait), "Retry-After {wait}");
    assert_eq!(problem["detail"], "Try again in 15 minutes");

    // The email as typed in other letters is the same account.
    attempt(
        &app,
        "  ANNA@nordichome.example ",
        seed::DEMO_PASSWORD,
        HOME,
    )
    .await
    .problem(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
    // A colleague at the same address signs in as ever.
    attempt(&app, MERCHANT_NORDIC_2, seed::DEMO_PASSWORD, HOME)
        .await
        .ok();

    // When the window has passed, the right password works, and the
    // failures are forgotten: five more are allowed again.
    app.state.advance_clock(chrono::Duration::minutes(15));
    attempt(&app, MERCHANT_NORDIC, seed::DEMO_PASSWORD, HOME)
        .await
        .ok();
    for _ in 0..5 {
        attempt(&app, MERCHANT_NORDIC, "guess", HOME)
            .await
            .problem(StatusCode::UNAUTHORIZED, "invalid-credentials");
    }
}

#[tokio::test]
async fn an_unknown_email_is_counted_like_a_known_one() {
    let app = TestApp::seeded().await;
    for _ in 0..5 {
        attempt(&app, "nobody@nowhere.example", "guess", None)
            .await
            .problem(StatusCode::UNAUTHORIZED, "invalid-credentials");
    }
    // Locked exactly as an account that exists would be: the answers do not
    // tell which emails have an account.
    attempt(&app, "nobody@nowhere.example", "guess", None)
        .await
        .problem(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
}

#[tokio::test]
async fn failures_from_one_address_lock_that_address_only() {
    let app = TestApp::seeded_with(Config {
        sign_in: SignInPolicy {
            per_address: 8,
            ..SignInPolicy::default()
        },
        ..Config::default()
    })
    .await;
    const SPRAYER: Option<[u8; 4]> = Some([198, 51, 100, 7]);
    // One guess each on many accounts: no account reaches its own limit.
    for n in 0..8 {
        attempt(
            &app,
            &format!("user{n}@shop.example"),
            "Winter2026!",
            SPRAYER,
        )
        .await
        .problem(StatusCode::UNAUTHORIZED, "invalid-credentials");
    }
    let refused = attempt(&app, CUSTOMER_LISA, seed::DEMO_PASSWORD, SPRAYER).await;
    refused.problem(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
    assert!(retry_after(&refused) > 0);
    // Lisa herself, from her own address, is not affected.
    attempt(
        &app,
        CUSTOMER_LISA,
        seed::DEMO_PASSWORD,
        Some([203, 0, 113, 9]),
    )
    .await
    .ok();
}

#[tokio::test]
async fn a_flood_from_one_address_is_refused_before_hashing() {
    let app = TestApp::seeded().await;
    const FLOOD: Option<[u8; 4]> = Some([198, 51, 100, 99]);
    let burst = SignInPolicy::default().burst_per_address as usize;
    // All at once, with different accounts so that no failure count is
    // reached: the attempts limiter alone refuses what is over its burst.
    let replies = futures_util::future::join_all((0..burst + 10).map(|n| {
        let email = format!("flood{n}@shop.example");
        let app = &app;
        async move { attempt(app, &email, "guess", FLOOD).await }
    }))
    .await;
    let refused: Vec<_> = replies
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert!(refused.len() >= 10, "{} refused", refused.len());
    for reply in refused {
        reply.problem(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
        assert!(retry_after(reply) >= 1);
    }
}
