use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::prelude::*;

use crate::i18n::*;

/// Numbers the confirmations' texts: two can be open at once (the deletes
/// of two quick texts), and each dialog must be named by its own question.
static SHOWN: AtomicUsize = AtomicUsize::new(0);

/// States what an action will do and asks to confirm it. Focus moves to it,
/// so keyboard and screen-reader users meet the question first.
#[component]
pub fn Confirmation(
    #[prop(into)] text: Signal<String>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    // Moving focus is talking to the outside world (the DOM), which is what
    // effects are for.
    Effect::new(move |_| {
        if let Some(button) = confirm_ref.get() {
            let _ = button.focus();
        }
    });
    let text_id = format!(
        "confirmation-text-{}",
        SHOWN.fetch_add(1, Ordering::Relaxed)
    );
    let named_by = text_id.clone();
    view! {
        <div class="confirmation" role="alertdialog" aria-labelledby=named_by>
            <p id=text_id>{move || text.get()}</p>
            <button type="button" class="button primary" node_ref=confirm_ref disabled=move || pending.get() on:click=move |_| on_confirm.run(())>
                {move || t_string!(i18n, confirm)}
            </button>
            <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>{move || t_string!(i18n, cancel)}</button>
        </div>
    }
}
