//! The one way a case changes: inside a transaction (`store::Tx`) that
//! first claims the version the writer saw, then changes the case, writes
//! its events and queues its notifications, and commits all of it or
//! nothing.
//!
//! Claiming the version with `UPDATE … WHERE version = ?` as the first
//! statement (`Tx::claim_case`) detects a stale writer (two agents on one
//! case get a conflict, not a silent overwrite) and answers with the case
//! as the write needs it. This module adds the rules every write follows:
//! the status machine (`next_status`), the events, the payout, the
//! response clock refreshed on a status change.
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

use crate::domain::emails::{self, Mail};
use crate::error::{AppError, AppResult};
use crate::live::Live;
use crate::page_cache::PageCache;
use crate::scope::{CaseOwners, Scope};
use crate::state::{AppState, Config};
use crate::store::case_tx::{Answering, Notification};
use crate::store::{column, Tx};
use crate::user::CurrentUser;

pub use crate::store::case_tx::Recipient;

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
    tx: Tx,
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
    /// Where the app is, for the link in every email.
    config: Arc<Config>,
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
    ) -> AppResult<CaseWrite<'u>> {
        Self::as_user(state, user, id, version, None).await
    }

    /// `begin` for a write that answers a request (its user, key and
    /// fingerprint: `IdempotencyKey::answering`) with the case: the key is recorded in the write's own
    /// transaction, by the statement that claims the version, so the change
    /// and its record commit together or not at all (see `once_on_case`),
    /// and a key used before is refused (`idempotency-key-reused`) before
    /// any work.
    pub async fn begin_answering(
        state: &AppState,
        user: &'u CurrentUser,
        id: CaseId,
        version: i64,
        answering: Answering<'_>,
    ) -> AppResult<CaseWrite<'u>> {
        Self::as_user(state, user, id, version, Some(answering)).await
    }

    async fn as_user(
        state: &AppState,
        user: &'u CurrentUser,
        id: CaseId,
        version: i64,
        answering: Option<Answering<'_>>,
    ) -> AppResult<CaseWrite<'u>> {
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
    ) -> AppResult<CaseWrite<'u>> {
        Self::open(state, Actor::System, None, id, version, now, None).await
    }

    /// Opens a write on case `id` as `user` at the version it has now, for
    /// a change to what is the user's alone (a rating): nobody else's
    /// change can be overwritten by it, and the write's lock keeps the
    /// version read current until the claim.
    pub async fn begin_current(
        state: &AppState,
        user: &'u CurrentUser,
        id: CaseId,
    ) -> AppResult<CaseWrite<'u>> {
        let scope = Scope::of(user);
        let mut tx = Tx::begin(&state.writer).await?;
        let version = tx.seen_version(id, scope).await?;
        let actor = Actor::User(user);
        Self::claim(
            state,
            tx,
            actor,
            Some(scope),
            id,
            version,
            state.now(),
            None,
        )
        .await
    }

    async fn open(
        state: &AppState,
        actor: Actor<'u>,
        scope: Option<Scope>,
        id: CaseId,
        version: i64,
        now: DateTime<Utc>,
        answering: Option<Answering<'_>>,
    ) -> AppResult<CaseWrite<'u>> {
        let tx = Tx::begin(&state.writer).await?;
        Self::claim(state, tx, actor, scope, id, version, now, answering).await
    }

    async fn claim(
        state: &AppState,
        mut tx: Tx,
        actor: Actor<'u>,
        scope: Option<Scope>,
        id: CaseId,
        version: i64,
        now: DateTime<Utc>,
        answering: Option<Answering<'_>>,
    ) -> AppResult<CaseWrite<'u>> {
        let row = tx.claim_case(id, version, now, scope, answering).await?;
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
            version: row.version,
            marketplace_id: row.marketplace_id,
            live: state.live.clone(),
            pages: state.pages.clone(),
            config: state.config.clone(),
            events: Vec::new(),
            case,
            now,
        })
    }

    /// The transaction of this write, for the named changes of the
    /// storage layer (`store::case_tx`).
    pub fn tx(&mut self) -> &mut Tx {
        &mut self.tx
    }

    /// Where `action` by the writer leads, or the conflict explaining why not.
    /// A merchant cannot act on a case the platform handles.
    pub fn next_status(&self, action: CaseAction) -> AppResult<Status> {
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
    /// together, in order, when it commits (`Tx::insert_events`): nothing in a
    /// write reads them before, and each statement is a round trip to the
    /// connection's thread while every other writer waits.
    pub fn event(&mut self, kind: EventKind, data: serde_json::Value) {
        self.events.push((kind, data));
    }

    /// Moves the case to `to` (if it is not there already), with its event,
    /// and keeps the order's payout blocked exactly while a case is open.
    /// A case that closes keeps no prepared decision and no open proposal.
    pub async fn set_status(&mut self, to: Status) -> AppResult<()> {
        let from = self.case.status;
        if from == to {
            return Ok(());
        }
        self.tx
            .set_case_status(self.case.id.0, to, self.now)
            .await?;
        self.event(EventKind::StatusChanged, json!({ "from": from, "to": to }));
        // Between two open statuses the case keeps the payout blocked, as
        // it did: only opening or closing can change it.
        if from.is_closed() != to.is_closed() {
            self.tx.update_payout(self.case.order_id).await?;
        }
        self.case.status = to;
        Ok(())
    }

    /// Queues `mail` to `to`, written in their language; `cause` makes it
    /// unique, so the same cause never mails twice.
    pub async fn notify(&mut self, to: Recipient, mail: Mail, cause: String) -> AppResult<()> {
        let recipient_id = match to {
            Recipient::Customer => self.case.customer_id,
            Recipient::Merchant => self.case.merchant_id,
        };
        let locale = self.tx.recipient_locale(to, self.case.id.0).await?;
        let link = emails::case_link(self.config.public_url(), self.case.id);
        let rendered = mail.render(locale, &link)?;
        let notification = Notification {
            case_id: self.case.id.0,
            to,
            recipient_id,
            template: mail.template,
            subject: rendered.subject,
            body: rendered.text,
            html: rendered.html,
            cause,
        };
        self.tx.notify(notification, self.now).await
    }

    /// Makes every change of this write visible at once. When the status
    /// changed, the stored response clock is recomputed in the same
    /// transaction (and a settled response recorded: met, unless the
    /// system acted because the clock ran out). Once committed, the change
    /// goes to the live updates.
    pub async fn commit(mut self) -> AppResult<()> {
        let events = std::mem::take(&mut self.events);
        let (case, actor, now) = (self.case.id.0, self.actor.id(), self.now);
        let customer_sees = self.case.status != self.status_before
            || events.iter().any(|(kind, _)| customer_sees(*kind));
        let customer_version = if customer_sees {
            Some(self.tx.bump_customer_version(case, now).await?)
        } else {
            None
        };
        self.tx.insert_events(case, actor, now, events).await?;
        if self.case.status != self.status_before {
            let breached = matches!(self.actor, Actor::System);
            crate::sla::clock::refresh(&mut self.tx, case, now, breached).await?;
        }
        self.tx.commit().await?;
        let owners = CaseOwners {
            merchant_id: self.case.merchant_id,
            customer_id: self.case.customer_id,
            marketplace_id: self.marketplace_id,
        };
        let change = CaseChanged {
            id: self.case.id,
            version: self.version,
            status: self.case.status,
        };
        let customer_change = customer_version.map(|version| CaseChanged { version, ..change });
        announce(&self.pages, &self.live, owners, change, customer_change);
        Ok(())
    }
}

/// Whether the customer sees a change recorded as `kind`. Notes, holds and
/// drafted decisions are the desk's own: a write of only those leaves the
/// customer's copy of the case as it was, their version included, and their
/// stream silent.
pub fn customer_sees(kind: EventKind) -> bool {
    !matches!(
        kind,
        EventKind::NoteAdded
            | EventKind::Held
            | EventKind::Released
            | EventKind::TakenOver
            | EventKind::DecisionPrepared
            | EventKind::PreparedDiscarded
            // The hand-back's note is the desk's; its status change is not.
            | EventKind::HandedBack
    )
}

/// What follows every committed change to a case (a write or a new case):
/// before the write answers and before anyone hears of it, the cached pages
/// of the inboxes holding the case are dropped, so the next read is fresh;
/// then every stream that may see the case hears of the change: the desk's
/// of `change`, the customer's of `customer_change` (with their version),
/// if the change is one they see.
pub fn announce(
    pages: &PageCache,
    live: &Live,
    owners: CaseOwners,
    change: CaseChanged,
    customer_change: Option<CaseChanged>,
) {
    pages.changed(owners);
    live.publish(owners, change, customer_change);
}
