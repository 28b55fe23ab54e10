//! Quick texts: each merchant's saved answers (and the support team's own).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use claimdesk_shared::quick_text::unknown_placeholders;
use claimdesk_shared::wire::{FieldError, Problem, QuickText, QuickTextInput};
use claimdesk_shared::Role;

use crate::auth::CurrentUser;
use crate::domain::text;
use crate::error::{AppError, AppResult};
use crate::http::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::store::quick_texts::{self, Owner, QuickTextFields};

const MAX_TITLE_CHARS: usize = 100;
const MAX_BODY_CHARS: usize = 5_000;
/// The most quick texts one desk keeps: enough for every case type in every
/// language, few enough for the picker to list them all.
pub const MAX_PER_DESK: i64 = 500;

/// Whose quick texts a user works with: their merchant's, or (support) the
/// marketplace team's. Customers have none, and the routes do not exist for them.
fn owner(user: &CurrentUser) -> AppResult<Owner> {
    match user.role() {
        Role::Customer => Err(AppError::NotFound),
        Role::Merchant => Ok(Owner {
            marketplace_id: user.marketplace_id,
            merchant_id: user.merchant_id,
        }),
        Role::Support => Ok(Owner {
            marketplace_id: user.marketplace_id,
            merchant_id: None,
        }),
    }
}

fn validate(input: &QuickTextInput) -> AppResult<QuickTextFields> {
    let (title, body) = (input.title.trim(), input.body.trim());
    let mut errors = Vec::new();
    if let Err(e) = text::required(
        "title",
        title,
        MAX_TITLE_CHARS,
        "give the quick text a title",
    ) {
        errors.push(e);
    }
    if let Err(e) = text::required("body", body, MAX_BODY_CHARS, "write the text") {
        errors.push(e);
    } else if let Some(unknown) = unknown_placeholders(body).first() {
        errors.push(FieldError {
            field: "body".into(),
            code: "unknown_placeholder".into(),
            message: format!("{{{unknown}}} is not a placeholder"),
        });
    }
    if errors.is_empty() {
        Ok(QuickTextFields {
            title: title.to_owned(),
            locale: input.locale,
            body: body.to_owned(),
        })
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The caller's quick texts, by title.
#[utoipa::path(get, path = "/api/v1/quick-texts", tag = "quick texts",
    responses((status = 200, body = [QuickText]), (status = 404, body = Problem)))]
pub async fn quick_texts_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<QuickText>>> {
    let owner = owner(&user)?;
    Ok(Json(quick_texts::list(&state.db, owner).await?))
}

/// Saves a new quick text.
#[utoipa::path(post, path = "/api/v1/quick-texts", tag = "quick texts", request_body = QuickTextInput,
    responses((status = 201, body = QuickText), (status = 422, body = Problem)))]
pub async fn quick_texts_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<QuickTextInput>,
) -> AppResult<(StatusCode, Json<QuickText>)> {
    let owner = owner(&user)?;
    let text = validate(&input)?;
    let id = quick_texts::insert(state.writer.pool(), owner, text, state.now(), MAX_PER_DESK)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "quick_texts",
                "too_many",
                format!("a desk keeps at most {MAX_PER_DESK} quick texts; delete one first"),
            )
        })?;
    Ok((
        StatusCode::CREATED,
        Json(quick_texts::load(&state.db, owner, id).await?),
    ))
}

/// Changes a quick text; a stale `version` is a conflict.
#[utoipa::path(put, path = "/api/v1/quick-texts/{id}", tag = "quick texts", request_body = QuickTextInput,
    params(("id" = i64, Path, description = "Quick text id")),
    responses((status = 200, body = QuickText), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn quick_texts_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<QuickTextInput>,
) -> AppResult<Json<QuickText>> {
    let owner = owner(&user)?;
    let text = validate(&input)?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "required", "send the version you edited"))?;
    if !quick_texts::update(state.writer.pool(), owner, id, version, text, state.now()).await? {
        // Either not ours (not found) or changed meanwhile (conflict).
        let current = quick_texts::load(&state.db, owner, id).await?;
        return Err(AppError::conflict(
            "stale-version",
            format!(
                "the quick text changed since you opened it (now version {}); reload it",
                current.version
            ),
        ));
    }
    Ok(Json(quick_texts::load(&state.db, owner, id).await?))
}

/// Deletes a quick text.
#[utoipa::path(delete, path = "/api/v1/quick-texts/{id}", tag = "quick texts",
    params(("id" = i64, Path, description = "Quick text id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn quick_texts_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    let owner = owner(&user)?;
    if !quick_texts::delete(state.writer.pool(), owner, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}
