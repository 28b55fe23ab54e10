use claimdesk_shared::wire::{CaseDetail, NewRating};
use claimdesk_shared::RatingScore;
use leptos::prelude::*;

use crate::api;
use crate::case_context::use_case_context;
use crate::components::decision_panel::after_write;
use crate::components::rating_view::RatingView;
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::write::Write;

/// The customer rates the support of a closed case: thumbs up or down and
/// a comment if they like, once; changeable for 7 days after.
#[component]
pub fn RatingForm(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let context = use_case_context();
    let id = case.summary.id;
    let given = case.rating.clone();
    let changeable = given
        .as_ref()
        .is_none_or(|r| format::is_ahead(r.changeable_until));
    let score = RwSignal::new(given.as_ref().map(|r| r.score));
    let comment = RwSignal::new(
        given
            .as_ref()
            .and_then(|r| r.comment.clone())
            .unwrap_or_default(),
    );
    let write = Write::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(score) = score.get_untracked() else {
            return;
        };
        let comment = comment.get_untracked();
        write.run(async move {
            let input = NewRating {
                score,
                comment: (!comment.trim().is_empty()).then_some(comment),
            };
            let result = api::rate(id, input).await;
            after_write(context, &result);
            result.map(drop)
        });
    };
    let error = move || {
        write.error().map(|e| {
            let text = e
                .field("comment")
                .or_else(|| e.field("score"))
                .map(|f| labels::field_error(i18n, &f.code))
                .unwrap_or_else(|| labels::api_error(i18n, &e));
            view! { <p class="form-error" role="alert">{text}</p> }
        })
    };
    let choice = move |value: RatingScore, label: fn(crate::I18n) -> &'static str| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="rating-score"
                    prop:checked=move || score.get() == Some(value)
                    on:change=move |_| score.set(Some(value))
                />
                {move || label(i18n)}
            </label>
        }
    };
    let until = given.as_ref().map(|r| r.changeable_until);
    let form = changeable.then(|| {
        view! {
            <form class="rating-form" on:submit=on_submit novalidate>
                <fieldset>
                    <legend>{move || t_string!(i18n, rating_question)}</legend>
                    {choice(RatingScore::Up, |i18n| t_string!(i18n, rating_up))}
                    {choice(RatingScore::Down, |i18n| t_string!(i18n, rating_down))}
                </fieldset>
                <div class="field">
                    <label for="rating-comment">{move || t_string!(i18n, rating_comment)}</label>
                    <textarea id="rating-comment" rows="3" maxlength="1000" bind:value=comment></textarea>
                </div>
                {error}
                <button type="submit" class="button primary" disabled=move || score.get().is_none() || write.pending()>
                    {move || t_string!(i18n, rating_send)}
                </button>
                {until.map(|at| view! { <p class="hint">{move || t_string!(i18n, rating_changeable_until, date = format::date_time(at, i18n.get_locale())).to_string()}</p> })}
            </form>
        }
    });
    view! {
        <section class="card" aria-labelledby="rating-heading">
            <h2 id="rating-heading">{move || t_string!(i18n, rating_title)}</h2>
            {given.map(|rating| view! { <RatingView rating=rating/> })}
            {form}
        </section>
    }
}
