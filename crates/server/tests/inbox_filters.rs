//! The inbox filters by value, age and (for support) merchant, their field
//! errors, and the routes of these features in the OpenAPI document.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use common::*;
use serde_json::Value;

// ---------------------------------------------------------------- filters

fn created(item: &Value) -> DateTime<Utc> {
    item["created_at"].as_str().unwrap().parse().unwrap()
}

async fn items(app: &TestApp, session: &str, query: &str) -> Vec<Value> {
    let page = app
        .get(&format!("/api/v1/cases?{query}"), Some(session))
        .await
        .ok();
    let items = page["items"].as_array().unwrap().clone();
    assert_eq!(
        page["total"].as_i64().unwrap(),
        items.len() as i64,
        "{query}"
    );
    items
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn value_filters_keep_claims_within_the_bounds_inclusively() {
    let app = TestApp::seeded().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let all = items(&app, &support, "inbox=all&per_page=1000").await;
    let mut values: Vec<i64> = all
        .iter()
        .map(|i| i["claimed_value_minor"].as_i64().unwrap())
        .collect();
    values.sort();
    let (low, high) = (values[values.len() / 4], values[values.len() * 3 / 4]);
    assert!(low < high);
    let expect = |pred: &dyn Fn(i64) -> bool| -> Vec<String> {
        ids(&all
            .iter()
            .filter(|i| pred(i["claimed_value_minor"].as_i64().unwrap()))
            .cloned()
            .collect::<Vec<_>>())
    };
    let table: [(String, Vec<String>); 4] = [
        (format!("min_value={low}"), expect(&|v| v >= low)),
        (format!("max_value={high}"), expect(&|v| v <= high)),
        (
            format!("min_value={low}&max_value={high}"),
            expect(&|v| (low..=high).contains(&v)),
        ),
        (
            format!("min_value={low}&max_value={low}"),
            expect(&|v| v == low),
        ),
    ];
    for (query, expected) in table {
        let got = items(&app, &support, &format!("inbox=all&per_page=1000&{query}")).await;
        assert!(!got.is_empty(), "{query}");
        assert!(ids(&got).len() < all.len(), "{query} narrows the list");
        assert_eq!(ids(&got), expected, "{query}");
    }
    // With a kind, the value order and paging.
    let kind = all[0]["kind"].as_str().unwrap();
    let by_value = items(
        &app,
        &support,
        &format!("inbox=all&per_page=1000&kind={kind}&min_value={low}&sort=value"),
    )
    .await;
    assert!(!by_value.is_empty());
    let got: Vec<i64> = by_value
        .iter()
        .map(|i| {
            assert_eq!(i["kind"], kind);
            i["claimed_value_minor"].as_i64().unwrap()
        })
        .collect();
    assert!(got.windows(2).all(|w| w[0] >= w[1]), "highest first");
    assert!(got.iter().all(|v| *v >= low));
    let second = app
        .get(
            &format!(
                "/api/v1/cases?inbox=all&per_page=1&page=2&kind={kind}&min_value={low}&sort=value"
            ),
            Some(&support),
        )
        .await
        .ok();
    assert_eq!(second["total"], by_value.len());
    if by_value.len() > 1 {
        assert_eq!(second["items"][0]["id"], by_value[1]["id"]);
    }
}

#[tokio::test]
async fn age_filters_count_whole_days_on_the_servers_clock() {
    let app = TestApp::seeded().await;
    // An hour past the seed's clock: the demo's ages are whole days, so no
    // case sits exactly on a bound.
    let start = seed_now() + Duration::hours(1);
    app.state.set_now(start);
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    // Closed cases are 5 to 60 days old in the demo.
    let all = items(&app, &anna, "inbox=approved&per_page=1000").await;
    let now = app.state.now();
    let age = |i: &Value| now - created(i);
    let expect = |pred: &dyn Fn(Duration) -> bool| -> Vec<String> {
        ids(&all
            .iter()
            .filter(|i| pred(age(i)))
            .cloned()
            .collect::<Vec<_>>())
    };
    let d = Duration::days;
    for (query, expected) in [
        ("min_age_days=20", expect(&|a| a >= d(20))),
        ("max_age_days=20", expect(&|a| a < d(20))),
        (
            "min_age_days=10&max_age_days=30",
            expect(&|a| a >= d(10) && a < d(30)),
        ),
    ] {
        let got = items(
            &app,
            &anna,
            &format!("inbox=approved&per_page=1000&{query}"),
        )
        .await;
        assert!(
            !got.is_empty() && got.len() < all.len(),
            "{query} narrows the list"
        );
        assert_eq!(ids(&got), expected, "{query}");
    }
    assert!(items(
        &app,
        &anna,
        "inbox=approved&min_age_days=20&max_age_days=20"
    )
    .await
    .is_empty());
    // Combined with search: a customer's name.
    let name = all[0]["customer_name"].as_str().unwrap();
    let q = name.replace(' ', "+");
    let got = items(
        &app,
        &anna,
        &format!("inbox=approved&per_page=1000&q={q}&max_age_days=1000"),
    )
    .await;
    assert!(got.iter().any(|i| i["id"] == all[0]["id"]));
    assert!(got.iter().all(|i| i["customer_name"] == name));

    // Time passes: ten days later every case is ten days older.
    let young = items(&app, &anna, "inbox=approved&per_page=1000&max_age_days=15").await;
    app.state.set_now(start + d(10));
    // Ten idle days end a session: Anna signs in again.
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let older = items(&app, &anna, "inbox=approved&per_page=1000&max_age_days=25").await;
    assert_eq!(ids(&older), ids(&young));
    assert!(
        items(&app, &anna, "inbox=approved&per_page=1000&max_age_days=15")
            .await
            .len()
            < young.len()
    );
}

#[tokio::test]
async fn bad_filter_values_are_field_errors() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    for (query, field) in [
        ("min_value=abc", "min_value"),
        ("max_value=1.5", "max_value"),
        ("min_value=-1", "min_value"),
        ("max_value=-100", "max_value"),
        ("min_value=500&max_value=499", "min_value"),
        ("min_age_days=1.5", "min_age_days"),
        ("max_age_days=x", "max_age_days"),
        ("min_age_days=-3", "min_age_days"),
        ("max_age_days=-1", "max_age_days"),
        ("min_age_days=10&max_age_days=5", "min_age_days"),
    ] {
        let p = app
            .get(&format!("/api/v1/cases?inbox=open&{query}"), Some(&anna))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(p["errors"][0]["field"], field, "{query}");
    }
    // Huge ages are simply "everything" or "nothing", never an error.
    let everything = items(
        &app,
        &anna,
        "inbox=open&per_page=1000&max_age_days=9223372036854775807",
    )
    .await;
    assert_eq!(everything.len(), app.case_ids(&anna, "open").await.len());
    assert!(
        items(&app, &anna, "inbox=open&min_age_days=9223372036854775807")
            .await
            .is_empty()
    );
}

/// The merchants `session` may filter by: (id, name).
async fn merchants(app: &TestApp, session: &str) -> Vec<(i64, String)> {
    app.get("/api/v1/merchants", Some(session))
        .await
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().unwrap(),
                m["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn support_narrows_all_cases_to_one_merchant_of_its_own() {
    let app = TestApp::seeded().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let listed = merchants(&app, &support).await;
    let names: Vec<&str> = listed.iter().map(|(_, n)| n.as_str()).collect();
    assert!(
        names.contains(&"Nordic Home AB") && names.contains(&"Lumo Electronics"),
        "{names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by name");
    let all = items(&app, &support, "inbox=all&per_page=1000").await;
    let mut seen = 0;
    for (id, name) in &listed {
        let theirs = items(
            &app,
            &support,
            &format!("inbox=all&per_page=1000&merchant={id}"),
        )
        .await;
        assert!(
            theirs.iter().all(|c| c["merchant_name"] == name.as_str()),
            "{name}"
        );
        let expected = all
            .iter()
            .filter(|c| c["merchant_name"] == name.as_str())
            .count();
        assert_eq!(theirs.len(), expected, "{name}");
        seen += theirs.len();
    }
    assert_eq!(seen, all.len(), "every case is some listed merchant's");
    // Another marketplace's merchant is none of theirs: no cases, and not
    // in their list.
    let plein = app.sign_in(SUPPORT_NL).await;
    let (tulp, tulp_name) = merchants(&app, &plein).await.remove(0);
    assert!(!names.contains(&tulp_name.as_str()));
    assert!(items(&app, &support, &format!("inbox=all&merchant={tulp}"))
        .await
        .is_empty());
    // A merchant agent's list is their own shop; the filter is support's.
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    assert_eq!(
        merchants(&app, &anna)
            .await
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>(),
        ["Nordic Home AB"]
    );
    let p = app
        .get(
            &format!("/api/v1/cases?inbox=open&merchant={}", listed[0].0),
            Some(&anna),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "merchant");
    assert_eq!(p["errors"][0]["code"], "not_allowed");
}

#[tokio::test]
async fn the_new_routes_are_in_the_openapi_document() {
    let app = TestApp::seeded().await;
    let doc = app.get("/api/v1/openapi.json", None).await.ok();
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/cases/{id}/prepared", "put"),
        ("/api/v1/cases/{id}/prepared", "delete"),
        ("/api/v1/prepared/send", "post"),
        ("/api/v1/cases/{id}/proposal/accept", "post"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
    let schemas = &doc["components"]["schemas"];
    for schema in [
        "RefundLine",
        "PreparedDecision",
        "Proposal",
        "BulkSend",
        "BulkCase",
        "BulkResult",
        "BulkOutcome",
    ] {
        assert!(schemas[schema].is_object(), "{schema} missing");
    }
    let params: Vec<_> = paths["/api/v1/cases"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    for name in ["min_value", "max_value", "min_age_days", "max_age_days"] {
        assert!(params.iter().any(|p| p == name), "{name}");
    }
}
