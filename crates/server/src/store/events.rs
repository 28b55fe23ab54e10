//! A case's events, the append-only record of everything that happened to
//! it (written by `case_tx.rs` in the transaction of each change).

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::EventView;
use claimdesk_shared::CaseId;

use super::{column, Db};
use crate::error::AppResult;

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: String,
    actor_name: Option<String>,
    data: String,
    created_at: DateTime<Utc>,
}

/// Every event of case `id`, oldest first.
pub async fn list(db: &Db, id: CaseId) -> AppResult<Vec<EventView>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT e.id, e.kind, u.name AS actor_name, e.data, e.created_at
         FROM events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.id",
    )
    .bind(id.0)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|row| {
            let data: serde_json::Value = serde_json::from_str(&row.data).unwrap_or_default();
            let text = |key: &str| data.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            Ok(EventView {
                id: row.id,
                kind: column(&row.kind, "event kind")?,
                actor_name: row.actor_name,
                from: text("from").map(|s| column(&s, "status")).transpose()?,
                to: text("to").map(|s| column(&s, "status")).transpose()?,
                outcome: text("outcome").map(|s| column(&s, "outcome")).transpose()?,
                amount_minor: data.get("amount_minor").and_then(|v| v.as_i64()),
                created_at: row.created_at,
            })
        })
        .collect()
}
