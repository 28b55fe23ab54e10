//! The texts of the notification emails, by what happened (PRODUCT.md §8).
//! English for now; issue "emails in the reader's language" moves them
//! into templates beside the UI's translations.

use std::collections::HashMap;

use claimdesk_shared::wire::NewCase;
use claimdesk_shared::{CaseId, Handler, Kind, Outcome};

use crate::store::reports::ReportedOrder;

/// What the customer is told of a decision, by outcome.
pub fn decision(
    outcome: Outcome,
    case: &str,
    note: Option<&str>,
    free_return: bool,
) -> (String, String) {
    let extra = note.map(|n| format!("\n\n{n}")).unwrap_or_default();
    let body = match outcome {
        Outcome::Refund => format!("Your claim {case} is approved and refunded.{extra}"),
        Outcome::Replacement => format!("Your claim {case} is approved: a replacement is on its way.{extra}"),
        Outcome::ReturnLabel if free_return => format!("Your claim {case} is approved. Make your free return label in claimdesk, send the item back, and you will be refunded when it arrives.{extra}"),
        Outcome::ReturnLabel => format!("Your claim {case} is approved. Make your return label in claimdesk (postage is yours), send the item back, and you will be refunded when it arrives.{extra}"),
        Outcome::ReturnRefund => format!("We received your return for {case} and refunded you."),
        Outcome::Rejected => format!("Your claim {case} was not approved.{extra}\n\nYou can dispute this within 14 days."),
        Outcome::ProposalAccepted | Outcome::AutoRefund | Outcome::CustomerResolved => {
            format!("Your claim {case} is resolved.{extra}")
        }
    };
    (format!("Update on your claim {case}"), body)
}

/// An amount as an email states it ("649,00 SEK").
pub fn money(amount_minor: i64, currency: &str) -> String {
    format!(
        "{} {currency}",
        claimdesk_shared::money::amount_input(amount_minor)
    )
}

/// The customer is offered `note` (and, with `refund`, that much back).
pub fn proposal(id: CaseId, note: &str, refund: Option<&str>) -> (String, String) {
    let refund = refund
        .map(|a| format!(" Accepting it refunds you {a}."))
        .unwrap_or_default();
    (
        format!("A proposal for your claim {id}"),
        format!("We propose for your claim {id}:\n\n{note}\n\nAccept it in claimdesk to resolve your claim.{refund} You can also reply in the conversation."),
    )
}

/// The merchant is told that `customer` accepted the proposal `note`
/// (which paid `paid`, if anything).
pub fn proposal_accepted(
    id: CaseId,
    customer: &str,
    note: &str,
    paid: Option<&str>,
) -> (String, String) {
    let paid = paid
        .map(|a| format!(" The customer was refunded {a}."))
        .unwrap_or_default();
    (
        format!("Case {id}: the customer accepted your proposal"),
        format!("{customer} accepted your proposal on case {id}, which is now resolved.{paid}\n\n{note}"),
    )
}

/// The other side is told that `author` wrote `body` on case `id`.
pub fn message(id: CaseId, author: &str, body: &str) -> (String, String) {
    (
        format!("New message on case {id}"),
        format!("{author} wrote on case {id}:\n\n{body}"),
    )
}

/// Both order numbers, as emails name the order.
fn order_numbers(order: &ReportedOrder) -> String {
    match &order.legacy_number {
        Some(legacy) => format!("{} (legacy order number {legacy})", order.number),
        None => order.number.clone(),
    }
}

/// The merchant's email about a new case: its kind, id and both order
/// numbers (§8), with what is claimed and why.
#[allow(clippy::too_many_arguments)]
pub fn new_case(
    id: CaseId,
    input: &NewCase,
    order: &ReportedOrder,
    handler: Handler,
    claimed_value: i64,
    customer_name: &str,
    description: &str,
    titles: &HashMap<i64, &str>,
) -> (String, String) {
    let subject = format!(
        "New {} case {id} on order {}",
        input.kind,
        order_numbers(order)
    );
    let lines: Vec<String> = input
        .lines
        .iter()
        .map(|l| {
            format!(
                "- {} × {}",
                l.quantity,
                titles.get(&l.line_id).copied().unwrap_or_default()
            )
        })
        .collect();
    let legacy = order
        .legacy_number
        .as_deref()
        .map(|n| format!("\nLegacy order number: {n}"))
        .unwrap_or_default();
    let handled = match handler {
        Handler::Merchant => "Respond in claimdesk; the response clock is running.".to_owned(),
        Handler::Platform => "The marketplace's support team handles this reason; you can follow the case in claimdesk.".to_owned(),
    };
    let exchange = if input.free_exchange {
        "\nThe customer would like a free exchange."
    } else {
        ""
    };
    let body = format!(
        "{customer_name} reported a problem with an order of {merchant}.\n\n\
         Case: {id}\nKind: {kind}\nReason: {reason}\nOrder number: {number}{legacy}\n\
         Claimed: {claimed}\n{lines}{exchange}\n\n{description}\n\n{handled}",
        merchant = order.merchant_name,
        kind = input.kind,
        reason = input.reason,
        number = order.number,
        claimed = money(claimed_value, &order.currency),
        lines = lines.join("\n"),
    );
    (subject, body)
}

/// The customer's confirmation that the report arrived.
pub fn case_received(
    id: CaseId,
    kind: Kind,
    order: &ReportedOrder,
    handler: Handler,
    on_behalf: bool,
) -> (String, String) {
    let registered = if on_behalf {
        " The marketplace's support team registered it for you."
    } else {
        ""
    };
    let who = match handler {
        Handler::Merchant => order.merchant_name.clone(),
        Handler::Platform => "The marketplace's support team".to_owned(),
    };
    (
        format!("We received your claim {id}"),
        format!(
            "Your {kind} claim {id} on order {} is registered.{registered} {who} will answer you in claimdesk, and you will get an email when they do.",
            order_numbers(order)
        ),
    )
}

/// The merchant is told that `customer` marked case `id` solved.
pub fn customer_resolved(id: CaseId, customer: &str) -> (String, String) {
    (
        format!("Case {id}: the customer's problem is solved"),
        format!("{customer} marked case {id} as solved. The case is closed; nothing more is needed from you."),
    )
}

/// The merchant is told that the rejection of case `id` is disputed.
pub fn disputed_to_merchant(id: CaseId, customer: &str, reason: &str) -> (String, String) {
    (
        format!("Case {id}: the customer disputes your rejection"),
        format!("{customer} disputed the rejection of case {id}. The marketplace's support team now reviews it and decides; you can follow the case in claimdesk.\n\nThe customer wrote:\n\n{reason}"),
    )
}

/// The customer's confirmation that the dispute arrived.
pub fn disputed_to_customer(id: CaseId) -> (String, String) {
    (
        format!("We received your dispute of claim {id}"),
        format!("The marketplace's support team now reviews claim {id} and decides. You will get an email when they do."),
    )
}

/// The merchant is told that support handed case `id` back, and why.
pub fn handed_back(id: CaseId, support: &str, note: &str) -> (String, String) {
    (
        format!("Case {id} is back with you"),
        format!("{support} of the marketplace's support team handed case {id} back to you. It is in your Open inbox with a new response time.\n\n{note}"),
    )
}
