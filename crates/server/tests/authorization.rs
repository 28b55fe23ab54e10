//! The authorization matrix: every operation of the OpenAPI document, as
//! every kind of caller, against one case (and its photo, its order, a
//! quick text of its desk): the status each gets, and that nothing of the
//! resource reaches a caller outside its scope, in a refusal or in a list.
//!
//! The operations come from `/api/v1/openapi.json`, so an endpoint that is
//! added without a row here fails the test until someone decides who may
//! call it. Writes are sent with version 0: a caller who may write gets the
//! conflict `stale-version` (409) and changes nothing; one who may not gets
//! "not found" (404) or, signed out, 401. The figures go into SECURITY.md.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use claimdesk_shared::CaseId;
use common::*;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Who calls, in the order of the expectation columns below.
const ACTORS: [Actor; 8] = [
    Actor::SignedOut,
    Actor::OwnMerchant,
    Actor::OtherMerchant,
    Actor::OtherMarketplaceMerchant,
    Actor::OwnCustomer,
    Actor::OtherCustomer,
    Actor::Support,
    Actor::OtherMarketplaceSupport,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    SignedOut,
    /// An agent of the case's merchant (Nordic Home).
    OwnMerchant,
    /// An agent of another merchant on the same marketplace (Lumo).
    OtherMerchant,
    /// An agent of a merchant on another marketplace (Tulp & Co).
    OtherMarketplaceMerchant,
    /// The customer who reported the case (Lisa).
    OwnCustomer,
    /// Another customer of the same marketplace (Oskar).
    OtherCustomer,
    /// The support team of the case's marketplace (Fyndmarknad).
    Support,
    /// The support team of another marketplace (Groothandel Plein).
    OtherMarketplaceSupport,
}

impl Actor {
    fn email(self) -> Option<&'static str> {
        Some(match self {
            Actor::SignedOut => return None,
            Actor::OwnMerchant => MERCHANT_NORDIC,
            Actor::OtherMerchant => MERCHANT_LUMO,
            Actor::OtherMarketplaceMerchant => "daan@tulpco.example",
            Actor::OwnCustomer => CUSTOMER_LISA,
            Actor::OtherCustomer => CUSTOMER_OSKAR,
            Actor::Support => SUPPORT_SE,
            Actor::OtherMarketplaceSupport => SUPPORT_NL,
        })
    }

    /// Whether the actor may see the case at all (its id, its order).
    fn sees_case(self) -> bool {
        matches!(
            self,
            Actor::OwnMerchant | Actor::OwnCustomer | Actor::Support
        )
    }
}

/// What the matrix is run against.
struct Target {
    case: String,
    order_id: i64,
    order_number: String,
    photo: i64,
    quick_text: i64,
    /// A title only the case's desk has.
    quick_text_title: String,
}

/// What one operation is sent with.
struct Call {
    body: Option<Value>,
    idempotent: bool,
    multipart: bool,
}

fn json_call(body: Value) -> Call {
    Call {
        body: Some(body),
        idempotent: false,
        multipart: false,
    }
}

fn keyed(body: Value) -> Call {
    Call {
        idempotent: true,
        ..json_call(body)
    }
}

fn bare() -> Call {
    Call {
        body: None,
        idempotent: false,
        multipart: false,
    }
}

/// Who may do what, one row per operation of the OpenAPI document: the
/// request, and the status for each of `ACTORS` (signed out, own merchant,
/// other merchant, other marketplace's merchant, own customer, other
/// customer, support, other marketplace's support). For the bulk send, the
/// status is the one its single case answers with.
fn matrix(t: &Target) -> Vec<(&'static str, Call, [u16; 8])> {
    const DESK_READ: [u16; 8] = [401, 200, 404, 404, 404, 404, 200, 404];
    const CASE_READ: [u16; 8] = [401, 200, 404, 404, 200, 404, 200, 404];
    const DESK_WRITE: [u16; 8] = [401, 409, 404, 404, 404, 404, 409, 404];
    const CASE_WRITE: [u16; 8] = [401, 409, 404, 404, 409, 404, 409, 404];
    const SIGNED_IN: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 200];
    let stale = |extra: Value| {
        let mut body = json!({ "version": 0 });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let quick_text =
        json!({ "version": 0, "title": "Matrix edit", "locale": "en", "body": "Hello" });
    vec![
        ("GET /api/v1/health", bare(), [200; 8]),
        // Public: bad input is a field error for anyone.
        (
            "POST /api/v1/session",
            json_call(json!({ "email": "", "password": "" })),
            [422; 8],
        ),
        // A portal's token: public like the password sign-in; an empty
        // one is a field error for anyone (refusals: tests/portal.rs).
        (
            "POST /api/v1/session/portal",
            json_call(json!({ "token": "" })),
            [422; 8],
        ),
        ("DELETE /api/v1/session", bare(), [204; 8]),
        (
            "DELETE /api/v1/sessions",
            bare(),
            [401, 204, 204, 204, 204, 204, 204, 204],
        ),
        ("GET /api/v1/me", bare(), SIGNED_IN),
        (
            "PATCH /api/v1/me",
            json_call(json!({ "locale": "en" })),
            SIGNED_IN,
        ),
        // Lists are scoped, not refused (the leak check reads them).
        ("GET /api/v1/cases", bare(), SIGNED_IN),
        ("GET /api/v1/inbox-counts", bare(), SIGNED_IN),
        ("GET /api/v1/stream", bare(), SIGNED_IN),
        // A report on the case's order: its customer and its marketplace's
        // support get the field error (no lines), another customer and
        // the other support "not found", merchants no such route.
        (
            "POST /api/v1/cases",
            keyed(json!({
                "order_id": t.order_id, "kind": "complaint", "reason": "damaged",
                "description": "It broke", "lines": []
            })),
            [401, 404, 404, 404, 422, 404, 422, 404],
        ),
        // Support searches its marketplace's orders: without a query, a
        // field error.
        (
            "GET /api/v1/orders",
            bare(),
            [401, 404, 404, 404, 200, 200, 422, 422],
        ),
        // The merchants a desk may filter by: support's marketplace's, an
        // agent's own (the lists' contents: tests/inbox_filters.rs).
        (
            "GET /api/v1/merchants",
            bare(),
            [401, 200, 200, 200, 404, 404, 200, 200],
        ),
        // A merchant's figures: an agent's own; support names one of its
        // marketplace's (without one, a field error; another's: not found,
        // tests/metrics.rs); the ranking is support's alone.
        (
            "GET /api/v1/metrics",
            bare(),
            [401, 200, 200, 200, 404, 404, 422, 422],
        ),
        (
            "GET /api/v1/metrics/merchants",
            bare(),
            [401, 404, 404, 404, 404, 404, 200, 200],
        ),
        // Each marketplace's policy is its support's; a stale version.
        (
            "GET /api/v1/policy",
            bare(),
            [401, 404, 404, 404, 404, 404, 200, 200],
        ),
        (
            "PUT /api/v1/policy",
            json_call(json!({ "version": 0, "settings": {
                "merchant_reasons": ["damaged"], "first_response_hours": 24, "follow_up_hours": 72,
                "high_value_threshold_minor": 500000, "high_value_extension_hours": 24,
                "auto_refund_cap_minor": 150000, "reporting_window_days": 30,
                "rating_target_percent": 85, "rating_warning_percent": 80 } })),
            [401, 404, 404, 404, 404, 404, 409, 409],
        ),
        ("GET /api/v1/cases/{id}", bare(), CASE_READ),
        (
            "PATCH /api/v1/cases/{id}",
            json_call(stale(json!({ "free_return": true }))),
            DESK_WRITE,
        ),
        ("GET /api/v1/cases/{id}/messages", bare(), CASE_READ),
        (
            "POST /api/v1/cases/{id}/messages",
            keyed(stale(json!({ "body": "Hello" }))),
            CASE_WRITE,
        ),
        // Reading and presence: the case's own people; nobody else learns
        // that the case exists.
        (
            "POST /api/v1/cases/{id}/read",
            json_call(json!({ "up_to": 0 })),
            [401, 204, 404, 404, 204, 404, 204, 404],
        ),
        (
            "PUT /api/v1/cases/{id}/presence",
            json_call(json!({ "typing": false })),
            CASE_READ,
        ),
        (
            "DELETE /api/v1/cases/{id}/presence",
            bare(),
            [401, 204, 404, 404, 204, 404, 204, 404],
        ),
        ("GET /api/v1/cases/{id}/notes", bare(), DESK_READ),
        (
            "POST /api/v1/cases/{id}/notes",
            keyed(stale(json!({ "body": "Internal" }))),
            DESK_WRITE,
        ),
        ("GET /api/v1/cases/{id}/events", bare(), DESK_READ),
        ("GET /api/v1/cases/{id}/deadline", bare(), DESK_READ),
        (
            "POST /api/v1/cases/{id}/decision",
            keyed(stale(json!({ "kind": "refund" }))),
            DESK_WRITE,
        ),
        (
            "POST /api/v1/cases/{id}/proposal/accept",
            keyed(stale(json!({}))),
            [401, 404, 404, 404, 409, 404, 404, 404],
        ),
        // Closing the loop: the customer's steps, and support's hand-back.
        (
            "POST /api/v1/cases/{id}/resolve",
            keyed(stale(json!({}))),
            [401, 404, 404, 404, 409, 404, 404, 404],
        ),
        // No version: the target is open, so its customer hears it cannot
        // be rated yet.
        (
            "POST /api/v1/cases/{id}/rating",
            json_call(json!({ "score": "up" })),
            [401, 404, 404, 404, 409, 404, 404, 404],
        ),
        (
            "POST /api/v1/cases/{id}/dispute",
            keyed(stale(json!({ "reason": "It was broken" }))),
            [401, 404, 404, 404, 409, 404, 404, 404],
        ),
        (
            "POST /api/v1/cases/{id}/hand-back",
            keyed(stale(json!({ "note": "Yours again" }))),
            [401, 404, 404, 404, 404, 404, 409, 404],
        ),
        // Only a case approved with a return label has one: in scope, the
        // target's answer is a conflict.
        (
            "GET /api/v1/cases/{id}/return-label",
            bare(),
            [401, 409, 404, 404, 409, 404, 409, 404],
        ),
        (
            "PUT /api/v1/cases/{id}/prepared",
            json_call(stale(json!({ "kind": "refund" }))),
            DESK_WRITE,
        ),
        (
            "DELETE /api/v1/cases/{id}/prepared",
            json_call(stale(json!({}))),
            DESK_WRITE,
        ),
        (
            "POST /api/v1/prepared/send",
            keyed(json!({ "cases": [{ "id": t.case, "version": 0 }] })),
            DESK_WRITE,
        ),
        (
            "POST /api/v1/cases/{id}/return-received",
            keyed(stale(json!({}))),
            DESK_WRITE,
        ),
        (
            "POST /api/v1/cases/{id}/hold",
            json_call(stale(json!({ "take_over": false }))),
            DESK_WRITE,
        ),
        (
            "POST /api/v1/cases/{id}/release",
            json_call(stale(json!({}))),
            DESK_WRITE,
        ),
        // Anyone signed in uploads; a form without a file is a field error.
        (
            "POST /api/v1/attachments",
            Call {
                body: None,
                idempotent: false,
                multipart: true,
            },
            [401, 422, 422, 422, 422, 422, 422, 422],
        ),
        (
            "GET /api/v1/files/{id}",
            bare(),
            [401, 200, 404, 404, 200, 404, 200, 404],
        ),
        // Each desk has its own quick texts (support's are the team's).
        (
            "GET /api/v1/quick-texts",
            bare(),
            [401, 200, 200, 200, 404, 404, 200, 200],
        ),
        (
            "POST /api/v1/quick-texts",
            json_call(json!({ "title": "Matrix new", "locale": "en", "body": "Hello" })),
            [401, 201, 201, 201, 404, 404, 201, 201],
        ),
        (
            "PUT /api/v1/quick-texts/{id}",
            json_call(quick_text),
            [401, 409, 404, 404, 404, 404, 404, 404],
        ),
        // Sent by the owner last (see `run_order`), so the others try a
        // quick text that is still there.
        (
            "DELETE /api/v1/quick-texts/{id}",
            bare(),
            [401, 204, 404, 404, 404, 404, 404, 404],
        ),
    ]
}

/// The operations of the OpenAPI document, as "METHOD /path".
async fn documented(app: &TestApp) -> BTreeSet<String> {
    let doc = app.get("/api/v1/openapi.json", None).await.ok();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

/// The target: a case of Nordic Home's that Lisa reported with a photo, its
/// order, and a quick text of Nordic Home's desk made for this test.
async fn target(app: &TestApp, anna: &str) -> Target {
    let (case, order_id, order_number, photo): (i64, i64, String, i64) = sqlx::query_as(
        "SELECT c.id, o.id, o.number, cp.attachment_id FROM cases c
         JOIN case_photos cp ON cp.case_id = c.id JOIN orders o ON o.id = c.order_id
         JOIN users u ON u.id = c.customer_id JOIN merchants m ON m.id = c.merchant_id
         WHERE u.email = ? AND m.name = 'Nordic Home AB' ORDER BY c.id LIMIT 1",
    )
    .bind(CUSTOMER_LISA)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let title = "Nordic Home matrix secret 7f3a".to_owned();
    let created = app
        .write(
            "POST",
            "/api/v1/quick-texts",
            Some(anna),
            &json!({ "title": title, "locale": "en", "body": "Only for Nordic Home" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    Target {
        case: CaseId(case).to_string(),
        order_id,
        order_number,
        photo,
        quick_text: created.json()["id"].as_i64().unwrap(),
        quick_text_title: title,
    }
}

/// Sends `op` as `session`; answers the status that counts and the body.
async fn send(
    app: &TestApp,
    t: &Target,
    op: &str,
    call: &Call,
    session: Option<&str>,
) -> (StatusCode, String, Vec<u8>) {
    let (method, template) = op.split_once(' ').unwrap();
    let path = if template.starts_with("/api/v1/files/") {
        template.replace("{id}", &t.photo.to_string())
    } else if template.starts_with("/api/v1/quick-texts/") {
        template.replace("{id}", &t.quick_text.to_string())
    } else {
        template.replace("{id}", &t.case)
    };
    let mut req = Request::builder()
        .method(method)
        .uri(&path)
        .header("x-claimdesk-csrf", "1");
    if let Some(cookie) = session {
        req = req.header(header::COOKIE, cookie);
    }
    if call.idempotent {
        req = req.header("idempotency-key", format!("matrix {op} {session:?}"));
    }
    let body = if call.multipart {
        req = req.header(header::CONTENT_TYPE, "multipart/form-data; boundary=X");
        Body::from("--X\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--X--\r\n")
    } else if let Some(json) = &call.body {
        req = req.header(header::CONTENT_TYPE, "application/json");
        Body::from(json.to_string())
    } else {
        Body::empty()
    };
    let res = app
        .router
        .clone()
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // An open event stream never ends: its status is what counts.
    if op == "GET /api/v1/stream" && status == StatusCode::OK {
        return (status, content_type, Vec::new());
    }
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    // The bulk send answers 200 with one outcome per case it was asked
    // for (naming the id the caller sent): the case's problem is what
    // counts, and what is checked for leaks.
    if op == "POST /api/v1/prepared/send" && status == StatusCode::OK {
        let result: Value = serde_json::from_slice(&bytes).unwrap();
        let one = &result["results"][0];
        if one["ok"] == true {
            return (status, content_type, bytes);
        }
        let problem = &one["problem"];
        let status = StatusCode::from_u16(problem["status"].as_u64().unwrap() as u16).unwrap();
        let problem_type = "application/problem+json".to_owned();
        return (status, problem_type, problem.to_string().into_bytes());
    }
    (status, content_type, bytes)
}

/// Every actor, with the one who owns the quick text last (it deletes it).
fn run_order() -> impl Iterator<Item = (usize, Actor)> {
    let (owner, others): (Vec<_>, Vec<_>) = ACTORS
        .iter()
        .copied()
        .enumerate()
        .partition(|(_, a)| *a == Actor::OwnMerchant);
    others.into_iter().chain(owner)
}

#[tokio::test]
async fn every_operation_answers_each_caller_by_scope_and_leaks_nothing() {
    let app = TestApp::seeded().await;
    let mut sessions = Vec::new();
    for actor in ACTORS {
        sessions.push(match actor.email() {
            Some(email) => Some(app.sign_in(email).await),
            None => None,
        });
    }
    let anna = sessions[1].clone().unwrap();
    let t = target(&app, &anna).await;
    let mut rows = matrix(&t);

    // The table and the document name the same operations.
    let table: BTreeSet<String> = rows.iter().map(|(op, _, _)| op.to_string()).collect();
    let doc = documented(&app).await;
    let missing: Vec<_> = doc.difference(&table).collect();
    let extra: Vec<_> = table.difference(&doc).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the authorization matrix: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "rows for operations the API does not document: {extra:?}"
    );

    // Signing out ends the sessions the other rows use: it goes last, and
    // signing out everywhere before signing out here (which answers 204
    // whether or not the session still exists).
    rows.sort_by_key(|(op, _, _)| match *op {
        "DELETE /api/v1/sessions" => 1,
        "DELETE /api/v1/session" => 2,
        _ => 0,
    });
    let secrets = [
        t.case.clone(),
        t.order_number.clone(),
        t.quick_text_title.clone(),
    ];
    let mut wrong = Vec::new();
    let mut requests = 0;
    for (op, call, expected) in &rows {
        for (column, actor) in run_order() {
            let session = sessions[column].as_deref();
            let (status, content_type, body) = send(&app, &t, op, call, session).await;
            requests += 1;
            if status.as_u16() != expected[column] {
                wrong.push(format!(
                    "{op} as {actor:?}: {status}, expected {}: {}",
                    expected[column],
                    String::from_utf8_lossy(&body)
                ));
            }
            if status.is_client_error() && content_type != "application/problem+json" {
                wrong.push(format!(
                    "{op} as {actor:?}: a {status} sent as {content_type:?}"
                ));
            }
            // Nothing of the case (or of its desk's quick text) reaches
            // anyone outside it, whatever the answer.
            let text = String::from_utf8_lossy(&body);
            for secret in &secrets {
                let theirs = if *secret == t.quick_text_title {
                    actor == Actor::OwnMerchant
                } else {
                    actor.sees_case()
                };
                if !theirs && text.contains(secret.as_str()) {
                    wrong.push(format!("{op} as {actor:?} shows {secret:?}: {text}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {requests} requests broke the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(requests, rows.len() * ACTORS.len());
    refresh_security_md(&rows);
    println!(
        "authorization matrix: {} operations x {} callers = {requests} requests, all as expected",
        rows.len(),
        ACTORS.len()
    );
}

/// The matrix as SECURITY.md shows it, between its markers.
fn matrix_markdown(rows: &[(&'static str, Call, [u16; 8])]) -> String {
    let mut out = String::from(
        "| operation | signed out | own merchant | other merchant | other marketplace's merchant | own customer | other customer | support | other marketplace's support |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut sorted: Vec<_> = rows
        .iter()
        .map(|(op, _, expected)| (*op, expected))
        .collect();
    sorted.sort_by_key(|(op, _)| {
        let (method, path) = op.split_once(' ').unwrap();
        (path.to_owned(), method.to_owned())
    });
    for (op, expected) in sorted {
        let cells: Vec<String> = expected.iter().map(u16::to_string).collect();
        out.push_str(&format!("| `{op}` | {} |\n", cells.join(" | ")));
    }
    out.push_str(&format!(
        "\n{} operations × {} callers = {} requests on every `make test`; every refusal a problem document, and none of the {} answers to a caller outside the case carries its id, its order number or its desk's quick text.\n",
        rows.len(),
        ACTORS.len(),
        rows.len() * ACTORS.len(),
        rows.len() * ACTORS.iter().filter(|a| !a.sees_case()).count(),
    ));
    out
}

/// Writes the matrix into SECURITY.md (at the repository's root) between
/// `<!-- matrix:begin -->` and `<!-- matrix:end -->`, if it changed.
fn refresh_security_md(rows: &[(&'static str, Call, [u16; 8])]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../SECURITY.md");
    let text = std::fs::read_to_string(&path).expect("SECURITY.md at the repository's root");
    let (begin, end) = ("<!-- matrix:begin -->\n", "<!-- matrix:end -->");
    let start = text
        .find(begin)
        .expect("SECURITY.md has the matrix markers")
        + begin.len();
    let stop = text[start..].find(end).unwrap() + start;
    let fresh = format!(
        "{}{}{}",
        &text[..start],
        matrix_markdown(rows),
        &text[stop..]
    );
    if fresh != text {
        std::fs::write(&path, fresh).unwrap();
    }
}
