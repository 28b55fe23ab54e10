use claimdesk_shared::wire::BulkCase;
use claimdesk_shared::{Inbox, Role};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError, CaseQuery};
use crate::components::bulk_send::BulkSend;
use crate::components::case_table::CaseTable;
use crate::components::error_view::ErrorView;
use crate::components::inbox_filters::InboxFilters;
use crate::components::loading::Loading;
use crate::fetched::Fetched;
use crate::i18n::*;
use crate::labels;
use crate::live::use_live;
use crate::routes::{segment, AppRoute};
use crate::session::use_session;

/// `/inbox/:inbox?q=&kind=&reason=&page=`: one inbox of the signed-in role.
/// The URL holds the inbox, the search, the filters and the page, so a view
/// can be bookmarked and shared.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let path = use_location().pathname;
    let query = use_query_map();
    // Read once: the shell renders pages only for a known user, and a role
    // change means sign-out, which disposes this page. Tracking it would
    // refetch the list (and re-run every closure below) during that teardown.
    let role = untrack(|| session.user().map(|me| me.role));
    let role = move || role;
    // What the address asks for; `None` for an inbox this role does not have.
    let requested = Memo::new(move |_| {
        let inbox = segment(&path.read(), 1)?.parse::<Inbox>().ok()?;
        if !role().is_some_and(|role| inbox.visible_to(role)) {
            return None;
        }
        let query = query.read();
        Some(CaseQuery::from_params(inbox, |name| query.get(name)))
    });
    // The query a list was fetched for travels with it, so the page can
    // tell when the list shown is not (yet) the one the address asks for.
    let live = use_live();
    let cases = Fetched::new(move || {
        let wanted = requested.get();
        // Someone changed a case: the list may have changed with it.
        live.last.track();
        async move {
            let result = match wanted.clone() {
                Some(query) => api::cases(query).await,
                None => Err(ApiError::NotFound),
            };
            Ok((wanted, result))
        }
    });

    let navigate = use_navigate();
    let go = move |change: &dyn Fn(&mut CaseQuery)| {
        if let Some(mut query) = requested.get_untracked() {
            change(&mut query);
            query.page = 1;
            let href = AppRoute::Inbox(query).href();
            navigate(
                &href,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    };
    let on_search = {
        let go = go.clone();
        move |ev: leptos::ev::Event| go(&|q: &mut CaseQuery| q.q = event_target_value(&ev))
    };
    // The response clock is the desk's: customers neither sort nor filter by it.
    let desk = role().is_some_and(|role| role != Role::Customer);
    let on_filters =
        Callback::new(move |query: CaseQuery| go(&|q: &mut CaseQuery| *q = query.clone()));

    // The Prepared view sends what it lists, as the agent saw it.
    let prepared_view =
        Memo::new(move |_| requested.get().is_some_and(|q| q.inbox == Inbox::Prepared));
    let listed = Signal::derive(move || {
        cases
            .ok()
            .and_then(|(_, result)| result.ok())
            .map(|page| {
                page.items
                    .iter()
                    .filter(|c| c.prepared.is_some())
                    .map(|c| BulkCase {
                        id: c.id,
                        version: c.version,
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    let title = move || {
        requested
            .get()
            .map(|q| labels::inbox(i18n, q.inbox))
            .unwrap_or_default()
    };
    let q = move || requested.get().map(|q| q.q).unwrap_or_default();
    view! {
        <div class="inbox">
            <div class="page-head">
                <h1>{title}</h1>
                <form role="search" class="search" on:submit=|ev| ev.prevent_default()>
                    <label for="inbox-search">{move || t_string!(i18n, search)}</label>
                    <input
                        id="inbox-search"
                        type="search"
                        prop:value=q
                        placeholder=move || t_string!(i18n, search_placeholder)
                        on:input=on_search
                    />
                </form>
            </div>
            <InboxFilters requested=requested on_change=on_filters desk=desk support=role() == Some(Role::Support)/>
            {move || prepared_view.get().then(|| view! { <BulkSend listed=listed on_sent=Callback::new(move |_| cases.refetch())/> })}
            {cases.view(move |(shown, result)| {
                    // While the next list loads the previous one stays, dimmed
                    // and marked busy, so nobody acts on rows of the wrong inbox.
                    let stale = Memo::new(move |_| requested.get() != shown);
                    match (result, role()) {
                        (Ok(page), Some(role)) => {
                            let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
                            let (total, current) = (page.total, page.page);
                            let searched = requested.get_untracked().is_some_and(|q| !q.q.is_empty() || q.kind.is_some() || q.reason.is_some() || q.breaching_soon || q.min_value.is_some() || q.max_value.is_some() || q.min_age_days.is_some() || q.max_age_days.is_some());
                            let nav_to = move |p: i64| {
                                requested
                                    .get_untracked()
                                    .map(|query| AppRoute::Inbox(CaseQuery { page: p, ..query }).href())
                                    .unwrap_or_default()
                            };
                            view! {
                                <div class="inbox-results" class:stale=move || stale.get() aria-busy=move || stale.get().to_string()>
                                    <p class="count" role="status">{move || t_string!(i18n, inbox_total, count = total).to_string()}</p>
                                    {if page.items.is_empty() {
                                        view! {
                                            <p class="empty">
                                                {move || if searched { t_string!(i18n, inbox_empty_search) } else { t_string!(i18n, inbox_empty) }}
                                            </p>
                                        }
                                            .into_any()
                                    } else {
                                        view! { <CaseTable items=page.items role=role/> }.into_any()
                                    }}
                                    {(pages > 1).then(|| view! {
                                        <nav class="pager" aria-label=move || t_string!(i18n, pagination)>
                                            {(current > 1).then(|| view! { <a href=nav_to(current - 1) rel="prev">{move || t_string!(i18n, page_prev)}</a> })}
                                            <span>{move || t_string!(i18n, page_of, page = current, pages = pages).to_string()}</span>
                                            {(current < pages).then(|| view! { <a href=nav_to(current + 1) rel="next">{move || t_string!(i18n, page_next)}</a> })}
                                        </nav>
                                    })}
                                </div>
                            }
                                .into_any()
                        }
                        (Err(error), _) => view! { <ErrorView error=error on_retry=move |_| cases.refetch()/> }.into_any(),
                        (Ok(_), None) => view! { <Loading/> }.into_any(),
                    }
            })}
        </div>
    }
}
