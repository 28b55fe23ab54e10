//! Users: who they are, as `GET /me` tells them, and how they sign in.

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{MarketplaceRef, Me, MerchantRef};
use claimdesk_shared::{Locale, Role};
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
         WHERE u.id = $1",
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
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale.as_str())
        .bind(user_id)
        .execute(writer)
        .await?;
    Ok(())
}

/// The id and password hash of the account with `email`, if there is one.
pub async fn credentials(db: &Db, email: &str) -> AppResult<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(db)
            .await?,
    )
}

/// The user a portal's token names (by email), as `(id, role, merchant,
/// marketplace)`, if claimdesk knows them.
pub async fn by_email(db: &Db, email: &str) -> AppResult<Option<(i64, String, Option<i64>, i64)>> {
    Ok(
        sqlx::query_as("SELECT id, role, merchant_id, marketplace_id FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(db)
            .await?,
    )
}

/// The id of the marketplace named `name`.
pub async fn marketplace_named(db: &Db, name: &str) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM marketplaces WHERE name = $1")
            .bind(name)
            .fetch_optional(db)
            .await?,
    )
}

/// Whether merchant `merchant` belongs to `marketplace`.
pub async fn merchant_of(db: &Db, merchant: i64, marketplace: i64) -> AppResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM merchants WHERE id = $1 AND marketplace_id = $2")
            .bind(merchant)
            .bind(marketplace)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

/// A user first named by a portal's token: no password (they sign in only
/// through the portal); returns its id.
pub async fn create_portal_user(writer: &Db, user: NewPortalUser<'_>) -> AppResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO users (marketplace_id, merchant_id, role, email, name, locale, password_hash, customer_kind)
         VALUES ($1, $2, $3, $4, $5, $6, '!portal', $7)",
    )
    .bind(user.marketplace_id)
    .bind(user.merchant_id)
    .bind(user.role.as_str())
    .bind(user.email)
    .bind(user.name)
    .bind(user.locale.as_str())
    .bind((user.role == Role::Customer).then_some("consumer"))
    .execute(writer)
    .await?
    .last_insert_rowid())
}

/// What `create_portal_user` writes.
#[derive(Debug)]
pub struct NewPortalUser<'a> {
    pub marketplace_id: i64,
    pub merchant_id: Option<i64>,
    pub role: Role,
    pub email: &'a str,
    pub name: &'a str,
    pub locale: Locale,
}

/// Records that token `jti` of `marketplace` was used, until `expires_at`;
/// `false` if it was used before (a replay).
pub async fn use_portal_token(
    writer: &Db,
    marketplace: i64,
    jti: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    // Tokens past their expiry cannot be replayed anyway: forget them.
    sqlx::query("DELETE FROM portal_tokens WHERE expires_at < $1")
        .bind(now)
        .execute(writer)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO portal_tokens (marketplace_id, jti, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (marketplace_id, jti) DO NOTHING",
    )
    .bind(marketplace)
    .bind(jti)
    .bind(expires_at)
    .execute(writer)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}
