//! A real server on a real temporary SQLite file, driven through `oneshot`.

#![allow(dead_code)] // Each test binary uses a different part of this helper.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use claimdesk_server::{app, db, seed, AppState, Config};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The demo accounts the tests sign in as.
pub const MERCHANT_NORDIC: &str = "anna@nordichome.example";
pub const MERCHANT_NORDIC_2: &str = "erik@nordichome.example";
pub const MERCHANT_LUMO: &str = "sara@lumo.example";
pub const CUSTOMER_LISA: &str = "lisa@kund.example";
pub const CUSTOMER_OSKAR: &str = "oskar.johansson@kund.example";
pub const SUPPORT_SE: &str = "support@fyndmarknad.example";
pub const SUPPORT_NL: &str = "support@plein.example";

/// A fixed "now" for the seed, so every test sees the same data.
pub fn seed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 10, 0, 0).unwrap()
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    /// Asserts this is a problem document of the given type and returns it.
    pub fn problem(&self, status: StatusCode, kind: &str) -> Value {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.content_type(), "application/problem+json");
        let p = self.json();
        assert_eq!(p["type"], format!("urn:claimdesk:problem:{kind}"));
        assert_eq!(p["status"], status.as_u16());
        p
    }
}

impl TestApp {
    /// A freshly migrated and seeded database in a temporary directory.
    pub async fn seeded() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let pool = db::connect(&url).await.unwrap();
        assert!(seed::seed_if_empty(&pool, seed_now()).await.unwrap());
        let state = AppState::new(pool, Config::default());
        TestApp {
            router: app(state.clone()),
            state,
            _dir: dir,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(request).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, session: Option<&str>) -> Reply {
        let mut req = Request::get(path);
        if let Some(cookie) = session {
            req = req.header(header::COOKIE, cookie);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A write as the SPA sends it (JSON, with the CSRF header).
    pub async fn write(
        &self,
        method: &str,
        path: &str,
        session: Option<&str>,
        body: &Value,
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-claimdesk-csrf", "1");
        if let Some(cookie) = session {
            req = req.header(header::COOKIE, cookie);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// Signs in with the demo password; returns the `Cookie` header value.
    pub async fn sign_in(&self, email: &str) -> String {
        let reply = self
            .write(
                "POST",
                "/api/v1/session",
                None,
                &serde_json::json!({ "email": email, "password": seed::DEMO_PASSWORD }),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "sign-in as {email}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let set_cookie = reply
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap();
        set_cookie.split(';').next().unwrap().to_owned()
    }
}
