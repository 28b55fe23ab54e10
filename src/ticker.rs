//! One clock for every countdown on screen: a single interval updates one
//! signal, and each deadline chip derives its text from it. A list of a
//! hundred chips therefore costs one timer, not a hundred.

use std::time::Duration;

use leptos::prelude::*;

use crate::format;

/// How often countdowns move. They show minutes, so a few times a minute
/// is enough to never look stuck.
const TICK: Duration = Duration::from_secs(15);

/// The current time in milliseconds since the epoch, shared through context.
#[derive(Clone, Copy, Debug)]
pub struct Now(pub Signal<f64>);

/// Starts the shared ticker and provides it to the app below.
pub fn provide_ticker() {
    let now = RwSignal::new(format::now_ms());
    if let Ok(handle) = set_interval_with_handle(move || now.set(format::now_ms()), TICK) {
        on_cleanup(move || handle.clear());
    }
    provide_context(Now(now.into()));
}

/// The shared current time; outside a ticker (a component test), the time
/// at the call.
pub fn use_now() -> Signal<f64> {
    use_context::<Now>()
        .map(|Now(now)| now)
        .unwrap_or_else(|| Signal::stored(format::now_ms()))
}
