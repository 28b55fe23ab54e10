use claimdesk_shared::Inbox;
use leptos::prelude::*;

use crate::components::redirect::Redirect;
use crate::routes::AppRoute;
use crate::session::use_session;

/// `/`: sends the user to their role's first inbox.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    move || {
        session.user().map(
            |me| view! { <Redirect path=AppRoute::inbox(Inbox::for_role(me.role)[0]).href()/> },
        )
    }
}
