//! `GET /api/v1/metrics`: where a merchant stands; `GET /api/v1/metrics/merchants`:
//! support's ranking of its marketplace's merchants (`domain/metrics.rs`).

use axum::extract::State;
use axum::Json;
use claimdesk_shared::metrics::{MerchantMetrics, MerchantRanking};
use claimdesk_shared::wire::Problem;
use claimdesk_shared::Role;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::domain::metrics;
use crate::error::{AppError, AppResult};
use crate::http::extract::ApiQuery;
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::merchants;

/// The period, and for support which merchant.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// The last N days (1–365; the dashboards offer 30, 90 and 365); 30 by default.
    pub days: Option<i64>,
    /// Support only: the merchant of its marketplace to show.
    pub merchant: Option<i64>,
}

/// Query of the ranking: the period only.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The last N days (1–365); 30 by default.
    pub days: Option<i64>,
}

/// A merchant's dashboard: the signed-in agent's merchant, or for support
/// `merchant` (one of its marketplace's; another's is not found).
#[utoipa::path(get, path = "/api/v1/metrics", tag = "metrics", params(MetricsQuery),
    responses((status = 200, body = MerchantMetrics), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn metrics_get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<MetricsQuery>,
) -> AppResult<Json<MerchantMetrics>> {
    let days = query.days.unwrap_or(30);
    let merchant_id = match (user.role(), user.merchant_id, query.merchant) {
        (Role::Merchant, Some(own), None) => own,
        (Role::Merchant, _, Some(_)) => {
            return Err(AppError::field(
                "merchant",
                "not_allowed",
                "a merchant sees its own figures",
            ))
        }
        (Role::Support, _, Some(merchant)) => merchant,
        (Role::Support, _, None) => {
            return Err(AppError::field("merchant", "required", "choose a merchant"))
        }
        _ => return Err(AppError::NotFound),
    };
    let merchant = merchants::list(&state.db, Scope::of(&user))
        .await?
        .into_iter()
        .find(|m| m.id == merchant_id)
        .ok_or(AppError::NotFound)?;
    Ok(Json(
        metrics::merchant(&state, merchant, user.marketplace_id, days).await?,
    ))
}

/// Every merchant of support's marketplace with its figures and risks,
/// the most at risk first.
#[utoipa::path(get, path = "/api/v1/metrics/merchants", tag = "metrics", params(RankingQuery),
    responses((status = 200, body = MerchantRanking), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn metrics_merchants(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<RankingQuery>,
) -> AppResult<Json<MerchantRanking>> {
    if user.role() != Role::Support {
        return Err(AppError::NotFound);
    }
    let days = query.days.unwrap_or(30);
    Ok(Json(
        metrics::ranking(&state, user.marketplace_id, days).await?,
    ))
}
