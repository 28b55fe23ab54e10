//! The one way a case changes: inside a transaction that first claims the
//! version the writer saw, then changes the case, writes its events and
//! queues its notifications, and commits all of it or nothing.
//!
//! The transaction runs on the writer connection (`AppState::writer`) and
//! begins `IMMEDIATE`, taking SQLite's write lock at once, so the
//! read-modify-write that follows cannot interleave with another. Claiming
//! the version with `UPDATE … WHERE version = ?` as the first statement
//! detects a stale writer (two agents on one case get a conflict, not a
//! silent overwrite) and answers with the case as the write needs it.
//!
//! Once committed, the inbox pages of every scope that sees the case are
//! dropped (`page_cache.rs`) and the change is published to the live
//! updates (`live.rs`): one event per write, with the case's new version
//! and status.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::CaseChanged;
use claimdesk_shared::{CaseAction, CaseId, EventKind, Handler, Role, Status, TransitionError};
use serde_json::json;
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::idempotency::{self, IdempotencyKey};
use crate::live::Live;
use crate::page_cache::PageCache;
use crate::routes::cases::column;
use crate::scope::{CaseOwners, Scope};
use crate::state::AppState;

/// The assignments (for `UPDATE cases SET …`) that discard a case's
/// prepared decision.
pub const CLEAR_PREPARED: &str =
    "prepared = 0, prepared_decision = NULL, prepared_by = NULL, prepared_at = NULL";
/// The assignments that withdraw a case's open proposal.
pub const CLEAR_PROPOSAL: &str = "proposal_note = NULL, proposal_amount_minor = NULL, proposal_lines = NULL, proposal_made_at = NULL";

/// A case as the write path needs it.
#[derive(Debug, sqlx::FromRow)]
struct CaseRow {
    id: i64,
    order_id: i64,
    merchant_id: i64,
    customer_id: i64,
    marketplace_id: i64,
    status: String,
    handler: String,
    held_by: Option<i64>,
    free_return: bool,
    claimed_value_minor: i64,
    refunded_minor: i64,
}

/// The case being changed, with the facts rules need.
#[derive(Debug)]
pub struct CaseState {
    pub id: CaseId,
    pub order_id: i64,
    pub merchant_id: i64,
    pub customer_id: i64,
    pub status: Status,
    pub handler: Handler,
    pub held_by: Option<i64>,
    pub free_return: bool,
    pub claimed_value_minor: i64,
    pub refunded_minor: i64,
}

/// Who makes a change: a signed-in user, or the system itself (the sweeps
/// that act when a clock runs out).
#[derive(Clone, Copy, Debug)]
pub enum Actor<'u> {
    User(&'u CurrentUser),
    System,
}

impl Actor<'_> {
    /// The user recorded on events; `None` for the system.
    pub fn id(&self) -> Option<i64> {
        match self {
            Actor::User(user) => Some(user.id),
            Actor::System => None,
        }
    }

    /// The role the status machine checks. The system acts for the
    /// platform, whose rules the clocks enforce.
    pub fn role(&self) -> Role {
        match self {
            Actor::User(user) => user.role(),
            Actor::System => Role::Support,
        }
    }
}

/// An open write on one case.
pub struct CaseWrite<'u> {
    tx: Transaction<'static, Sqlite>,
    pub actor: Actor<'u>,
    pub case: CaseState,
    pub now: DateTime<Utc>,
    /// The status when the write began: a change means the response clock
    /// must be recomputed before committing.
    status_before: Status,
    /// The version this write gives the case (the claimed one plus one).
    version: i64,
    marketplace_id: i64,
    live: Live,
    pages: Arc<PageCache>,
    /// The events of this write, inserted together by `commit` (one
    /// statement instead of one each; nothing reads them before).
    events: Vec<(EventKind, serde_json::Value)>,
}

/// What the problem detail says for each refusal of the status machine.
fn refusal(e: TransitionError, status: Status) -> AppError {
    let detail = match e {
        TransitionError::Closed => format!("the case is closed ({status}) and cannot be reopened"),
        TransitionError::NotAllowed => {
            format!("your role may not do this while the case is {status}")
        }
        TransitionError::InvalidInStatus => {
            format!("this cannot be done while the case is {status}")
        }
    };
    AppError::conflict("transition-refused", detail)
}

impl<'u> CaseWrite<'u> {
    /// Opens a write on case `id` as `user`, who saw `version`.
    pub async fn begin(
        state: &AppState,
        user: &'u CurrentUser,
        id: CaseId,
        version: i64,
    ) -> ApiResult<CaseWrite<'u>> {
        Self::as_user(state, user, id, version, None).await
    }

    /// `begin` for a write that answers the request `key` (fingerprinted
    /// `hash`) with the case: the key is recorded in the write's own
    /// transaction, by the statement that claims the version, so the change
    /// and its record commit together or not at all (see `once_on_case`),
    /// and a key used before is refused (`idempotency-key-reused`) before
    /// any work.
    pub async fn begin_answering(
        state: &AppState,
        user: &'u CurrentUser,
        id: CaseId,
        version: i64,
        key: &IdempotencyKey,
        hash: &str,
    ) -> ApiResult<CaseWrite<'u>> {
        Self::as_user(state, user, id, version, Some((user.id, key, hash))).await
    }

    async fn as_user(
        state: &AppState,
        user: &'u CurrentUser,
        id: CaseId,
        version: i64,
        answering: Option<(i64, &IdempotencyKey, &str)>,
    ) -> ApiResult<CaseWrite<'u>> {
        let (actor, scope) = (Actor::User(user), Some(Scope::of(user)));
        Self::open(state, actor, scope, id, version, state.now(), answering).await
    }

    /// Opens a write by the system on case `id` at version `version`, at
    /// the time `now` (the sweeps take their clock as a parameter).
    pub async fn begin_system(
        state: &AppState,
        id: CaseId,
        version: i64,
        now: DateTime<Utc>,
    ) -> ApiResult<CaseWrite<'u>> {
        Self::open(state, Actor::System, None, id, version, now, None).await
    }

    async fn open(
        state: &AppState,
        actor: Actor<'u>,
        scope: Option<Scope>,
        id: CaseId,
        version: i64,
        now: DateTime<Utc>,
        answering: Option<(i64, &IdempotencyKey, &str)>,
    ) -> ApiResult<CaseWrite<'u>> {
        let mut tx = state.writer.begin_with("BEGIN IMMEDIATE").await?;
        let mut claim = QueryBuilder::<Sqlite>::new("");
        // The key's record goes first, in the same round trip to the
        // connection's thread as the claim (the arguments bind in order).
        if let Some((user, key, hash)) = answering {
            idempotency::push_case_answer(&mut claim, user, key, hash, id, now);
            claim.push("; ");
        }
        claim
            .push("UPDATE cases AS c SET version = version + 1, updated_at = ")
            .push_bind(now)
            .push(" WHERE c.id = ")
            .push_bind(id.0)
            .push(" AND c.version = ")
            .push_bind(version);
        if let Some(scope) = scope {
            claim.push(" AND ");
            scope.push_case_filter(&mut claim);
        }
        // The claim answers with what the write needs of the case.
        claim.push(
            " RETURNING id, order_id, merchant_id, customer_id, marketplace_id, status, handler,
                held_by, free_return, claimed_value_minor, refunded_minor",
        );
        let claimed: Option<CaseRow> = claim
            .build_query_as()
            .fetch_optional(&mut *tx)
            .await
            .map_err(idempotency::reused_key)?;
        let Some(row) = claimed else {
            let mut exists =
                QueryBuilder::<Sqlite>::new("SELECT c.version FROM cases c WHERE c.id = ");
            exists.push_bind(id.0);
            if let Some(scope) = scope {
                exists.push(" AND ");
                scope.push_case_filter(&mut exists);
            }
            let current: Option<i64> = exists.build_query_scalar().fetch_optional(&mut *tx).await?;
            return Err(match current {
                None => AppError::NotFound,
                Some(current) => AppError::conflict(
                    "stale-version",
                    format!("the case changed since you loaded it (you saw version {version}, it is now {current}); reload it"),
                ),
            });
        };
        let case = CaseState {
            id: CaseId(row.id),
            order_id: row.order_id,
            merchant_id: row.merchant_id,
            customer_id: row.customer_id,
            status: column(&row.status, "status")?,
            handler: column(&row.handler, "handler")?,
            held_by: row.held_by,
            free_return: row.free_return,
            claimed_value_minor: row.claimed_value_minor,
            refunded_minor: row.refunded_minor,
        };
        Ok(CaseWrite {
            tx,
            actor,
            status_before: case.status,
            version: version + 1,
            marketplace_id: row.marketplace_id,
            live: state.live.clone(),
            pages: state.pages.clone(),
            events: Vec::new(),
            case,
            now,
        })
    }

    /// The database connection of this write, for statements of its own.
    pub fn conn(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.tx
    }

    /// Where `action` by the writer leads, or the conflict explaining why not.
    /// A merchant cannot act on a case the platform handles.
    pub fn next_status(&self, action: CaseAction) -> ApiResult<Status> {
        let role = self.actor.role();
        if role == Role::Merchant && self.case.handler == Handler::Platform {
            return Err(AppError::conflict(
                "transition-refused",
                "the platform handles this case; you can read it only",
            ));
        }
        self.case
            .status
            .apply(action, role)
            .map_err(|e| refusal(e, self.case.status))
    }

    /// Appends an event by the writer. The events of a write are inserted
    /// together, in order, when it commits (`write_events`): nothing in a
    /// write reads them before, and each statement is a round trip to the
    /// connection's thread while every other writer waits.
    pub fn event(&mut self, kind: EventKind, data: serde_json::Value) {
        self.events.push((kind, data));
    }

    /// Inserts the events appended so far, in one statement.
    async fn write_events(&mut self) -> ApiResult<()> {
        if self.events.is_empty() {
            return Ok(());
        }
        let (case, actor, now) = (self.case.id.0, self.actor.id(), self.now);
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO events (case_id, actor_id, kind, data, created_at) ",
        );
        insert.push_values(self.events.drain(..), |mut row, (kind, data)| {
            row.push_bind(case)
                .push_bind(actor)
                .push_bind(kind.as_str())
                .push_bind(data.to_string())
                .push_bind(now);
        });
        insert.build().execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Moves the case to `to` (if it is not there already), with its event,
    /// and keeps the order's payout blocked exactly while a case is open.
    /// A case that closes keeps no prepared decision and no open proposal.
    pub async fn set_status(&mut self, to: Status) -> ApiResult<()> {
        let from = self.case.status;
        if from == to {
            return Ok(());
        }
        sqlx::query("UPDATE cases SET status = ?, closed_at = CASE WHEN ? THEN ? ELSE NULL END WHERE id = ?")
            .bind(to.as_str())
            .bind(to.is_closed())
            .bind(self.now)
            .bind(self.case.id.0)
            .execute(&mut *self.tx)
            .await?;
        if to.is_closed() {
            sqlx::query(&format!(
                "UPDATE cases SET {CLEAR_PREPARED}, {CLEAR_PROPOSAL} WHERE id = ?"
            ))
            .bind(self.case.id.0)
            .execute(&mut *self.tx)
            .await?;
        }
        self.event(EventKind::StatusChanged, json!({ "from": from, "to": to }));
        // Between two open statuses the case keeps the payout blocked, as
        // it did: only opening or closing can change it.
        if from.is_closed() != to.is_closed() {
            update_payout(&mut self.tx, self.case.order_id).await?;
        }
        self.case.status = to;
        Ok(())
    }

    /// Queues a notification email; `cause` makes it unique, so the same
    /// cause never mails twice.
    pub async fn notify(
        &mut self,
        to: Recipient,
        template: &str,
        subject: String,
        body: String,
        cause: String,
    ) -> ApiResult<()> {
        // The address is looked up by the INSERT itself (one statement).
        let (insert, recipient) = match to {
            Recipient::Customer => (NOTIFY_CUSTOMER, self.case.customer_id),
            Recipient::Merchant => (NOTIFY_MERCHANT, self.case.merchant_id),
        };
        sqlx::query(insert)
            .bind(self.case.id.0)
            .bind(template)
            .bind(subject)
            .bind(body)
            .bind(cause)
            .bind(self.now)
            .bind(recipient)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Makes every change of this write visible at once. When the status
    /// changed, the stored response clock is recomputed in the same
    /// transaction (and a settled response recorded: met, unless the
    /// system acted because the clock ran out). Once committed, the change
    /// goes to the live updates.
    pub async fn commit(mut self) -> ApiResult<()> {
        self.write_events().await?;
        if self.case.status != self.status_before {
            let breached = matches!(self.actor, Actor::System);
            crate::sla::clock::refresh(&mut self.tx, self.case.id.0, self.now, breached).await?;
        }
        self.tx.commit().await?;
        let owners = CaseOwners {
            merchant_id: self.case.merchant_id,
            customer_id: self.case.customer_id,
            marketplace_id: self.marketplace_id,
        };
        announce(
            &self.pages,
            &self.live,
            owners,
            CaseChanged {
                id: self.case.id,
                version: self.version,
                status: self.case.status,
            },
        );
        Ok(())
    }
}

/// What follows every committed change to a case (a write or a new case):
/// before the write answers and before anyone hears of it, the cached pages
/// of the inboxes holding the case are dropped, so the next read is fresh;
/// then every stream that may see the case hears of the change.
pub fn announce(pages: &PageCache, live: &Live, owners: CaseOwners, change: CaseChanged) {
    pages.changed(owners);
    live.publish(owners, change);
}

/// Keeps order `order_id`'s payout blocked exactly while a case on it is
/// open (released once the last one closes); in the transaction of every
/// change that opens or closes a case.
pub async fn update_payout(conn: &mut sqlx::SqliteConnection, order_id: i64) -> ApiResult<()> {
    sqlx::query(
        "UPDATE orders SET payout = CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.order_id = orders.id
            AND c.status NOT IN ('resolved', 'rejected')) THEN 'blocked' ELSE 'released' END
         WHERE id = ?",
    )
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Who a notification goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    Customer,
    Merchant,
}

/// An email for the outbox.
#[derive(Debug)]
pub struct Email<'a> {
    pub case_id: i64,
    pub address: &'a str,
    pub template: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// What the email is about; unique, so the same cause never mails twice.
    pub cause: &'a str,
}

/// `CaseWrite::notify`'s `INSERT` for each recipient: the case's customer
/// (`users`) or merchant (`merchants`), whose address it reads itself.
const NOTIFY_CUSTOMER: &str =
    "INSERT INTO outbox (case_id, recipient, template, subject, body, cause, created_at)
     SELECT ?1, email, ?2, ?3, ?4, ?5, ?6 FROM users WHERE id = ?7 ON CONFLICT (cause) DO NOTHING";
const NOTIFY_MERCHANT: &str = "INSERT INTO outbox (case_id, recipient, template, subject, body, cause, created_at)
     SELECT ?1, email, ?2, ?3, ?4, ?5, ?6 FROM merchants WHERE id = ?7 ON CONFLICT (cause) DO NOTHING";

/// Queues `email` unless one with its cause was queued before; returns
/// whether it was queued now.
pub async fn queue_email(
    conn: &mut sqlx::SqliteConnection,
    email: Email<'_>,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let queued = sqlx::query(
        "INSERT INTO outbox (case_id, recipient, template, subject, body, cause, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cause) DO NOTHING",
    )
    .bind(email.case_id)
    .bind(email.address)
    .bind(email.template)
    .bind(email.subject)
    .bind(email.body)
    .bind(email.cause)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(queued == 1)
}
