//! The desk's tools on a case that decide nothing: the hold (who is on
//! the case) and the toggles (free return), each one `CaseWrite` with its
//! event.

use claimdesk_shared::wire::CaseToggles;
use claimdesk_shared::{CaseId, EventKind};
use serde_json::json;

use super::case_write::CaseWrite;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::user::CurrentUser;

/// `user` takes case `id`, so colleagues see who is on it; taking it from a
/// colleague needs `take_over`.
pub async fn take_hold(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    version: i64,
    take_over: bool,
) -> AppResult<()> {
    let mut write = CaseWrite::begin(state, user, id, version).await?;
    if write.case.status.is_closed() {
        return Err(AppError::conflict(
            "transition-refused",
            "a closed case cannot be held",
        ));
    }
    let kind = match write.case.held_by {
        Some(holder) if holder == user.id => {
            return Err(AppError::conflict(
                "already-held",
                "you already hold this case",
            ))
        }
        Some(_) if !take_over => {
            return Err(AppError::conflict(
                "held-by-other",
                "a colleague holds this case; take it over explicitly",
            ))
        }
        Some(_) => EventKind::TakenOver,
        None => EventKind::Held,
    };
    let case_id = write.case.id.0;
    write.tx().set_holder(case_id, Some(user.id)).await?;
    write.event(kind, json!({ "from": serde_json::Value::Null }));
    write.commit().await
}

/// `user` lets go of case `id`, which they hold.
pub async fn release_hold(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    version: i64,
) -> AppResult<()> {
    let mut write = CaseWrite::begin(state, user, id, version).await?;
    if write.case.held_by != Some(user.id) {
        return Err(AppError::conflict(
            "not-held-by-you",
            "only the agent holding a case can release it",
        ));
    }
    let case_id = write.case.id.0;
    write.tx().set_holder(case_id, None).await?;
    write.event(EventKind::Released, json!({}));
    write.commit().await
}

/// Sets case `id`'s toggles (free return); a toggle that already has its
/// value changes nothing, not even the version.
pub async fn set_toggles(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    toggles: &CaseToggles,
) -> AppResult<()> {
    let mut write = CaseWrite::begin(state, user, id, toggles.version).await?;
    if write.case.status.is_closed() {
        return Err(AppError::conflict(
            "transition-refused",
            "a closed case cannot be changed",
        ));
    }
    if write.case.free_return == toggles.free_return {
        // Nothing changes: no new version without an event. Dropping the
        // write rolls its claim back.
        return Ok(());
    }
    let case_id = write.case.id.0;
    write
        .tx()
        .set_free_return(case_id, toggles.free_return)
        .await?;
    let kind = if toggles.free_return {
        EventKind::FreeReturnOn
    } else {
        EventKind::FreeReturnOff
    };
    write.event(kind, json!({}));
    write.commit().await
}
