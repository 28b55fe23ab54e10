//! Users: who they are, as `GET /me` tells them, and how they sign in.

use claimdesk_shared::wire::{MarketplaceRef, Me, MerchantRef};
use claimdesk_shared::Locale;
use sqlx::SqlitePool;

use super::Db;
use crate::error::{AppError, AppResult};

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

/// User `user_id` with their marketplace and merchant.
pub async fn me(db: &Db, user_id: i64) -> AppResult<Me> {
    let row: MeRow = sqlx::query_as(
        "SELECT u.id, u.name, u.email, u.role, u.locale, m.id AS marketplace_id,
                m.name AS marketplace_name, m.currency, u.merchant_id, me.name AS merchant_name
         FROM users u
         JOIN marketplaces m ON m.id = u.marketplace_id
         LEFT JOIN merchants me ON me.id = u.merchant_id
         WHERE u.id = ?",
    )
    .bind(user_id)
    .fetch_optional(db)
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

/// Sets the language user `user_id` reads the app and emails in.
pub async fn set_locale(writer: &SqlitePool, user_id: i64, locale: Locale) -> AppResult<()> {
    sqlx::query("UPDATE users SET locale = ? WHERE id = ?")
        .bind(locale.as_str())
        .bind(user_id)
        .execute(writer)
        .await?;
    Ok(())
}

/// The id and password hash of the account with `email`, if there is one.
pub async fn credentials(db: &Db, email: &str) -> AppResult<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = ?")
            .bind(email)
            .fetch_optional(db)
            .await?,
    )
}
