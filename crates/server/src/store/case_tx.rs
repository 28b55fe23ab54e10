//! The statements of a write on one case (`domain::case_write` drives
//! them): claiming the version the writer saw, the events, the status and
//! the order's payout, the notifications, and the named changes a decision,
//! a proposal, a hold or a toggle makes.

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{Decision, DecisionKind, RefundLine};
use claimdesk_shared::{CaseId, EventKind, Locale, Outcome, Status};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};

use super::{column, idempotency, json_column, Tx};
use crate::error::{AppError, AppResult};
use crate::scope::Scope;

/// The assignments (for `UPDATE cases SET …`) that discard a case's
/// prepared decision.
pub(super) const CLEAR_PREPARED: &str =
    "prepared = 0, prepared_decision = NULL, prepared_by = NULL, prepared_at = NULL";
/// The assignments that withdraw a case's open proposal.
const CLEAR_PROPOSAL: &str = "proposal_note = NULL, proposal_amount_minor = NULL, proposal_lines = NULL, proposal_made_at = NULL";

/// A case as the write path needs it, as the claim answers it.
#[derive(Debug, sqlx::FromRow)]
pub struct ClaimedCase {
    pub id: i64,
    pub order_id: i64,
    pub merchant_id: i64,
    pub customer_id: i64,
    pub marketplace_id: i64,
    pub status: String,
    pub handler: String,
    pub held_by: Option<i64>,
    pub free_return: bool,
    pub claimed_value_minor: i64,
    pub refunded_minor: i64,
    /// The case's version after the claim. (The customer's version moves
    /// at commit, if the write is one the customer sees: `case_write`.)
    pub version: i64,
}

/// The request a write answers: its user, `Idempotency-Key` and
/// fingerprint, recorded in the write's own transaction.
#[derive(Clone, Copy, Debug)]
pub struct Answering<'a> {
    pub user_id: i64,
    pub key: &'a str,
    pub hash: &'a str,
}

/// A line the case claims, with what a refund by line needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedLine {
    pub line_id: i64,
    /// The quantity claimed (at least 1).
    pub quantity: i64,
    pub unit_price_minor: i64,
}

/// The proposal open on a case: what the desk wrote, the refund accepting
/// pays (if any) and the lines it names (JSON).
#[derive(Debug, sqlx::FromRow)]
pub struct OpenProposal {
    pub note: Option<String>,
    pub amount_minor: Option<i64>,
    pub lines: Option<String>,
}

/// A decision as it is kept while prepared (the `Decision` without its
/// version, its amount resolved), in `cases.prepared_decision`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDecision {
    pub kind: DecisionKind,
    pub amount_minor: Option<i64>,
    pub note: Option<String>,
    #[serde(default)]
    pub lines: Vec<RefundLine>,
}

impl StoredDecision {
    /// The decision to send, as the version `version`.
    pub fn decision(self, version: i64) -> Decision {
        Decision {
            version,
            kind: self.kind,
            amount_minor: self.amount_minor,
            note: self.note,
            lines: self.lines,
        }
    }
}

/// Who a notification goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    Customer,
    Merchant,
}

/// A notification's `INSERT` for each recipient: the case's customer
/// (`users`) or merchant (`merchants`), whose address it reads itself.
const NOTIFY_CUSTOMER: &str =
    "INSERT INTO outbox (case_id, recipient, template, subject, body, html_body, cause, created_at)
     SELECT $1, email, $2, $3, $4, $8, $5, $6 FROM users WHERE id = $7 ON CONFLICT (cause) DO NOTHING";
const NOTIFY_MERCHANT: &str = "INSERT INTO outbox (case_id, recipient, template, subject, body, html_body, cause, created_at)
     SELECT $1, email, $2, $3, $4, $8, $5, $6 FROM merchants WHERE id = $7 ON CONFLICT (cause) DO NOTHING";

/// A notification to queue; `cause` makes it unique.
#[derive(Debug)]
pub struct Notification<'a> {
    pub case_id: i64,
    pub to: Recipient,
    /// The customer's user id or the merchant's id.
    pub recipient_id: i64,
    pub template: &'a str,
    pub subject: String,
    pub body: String,
    pub html: String,
    pub cause: String,
}

/// The version a caller of `scope` sees and claims: a customer, the
/// version of what customers see (`customer_version`); the desk and the
/// system, the version every change moves.
pub(super) fn seen_version_column(scope: Option<Scope>) -> &'static str {
    match scope {
        Some(Scope::Customer(_)) => "c.customer_version",
        _ => "c.version",
    }
}

impl Tx {
    /// Claims case `id` at `version` (`UPDATE … WHERE version = ?`, so a
    /// stale writer is refused) within `scope` (none for the system), and
    /// answers with the case as the write needs it. With `answering`, the
    /// request's key is recorded first, in the same round trip, so the
    /// change and its record commit together, and a key used before fails
    /// the transaction before any work.
    pub async fn claim_case(
        &mut self,
        id: CaseId,
        version: i64,
        now: DateTime<Utc>,
        scope: Option<Scope>,
        answering: Option<Answering<'_>>,
    ) -> AppResult<ClaimedCase> {
        let mut claim = QueryBuilder::<Sqlite>::new("");
        if let Some(answer) = answering {
            idempotency::push_case_answer(&mut claim, answer, id, now);
            claim.push("; ");
        }
        let seen = seen_version_column(scope);
        claim
            .push("UPDATE cases AS c SET version = version + 1, updated_at = ")
            .push_bind(now)
            .push(" WHERE c.id = ")
            .push_bind(id.0)
            .push(format_args!(" AND {seen} = "))
            .push_bind(version);
        if let Some(scope) = scope {
            claim.push(" AND ");
            scope.push_case_filter(&mut claim);
        }
        claim.push(
            " RETURNING id, order_id, merchant_id, customer_id, marketplace_id, status, handler,
                held_by, free_return, claimed_value_minor, refunded_minor, version",
        );
        let claimed: Option<ClaimedCase> = claim
            .build_query_as()
            .fetch_optional(&mut *self.0)
            .await
            .map_err(idempotency::reused_key)?;
        if let Some(case) = claimed {
            return Ok(case);
        }
        let mut exists =
            QueryBuilder::<Sqlite>::new(format!("SELECT {seen} FROM cases c WHERE c.id = "));
        exists.push_bind(id.0);
        if let Some(scope) = scope {
            exists.push(" AND ");
            scope.push_case_filter(&mut exists);
        }
        let current: Option<i64> = exists
            .build_query_scalar()
            .fetch_optional(&mut *self.0)
            .await?;
        Err(match current {
            None => AppError::NotFound,
            Some(current) => AppError::conflict(
                "stale-version",
                format!("the case changed since you loaded it (you saw version {version}, it is now {current}); reload it"),
            ),
        })
    }

    /// Records that the customer can see this write's change: their
    /// version of the case moves; answers it.
    pub async fn bump_customer_version(
        &mut self,
        case_id: i64,
        now: DateTime<Utc>,
    ) -> AppResult<i64> {
        Ok(sqlx::query_scalar(
            "UPDATE cases SET customer_version = customer_version + 1, customer_updated_at = $1
             WHERE id = $2 RETURNING customer_version",
        )
        .bind(now)
        .bind(case_id)
        .fetch_one(&mut *self.0)
        .await?)
    }

    /// Inserts `events` of case `case_id` by `actor` (`None`: the system),
    /// in order, in one statement.
    pub async fn insert_events(
        &mut self,
        case_id: i64,
        actor: Option<i64>,
        now: DateTime<Utc>,
        events: Vec<(EventKind, serde_json::Value)>,
    ) -> AppResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO events (case_id, actor_id, kind, data, created_at) ",
        );
        insert.push_values(events, |mut row, (kind, data)| {
            row.push_bind(case_id)
                .push_bind(actor)
                .push_bind(kind.as_str())
                .push_bind(data.to_string())
                .push_bind(now);
        });
        insert.build().execute(&mut *self.0).await?;
        Ok(())
    }

    /// Moves case `case_id` to `to`; a case that closes keeps no prepared
    /// decision and no open proposal.
    pub async fn set_case_status(
        &mut self,
        case_id: i64,
        to: Status,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        sqlx::query("UPDATE cases SET status = $1, closed_at = CASE WHEN $2 THEN $3 ELSE NULL END WHERE id = $4")
            .bind(to.as_str())
            .bind(to.is_closed())
            .bind(now)
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        if to.is_closed() {
            sqlx::query(&format!(
                "UPDATE cases SET {CLEAR_PREPARED}, {CLEAR_PROPOSAL} WHERE id = $1"
            ))
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        }
        Ok(())
    }

    /// Keeps order `order_id`'s payout blocked exactly while a case on it
    /// is open (released once the last one closes).
    pub async fn update_payout(&mut self, order_id: i64) -> AppResult<()> {
        sqlx::query(
            "UPDATE orders SET payout = CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.order_id = orders.id
                AND c.status NOT IN ('resolved', 'rejected')) THEN 'blocked' ELSE 'released' END
             WHERE id = $1",
        )
        .bind(order_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    /// The language `to`'s emails on case `case_id` are written in: the
    /// customer's own, the merchant's marketplace's (see
    /// `ReportedOrder::merchant_locale`).
    pub async fn recipient_locale(&mut self, to: Recipient, case_id: i64) -> AppResult<Locale> {
        let query = match to {
            Recipient::Customer => {
                "SELECT u.locale FROM cases c JOIN users u ON u.id = c.customer_id WHERE c.id = $1"
            }
            Recipient::Merchant => {
                "SELECT m.locale FROM cases c JOIN marketplaces m ON m.id = c.marketplace_id WHERE c.id = $1"
            }
        };
        let locale: String = sqlx::query_scalar(query)
            .bind(case_id)
            .fetch_one(&mut *self.0)
            .await?;
        column(&locale, "locale")
    }

    /// Queues `notification` unless its cause was queued before; the
    /// address is looked up by the `INSERT` itself (one statement).
    pub async fn notify(&mut self, n: Notification<'_>, now: DateTime<Utc>) -> AppResult<()> {
        let insert = match n.to {
            Recipient::Customer => NOTIFY_CUSTOMER,
            Recipient::Merchant => NOTIFY_MERCHANT,
        };
        sqlx::query(insert)
            .bind(n.case_id)
            .bind(n.template)
            .bind(n.subject)
            .bind(n.body)
            .bind(n.cause)
            .bind(now)
            .bind(n.recipient_id)
            .bind(n.html)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    /// The lines case `case_id` claims on its order `order_id`.
    pub async fn claimed_lines(
        &mut self,
        case_id: i64,
        order_id: i64,
    ) -> AppResult<Vec<ClaimedLine>> {
        Ok(sqlx::query_as(
            "SELECT ol.id AS line_id, cl.quantity, ol.unit_price_minor
             FROM case_lines cl JOIN order_lines ol ON ol.id = cl.order_line_id
             WHERE cl.case_id = $1 AND ol.order_id = $2 AND cl.quantity > 0 ORDER BY ol.id",
        )
        .bind(case_id)
        .bind(order_id)
        .fetch_all(&mut *self.0)
        .await?)
    }

    /// The currency of order `order_id`.
    pub async fn order_currency(&mut self, order_id: i64) -> AppResult<String> {
        Ok(
            sqlx::query_scalar("SELECT currency FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_one(&mut *self.0)
                .await?,
        )
    }

    /// Records the outcome of a decision on case `case_id`: `refund_minor`
    /// more refunded, the note for the customer; the prepared decision and
    /// any open proposal are gone.
    pub async fn record_decision(
        &mut self,
        case_id: i64,
        outcome: Outcome,
        refund_minor: i64,
        note: Option<&str>,
    ) -> AppResult<()> {
        sqlx::query(&format!(
            "UPDATE cases SET outcome = $1, refunded_minor = refunded_minor + $2, decision_note = $3,
                {CLEAR_PREPARED}, {CLEAR_PROPOSAL} WHERE id = $4"
        ))
        .bind(outcome.as_str())
        .bind(refund_minor)
        .bind(note)
        .bind(case_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    /// Opens a proposal on case `case_id` (replacing any open one): the
    /// note, the refund accepting pays, the lines it names (JSON). The
    /// prepared decision is gone.
    pub async fn record_proposal(
        &mut self,
        case_id: i64,
        note: &str,
        offer_minor: Option<i64>,
        lines: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        sqlx::query(&format!(
            "UPDATE cases SET proposal_note = $1, proposal_amount_minor = $2, proposal_lines = $3,
                proposal_made_at = $4, {CLEAR_PREPARED} WHERE id = $5"
        ))
        .bind(note)
        .bind(offer_minor)
        .bind(lines.to_string())
        .bind(now)
        .bind(case_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    /// The proposal open on case `case_id` (all `None` without one).
    pub async fn open_proposal(&mut self, case_id: i64) -> AppResult<OpenProposal> {
        Ok(sqlx::query_as(
            "SELECT proposal_note AS note, proposal_amount_minor AS amount_minor,
                    proposal_lines AS lines FROM cases WHERE id = $1",
        )
        .bind(case_id)
        .fetch_one(&mut *self.0)
        .await?)
    }

    /// The returned parcel arrived: what is left of the claim is refunded.
    pub async fn record_return_refund(&mut self, case_id: i64) -> AppResult<()> {
        sqlx::query("UPDATE cases SET outcome = 'return_refund', refunded_minor = claimed_value_minor WHERE id = $1")
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    /// The response time ran out: `amount_minor` refunded automatically.
    pub async fn record_auto_refund(&mut self, case_id: i64, amount_minor: i64) -> AppResult<()> {
        sqlx::query("UPDATE cases SET outcome = 'auto_refund', refunded_minor = refunded_minor + $1 WHERE id = $2")
            .bind(amount_minor)
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    /// The customer never answered: the case is closed as rejected, `note`
    /// saying why.
    pub async fn record_no_reply(&mut self, case_id: i64, note: &str) -> AppResult<()> {
        sqlx::query("UPDATE cases SET outcome = 'rejected', decision_note = $1 WHERE id = $2")
            .bind(note)
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    /// The decision prepared on case `case_id`, if any.
    pub async fn prepared_decision(&mut self, case_id: i64) -> AppResult<Option<StoredDecision>> {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT prepared_decision FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_one(&mut *self.0)
                .await?;
        stored.as_deref().map(json_column).transpose()
    }

    /// Keeps `decision` prepared on case `case_id`, by `by`.
    pub async fn set_prepared(
        &mut self,
        case_id: i64,
        decision: &StoredDecision,
        by: i64,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let decision = serde_json::to_string(decision).map_err(|e| AppError::Internal(e.into()))?;
        sqlx::query(
            "UPDATE cases SET prepared = 1, prepared_decision = $1, prepared_by = $2, prepared_at = $3 WHERE id = $4",
        )
        .bind(decision)
        .bind(by)
        .bind(now)
        .bind(case_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    /// Throws away the decision prepared on case `case_id`; returns whether
    /// there was one.
    pub async fn discard_prepared(&mut self, case_id: i64) -> AppResult<bool> {
        let discarded = sqlx::query(&format!(
            "UPDATE cases SET {CLEAR_PREPARED} WHERE id = $1 AND prepared_decision IS NOT NULL"
        ))
        .bind(case_id)
        .execute(&mut *self.0)
        .await?
        .rows_affected();
        Ok(discarded > 0)
    }

    /// Sets who holds case `case_id` (`None`: nobody).
    pub async fn set_holder(&mut self, case_id: i64, holder: Option<i64>) -> AppResult<()> {
        sqlx::query("UPDATE cases SET held_by = $1 WHERE id = $2")
            .bind(holder)
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    /// Sets whether the customer's return of case `case_id` is free.
    pub async fn set_free_return(&mut self, case_id: i64, free: bool) -> AppResult<()> {
        sqlx::query("UPDATE cases SET free_return = $1 WHERE id = $2")
            .bind(free)
            .bind(case_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
