//! `GET /api/v1/merchants`: whom a desk user may filter cases by.

use axum::extract::State;
use axum::Json;
use claimdesk_shared::wire::{MerchantRef, Problem};
use claimdesk_shared::Role;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::merchants;

/// The merchants the caller may see cases of, by name: every merchant of
/// support's marketplace, a merchant agent's own. Customers have no such
/// list (it would name every shop of the marketplace).
#[utoipa::path(get, path = "/api/v1/merchants", tag = "cases",
    responses((status = 200, body = Vec<MerchantRef>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn merchants_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<MerchantRef>>> {
    if user.role() == Role::Customer {
        return Err(AppError::NotFound);
    }
    Ok(Json(merchants::list(&state.db, Scope::of(&user)).await?))
}
