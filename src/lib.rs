//! The claimdesk single-page app: the router, the app shell and the `mod`
//! lines. Pages live in `pages/` (one per route), components in
//! `components/` (one per file), every HTTP call in `api.rs`.

// First, so its `t_string!` macro is in scope in every module below.
#[macro_use]
pub mod i18n;

pub mod api;
pub mod case_context;
pub mod components;
pub mod drafts;
pub mod fetched;
pub mod format;
pub mod labels;
pub mod pages;
pub mod routes;
pub mod session;
pub mod ticker;

/// The translation context, passed to helpers that pick a translated string.
pub use i18n::I18n;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::app_shell::AppShell;
use crate::i18n::I18nContextProvider;
use crate::pages::{
    case::CasePage, home::HomePage, inbox::InboxPage, not_found::NotFoundPage, sign_in::SignInPage,
};
use crate::session::provide_session;

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

/// The whole app: translations, session and routes.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <SessionRoot/>
        </I18nContextProvider>
    }
}

/// Everything that needs translations in context.
#[component]
fn SessionRoot() -> impl IntoView {
    provide_session();
    ticker::provide_ticker();
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/sign-in") view=SignInPage/>
                <ParentRoute path=path!("") view=AppShell>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("inbox/:inbox") view=InboxPage/>
                    <Route path=path!("cases/:id") view=CasePage/>
                    <Route path=path!("cases/:id/:tab") view=CasePage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
