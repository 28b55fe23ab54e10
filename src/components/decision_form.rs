use claimdesk_shared::money::{amount_input, parse_amount};
use claimdesk_shared::wire::{CaseDetail, Decision, DecisionKind, OrderLineView, RefundLine};
use leptos::prelude::*;

use crate::api;
use crate::case_context::use_case_context;
use crate::components::choice::Choice;
use crate::components::confirmation::Confirmation;
use crate::components::decision_panel::{after_write, error_text};
use crate::components::prepared_notice::PreparedNotice;
use crate::components::refund_lines::RefundLines;
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// How a refund's amount is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RefundBy {
    /// Everything still open of the claim.
    Whole,
    /// Some quantity of each claimed line.
    Lines,
    /// An amount typed by the agent.
    Amount,
}

/// Choose a decision, fill in what it needs, then review and confirm it, or
/// save it as prepared to send later (alone or with others in bulk). A
/// prepared decision fills the form when the case is opened again.
#[component]
pub fn DecisionForm(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let (id, version) = (case.summary.id, case.version);
    let left = case.summary.claimed_value_minor - case.refunded_minor;
    let currency = StoredValue::new(case.summary.currency.clone());
    let free_return = case.free_return;
    let claimed: Vec<OrderLineView> = case
        .order
        .lines
        .iter()
        .filter(|l| l.claimed_quantity > 0)
        .cloned()
        .collect();

    // The form starts from the prepared decision, if there is one.
    let prepared = case.prepared.clone();
    let start = prepared.as_ref();
    let kind = RwSignal::new(start.map_or(DecisionKind::Refund, |p| p.kind));
    let refund_by = RwSignal::new(match start {
        Some(p) if !p.lines.is_empty() => RefundBy::Lines,
        Some(p) if p.kind == DecisionKind::Refund && p.amount_minor.is_some_and(|a| a != left) => {
            RefundBy::Amount
        }
        _ => RefundBy::Whole,
    });
    let start_amount = start.and_then(|p| p.amount_minor);
    let amount = RwSignal::new(amount_input(start_amount.unwrap_or(left)));
    let offer = RwSignal::new(
        start
            .filter(|p| p.kind == DecisionKind::Proposal)
            .and_then(|p| p.amount_minor)
            .map(amount_input)
            .unwrap_or_default(),
    );
    let quantities = RwSignal::new(
        claimed
            .iter()
            .map(|line| {
                start
                    .and_then(|p| p.lines.iter().find(|r| r.line_id == line.id))
                    .map_or(line.claimed_quantity, |r| r.quantity)
            })
            .collect::<Vec<i64>>(),
    );
    let note = RwSignal::new(start.and_then(|p| p.note.clone()).unwrap_or_default());
    let confirming = RwSignal::new(false);
    let local_error = RwSignal::new(None::<&'static str>);
    let saved = RwSignal::new(false);
    // One key per reviewed decision: a retry of the same confirmation is the
    // same request; a new review is a new one.
    let key = StoredValue::new(String::new());
    let claimed = StoredValue::new(claimed);

    let lines_total = move || {
        claimed.with_value(|lines| {
            quantities.with(|q| {
                lines
                    .iter()
                    .zip(q)
                    .map(|(l, n)| l.unit_price_minor * n)
                    .sum::<i64>()
            })
        })
    };
    let chosen_lines = move || {
        claimed.with_value(|lines| {
            quantities.with_untracked(|q| {
                lines
                    .iter()
                    .zip(q)
                    .filter(|(_, n)| **n > 0)
                    .map(|(l, n)| RefundLine {
                        line_id: l.id,
                        quantity: *n,
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let positive = |text: &str| parse_amount(text).filter(|a| *a > 0);
    let decision = move || -> Result<Decision, &'static str> {
        let note_text = note.get_untracked().trim().to_owned();
        let kind = kind.get_untracked();
        let mut lines = Vec::new();
        let out_of_range = t_string!(i18n, err_out_of_range);
        let amount_minor = match kind {
            DecisionKind::Refund => match refund_by.get_untracked() {
                RefundBy::Whole => Some(left),
                RefundBy::Amount => Some(positive(&amount.get_untracked()).ok_or(out_of_range)?),
                RefundBy::Lines => {
                    lines = chosen_lines();
                    if lines.is_empty() {
                        return Err(t_string!(i18n, refund_lines_none));
                    }
                    None
                }
            },
            DecisionKind::Proposal => {
                let text = offer.get_untracked();
                match text.trim() {
                    "" => None,
                    text => Some(positive(text).ok_or(out_of_range)?),
                }
            }
            _ => None,
        };
        if amount_minor.is_some_and(|a| a > left)
            || untrack(lines_total) > left && !lines.is_empty()
        {
            return Err(t_string!(i18n, err_over_claimed));
        }
        if matches!(kind, DecisionKind::Reject | DecisionKind::Proposal) && note_text.is_empty() {
            return Err(t_string!(i18n, err_required));
        }
        Ok(Decision {
            version,
            kind,
            amount_minor,
            note: (!note_text.is_empty()).then_some(note_text),
            lines,
        })
    };

    let send = Write::new();
    let prepare = Write::new();
    let submit = move |decision: Decision| {
        send.run(async move {
            let result = api::decide(id, decision, key.get_value()).await;
            after_write(context, &result);
            result.map(drop)
        })
    };
    let review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        match decision() {
            Ok(_) => {
                key.set_value(api::new_idempotency_key());
                local_error.set(None);
                confirming.set(true);
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    let save = move |_| match decision() {
        Ok(decision) => {
            local_error.set(None);
            confirming.set(false);
            saved.set(false);
            prepare.run(async move {
                let result = api::prepare(id, decision).await;
                saved.try_set(result.is_ok());
                after_write(context, &result);
                result.map(drop)
            });
        }
        Err(message) => local_error.set(Some(message)),
    };
    let edited = Callback::new(move |_: ()| {
        confirming.set(false);
        saved.set(false);
    });
    let money =
        move |minor: i64| currency.with_value(|c| format::money(minor, c, i18n.get_locale()));
    let consequence = Signal::derive(move || match kind.get() {
        DecisionKind::Refund => {
            let minor = match refund_by.get() {
                RefundBy::Whole => left,
                RefundBy::Lines => lines_total(),
                RefundBy::Amount => parse_amount(&amount.get()).unwrap_or(0),
            };
            t_string!(i18n, confirm_refund, amount = money(minor)).to_string()
        }
        DecisionKind::Replacement => t_string!(i18n, confirm_replacement).to_owned(),
        DecisionKind::ReturnLabel if free_return => {
            t_string!(i18n, confirm_return_label_free).to_owned()
        }
        DecisionKind::ReturnLabel => t_string!(i18n, confirm_return_label_paid).to_owned(),
        DecisionKind::Reject => t_string!(i18n, confirm_reject).to_owned(),
        DecisionKind::Proposal => match parse_amount(&offer.get()) {
            Some(minor) => {
                t_string!(i18n, confirm_proposal_refund, amount = money(minor)).to_string()
            }
            None => t_string!(i18n, confirm_proposal).to_owned(),
        },
    });
    let kinds = [
        DecisionKind::Refund,
        DecisionKind::Replacement,
        DecisionKind::ReturnLabel,
        DecisionKind::Proposal,
        DecisionKind::Reject,
    ]
    .into_iter()
    .map(|choice| {
        let label = Signal::derive(move || labels::decision_kind(i18n, choice).to_owned());
        view! { <Choice name="decision-kind" value=choice selected=kind label=label on_pick=edited/> }
    })
    .collect_view();
    let refund_ways = move || {
        [RefundBy::Whole, RefundBy::Lines, RefundBy::Amount]
            .into_iter()
            .map(|way| {
                let label = Signal::derive(move || match way {
                    RefundBy::Whole => t_string!(i18n, refund_whole, amount = money(left)).to_string(),
                    RefundBy::Lines => t_string!(i18n, refund_per_line).to_owned(),
                    RefundBy::Amount => t_string!(i18n, refund_other).to_owned(),
                });
                view! { <Choice name="refund-by" value=way selected=refund_by label=label on_pick=edited/> }
            })
            .collect_view()
    };
    let server_error = move || {
        send.error()
            .or_else(|| prepare.error())
            .map(|e| error_text(i18n, &e))
    };
    let max_hint = move || t_string!(i18n, refund_max, amount = money(left)).to_string();
    view! {
        {prepared.map(|p| view! { <PreparedNotice prepared=p id=id version=version currency=currency.get_value()/> })}
        <form on:submit=review novalidate>
            <fieldset class="choices">
                <legend>{move || t_string!(i18n, decision_kind)}</legend>
                {kinds}
            </fieldset>
            {move || match kind.get() {
                DecisionKind::Refund => view! {
                    <fieldset class="choices">
                        <legend>{move || t_string!(i18n, refund_how)}</legend>
                        {refund_ways()}
                    </fieldset>
                    {move || match refund_by.get() {
                        RefundBy::Lines => view! {
                            <RefundLines lines=claimed.get_value() quantities=quantities currency=currency.get_value() left=left/>
                        }.into_any(),
                        RefundBy::Amount => view! {
                            <div class="field">
                                <label for="refund-amount">{move || t_string!(i18n, refund_amount)}</label>
                                <input id="refund-amount" inputmode="decimal" bind:value=amount aria-describedby="refund-amount-hint" on:input=move |_| edited.run(())/>
                                <p id="refund-amount-hint" class="hint">{max_hint}</p>
                            </div>
                        }.into_any(),
                        RefundBy::Whole => ().into_any(),
                    }}
                }.into_any(),
                DecisionKind::Proposal => view! {
                    <div class="field">
                        <label for="proposal-amount">{move || t_string!(i18n, proposal_amount)}</label>
                        <input id="proposal-amount" inputmode="decimal" bind:value=offer aria-describedby="proposal-amount-hint" on:input=move |_| edited.run(())/>
                        <p id="proposal-amount-hint" class="hint">{max_hint}</p>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            <div class="field">
                <label for="decision-note">
                    {move || match kind.get() {
                        DecisionKind::Reject => t_string!(i18n, reject_reason),
                        DecisionKind::Proposal => t_string!(i18n, proposal_text),
                        _ => t_string!(i18n, note_for_customer),
                    }}
                </label>
                <textarea id="decision-note" rows="3" bind:value=note on:input=move |_| edited.run(())></textarea>
            </div>
            {move || local_error.get().or_else(server_error).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {move || saved.get().then(|| view! { <p class="form-ok" role="status">{move || t_string!(i18n, prepared_saved)}</p> })}
            {move || if confirming.get() {
                view! {
                    <Confirmation
                        text=consequence
                        pending=Signal::derive(move || send.pending())
                        on_confirm=move |_| {
                            if let Ok(decision) = decision() {
                                submit(decision);
                            }
                        }
                        on_cancel=move |_| confirming.set(false)
                    />
                }.into_any()
            } else {
                view! {
                    <div class="actions">
                        <button type="submit" class="button primary">{move || t_string!(i18n, review)}</button>
                        <button type="button" class="button secondary" disabled=move || prepare.pending() on:click=save>{move || t_string!(i18n, prepare_decision)}</button>
                    </div>
                }.into_any()
            }}
        </form>
    }
}
