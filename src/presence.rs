//! Being on a case: while a case is open the app tells the server so every
//! ten seconds (`PUT /cases/{id}/presence`), with whether its message
//! composer is being typed in, and says goodbye when the case closes or the
//! tab goes away (`DELETE`, sent with `keepalive` so it outlives the page).
//! What others are doing arrives on the event stream (`live.rs`); the
//! answer of each `PUT` is the same state, so it shows at once on opening.
//!
//! Internal notes do not count as typing: the customer learns that the
//! desk is typing, and must not from a note.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use claimdesk_shared::wire::CasePresence;
use claimdesk_shared::CaseId;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api;
use crate::format;
use crate::live::use_live;

/// How often the app repeats that a case is open (the server forgets a
/// viewer after three missed).
const HEARTBEAT: Duration = Duration::from_secs(10);
/// A keystroke this recent counts as typing.
const TYPING_MS: f64 = 4_000.0;
/// How often "typing" is repeated while it goes on (the server drops it
/// after six seconds without).
const TYPING_REPEAT_MS: f64 = 3_000.0;

/// The message composer reports keystrokes here (context of the case page).
#[derive(Clone, Copy)]
pub struct Typing {
    last_key: StoredValue<f64>,
    last_sent: StoredValue<f64>,
    send: Callback<bool>,
}

impl Typing {
    /// A key went into the message being written.
    pub fn keystroke(&self) {
        let now = format::now_ms();
        self.last_key.set_value(now);
        if now - self.last_sent.get_value() > TYPING_REPEAT_MS {
            self.last_sent.set_value(now);
            self.send.run(true);
        }
    }

    /// The message went out: no longer typing.
    pub fn stopped(&self) {
        self.last_key.set_value(0.0);
        self.last_sent.set_value(0.0);
        self.send.run(false);
    }
}

/// The composer's reporter, if the page has one (a component test does not).
pub fn use_typing() -> Option<Typing> {
    use_context::<Typing>()
}

/// Keeps the server told that case `id` is open here, and provides
/// `Typing`; returns who is on the case, as the server says.
pub fn provide_presence(id: Memo<Option<CaseId>>) -> RwSignal<Option<CasePresence>> {
    let presence = RwSignal::new(None::<CasePresence>);
    // The case on screen (0: none), outside the reactive graph: the
    // goodbye at cleanup must not depend on signals being disposed with it.
    let on_screen = Arc::new(AtomicI64::new(0));
    let case_on_screen = {
        let on_screen = on_screen.clone();
        move || Some(CaseId(on_screen.load(Ordering::Relaxed))).filter(|case| case.0 != 0)
    };
    let last_key = StoredValue::new(0.0f64);
    let send = Callback::new(move |typing: bool| {
        let Some(case) = id.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(now) = api::presence(case, typing).await {
                // Still the case on screen?
                if id.try_get_untracked().flatten() == Some(case) {
                    presence.try_set(Some(now));
                }
            }
        });
    });
    provide_context(Typing {
        last_key,
        last_sent: StoredValue::new(0.0),
        send,
    });
    // Arriving on a case (and leaving the one before).
    let arrived = on_screen.clone();
    Effect::new(move |before: Option<Option<CaseId>>| {
        let current = id.get();
        arrived.store(current.map_or(0, |case| case.0), Ordering::Relaxed);
        if let Some(Some(before)) = before.filter(|before| *before != current) {
            leptos::task::spawn_local(async move {
                let _ = api::leave_case(before).await;
            });
        }
        presence.set(None);
        send.run(false);
        current
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let typing = format::now_ms() - last_key.get_value() < TYPING_MS;
            send.run(typing);
        },
        HEARTBEAT,
    ) {
        on_cleanup(move || handle.clear());
    }
    // What colleagues do, as it happens.
    let live = use_live();
    Effect::new(move |_| {
        if let Some(change) = live.presence.get() {
            if Some(change.id) == id.get_untracked() {
                presence.set(Some(change));
            }
        }
    });
    // The tab closes or navigates away: goodbye, in a request that outlives
    // the page.
    let leaving = case_on_screen.clone();
    let on_pagehide = Closure::<dyn Fn()>::new(move || {
        if let Some(case) = leaving() {
            api::leave_case_on_unload(case);
        }
    });
    let _ =
        window().add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
    let held = StoredValue::new_local(on_pagehide);
    on_cleanup(move || {
        held.try_with_value(|listener| {
            let _ = window()
                .remove_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
        });
        if let Some(case) = case_on_screen() {
            leptos::task::spawn_local(async move {
                let _ = api::leave_case(case).await;
            });
        }
    });
    presence
}
