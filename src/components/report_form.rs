use claimdesk_shared::wire::{CustomerOrder, CustomerOrderLine, NewCase, RefundLine};
use claimdesk_shared::{Kind, Reason};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::file_picker::FilePicker;
use crate::drafts::{ReportDraft, ReportSlot};
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::routes::{AppRoute, CaseTab};
use crate::session::use_session;
use crate::write::Write;

/// Whether the time to report a problem with `order` is over.
fn window_closed(order: &CustomerOrder) -> bool {
    order
        .report_until
        .is_some_and(|until| !format::is_ahead(until))
}

/// The report: the order, how many of each item are affected, the reason,
/// what happened, photos, and for complaints whether an exchange is wanted.
/// Each field says what is wrong with it, from the form's own checks or the
/// server's; a failed send can be retried as the same report.
#[component]
pub fn ReportForm(
    orders: Vec<CustomerOrder>,
    /// The order to start on (chosen on My orders), if any.
    #[prop(optional_no_strip)]
    chosen: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    if orders.is_empty() {
        return view! { <p class="empty">{move || t_string!(i18n, report_no_orders)}</p> }
            .into_any();
    }
    // The report this user was writing, if any (a reload, a lost
    // connection), else a blank one.
    let slot = session.user().map(|me| ReportSlot::of(me.id));
    let saved = slot.as_ref().map(ReportSlot::load).unwrap_or_default();
    // Its order while there is still something to report on it, else the
    // newest order with something left to report, within its window.
    let start = orders
        .iter()
        .find(|o| Some(o.id) == chosen)
        .or_else(|| orders.iter().find(|o| o.id == saved.order_id))
        .or_else(|| {
            orders
                .iter()
                .find(|o| !window_closed(o) && o.lines.iter().any(|l| l.claimable_quantity > 0))
        })
        .unwrap_or(&orders[0]);
    let saved_quantity = |line: &CustomerOrderLine| {
        let kept = (start.id == saved.order_id)
            .then(|| saved.quantities.iter().find(|(id, _)| *id == line.id))
            .flatten();
        // A report sent without an answer may have been taken, leaving
        // nothing to claim: it is sent again exactly as it was.
        let left = if saved.unanswered {
            i64::MAX
        } else {
            line.claimable_quantity
        };
        kept.map_or(0, |(_, n)| (*n).clamp(0, left))
    };
    let order = RwSignal::new(start.id);
    let quantities = RwSignal::new(start.lines.iter().map(saved_quantity).collect::<Vec<_>>());
    let orders = StoredValue::new(orders);
    let chosen = move || orders.with_value(|o| o.iter().find(|o| o.id == order.get()).cloned());
    // The chosen order's lines with a count, as (line id, count).
    let picked = move || -> Vec<(i64, i64)> {
        chosen()
            .map(|o| {
                quantities.with(|q| {
                    o.lines
                        .iter()
                        .zip(q)
                        .filter(|(_, n)| **n > 0)
                        .map(|(l, n)| (l.id, *n))
                        .collect()
                })
            })
            .unwrap_or_default()
    };
    let reason = RwSignal::new(saved.reason);
    let description = RwSignal::new(saved.description);
    let exchange = RwSignal::new(saved.exchange);
    let files = RwSignal::new(saved.files);
    let unanswered = RwSignal::new(saved.unanswered);
    let uploading = RwSignal::new(0usize);
    let write = Write::new();
    // One key for this report, kept with its draft: a retry after a failure
    // or a reload is the same report.
    let key = StoredValue::new(if saved.key.is_empty() {
        api::new_idempotency_key()
    } else {
        saved.key
    });
    // Every change is saved as it is made (writing the draft is talking to
    // the outside world, which is what effects are for).
    if let Some(slot) = slot.clone() {
        Effect::new(move |_| {
            slot.save(&ReportDraft {
                order_id: order.get(),
                quantities: picked(),
                reason: reason.get(),
                description: description.get(),
                exchange: exchange.get(),
                files: files.get(),
                key: key.get_value(),
                unanswered: unanswered.get(),
            });
        });
    }
    // The form's own finding, as (field, message).
    let local = RwSignal::new(None::<(&'static str, &'static str)>);
    let message = move |field: &'static str| {
        move || match local.get() {
            Some((f, m)) if f == field => Some(m),
            Some(_) => None,
            None => write
                .error()
                .and_then(|e| e.field(field).map(|f| labels::field_error(i18n, &f.code))),
        }
    };
    let general = move || {
        write
            .error()
            .filter(|e| !matches!(e, ApiError::Validation(_)))
            .map(|e| labels::api_error(i18n, &e))
    };

    let send = move || {
        let lines: Vec<RefundLine> = untrack(picked)
            .into_iter()
            .map(|(line_id, quantity)| RefundLine { line_id, quantity })
            .collect();
        let required = t_string!(i18n, err_required);
        let problem = if lines.is_empty() {
            Some(("lines", t_string!(i18n, report_lines_none)))
        } else if reason.get_untracked().is_none() {
            Some(("reason", required))
        } else if description.with_untracked(|d| d.trim().is_empty()) {
            Some(("description", required))
        } else {
            None
        };
        local.set(problem);
        let (Some(reason), None, true) = (
            reason.get_untracked(),
            problem,
            uploading.get_untracked() == 0,
        ) else {
            return;
        };
        let kind = reason.default_kind();
        let input = NewCase {
            order_id: order.get_untracked(),
            kind,
            reason,
            description: description.get_untracked().trim().to_owned(),
            lines,
            attachment_ids: files.with_untracked(|f| f.iter().map(|a| a.id).collect()),
            free_exchange: kind == Kind::Complaint && exchange.get_untracked(),
        };
        let navigate = navigate.clone();
        let slot = slot.clone();
        unanswered.set(true);
        write.run(async move {
            let answer = api::report(input, key.get_value()).await;
            // Only a send with no answer at all may have been taken. (Taken,
            // the draft is cleared below and no signal may change again, or
            // its effect would save it anew.)
            if matches!(&answer, Err(e) if !matches!(e, ApiError::Network)) {
                unanswered.set(false);
            }
            let case = answer?;
            if let Some(slot) = slot {
                slot.clear();
            }
            session.touch();
            let tab = CaseTab::Messages;
            navigate(
                &AppRoute::Case {
                    id: case.summary.id,
                    tab,
                }
                .href(),
                Default::default(),
            );
            Ok(())
        });
    };
    // The page closed, or was reloaded, before the last send was answered:
    // it goes again, as the same report (its key), so the customer lands on
    // the case whether or not the server had it already.
    if saved.unanswered {
        send();
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };

    let order_options = orders.with_value(|orders| {
        orders
            .iter()
            .map(|o| {
                let (id, text) = (o.id, format!("{} · {}", o.number, o.merchant_name));
                let placed = o.placed_at;
                view! {
                    <option value=id.to_string() selected=move || order.get() == id>
                        {move || format!("{text} · {}", format::day(placed.date_naive(), i18n.get_locale()))}
                    </option>
                }
            })
            .collect_view()
    });
    let on_order = move |ev: leptos::ev::Event| {
        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
            let count =
                orders.with_value(|o| o.iter().find(|o| o.id == id).map_or(0, |o| o.lines.len()));
            order.set(id);
            quantities.set(vec![0; count]);
        }
    };
    let lines = move || {
        chosen().map(|o| {
            o.lines
                .into_iter()
                .enumerate()
                .map(|(index, line)| {
                    let input_id = format!("report-qty-{}", line.id);
                    let left = line.claimable_quantity;
                    view! {
                        <li>
                            <label for=input_id.clone()>
                                <span class="line-title">{line.title}</span>
                                <span class="muted">{move || t_string!(i18n, report_line_left, count = left).to_string()}</span>
                            </label>
                            <input
                                id=input_id
                                type="number"
                                min="0"
                                max=left
                                step="1"
                                inputmode="numeric"
                                disabled=left == 0
                                prop:value=move || quantities.with(|q| q.get(index).copied().unwrap_or(0)).to_string()
                                on:input=move |ev| {
                                    let n = event_target_value(&ev).parse::<i64>().unwrap_or(0).clamp(0, left);
                                    quantities.update(|q| if let Some(slot) = q.get_mut(index) { *slot = n });
                                }
                            />
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let reason_options = Reason::ALL
        .iter()
        .map(|&r| view! { <option value=r.as_str() selected=move || reason.get() == Some(r)>{move || labels::reason(i18n, r)}</option> })
        .collect_view();
    let error_line = move |field: &'static str| {
        let text = message(field);
        move || {
            text().map(|m| view! { <p id=format!("report-{field}-error") class="field-error" role="alert">{m}</p> })
        }
    };
    let invalid = move |field: &'static str| {
        let text = message(field);
        move || text().is_some().then_some("true")
    };
    // Until when the chosen order may be reported; said before the customer
    // starts, and the form is closed once the time is over.
    let closed = move || chosen().is_some_and(|o| window_closed(&o));
    let window = move || {
        chosen().and_then(|o| o.report_until).map(|until| {
            let date = format::day(until.date_naive(), i18n.get_locale());
            if closed() {
                view! { <p id="report-window" class="alert alert-warn" role="note">{t_string!(i18n, report_window_closed, date = date).to_string()}</p> }.into_any()
            } else {
                view! { <p id="report-window" class="hint">{t_string!(i18n, report_window_open, date = date).to_string()}</p> }.into_any()
            }
        })
    };
    view! {
        <form class="card report-form" on:submit=submit novalidate>
            <div class="field">
                <label for="report-order">{move || t_string!(i18n, report_order)}</label>
                <select
                    id="report-order"
                    on:change=on_order
                    aria-describedby=move || chosen().and_then(|o| o.report_until).map(|_| "report-window")
                >{order_options}</select>
                {window}
                {error_line("order_id")}
            </div>
            <fieldset class="report-lines" aria-invalid=invalid("lines") aria-describedby="report-lines-error">
                <legend>{move || t_string!(i18n, report_lines)}</legend>
                <ul class="refund-lines">{lines}</ul>
                {error_line("lines")}
            </fieldset>
            <div class="field">
                <label for="report-reason">{move || t_string!(i18n, report_reason)}</label>
                <select
                    id="report-reason"
                    aria-invalid=invalid("reason")
                    aria-describedby="report-reason-error"
                    on:change=move |ev| reason.set(event_target_value(&ev).parse().ok())
                >
                    <option value="">{move || t_string!(i18n, report_choose)}</option>
                    {reason_options}
                </select>
                {error_line("reason")}
            </div>
            {move || (reason.get().map(Reason::default_kind) == Some(Kind::Complaint)).then(|| view! {
                <label class="choice">
                    <input type="checkbox" prop:checked=move || exchange.get() on:change=move |ev| exchange.set(event_target_checked(&ev))/>
                    {move || t_string!(i18n, report_exchange)}
                </label>
            })}
            <div class="field">
                <label for="report-description">{move || t_string!(i18n, report_description)}</label>
                <textarea
                    id="report-description"
                    rows="4"
                    bind:value=description
                    aria-invalid=invalid("description")
                    aria-describedby="report-description-error"
                ></textarea>
                {error_line("description")}
            </div>
            <FilePicker files=files uploading=uploading/>
            {error_line("attachment_ids")}
            {move || general().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <button type="submit" class="button primary" disabled=move || { write.pending() || uploading.get() > 0 || closed() }>
                {move || if write.pending() { t_string!(i18n, sending) } else { t_string!(i18n, report_submit) }}
            </button>
        </form>
    }
    .into_any()
}
