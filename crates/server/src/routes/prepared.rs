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
use claimdesk_shared::EventKind;
use serde_json::json;

use crate::auth::CurrentUser;
use crate::case_write::{CaseWrite, CLEAR_PREPARED};
use crate::error::{ApiJson, ApiResult, AppError};
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::cases::{load_detail, parse_case_id};
use crate::routes::decisions::{decide, desk, validate, StoredDecision};
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
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
    let (checked, _) = validate(&mut write, &input).await?;
    let stored = StoredDecision::of(&checked);
    let text = serde_json::to_string(&stored).map_err(|e| AppError::Internal(e.into()))?;
    let (case_id, now) = (write.case.id.0, write.now);
    sqlx::query(
        "UPDATE cases SET prepared = 1, prepared_decision = ?, prepared_by = ?, prepared_at = ? WHERE id = ?",
    )
    .bind(text)
    .bind(user.id)
    .bind(now)
    .bind(case_id)
    .execute(write.conn())
    .await?;
    write
        .event(
            EventKind::DecisionPrepared,
            json!({ "kind": stored.kind, "amount_minor": stored.amount_minor, "note": stored.note, "lines": stored.lines }),
        );
    write.commit().await?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
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
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
    let case_id = write.case.id.0;
    let discarded = sqlx::query(&format!(
        "UPDATE cases SET {CLEAR_PREPARED} WHERE id = ? AND prepared_decision IS NOT NULL"
    ))
    .bind(case_id)
    .execute(write.conn())
    .await?
    .rows_affected();
    if discarded == 0 {
        return Err(AppError::conflict(
            "no-prepared-decision",
            "this case has no prepared decision to discard",
        ));
    }
    write.event(EventKind::PreparedDiscarded, json!({}));
    write.commit().await?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
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
) -> ApiResult<Response> {
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
        let mut results = Vec::with_capacity(input.cases.len());
        for case in &input.cases {
            results.push(match decide(&state, &user, case.id, case.version, None, None).await {
                Ok(status) => BulkOutcome {
                    id: case.id,
                    ok: true,
                    status: Some(status),
                    problem: None,
                },
                Err(error) => {
                    if let AppError::Internal(cause) = &error {
                        tracing::error!(error = ?cause, case = %case.id, "bulk send failed on a case");
                    }
                    BulkOutcome {
                        id: case.id,
                        ok: false,
                        status: None,
                        problem: Some(error.problem()),
                    }
                }
            });
        }
        Ok(BulkResult { results })
    })
    .await
}
