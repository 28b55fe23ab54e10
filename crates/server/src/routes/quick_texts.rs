//! Quick texts: each merchant's saved answers (and the support team's own).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use claimdesk_shared::quick_text::unknown_placeholders;
use claimdesk_shared::wire::{FieldError, Problem, QuickText, QuickTextInput};
use claimdesk_shared::Role;
use sqlx::{QueryBuilder, Sqlite};

use crate::auth::CurrentUser;
use crate::error::{ApiJson, ApiResult, AppError};
use crate::routes::cases::column;
use crate::state::AppState;

const MAX_TITLE_CHARS: usize = 100;
const MAX_BODY_CHARS: usize = 5_000;

/// Whose quick texts a user works with: their merchant's, or (support) the
/// marketplace team's. Customers have none, and the routes do not exist for them.
#[derive(Clone, Copy, Debug)]
struct Owner {
    marketplace_id: i64,
    merchant_id: Option<i64>,
}

fn owner(user: &CurrentUser) -> ApiResult<Owner> {
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

impl Owner {
    fn push_filter(self, qb: &mut QueryBuilder<'_, Sqlite>) {
        qb.push("marketplace_id = ").push_bind(self.marketplace_id);
        match self.merchant_id {
            Some(merchant) => qb.push(" AND merchant_id = ").push_bind(merchant),
            None => qb.push(" AND merchant_id IS NULL"),
        };
    }
}

fn validate(input: &QuickTextInput) -> ApiResult<(String, String)> {
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
        Ok((title.to_owned(), body.to_owned()))
    } else {
        Err(AppError::Validation(errors))
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    locale: String,
    body: String,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn into_wire(self) -> ApiResult<QuickText> {
        Ok(QuickText {
            id: self.id,
            title: self.title,
            locale: column(&self.locale, "locale")?,
            body: self.body,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}

async fn load(state: &AppState, owner: Owner, id: i64) -> ApiResult<QuickText> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT id, title, locale, body, version, updated_at FROM quick_texts WHERE id = ",
    );
    qb.push_bind(id).push(" AND ");
    owner.push_filter(&mut qb);
    qb.build_query_as::<Row>()
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?
        .into_wire()
}

/// The caller's quick texts, by title.
#[utoipa::path(get, path = "/api/v1/quick-texts", tag = "quick texts",
    responses((status = 200, body = [QuickText]), (status = 404, body = Problem)))]
pub async fn quick_texts_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<QuickText>>> {
    let owner = owner(&user)?;
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT id, title, locale, body, version, updated_at FROM quick_texts WHERE ",
    );
    owner.push_filter(&mut qb);
    qb.push(" ORDER BY title COLLATE NOCASE, id");
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&state.db).await?;
    Ok(Json(
        rows.into_iter()
            .map(Row::into_wire)
            .collect::<ApiResult<_>>()?,
    ))
}

/// Saves a new quick text.
#[utoipa::path(post, path = "/api/v1/quick-texts", tag = "quick texts", request_body = QuickTextInput,
    responses((status = 201, body = QuickText), (status = 422, body = Problem)))]
pub async fn quick_texts_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<QuickTextInput>,
) -> ApiResult<(StatusCode, Json<QuickText>)> {
    let owner = owner(&user)?;
    let (title, body) = validate(&input)?;
    let now = state.now();
    let id = sqlx::query(
        "INSERT INTO quick_texts (marketplace_id, merchant_id, title, locale, body, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(owner.marketplace_id)
    .bind(owner.merchant_id)
    .bind(title)
    .bind(input.locale.as_str())
    .bind(body)
    .bind(now)
    .bind(now)
    .execute(&state.writer)
    .await?
    .last_insert_rowid();
    Ok((StatusCode::CREATED, Json(load(&state, owner, id).await?)))
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
) -> ApiResult<Json<QuickText>> {
    let owner = owner(&user)?;
    let (title, body) = validate(&input)?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "required", "send the version you edited"))?;
    let mut qb =
        QueryBuilder::<Sqlite>::new("UPDATE quick_texts SET version = version + 1, title = ");
    qb.push_bind(title)
        .push(", locale = ")
        .push_bind(input.locale.as_str());
    qb.push(", body = ")
        .push_bind(body)
        .push(", updated_at = ")
        .push_bind(state.now());
    qb.push(" WHERE id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(version)
        .push(" AND ");
    owner.push_filter(&mut qb);
    if qb.build().execute(&state.writer).await?.rows_affected() == 0 {
        // Either not ours (not found) or changed meanwhile (conflict).
        let current = load(&state, owner, id).await?;
        return Err(AppError::conflict(
            "stale-version",
            format!(
                "the quick text changed since you opened it (now version {}); reload it",
                current.version
            ),
        ));
    }
    Ok(Json(load(&state, owner, id).await?))
}

/// Deletes a quick text.
#[utoipa::path(delete, path = "/api/v1/quick-texts/{id}", tag = "quick texts",
    params(("id" = i64, Path, description = "Quick text id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn quick_texts_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let owner = owner(&user)?;
    let mut qb = QueryBuilder::<Sqlite>::new("DELETE FROM quick_texts WHERE id = ");
    qb.push_bind(id).push(" AND ");
    owner.push_filter(&mut qb);
    if qb.build().execute(&state.writer).await?.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}
