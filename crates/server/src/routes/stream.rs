//! Live updates for the SPA (`GET /api/v1/stream`): Server-Sent Events, one
//! `event: case` with `data: {"id","version","status"}` (`CaseChanged`) per
//! committed change to a case the user may see, and `event: resync` with
//! `data: {}` when the stream fell too far behind to tell every change
//! (the client then refetches what it shows).
//!
//! Each stream filters the published changes with the user's `Scope`, the
//! rule the list and detail routes apply in SQL, on the ids every change
//! carries: no query per stream and change.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use claimdesk_shared::wire::{CaseChanged, Problem};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};
use tokio::time::{Instant, Interval, MissedTickBehavior};

use crate::auth::{request_token, session_for_token, session_key, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::live::CaseChange;
use crate::open_streams::StreamTicket;
use crate::scope::Scope;
use crate::state::AppState;

/// How often an idle stream sends a comment line, so the browser and any
/// proxy keep the connection open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How often a stream checks that its session still exists, besides when
/// it is due to end: a session signed out by another instance, or by
/// `set-password` from the command line, ends its streams within this.
/// (Signing out here ends them at once: `OpenStreams`.) The first check
/// comes after a random part of one more period, so streams opened
/// together do not check together.
pub const SESSION_CHECK: Duration = Duration::from_secs(60);

/// The live updates of the signed-in user's cases.
#[utoipa::path(get, path = "/api/v1/stream", tag = "live",
    responses(
        (status = 200, content_type = "text/event-stream", body = CaseChanged,
            description = "Server-Sent Events: `event: case` with a `CaseChanged` per committed change to a case the user may see; `event: resync` with `{}` when changes were missed (refetch everything)"),
        (status = 401, body = Problem)))]
pub async fn stream_get(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    let token = request_token(&headers).ok_or(AppError::Unauthenticated)?;
    let (_, expiry) = session_for_token(&state, &token, state.now())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    // At most `MAX_PER_SESSION` per session: this one may close the oldest.
    let ticket = state.streams.open(&session_key(&token), user.id);
    let jitter = rand::random_range(0..SESSION_CHECK.as_millis() as u64);
    let mut session_check = tokio::time::interval_at(
        Instant::now() + SESSION_CHECK + Duration::from_millis(jitter),
        SESSION_CHECK,
    );
    session_check.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Subscribed before the answer leaves: whatever commits after the
    // client saw the headers reaches it.
    let follow = Follow {
        scope: Scope::of(&user),
        changes: state.live.subscribe(),
        closing: state.live.closing(),
        session_check,
        ends_at: expiry.ends_at(),
        ticket,
        token,
        state,
    };
    let events = futures_util::stream::unfold(follow, next_event);
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE));
    // `Sse` sets `Content-Type: text/event-stream` and `Cache-Control:
    // no-cache`; this asks a buffering reverse proxy (nginx) to pass each
    // event on at once.
    Ok((
        [(
            HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        )],
        sse,
    )
        .into_response())
}

/// One open stream.
struct Follow {
    state: AppState,
    token: String,
    scope: Scope,
    changes: broadcast::Receiver<CaseChange>,
    closing: watch::Receiver<bool>,
    session_check: Interval,
    /// When the session ends unless it is renewed meanwhile.
    ends_at: chrono::DateTime<chrono::Utc>,
    /// Its place among the session's streams; told when to close.
    ticket: StreamTicket,
}

/// The stream's next event; `None` ends it (server shutting down, session
/// signed out or ended, a newer stream of the session taking its place).
async fn next_event(mut follow: Follow) -> Option<(Result<Event, Infallible>, Follow)> {
    loop {
        let closing = *follow.closing.borrow_and_update();
        if closing {
            return None;
        }
        tokio::select! {
            received = follow.changes.recv() => match received {
                Ok(change) if follow.scope.sees(change.owners) => {
                    // A customer hears only of what they can see, with
                    // their version of the case (`case_write::customer_sees`).
                    let json = match follow.scope {
                        Scope::Customer(_) => change.customer_json.as_deref(),
                        _ => Some(&*change.json),
                    };
                    if let Some(json) = json {
                        let event = Event::default().event("case").data(json);
                        return Some((Ok(event), follow));
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "an event stream fell behind; telling it to resync");
                    let event = Event::default().event("resync").data("{}");
                    return Some((Ok(event), follow));
                }
                Err(RecvError::Closed) => return None,
            },
            changed = follow.closing.changed() => {
                if changed.is_err() {
                    return None;
                }
            }
            () = follow.ticket.close.notified() => return None,
            () = tokio::time::sleep(until(follow.ends_at, follow.state.now())) => {
                if !follow.session_lives().await {
                    return None;
                }
            }
            _ = follow.session_check.tick() => {
                if !follow.session_lives().await {
                    return None;
                }
            }
        }
    }
}

/// How long from `now` until `at` (nothing if it has passed).
fn until(at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> Duration {
    (at - now).to_std().unwrap_or_default()
}

impl Follow {
    /// Whether the stream's session still exists; learns when it ends now
    /// (requests renew it). A failed check keeps the stream: the next one
    /// tries again.
    async fn session_lives(&mut self) -> bool {
        match session_for_token(&self.state, &self.token, self.state.now()).await {
            Ok(Some((_, expiry))) => {
                self.ends_at = expiry.ends_at();
                true
            }
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(?error, "could not check an event stream's session");
                // Not at once again: at the next periodic check.
                self.ends_at =
                    self.state.now() + chrono::Duration::seconds(SESSION_CHECK.as_secs() as i64);
                true
            }
        }
    }
}
