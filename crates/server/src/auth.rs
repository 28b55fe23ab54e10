//! Who is calling: password hashes, sessions, and the `CurrentUser` extractor.
//!
//! The SPA signs in with email and password and gets an opaque session token
//! in an `HttpOnly; SameSite=Strict` cookie, which no script and no other
//! origin can read. Writes additionally need the `X-Claimdesk-Csrf` header,
//! which a cross-site form or image cannot send and a cross-origin script
//! cannot send without a CORS preflight that this server never grants.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

use rand::Rng;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;
use crate::store::sessions::{self, Expiry};
pub use crate::user::CurrentUser;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "claimdesk_session";
/// Header every write must carry (see the module comment).
pub const CSRF_HEADER: &str = "x-claimdesk-csrf";
/// The longest a session lasts by default (`SessionPolicy::max`).
pub const SESSION_DAYS: i64 = 30;
/// How often a session in use is renewed (a write), at most.
const RENEW_EVERY: Duration = Duration::minutes(1);

/// Whether a session used at `now` is due a renewal: its end without use
/// was last set more than `RENEW_EVERY` ago, and is not already its
/// absolute end.
fn needs_renewal(expiry: &Expiry, now: DateTime<Utc>, idle: Duration) -> bool {
    expiry.idle_expires_at < expiry.expires_at && expiry.idle_expires_at - now <= idle - RENEW_EVERY
}

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// Whether `password` matches the stored hash. A stored value that is no
/// hash (an account that signs in only through its portal: `portal.rs`)
/// matches nothing, after as long as a real check, so the answer's timing
/// does not tell such accounts apart.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let (parsed, usable) = match PasswordHash::new(hash) {
        Ok(parsed) => (parsed, true),
        Err(_) => (
            PasswordHash::new(dummy_hash()).expect("the dummy hash parses"),
            false,
        ),
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && usable
}

/// A hash to verify against when the email is unknown, so that a wrong email
/// takes as long as a wrong password and does not reveal who has an account.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").expect("argon2 with default params"))
}

/// How long a session looked up in the database is trusted without looking
/// again (`SessionCache`).
pub const SESSION_CACHE_SECONDS: u64 = 10;
/// The most sessions the cache holds; above it, it starts over.
const SESSION_CACHE_ENTRIES: usize = 100_000;

/// A session token's SHA-256: what the database stores, and the cache's key.
type TokenHash = [u8; 32];

fn token_digest(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

/// The hex SHA-256 of a session token: how the database and the open
/// streams know a session without the token itself.
pub fn session_key(token: &str) -> String {
    hex::encode(token_digest(token))
}

/// The sessions this process looked up in the last
/// `SESSION_CACHE_SECONDS`, so a request does not cost a query to learn
/// who sent it.
///
/// Signing out and changing one's preferences take effect at once here:
/// both drop the cached entries they make wrong (`forget`, `forget_user`),
/// and a lookup that raced them is not stored (`revocations`). The session's
/// own expiry is checked on every hit. A second server instance would not
/// hear of a sign-out at another: it would trust the session for at most
/// `SESSION_CACHE_SECONDS` more, unless the sign-outs were fanned out
/// between instances like the live updates (`live.rs`).
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<TokenHash, CachedSession>>,
    /// Counts `forget` and `forget_user`: a lookup stores its answer only
    /// if none happened while it read the database.
    revocations: AtomicU64,
}

#[derive(Debug)]
struct CachedSession {
    user: CurrentUser,
    expiry: Expiry,
    looked_up: Instant,
}

impl SessionCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TokenHash, CachedSession>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The user of session `hash`, if looked up recently, not ended at
    /// `now`, and renewed less than `RENEW_EVERY` ago (else the database
    /// renews it: its end without use is then `idle` from now).
    fn get(&self, hash: &TokenHash, now: DateTime<Utc>, idle: Duration) -> Option<CurrentUser> {
        let entries = self.lock();
        let cached = entries.get(hash)?;
        let fresh = cached.looked_up.elapsed().as_secs() < SESSION_CACHE_SECONDS;
        let renewed = !needs_renewal(&cached.expiry, now, idle);
        (fresh && renewed && cached.expiry.ends_at() > now).then(|| cached.user.clone())
    }

    fn put(&self, hash: TokenHash, session: CachedSession, revocations: u64) {
        let mut entries = self.lock();
        // Checked under the lock `forget` takes: no sign-out slips between.
        if self.revocations.load(Ordering::SeqCst) != revocations {
            return;
        }
        if entries.len() >= SESSION_CACHE_ENTRIES {
            entries.clear();
        }
        entries.insert(hash, session);
    }

    /// The session behind `token` ended.
    fn forget(&self, token: &str) {
        let mut entries = self.lock();
        self.revocations.fetch_add(1, Ordering::SeqCst);
        entries.remove(&token_digest(token));
    }

    /// What the sessions of user `user_id` carry changed.
    pub fn forget_user(&self, user_id: i64) {
        let mut entries = self.lock();
        self.revocations.fetch_add(1, Ordering::SeqCst);
        entries.retain(|_, cached| cached.user.id != user_id);
    }
}

/// Starts a session for `user_id`; returns the token to hand to the client.
pub async fn create_session(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let token = hex::encode(rand::rng().random::<[u8; 32]>());
    let (now, policy) = (state.now(), state.config.sessions);
    let expiry = Expiry {
        expires_at: now + policy.max,
        idle_expires_at: now + policy.idle.min(policy.max),
    };
    sessions::insert(
        state.writer.pool(),
        &session_key(&token),
        user_id,
        now,
        expiry,
    )
    .await?;
    Ok(token)
}

/// Ends the session behind `token`, if any, and its open event streams.
pub async fn delete_session(state: &AppState, token: &str) -> Result<(), AppError> {
    let hash = session_key(token);
    sessions::delete(state.writer.pool(), &hash).await?;
    state.sessions.forget(token);
    state.streams.close_session(&hash);
    Ok(())
}

/// Ends every session of user `user_id` (signing out everywhere), with
/// their open event streams; returns how many there were.
pub async fn delete_user_sessions(state: &AppState, user_id: i64) -> Result<u64, AppError> {
    let ended = sessions::delete_user_sessions(state.writer.pool(), user_id, None).await?;
    state.sessions.forget_user(user_id);
    state.streams.close_user(user_id);
    Ok(ended)
}

/// Gives the account with `email` a new password and ends all its
/// sessions (whoever knew the old one is signed out); returns how many
/// sessions ended, or `None` without such an account.
pub async fn set_password(
    state: &AppState,
    email: &str,
    password: String,
) -> Result<Option<u64>, AppError> {
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let Some(user_id) = sessions::set_password_hash(state.writer.pool(), email, &hash).await?
    else {
        return Ok(None);
    };
    Ok(Some(delete_user_sessions(state, user_id).await?))
}

/// The session cookie carrying `token` (or clearing it when `None`).
pub fn session_cookie(state: &AppState, token: Option<String>) -> Cookie<'static> {
    let clear = token.is_none();
    let mut cookie = Cookie::build((SESSION_COOKIE, token.unwrap_or_default()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .build();
    if clear {
        cookie.make_removal();
    } else {
        cookie.set_expires(expires_in(state.config.sessions.max));
    }
    cookie
}

fn expires_in(after: Duration) -> axum_extra::extract::cookie::Expiration {
    let after = after.to_std().unwrap_or_default();
    axum_extra::extract::cookie::Expiration::DateTime((std::time::SystemTime::now() + after).into())
}

/// The token a request carries: a bearer token (embedding hosts, API users)
/// or the session cookie (the SPA).
pub fn request_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    bearer.or_else(|| {
        CookieJar::from_headers(headers)
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
    })
}

/// The user behind a session token that has not ended at `now`, with when
/// it ends, from the database (the event streams: not through the cache,
/// and without renewing it, which only a request does).
pub async fn session_for_token(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(CurrentUser, Expiry)>, AppError> {
    sessions::user_for(&state.db, &session_key(token), now).await
}

/// The user behind a session token that has not expired, through the
/// session cache.
pub async fn signed_in_user(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentUser>, AppError> {
    let hash = token_digest(token);
    let idle = state.config.sessions.idle;
    if let Some(user) = state.sessions.get(&hash, now, idle) {
        return Ok(Some(user));
    }
    let revocations = state.sessions.revocations.load(Ordering::SeqCst);
    let key = hex::encode(hash);
    let Some((user, mut expiry)) = sessions::user_for(&state.db, &key, now).await? else {
        return Ok(None);
    };
    // Used now: it ends without use `idle` from now (renewed at most every
    // `RENEW_EVERY`, never past its absolute end).
    if needs_renewal(&expiry, now, idle) {
        let renewed = (now + idle).min(expiry.expires_at);
        sessions::renew(state.writer.pool(), &key, renewed).await?;
        expiry.idle_expires_at = renewed;
    }
    state.sessions.put(
        hash,
        CachedSession {
            user: user.clone(),
            expiry,
            looked_up: Instant::now(),
        },
        revocations,
    );
    Ok(Some(user))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = request_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
        signed_in_user(state, &token, state.now())
            .await?
            .ok_or(AppError::Unauthenticated)
    }
}

/// Refuses writes that could come from another site (see the module comment).
/// Whether a request's `Origin`, when it sends one, is the origin it was
/// sent to (its `Host`): browsers send `Origin` on every cross-origin write
/// and on same-origin ones but GET, and a page cannot forge it.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    // "null" (a sandboxed frame, a file) and anything unparsable is foreign.
    origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .is_some_and(|(scheme, authority)| {
            matches!(scheme, "http" | "https") && authority.eq_ignore_ascii_case(host)
        })
}

pub async fn csrf_guard(
    State(portal_origins): State<Arc<[String]>>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe {
        let headers = request.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
        // An app embedded on a portal's origin calls with a bearer token:
        // no ambient credential a foreign page could ride on, and the
        // origin is one the portal was configured with.
        let portal = headers.contains_key(header::AUTHORIZATION)
            && headers
                .get(header::ORIGIN)
                .and_then(|o| o.to_str().ok())
                .is_some_and(|o| portal_origins.iter().any(|allowed| allowed == o));
        let foreign = (cross_site || !same_origin(headers)) && !portal;
        if foreign || !headers.contains_key(CSRF_HEADER) {
            return AppError::Forbidden(
                "writes need the X-Claimdesk-Csrf header and must come from this site",
            )
            .into_response();
        }
    }
    next.run(request).await
}
