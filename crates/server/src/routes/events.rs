//! A case's audit trail, for the desk.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{EventView, Problem};

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::routes::cases::{column, parse_case_id};
use crate::routes::posts::ensure_visible;
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: String,
    actor_name: Option<String>,
    data: String,
    created_at: DateTime<Utc>,
}

/// Everything that happened to the case, oldest first. Customers get "not
/// found": the trail mentions internal notes and holds.
#[utoipa::path(get, path = "/api/v1/cases/{id}/events", tag = "events",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = [EventView]), (status = 404, body = Problem)))]
pub async fn events_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<EventView>>> {
    let id = parse_case_id(&id)?;
    ensure_visible(&state, &user, id, true).await?;
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT e.id, e.kind, u.name AS actor_name, e.data, e.created_at
         FROM events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = ? ORDER BY e.id",
    )
    .bind(id.0)
    .fetch_all(&state.db)
    .await?;
    let events = rows
        .into_iter()
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
        .collect::<ApiResult<_>>()?;
    Ok(Json(events))
}
