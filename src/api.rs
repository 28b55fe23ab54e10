//! The typed client of the claims backend. Every HTTP call of the app is here;
//! components never build URLs. Every call returns `Result`, and every
//! failure is an `ApiError` the UI can explain in the user's language.

use claimdesk_shared::wire::{CaseDetail, CasePage, FieldError, Me, Problem, SignIn, UpdateMe};
use claimdesk_shared::{CaseId, Inbox};
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

/// One page of an inbox, optionally searched.
pub async fn cases(inbox: Inbox, q: String, page: i64) -> Result<CasePage, ApiError> {
    let q = js_sys::encode_uri_component(q.trim());
    read(
        Request::get(&format!("{BASE}/cases?inbox={inbox}&q={q}&page={page}"))
            .send()
            .await,
    )
    .await
}

/// One case with its order and customer.
pub async fn case(id: CaseId) -> Result<CaseDetail, ApiError> {
    read(Request::get(&format!("{BASE}/cases/{id}")).send().await).await
}
