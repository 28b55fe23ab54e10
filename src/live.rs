//! Live updates: while someone is signed in, the app listens to the
//! server's event stream (`GET /api/v1/stream`, Server-Sent Events) and
//! tells the views that show a changed case, so two agents on one inbox see
//! each other's work without reloading.
//!
//! The browser's `EventSource` reconnects by itself; what changed while it
//! was away is unknown, so a reconnect counts as "anything may have
//! changed", like the server's `resync` event.

use claimdesk_shared::wire::CaseChanged;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

use crate::inbox_cache;
use crate::session::use_session;

/// The latest change the stream reported, shared through context.
#[derive(Clone, Copy)]
pub struct Live {
    /// `Some(change)` for one case; `None` after a reconnect or a resync:
    /// anything may have changed. Notifies on every event.
    pub last: RwSignal<Option<CaseChanged>>,
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

/// Opens the stream for the signed-in user's views below; closed when they
/// are (sign-out).
pub fn provide_live() -> Live {
    let live = Live {
        last: RwSignal::new(None),
    };
    provide_context(live);
    let session = use_session();
    let Ok(source) = EventSource::new("/api/v1/stream") else {
        // No stream (very old browser): the app still works, without live updates.
        return live;
    };
    let on_case = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let change = event
            .data()
            .as_string()
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .and_then(|value| serde_wasm_bindgen::from_value::<CaseChanged>(value).ok());
        // An event we cannot read still means something changed.
        inbox_cache::clear();
        live.last.try_set(change);
        session.touch();
    });
    let on_resync = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        inbox_cache::clear();
        live.last.try_set(None);
        session.touch();
    });
    let interrupted = StoredValue::new(false);
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        inbox_cache::connected(false);
        interrupted.try_set_value(true);
    });
    let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        inbox_cache::connected(true);
        if interrupted.try_get_value() == Some(true) {
            interrupted.try_set_value(false);
            live.last.try_set(None);
            session.touch();
        }
    });
    for (name, callback) in [
        ("case", on_case.as_ref()),
        ("resync", on_resync.as_ref()),
        ("error", on_error.as_ref()),
        ("open", on_open.as_ref()),
    ] {
        let _ = source.add_event_listener_with_callback(name, callback.unchecked_ref());
    }
    // The source and its callbacks live as long as the signed-in views.
    let held = StoredValue::new_local((source, on_case, on_resync, on_error, on_open));
    on_cleanup(move || {
        // Signed out: the next user of this tab starts from nothing.
        inbox_cache::connected(false);
        held.try_with_value(|(source, ..)| source.close());
    });
    live
}

/// The live updates from context.
pub fn use_live() -> Live {
    expect_context::<Live>()
}
