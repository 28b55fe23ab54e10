use claimdesk_shared::wire::Me;
use claimdesk_shared::{Inbox, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{self, ApiError};
use crate::components::account_menu::AccountMenu;
use crate::components::connection_banner::ConnectionBanner;
use crate::components::error_view::ErrorView;
use crate::components::language_switcher::LanguageSwitcher;
use crate::components::loading::Loading;
use crate::components::redirect::Redirect;
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::labels;
use crate::routes::{sign_in_then, AppRoute};
use crate::session::use_session;

/// The frame around every signed-in page: who is signed in, the inboxes of
/// their role, the language and the account menu. Sends signed-out visitors to the
/// sign-in page. `children` is the page.
#[component]
pub fn AppShell(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    view! {
            {move || {
                match session.me.get() {
                    None => view! { <main class="centered"><Loading/></main> }.into_any(),
                    Some(Ok(me)) => view! { <Shell me=me page=children.clone()/> }.into_any(),
                    Some(Err(ApiError::Unauthenticated)) => {
                        // Arriving by a link (an email's), or a session that
                        // ended: back to this page after signing in.
                        let here = untrack(|| {
                            format!("{}{}", location.pathname.get(), location.search.get())
                        });
                        let path = if session.signed_out.get_value() || here == AppRoute::Home.href() {
                            AppRoute::SignIn.href()
                        } else {
                            sign_in_then(&here)
                        };
                        view! { <Redirect path=path/> }.into_any()
                    }
                    Some(Err(error)) => {
                        view! {
                            <main class="centered">
                                <ErrorView error=error on_retry=move |_| session.me.refetch()/>
                            </main>
                        }
                            .into_any()
                    }
                }
            }}
    }
}

#[component]
fn Shell(me: Me, page: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    crate::live::provide_live();
    let role = me.role;
    // Live counts: fetched again whenever the user changes something.
    let counts = Fetched::new(move || {
        session.changes.get();
        api::inbox_counts()
    });
    let count_of = move |inbox: Inbox| {
        counts
            .ok()
            .and_then(|c| c.into_iter().find(|c| c.inbox == inbox))
            .map(|c| c.count)
    };
    // The link of the page on screen is marked as such (`aria-current`);
    // the router handles the clicks of plain links.
    let path = use_location().pathname;
    let current = move |href: String| move || path.with(|p| *p == href).then_some("page");
    let metrics = AppRoute::Metrics {
        days: None,
        merchant: None,
    }
    .href();
    let nav = Inbox::for_role(role)
        .iter()
        .map(|&inbox| {
            let href = AppRoute::inbox(inbox).href();
            view! {
                <li>
                    <a href=href.clone() aria-current=current(href)>
                        <span>{move || labels::inbox(i18n, inbox)}</span>
                        {move || count_of(inbox).map(|n| view! { <span class="nav-count">{n}</span> })}
                    </a>
                </li>
            }
        })
        .collect_view();
    let org = me
        .merchant
        .as_ref()
        .map_or_else(|| me.marketplace.name.clone(), |m| m.name.clone());
    view! {
        <a class="skip-link" href="#main">{move || t_string!(i18n, skip_to_content)}</a>
        <ConnectionBanner/>
        <header class="topbar">
            <a class="brand" href=AppRoute::Home.href()>{move || t_string!(i18n, app_name)}</a>
            <span class="org">{org}</span>
            <div class="account">
                <LanguageSwitcher/>
                <AccountMenu name=me.name.clone() role=role/>
            </div>
        </header>
        <div class="layout">
            <nav class="sidebar" aria-label=move || t_string!(i18n, nav_inboxes)>
                <ul>{nav}</ul>
                <ul class="nav-tools">
                    {(role == Role::Customer).then(|| view! {
                        <li><a href=AppRoute::Orders.href() aria-current=current(AppRoute::Orders.href())>{move || t_string!(i18n, nav_orders)}</a></li>
                        <li><a href=AppRoute::Report.href() aria-current=current(AppRoute::Report.href())>{move || t_string!(i18n, nav_report)}</a></li>
                    })}
                    {(role == Role::Support).then(|| view! {
                        <li><a href=AppRoute::Report.href() aria-current=current(AppRoute::Report.href())>{move || t_string!(i18n, nav_report_for_customer)}</a></li>
                        <li><a href=AppRoute::Policy.href() aria-current=current(AppRoute::Policy.href())>{move || t_string!(i18n, nav_policy)}</a></li>
                    })}
                    {(role != Role::Customer).then(|| view! {
                        <li><a href=metrics.clone() aria-current=current(metrics.clone())>{move || if role == Role::Support { t_string!(i18n, nav_merchants) } else { t_string!(i18n, nav_metrics) }}</a></li>
                    })}
                    {(role != Role::Customer).then(|| view! { <li><a href=AppRoute::QuickTexts.href() aria-current=current(AppRoute::QuickTexts.href())>{move || t_string!(i18n, nav_quick_texts)}</a></li> })}
                </ul>
            </nav>
            <main id="main" tabindex="-1">
                {page()}
            </main>
        </div>
    }
}
