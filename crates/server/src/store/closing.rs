//! The statements of the steps that close the loop on a case: the
//! customer's rating, a rejection disputed, a platform case handed back.

use chrono::{DateTime, Utc};
use claimdesk_shared::{CaseId, RatingScore};

use super::case_tx::seen_version_column;
use super::Tx;
use crate::error::{AppError, AppResult};
use crate::scope::Scope;

/// A rating as stored: 1 up, 0 down (migration 0001), with its comment and
/// time.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredRating {
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<DateTime<Utc>>,
}

impl StoredRating {
    pub fn score(&self) -> Option<RatingScore> {
        self.rating.map(|r| {
            if r == 1 {
                RatingScore::Up
            } else {
                RatingScore::Down
            }
        })
    }
}

impl Tx {
    /// The version of case `id` that a user of `scope` sees (the
    /// customer's own for a customer), read inside this write, whose lock
    /// keeps it current; "not found" outside the scope.
    pub async fn seen_version(&mut self, id: CaseId, scope: Scope) -> AppResult<i64> {
        let column = seen_version_column(Some(scope));
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!(
            "SELECT {column} FROM cases c WHERE c.id = "
        ));
        qb.push_bind(id.0).push(" AND ");
        scope.push_case_filter(&mut qb);
        qb.build_query_scalar()
            .fetch_optional(&mut *self.0)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The rating of case `case_id` as it stands.
    pub async fn rating(&mut self, case_id: i64) -> AppResult<StoredRating> {
        Ok(
            sqlx::query_as("SELECT rating, rating_comment, rated_at FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_one(&mut *self.0)
                .await?,
        )
    }

    /// Stores the customer's rating of case `case_id`, given at `at` (its
    /// first time is kept when it is changed: the change window runs from
    /// it).
    pub async fn record_rating(
        &mut self,
        case_id: i64,
        score: RatingScore,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> AppResult<()> {
        sqlx::query(
            "UPDATE cases SET rating = $1, rating_comment = $2, rated_at = COALESCE(rated_at, $3)
             WHERE id = $4",
        )
        .bind(i64::from(score == RatingScore::Up))
        .bind(comment)
        .bind(at)
        .bind(case_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    /// When case `case_id` closed (if it has), and whether it was disputed
    /// before (a rejection is disputed once).
    pub async fn rejection(&mut self, case_id: i64) -> AppResult<(Option<DateTime<Utc>>, bool)> {
        Ok(sqlx::query_as(
            "SELECT closed_at, EXISTS (SELECT 1 FROM events WHERE case_id = cases.id AND kind = 'disputed')
             FROM cases WHERE id = $1",
        )
        .bind(case_id)
        .fetch_one(&mut *self.0)
        .await?)
    }

    /// A disputed rejection reopens for the platform: no outcome yet.
    pub async fn clear_outcome(&mut self, case_id: i64) -> AppResult<()> {
        sqlx::query("UPDATE cases SET outcome = NULL WHERE id = $1")
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    /// Support gives case `case_id` back to its merchant.
    pub async fn hand_back(&mut self, case_id: i64) -> AppResult<()> {
        sqlx::query("UPDATE cases SET handler = 'merchant', platform_reason = NULL WHERE id = $1")
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
