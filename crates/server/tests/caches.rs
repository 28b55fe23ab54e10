//! The caches in front of the database are invisible: an inbox page, the
//! counts and a session are never sent after a change made them wrong, and
//! never to anyone outside the scope they were read for.

mod common;

use axum::http::{header, Request, StatusCode};
use common::*;
use serde_json::{json, Value};

const OPEN: &str = "/api/v1/cases?inbox=open&per_page=200";
const COUNTS: &str = "/api/v1/inbox-counts";

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn count_of(counts: &Value, inbox: &str) -> i64 {
    counts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["inbox"] == inbox)
        .unwrap_or_else(|| panic!("no {inbox} count in {counts}"))["count"]
        .as_i64()
        .unwrap()
}

/// The case's summary in a list page, if the page holds it.
fn summary<'a>(page: &'a Value, id: &str) -> Option<&'a Value> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
}

#[tokio::test]
async fn a_colleagues_change_is_in_the_very_next_list_and_counts() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    // Both read the Open inbox and the counts twice: the second read of
    // each is the kept page.
    for session in [&anna, &erik, &anna, &erik] {
        app.get(OPEN, Some(session)).await.ok();
        app.get(COUNTS, Some(session)).await.ok();
    }
    let before = app.get(OPEN, Some(&anna)).await.ok();
    let counts_before = app.get(COUNTS, Some(&anna)).await.ok();
    let (id, version) = app.lisas_open_case(&anna).await;
    assert!(summary(&before, &id).is_some());

    // Erik holds the case: Anna's next list names him.
    let held = app
        .write(
            "POST",
            &format!("/api/v1/cases/{id}/hold"),
            Some(&erik),
            &json!({ "version": version, "take_over": true }),
        )
        .await
        .ok();
    let after_hold = app.get(OPEN, Some(&anna)).await.ok();
    assert_eq!(
        summary(&after_hold, &id).unwrap()["held_by"],
        "Erik Sjöberg"
    );
    assert_eq!(
        count_of(&app.get(COUNTS, Some(&erik)).await.ok(), "held_by_me"),
        count_of(&counts_before, "held_by_me") + 1,
        "Erik's own held-by-me count, although Anna's counts were read in between"
    );

    // Erik answers the customer: the case leaves the Open inbox, in Anna's
    // very next list and counts.
    app.post_message(
        &erik,
        &id,
        held["version"].as_i64().unwrap(),
        "cache-1",
        "We are on it.",
    )
    .await;
    let after_post = app.get(OPEN, Some(&anna)).await.ok();
    assert!(summary(&after_post, &id).is_none());
    assert_eq!(
        after_post["total"].as_i64().unwrap(),
        before["total"].as_i64().unwrap() - 1
    );
    let counts_after = app.get(COUNTS, Some(&anna)).await.ok();
    assert_eq!(
        count_of(&counts_after, "open"),
        count_of(&counts_before, "open") - 1
    );
    assert_eq!(
        count_of(&counts_after, "parked"),
        count_of(&counts_before, "parked") + 1
    );
}

#[tokio::test]
async fn a_customers_change_reaches_the_desk_and_support_at_once() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let support = app.sign_in(SUPPORT_SE).await;
    let awaiting = "/api/v1/cases?inbox=parked&per_page=200";
    let (id, version) = app.lisas_open_case(&anna).await;
    // The desk asks Lisa; her reply puts the case back in the Open inbox.
    let asked = app
        .post_message(&anna, &id, version, "cache-2", "Photo, please?")
        .await;
    let support_all = "/api/v1/cases?inbox=all&per_page=200&sort=newest";
    for _ in 0..2 {
        assert!(summary(&app.get(awaiting, Some(&anna)).await.ok(), &id).is_some());
        app.get(OPEN, Some(&anna)).await.ok();
        app.get("/api/v1/cases?per_page=200", Some(&lisa))
            .await
            .ok();
        app.get(support_all, Some(&support)).await.ok();
    }
    let before = app.get(support_all, Some(&support)).await.ok();
    assert_eq!(
        summary(&before, &id).unwrap()["status"],
        "awaiting_customer"
    );

    app.post_message(
        &lisa,
        &id,
        asked["version"].as_i64().unwrap(),
        "cache-3",
        "Here it is.",
    )
    .await;
    assert!(summary(&app.get(awaiting, Some(&anna)).await.ok(), &id).is_none());
    assert!(summary(&app.get(OPEN, Some(&anna)).await.ok(), &id).is_some());
    let mine = app
        .get("/api/v1/cases?per_page=200", Some(&lisa))
        .await
        .ok();
    assert_eq!(summary(&mine, &id).unwrap()["status"], "awaiting_merchant");
    let after = app.get(support_all, Some(&support)).await.ok();
    assert_eq!(summary(&after, &id).unwrap()["status"], "awaiting_merchant");
}

#[tokio::test]
async fn a_kept_page_goes_to_no_one_outside_its_scope() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let oskar = app.sign_in(CUSTOMER_OSKAR).await;
    let support_se = app.sign_in(SUPPORT_SE).await;
    let support_nl = app.sign_in(SUPPORT_NL).await;
    // The same query by everyone of a role, each after the others' pages
    // were kept.
    let mut seen: Vec<(String, Vec<String>, Value)> = Vec::new();
    for _ in 0..2 {
        for (who, session, query) in [
            ("anna", &anna, OPEN),
            ("sara", &sara, OPEN),
            ("lisa", &lisa, "/api/v1/cases?per_page=200"),
            ("oskar", &oskar, "/api/v1/cases?per_page=200"),
            (
                "support_se",
                &support_se,
                "/api/v1/cases?inbox=all&per_page=200",
            ),
            (
                "support_nl",
                &support_nl,
                "/api/v1/cases?inbox=all&per_page=200",
            ),
        ] {
            let page = app.get(query, Some(session)).await.ok();
            let counts = app.get(COUNTS, Some(session)).await.ok();
            seen.push((who.to_owned(), ids(&page), counts));
        }
    }
    let (first, second) = seen.split_at(seen.len() / 2);
    for (fresh, kept) in first.iter().zip(second) {
        assert_eq!(fresh, kept, "{} got what it was sent before", fresh.0);
    }
    let of = |who: &str| &first.iter().find(|s| s.0 == who).unwrap().1;
    let nordic: Vec<&String> = of("anna").iter().collect();
    assert!(!nordic.is_empty());
    for other in ["sara", "support_nl"] {
        assert!(
            of(other).iter().all(|id| !nordic.contains(&id)),
            "{other} sees none of Nordic Home's cases"
        );
    }
    assert!(of("lisa").iter().all(|id| of("support_se").contains(id)));
    assert!(of("lisa").iter().all(|id| !of("oskar").contains(id)));
    assert!(of("support_se")
        .iter()
        .all(|id| !of("support_nl").contains(id)));
    assert_ne!(
        first.iter().find(|s| s.0 == "anna").unwrap().2,
        first.iter().find(|s| s.0 == "sara").unwrap().2,
        "each merchant has its own counts"
    );
}

#[tokio::test]
async fn a_kept_page_has_the_etag_of_its_body_and_answers_304() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let first = app.get(OPEN, Some(&anna)).await;
    let kept = app.get(OPEN, Some(&anna)).await;
    assert_eq!(first.body, kept.body);
    let etag = first.headers.get(header::ETAG).unwrap().clone();
    assert_eq!(kept.headers.get(header::ETAG), Some(&etag));
    assert_eq!(
        kept.headers.get(header::CACHE_CONTROL).unwrap(),
        "private, no-cache"
    );
    assert_eq!(
        etag,
        claimdesk_server::etag::tag(&kept.body),
        "the tag of what is sent"
    );
    let request = Request::get(OPEN)
        .header(header::COOKIE, &anna)
        .header(header::IF_NONE_MATCH, &etag)
        .body(axum::body::Body::empty())
        .unwrap();
    let revalidated = app.send(request).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
}

#[tokio::test]
async fn filters_and_pages_are_kept_apart() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let queries = [
        "/api/v1/cases?inbox=open&per_page=2",
        "/api/v1/cases?inbox=open&per_page=2&page=2",
        "/api/v1/cases?inbox=open&per_page=2&sort=newest",
        "/api/v1/cases?inbox=open&per_page=2&kind=complaint",
        "/api/v1/cases?inbox=open&per_page=2&q=Lisa",
        "/api/v1/cases?inbox=open&per_page=2&min_value=100000",
        "/api/v1/cases?inbox=parked&per_page=2",
    ];
    let mut fresh = Vec::new();
    for query in queries {
        fresh.push(app.get(query, Some(&anna)).await.ok());
    }
    for (query, fresh) in queries.iter().zip(&fresh) {
        assert_eq!(
            &app.get(query, Some(&anna)).await.ok(),
            fresh,
            "{query} is its own page"
        );
    }
}

#[tokio::test]
async fn signing_out_ends_the_session_at_once() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let other_tab = app.sign_in(MERCHANT_NORDIC).await;
    // Both sessions are looked up, so both are in the session cache.
    for session in [&anna, &other_tab, &anna, &other_tab] {
        app.get("/api/v1/me", Some(session)).await.ok();
    }
    let out = app
        .write("DELETE", "/api/v1/session", Some(&anna), &json!({}))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    app.get(OPEN, Some(&anna))
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    app.get("/api/v1/me", Some(&other_tab)).await.ok();
}

#[tokio::test]
async fn a_changed_language_is_the_sessions_language_at_once() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let me = app.get("/api/v1/me", Some(&anna)).await.ok();
    let other = if me["locale"] == "sv" { "nl" } else { "sv" };
    app.write(
        "PATCH",
        "/api/v1/me",
        Some(&anna),
        &json!({ "locale": other }),
    )
    .await
    .ok();
    // What the server took from the session (the cached user) is current.
    let state = &app.state;
    let token = anna.split_once('=').unwrap().1;
    let user = claimdesk_server::auth::signed_in_user(state, token, state.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.locale().as_str(), other);
}

#[tokio::test]
async fn an_expired_session_is_not_taken_from_the_cache() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    app.get("/api/v1/me", Some(&anna)).await.ok();
    app.state.advance_clock(chrono::Duration::days(
        claimdesk_server::auth::SESSION_DAYS + 1,
    ));
    app.get("/api/v1/me", Some(&anna))
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}
