use leptos::prelude::*;

use crate::components::confirmation::Confirmation;
use crate::write::Write;

/// A button whose write is asked about first: the question replaces the
/// button and says what will happen; Confirm starts the write.
#[component]
pub fn ConfirmedButton(
    #[prop(into)] label: Signal<String>,
    /// What confirming does, in the reader's words.
    #[prop(into)]
    question: Signal<String>,
    /// The write's state: the button waits while it is under way.
    write: Write,
    #[prop(into)] on_confirm: Callback<()>,
    /// When the button cannot be used (nothing to send).
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    move || {
        if confirming.get() {
            view! {
                <Confirmation
                    text=question
                    pending=Signal::derive(move || write.pending())
                    on_confirm=move |_| {
                        confirming.set(false);
                        on_confirm.run(());
                    }
                    on_cancel=move |_| confirming.set(false)
                />
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    class="button primary"
                    disabled=move || disabled.get() || write.pending()
                    on:click=move |_| confirming.set(true)
                >
                    {move || label.get()}
                </button>
            }
            .into_any()
        }
    }
}
