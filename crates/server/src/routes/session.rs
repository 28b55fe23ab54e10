//! Signing in and out.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use axum_extra::extract::cookie::CookieJar;
use claimdesk_shared::wire::{FieldError, Me, PortalSignIn, Problem, SignIn};

use crate::auth::{self, session_cookie, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::http::extract::ApiJson;
use crate::portal;
use crate::sign_in_limits;
use crate::state::AppState;
use crate::store::users;

fn validate(input: &SignIn) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let email = input.email.trim();
    if email.is_empty() {
        errors.push(FieldError {
            field: "email".into(),
            code: "required".into(),
            message: "Enter your email address".into(),
        });
    } else if !email.contains('@') || email.len() > 254 {
        errors.push(FieldError {
            field: "email".into(),
            code: "invalid_email".into(),
            message: "This is not an email address".into(),
        });
    }
    if input.password.is_empty() {
        errors.push(FieldError {
            field: "password".into(),
            code: "required".into(),
            message: "Enter your password".into(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Signs in with email and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignIn,
    responses((status = 200, body = Me), (status = 401, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, description = "Too many attempts; `Retry-After` says when to try again")))]
pub async fn session_create(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    ApiJson(input): ApiJson<SignIn>,
) -> AppResult<(CookieJar, Json<Me>)> {
    validate(&input)?;
    let account = sign_in_limits::account_key(&input.email);
    let address = client.map(|Extension(ConnectInfo(addr))| addr.ip());
    sign_in_limits::check(&state, &account, address).await?;
    let row = users::credentials(&state.db, input.email.trim()).await?;
    let password = input.password.clone();
    let hash = row
        .as_ref()
        .map_or_else(|| auth::dummy_hash().to_owned(), |(_, h)| h.clone());
    // Argon2 is CPU-bound by design; keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let user_id = match row {
        Some((id, _)) if matches => id,
        _ => {
            sign_in_limits::failed(&state, &account, address).await?;
            return Err(AppError::InvalidCredentials);
        }
    };
    sign_in_limits::succeeded(&state, &account).await?;
    let token = auth::create_session(&state, user_id).await?;
    let me = users::me(&state.db, user_id).await?;
    Ok((jar.add(session_cookie(&state, Some(token))), Json(me)))
}

/// Signs in the user a marketplace portal vouches for with a JWT it signed
/// (`portal.rs`): answered like a password sign-in (the session cookie and
/// the user), and the session token also in `X-Claimdesk-Session`, for an
/// app embedded on the portal's origin (the bearer-token mode).
#[utoipa::path(post, path = "/api/v1/session/portal", tag = "session", request_body = PortalSignIn,
    responses(
        (status = 200, body = Me, headers(("X-Claimdesk-Session" = String, description = "The session token, for `Authorization: Bearer`"))),
        (status = 401, body = Problem, description = "The token was refused: expired, not yet valid, tampered, for another audience or marketplace, used before"),
        (status = 422, body = Problem)))]
pub async fn session_portal(
    State(state): State<AppState>,
    jar: CookieJar,
    ApiJson(input): ApiJson<PortalSignIn>,
) -> AppResult<Response> {
    if input.token.trim().is_empty() {
        return Err(AppError::field("token", "required", "the portal's token"));
    }
    let user_id = portal::sign_in(&state, input.token.trim()).await?;
    let token = auth::create_session(&state, user_id).await?;
    let me = users::me(&state.db, user_id).await?;
    let header = HeaderValue::from_str(&token).map_err(|e| AppError::Internal(e.into()))?;
    let mut response = (jar.add(session_cookie(&state, Some(token))), Json(me)).into_response();
    response
        .headers_mut()
        .insert(HeaderName::from_static("x-claimdesk-session"), header);
    Ok(response)
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "Signed out")))]
pub async fn session_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
) -> AppResult<(StatusCode, CookieJar)> {
    if let Some(token) = auth::request_token(&headers) {
        auth::delete_session(&state, &token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        jar.add(session_cookie(&state, None)),
    ))
}

/// Signs the user out everywhere: every session of theirs ends (this
/// browser's too), with its open event streams.
#[utoipa::path(delete, path = "/api/v1/sessions", tag = "session",
    responses((status = 204, description = "Every session of the user ended"), (status = 401, body = Problem)))]
pub async fn sessions_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> AppResult<(StatusCode, CookieJar)> {
    auth::delete_user_sessions(&state, user.id).await?;
    Ok((
        StatusCode::NO_CONTENT,
        jar.add(session_cookie(&state, None)),
    ))
}
