use leptos::prelude::*;

/// One radio button of a group that picks a value held in `selected`;
/// `on_pick` runs after a pick (to withdraw a pending review, say).
#[component]
pub fn Choice<T>(
    /// The group's name (one per group on the page).
    name: &'static str,
    /// What this button stands for.
    value: T,
    selected: RwSignal<T>,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] on_pick: Callback<()>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <label class="choice">
            <input
                type="radio"
                name=name
                prop:checked=move || selected.get() == value
                on:change=move |_| {
                    selected.set(value);
                    on_pick.run(());
                }
            />
            {move || label.get()}
        </label>
    }
}
