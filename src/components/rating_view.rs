use claimdesk_shared::wire::Rating;
use claimdesk_shared::RatingScore;
use leptos::prelude::*;

use crate::format;
use crate::i18n::*;

/// A rating as given: thumbs up or down, the comment and when.
#[component]
pub fn RatingView(rating: Rating) -> impl IntoView {
    let i18n = use_i18n();
    let score = rating.score;
    let label = move || match score {
        RatingScore::Up => t_string!(i18n, rating_up),
        RatingScore::Down => t_string!(i18n, rating_down),
    };
    let icon = match score {
        RatingScore::Up => "👍",
        RatingScore::Down => "👎",
    };
    let at = rating.rated_at;
    view! {
        <p class="rating" data-testid="rating">
            <span aria-hidden="true">{icon}" "</span>
            <strong>{label}</strong>
            " · "
            <span class="muted">{move || format::date_time(at, i18n.get_locale())}</span>
        </p>
        {rating.comment.map(|c| view! { <blockquote class="description">{c}</blockquote> })}
    }
}
