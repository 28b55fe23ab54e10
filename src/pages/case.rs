use claimdesk_shared::{CaseId, Handler, Inbox, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::error_view::ErrorView;
use crate::components::loading::Loading;
use crate::components::receipt::Receipt;
use crate::components::status_badge::StatusBadge;
use crate::i18n::*;
use crate::labels;
use crate::routes::{AppRoute, CaseTab};
use crate::session::use_session;

/// `/cases/:id/:tab`: one case, with a deep link per tab.
#[component]
pub fn CasePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<CaseId>().ok())
    });
    let tab = Memo::new(move |_| CaseTab::from_slug(params.read().get("tab").as_deref()));
    let case = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::case(id).await,
                None => Err(ApiError::NotFound),
            }
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let role = session.user().map_or(Role::Customer, |me| me.role);
                match (case.await, tab.get()) {
                    (Ok(case), Some(tab)) => {
                        let summary = case.summary.clone();
                        let id = summary.id;
                        let back = AppRoute::inbox(Inbox::for_role(role)[0]).href();
                        let platform = summary.handler == Handler::Platform && role == Role::Merchant;
                        let tabs = CaseTab::ALL
                            .iter()
                            .map(|&t| {
                                view! {
                                    <a
                                        href=AppRoute::Case { id, tab: t }.href()
                                        aria-current=(t == tab).then_some("page")
                                    >
                                        {move || match t { CaseTab::Receipt => t_string!(i18n, tab_receipt) }}
                                    </a>
                                }
                            })
                            .collect_view();
                        view! {
                            <article class="case">
                                <a class="back" href=back>{t!(i18n, back_to_inbox)}</a>
                                <header class="case-head">
                                    <h1>{t!(i18n, case_title, id = id.to_string())}</h1>
                                    <StatusBadge status=summary.status role=role/>
                                    <span class="meta">
                                        <span>{move || labels::kind(i18n, summary.kind)}</span>
                                        <span>{move || labels::reason(i18n, summary.reason)}</span>
                                    </span>
                                    {summary.held_by.clone().map(|name| view! {
                                        <span class="held">{t!(i18n, held_by, name = name.clone())}</span>
                                    })}
                                </header>
                                {platform.then(|| view! {
                                    <p class="alert alert-info" role="note">{t!(i18n, handled_by_platform)}</p>
                                })}
                                <nav class="tabs" aria-label=move || t_string!(i18n, case_sections)>{tabs}</nav>
                                <Receipt case=case/>
                            </article>
                        }
                            .into_any()
                    }
                    (Ok(_), None) => view! { <ErrorView error=ApiError::NotFound on_retry=move |_| case.refetch()/> }.into_any(),
                    (Err(error), _) => view! { <ErrorView error=error on_retry=move |_| case.refetch()/> }.into_any(),
                }
            })}
        </Transition>
    }
}
