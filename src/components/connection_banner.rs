use leptos::prelude::*;

use crate::i18n::*;
use crate::live::use_live;

/// Says so while the live updates are cut off (offline, server away), and
/// goes when they are back; what happened meanwhile then arrives by itself.
#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    view! {
        <div class="connection-status" role="status" aria-live="polite">
            {move || (!live.connected.get()).then(|| view! {
                <p class="connection-banner">{move || t_string!(i18n, connection_lost)}</p>
            })}
        </div>
    }
}
