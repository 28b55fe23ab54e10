use claimdesk_shared::wire::CaseDetail;
use leptos::prelude::*;

use crate::api;
use crate::i18n::*;

/// The customer's return label, once the desk approved with one: made on
/// the first click (a PDF in the customer's language), the same file after.
#[component]
pub fn ReturnLabelCard(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let href = api::return_label_url(case.summary.id);
    let made = case.return_label.is_some();
    let postage = case.free_return;
    view! {
        <section class="card" aria-labelledby="return-label-heading">
            <h2 id="return-label-heading">{move || t_string!(i18n, return_label_title)}</h2>
            <p>{move || if postage { t_string!(i18n, return_label_paid) } else { t_string!(i18n, return_label_due) }}</p>
            <a class="button primary" href=href download>
                {move || if made { t_string!(i18n, return_label_download) } else { t_string!(i18n, return_label_make) }}
            </a>
        </section>
    }
}
