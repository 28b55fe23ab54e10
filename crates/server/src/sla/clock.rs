//! A case's response clock as stored: the marketplace's calendar and rules,
//! the case's status history, and what a breach would do. Shared by the API
//! (which shows the deadline) and the sweep (which acts on it), so both
//! always agree.

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{ClockPause, DeadlineView, OnBreach, ResponseKind, SkippedDay};
use claimdesk_shared::Status;

use super::calendar::{Calendar, Country, DayOff};
use super::deadline::{deadline, Deadline, Response};
use crate::error::{ApiResult, AppError};
use crate::routes::cases::column;
use crate::state::AppState;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// The columns a clock needs, for queries that select cases (alias `c`).
pub const CLOCK_COLUMNS: &str = "SELECT c.id, c.version, c.created_at, m.country, m.time_zone,
        m.high_value_threshold_minor, m.auto_refund_cap_minor, o.total_minor,
        c.claimed_value_minor - c.refunded_minor AS open_claim_minor, o.currency
     FROM cases c JOIN marketplaces m ON m.id = c.marketplace_id JOIN orders o ON o.id = c.order_id";

/// One case's clock inputs.
#[derive(Debug, sqlx::FromRow)]
pub struct ClockRow {
    pub id: i64,
    pub version: i64,
    created_at: DateTime<Utc>,
    country: String,
    time_zone: String,
    high_value_threshold_minor: i64,
    auto_refund_cap_minor: i64,
    total_minor: i64,
    open_claim_minor: i64,
    currency: String,
}

/// A case's clock at some moment.
#[derive(Debug)]
pub struct CaseClock {
    pub deadline: Option<Deadline>,
    pub on_breach: OnBreach,
    row: ClockRow,
}

impl ClockRow {
    /// Case `id`'s clock inputs (no scope: callers have checked it).
    pub async fn load(conn: &mut SqliteConnection, id: i64) -> ApiResult<ClockRow> {
        Ok(sqlx::query_as(&format!("{CLOCK_COLUMNS} WHERE c.id = ?"))
            .bind(id)
            .fetch_one(conn)
            .await?)
    }

    /// Computes the clock at `now` from the case's status history.
    pub async fn clock(self, state: &AppState, now: DateTime<Utc>) -> ApiResult<CaseClock> {
        let mut conn = state.db.acquire().await?;
        self.clock_on(&mut conn, now).await
    }

    /// Like `clock`, on a given connection (a write's transaction sees its
    /// own status changes).
    pub async fn clock_on(
        self,
        conn: &mut SqliteConnection,
        now: DateTime<Utc>,
    ) -> ApiResult<CaseClock> {
        let history = status_history(conn, self.id, self.created_at).await?;
        self.clock_with(history, now)
    }

    /// The clock at `now` given the case's status history (oldest first,
    /// starting at submission: `status_history`).
    fn clock_with(
        self,
        history: Vec<(DateTime<Utc>, Status)>,
        now: DateTime<Utc>,
    ) -> ApiResult<CaseClock> {
        let country: Country = self
            .country
            .parse()
            .map_err(|e: String| AppError::Internal(anyhow::anyhow!(e)))?;
        let time_zone: chrono_tz::Tz = self
            .time_zone
            .parse()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        let calendar = Calendar::new(country, time_zone);
        let high_value = self.total_minor > self.high_value_threshold_minor;
        let on_breach = OnBreach::for_open_claim(self.open_claim_minor, self.auto_refund_cap_minor);
        Ok(CaseClock {
            deadline: deadline(&calendar, &history, high_value, now),
            on_breach,
            row: self,
        })
    }
}

impl CaseClock {
    /// Whether the clock ran out at or before `now`.
    pub fn breached(&self, now: DateTime<Utc>) -> bool {
        self.deadline
            .as_ref()
            .and_then(|d| d.due_at)
            .is_some_and(|due| due <= now)
    }

    pub fn id(&self) -> i64 {
        self.row.id
    }

    pub fn version(&self) -> i64 {
        self.row.version
    }

    pub fn currency(&self) -> &str {
        &self.row.currency
    }

    /// The deadline as the API sends it.
    pub fn view(&self) -> Option<DeadlineView> {
        let d = self.deadline.as_ref()?;
        Some(DeadlineView {
            response: match d.response {
                Response::First => ResponseKind::First,
                Response::FollowUp => ResponseKind::FollowUp,
            },
            started_at: d.started_at,
            due_at: d.due_at,
            budget_minutes: d.budget.num_minutes(),
            remaining_minutes: d.remaining.num_minutes(),
            extended: d.extended,
            high_value_threshold_minor: self.row.high_value_threshold_minor,
            currency: self.row.currency.clone(),
            time_zone: self.row.time_zone.clone(),
            skipped_days: d
                .skipped
                .iter()
                .map(|(date, off)| SkippedDay {
                    date: *date,
                    holiday: match off {
                        DayOff::Holiday(name) => Some((*name).to_owned()),
                        DayOff::Weekend => None,
                    },
                })
                .collect(),
            pauses: d
                .pauses
                .iter()
                .map(|p| ClockPause {
                    from: p.from,
                    to: p.to,
                    status: p.status,
                })
                .collect(),
            on_breach: self.on_breach,
        })
    }
}

/// The statuses a case went through, oldest first, starting at submission.
async fn status_history(
    conn: &mut SqliteConnection,
    id: i64,
    created_at: DateTime<Utc>,
) -> ApiResult<Vec<(DateTime<Utc>, Status)>> {
    let changes: Vec<(DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT created_at, json_extract(data, '$.to') FROM events
         WHERE case_id = ? AND kind = 'status_changed' ORDER BY id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    history(created_at, changes)
}

/// A status history from the case's submission and its status changes
/// (`status_changed` events: when, and to which status), oldest first.
fn history(
    created_at: DateTime<Utc>,
    changes: impl IntoIterator<Item = (DateTime<Utc>, String)>,
) -> ApiResult<Vec<(DateTime<Utc>, Status)>> {
    let mut history = vec![(created_at, Status::Submitted)];
    for (at, to) in changes {
        history.push((at, column(&to, "status")?));
    }
    Ok(history)
}

/// Case `id`'s deadline with its explanation, as the desk sees it now
/// (`None` when nothing is due). The caller has checked the case is visible.
pub async fn deadline_view(state: &AppState, id: i64) -> ApiResult<Option<DeadlineView>> {
    let mut conn = state.db.acquire().await?;
    let row = ClockRow::load(&mut conn, id).await?;
    Ok(row.clock_on(&mut conn, state.now()).await?.view())
}

/// The response kind as stored in `cases.clock_response`.
fn response_name(response: Response) -> &'static str {
    match response {
        Response::First => "first",
        Response::FollowUp => "follow_up",
    }
}

/// What `cases` remembers of a clock: which response it waits for, since
/// when, and when it runs out.
#[derive(Debug, Default, PartialEq, sqlx::FromRow)]
pub struct StoredClock {
    pub clock_response: Option<String>,
    pub clock_started_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
}

/// One row of `refresh`'s query: the clock's inputs and the clock as
/// stored (the same on every row) and one status change, oldest first
/// (none when the case never changed status).
#[derive(sqlx::FromRow)]
struct Refreshing {
    #[sqlx(flatten)]
    row: ClockRow,
    #[sqlx(flatten)]
    before: StoredClock,
    changed_at: Option<DateTime<Utc>>,
    changed_to: Option<String>,
}

/// Recomputes case `id`'s clock on `conn` and stores it on the case. When
/// the response the clock was waiting for is settled by this (the merchant
/// answered, the case closed, or `breached`), records whether it was met.
/// Called in the transaction of every status change, so the stored clock
/// never disagrees with the history.
pub async fn refresh(
    conn: &mut SqliteConnection,
    id: i64,
    now: DateTime<Utc>,
    breached: bool,
) -> ApiResult<()> {
    // The clock's inputs, the clock as stored and the status history in
    // one query (one round trip to the connection's thread, in the
    // writer's serial section): a row per status change.
    let query = format!(
        "{} LEFT JOIN events e ON e.case_id = c.id AND e.kind = 'status_changed'
         WHERE c.id = ? ORDER BY e.id",
        CLOCK_COLUMNS.replacen(
            " FROM",
            ", c.clock_response, c.clock_started_at, c.due_at,
               e.created_at AS changed_at, json_extract(e.data, '$.to') AS changed_to FROM",
            1
        )
    );
    let rows: Vec<Refreshing> = sqlx::query_as(&query)
        .bind(id)
        .fetch_all(&mut *conn)
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
    let history = history(row.created_at, changes)?;
    let clock = row.clock_with(history, now)?;
    let after = match &clock.deadline {
        None => StoredClock::default(),
        Some(d) => StoredClock {
            clock_response: Some(response_name(d.response).to_owned()),
            clock_started_at: Some(d.started_at),
            due_at: d.due_at,
        },
    };
    if after == before {
        return Ok(());
    }
    // The clock as it is now, and the settled response, in one round trip
    // to the connection's thread (the arguments bind in order).
    let mut store = QueryBuilder::<Sqlite>::new("");
    if let (Some(response), Some(started_at), Some(due_at)) = (
        before.clock_response,
        before.clock_started_at,
        before.due_at,
    ) {
        if breached || after.clock_started_at != Some(started_at) {
            // The response it waited for is settled (a breach settles it
            // even when the case only pauses, in the platform's review). `ON CONFLICT`: a
            // response is recorded once, however often it is refreshed.
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
    store.build().execute(&mut *conn).await?;
    Ok(())
}

/// Fills in the stored clock of open cases that have none yet (a database
/// from before the clock was stored, or freshly seeded).
pub async fn refresh_unset(state: &AppState, now: DateTime<Utc>) -> ApiResult<usize> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM cases WHERE status IN ('submitted', 'awaiting_merchant')
            AND clock_started_at IS NULL ORDER BY id",
    )
    .fetch_all(&state.db)
    .await?;
    let mut tx = state.writer.begin_with("BEGIN IMMEDIATE").await?;
    for &id in &ids {
        refresh(&mut tx, id, now, false).await?;
    }
    tx.commit().await?;
    if !ids.is_empty() {
        // Written outside `CaseWrite`: no page of any inbox holds.
        state.pages.clear();
    }
    Ok(ids.len())
}
