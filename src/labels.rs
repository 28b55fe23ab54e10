//! The translated names of the domain's vocabularies.

use claimdesk_shared::{Inbox, Kind, Locale, Outcome, PlatformReason, Reason, Role, Status};

use crate::I18n;

/// The name of an inbox, for navigation and headings.
pub fn inbox(i18n: I18n, inbox: Inbox) -> &'static str {
    match inbox {
        Inbox::Open => t_string!(i18n, inbox_open),
        Inbox::Parked => t_string!(i18n, inbox_parked),
        Inbox::Approved => t_string!(i18n, inbox_approved),
        Inbox::Rejected => t_string!(i18n, inbox_rejected),
        Inbox::Platform => t_string!(i18n, inbox_platform),
        Inbox::HeldByMe => t_string!(i18n, inbox_held_by_me),
        Inbox::Prepared => t_string!(i18n, inbox_prepared),
        Inbox::Mine => t_string!(i18n, inbox_mine),
        Inbox::PlatformReview => t_string!(i18n, inbox_platform_review),
        Inbox::Escalated => t_string!(i18n, inbox_escalated),
        Inbox::Disputes => t_string!(i18n, inbox_disputes),
        Inbox::All => t_string!(i18n, inbox_all),
    }
}

/// Why the platform has a case, as the desk reads it.
pub fn platform_reason(i18n: I18n, reason: PlatformReason) -> &'static str {
    match reason {
        PlatformReason::Routed => t_string!(i18n, platform_reason_routed),
        PlatformReason::Escalated => t_string!(i18n, platform_reason_escalated),
        PlatformReason::Disputed => t_string!(i18n, platform_reason_disputed),
    }
}

/// A status as `role` should read it: customers see the simpler labels of
/// PRODUCT.md §4 (Submitted, In progress, Platform reviewing, …).
pub fn status(i18n: I18n, status: Status, role: Role) -> &'static str {
    match (status, role) {
        (Status::Submitted, Role::Customer) => t_string!(i18n, cstatus_submitted),
        (
            Status::AwaitingMerchant | Status::AwaitingCustomer | Status::AwaitingReturn,
            Role::Customer,
        ) => {
            t_string!(i18n, cstatus_in_progress)
        }
        (Status::Submitted, _) => t_string!(i18n, status_submitted),
        (Status::AwaitingMerchant, _) => t_string!(i18n, status_awaiting_merchant),
        (Status::AwaitingCustomer, _) => t_string!(i18n, status_awaiting_customer),
        (Status::AwaitingReturn, _) => t_string!(i18n, status_awaiting_return),
        (Status::PlatformReview, _) => t_string!(i18n, status_platform_review),
        (Status::Resolved, _) => t_string!(i18n, status_resolved),
        (Status::Rejected, _) => t_string!(i18n, status_rejected),
    }
}

pub fn kind(i18n: I18n, kind: Kind) -> &'static str {
    match kind {
        Kind::Regret => t_string!(i18n, kind_regret),
        Kind::Missing => t_string!(i18n, kind_missing),
        Kind::Complaint => t_string!(i18n, kind_complaint),
    }
}

pub fn reason(i18n: I18n, reason: Reason) -> &'static str {
    match reason {
        Reason::ChangedMind => t_string!(i18n, reason_changed_mind),
        Reason::Damaged => t_string!(i18n, reason_damaged),
        Reason::Defective => t_string!(i18n, reason_defective),
        Reason::MissingItems => t_string!(i18n, reason_missing_items),
        Reason::WrongGoods => t_string!(i18n, reason_wrong_goods),
        Reason::NotAsDescribed => t_string!(i18n, reason_not_as_described),
        Reason::InvoiceIncorrect => t_string!(i18n, reason_invoice_incorrect),
        Reason::DeliveryLate => t_string!(i18n, reason_delivery_late),
        Reason::Other => t_string!(i18n, reason_other),
    }
}

/// A language, named in the reader's language (the switcher names each in
/// itself instead).
pub fn locale(i18n: I18n, locale: Locale) -> &'static str {
    match locale {
        Locale::En => t_string!(i18n, locale_en),
        Locale::Sv => t_string!(i18n, locale_sv),
        Locale::Nl => t_string!(i18n, locale_nl),
    }
}

pub fn role(i18n: I18n, role: Role) -> &'static str {
    match role {
        Role::Merchant => t_string!(i18n, role_merchant),
        Role::Customer => t_string!(i18n, role_customer),
        Role::Support => t_string!(i18n, role_support),
    }
}

/// What to tell the user about a failed request.
pub fn api_error(i18n: I18n, error: &crate::api::ApiError) -> &'static str {
    use crate::api::ApiError as E;
    match error {
        E::Network => t_string!(i18n, err_network),
        E::Unauthenticated => t_string!(i18n, err_session),
        E::InvalidCredentials => t_string!(i18n, err_invalid_credentials),
        E::Forbidden => t_string!(i18n, err_forbidden),
        E::NotFound => t_string!(i18n, err_not_found),
        E::Validation(_) => t_string!(i18n, err_invalid),
        E::Conflict(kind) if kind == "stale-version" => t_string!(i18n, err_conflict_stale),
        E::Conflict(kind) if kind == "held-by-other" => t_string!(i18n, err_held_by_other),
        E::Conflict(kind) if kind == "no-prepared-decision" => t_string!(i18n, err_no_prepared),
        E::Conflict(kind) if kind == "no-proposal" => t_string!(i18n, err_no_proposal),
        E::Conflict(_) => t_string!(i18n, err_conflict_refused),
        E::TooManyAttempts(_) => t_string!(i18n, err_too_many_attempts),
        E::Server => t_string!(i18n, err_server),
    }
}

/// A failed request said in full: like `api_error`, with the wait when
/// there were too many attempts ("try again in 12 minutes").
pub fn api_error_text(i18n: I18n, error: &crate::api::ApiError) -> String {
    match error {
        crate::api::ApiError::TooManyAttempts(seconds) => match seconds.div_ceil(60) {
            1 => t_string!(i18n, err_too_many_attempts_minute).to_owned(),
            minutes => {
                t_string!(i18n, err_too_many_attempts_minutes, minutes = minutes).to_string()
            }
        },
        other => api_error(i18n, other).to_owned(),
    }
}

/// A field error's code, translated.
pub fn field_error(i18n: I18n, code: &str) -> &'static str {
    match code {
        "required" => t_string!(i18n, err_required),
        "invalid_email" => t_string!(i18n, err_invalid_email),
        "too_long" => t_string!(i18n, err_too_long),
        "over_claimed" => t_string!(i18n, err_over_claimed),
        "out_of_range" => t_string!(i18n, err_out_of_range),
        "too_large" => t_string!(i18n, err_too_large),
        "unsupported_type" => t_string!(i18n, err_unsupported_type),
        "unknown_placeholder" => t_string!(i18n, err_unknown_placeholder),
        "nul_character" => t_string!(i18n, err_nul_character),
        "too_late" => t_string!(i18n, err_too_late),
        "outside_window" => t_string!(i18n, err_outside_window),
        _ => t_string!(i18n, err_invalid),
    }
}

/// How a case ended.
pub fn outcome(i18n: I18n, outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Refund => t_string!(i18n, outcome_refund),
        Outcome::Replacement => t_string!(i18n, outcome_replacement),
        Outcome::ReturnLabel => t_string!(i18n, outcome_return_label),
        Outcome::ReturnRefund => t_string!(i18n, outcome_return_refund),
        Outcome::ProposalAccepted => t_string!(i18n, outcome_proposal_accepted),
        Outcome::AutoRefund => t_string!(i18n, outcome_auto_refund),
        Outcome::Rejected => t_string!(i18n, outcome_rejected),
        Outcome::CustomerResolved => t_string!(i18n, outcome_customer_resolved),
    }
}

/// The name of a decision, as the form offers it.
pub fn decision_kind(i18n: I18n, kind: claimdesk_shared::wire::DecisionKind) -> &'static str {
    use claimdesk_shared::wire::DecisionKind as D;
    match kind {
        D::Refund => t_string!(i18n, decide_refund),
        D::Replacement => t_string!(i18n, decide_replacement),
        D::ReturnLabel => t_string!(i18n, decide_return_label),
        D::Proposal => t_string!(i18n, decide_proposal),
        D::Reject => t_string!(i18n, decide_reject),
    }
}

/// One line of the audit trail, in the reader's language.
pub fn event(i18n: I18n, event: &claimdesk_shared::wire::EventView, role: Role) -> String {
    use claimdesk_shared::EventKind as K;
    match event.kind {
        K::CaseCreated => t_string!(i18n, event_case_created).to_owned(),
        K::MessageAdded => t_string!(i18n, event_message_added).to_owned(),
        K::NoteAdded => t_string!(i18n, event_note_added).to_owned(),
        K::StatusChanged => {
            let to = event.to.map(|s| status(i18n, s, role)).unwrap_or_default();
            t_string!(i18n, event_status_changed, to = to).to_string()
        }
        K::DecisionMade => {
            let what = event.outcome.map(|o| outcome(i18n, o)).unwrap_or_default();
            t_string!(i18n, event_decision_made, outcome = what).to_string()
        }
        K::ReturnReceived => t_string!(i18n, event_return_received).to_owned(),
        K::Held => t_string!(i18n, event_held).to_owned(),
        K::Released => t_string!(i18n, event_released).to_owned(),
        K::TakenOver => t_string!(i18n, event_taken_over).to_owned(),
        K::FreeReturnOn => t_string!(i18n, event_free_return_on).to_owned(),
        K::FreeReturnOff => t_string!(i18n, event_free_return_off).to_owned(),
        K::DecisionPrepared => t_string!(i18n, event_decision_prepared).to_owned(),
        K::PreparedDiscarded => t_string!(i18n, event_prepared_discarded).to_owned(),
        K::ProposalMade => t_string!(i18n, event_proposal_made).to_owned(),
        K::ProposalAccepted => t_string!(i18n, event_proposal_accepted).to_owned(),
        K::CustomerResolved => t_string!(i18n, event_customer_resolved).to_owned(),
        K::Rated => t_string!(i18n, event_rated).to_owned(),
        K::Disputed => t_string!(i18n, event_disputed).to_owned(),
        K::HandedBack => t_string!(i18n, event_handed_back).to_owned(),
    }
}

/// What happens next on a customer's case, in their words.
pub fn next_step(
    i18n: I18n,
    step: claimdesk_shared::wire::NextStep,
    merchant: &str,
    locale: Locale,
) -> String {
    use claimdesk_shared::wire::NextStepKind as K;
    match (step.kind, step.due_at) {
        (K::MerchantAnswers, Some(due)) => {
            let date = crate::format::date_time(due, locale);
            t_string!(
                i18n,
                next_merchant_answers_by,
                merchant = merchant,
                date = date
            )
            .to_string()
        }
        (K::MerchantAnswers, None) => {
            t_string!(i18n, next_merchant_answers, merchant = merchant).to_string()
        }
        (K::PlatformReviews, _) => t_string!(i18n, next_platform_reviews).to_owned(),
        (K::YourReply, _) => t_string!(i18n, next_your_reply, merchant = merchant).to_string(),
        (K::SendReturn, _) => t_string!(i18n, next_send_return).to_owned(),
        (K::RateSupport, _) => t_string!(i18n, next_rate_support).to_owned(),
        (K::Done, _) => t_string!(i18n, next_done).to_owned(),
    }
}
