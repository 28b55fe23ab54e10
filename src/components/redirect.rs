use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// Sends the user to `path` once shown, replacing the current history
/// entry (the page they were sent from is not one to come back to). The
/// app's own rather than leptos_router's, whose server-side rendering
/// branches this client-only app would carry for nothing.
#[component]
pub fn Redirect(path: String) -> impl IntoView {
    let navigate = use_navigate();
    // Navigating is a side effect on the outside world: after rendering.
    Effect::new(move |_| {
        navigate(
            &path,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    });
}
