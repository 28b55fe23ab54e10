//! The test clock: moves the server's time forward and runs the sweeps at
//! once, so end-to-end tests can watch a response clock run out. Mounted
//! only when the server runs with `--test-clock`; otherwise the path does
//! not exist.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;
use crate::sweeps::{run_all, SweepReport};

/// Body of `POST /api/v1/test/clock`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// Minutes to move forward, 1 to 43,200 (30 days).
    pub minutes: i64,
}

/// Moves the clock and reports what the sweeps did.
pub async fn advance(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<Advance>,
) -> AppResult<Json<SweepReport>> {
    if !(1..=43_200).contains(&input.minutes) {
        return Err(AppError::field(
            "minutes",
            "out_of_range",
            "minutes must be between 1 and 43200",
        ));
    }
    state.advance_clock(chrono::Duration::minutes(input.minutes));
    Ok(Json(run_all(&state, state.now()).await?))
}
