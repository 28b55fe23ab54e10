use claimdesk_shared::Inbox;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError};
use crate::components::case_table::CaseTable;
use crate::components::error_view::ErrorView;
use crate::components::loading::Loading;
use crate::i18n::*;
use crate::labels;
use crate::routes::AppRoute;
use crate::session::use_session;

/// `/inbox/:inbox?q=&page=`: one inbox of the signed-in role. The URL holds
/// the inbox, the search and the page, so a view can be bookmarked and shared.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let query = use_query_map();
    let role = move || session.user().map(|me| me.role);
    let inbox = Memo::new(move |_| {
        params
            .read()
            .get("inbox")
            .and_then(|s| s.parse::<Inbox>().ok())
            .filter(|inbox| role().is_some_and(|role| inbox.visible_to(role)))
    });
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
            .max(1)
    });
    // The address a list was fetched for travels with it, so the page can
    // tell when the list shown is not (yet) the one the address asks for.
    let requested = move || (inbox.get(), q.get(), page.get());
    let cases = LocalResource::new(move || {
        let (inbox, q, page) = requested();
        async move {
            let key = (inbox, q.clone(), page);
            let result = match inbox {
                Some(inbox) => api::cases(inbox, q, page).await,
                None => Err(ApiError::NotFound),
            };
            (key, result)
        }
    });

    let navigate = use_navigate();
    let on_search = move |ev: leptos::ev::Event| {
        if let Some(inbox) = inbox.get_untracked() {
            let href = AppRoute::Inbox {
                inbox,
                q: event_target_value(&ev),
                page: 1,
            }
            .href();
            navigate(
                &href,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    };

    let title = move || {
        inbox
            .get()
            .map(|inbox| labels::inbox(i18n, inbox))
            .unwrap_or_default()
    };
    view! {
        <div class="inbox">
            <div class="page-head">
                <h1>{title}</h1>
                <form role="search" class="search" on:submit=|ev| ev.prevent_default()>
                    <label for="inbox-search">{move || t_string!(i18n, search)}</label>
                    <input
                        id="inbox-search"
                        type="search"
                        prop:value=move || q.get()
                        placeholder=move || t_string!(i18n, search_placeholder)
                        on:input=on_search
                    />
                </form>
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    let (shown, result) = cases.await;
                    // While the next list loads the previous one stays, dimmed
                    // and marked busy, so nobody acts on rows of the wrong inbox.
                    let stale = Memo::new(move |_| requested() != shown);
                    match (result, role()) {
                        (Ok(page), Some(role)) => {
                            let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
                            let (total, current, inbox, search) = (page.total, page.page, page.inbox, q.get_untracked());
                            let empty = page.items.is_empty();
                            let nav_to = move |p: i64| AppRoute::Inbox { inbox, q: search.clone(), page: p }.href();
                            view! {
                                <div class="inbox-results" class:stale=move || stale.get() aria-busy=move || stale.get().to_string()>
                                <p class="count" role="status">{move || t_string!(i18n, inbox_total, count = total).to_string()}</p>
                                {if empty {
                                    view! {
                                        <p class="empty">
                                            {move || if q.get().is_empty() { t_string!(i18n, inbox_empty) } else { t_string!(i18n, inbox_empty_search) }}
                                        </p>
                                    }.into_any()
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
                            }.into_any()
                        }
                        (Err(error), _) => view! { <ErrorView error=error on_retry=move |_| cases.refetch()/> }.into_any(),
                        (Ok(_), None) => view! { <Loading/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
