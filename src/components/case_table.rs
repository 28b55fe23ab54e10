use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{CaseSummary, OnBreach};
use claimdesk_shared::{Handler, Inbox, Role};
use leptos::html::Tbody;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::deadline_chip::chip;
use crate::format;
use crate::i18n::*;
use crate::labels;
use crate::routes::{AppRoute, CaseTab};
use crate::ticker::use_now;
use crate::I18n;

/// An inbox's rows. Each row's case id is a link, so the list is worked by
/// Tab and Enter as well as by mouse.
///
/// The rows are read-only text and links, so they are written as one HTML
/// string (every text escaped) that the browser parses in one go, rather
/// than node by node from WebAssembly: a 1,000-row inbox took about 250 ms
/// of calls across the JavaScript boundary that way (BENCHMARKS.md). A
/// change of language draws the table anew; the countdown chips follow the
/// shared ticker through one effect for the whole table. The router
/// intercepts clicks on the links as on any other.
#[component]
pub fn CaseTable(
    /// The rows, in the order to show them.
    items: Vec<CaseSummary>,
    /// Who reads the list: wording of statuses, and whether to show the merchant.
    role: Role,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_now();
    // A customer's own list in their shape: who handles each case and what
    // happens next, instead of themselves as the customer and the desk's
    // response clock.
    let columns = Columns {
        merchant: role != Role::Merchant,
        customer: role != Role::Customer,
        deadline: role != Role::Customer,
        next: role == Role::Customer,
    };
    // The chips' clocks, in the order of the rows that show one.
    let clocks: Vec<Clock> = if columns.deadline {
        items
            .iter()
            .filter_map(|case| {
                let (due_at, on_breach) = case.due_at.zip(case.on_breach)?;
                Some(Clock {
                    due_at,
                    on_breach,
                    currency: case.currency.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let body = NodeRef::<Tbody>::new();
    Effect::new(move |seen: Option<()>| {
        let now = now.get();
        // The first run is the table just drawn, at this very time.
        if seen.is_some() {
            if let Some(body) = body.get_untracked() {
                tick(&body, &clocks, now, i18n.get_locale_untracked());
            }
        }
    });
    move || {
        let locale = i18n.get_locale();
        let mut html = Html(String::new());
        for case in &items {
            html.row(case, i18n, locale, role, columns, now.get_untracked());
        }
        view! {
            <table class="case-table">
                <thead>
                    <tr>
                        <th scope="col">{t_string!(i18n, col_case)}</th>
                        <th scope="col">{t_string!(i18n, col_kind)}</th>
                        <th scope="col">{t_string!(i18n, col_reason)}</th>
                        {columns.customer.then(|| view! { <th scope="col">{t_string!(i18n, col_customer)}</th> })}
                        {columns.merchant.then(|| view! { <th scope="col">{t_string!(i18n, col_merchant)}</th> })}
                        <th scope="col">{t_string!(i18n, col_order)}</th>
                        <th scope="col">{t_string!(i18n, col_product)}</th>
                        <th scope="col">{t_string!(i18n, col_age)}</th>
                        <th scope="col">{t_string!(i18n, col_status)}</th>
                        {columns.deadline.then(|| view! { <th scope="col">{t_string!(i18n, col_deadline)}</th> })}
                        {columns.next.then(|| view! { <th scope="col">{t_string!(i18n, col_next)}</th> })}
                        <th scope="col" class="number">{t_string!(i18n, col_value)}</th>
                    </tr>
                </thead>
                <tbody node_ref=body inner_html=html.0></tbody>
            </table>
        }
    }
}

/// The optional columns, by who reads the list.
#[derive(Clone, Copy)]
struct Columns {
    merchant: bool,
    customer: bool,
    deadline: bool,
    next: bool,
}

/// What a row's countdown chip counts down to.
struct Clock {
    due_at: DateTime<Utc>,
    on_breach: OnBreach,
    currency: String,
}

/// Moves every chip of `body` to `now`: its class and its words.
fn tick(body: &web_sys::HtmlTableSectionElement, clocks: &[Clock], now: f64, locale: Locale) {
    let Ok(chips) = body.query_selector_all(".chip") else {
        return;
    };
    for (index, clock) in clocks.iter().enumerate() {
        let Some(element) = chips
            .get(index as u32)
            .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let (level, text) = chip(clock.due_at, clock.on_breach, &clock.currency, now, locale);
        element.set_class_name(&format!("chip chip-{level}"));
        if let Some(time) = element.first_element_child() {
            time.set_text_content(Some(&text));
        }
    }
}

/// HTML being written: markup as given, text and attribute values escaped.
struct Html(String);

impl Html {
    fn raw(&mut self, markup: &str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    fn text(&mut self, text: &str) -> &mut Self {
        html_escape::encode_text_to_string(text, &mut self.0);
        self
    }

    /// A double-quoted attribute's value.
    fn value(&mut self, value: &str) -> &mut Self {
        html_escape::encode_double_quoted_attribute_to_string(value, &mut self.0);
        self
    }

    /// `<td>text</td>`
    fn cell(&mut self, text: &str) -> &mut Self {
        self.raw("<td>").text(text).raw("</td>")
    }

    /// One case's row, its texts in `locale`; the same markup a `view!`
    /// would make (the tests read it like any other).
    fn row(
        &mut self,
        case: &CaseSummary,
        i18n: I18n,
        locale: Locale,
        role: Role,
        columns: Columns,
        now: f64,
    ) {
        let href = AppRoute::Case {
            id: case.id,
            tab: CaseTab::Receipt,
        }
        .href();
        self.raw("<tr><th scope=\"row\"><a href=\"")
            .value(&href)
            .raw("\">")
            .text(&case.id.to_string())
            .raw("</a>");
        if case.handler == Handler::Platform && role == Role::Merchant {
            self.raw("<span class=\"tag\">")
                .text(labels::inbox(i18n, Inbox::Platform))
                .raw("</span>");
        }
        self.raw("</th>")
            .cell(labels::kind(i18n, case.kind))
            .cell(labels::reason(i18n, case.reason));
        if columns.customer {
            self.cell(&case.customer_name);
        }
        if columns.merchant {
            self.cell(&case.merchant_name);
        }
        self.raw("<td><span class=\"order-number\">")
            .text(&case.order_number)
            .raw("</span>");
        if let Some(legacy) = &case.legacy_order_number {
            self.raw("<span class=\"legacy-number\">")
                .text(legacy)
                .raw("</span>");
        }
        self.raw("</td>")
            .cell(&case.product_title)
            .raw("<td><time datetime=\"")
            .value(&case.created_at.to_rfc3339())
            .raw("\">")
            .text(&format::age(case.created_at, now, locale))
            .raw("</time></td><td><span class=\"badge badge-")
            .value(case.status.as_str())
            .raw("\">")
            .text(labels::status(i18n, case.status, role))
            .raw("</span>");
        if let Some(kind) = case.prepared {
            let what = labels::decision_kind(i18n, kind);
            self.raw("<span class=\"tag prepared\">")
                .text(&t_string!(i18n, prepared_chip, what = what))
                .raw("</span>");
        }
        self.raw("</td>");
        if columns.deadline {
            self.raw("<td>");
            if let Some((due_at, on_breach)) = case.due_at.zip(case.on_breach) {
                let (level, text) = chip(due_at, on_breach, &case.currency, now, locale);
                self.raw("<span class=\"chip chip-")
                    .raw(level)
                    .raw("\"><time datetime=\"")
                    .value(&due_at.to_rfc3339())
                    .raw("\">")
                    .text(&text)
                    .raw("</time></span>");
            }
            self.raw("</td>");
        }
        if columns.next {
            let next = case
                .next_step
                .map(|step| labels::next_step(i18n, step, &case.merchant_name, locale))
                .unwrap_or_default();
            self.cell(&next);
        }
        self.raw("<td class=\"number\">")
            .text(&format::money(
                case.claimed_value_minor,
                &case.currency,
                locale,
            ))
            .raw("</td></tr>");
    }
}
