//! Signing in from a marketplace portal (`POST /api/v1/session/portal`)
//! with a JWT the portal signed, and the bearer-token mode of an embedded
//! app on the portal's origin (CORS allow-list, CSRF guard).

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use claimdesk_server::portal::{Portal, PortalKey};
use claimdesk_server::Config;
use common::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

const SECRET: &str = "fyndmarknad-portal-secret-0123456789abcdef";
const PORTAL_ORIGIN: &str = "https://portal.fyndmarknad.example";

/// A server with Fyndmarknad's portal (HS256) and Plein's (EdDSA); returns
/// it and Plein's private key.
async fn app_with_portals() -> (TestApp, EncodingKey) {
    let plein = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let config = Config {
        portals: vec![
            Portal {
                marketplace: "Fyndmarknad".into(),
                audience: "claimdesk".into(),
                key: PortalKey::Hs256(SECRET.as_bytes().to_vec()),
                allowed_origins: vec![PORTAL_ORIGIN.into()],
            },
            Portal {
                marketplace: "Groothandel Plein".into(),
                audience: "claimdesk-plein".into(),
                key: PortalKey::EdDsa(plein.public_key_pem().into_bytes()),
                allowed_origins: vec![],
            },
        ],
        ..Config::default()
    };
    let key = EncodingKey::from_ed_pem(plein.serialize_pem().as_bytes()).unwrap();
    (TestApp::seeded_with(config).await, key)
}

async fn merchant_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM merchants WHERE name = ?")
        .bind(name)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// Claims for a Fyndmarknad user, valid for ten minutes from the server's now.
fn claims(app: &TestApp, email: &str, role: &str, merchant: Option<i64>, jti: &str) -> Value {
    let now = app.state.now().timestamp();
    json!({
        "sub": format!("portal-{email}"), "email": email, "name": "Portal User",
        "role": role, "merchant": merchant, "marketplace": "Fyndmarknad",
        "locale": "sv", "jti": jti, "aud": "claimdesk",
        "iat": now, "nbf": now - 5, "exp": now + 600,
    })
}

fn hs256(claims: &Value, secret: &str) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn exchange(app: &TestApp, token: &str) -> Reply {
    app.write(
        "POST",
        "/api/v1/session/portal",
        None,
        &json!({ "token": token }),
    )
    .await
}

#[tokio::test]
async fn a_portal_token_signs_its_user_in_once() {
    let (app, _) = app_with_portals().await;
    let nordic = merchant_id(&app, "Nordic Home AB").await;
    let token = hs256(
        &claims(&app, MERCHANT_NORDIC, "merchant", Some(nordic), "t-1"),
        SECRET,
    );
    let signed_in = exchange(&app, &token).await;
    let me = signed_in.ok();
    assert_eq!(me["email"], MERCHANT_NORDIC);
    assert_eq!(me["merchant"]["name"], "Nordic Home AB");
    // A session like a password sign-in's: the cookie works, and the same
    // token comes back for the bearer mode.
    let cookie = signed_in
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.ok()["email"],
        MERCHANT_NORDIC
    );
    let bearer = signed_in
        .headers
        .get("x-claimdesk-session")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(format!("claimdesk_session={bearer}"), session);
    // The same token again is a replay.
    let again = exchange(&app, &token)
        .await
        .problem(StatusCode::UNAUTHORIZED, "portal-token");
    assert!(
        again["detail"].as_str().unwrap().contains("used before"),
        "{again}"
    );
}

#[tokio::test]
async fn users_a_portal_names_first_are_created_for_its_merchant_or_marketplace() {
    let (app, plein_key) = app_with_portals().await;
    let nordic = merchant_id(&app, "Nordic Home AB").await;
    let agent = exchange(
        &app,
        &hs256(
            &claims(
                &app,
                "ny.agent@nordichome.example",
                "merchant",
                Some(nordic),
                "t-2",
            ),
            SECRET,
        ),
    )
    .await
    .ok();
    assert_eq!(
        (agent["role"].clone(), agent["locale"].clone()),
        (json!("merchant"), json!("sv"))
    );
    assert_eq!(agent["merchant"]["id"], nordic);
    assert_eq!(agent["name"], "Portal User");
    // Such a user signs in only through the portal: no password matches.
    for password in ["", "!portal", "claimdesk-demo"] {
        app.write(
            "POST",
            "/api/v1/session",
            None,
            &json!({ "email": "ny.agent@nordichome.example", "password": password }),
        )
        .await
        .problem(
            if password.is_empty() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::UNAUTHORIZED
            },
            if password.is_empty() {
                "validation"
            } else {
                "invalid-credentials"
            },
        );
    }
    let customer = exchange(
        &app,
        &hs256(
            &claims(&app, "ny.kund@kund.example", "customer", None, "t-3"),
            SECRET,
        ),
    )
    .await
    .ok();
    assert_eq!(customer["role"], "customer");
    assert_eq!(customer["marketplace"]["name"], "Fyndmarknad");
    // Created once: the second sign-in finds the same user.
    let again = exchange(
        &app,
        &hs256(
            &claims(&app, "ny.kund@kund.example", "customer", None, "t-4"),
            SECRET,
        ),
    )
    .await
    .ok();
    assert_eq!(again["id"], customer["id"]);
    // Plein's portal signs with Ed25519 for its own audience.
    let tulp = merchant_id(&app, "Tulp & Co").await;
    let mut plein = claims(&app, "daan@tulpco.example", "merchant", Some(tulp), "p-1");
    plein["marketplace"] = json!("Groothandel Plein");
    plein["aud"] = json!("claimdesk-plein");
    let daan = exchange(
        &app,
        &encode(&Header::new(Algorithm::EdDSA), &plein, &plein_key).unwrap(),
    )
    .await
    .ok();
    assert_eq!(daan["email"], "daan@tulpco.example");
}

#[tokio::test]
async fn each_bad_token_is_refused_with_its_reason_and_changes_nothing() {
    let (app, _) = app_with_portals().await;
    let nordic = merchant_id(&app, "Nordic Home AB").await;
    let tulp = merchant_id(&app, "Tulp & Co").await;
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    let now = app.state.now().timestamp();
    let other_secret = "someone-else-s-secret-0123456789abcdef";
    // Each token its own jti, so none is refused as a replay of another.
    let make = |n: usize, edit: &dyn Fn(&mut Value), secret: &str| {
        let mut c = claims(
            &app,
            "ny.agent@nordichome.example",
            "merchant",
            Some(nordic),
            &format!("bad-{n}"),
        );
        edit(&mut c);
        hs256(&c, secret)
    };
    let forged = {
        use base64::Engine;
        let good = make(0, &|_| {}, SECRET);
        let parts: Vec<&str> = good.split('.').collect();
        let mut body = claims(
            &app,
            "ny.agent@nordichome.example",
            "support",
            None,
            "bad-0",
        );
        body["role"] = json!("support");
        let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body.to_string());
        format!("{}.{body}.{}", parts[0], parts[2])
    };
    let cases: Vec<(String, &str)> = vec![
        (
            make(1, &|c| c["exp"] = json!(now - 3600), SECRET),
            "expired",
        ),
        (
            make(2, &|c| c["nbf"] = json!(now + 3600), SECRET),
            "not valid yet",
        ),
        (forged, "no portal signed"),
        (make(3, &|_| {}, other_secret), "no portal signed"),
        (
            make(4, &|c| c["aud"] = json!("another-app"), SECRET),
            "another audience",
        ),
        (
            make(
                5,
                &|c| c["marketplace"] = json!("Groothandel Plein"),
                SECRET,
            ),
            "another marketplace",
        ),
        (
            make(6, &|c| c["merchant"] = json!(tulp), SECRET),
            "not one of the marketplace's",
        ),
        (
            make(7, &|c| c["merchant"] = Value::Null, SECRET),
            "names the merchant",
        ),
        (
            make(8, &|c| c["email"] = json!(CUSTOMER_LISA), SECRET),
            "known here as someone else",
        ),
        (
            make(
                9,
                &|c| {
                    c.as_object_mut().unwrap().remove("exp");
                },
                SECRET,
            ),
            "lacks a claim",
        ),
        ("not.a.jwt".to_owned(), "does not read"),
    ];
    for (token, reason) in &cases {
        let refused = exchange(&app, token)
            .await
            .problem(StatusCode::UNAUTHORIZED, "portal-token");
        assert!(
            refused["detail"].as_str().unwrap().contains(reason),
            "{reason}: {refused}"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        users_before,
        "nobody created"
    );
    // An empty body is a field error.
    app.write("POST", "/api/v1/session/portal", None, &json!({}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
}

async fn from_origin(
    app: &TestApp,
    method: Method,
    path: &str,
    origin: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ORIGIN, origin);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn the_portals_origin_may_call_with_a_bearer_token_and_no_one_else() {
    let (app, _) = app_with_portals().await;
    let nordic = merchant_id(&app, "Nordic Home AB").await;
    let signed_in = exchange(
        &app,
        &hs256(
            &claims(&app, MERCHANT_NORDIC, "merchant", Some(nordic), "c-1"),
            SECRET,
        ),
    )
    .await;
    let token = signed_in
        .headers
        .get("x-claimdesk-session")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let bearer = format!("Bearer {token}");

    // The preflight: allowed for the portal's origin, with the headers the
    // app sends.
    let preflight = from_origin(
        &app,
        Method::OPTIONS,
        "/api/v1/cases",
        PORTAL_ORIGIN,
        &[
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization,content-type,x-claimdesk-csrf,idempotency-key",
            ),
        ],
    )
    .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert_eq!(
        preflight
            .headers
            .get("access-control-allow-origin")
            .unwrap(),
        PORTAL_ORIGIN
    );
    let allowed = preflight
        .headers
        .get("access-control-allow-headers")
        .unwrap()
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("x-claimdesk-csrf"),
        "{allowed}"
    );
    // Another origin gets no permission.
    let other = from_origin(
        &app,
        Method::OPTIONS,
        "/api/v1/cases",
        "https://evil.example",
        &[("access-control-request-method", "POST")],
    )
    .await;
    assert!(other.headers.get("access-control-allow-origin").is_none());

    // A read from the portal with the bearer token.
    let read = from_origin(
        &app,
        Method::GET,
        "/api/v1/me",
        PORTAL_ORIGIN,
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(
        read.headers.get("access-control-allow-origin").unwrap(),
        PORTAL_ORIGIN
    );
    // A write from the portal with the bearer token passes the CSRF guard
    // (a bearer token is no ambient credential); from elsewhere it does not.
    let write = from_origin(
        &app,
        Method::DELETE,
        "/api/v1/session",
        PORTAL_ORIGIN,
        &[("authorization", &bearer), ("x-claimdesk-csrf", "1")],
    )
    .await;
    assert_eq!(write.status, StatusCode::NO_CONTENT);
    let elsewhere = from_origin(
        &app,
        Method::DELETE,
        "/api/v1/session",
        "https://evil.example",
        &[("authorization", &bearer), ("x-claimdesk-csrf", "1")],
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
}
