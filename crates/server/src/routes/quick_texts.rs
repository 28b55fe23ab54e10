//! Quick texts: each merchant's saved answers (and the support team's own).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use claimdesk_shared::quick_text::unknown_placeholders;
use claimdesk_shared::wire::{FieldError, Problem, QuickText, QuickTextInput};
use claimdesk_shared::Role;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::http::extract::ApiJson;
use crate::state::AppState;
use crate::store::quick_texts::{self, Owner, QuickTextFields};

const MAX_TITLE_CHARS: usize = 100;
const MAX_BODY_CHARS: usize = 5_000;

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
    let mut error = |field: &str, code: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            code: code.into(),
            message,
        });
    };
    if title.is_empty() {
        error("title", "required", "give the quick text a title".into());
    } else if title.chars().count() > MAX_TITLE_CHARS {
        error(
            "title",
            "too_long",
            format!("at most {MAX_TITLE_CHARS} characters"),
        );
    }
    if body.is_empty() {
        error("body", "required", "write the text".into());
    } else if body.chars().count() > MAX_BODY_CHARS {
        error(
            "body",
            "too_long",
            format!("at most {MAX_BODY_CHARS} characters"),
        );
    } else if let Some(unknown) = unknown_placeholders(body).first() {
        error(
            "body",
            "unknown_placeholder",
            format!("{{{unknown}}} is not a placeholder"),
        );
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
    let id = quick_texts::insert(&state.writer, owner, text, state.now()).await?;
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
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<QuickTextInput>,
) -> AppResult<Json<QuickText>> {
    let owner = owner(&user)?;
    let text = validate(&input)?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "required", "send the version you edited"))?;
    if !quick_texts::update(&state.writer, owner, id, version, text, state.now()).await? {
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
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let owner = owner(&user)?;
    if !quick_texts::delete(&state.writer, owner, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}
