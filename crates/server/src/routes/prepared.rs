//! Prepared decisions (the "concept" of Returnless): a decision drafted on a
//! case and checked like a real one, but not sent; later sent alone or with
//! other prepared cases in one bulk send.

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use claimdesk_shared::wire::{
    BulkOutcome, BulkResult, BulkSend, CaseDetail, Decision, Problem, Versioned,
};

use crate::auth::CurrentUser;
use crate::domain::case_view;
use crate::domain::decisions::{self, desk};
use crate::error::{AppError, AppResult};
use crate::http::extract::{parse_case_id, ApiJson};
use crate::http::problem::problem;
use crate::idempotency::{self, IdempotencyKey};
use crate::scope::Scope;
use crate::state::AppState;

/// The most cases one bulk send takes.
pub const MAX_BULK_CASES: usize = 200;

/// Prepares a decision on the case: checked exactly as if it were sent now
/// (the case's status, what is claimed and refunded), then kept for later.
/// Nothing is sent or refunded; a decision prepared before is replaced.
#[utoipa::path(put, path = "/api/v1/cases/{id}/prepared", tag = "decisions", request_body = Decision,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn prepared_put(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Decision>,
) -> AppResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    decisions::prepare(&state, &user, id, &input).await?;
    Ok(Json(case_view::detail(&state, Scope::of(&user), id).await?))
}

/// Throws the case's prepared decision away.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/prepared", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn prepared_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> AppResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    decisions::discard_prepared(&state, &user, id, input.version).await?;
    Ok(Json(case_view::detail(&state, Scope::of(&user), id).await?))
}

/// Sends the prepared decisions of the given cases, each exactly as
/// `POST /cases/{id}/decision` would and in its own transaction, so a case
/// that is stale, has nothing prepared or refuses the decision does not
/// stop the others. Answers one outcome per case, in request order.
#[utoipa::path(post, path = "/api/v1/prepared/send", tag = "decisions", request_body = BulkSend,
    params(("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = BulkResult), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn prepared_send(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<BulkSend>,
) -> AppResult<Response> {
    desk(&user)?;
    if input.cases.is_empty() || input.cases.len() > MAX_BULK_CASES {
        return Err(AppError::field(
            "cases",
            "out_of_range",
            format!("send 1 to {MAX_BULK_CASES} cases at once"),
        ));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = input.cases.iter().find(|c| !seen.insert(c.id)) {
        return Err(AppError::field(
            "cases",
            "duplicate",
            format!("{} is listed twice", twice.id),
        ));
    }
    let hash = idempotency::fingerprint("POST prepared/send", &input);
    idempotency::once(&state, &user, &key, hash, async {
        let cases: Vec<_> = input.cases.iter().map(|c| (c.id, c.version)).collect();
        let results = decisions::send_prepared(&state, &user, &cases)
            .await
            .into_iter()
            .map(|(id, result)| match result {
                Ok(status) => BulkOutcome {
                    id,
                    ok: true,
                    status: Some(status),
                    problem: None,
                },
                Err(error) => BulkOutcome {
                    id,
                    ok: false,
                    status: None,
                    problem: Some(problem(&error)),
                },
            })
            .collect();
        Ok(BulkResult { results })
    })
    .await
}
