//! What a case's response clock is computed from (the marketplace's
//! calendar and rules, the order, the status history) and the clock as
//! stored on the case (`due_at`, `clock_started_at`, `clock_response`),
//! with each settled response in `sla_responses`. The computing is the
//! domain's (`sla::clock`).

use chrono::{DateTime, Utc};
use claimdesk_shared::Status;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::{column, Db, Tx};
use crate::error::{AppError, AppResult};

/// The columns of a case that its clock depends on (the marketplace's
/// calendar and rules, the order's value, what a breach would refund).
pub(super) const CLOCK_COLUMNS: &str = "SELECT c.id, c.version, c.created_at, m.country, m.time_zone,
        m.high_value_threshold_minor, m.auto_refund_cap_minor, m.first_response_hours,
        m.follow_up_hours, m.high_value_extension_hours, o.total_minor,
        c.claimed_value_minor - c.refunded_minor AS open_claim_minor, o.currency
     FROM cases c JOIN marketplaces m ON m.id = c.marketplace_id JOIN orders o ON o.id = c.order_id";

/// A case's clock inputs, as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct ClockRow {
    pub id: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub country: String,
    pub time_zone: String,
    pub high_value_threshold_minor: i64,
    pub auto_refund_cap_minor: i64,
    /// The marketplace's response hours (its policy).
    pub first_response_hours: i64,
    pub follow_up_hours: i64,
    pub high_value_extension_hours: i64,
    pub total_minor: i64,
    pub open_claim_minor: i64,
    pub currency: String,
}

/// A case's statuses since it was created, oldest first: when each began.
pub type History = Vec<(DateTime<Utc>, Status)>;

/// Case `id`'s clock inputs and status history.
pub async fn load(db: &Db, id: i64) -> AppResult<(ClockRow, History)> {
    let mut conn = db.acquire().await?;
    let row: ClockRow = sqlx::query_as(&format!("{CLOCK_COLUMNS} WHERE c.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let history = history_on(&mut conn, row.id, row.created_at).await?;
    Ok((row, history))
}

/// The status history of case `id`, created at `created_at`.
pub async fn history(db: &Db, id: i64, created_at: DateTime<Utc>) -> AppResult<History> {
    history_on(&mut *db.acquire().await?, id, created_at).await
}

pub(super) async fn history_on(
    conn: &mut SqliteConnection,
    id: i64,
    created_at: DateTime<Utc>,
) -> AppResult<History> {
    let changes: Vec<(DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT created_at, json_extract(data, '$.to') FROM events
         WHERE case_id = $1 AND kind = 'status_changed' ORDER BY id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    decode_history(created_at, changes)
}

/// Every case starts as submitted; each status change is an event.
fn decode_history(
    created_at: DateTime<Utc>,
    changes: impl IntoIterator<Item = (DateTime<Utc>, String)>,
) -> AppResult<History> {
    let mut history = vec![(created_at, Status::Submitted)];
    for (at, to) in changes {
        history.push((at, column(&to, "status")?));
    }
    Ok(history)
}

/// The clock inputs of the merchant's open cases whose stored deadline has
/// passed at `now`, soonest first: the candidates of the breach sweep.
pub async fn due_by(db: &Db, now: DateTime<Utc>) -> AppResult<Vec<ClockRow>> {
    Ok(sqlx::query_as(&format!(
        "{CLOCK_COLUMNS} WHERE c.due_at <= $1 AND c.status IN ('submitted', 'awaiting_merchant')
         ORDER BY c.due_at, c.id"
    ))
    .bind(now)
    .fetch_all(db)
    .await?)
}

/// The merchant's cases whose clock is not stored yet (a database from
/// before the clock was stored).
pub async fn unset(db: &Db) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM cases WHERE status IN ('submitted', 'awaiting_merchant')
            AND clock_started_at IS NULL ORDER BY id",
    )
    .fetch_all(db)
    .await?)
}

/// The cases the merchant handles with no settled response recorded.
pub async fn without_responses(db: &Db) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT c.id FROM cases c WHERE c.handler = 'merchant'
            AND NOT EXISTS (SELECT 1 FROM sla_responses r WHERE r.case_id = c.id) ORDER BY c.id",
    )
    .fetch_all(db)
    .await?)
}

/// A clock as stored on its case: the response it waits for, since when,
/// and until when (all `None` while no clock runs).
#[derive(Debug, Default, PartialEq, sqlx::FromRow)]
pub struct StoredClock {
    pub clock_response: Option<String>,
    pub clock_started_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Refreshing {
    #[sqlx(flatten)]
    row: ClockRow,
    #[sqlx(flatten)]
    before: StoredClock,
    changed_at: Option<DateTime<Utc>>,
    changed_to: Option<String>,
}

impl Tx {
    /// Case `id`'s clock inputs, its clock as stored and its status
    /// history, in one query (one round trip to the connection's thread,
    /// in the writer's serial section): a row per status change.
    pub async fn clock_inputs(&mut self, id: i64) -> AppResult<(ClockRow, StoredClock, History)> {
        let query = format!(
            "{} LEFT JOIN events e ON e.case_id = c.id AND e.kind = 'status_changed'
             WHERE c.id = $1 ORDER BY e.id",
            CLOCK_COLUMNS.replacen(
                " FROM",
                ", c.clock_response, c.clock_started_at, c.due_at,
                   e.created_at AS changed_at, json_extract(e.data, '$.to') AS changed_to FROM",
                1
            )
        );
        let rows: Vec<Refreshing> = sqlx::query_as(&query)
            .bind(id)
            .fetch_all(&mut *self.0)
            .await?;
        let changes: Vec<(DateTime<Utc>, String)> = rows
            .iter()
            .filter_map(|r| Some((r.changed_at?, r.changed_to.clone()?)))
            .collect();
        let Some(Refreshing { row, before, .. }) = rows.into_iter().next() else {
            return Err(AppError::Internal(anyhow::anyhow!(
                "no case {id} to refresh"
            )));
        };
        let history = decode_history(row.created_at, changes)?;
        Ok((row, before, history))
    }

    /// Records a settled response of case `id` (once: `ON CONFLICT`).
    pub async fn record_response(
        &mut self,
        id: i64,
        response: &str,
        started_at: DateTime<Utc>,
        due_at: DateTime<Utc>,
        settled_at: DateTime<Utc>,
        met: bool,
    ) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO sla_responses (case_id, marketplace_id, merchant_id, response,
                started_at, due_at, settled_at, met)
             SELECT id, marketplace_id, merchant_id, $1, $2, $3, $4, $5 FROM cases WHERE id = $6
             ON CONFLICT (case_id, started_at) DO NOTHING",
        )
        .bind(response)
        .bind(started_at)
        .bind(due_at)
        .bind(settled_at)
        .bind(met)
        .bind(id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    /// Stores case `id`'s clock as `after` (it was `before`). When the
    /// response it waited for is settled (a new clock started, or
    /// `breached`: a breach settles it even when the case only pauses, in
    /// the platform's review) that response is recorded, met or missed,
    /// once however often this runs (`ON CONFLICT`).
    pub async fn store_clock(
        &mut self,
        id: i64,
        before: StoredClock,
        after: StoredClock,
        breached: bool,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        // The clock and the settled response in one round trip to the
        // connection's thread (the arguments bind in order).
        let mut store = QueryBuilder::<Sqlite>::new("");
        if let (Some(response), Some(started_at), Some(due_at)) = (
            before.clock_response,
            before.clock_started_at,
            before.due_at,
        ) {
            if breached || after.clock_started_at != Some(started_at) {
                store
                    .push(
                        "INSERT INTO sla_responses (case_id, marketplace_id, merchant_id, response,
                            started_at, due_at, settled_at, met)
                         SELECT id, marketplace_id, merchant_id, ",
                    )
                    .push_bind(response)
                    .push(", ")
                    .push_bind(started_at)
                    .push(", ")
                    .push_bind(due_at)
                    .push(", ")
                    .push_bind(now)
                    .push(", ")
                    .push_bind(!breached && now <= due_at)
                    .push(" FROM cases WHERE id = ")
                    .push_bind(id)
                    .push(" ON CONFLICT (case_id, started_at) DO NOTHING; ");
            }
        }
        store
            .push("UPDATE cases SET clock_response = ")
            .push_bind(after.clock_response)
            .push(", clock_started_at = ")
            .push_bind(after.clock_started_at)
            .push(", due_at = ")
            .push_bind(after.due_at)
            .push(" WHERE id = ")
            .push_bind(id);
        store.build().execute(&mut *self.0).await?;
        Ok(())
    }
}
