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
pub mod inbox_cache;
pub mod labels;
pub mod live;
pub mod pages;
pub mod presence;
pub mod routes;
pub mod session;
pub mod ticker;
pub mod write;

/// The translation context, passed to helpers that pick a translated string.
pub use i18n::I18n;

use leptos::prelude::*;
use leptos_router::components::Router;
use leptos_router::hooks::use_location;
use leptos_router::location::{BrowserUrl, LocationProvider};

use crate::components::app_shell::AppShell;
use crate::i18n::I18nContextProvider;
use crate::pages::{
    case::CasePage, home::HomePage, inbox::InboxPage, metrics::MetricsPage,
    not_found::NotFoundPage, orders::OrdersPage, policy::PolicyPage, quick_texts::QuickTextsPage,
    report::ReportPage, sign_in::SignInPage,
};
use crate::routes::Page;
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
            <Pages/>
        </Router>
    }
}

/// The page the address names (see `routes::Page`). The shell stays
/// mounted while the user moves between the pages inside it, and each page
/// stays mounted while only its parameters change.
#[component]
fn Pages() -> impl IntoView {
    let path = use_location().pathname;
    let page = Memo::new(move |_| Page::of(&path.read()));
    let in_shell = Memo::new(move |_| page.get().in_shell());
    // The router writes a link's address into the address bar only once
    // the route table says the new page is there; this is that table.
    // Effects run after rendering, so the page for the new path exists.
    let browser = use_context::<BrowserUrl>();
    Effect::new(move |_| {
        path.track();
        if let Some(browser) = &browser {
            browser.ready_to_complete();
        }
    });
    move || {
        if in_shell.get() {
            view! {
                <AppShell>
                    {move || match page.get() {
                        Page::Inbox => InboxPage().into_any(),
                        Page::Case => CasePage().into_any(),
                        Page::QuickTexts => QuickTextsPage().into_any(),
                        Page::Report => ReportPage().into_any(),
                        Page::Orders => OrdersPage().into_any(),
                        Page::Policy => PolicyPage().into_any(),
                        Page::Metrics => MetricsPage().into_any(),
                        _ => HomePage().into_any(),
                    }}
                </AppShell>
            }
            .into_any()
        } else if page.get() == Page::SignIn {
            SignInPage().into_any()
        } else {
            NotFoundPage().into_any()
        }
    }
}
