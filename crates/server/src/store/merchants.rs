//! The merchants a user may name: support's whole marketplace, a merchant
//! agent's own shop.

use claimdesk_shared::wire::MerchantRef;

use super::Db;
use crate::error::AppResult;
use crate::scope::Scope;

/// The merchants within `scope`, by name (customers have none to list:
/// the caller refuses them first).
pub async fn list(db: &Db, scope: Scope) -> AppResult<Vec<MerchantRef>> {
    let (filter, id) = match scope {
        Scope::Marketplace(id) => ("marketplace_id = $1", id),
        Scope::Merchant(id) => ("id = $1", id),
        Scope::Customer(_) => return Ok(Vec::new()),
    };
    let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT id, name FROM merchants WHERE {filter} ORDER BY name, id"
    ))
    .bind(id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| MerchantRef { id, name })
        .collect())
}
