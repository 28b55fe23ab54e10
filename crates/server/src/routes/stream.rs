//! Live updates for the SPA (`GET /api/v1/stream`): Server-Sent Events.
//!
//! - `event: case`, `data: {"id","version","status"}` (`CaseChanged`): a
//!   committed change to a case the user may see;
//! - `event: read`, `data: {"id","by_customer"}` (`CaseRead`): messages of
//!   the case were read by the other side;
//! - `event: presence` (`CasePresence`, no id): who of the desk has the
//!   case open and who is typing (the customer: only whether the desk is
//!   typing);
//! - `event: resync`, `data: {}`: changes were missed (the stream fell too
//!   far behind, or came back after more than the log holds); the client
//!   refetches what it shows;
//! - `event: ready`, `data: {}`: the stream is open and up to date.
//!
//! Every event but presence carries an `id:`; a browser reconnecting sends
//! the last one as `Last-Event-ID` and gets exactly the changes it missed,
//! in order, each once (`Live::resume`).
//!
//! Each stream filters the published changes with the user's `Scope`, the
//! rule the list and detail routes apply in SQL, on the ids every change
//! carries: no query per stream and change.

use std::collections::VecDeque;
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
use crate::http::extract::ApiQuery;
use crate::live::{CaseChange, PresenceChange};
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

/// Where a stream opened by the client itself resumes.
#[derive(Debug, Default, serde::Deserialize)]
pub struct StreamQuery {
    last_event_id: Option<String>,
}

/// The live updates of the signed-in user's cases.
#[utoipa::path(get, path = "/api/v1/stream", tag = "live",
    params(
        ("Last-Event-ID" = Option<String>, Header, description = "The id of the last event received: the stream starts with what came after it"),
        ("last_event_id" = Option<String>, Query, description = "The same, for a client that opens a new stream itself (after going offline); the header wins")),
    responses(
        (status = 200, content_type = "text/event-stream", body = CaseChanged,
            description = "Server-Sent Events: `event: case` with a `CaseChanged` per committed change to a case the user may see; `event: read` with a `CaseRead` when messages were read; `event: presence` with a `CasePresence`; `event: resync` with `{}` when changes were missed (refetch everything); `event: ready` with `{}` once open. Every event but presence has an id: reconnect with `Last-Event-ID` to receive exactly what was missed."),
        (status = 401, body = Problem)))]
pub async fn stream_get(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<StreamQuery>,
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
    // client saw the headers reaches it, and what it missed since its
    // last event id is sent first.
    let last = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .or(query.last_event_id.as_deref());
    let scope = Scope::of(&user);
    let resumed = state.live.resume(last);
    let position = state.live.event_id(resumed.latest).to_string();
    let mut queued = VecDeque::new();
    if resumed.resync {
        queued.push_back(Event::default().event("resync").id(position).data("{}"));
    } else {
        queued.extend(
            resumed
                .missed
                .iter()
                .filter_map(|change| event_for(&state, scope, change)),
        );
        if queued.is_empty() {
            queued.push_back(Event::default().event("ready").id(position).data("{}"));
        }
    }
    let follow = Follow {
        scope,
        queued,
        sent_up_to: resumed.latest,
        changes: resumed.changes,
        presence: state.live.presence(),
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
    /// Events to send before anything new: what a resumed stream missed.
    queued: VecDeque<Event>,
    /// The number of the last change this stream has passed (sent, or not
    /// its user's); anything at or below it is not sent again.
    sent_up_to: u64,
    changes: broadcast::Receiver<CaseChange>,
    presence: broadcast::Receiver<PresenceChange>,
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
        if let Some(event) = follow.queued.pop_front() {
            return Some((Ok(event), follow));
        }
        tokio::select! {
            received = follow.changes.recv() => match received {
                Ok(change) if change.seq > follow.sent_up_to => {
                    follow.sent_up_to = change.seq;
                    if let Some(event) = event_for(&follow.state, follow.scope, &change) {
                        return Some((Ok(event), follow));
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "an event stream fell behind; telling it to resync");
                    follow.sent_up_to = follow.state.live.latest();
                    let id = follow.state.live.event_id(follow.sent_up_to).to_string();
                    let event = Event::default().event("resync").id(id).data("{}");
                    return Some((Ok(event), follow));
                }
                Err(RecvError::Closed) => return None,
            },
            received = follow.presence.recv() => match received {
                Ok(change) if follow.scope.sees(change.owners) => {
                    let json = match follow.scope {
                        Scope::Customer(_) => &change.customer_json,
                        _ => &change.desk_json,
                    };
                    let event = Event::default().event("presence").data(&**json);
                    return Some((Ok(event), follow));
                }
                // Presence is sent whole each time: a missed one is made
                // good by the next.
                Ok(_) | Err(RecvError::Lagged(_)) => {}
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

/// The event `change` makes on a stream of `scope`, with its id; `None`
/// when the user may not see it. A customer hears only of what they can
/// see, with their version of the case (`case_write::customer_sees`).
fn event_for(state: &AppState, scope: Scope, change: &CaseChange) -> Option<Event> {
    if !scope.sees(change.owners) {
        return None;
    }
    let json = match scope {
        Scope::Customer(_) => change.customer_json.as_deref()?,
        _ => &*change.json,
    };
    Some(
        Event::default()
            .event(change.kind.event_name())
            .id(state.live.event_id(change.seq).to_string())
            .data(json),
    )
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
