//! The signed-in user.

use axum::extract::State;
use axum::Json;
use claimdesk_shared::wire::{MarketplaceRef, Me, MerchantRef, Problem, UpdateMe};

use crate::auth::CurrentUser;
use crate::error::{ApiJson, ApiResult, AppError};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct MeRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    locale: String,
    marketplace_id: i64,
    marketplace_name: String,
    currency: String,
    merchant_id: Option<i64>,
    merchant_name: Option<String>,
}

/// Loads what `GET /me` returns for `user_id`.
pub async fn load_me(state: &AppState, user_id: i64) -> ApiResult<Me> {
    let row: MeRow = sqlx::query_as(
        "SELECT u.id, u.name, u.email, u.role, u.locale, m.id AS marketplace_id,
                m.name AS marketplace_name, m.currency, u.merchant_id, me.name AS merchant_name
         FROM users u
         JOIN marketplaces m ON m.id = u.marketplace_id
         LEFT JOIN merchants me ON me.id = u.merchant_id
         WHERE u.id = ?",
    )
    .bind(user_id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    let bad =
        |what: &str| AppError::Internal(anyhow::anyhow!("user {user_id} has an invalid {what}"));
    Ok(Me {
        id: row.id,
        name: row.name,
        email: row.email,
        role: row.role.parse().map_err(|_| bad("role"))?,
        locale: row.locale.parse().map_err(|_| bad("locale"))?,
        marketplace: MarketplaceRef {
            id: row.marketplace_id,
            name: row.marketplace_name,
            currency: row.currency,
        },
        merchant: row
            .merchant_id
            .zip(row.merchant_name)
            .map(|(id, name)| MerchantRef { id, name }),
    })
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me_get(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Me>> {
    Ok(Json(load_me(&state, user.id).await?))
}

/// Changes the signed-in user's preferences (the interface language).
#[utoipa::path(patch, path = "/api/v1/me", tag = "session", request_body = UpdateMe,
    responses((status = 200, body = Me), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn me_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<UpdateMe>,
) -> ApiResult<Json<Me>> {
    sqlx::query("UPDATE users SET locale = ? WHERE id = ?")
        .bind(input.locale.as_str())
        .bind(user.id)
        .execute(&state.writer)
        .await?;
    // The cached sessions carry the old locale.
    state.sessions.forget_user(user.id);
    Ok(Json(load_me(&state, user.id).await?))
}
