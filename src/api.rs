//! The typed client of the claims backend. Every HTTP call of the app is here;
//! components never build URLs. Every call returns `Result`, and every
//! failure is an `ApiError` the UI can explain in the user's language.

use claimdesk_shared::metrics::{MerchantMetrics, MerchantRanking};
use claimdesk_shared::wire::{
    Attachment, BulkResult, BulkSend, CaseDetail, CasePage, CasePresence, CaseToggles,
    CustomerOrder, Decision, Dispute, EventView, FieldError, HandBack, InboxCount, MarkRead, Me,
    MerchantRef, MessageView, NewCase, NewPost, NewRating, NoteView, Policy, PolicyInput,
    PresenceInput, Problem, QuickText, QuickTextInput, SignIn, TakeHold, UpdateMe, Versioned,
};
use claimdesk_shared::{CaseId, CaseSort, Inbox, Kind, Reason};
use gloo_net::http::{Request, RequestBuilder};

use crate::inbox_cache;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Where the API lives, relative to the page's origin.
const BASE: &str = "/api/v1";
/// Sent with every write; the backend refuses writes without it (CSRF).
const CSRF_HEADER: &str = "x-claimdesk-csrf";

/// Why a call failed, in terms the UI can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The request never got an answer (offline, server down).
    Network,
    /// No valid session: the user must sign in (again).
    Unauthenticated,
    /// Sign-in with a wrong email or password.
    InvalidCredentials,
    /// Signed in but not allowed.
    Forbidden,
    /// Missing, or not visible to this user.
    NotFound,
    /// Some fields are wrong; each error names its field.
    Validation(Vec<FieldError>),
    /// The case's state refuses the request; `kind` is the problem type's
    /// last part (`stale-version`, `transition-refused`, `held-by-other`, …).
    Conflict(String),
    /// Too many sign-in attempts; try again after this many seconds.
    TooManyAttempts(u64),
    /// The server failed (5xx) or answered something unreadable.
    Server,
}

impl ApiError {
    /// The first error reported for `field`, if any.
    pub fn field(&self, field: &str) -> Option<&FieldError> {
        match self {
            ApiError::Validation(errors) => errors.iter().find(|e| e.field == field),
            _ => None,
        }
    }

    /// The error a problem document describes (also one result of a bulk
    /// request).
    pub fn from_problem(problem: Problem) -> ApiError {
        ApiError::from_response(problem.status, Some(problem))
    }

    fn from_response(status: u16, problem: Option<Problem>) -> ApiError {
        let kind = problem
            .as_ref()
            .map(|p| p.kind.rsplit(':').next().unwrap_or("").to_owned());
        match (status, kind.as_deref()) {
            (401, Some("invalid-credentials")) => ApiError::InvalidCredentials,
            (401, _) => ApiError::Unauthenticated,
            (403, _) => ApiError::Forbidden,
            (404, _) => ApiError::NotFound,
            (400 | 422, _) => ApiError::Validation(problem.map(|p| p.errors).unwrap_or_default()),
            (409, kind) => ApiError::Conflict(kind.unwrap_or_default().to_owned()),
            (429, _) => {
                ApiError::TooManyAttempts(problem.and_then(|p| p.retry_after_seconds).unwrap_or(60))
            }
            _ => ApiError::Server,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for ApiError {}

/// The one place a request leaves the app. It is deliberately not generic:
/// the fetch, its error mapping and their async state machine exist once in
/// the binary, and each typed call adds only its JSON decoding (see
/// BENCHMARKS.md, download size).
async fn exchange(
    builder: RequestBuilder,
    key: Option<&str>,
    body: Body,
) -> Result<String, ApiError> {
    // Anything but a read may change what inboxes hold, and its live report
    // may come after the next navigation.
    if !matches!(body, Body::Read) {
        inbox_cache::clear();
    }
    let builder = match key {
        Some(key) => builder.header("idempotency-key", key),
        None => builder,
    };
    let request = match body {
        Body::Json(body) => builder
            .header(CSRF_HEADER, "1")
            .header("content-type", "application/json")
            .body(body),
        // The browser writes the multipart content type with its boundary.
        Body::Form(form) => builder.header(CSRF_HEADER, "1").body(form),
        Body::Read | Body::Empty => builder.build(),
    };
    let response = request
        .map_err(|_| ApiError::Server)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    if response.ok() {
        return Ok(text);
    }
    let problem = js_sys::JSON::parse(&text)
        .ok()
        .and_then(|v| serde_wasm_bindgen::from_value::<Problem>(v).ok());
    Err(ApiError::from_response(response.status(), problem))
}

/// JSON through the browser's own parser: serde-wasm-bindgen walks the parsed
/// value, so the download carries no JSON parser of its own (11 KB brotli
/// less than serde_json, see BENCHMARKS.md).
fn decode<T: DeserializeOwned>(text: Result<String, ApiError>) -> Result<T, ApiError> {
    let value = js_sys::JSON::parse(&text?).map_err(|_| ApiError::Server)?;
    serde_wasm_bindgen::from_value(value).map_err(|_| ApiError::Server)
}

/// What a request carries.
enum Body {
    /// A `GET`: no body, and nothing changes.
    Read,
    Empty,
    Json(String),
    Form(web_sys::FormData),
}

fn encode(body: &impl Serialize) -> Body {
    // JSON through the browser's own `JSON` (see `decode`). Our wire types
    // always serialise; were one not to, "null" is refused field by field.
    let json = body
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .map(String::from);
    Body::Json(json.unwrap_or_else(|| "null".to_owned()))
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(exchange(Request::get(&format!("{BASE}{path}")), None, Body::Read).await)
}

/// A write that creates something or moves money: retried with the same key,
/// the server answers as the first time instead of doing it again.
async fn send_once<T: DeserializeOwned>(
    path: &str,
    key: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    let builder = Request::post(&format!("{BASE}{path}"));
    decode(exchange(builder, Some(key), encode(body)).await)
}

async fn send_json<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    decode(exchange(builder, None, encode(body)).await)
}

/// The signed-in user, or `Unauthenticated`.
pub async fn me() -> Result<Me, ApiError> {
    get("/me").await
}

/// Signs in; the session lives in an HttpOnly cookie the script never sees.
pub async fn sign_in(input: SignIn) -> Result<Me, ApiError> {
    send_json(Request::post(&format!("{BASE}/session")), &input).await
}

/// Ends the session.
pub async fn sign_out() -> Result<(), ApiError> {
    delete_empty("/session").await
}

/// Ends every session of the user, on every device.
pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    delete_empty("/sessions").await
}

/// A `DELETE` that answers with no body.
async fn delete_empty(path: &str) -> Result<(), ApiError> {
    exchange(
        Request::delete(&format!("{BASE}{path}")).header(CSRF_HEADER, "1"),
        None,
        Body::Empty,
    )
    .await
    .map(drop)
}

/// Remembers the user's interface language.
pub async fn update_me(input: UpdateMe) -> Result<Me, ApiError> {
    send_json(Request::patch(&format!("{BASE}/me")), &input).await
}

/// What an inbox list asks for; the same fields make the inbox's address,
/// so a view can be bookmarked and shared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseQuery {
    pub inbox: Inbox,
    pub q: String,
    pub page: i64,
    pub kind: Option<Kind>,
    pub reason: Option<Reason>,
    /// `None`: the inbox's own order (deadline for Open, newest otherwise).
    pub sort: Option<CaseSort>,
    /// Only clocks running out within 12 hours.
    pub breaching_soon: bool,
    /// Rows per page; `None`: the server's default.
    pub per_page: Option<i64>,
    /// Claimed value bounds, in minor units, inclusive.
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    /// Age bounds in whole days since the case was reported.
    pub min_age_days: Option<i64>,
    pub max_age_days: Option<i64>,
    /// One merchant's cases only (support's filter).
    pub merchant: Option<i64>,
}

impl CaseQuery {
    /// An inbox's first page, unfiltered.
    pub fn new(inbox: Inbox) -> CaseQuery {
        CaseQuery {
            inbox,
            q: String::new(),
            page: 1,
            kind: None,
            reason: None,
            sort: None,
            breaching_soon: false,
            per_page: None,
            min_value: None,
            max_value: None,
            min_age_days: None,
            max_age_days: None,
            merchant: None,
        }
    }

    /// Reads the query from an address's parameters (`get` looks one up).
    pub fn from_params(inbox: Inbox, get: impl Fn(&str) -> Option<String>) -> CaseQuery {
        CaseQuery {
            inbox,
            q: get("q").unwrap_or_default(),
            page: get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
                .max(1),
            kind: get("kind").and_then(|k| k.parse().ok()),
            reason: get("reason").and_then(|r| r.parse().ok()),
            sort: get("sort").and_then(|s| s.parse().ok()),
            breaching_soon: get("breaching_soon").is_some_and(|b| b == "true"),
            per_page: get("per_page").and_then(|p| p.parse().ok()),
            min_value: get("min_value").and_then(|v| v.parse().ok()),
            max_value: get("max_value").and_then(|v| v.parse().ok()),
            min_age_days: get("min_age_days").and_then(|v| v.parse().ok()),
            max_age_days: get("max_age_days").and_then(|v| v.parse().ok()),
            merchant: get("merchant").and_then(|v| v.parse().ok()),
        }
    }

    /// The parameters besides the inbox, as `a=b&c=d` (empty when default).
    pub fn to_query_string(&self) -> String {
        let mut query = Vec::new();
        if let Some(kind) = self.kind {
            query.push(format!("kind={kind}"));
        }
        if let Some(reason) = self.reason {
            query.push(format!("reason={reason}"));
        }
        if self.breaching_soon {
            query.push("breaching_soon=true".to_owned());
        }
        if let Some(sort) = self.sort {
            query.push(format!("sort={sort}"));
        }
        for (name, value) in [
            ("min_value", self.min_value),
            ("max_value", self.max_value),
            ("min_age_days", self.min_age_days),
            ("max_age_days", self.max_age_days),
            ("merchant", self.merchant),
        ] {
            if let Some(value) = value {
                query.push(format!("{name}={value}"));
            }
        }
        let q = self.q.trim();
        if !q.is_empty() {
            query.push(format!("q={}", js_sys::encode_uri_component(q)));
        }
        if self.page > 1 {
            query.push(format!("page={}", self.page));
        }
        if let Some(per_page) = self.per_page {
            query.push(format!("per_page={per_page}"));
        }
        query.join("&")
    }
}

/// One page of an inbox, optionally searched and filtered.
pub async fn cases(query: CaseQuery) -> Result<CasePage, ApiError> {
    let mut url = format!("/cases?inbox={}", query.inbox);
    let rest = query.to_query_string();
    if !rest.is_empty() {
        url.push('&');
        url.push_str(&rest);
    }
    let timeless =
        !query.breaching_soon && query.min_age_days.is_none() && query.max_age_days.is_none();
    if let Some(kept) = inbox_cache::get(&url).filter(|_| timeless) {
        return decode(Ok(kept));
    }
    let since = inbox_cache::epoch();
    let text = exchange(Request::get(&format!("{BASE}{url}")), None, Body::Read).await?;
    if timeless {
        inbox_cache::keep(url, &text, since);
    }
    decode(Ok(text))
}

/// One case with its order and customer.
pub async fn case(id: CaseId) -> Result<CaseDetail, ApiError> {
    get(&format!("/cases/{id}")).await
}

/// A fresh idempotency key for a new write (kept with its draft for retries).
pub fn new_idempotency_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}

/// How many cases each of the user's inboxes holds.
pub async fn inbox_counts() -> Result<Vec<InboxCount>, ApiError> {
    get("/inbox-counts").await
}

/// Uploads one file (JPEG, PNG, WebP or PDF, at most 10 MB) to attach to
/// a message or note.
pub async fn upload(file: web_sys::File) -> Result<Attachment, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Server)?;
    form.append_with_blob_and_filename("file", &file, &file.name())
        .map_err(|_| ApiError::Server)?;
    let builder = Request::post(&format!("{BASE}/attachments"));
    decode(exchange(builder, None, Body::Form(form)).await)
}

/// The desk's quick texts (the merchant's, or the support team's).
pub async fn quick_texts() -> Result<Vec<QuickText>, ApiError> {
    get("/quick-texts").await
}

/// Adds a quick text.
pub async fn create_quick_text(input: QuickTextInput) -> Result<QuickText, ApiError> {
    send_json(Request::post(&format!("{BASE}/quick-texts")), &input).await
}

/// Changes a quick text (`input.version` is the one edited).
pub async fn update_quick_text(id: i64, input: QuickTextInput) -> Result<QuickText, ApiError> {
    send_json(Request::put(&format!("{BASE}/quick-texts/{id}")), &input).await
}

/// Deletes a quick text.
pub async fn delete_quick_text(id: i64) -> Result<(), ApiError> {
    delete_empty(&format!("/quick-texts/{id}")).await
}

/// The conversation with the customer.
pub async fn messages(id: CaseId) -> Result<Vec<MessageView>, ApiError> {
    get(&format!("/cases/{id}/messages")).await
}

/// The desk's internal notes.
pub async fn notes(id: CaseId) -> Result<Vec<NoteView>, ApiError> {
    get(&format!("/cases/{id}/notes")).await
}

/// The case's audit trail.
pub async fn events(id: CaseId) -> Result<Vec<EventView>, ApiError> {
    get(&format!("/cases/{id}/events")).await
}

/// Which kind of post a composer writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostKind {
    Message,
    Note,
}

/// Posts a message or note; returns the case as it is afterwards.
pub async fn post(
    id: CaseId,
    kind: PostKind,
    input: NewPost,
    key: String,
) -> Result<CaseDetail, ApiError> {
    let path = match kind {
        PostKind::Message => "messages",
        PostKind::Note => "notes",
    };
    send_once(&format!("/cases/{id}/{path}"), &key, &input).await
}

/// Approves or rejects the case.
pub async fn decide(id: CaseId, input: Decision, key: String) -> Result<CaseDetail, ApiError> {
    send_once(&format!("/cases/{id}/decision"), &key, &input).await
}

/// The signed-in customer's orders, with what is left to report on each line.
pub async fn orders() -> Result<Vec<CustomerOrder>, ApiError> {
    get("/orders").await
}

/// The merchants whose cases the user may see (support: its marketplace's).
pub async fn merchants() -> Result<Vec<MerchantRef>, ApiError> {
    get("/merchants").await
}

/// The user has case `id` open (and is typing in its message composer, or
/// not): who of the desk is on it now.
pub async fn presence(id: CaseId, typing: bool) -> Result<CasePresence, ApiError> {
    send_json(
        Request::put(&format!("{BASE}/cases/{id}/presence")),
        &PresenceInput { typing },
    )
    .await
}

/// The user closed case `id`.
pub async fn leave_case(id: CaseId) -> Result<(), ApiError> {
    delete_empty(&format!("/cases/{id}/presence")).await
}

/// The same as the page goes away: `keepalive` lets the request finish
/// after the page is gone, which an ordinary fetch does not.
pub fn leave_case_on_unload(id: CaseId) {
    let init = web_sys::RequestInit::new();
    init.set_method("DELETE");
    // web-sys has no setter for `keepalive`; it is a plain field of the
    // init dictionary.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&headers, &CSRF_HEADER.into(), &"1".into());
    init.set_headers(&headers);
    let _ = leptos::prelude::window()
        .fetch_with_str_and_init(&format!("{BASE}/cases/{id}/presence"), &init);
}

/// The user has seen case `id`'s conversation up to message `up_to`.
pub async fn mark_read(id: CaseId, up_to: i64) -> Result<(), ApiError> {
    let builder = Request::post(&format!("{BASE}/cases/{id}/read"));
    exchange(builder, None, encode(&MarkRead { up_to }))
        .await
        .map(drop)
}

/// A merchant's figures over the last `days` days: the agent's own, or for
/// support `merchant`'s.
pub async fn metrics(days: i64, merchant: Option<i64>) -> Result<MerchantMetrics, ApiError> {
    match merchant {
        Some(merchant) => get(&format!("/metrics?days={days}&merchant={merchant}")).await,
        None => get(&format!("/metrics?days={days}")).await,
    }
}

/// Support: every merchant of its marketplace, the most at risk first.
pub async fn metrics_ranking(days: i64) -> Result<MerchantRanking, ApiError> {
    get(&format!("/metrics/merchants?days={days}")).await
}

/// Support: its marketplace's policy, with the latest changes.
pub async fn policy() -> Result<Policy, ApiError> {
    get("/policy").await
}

/// Support: changes the policy (a stale version is a conflict).
pub async fn save_policy(input: PolicyInput) -> Result<Policy, ApiError> {
    send_json(Request::put(&format!("{BASE}/policy")), &input).await
}

/// Support: the orders of its marketplace that `q` names (an order
/// number, a legacy number or a customer's email), with their customer.
pub async fn find_orders(q: &str) -> Result<Vec<CustomerOrder>, ApiError> {
    get(&format!("/orders?q={}", js_sys::encode_uri_component(q))).await
}

/// Reports a problem with an order: the new case, as the customer sees it.
pub async fn report(input: NewCase, key: String) -> Result<CaseDetail, ApiError> {
    send_once("/cases", &key, &input).await
}

/// Saves a decision without sending it (the Prepared view).
pub async fn prepare(id: CaseId, input: Decision) -> Result<CaseDetail, ApiError> {
    send_json(Request::put(&format!("{BASE}/cases/{id}/prepared")), &input).await
}

/// Throws a prepared decision away.
pub async fn discard_prepared(id: CaseId, input: Versioned) -> Result<CaseDetail, ApiError> {
    send_json(
        Request::delete(&format!("{BASE}/cases/{id}/prepared")),
        &input,
    )
    .await
}

/// Sends the prepared decisions of the listed cases; one result per case.
pub async fn send_prepared(input: BulkSend, key: String) -> Result<BulkResult, ApiError> {
    send_once("/prepared/send", &key, &input).await
}

/// The customer accepts the merchant's proposal.
pub async fn accept_proposal(
    id: CaseId,
    input: Versioned,
    key: String,
) -> Result<CaseDetail, ApiError> {
    send_once(&format!("/cases/{id}/proposal/accept"), &key, &input).await
}

/// Where case `id`'s return label is made and downloaded (a link, not a
/// fetch: the browser saves the PDF).
pub fn return_label_url(id: CaseId) -> String {
    format!("{BASE}/cases/{id}/return-label")
}

/// The customer says the problem is solved (the case closes).
pub async fn resolve(id: CaseId, input: Versioned, key: String) -> Result<CaseDetail, ApiError> {
    send_once(&format!("/cases/{id}/resolve"), &key, &input).await
}

/// The customer rates the support of a closed case (or changes the rating).
pub async fn rate(id: CaseId, input: NewRating) -> Result<CaseDetail, ApiError> {
    send_json(Request::post(&format!("{BASE}/cases/{id}/rating")), &input).await
}

/// The customer disputes the rejection: the platform decides.
pub async fn dispute(id: CaseId, input: Dispute, key: String) -> Result<CaseDetail, ApiError> {
    send_once(&format!("/cases/{id}/dispute"), &key, &input).await
}

/// Support gives a platform case back to the merchant, with a note.
pub async fn hand_back(id: CaseId, input: HandBack, key: String) -> Result<CaseDetail, ApiError> {
    send_once(&format!("/cases/{id}/hand-back"), &key, &input).await
}

/// Marks the returned parcel as arrived (and refunds).
pub async fn return_received(
    id: CaseId,
    input: Versioned,
    key: String,
) -> Result<CaseDetail, ApiError> {
    send_once(&format!("/cases/{id}/return-received"), &key, &input).await
}

/// Takes (or takes over) the case.
pub async fn hold(id: CaseId, input: TakeHold) -> Result<CaseDetail, ApiError> {
    send_json(Request::post(&format!("{BASE}/cases/{id}/hold")), &input).await
}

/// Lets go of the case.
pub async fn release(id: CaseId, input: Versioned) -> Result<CaseDetail, ApiError> {
    send_json(Request::post(&format!("{BASE}/cases/{id}/release")), &input).await
}

/// Sets the case's toggles.
pub async fn update_case(id: CaseId, input: CaseToggles) -> Result<CaseDetail, ApiError> {
    send_json(Request::patch(&format!("{BASE}/cases/{id}")), &input).await
}
