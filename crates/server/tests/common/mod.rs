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

mod cases;
#[allow(unused_imports)] // Not every test binary uses these.
pub use cases::*;

/// The demo accounts the tests sign in as.
pub const MERCHANT_NORDIC: &str = "anna@nordichome.example";
pub const MERCHANT_NORDIC_2: &str = "erik@nordichome.example";
pub const MERCHANT_LUMO: &str = "sara@lumo.example";
pub const CUSTOMER_LISA: &str = "lisa@kund.example";
pub const CUSTOMER_OSKAR: &str = "oskar.johansson@kund.example";
pub const SUPPORT_SE: &str = "support@fyndmarknad.example";
pub const SUPPORT_NL: &str = "support@plein.example";

/// One Server-Sent Event: its `event:` name and its `data:` text.
#[derive(Debug)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
    /// The event's `id:`, if it had one.
    pub id: Option<String>,
}

impl SseEvent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.data))
    }
}

/// An open event stream (`GET /api/v1/stream`), read as it arrives.
pub struct EventStream {
    pub headers: axum::http::HeaderMap,
    body: Body,
    /// Received text not yet returned as an event.
    buffer: String,
    /// Whether the server ended the stream.
    pub ended: bool,
    /// The id of the `ready` event it opened with (`open_stream`).
    pub position: Option<String>,
}

impl EventStream {
    /// The next event that arrives within `wait`, skipping keep-alive
    /// comments; `None` when none does (or the stream ended: see `ended`).
    pub async fn next_within(&mut self, wait: std::time::Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(event) = self.take_event() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Err(_) => return None,
                Ok(None) => self.ended = true,
                Ok(Some(frame)) => {
                    if let Ok(data) = frame.expect("the stream's body fails").into_data() {
                        self.buffer
                            .push_str(std::str::from_utf8(&data).expect("UTF-8 events"));
                    }
                }
            }
        }
    }

    /// The next `case` event about case `id` within `wait`, skipping
    /// events about other cases; panics on a `resync` or when none comes.
    pub async fn next_about(&mut self, id: &str, wait: std::time::Duration) -> Value {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self
                .next_within(left)
                .await
                .unwrap_or_else(|| panic!("no event about {id} within {wait:?}"));
            assert_eq!(event.event, "case", "{event:?}");
            let change = event.json();
            if change["id"] == id {
                return change;
            }
        }
    }

    /// Splits the first complete event off the buffer; comments (the
    /// keep-alive) are dropped.
    fn take_event(&mut self) -> Option<SseEvent> {
        while let Some(end) = self.buffer.find("\n\n") {
            let block: String = self.buffer.drain(..end + 2).collect();
            let (mut event, mut data, mut id) = (None, Vec::new(), None);
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id:") {
                    id = Some(value.strip_prefix(' ').unwrap_or(value).to_owned());
                } else if let Some(name) = line.strip_prefix("event:") {
                    event = Some(name.strip_prefix(' ').unwrap_or(name).to_owned());
                } else if let Some(text) = line.strip_prefix("data:") {
                    data.push(text.strip_prefix(' ').unwrap_or(text));
                }
            }
            if event.is_some() || !data.is_empty() {
                return Some(SseEvent {
                    event: event.unwrap_or_else(|| "message".to_owned()),
                    data: data.join("\n"),
                    id,
                });
            }
        }
        None
    }
}

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
    /// Asserts the request succeeded (200, or says why not) and returns the JSON.
    pub fn ok(&self) -> Value {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        self.json()
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
        Self::seeded_with(Config::default()).await
    }

    /// Like `seeded`, with the server configured as given.
    pub async fn seeded_with(config: Config) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let pool = db::connect(&url).await.unwrap();
        assert!(seed::seed_if_empty(&pool, seed_now()).await.unwrap());
        let state = AppState::new(pool, config);
        TestApp {
            router: app(state.clone()),
            state,
            _dir: dir,
        }
    }

    /// `seeded`, with the server's clock at the seed's time: for tests of
    /// what depends on how long ago the demo's orders were delivered (the
    /// reporting window), whatever day the suite runs on.
    pub async fn at_seed_time() -> TestApp {
        let app = Self::seeded().await;
        app.state.set_now(seed_now());
        app
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

    /// Opens the event stream as `session` (a `Cookie` header value) and
    /// asserts it answered as one: 200 with `text/event-stream`.
    /// A new event stream, past its opening `ready` event (whose id, the
    /// stream's position, is `position`).
    pub async fn open_stream(&self, session: &str) -> EventStream {
        let mut stream = self.open_stream_after(session, None).await;
        let ready = stream
            .next_within(std::time::Duration::from_secs(5))
            .await
            .expect("a new stream says it is ready");
        assert_eq!((ready.event.as_str(), ready.data.as_str()), ("ready", "{}"));
        stream.position = Some(ready.id.expect("the ready event has an id"));
        stream
    }

    /// An event stream resuming after the event `last_id`, as a browser
    /// reconnecting sends it (`Last-Event-ID`).
    pub async fn open_stream_after(&self, session: &str, last_id: Option<&str>) -> EventStream {
        let mut request = Request::get("/api/v1/stream")
            .header(header::COOKIE, session)
            .header(header::ACCEPT, "text/event-stream");
        if let Some(last_id) = last_id {
            request = request.header("last-event-id", last_id);
        }
        let request = request.body(Body::empty()).unwrap();
        let res = self.router.clone().oneshot(request).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let headers = res.headers().clone();
        assert_eq!(
            headers.get(header::CONTENT_TYPE).unwrap(),
            "text/event-stream"
        );
        EventStream {
            headers,
            body: res.into_body(),
            buffer: String::new(),
            ended: false,
            position: None,
        }
    }

    /// A write as the SPA sends it (JSON, with the CSRF header).
    pub async fn write(
        &self,
        method: &str,
        path: &str,
        session: Option<&str>,
        body: &Value,
    ) -> Reply {
        self.send_json(method, path, session, None, body).await
    }

    /// A write with an `Idempotency-Key`, as the SPA sends creating writes.
    pub async fn write_once(
        &self,
        method: &str,
        path: &str,
        session: &str,
        key: &str,
        body: &Value,
    ) -> Reply {
        self.send_json(method, path, Some(session), Some(key), body)
            .await
    }

    async fn send_json(
        &self,
        method: &str,
        path: &str,
        session: Option<&str>,
        key: Option<&str>,
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
        if let Some(key) = key {
            req = req.header("idempotency-key", key);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// Posts a message on case `id` as `session` (who saw `version`) and
    /// asserts it went through; returns the case as it is afterwards.
    pub async fn post_message(
        &self,
        session: &str,
        id: &str,
        version: i64,
        key: &str,
        body: &str,
    ) -> Value {
        self.write_once(
            "POST",
            &format!("/api/v1/cases/{id}/messages"),
            session,
            key,
            &serde_json::json!({ "version": version, "body": body }),
        )
        .await
        .ok()
    }

    /// The ids of an inbox's cases, as `session` sees them.
    pub async fn case_ids(&self, session: &str, inbox: &str) -> Vec<String> {
        let reply = self
            .get(
                &format!("/api/v1/cases?inbox={inbox}&per_page=200"),
                Some(session),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// A case in the merchant's Open inbox that Lisa reported, with its
    /// version (the demo always has one for Nordic Home).
    pub async fn lisas_open_case(&self, merchant: &str) -> (String, i64) {
        let open = self
            .get("/api/v1/cases?inbox=open&per_page=200", Some(merchant))
            .await
            .json();
        let case = open["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["customer_name"] == "Lisa Andersson")
            .expect("Lisa has an open case");
        let id = case["id"].as_str().unwrap().to_owned();
        let version = self.case(merchant, &id).await["version"].as_i64().unwrap();
        (id, version)
    }

    /// One case as `session` sees it.
    pub async fn case(&self, session: &str, id: &str) -> Value {
        self.get(&format!("/api/v1/cases/{id}"), Some(session))
            .await
            .ok()
    }

    /// Uploads `bytes` as `session` under the name `filename` (the
    /// server goes by the bytes, not the declared type).
    pub async fn upload(&self, session: &str, filename: &str, bytes: &[u8]) -> Reply {
        let boundary = "claimdesk-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::post("/api/v1/attachments")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("x-claimdesk-csrf", "1")
            .header(header::COOKIE, session)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// A number from SQL, for asserting what a request did (or did not) store.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.db)
            .await
            .unwrap()
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
