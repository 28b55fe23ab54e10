use claimdesk_shared::money::{amount_input, parse_amount};
use claimdesk_shared::wire::{Policy, PolicyInput, PolicySettings};
use claimdesk_shared::Reason;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// A number field of the form: its key, label and value (as typed).
#[derive(Clone, Copy)]
struct Number {
    field: &'static str,
    value: RwSignal<String>,
}

/// The policy's settings as a form: the reasons merchants handle, the
/// response hours and extension, the threshold and cap, the reporting
/// window and the rating targets; field errors beside each; then the
/// record of earlier changes.
#[component]
pub fn PolicyForm(
    policy: Policy,
    /// Whether the last save went through (shown by the page).
    saved: RwSignal<bool>,
    #[prop(into)] on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = policy.settings.clone();
    let reasons = RwSignal::new(s.merchant_reasons.clone());
    let number = |field, value: String| Number {
        field,
        value: RwSignal::new(value),
    };
    let fields = [
        number("first_response_hours", s.first_response_hours.to_string()),
        number("follow_up_hours", s.follow_up_hours.to_string()),
        number(
            "high_value_threshold_minor",
            amount_input(s.high_value_threshold_minor),
        ),
        number(
            "high_value_extension_hours",
            s.high_value_extension_hours.to_string(),
        ),
        number(
            "auto_refund_cap_minor",
            amount_input(s.auto_refund_cap_minor),
        ),
        number("reporting_window_days", s.reporting_window_days.to_string()),
        number("rating_target_percent", s.rating_target_percent.to_string()),
        number(
            "rating_warning_percent",
            s.rating_warning_percent.to_string(),
        ),
    ];
    let version = policy.version;
    let currency = policy.currency.clone();
    let write = Write::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let read = |i: usize| {
            fields[i]
                .value
                .get_untracked()
                .trim()
                .parse::<i64>()
                .unwrap_or(-1)
        };
        // Amounts are typed in major units (kronor, euros); what is not an
        // amount reaches the server as -1, which it refuses by field.
        let money = |i: usize| parse_amount(&fields[i].value.get_untracked()).unwrap_or(-1);
        let settings = PolicySettings {
            merchant_reasons: reasons.get_untracked(),
            first_response_hours: read(0),
            follow_up_hours: read(1),
            high_value_threshold_minor: money(2),
            high_value_extension_hours: read(3),
            auto_refund_cap_minor: money(4),
            reporting_window_days: read(5),
            rating_target_percent: read(6),
            rating_warning_percent: read(7),
        };
        saved.set(false);
        write.run(async move {
            api::save_policy(PolicyInput { version, settings }).await?;
            saved.set(true);
            on_saved.run(());
            Ok(())
        });
    };
    let error_of = move |field: &'static str| {
        move || {
            write
                .error()
                .and_then(|e| e.field(field).map(|f| labels::field_error(i18n, &f.code)))
        }
    };
    let label = move |field: &str| match field {
        "first_response_hours" => t_string!(i18n, policy_first_response_hours),
        "follow_up_hours" => t_string!(i18n, policy_follow_up_hours),
        "high_value_threshold_minor" => t_string!(i18n, policy_high_value_threshold),
        "high_value_extension_hours" => t_string!(i18n, policy_high_value_extension_hours),
        "auto_refund_cap_minor" => t_string!(i18n, policy_auto_refund_cap),
        "reporting_window_days" => t_string!(i18n, policy_reporting_window_days),
        "rating_target_percent" => t_string!(i18n, policy_rating_target),
        _ => t_string!(i18n, policy_rating_warning),
    };
    let inputs = fields
        .iter()
        .map(|f| {
            let Number { field, value } = *f;
            let id = format!("policy-{field}");
            let error_id = format!("{id}-error");
            let described = error_id.clone();
            let error = error_of(field);
            let money = field.ends_with("_minor").then(|| currency.clone());
            let step = if money.is_some() { "0.01" } else { "1" };
            view! {
                <div class="field">
                    <label for=id.clone()>{move || label(field)}{money.map(|c| format!(" ({c})"))}</label>
                    <input
                        id=id
                        type="number"
                        inputmode="decimal"
                        step=step
                        bind:value=value
                        aria-invalid=move || error().is_some().to_string()
                        aria-describedby=move || error().map(|_| described.clone())
                    />
                    {move || error().map(|m| view! { <p id=error_id.clone() class="field-error" role="alert">{m}</p> })}
                </div>
            }
        })
        .collect_view();
    let reason_boxes = Reason::ALL
        .iter()
        .map(|&r| {
            view! {
                <label class="choice">
                    <input
                        type="checkbox"
                        prop:checked=move || reasons.with(|rs| rs.contains(&r))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            reasons.update(|rs| {
                                rs.retain(|x| *x != r);
                                if on {
                                    rs.push(r);
                                }
                            });
                        }
                    />
                    {move || labels::reason(i18n, r)}
                </label>
            }
        })
        .collect_view();
    let general = move || {
        write.error().and_then(|e| match e {
            ApiError::Validation(_) => None,
            ApiError::Conflict(_) => Some(t_string!(i18n, policy_stale)),
            e => Some(labels::api_error(i18n, &e)),
        })
    };
    let changes = policy
        .changes
        .into_iter()
        .map(|c| {
            let at = c.changed_at;
            // Each field by its label, its values as the form shows them.
            let currency = currency.clone();
            let what = move || {
                c.fields
                    .iter()
                    .map(|f| {
                        let name = if f.field == "merchant_reasons" {
                            t_string!(i18n, policy_merchant_reasons_short).to_owned()
                        } else {
                            label(&f.field).to_owned()
                        };
                        let value = |v: &str| recorded_value(i18n, &f.field, v, &currency);
                        format!("{name}: {} → {}", value(&f.from), value(&f.to))
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            view! {
                <li>
                    <strong>{c.changed_by}</strong>
                    <span class="muted">{move || format!(" · {}", format::date_time(at, i18n.get_locale()))}</span>
                    <br/>
                    {what}
                </li>
            }
        })
        .collect_view();
    view! {
        <form class="card policy-form" on:submit=on_submit novalidate>
            <fieldset>
                <legend>{move || t_string!(i18n, policy_merchant_reasons)}</legend>
                {reason_boxes}
            </fieldset>
            {inputs}
            {move || general().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <button type="submit" class="button primary" disabled=move || write.pending()>{move || t_string!(i18n, policy_save)}</button>
        </form>
        <section class="card" aria-labelledby="policy-changes">
            <h2 id="policy-changes">{move || t_string!(i18n, policy_changes)}</h2>
            <ul class="policy-changes">{changes}</ul>
        </section>
    }
}

/// A value of the change record as the form shows it: reasons by their
/// names, amounts in the currency's units, numbers as they are.
fn recorded_value(i18n: I18n, field: &str, value: &str, currency: &str) -> String {
    if field == "merchant_reasons" {
        let names: Vec<String> = value
            .split(',')
            .filter_map(|r| r.parse::<Reason>().ok())
            .map(|r| labels::reason(i18n, r).to_owned())
            .collect();
        return if names.is_empty() {
            "—".to_owned()
        } else {
            names.join(", ")
        };
    }
    match value.parse::<i64>() {
        Ok(minor) if field.ends_with("_minor") => format!("{} {currency}", amount_input(minor)),
        _ => value.to_owned(),
    }
}
