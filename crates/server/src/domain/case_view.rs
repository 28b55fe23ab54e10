//! A case as a user sees it: the stored detail with its response clock
//! computed now, and the visibility check of the case's sub-resources.

use claimdesk_shared::wire::CaseDetail;
use claimdesk_shared::{CaseId, Role};

use crate::error::{AppError, AppResult};
use crate::scope::Scope;
use crate::sla::clock;
use crate::state::AppState;
use crate::store::case_detail;
use crate::user::CurrentUser;

/// Everything about case `id`, if it is in `scope`; the desk also gets the
/// response clock as it stands now.
pub async fn detail(state: &AppState, scope: Scope, id: CaseId) -> AppResult<CaseDetail> {
    let stored = case_detail::load(&state.db, scope, id).await?;
    let mut detail = stored.detail;
    let now = state.now();
    if let Some((row, history)) = stored.clock {
        // The desk's: its response clock, and where the merchant stands
        // when that matters for the decision.
        detail.deadline = clock::compute(row, history, now)?.view();
        if let Some(alert) = super::metrics::satisfaction_alert(state, id, now).await? {
            detail.alerts.push(alert);
        }
        detail.alerts.extend(
            super::evidence::same_photo_alerts(&state.db, scope, id, stored.customer_id).await?,
        );
    }
    detail.disputable_until = detail.disputable_until.filter(|until| *until > now);
    Ok(detail)
}

/// Fails with "not found" unless the case is in the user's scope, and, for
/// what is the desk's alone (notes, events, the clock's explanation), the
/// user works at the desk: customers must not even learn that those exist.
pub async fn ensure_visible(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    desk_only: bool,
) -> AppResult<()> {
    if desk_only && user.role() == Role::Customer {
        return Err(AppError::NotFound);
    }
    if !case_detail::exists(&state.db, Scope::of(user), id).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}
