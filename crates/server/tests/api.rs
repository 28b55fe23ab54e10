//! The `/api/v1` contract, end to end through the router on a seeded SQLite
//! database: sign-in, sessions, inboxes, cases, files and the scoping rules.

mod common;

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use claimdesk_shared::{Inbox, Status};
use common::*;
use serde_json::json;

#[tokio::test]
async fn health_and_openapi_answer() {
    let app = TestApp::seeded().await;
    let health = app.get("/api/v1/health", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");

    let doc = app.get("/api/v1/openapi.json", None).await.json();
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/files/{id}",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn unknown_api_routes_are_problems() {
    let app = TestApp::seeded().await;
    app.get("/api/v1/nope", None)
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_me_answers() {
    let app = TestApp::seeded().await;
    let reply = app
        .write(
            "POST",
            "/api/v1/session",
            None,
            &json!({ "email": MERCHANT_NORDIC, "password": "claimdesk-demo" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["role"], "merchant");
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");

    let session = cookie.split(';').next().unwrap();
    let me = app.get("/api/v1/me", Some(session)).await.json();
    assert_eq!(me["name"], "Anna Lindqvist");
    assert_eq!(me["merchant"]["name"], "Nordic Home AB");
    assert_eq!(me["marketplace"]["currency"], "SEK");
}

#[tokio::test]
async fn sign_in_failures_say_why_without_revealing_accounts() {
    let app = TestApp::seeded().await;
    let wrong_password = app
        .write(
            "POST",
            "/api/v1/session",
            None,
            &json!({ "email": MERCHANT_NORDIC, "password": "wrong" }),
        )
        .await
        .problem(StatusCode::UNAUTHORIZED, "invalid-credentials");
    let unknown_email = app
        .write(
            "POST",
            "/api/v1/session",
            None,
            &json!({ "email": "nobody@example.com", "password": "wrong" }),
        )
        .await
        .problem(StatusCode::UNAUTHORIZED, "invalid-credentials");
    assert_eq!(
        wrong_password, unknown_email,
        "a wrong email must look like a wrong password"
    );

    let p = app
        .write(
            "POST",
            "/api/v1/session",
            None,
            &json!({ "email": "not-an-email", "password": "" }),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let fields: HashSet<_> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        HashSet::from([("email", "invalid_email"), ("password", "required")])
    );

    let p = app
        .write(
            "POST",
            "/api/v1/session",
            None,
            &json!({ "email": MERCHANT_NORDIC }),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "password");
    assert_eq!(p["errors"][0]["code"], "required");

    let malformed = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-claimdesk-csrf", "1")
        .body(Body::from("{not json"))
        .unwrap();
    app.send(malformed)
        .await
        .problem(StatusCode::BAD_REQUEST, "malformed");
}

#[tokio::test]
async fn writes_without_the_csrf_header_or_from_another_site_are_refused() {
    let app = TestApp::seeded().await;
    let body = json!({ "email": MERCHANT_NORDIC, "password": "claimdesk-demo" }).to_string();
    let no_header = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.clone()))
        .unwrap();
    app.send(no_header)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let cross_site = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-claimdesk-csrf", "1")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(body.clone()))
        .unwrap();
    app.send(cross_site)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    // A browser names the page that sent a write: another origin is
    // refused even with the header (a form cannot add it, but a page of a
    // sibling origin the Fetch metadata calls "same-site" could try).
    let sign_in = |origin: &str| {
        Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::HOST, "claims.example:8080")
            .header(header::ORIGIN, origin)
            .header("x-claimdesk-csrf", "1")
            .body(Body::from(body.clone()))
            .unwrap()
    };
    for foreign in [
        "https://evil.example",
        "http://claims.example:9090",
        "https://claims.example:8080.evil.example",
        "null",
    ] {
        app.send(sign_in(foreign))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
    }
    assert_eq!(
        app.send(sign_in("http://claims.example:8080")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn signed_out_users_get_401_everywhere_and_sign_out_ends_the_session() {
    let app = TestApp::seeded().await;
    for path in [
        "/api/v1/me",
        "/api/v1/cases",
        "/api/v1/cases/C-10001",
        "/api/v1/files/1",
    ] {
        app.get(path, None)
            .await
            .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.get(path, Some("claimdesk_session=forged"))
            .await
            .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let session = app.sign_in(CUSTOMER_LISA).await;
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.status,
        StatusCode::OK
    );
    let out = app
        .write("DELETE", "/api/v1/session", Some(&session), &json!({}))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    app.get("/api/v1/me", Some(&session))
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn the_chosen_language_is_remembered_and_bad_values_are_field_errors() {
    let app = TestApp::seeded().await;
    let session = app.sign_in(MERCHANT_NORDIC).await;
    let me = app
        .write(
            "PATCH",
            "/api/v1/me",
            Some(&session),
            &json!({ "locale": "nl" }),
        )
        .await
        .json();
    assert_eq!(me["locale"], "nl");
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.json()["locale"],
        "nl"
    );

    let p = app
        .write(
            "PATCH",
            "/api/v1/me",
            Some(&session),
            &json!({ "locale": "de" }),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "locale");
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.json()["locale"],
        "nl",
        "a refused change changes nothing"
    );
}

async fn list(app: &TestApp, session: &str, query: &str) -> serde_json::Value {
    app.get(&format!("/api/v1/cases?{query}"), Some(session))
        .await
        .ok()
}

#[tokio::test]
async fn merchant_inboxes_hold_only_their_own_cases_in_the_right_statuses() {
    let app = TestApp::seeded().await;
    let session = app.sign_in(MERCHANT_NORDIC).await;
    for inbox in Inbox::for_role(claimdesk_shared::Role::Merchant) {
        let page = list(&app, &session, &format!("inbox={inbox}&per_page=200")).await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(
            page["total"].as_i64().unwrap(),
            items.len() as i64,
            "{inbox}"
        );
        assert!(
            !items.is_empty(),
            "the demo merchant's {inbox} inbox is empty"
        );
        for item in items {
            assert_eq!(item["merchant_name"], "Nordic Home AB");
            let status: Status = item["status"].as_str().unwrap().parse().unwrap();
            assert!(inbox.statuses().contains(&status), "{status} in {inbox}");
        }
    }
    // Oldest first on request (the Open inbox's own order, by deadline, is
    // tested in response_clock.rs).
    let open = list(&app, &session, "inbox=open&sort=oldest").await;
    let created: Vec<_> = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["created_at"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created, sorted);
}

#[tokio::test]
async fn inboxes_of_other_roles_and_bad_paging_are_field_errors() {
    let app = TestApp::seeded().await;
    let merchant = app.sign_in(MERCHANT_NORDIC).await;
    let table = [
        ("inbox=all", "inbox"),
        ("inbox=mine", "inbox"),
        ("inbox=everything", "inbox"),
        ("per_page=0", "per_page"),
        ("per_page=1001", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
        // (page - 1) × per_page would overflow (a panic in a debug build).
        ("page=9223372036854775807&per_page=2", "page"),
    ];
    for (query, field) in table {
        let p = app
            .get(&format!("/api/v1/cases?{query}"), Some(&merchant))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(p["errors"][0]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn customers_see_only_their_cases_and_support_only_its_marketplace() {
    let app = TestApp::seeded().await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let mine = list(&app, &lisa, "per_page=200").await;
    assert_eq!(mine["inbox"], "mine");
    let items = mine["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["customer_name"] == "Lisa Andersson"));

    let support = app.sign_in(SUPPORT_NL).await;
    let review = list(&app, &support, "per_page=200").await;
    assert_eq!(review["inbox"], "platform_review");
    let items = review["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        assert_eq!(item["status"], "platform_review");
        assert!(["Tulp & Co", "Studio Klei"].contains(&item["merchant_name"].as_str().unwrap()));
    }
    let all = list(&app, &support, "inbox=all&per_page=200").await;
    assert!(all["total"].as_i64().unwrap() > review["total"].as_i64().unwrap());
}

#[tokio::test]
async fn search_finds_by_case_id_order_number_customer_and_product() {
    let app = TestApp::seeded().await;
    let session = app.sign_in(MERCHANT_NORDIC).await;
    let all_open = list(&app, &session, "inbox=open&per_page=200").await;
    let first = &all_open["items"][0];
    let id = first["id"].as_str().unwrap();
    let order = first["order_number"].as_str().unwrap();
    let customer = first["customer_name"].as_str().unwrap();
    for q in [id, order, &customer.to_lowercase(), &id.to_lowercase()] {
        let found = list(
            &app,
            &session,
            &format!("inbox=open&q={}", q.replace(' ', "+")),
        )
        .await;
        let ids: Vec<_> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert!(
            ids.contains(&id),
            "searching {q:?} did not find {id}: {ids:?}"
        );
    }
    let nothing = list(&app, &session, "inbox=open&q=%25%25zz").await;
    assert_eq!(nothing["total"], 0);

    // A search's total is the number of its matches on every page, past the
    // last one too (it is counted with the page, or on its own there).
    let q = customer.to_lowercase().replace(' ', "+");
    let every = list(&app, &session, &format!("inbox=open&per_page=200&q={q}")).await;
    let matches = every["items"].as_array().unwrap().len() as i64;
    assert_eq!(every["total"], matches);
    let first_page = list(&app, &session, &format!("inbox=open&per_page=1&q={q}")).await;
    assert_eq!(first_page["total"], matches);
    let past = list(
        &app,
        &session,
        &format!("inbox=open&per_page=1&page=999&q={q}"),
    )
    .await;
    assert_eq!(past["total"], matches);
    assert_eq!(past["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_case_shows_its_order_customer_and_claimed_lines() {
    let app = TestApp::seeded().await;
    let session = app.sign_in(MERCHANT_NORDIC).await;
    let open = list(&app, &session, "inbox=open").await;
    let id = open["items"][0]["id"].as_str().unwrap().to_owned();
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&session))
        .await
        .json();
    assert_eq!(case["summary"]["id"], id);
    assert!(case["order"]["number"].as_str().unwrap().starts_with("FM-"));
    assert_eq!(
        case["order"]["payout"], "blocked",
        "an open case blocks the payout"
    );
    let lines = case["order"]["lines"].as_array().unwrap();
    assert!(lines
        .iter()
        .any(|l| l["claimed_quantity"].as_i64().unwrap() > 0));
    let claimed: i64 = lines
        .iter()
        .map(|l| l["claimed_quantity"].as_i64().unwrap() * l["unit_price_minor"].as_i64().unwrap())
        .sum();
    assert_eq!(
        claimed,
        case["summary"]["claimed_value_minor"].as_i64().unwrap()
    );
    assert!(case["customer"]["email"].as_str().unwrap().contains('@'));
    assert_eq!(case["version"], 1);
}

#[tokio::test]
async fn nobody_sees_a_case_outside_their_merchant_order_or_marketplace() {
    let app = TestApp::seeded().await;
    let nordic = app.sign_in(MERCHANT_NORDIC).await;
    let lumo = app.sign_in(MERCHANT_LUMO).await;
    let oskar = app.sign_in(CUSTOMER_OSKAR).await;
    let support_nl = app.sign_in(SUPPORT_NL).await;
    let support_se = app.sign_in(SUPPORT_SE).await;
    let colleague = app.sign_in(MERCHANT_NORDIC_2).await;

    // A Nordic Home case that Oskar did not report.
    let open = list(&app, &nordic, "inbox=open&per_page=200").await;
    let nordic_case = &open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["customer_name"] != "Oskar Johansson")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/cases/{nordic_case}");
    // Another merchant, a customer who did not report it, another marketplace's support.
    for outsider in [&lumo, &oskar, &support_nl] {
        app.get(&path, Some(outsider))
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
    }
    // The same merchant's colleague and its marketplace's support may.
    for insider in [&colleague, &support_se] {
        assert_eq!(app.get(&path, Some(insider)).await.status, StatusCode::OK);
    }
    // And no list leaks it either.
    for (outsider, inbox) in [(&lumo, "open"), (&oskar, "mine"), (&support_nl, "all")] {
        assert!(!app.case_ids(outsider, inbox).await.contains(nordic_case));
    }
    // Ids that cannot exist look like ids one may not see.
    app.get("/api/v1/cases/C-99999999", Some(&nordic))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    app.get("/api/v1/cases/banana", Some(&nordic))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

#[tokio::test]
async fn files_are_served_safely_and_only_to_those_who_may_see_them() {
    let app = TestApp::seeded().await;
    let nordic = app.sign_in(MERCHANT_NORDIC).await;
    let lumo = app.sign_in(MERCHANT_LUMO).await;
    let support_nl = app.sign_in(SUPPORT_NL).await;

    // Find a Nordic Home case with a photo.
    let mut photo_url = None;
    let mut image_url = None;
    for inbox in ["open", "parked", "approved", "rejected"] {
        for id in app.case_ids(&nordic, inbox).await {
            let case = app
                .get(&format!("/api/v1/cases/{id}"), Some(&nordic))
                .await
                .json();
            image_url = image_url.or(case["order"]["lines"][0]["image_url"]
                .as_str()
                .map(str::to_owned));
            if let Some(url) = case["photos"][0]["url"].as_str() {
                photo_url = Some(url.to_owned());
            }
        }
    }
    let photo_url = photo_url.expect("the demo merchant has a case with a photo");
    let image_url = image_url.unwrap();

    let photo = app.get(&photo_url, Some(&nordic)).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.content_type(), "image/png");
    assert_eq!(
        photo.headers.get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert!(photo.body.starts_with(b"\x89PNG"));

    app.get(&photo_url, Some(&lumo))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    app.get(&photo_url, Some(&support_nl))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    // Product pictures are catalogue data: every user of the marketplace may load them.
    assert_eq!(
        app.get(&image_url, Some(&lumo)).await.status,
        StatusCode::OK
    );
    app.get(&image_url, Some(&support_nl))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

#[tokio::test]
async fn search_is_indexed_case_insensitive_and_takes_any_text() {
    let app = TestApp::seeded().await;
    // Support sees the marketplace's "all" inbox.
    let session = app.sign_in(SUPPORT_SE).await;
    let ids = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let lisas: Vec<String> = {
        let all = list(&app, &session, "inbox=all&per_page=1000").await;
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["customer_name"] == "Lisa Andersson")
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!lisas.is_empty());
    // Any part of a word, in any case, through the full-text index.
    for q in ["LISA+ANDERSSON", "isa+ander", "lisa%40kund"] {
        let found = ids(&list(&app, &session, &format!("inbox=all&per_page=1000&q={q}")).await);
        assert_eq!(found.len(), lisas.len(), "{q}: {found:?}");
        assert!(lisas.iter().all(|id| found.contains(id)), "{q}");
    }
    // Two characters are still searched (without the index).
    let short = list(&app, &session, "inbox=all&per_page=1000&q=li").await;
    assert!(short["total"].as_i64().unwrap() >= lisas.len() as i64);
    // Quotes and FTS syntax are text, never an error.
    for q in ["%22lisa", "lisa%22+OR+%22a", "NEAR(a+b)", "a*b"] {
        let reply = app
            .get(&format!("/api/v1/cases?inbox=all&q={q}"), Some(&session))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{q}");
    }
    // The index holds every case, and only this marketplace's come back.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM case_search").await,
        app.count("SELECT COUNT(*) FROM cases").await
    );
    let other = list(&app, &session, "inbox=all&per_page=1000&q=tulpco").await;
    assert_eq!(other["total"], 0);
}

#[tokio::test]
async fn reads_carry_an_etag_and_unchanged_ones_come_back_as_304() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let path = format!("/api/v1/cases/{id}");
    let first = app.get(&path, Some(&anna)).await;
    assert_eq!(first.status, StatusCode::OK);
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(first.headers[header::CACHE_CONTROL], "private, no-cache");

    let conditional = |tag: String| {
        let (path, anna) = (path.clone(), anna.clone());
        let app = &app;
        async move {
            app.send(
                Request::get(&path)
                    .header(header::COOKIE, anna)
                    .header(header::IF_NONE_MATCH, tag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let unchanged = conditional(etag.clone()).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.body.is_empty());

    // A change makes a new tag, and the full answer again.
    app.post_message(&anna, &id, version, "e1", "Hello").await;
    let changed = conditional(etag.clone()).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.headers[header::ETAG].to_str().unwrap(), etag);

    // Problems are never cached: another merchant's case has no tag.
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let refused = app.get(&path, Some(&sara)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.headers.get(header::ETAG).is_none());
}

/// Every `$ref` under `value`, as the schema name it points to.
fn refs(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str()) {
                    ("$ref", Some(target)) => found.push(target.to_owned()),
                    _ => refs(v, found),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_is_true_to_the_wire() {
    let app = TestApp::seeded().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    // Every reference resolves (`CaseSort` once did not).
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.iter().any(|r| r == "#/components/schemas/CaseSort"));
    for target in &found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{target} points outside the schemas"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{target} does not exist"
        );
    }
    // The list's filters are query parameters, not path parameters.
    let params = doc["paths"]["/api/v1/cases"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(params.len() >= 10);
    assert!(params.iter().all(|p| p["in"] == "query"), "{params:?}");
    // Refusals are documented as what the server sends.
    let mut refusals = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') || status == "default" {
                    let content = response["content"].as_object().unwrap();
                    assert!(
                        content.keys().all(|k| k == "application/problem+json"),
                        "{method} {path} {status}: {:?}",
                        content.keys()
                    );
                    refusals += 1;
                }
            }
        }
    }
    assert!(refusals > 50, "{refusals} refusals documented");
}
