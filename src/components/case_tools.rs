use claimdesk_shared::wire::{CaseDetail, CaseToggles, TakeHold, Versioned};
use leptos::prelude::*;

use crate::api;
use crate::case_context::use_case_context;
use crate::components::decision_panel::after_write;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// A change to the case's hold or toggles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Hold { take_over: bool },
    Release,
    FreeReturn(bool),
}

/// Hold (take, release, take over from a colleague) and the free-return
/// toggle of an open case.
#[component]
pub fn CaseTools(
    /// The case.
    case: CaseDetail,
    /// The signed-in agent.
    me: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let (id, version) = (case.summary.id, case.version);
    let write = Write::new();
    let run = move |tool: Tool| {
        write.run(async move {
            let result = match tool {
                Tool::Hold { take_over } => api::hold(id, TakeHold { version, take_over }).await,
                Tool::Release => api::release(id, Versioned { version }).await,
                Tool::FreeReturn(free_return) => {
                    api::update_case(
                        id,
                        CaseToggles {
                            version,
                            free_return,
                        },
                    )
                    .await
                }
            };
            // A colleague's change (they took the case) also means the case
            // on screen is out of date: after_write reloads it.
            after_write(context, &result);
            result.map(drop)
        })
    };
    let pending = move || write.pending();
    let holder = case.summary.held_by.clone();
    let hold = match (case.held_by_id, holder) {
        (Some(holder), _) if holder == me => view! {
            <p class="held">{move || t_string!(i18n, held_by_you)}</p>
            <button type="button" class="button secondary" disabled=pending on:click=move |_| { run(Tool::Release); }>
                {move || t_string!(i18n, hold_release)}
            </button>
        }
        .into_any(),
        (Some(_), Some(name)) => {
            let label = name.clone();
            view! {
                <p class="held">{move || t_string!(i18n, held_by, name = name.clone()).to_string()}</p>
                <button type="button" class="button secondary" disabled=pending on:click=move |_| { run(Tool::Hold { take_over: true }); }>
                    {move || t_string!(i18n, hold_take_over, name = label.clone()).to_string()}
                </button>
            }
            .into_any()
        }
        _ => view! {
            <button type="button" class="button secondary" disabled=pending on:click=move |_| { run(Tool::Hold { take_over: false }); }>
                {move || t_string!(i18n, hold_take)}
            </button>
        }
        .into_any(),
    };
    let free_return = case.free_return;
    view! {
        <section class="card tools" aria-labelledby="tools-heading">
            <h2 id="tools-heading">{move || t_string!(i18n, case_tools)}</h2>
            <div class="hold">{hold}</div>
            <label class="toggle">
                <input
                    type="checkbox"
                    prop:checked=free_return
                    disabled=pending
                    on:change=move |ev| { run(Tool::FreeReturn(event_target_checked(&ev))); }
                />
                {move || t_string!(i18n, free_return)}
            </label>
            {move || write.error().map(|e| view! { <p class="form-error" role="alert">{labels::api_error(i18n, &e)}</p> })}
        </section>
    }
}
