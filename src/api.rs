//! The typed client of the claims backend. Every HTTP call of the app is here;
//! components never build URLs. Every call returns `Result`, and every
//! failure is an `ApiError` the UI can explain in the user's language.

use claimdesk_shared::wire::{
    CaseDetail, CasePage, CaseToggles, Decision, EventView, FieldError, InboxCount, Me,
    MessageView, NewPost, NoteView, Problem, SignIn, TakeHold, UpdateMe, Versioned,
};
use claimdesk_shared::{CaseId, Inbox, Kind, Reason};
use gloo_net::http::{Request, RequestBuilder, Response};
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

/// Reads a response: the body as `T` on success, the problem otherwise.
async fn read<T: DeserializeOwned>(
    response: Result<Response, gloo_net::Error>,
) -> Result<T, ApiError> {
    let response = response.map_err(|_| ApiError::Network)?;
    if response.ok() {
        return response.json::<T>().await.map_err(|_| ApiError::Server);
    }
    let problem = response.json::<Problem>().await.ok();
    Err(ApiError::from_response(response.status(), problem))
}

/// Like `read`, for answers without a body.
async fn read_empty(response: Result<Response, gloo_net::Error>) -> Result<(), ApiError> {
    let response = response.map_err(|_| ApiError::Network)?;
    if response.ok() {
        return Ok(());
    }
    let problem = response.json::<Problem>().await.ok();
    Err(ApiError::from_response(response.status(), problem))
}

fn write(builder: RequestBuilder) -> RequestBuilder {
    builder.header(CSRF_HEADER, "1")
}

/// A write that creates something or moves money: retried with the same key,
/// the server answers as the first time instead of doing it again.
async fn send_once<T: DeserializeOwned>(
    builder: RequestBuilder,
    key: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    send_json(builder.header("idempotency-key", key), body).await
}

async fn send_json<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    let request = write(builder).json(body).map_err(|_| ApiError::Server)?;
    read(request.send().await).await
}

/// The signed-in user, or `Unauthenticated`.
pub async fn me() -> Result<Me, ApiError> {
    read(Request::get(&format!("{BASE}/me")).send().await).await
}

/// Signs in; the session lives in an HttpOnly cookie the script never sees.
pub async fn sign_in(input: SignIn) -> Result<Me, ApiError> {
    send_json(Request::post(&format!("{BASE}/session")), &input).await
}

/// Ends the session.
pub async fn sign_out() -> Result<(), ApiError> {
    read_empty(
        write(Request::delete(&format!("{BASE}/session")))
            .send()
            .await,
    )
    .await
}

/// Remembers the user's interface language.
pub async fn update_me(input: UpdateMe) -> Result<Me, ApiError> {
    send_json(Request::patch(&format!("{BASE}/me")), &input).await
}

/// What an inbox list asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseQuery {
    pub inbox: Inbox,
    pub q: String,
    pub page: i64,
    pub kind: Option<Kind>,
    pub reason: Option<Reason>,
}

/// One page of an inbox, optionally searched and filtered.
pub async fn cases(query: CaseQuery) -> Result<CasePage, ApiError> {
    let CaseQuery {
        inbox,
        q,
        page,
        kind,
        reason,
    } = query;
    let mut url = format!(
        "{BASE}/cases?inbox={inbox}&q={}&page={page}",
        js_sys::encode_uri_component(q.trim())
    );
    if let Some(kind) = kind {
        url.push_str(&format!("&kind={kind}"));
    }
    if let Some(reason) = reason {
        url.push_str(&format!("&reason={reason}"));
    }
    read(Request::get(&url).send().await).await
}

/// One case with its order and customer.
pub async fn case(id: CaseId) -> Result<CaseDetail, ApiError> {
    read(Request::get(&format!("{BASE}/cases/{id}")).send().await).await
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
    read(Request::get(&format!("{BASE}/inbox-counts")).send().await).await
}

/// The conversation with the customer.
pub async fn messages(id: CaseId) -> Result<Vec<MessageView>, ApiError> {
    read(
        Request::get(&format!("{BASE}/cases/{id}/messages"))
            .send()
            .await,
    )
    .await
}

/// The desk's internal notes.
pub async fn notes(id: CaseId) -> Result<Vec<NoteView>, ApiError> {
    read(
        Request::get(&format!("{BASE}/cases/{id}/notes"))
            .send()
            .await,
    )
    .await
}

/// The case's audit trail.
pub async fn events(id: CaseId) -> Result<Vec<EventView>, ApiError> {
    read(
        Request::get(&format!("{BASE}/cases/{id}/events"))
            .send()
            .await,
    )
    .await
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
    send_once(
        Request::post(&format!("{BASE}/cases/{id}/{path}")),
        &key,
        &input,
    )
    .await
}

/// Approves or rejects the case.
pub async fn decide(id: CaseId, input: Decision, key: String) -> Result<CaseDetail, ApiError> {
    send_once(
        Request::post(&format!("{BASE}/cases/{id}/decision")),
        &key,
        &input,
    )
    .await
}

/// Marks the returned parcel as arrived (and refunds).
pub async fn return_received(
    id: CaseId,
    input: Versioned,
    key: String,
) -> Result<CaseDetail, ApiError> {
    send_once(
        Request::post(&format!("{BASE}/cases/{id}/return-received")),
        &key,
        &input,
    )
    .await
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
