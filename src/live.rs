//! Live updates: while someone is signed in, the app listens to the
//! server's event stream (`GET /api/v1/stream`, Server-Sent Events) and
//! tells the views that show a changed case, so two agents on one inbox see
//! each other's work without reloading.
//!
//! Every event but presence carries an id. The browser's `EventSource`
//! reconnects by itself and sends the last id it saw, and the server
//! replays exactly what was missed (or says `resync` when it no longer can).
//! When the browser goes offline the app closes the stream itself and, back
//! online, opens a new one from the last id (`?last_event_id=`), because an
//! emulated or flaky network may leave a dead connection open for minutes.
//! `connected` drives the "connection lost" banner.

use claimdesk_shared::wire::{CaseChanged, CasePresence, CaseRead};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

use crate::inbox_cache;
use crate::session::use_session;

/// The latest events of the stream, shared through context.
#[derive(Clone, Copy)]
pub struct Live {
    /// `Some(change)` for one case; `None` after a resync: anything may
    /// have changed. Notifies on every event.
    pub last: RwSignal<Option<CaseChanged>>,
    /// The latest "messages were read" of any case.
    pub read: RwSignal<Option<CaseRead>>,
    /// The latest presence of any case (who of the desk has it open).
    pub presence: RwSignal<Option<CasePresence>>,
    /// Whether the stream is open now; `false` while the network is gone
    /// or the server unreachable.
    pub connected: RwSignal<bool>,
}

impl Live {
    /// Whether the latest event may concern `id` at a version newer than
    /// `version` (tracked).
    pub fn touches(&self, id: claimdesk_shared::CaseId, version: i64) -> bool {
        self.last.with(|last| match last {
            Some(change) => change.id == id && change.version > version,
            None => true,
        })
    }
}

/// Reads an event's JSON data.
fn data<T: DeserializeOwned>(event: &MessageEvent) -> Option<T> {
    event
        .data()
        .as_string()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .and_then(|value| serde_wasm_bindgen::from_value(value).ok())
}

type Listener = Closure<dyn Fn(MessageEvent)>;

/// The open stream and what listens to it.
struct Open {
    source: EventSource,
    _listeners: Vec<Listener>,
}

/// Opens the stream for the signed-in user's views below; closed when they
/// are (sign-out).
pub fn provide_live() -> Live {
    let live = Live {
        last: RwSignal::new(None),
        read: RwSignal::new(None),
        presence: RwSignal::new(None),
        connected: RwSignal::new(true),
    };
    provide_context(live);
    let session = use_session();
    // The id of the last event received: where a new stream resumes.
    let last_id = StoredValue::new(None::<String>);
    let open = StoredValue::new_local(None::<Open>);

    let listeners = move || -> Vec<(&'static str, Listener)> {
        let remember = move |event: &MessageEvent| {
            let id = event.last_event_id();
            if !id.is_empty() {
                last_id.try_set_value(Some(id));
            }
        };
        vec![
            (
                "case",
                Closure::new(move |event: MessageEvent| {
                    remember(&event);
                    // An event we cannot read still means something changed.
                    inbox_cache::clear();
                    live.last.try_set(data(&event));
                    session.touch();
                }),
            ),
            (
                "read",
                Closure::new(move |event: MessageEvent| {
                    remember(&event);
                    live.read.try_set(data(&event));
                }),
            ),
            (
                "presence",
                Closure::new(move |event: MessageEvent| {
                    live.presence.try_set(data(&event));
                }),
            ),
            (
                "resync",
                Closure::new(move |event: MessageEvent| {
                    remember(&event);
                    inbox_cache::clear();
                    live.last.try_set(None);
                    session.touch();
                }),
            ),
            (
                "ready",
                Closure::new(move |event: MessageEvent| remember(&event)),
            ),
            (
                "open",
                Closure::new(move |_| {
                    inbox_cache::connected(true);
                    live.connected.try_set(true);
                }),
            ),
            (
                "error",
                Closure::new(move |_| {
                    inbox_cache::connected(false);
                    live.connected.try_set(false);
                }),
            ),
        ]
    };

    let connect = move || {
        let url = match last_id.try_get_value().flatten() {
            Some(id) => format!(
                "/api/v1/stream?last_event_id={}",
                String::from(js_sys::encode_uri_component(&id))
            ),
            None => "/api/v1/stream".to_owned(),
        };
        // No stream (very old browser): the app still works, without live updates.
        let Ok(source) = EventSource::new(&url) else {
            return;
        };
        let mut kept = Vec::new();
        for (name, listener) in listeners() {
            let _ =
                source.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            kept.push(listener);
        }
        open.try_set_value(Some(Open {
            source,
            _listeners: kept,
        }));
    };
    let disconnect = move || {
        if let Some(Some(old)) = open.try_update_value(Option::take) {
            old.source.close();
        }
    };
    connect();

    // Offline: close the stream now and say so; online: resume from the
    // last event.
    let window = window();
    let on_offline = Closure::<dyn Fn()>::new(move || {
        disconnect();
        inbox_cache::connected(false);
        live.connected.try_set(false);
    });
    let on_online = Closure::<dyn Fn()>::new(move || {
        disconnect();
        connect();
    });
    let _ = window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    let held = StoredValue::new_local((on_offline, on_online));
    on_cleanup(move || {
        // Signed out: the next user of this tab starts from nothing.
        inbox_cache::connected(false);
        disconnect();
        held.try_with_value(|(on_offline, on_online)| {
            let window = leptos::prelude::window();
            let _ = window.remove_event_listener_with_callback(
                "offline",
                on_offline.as_ref().unchecked_ref(),
            );
            let _ = window
                .remove_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        });
    });
    live
}

/// The live updates from context.
pub fn use_live() -> Live {
    expect_context::<Live>()
}
