//! The steps that close the loop on a case: the customer marks it solved,
//! rates the support or disputes a rejection; support hands a platform case
//! back to the merchant.

use chrono::Duration;
use claimdesk_shared::wire::{Dispute, HandBack, NewRating};
use claimdesk_shared::{
    CaseAction, CaseId, EventKind, Outcome, PlatformReason, Role, Status, DISPUTE_DAYS,
    RATING_CHANGE_DAYS,
};
use serde_json::json;

use super::case_write::{CaseWrite, Recipient};
use super::{emails, text};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::case_tx::Answering;
use crate::store::posts::Post;
use crate::user::CurrentUser;

/// The longest rating comment, in characters.
pub const MAX_RATING_COMMENT_CHARS: usize = 1_000;
/// The longest dispute reason or hand-back note, in characters.
pub const MAX_REASON_CHARS: usize = 2_000;

/// The customer says the problem of case `id` is solved: it closes in
/// their favour, and the merchant is told.
pub async fn resolve(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    version: i64,
    answering: Answering<'_>,
) -> AppResult<()> {
    let mut write = CaseWrite::begin_answering(state, user, id, version, answering).await?;
    let to = write.next_status(CaseAction::CustomerResolves)?;
    let case_id = write.case.id.0;
    write
        .tx()
        .record_decision(case_id, Outcome::CustomerResolved, 0, None)
        .await?;
    write.event(
        EventKind::CustomerResolved,
        json!({ "outcome": Outcome::CustomerResolved }),
    );
    write.set_status(to).await?;
    let mail = emails::customer_resolved(id, &user.name);
    write
        .notify(Recipient::Merchant, mail, format!("resolved:{case_id}"))
        .await?;
    write.commit().await
}

/// The customer rates the support of closed case `id`, or changes the
/// rating within 7 days of giving it. The same rating again changes
/// nothing (a retry is harmless).
pub async fn rate(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    input: &NewRating,
) -> AppResult<()> {
    let comment = text::optional(
        "comment",
        input.comment.as_deref(),
        MAX_RATING_COMMENT_CHARS,
    )?;
    let mut write = CaseWrite::begin_current(state, user, id).await?;
    if !write.case.status.is_closed() {
        return Err(AppError::conflict(
            "transition-refused",
            "a case is rated once it is closed",
        ));
    }
    let case_id = write.case.id.0;
    let before = write.tx().rating(case_id).await?;
    if let Some(rated_at) = before.rated_at {
        if write.now > rated_at + Duration::days(RATING_CHANGE_DAYS) {
            return Err(AppError::field(
                "score",
                "too_late",
                format!("a rating can be changed for {RATING_CHANGE_DAYS} days after it is given"),
            ));
        }
        if before.score() == Some(input.score) && before.rating_comment == comment {
            // Nothing changes: no version, no event (the write rolls back).
            return Ok(());
        }
    }
    let now = write.now;
    write
        .tx()
        .record_rating(case_id, input.score, comment.as_deref(), now)
        .await?;
    write.event(
        EventKind::Rated,
        json!({ "score": input.score, "comment": comment, "changed": before.rated_at.is_some() }),
    );
    write.commit().await
}

/// The customer disputes the rejection of case `id` within 14 days: the
/// platform decides now. The reason goes into the conversation.
pub async fn dispute(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    input: &Dispute,
    answering: Answering<'_>,
) -> AppResult<()> {
    let reason = text::required(
        "reason",
        &input.reason,
        MAX_REASON_CHARS,
        "say why the rejection is wrong",
    )?;
    let mut write = CaseWrite::begin_answering(state, user, id, input.version, answering).await?;
    let to = write.next_status(CaseAction::Dispute)?;
    let case_id = write.case.id.0;
    let (rejected_at, disputed_before) = write.tx().rejection(case_id).await?;
    if disputed_before {
        return Err(AppError::conflict(
            "transition-refused",
            "this rejection was disputed before, and the platform decided",
        ));
    }
    if rejected_at.is_none_or(|at| write.now > at + Duration::days(DISPUTE_DAYS)) {
        return Err(AppError::field(
            "reason",
            "too_late",
            format!("a rejection can be disputed for {DISPUTE_DAYS} days"),
        ));
    }
    let now = write.now;
    write.tx().clear_outcome(case_id).await?;
    write
        .tx()
        .hand_to_platform(case_id, PlatformReason::Disputed)
        .await?;
    let message_id = write
        .tx()
        .insert_post(Post::Message, case_id, Some(user.id), &reason, &[], now)
        .await?;
    write.event(
        EventKind::Disputed,
        json!({ "reason": reason, "message_id": message_id }),
    );
    write.set_status(to).await?;
    let mail = emails::disputed_to_merchant(id, &user.name, &reason);
    write
        .notify(
            Recipient::Merchant,
            mail,
            format!("dispute:{case_id}:merchant"),
        )
        .await?;
    let mail = emails::disputed_to_customer(id);
    write
        .notify(
            Recipient::Customer,
            mail,
            format!("dispute:{case_id}:customer"),
        )
        .await?;
    write.commit().await
}

/// Support hands platform case `id` back to its merchant, with a note for
/// the merchant (kept as an internal note): the case is in the merchant's
/// Open inbox with a new response clock.
pub async fn hand_back(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    input: &HandBack,
    answering: Answering<'_>,
) -> AppResult<()> {
    if user.role() != Role::Support {
        return Err(AppError::NotFound);
    }
    let note = text::required(
        "note",
        &input.note,
        MAX_REASON_CHARS,
        "tell the merchant what to do",
    )?;
    let mut write = CaseWrite::begin_answering(state, user, id, input.version, answering).await?;
    let to = write.next_status(CaseAction::HandBack)?;
    debug_assert_eq!(to, Status::AwaitingMerchant);
    let case_id = write.case.id.0;
    let now = write.now;
    write.tx().hand_back(case_id).await?;
    let note_id = write
        .tx()
        .insert_post(Post::Note, case_id, Some(user.id), &note, &[], now)
        .await?;
    write.event(
        EventKind::HandedBack,
        json!({ "note": note, "note_id": note_id }),
    );
    write.set_status(to).await?;
    let mail = emails::handed_back(id, &user.name, &note);
    let version = input.version;
    write
        .notify(
            Recipient::Merchant,
            mail,
            format!("hand-back:{case_id}:{version}"),
        )
        .await?;
    write.commit().await
}
