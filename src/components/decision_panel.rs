use claimdesk_shared::wire::{CaseDetail, Decision, DecisionKind, Versioned};
use claimdesk_shared::{Handler, Role, Status};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::case_context::{use_case_context, CaseContext};
use crate::format;
use crate::i18n::*;
use crate::labels;

/// What the desk can decide on a case, or how it was decided. Every decision
/// is reviewed in a confirmation that says what it will do before it is sent.
#[component]
pub fn DecisionPanel(
    /// The case.
    case: CaseDetail,
    /// Who decides.
    role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = case.summary.status;
    let platform_only = role == Role::Merchant
        && (case.summary.handler == Handler::Platform || status == Status::PlatformReview);
    let body = if status.is_closed() {
        view! { <Decided case=case/> }.into_any()
    } else if platform_only {
        view! { <p class="muted">{move || t_string!(i18n, platform_decides)}</p> }.into_any()
    } else if status == Status::AwaitingReturn {
        view! { <ReturnReceived case=case/> }.into_any()
    } else {
        view! { <DecisionForm case=case/> }.into_any()
    };
    view! {
        <section class="card decision" aria-labelledby="decision-heading">
            <h2 id="decision-heading">{move || t_string!(i18n, decide_title)}</h2>
            {body}
        </section>
    }
}

/// The outcome of a closed case.
#[component]
fn Decided(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let currency = case.summary.currency.clone();
    let refunded = case.refunded_minor;
    view! {
        {case.outcome.map(|o| view! { <p>{move || t_string!(i18n, outcome_line, outcome = labels::outcome(i18n, o)).to_string()}</p> })}
        {(refunded > 0).then(|| view! {
            <p>{move || t_string!(i18n, refunded_line, amount = format::money(refunded, &currency, i18n.get_locale())).to_string()}</p>
        })}
        {case.decision_note.map(|n| view! { <blockquote class="description">{n}</blockquote> })}
        <p class="muted">{move || t_string!(i18n, closed_final)}</p>
    }
}

/// Reloads the case after a decision went through or met a changed case.
fn after_write<T>(context: CaseContext, result: &Result<T, ApiError>) {
    match result {
        Ok(_) => context.changed(),
        Err(ApiError::Conflict(kind)) if kind == "stale-version" => context.conflicted(),
        Err(ApiError::Conflict(_)) => context.changed(),
        Err(_) => {}
    }
}

/// Says why a decision failed, field errors included.
fn error_text(i18n: crate::I18n, error: &ApiError) -> &'static str {
    error
        .field("amount_minor")
        .or_else(|| error.field("note"))
        .map(|f| labels::field_error(i18n, &f.code))
        .unwrap_or_else(|| labels::api_error(i18n, error))
}

/// Awaiting the returned parcel.
#[component]
fn ReturnReceived(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let (id, version) = (case.summary.id, case.version);
    let left = case.summary.claimed_value_minor - case.refunded_minor;
    let currency = case.summary.currency.clone();
    let confirming = RwSignal::new(false);
    let key = StoredValue::new(api::new_idempotency_key());
    let action = Action::new_local(move |_: &()| async move {
        let result = api::return_received(id, Versioned { version }, key.get_value()).await;
        after_write(context, &result);
        result
    });
    let amount = move || format::money(left, &currency, i18n.get_locale());
    view! {
        <p>{move || t_string!(i18n, awaiting_return_hint)}</p>
        {move || action.value().get().and_then(Result::err).map(|e| view! { <p class="form-error" role="alert">{error_text(i18n, &e)}</p> })}
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class="button primary" on:click=move |_| confirming.set(true)>{move || t_string!(i18n, return_received)}</button>
            }
        >
            <Confirmation
                text=Signal::derive({ let amount = amount.clone(); move || t_string!(i18n, confirm_return_received, amount = amount()).to_string() })
                pending=action.pending()
                on_confirm=move |_| { action.dispatch(()); }
                on_cancel=move |_| confirming.set(false)
            />
        </Show>
    }
}

/// Choose a decision, fill in what it needs, review, confirm.
#[component]
fn DecisionForm(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let (id, version) = (case.summary.id, case.version);
    let left = case.summary.claimed_value_minor - case.refunded_minor;
    let currency = StoredValue::new(case.summary.currency.clone());
    let free_return = case.free_return;
    let kind = RwSignal::new(DecisionKind::Refund);
    let amount = RwSignal::new(claimdesk_shared::money::amount_input(left));
    let note = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let local_error = RwSignal::new(None::<&'static str>);
    // One key per reviewed decision: a retry of the same confirmation is the
    // same request; a new review is a new one.
    let key = StoredValue::new(String::new());

    let action = Action::new_local(move |decision: &Decision| {
        let decision = decision.clone();
        async move {
            let result = api::decide(id, decision, key.get_value()).await;
            after_write(context, &result);
            result
        }
    });
    let money =
        move |minor: i64| currency.with_value(|c| format::money(minor, c, i18n.get_locale()));
    let decision = move || -> Result<Decision, &'static str> {
        let note_text = note.get_untracked().trim().to_owned();
        let kind = kind.get_untracked();
        let amount_minor = match kind {
            DecisionKind::Refund => Some(
                claimdesk_shared::money::parse_amount(&amount.get_untracked())
                    .filter(|a| *a > 0)
                    .ok_or(t_string!(i18n, err_out_of_range))?,
            ),
            _ => None,
        };
        if amount_minor.is_some_and(|a| a > left) {
            return Err(t_string!(i18n, err_over_claimed));
        }
        if kind == DecisionKind::Reject && note_text.is_empty() {
            return Err(t_string!(i18n, err_required));
        }
        Ok(Decision {
            version,
            kind,
            amount_minor,
            note: (!note_text.is_empty()).then_some(note_text),
        })
    };
    let review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match decision() {
            Ok(_) => {
                key.set_value(api::new_idempotency_key());
                local_error.set(None);
                confirming.set(true);
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    let consequence = Signal::derive(move || match kind.get() {
        DecisionKind::Refund => {
            let minor = claimdesk_shared::money::parse_amount(&amount.get()).unwrap_or(0);
            t_string!(i18n, confirm_refund, amount = money(minor)).to_string()
        }
        DecisionKind::Replacement => t_string!(i18n, confirm_replacement).to_owned(),
        DecisionKind::ReturnLabel if free_return => {
            t_string!(i18n, confirm_return_label_free).to_owned()
        }
        DecisionKind::ReturnLabel => t_string!(i18n, confirm_return_label_paid).to_owned(),
        DecisionKind::Reject => t_string!(i18n, confirm_reject).to_owned(),
    });
    let choices = [
        (DecisionKind::Refund, "refund"),
        (DecisionKind::Replacement, "replacement"),
        (DecisionKind::ReturnLabel, "return_label"),
        (DecisionKind::Reject, "reject"),
    ]
    .into_iter()
    .map(|(choice, slug)| {
        let label = move || match choice {
            DecisionKind::Refund => t_string!(i18n, decide_refund),
            DecisionKind::Replacement => t_string!(i18n, decide_replacement),
            DecisionKind::ReturnLabel => t_string!(i18n, decide_return_label),
            DecisionKind::Reject => t_string!(i18n, decide_reject),
        };
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="decision-kind"
                    value=slug
                    prop:checked=move || kind.get() == choice
                    on:change=move |_| {
                        kind.set(choice);
                        confirming.set(false);
                    }
                />
                {label}
            </label>
        }
    })
    .collect_view();
    let server_error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| error_text(i18n, &e))
    };
    view! {
        <form on:submit=review novalidate>
            <fieldset class="choices">
                <legend>{move || t_string!(i18n, decision_kind)}</legend>
                {choices}
            </fieldset>
            <Show when=move || kind.get() == DecisionKind::Refund>
                <div class="field">
                    <label for="refund-amount">{move || t_string!(i18n, refund_amount)}</label>
                    <input
                        id="refund-amount"
                        inputmode="decimal"
                        bind:value=amount
                        aria-describedby="refund-amount-hint"
                        on:input=move |_| confirming.set(false)
                    />
                    <p id="refund-amount-hint" class="hint">{move || t_string!(i18n, refund_max, amount = money(left)).to_string()}</p>
                </div>
            </Show>
            <div class="field">
                <label for="decision-note">
                    {move || if kind.get() == DecisionKind::Reject { t_string!(i18n, reject_reason) } else { t_string!(i18n, note_for_customer) }}
                </label>
                <textarea id="decision-note" rows="3" bind:value=note on:input=move |_| confirming.set(false)></textarea>
            </div>
            {move || local_error.get().or_else(server_error).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <Show
                when=move || confirming.get()
                fallback=move || view! { <button type="submit" class="button primary">{move || t_string!(i18n, review)}</button> }
            >
                <Confirmation
                    text=consequence
                    pending=action.pending()
                    on_confirm=move |_| {
                        if let Ok(decision) = decision() {
                            action.dispatch(decision);
                        }
                    }
                    on_cancel=move |_| confirming.set(false)
                />
            </Show>
        </form>
    }
}

/// States what an action will do and asks to confirm it. Focus moves to it,
/// so keyboard and screen-reader users meet the question first.
#[component]
fn Confirmation(
    #[prop(into)] text: Signal<String>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    // Moving focus is talking to the outside world (the DOM), which is what
    // effects are for.
    Effect::new(move |_| {
        if let Some(button) = confirm_ref.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="confirmation" role="alertdialog" aria-labelledby="confirmation-text">
            <p id="confirmation-text">{move || text.get()}</p>
            <button type="button" class="button primary" node_ref=confirm_ref disabled=move || pending.get() on:click=move |_| on_confirm.run(())>
                {move || t_string!(i18n, confirm)}
            </button>
            <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>{move || t_string!(i18n, cancel)}</button>
        </div>
    }
}
