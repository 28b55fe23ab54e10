//! A customer reports a problem with one of their orders (PRODUCT.md §3
//! and §8): a new case, handled by the order's merchant or, for a reason
//! the marketplace keeps to itself, by the platform.
//!
//! A new case is written in one transaction like every change to a case:
//! the case and its lines, photos, event, response clock, the order's
//! payout and the outbox emails; once committed it goes to the inbox pages
//! and the live updates as `CaseWrite::commit` sends a change.

use std::collections::{HashMap, HashSet};

use claimdesk_shared::wire::{CaseChanged, FieldError, NewCase};
use claimdesk_shared::{CaseId, EventKind, Handler, Role, Status};
use serde_json::json;

use super::case_write::announce;
use super::emails;
use super::posts::MAX_FILES_PER_POST;
use crate::error::{AppError, AppResult};
use crate::scope::CaseOwners;
use crate::state::AppState;
use crate::store::case_tx::Answering;
use crate::store::outbox::Email;
use crate::store::reports::{report_until, ClaimableLine, NewCaseRow, Reporter};
use crate::store::{column, Tx};
use crate::user::CurrentUser;

/// The longest description accepted, in characters (after trimming).
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// The most photos one report may carry.
pub const MAX_PHOTOS: usize = MAX_FILES_PER_POST;

/// Field errors, at most one per field (the first found), so a form can
/// show every field's problem at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        if self.0.iter().all(|e| e.field != field) {
            self.0.push(FieldError {
                field: field.to_owned(),
                code: code.to_owned(),
                message: message.into(),
            });
        }
    }

    fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    fn into_result(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

/// The checks that need no database: the reason fits the kind, the
/// description's length, some lines, the number of photos. Returns the
/// trimmed description.
pub fn check_input(input: &NewCase, errors: &mut FieldErrors) -> String {
    if !input.reason.fits(input.kind) {
        let fitting: Vec<&str> = input.kind.reasons().iter().map(|r| r.as_str()).collect();
        errors.add(
            "reason",
            "not_allowed_for_kind",
            format!(
                "a {} case gives one of these reasons: {}",
                input.kind,
                fitting.join(", ")
            ),
        );
    }
    let description = super::text::required(
        "description",
        &input.description,
        MAX_DESCRIPTION_CHARS,
        "say what happened",
    )
    .unwrap_or_else(|e| {
        errors.0.push(e);
        String::new()
    });
    if input.lines.is_empty() {
        errors.add(
            "lines",
            "required",
            "name at least one line of the order, with how many",
        );
    }
    if input.attachment_ids.len() > MAX_PHOTOS {
        errors.add(
            "attachment_ids",
            "too_many",
            format!("at most {MAX_PHOTOS} files"),
        );
    }
    let mut seen = HashSet::new();
    if let Some(twice) = input.attachment_ids.iter().find(|id| !seen.insert(**id)) {
        errors.add(
            "attachment_ids",
            "duplicate",
            format!("file {twice} is named twice"),
        );
    }
    description
}

/// Checks the claimed lines against the order's: each a line of the order,
/// named once, from 1 to what is left to claim of it. Returns the claimed
/// value (Σ quantity × unit price).
fn check_lines(input: &NewCase, order_lines: &[ClaimableLine], errors: &mut FieldErrors) -> i64 {
    let mut seen = HashSet::new();
    let mut value = 0i64;
    for line in &input.lines {
        let Some(order_line) = order_lines.iter().find(|l| l.id == line.line_id) else {
            errors.add(
                "lines",
                "unknown_line",
                format!("line {} is not a line of this order", line.line_id),
            );
            continue;
        };
        if !seen.insert(line.line_id) {
            errors.add(
                "lines",
                "duplicate",
                format!("line {} is named twice", line.line_id),
            );
            continue;
        }
        let left = order_line.claimable_quantity;
        if !(1..=left).contains(&line.quantity) {
            let message = if left == 0 {
                format!("line {}: every item of it is claimed already", line.line_id)
            } else {
                format!(
                    "line {}: a quantity from 1 to the {left} still to claim",
                    line.line_id
                )
            };
            errors.add("lines", "out_of_range", message);
            continue;
        }
        // Bounded by the checks: at most the ordered quantity at the
        // order's own price.
        value = value.saturating_add(line.quantity.saturating_mul(order_line.unit_price_minor));
    }
    value
}

/// What a report created.
pub struct Created {
    pub id: CaseId,
    pub status: Status,
    pub owners: CaseOwners,
}

/// The outcome of the transaction: the case, or another request with the
/// same key got there first.
pub enum Attempt {
    Created(Created),
    Raced,
}

/// The transaction of a report: takes the key (a concurrent retry waits
/// for the write lock, then finds it taken), checks what needs the
/// database, and writes the case with everything that goes with it, or
/// nothing. Once committed, the new case is announced.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    answer: Answering<'_>,
    input: &NewCase,
    description: &str,
    mut errors: FieldErrors,
) -> AppResult<Attempt> {
    let now = state.now();
    let mut tx = Tx::begin(&state.writer).await?;
    if !tx.take_key(answer, 201, now).await? {
        return Ok(Attempt::Raced);
    }
    // Support registers a case for the customer (the back-office
    // reclamation flow); it decides, so the reporting window does not bind it.
    let on_behalf = user.role() == Role::Support;
    let reporter = if on_behalf {
        Reporter::Support {
            marketplace_id: user.marketplace_id,
        }
    } else {
        Reporter::Customer(user.id)
    };
    let order = tx.reported_order(input.order_id, reporter).await?;
    let customer_id = order.customer_id;
    if let Some(until) = report_until(order.delivered_at, order.reporting_window_days) {
        if now > until && !on_behalf {
            errors.add(
                "order_id",
                "outside_window",
                format!(
                    "problems are reported within {} days of delivery; this order's time ended on {}",
                    order.reporting_window_days,
                    until.format("%Y-%m-%d")
                ),
            );
        }
    }
    let order_lines = tx.claimable_lines(customer_id, input.order_id).await?;
    let claimed_value = check_lines(input, &order_lines, &mut errors);
    if !errors.has("attachment_ids") {
        for &attachment in &input.attachment_ids {
            // The reporter's own uploads, not attached to anything yet.
            if !tx.is_free_upload(attachment, user.id).await? {
                errors.add(
                    "attachment_ids",
                    "invalid",
                    format!("file {attachment} is not an upload of yours that is still free"),
                );
                break;
            }
        }
    }
    // Dropping the transaction rolls the key back with everything else.
    errors.into_result()?;

    let handler = Handler::for_reason(input.reason, &order.merchant_reasons()?);
    // A reason the marketplace keeps goes straight to the platform.
    let status = match handler {
        Handler::Merchant => Status::Submitted,
        Handler::Platform => Status::PlatformReview,
    };
    let case_id = tx
        .insert_case(
            NewCaseRow {
                order: &order,
                customer_id,
                input,
                status,
                handler,
                description,
                claimed_value_minor: claimed_value,
                created_by: on_behalf.then_some(user.id),
            },
            now,
        )
        .await?;
    let id = case_id.0;
    let created = json!({
        "kind": input.kind, "reason": input.reason, "free_exchange": input.free_exchange,
        "on_behalf": on_behalf,
    });
    tx.insert_events(
        id,
        Some(user.id),
        now,
        vec![(EventKind::CaseCreated, created)],
    )
    .await?;
    if status != Status::Submitted {
        // Routed by the marketplace's policy: the system moved it, as the
        // seed records its platform cases.
        let routed = json!({ "from": Status::Submitted, "to": status });
        tx.insert_events(id, None, now, vec![(EventKind::StatusChanged, routed)])
            .await?;
    }
    // The response clock, stored as every status change stores it; and
    // the order's payout, blocked while a case on it is open.
    crate::sla::clock::refresh(&mut tx, id, now, false).await?;
    tx.update_payout(input.order_id).await?;

    // Who is told (§8): the merchant of the new case, the customer that it
    // arrived.
    let titles: HashMap<i64, &str> = order_lines
        .iter()
        .map(|l| (l.id, l.title.as_str()))
        .collect();
    let about = emails::NewCaseMail {
        case: case_id.to_string(),
        kind: input.kind,
        reason: input.reason,
        order: &order.number,
        legacy: order.legacy_number.as_deref(),
        customer: &order.customer_name,
        merchant: &order.merchant_name,
        claimed: emails::Amount::new(claimed_value, &order.currency),
        lines: input
            .lines
            .iter()
            .map(|l| emails::MailLine {
                quantity: l.quantity,
                title: titles.get(&l.line_id).copied().unwrap_or_default(),
            })
            .collect(),
        free_exchange: input.free_exchange,
        description,
        platform: handler == Handler::Platform,
    };
    for (address, locale, mail, cause) in [
        (
            &order.merchant_email,
            &order.merchant_locale,
            emails::new_case(&about),
            format!("case-created:{id}"),
        ),
        (
            &order.customer_email,
            &order.customer_locale,
            emails::case_received(&about, on_behalf),
            format!("case-received:{id}"),
        ),
    ] {
        let link = emails::case_link(state.config.public_url(), CaseId(id));
        let rendered = mail.render(column(locale, "locale")?, &link)?;
        let email = Email {
            case_id: id,
            address,
            template: mail.template,
            subject: &rendered.subject,
            body: &rendered.text,
            html: &rendered.html,
            cause: &cause,
        };
        tx.queue_email(email, now).await?;
    }
    // The key's answer is the case (`idempotency::stored`).
    tx.answer_with_case(answer, case_id).await?;
    tx.commit().await?;
    let owners = CaseOwners {
        merchant_id: order.merchant_id,
        customer_id,
        marketplace_id: order.marketplace_id,
    };
    // As every committed change: see `case_write::announce`.
    let change = CaseChanged {
        id: case_id,
        version: 1,
        status,
    };
    announce(
        &state.pages,
        &state.live,
        owners,
        change.clone(),
        Some(change),
    );
    Ok(Attempt::Created(Created {
        id: case_id,
        status,
        owners,
    }))
}
