use claimdesk_shared::wire::{CaseAlert, CaseDetail, CasePresence};
use claimdesk_shared::{CaseId, Handler, Inbox, Outcome, Role, Status};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{self, ApiError};
use crate::case_context::provide_case_context;
use crate::components::case_tools::CaseTools;
use crate::components::conversation::Conversation;
use crate::components::deadline_details::DeadlineDetails;
use crate::components::decided::Decided;
use crate::components::decision_panel::DecisionPanel;
use crate::components::error_view::ErrorView;
use crate::components::event_timeline::EventTimeline;
use crate::components::notes_panel::NotesPanel;
use crate::components::presence_bar::PresenceBar;
use crate::components::proposal_card::ProposalCard;
use crate::components::rating_form::RatingForm;
use crate::components::rating_view::RatingView;
use crate::components::reason_form::{Purpose, ReasonForm};
use crate::components::receipt::Receipt;
use crate::components::resolve_card::ResolveCard;
use crate::components::return_label_card::ReturnLabelCard;
use crate::components::status_badge::StatusBadge;
use crate::fetched::Fetched;
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::live::use_live;
use crate::presence::provide_presence;
use crate::routes::{segment, AppRoute, CaseTab};
use crate::session::use_session;

/// `/cases/:id/:tab`: one case, with a deep link per tab, and for the desk
/// the tools and decisions beside it.
#[component]
pub fn CasePage() -> impl IntoView {
    let session = use_session();
    let path = use_location().pathname;
    let id = Memo::new(move |_| segment(&path.read(), 1).and_then(|s| s.parse::<CaseId>().ok()));
    let tab = Memo::new(move |_| CaseTab::from_slug(segment(&path.read(), 2)));
    let case = Fetched::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::case(id).await,
                None => Err(ApiError::NotFound),
            }
        }
    });
    // A colleague (or the customer) changed this case: show the new version.
    let live = use_live();
    Effect::new(move |seen: Option<()>| {
        live.last.track();
        let shown = case.value_untracked();
        if seen.is_some() {
            if let (Some(id), Some(detail)) = (id.get_untracked(), shown) {
                if untrack(|| live.touches(id, detail.version)) {
                    case.refetch();
                }
            }
        }
    });
    // After any change: the case, and the inbox counts in the navigation.
    // Who else has it open, kept told that this user has.
    let presence = provide_presence(id);
    let context = provide_case_context(Callback::new(move |_: ()| {
        case.refetch();
        session.touch();
    }));
    // Read once (see InboxPage): sign-out disposes this page, and a tracked
    // read would re-run the view against a disposed case during teardown.
    let me = untrack(|| session.user());
    let role = me.as_ref().map_or(Role::Customer, |me| me.role);
    let me_id = me.map_or(0, |me| me.id);
    view! {
        {case.view(move |detail| match tab.get().filter(|t| t.visible_to(role)) {
            Some(tab) => view! { <CaseView case=detail tab=tab role=role me=me_id stale=context.stale presence=presence/> }.into_any(),
            None => view! { <ErrorView error=ApiError::NotFound on_retry=move |_| case.refetch()/> }.into_any(),
        })}
    }
}

#[component]
fn CaseView(
    case: CaseDetail,
    tab: CaseTab,
    role: Role,
    me: i64,
    stale: RwSignal<bool>,
    presence: RwSignal<Option<CasePresence>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let summary = case.summary.clone();
    let id = summary.id;
    let back = AppRoute::inbox(Inbox::for_role(role)[0]).href();
    let platform = summary.handler == Handler::Platform && role == Role::Merchant;
    let desk = role != Role::Customer;
    // Who the customer sees typing: whoever handles the case.
    let typist = if summary.handler == Handler::Platform {
        untrack(|| t_string!(i18n, presence_support).to_owned())
    } else {
        summary.merchant_name.clone()
    };
    let tabs = CaseTab::ALL
        .iter()
        .filter(|t| t.visible_to(role))
        .map(|&t| {
            let label = move || match t {
                CaseTab::Receipt => t_string!(i18n, tab_receipt),
                CaseTab::Messages => t_string!(i18n, tab_messages),
                CaseTab::Notes => t_string!(i18n, tab_notes),
                CaseTab::Events => t_string!(i18n, tab_events),
            };
            view! { <a href=AppRoute::Case { id, tab: t }.href() aria-current=(t == tab).then_some("page")>{label}</a> }
        })
        .collect_view();
    let panel = match tab {
        CaseTab::Receipt => view! { <Receipt case=case.clone()/> }.into_any(),
        CaseTab::Messages => view! { <Conversation case=case.clone() role=role/> }.into_any(),
        CaseTab::Notes => view! { <NotesPanel case=case.clone()/> }.into_any(),
        CaseTab::Events => view! { <EventTimeline case_id=id role=role/> }.into_any(),
    };
    let open = summary.status.is_open();
    let currency = summary.currency.clone();
    let alerts = (!case.alerts.is_empty()).then(|| {
        let items = case
            .alerts
            .iter()
            .cloned()
            .map(|alert| {
                let currency = currency.clone();
                let text = move || match &alert {
                    CaseAlert::HighValue {
                        order_total_minor,
                        threshold_minor,
                    } => {
                        let locale = i18n.get_locale();
                        let total = format::money(*order_total_minor, &currency, locale);
                        let threshold = format::money(*threshold_minor, &currency, locale);
                        t_string!(i18n, alert_high_value, total = total, threshold = threshold)
                            .to_string()
                    }
                    CaseAlert::RepeatClaimant { other_cases } => {
                        t_string!(i18n, alert_repeat_claimant, count = *other_cases).to_string()
                    }
                    CaseAlert::FreeExchange => t_string!(i18n, alert_free_exchange).to_owned(),
                    CaseAlert::LowSatisfaction {
                        score_percent,
                        down,
                        of,
                    } => t_string!(
                        i18n,
                        alert_low_satisfaction,
                        score = *score_percent,
                        down = *down,
                        of = *of
                    )
                    .to_string(),
                    CaseAlert::SamePhoto {
                        other_case,
                        sent_at,
                        same_customer,
                    } => {
                        let ago = format::age(*sent_at, format::now_ms(), i18n.get_locale());
                        let who = if *same_customer {
                            t_string!(i18n, same_photo_this_customer)
                        } else {
                            t_string!(i18n, same_photo_other_customer)
                        };
                        match other_case {
                            Some(case) => t_string!(
                                i18n,
                                alert_same_photo,
                                case = case.to_string(),
                                ago = ago,
                                who = who
                            )
                            .to_string(),
                            None => {
                                t_string!(i18n, alert_same_photo_elsewhere, ago = ago, who = who)
                                    .to_string()
                            }
                        }
                    }
                };
                view! { <li>{text}</li> }
            })
            .collect_view();
        view! { <ul class="alerts" aria-label=move || t_string!(i18n, alerts_label)>{items}</ul> }
    });
    let deadline = case
        .deadline
        .clone()
        .map(|deadline| view! { <DeadlineDetails deadline=deadline/> });
    let platform_reason = case.platform_reason.filter(|_| desk).map(|reason| {
        view! { <p class="alert alert-info" role="note">{move || labels::platform_reason(i18n, reason)}</p> }
    });
    let case_created_by = case.created_by.clone().map(|name| {
        view! { <p class="alert alert-info" role="note">{move || t_string!(i18n, created_by_support, name = name.clone()).to_string()}</p> }
    });
    let aside = if desk {
        // Support may give a platform case back to the merchant; the
        // customer's rating shows once given.
        let hand_back = (role == Role::Support && summary.status == Status::PlatformReview)
            .then(|| view! { <ReasonForm case=case.clone() purpose=Purpose::HandBack/> });
        let rating = case.rating.clone().map(|rating| {
            view! {
                <section class="card" aria-labelledby="customer-rating-heading">
                    <h2 id="customer-rating-heading">{move || t_string!(i18n, rating_customer_title)}</h2>
                    <RatingView rating=rating/>
                </section>
            }
        });
        view! {
            <aside class="case-aside">
                {open.then(|| view! { <CaseTools case=case.clone() me=me/> })}
                <DecisionPanel case=case role=role/>
                {hand_back}
                {rating}
            </aside>
        }
        .into_any()
    } else {
        // The customer's side: the merchant's open proposal and "solved";
        // once closed, the outcome, a dispute while it may be, the rating.
        let label = (case.outcome == Some(Outcome::ReturnLabel) || case.return_label.is_some())
            .then(|| view! { <ReturnLabelCard case=case.clone()/> });
        let dispute = case
            .disputable_until
            .map(|_| view! { <ReasonForm case=case.clone() purpose=Purpose::Dispute/> });
        view! {
            <aside class="case-aside">
                {label}
                {open.then(|| view! { <ProposalCard case=case.clone()/> <ResolveCard case=case.clone()/> })}
                {(!open).then(|| view! {
                    <section class="card" aria-labelledby="outcome-heading">
                        <h2 id="outcome-heading">{move || t_string!(i18n, outcome_title)}</h2>
                        <Decided case=case.clone()/>
                    </section>
                    {dispute}
                    <RatingForm case=case/>
                })}
            </aside>
        }
        .into_any()
    };
    view! {
        <article class="case">
            <a class="back" href=back>{move || t_string!(i18n, back_to_inbox)}</a>
            <header class="case-head">
                <h1>{move || t_string!(i18n, case_title, id = id.to_string()).to_string()}</h1>
                <StatusBadge status=summary.status role=role/>
                <span class="meta">
                    <span>{move || labels::kind(i18n, summary.kind)}</span>
                    <span>{move || labels::reason(i18n, summary.reason)}</span>
                </span>
                {summary.held_by.clone().map(|name| view! { <span class="held">{move || t_string!(i18n, held_by, name = name.clone()).to_string()}</span> })}
            </header>
            <PresenceBar presence=presence me=me customer=!desk typist=typist/>
            {deadline}
            {move || stale.get().then(|| view! { <p class="alert alert-warn" role="alert">{move || t_string!(i18n, err_conflict_stale)}</p> })}
            {alerts}
            {platform.then(|| view! { <p class="alert alert-info" role="note">{move || t_string!(i18n, handled_by_platform)}</p> })}
            {platform_reason}
            {case_created_by}
            <div class="case-body with-aside">
                <div class="case-main">
                    <nav class="tabs" aria-label=move || t_string!(i18n, case_sections)>{tabs}</nav>
                    {panel}
                </div>
                {aside}
            </div>
        </article>
    }
}
