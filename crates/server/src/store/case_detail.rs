//! One case as its page shows it: its summary, order, customer, photos,
//! decision, prepared decision, proposal and the desk's alerts, in one
//! query for the case's own columns.

use chrono::{DateTime, Duration, Utc};
use claimdesk_shared::wire::{
    Attachment, CaseAlert, CaseDetail, CaseSummary, CustomerView, OrderLineView, OrderView,
    PreparedDecision, Proposal, Rating,
};
use claimdesk_shared::{CaseId, DISPUTE_DAYS, RATING_CHANGE_DAYS};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::case_list::{summary_joins, SummaryRow, SUMMARY_SELECT};
use super::case_tx::StoredDecision;
use super::clock::{history_on, ClockRow, History};
use super::closing::StoredRating;
use super::{column, file_url, json_column, Db};
use crate::error::{AppError, AppResult};
use crate::scope::{CaseOwners, Scope};

/// A case's detail as stored, with what its clock is computed from.
#[derive(Debug)]
pub struct StoredDetail {
    /// `deadline` is `None`: the domain computes it (`sla::clock`).
    pub detail: CaseDetail,
    /// For the desk: the clock's inputs and the status history.
    pub clock: Option<(ClockRow, History)>,
    /// The user id of the case's customer.
    pub customer_id: i64,
}

/// A case's summary, the rest of its detail and its clock's inputs: one row.
#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    #[sqlx(flatten)]
    clock: ClockRow,
    #[sqlx(flatten)]
    rest: DetailRest,
}

/// The columns of a case's detail beyond its summary.
#[derive(sqlx::FromRow)]
struct DetailRest {
    customer_id: i64,
    high_value_threshold_minor: i64,
    free_exchange: bool,
    order_id: i64,
    description: String,
    held_by_id: Option<i64>,
    free_return: bool,
    outcome: Option<String>,
    decision_note: Option<String>,
    refunded_minor: i64,
    updated_at: DateTime<Utc>,
    customer_updated_at: DateTime<Utc>,
    placed_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    total_minor: i64,
    payout: String,
    customer_email: String,
    customer_kind: Option<String>,
    company: Option<String>,
    address: String,
    prepared_decision: Option<String>,
    prepared_by_name: Option<String>,
    prepared_at: Option<DateTime<Utc>>,
    proposal_note: Option<String>,
    proposal_amount_minor: Option<i64>,
    proposal_made_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    rating: StoredRating,
    platform_reason: Option<String>,
    /// (Also the summary's: one column read twice.)
    status: String,
    closed_at: Option<DateTime<Utc>>,
    disputed_before: bool,
    label_id: Option<i64>,
    label_filename: Option<String>,
    label_size: Option<i64>,
    created_by_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    sku: String,
    title: String,
    image_id: Option<i64>,
    quantity: i64,
    unit_price_minor: i64,
    claimed_quantity: i64,
}

/// Everything stored about case `id`, if it is in `scope`: the detail (its
/// `deadline` left for the domain to compute) and, for the desk, the
/// clock's inputs and status history.
pub async fn load(db: &Db, scope: Scope, id: CaseId) -> AppResult<StoredDetail> {
    let desk = !matches!(scope, Scope::Customer(_));
    // One connection for every query, and the case's own columns (its
    // summary, the rest of the detail, the alerts' and the clock's inputs)
    // in one row.
    let mut conn = db.acquire().await?;
    let mut qb = QueryBuilder::<Sqlite>::new(SUMMARY_SELECT);
    qb.push(
        ", c.customer_id, c.order_id, c.description, c.held_by AS held_by_id, c.free_return,
            c.outcome, c.decision_note, c.refunded_minor, c.updated_at,
            COALESCE(c.customer_updated_at, c.created_at) AS customer_updated_at, o.placed_at,
            o.delivered_at, o.total_minor, o.payout, cu.email AS customer_email, cu.customer_kind,
            cu.company, cu.address, c.prepared_decision, pb.name AS prepared_by_name,
            c.prepared_at, c.proposal_note, c.proposal_amount_minor, c.proposal_made_at,
            mk.country, mk.time_zone, mk.high_value_threshold_minor, c.free_exchange,
            mk.first_response_hours, mk.follow_up_hours, mk.high_value_extension_hours,
            c.rating, c.rating_comment, c.rated_at, c.platform_reason, c.closed_at,
            EXISTS (SELECT 1 FROM events d WHERE d.case_id = c.id AND d.kind = 'disputed')
                AS disputed_before,
            rla.id AS label_id, rla.filename AS label_filename, rla.size AS label_size,
            cb.name AS created_by_name",
    );
    qb.push(concat!(
        summary_joins!(),
        " LEFT JOIN users pb ON pb.id = c.prepared_by
          LEFT JOIN return_labels rl ON rl.case_id = c.id
          LEFT JOIN attachments rla ON rla.id = rl.attachment_id
          LEFT JOIN users cb ON cb.id = c.created_by WHERE "
    ));
    scope.push_case_filter(&mut qb);
    qb.push(" AND c.id = ").push_bind(id.0);
    let DetailRow {
        summary,
        clock,
        rest: detail,
    } = qb
        .build_query_as::<DetailRow>()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let summary = summary.into_summary(desk)?;

    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT ol.id, ol.sku, ol.title, p.image_id, ol.quantity, ol.unit_price_minor,
                COALESCE(cl.quantity, 0) AS claimed_quantity
         FROM order_lines ol
         LEFT JOIN products p ON p.sku = ol.sku
         LEFT JOIN case_lines cl ON cl.order_line_id = ol.id AND cl.case_id = $1
         WHERE ol.order_id = $2 ORDER BY ol.id",
    )
    .bind(id.0)
    .bind(detail.order_id)
    .fetch_all(&mut *conn)
    .await?;

    let photos: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT a.id, a.filename, a.content_type, a.size FROM case_photos cp
         JOIN attachments a ON a.id = cp.attachment_id WHERE cp.case_id = $1 ORDER BY a.id",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;

    let customer_kind = detail.customer_kind.as_deref().unwrap_or("consumer");
    // The draft is the desk's; customers never see it.
    let prepared = match (desk, &detail.prepared_decision, detail.prepared_at) {
        (true, Some(stored), Some(prepared_at)) => {
            let stored: StoredDecision = json_column(stored)?;
            Some(PreparedDecision {
                kind: stored.kind,
                amount_minor: stored.amount_minor,
                note: stored.note,
                lines: stored.lines,
                prepared_by: detail.prepared_by_name.clone().unwrap_or_default(),
                prepared_at,
            })
        }
        _ => None,
    };
    let proposal = match (&detail.proposal_note, detail.proposal_made_at) {
        (Some(note), Some(made_at)) => Some(Proposal {
            note: note.clone(),
            amount_minor: detail.proposal_amount_minor,
            made_at,
        }),
        _ => None,
    };
    let clock = if desk {
        let history = history_on(&mut conn, clock.id, clock.created_at).await?;
        Some((clock, history))
    } else {
        None
    };
    let customer_id = detail.customer_id;
    let detail = CaseDetail {
        order: OrderView {
            number: summary.order_number.clone(),
            legacy_number: summary.legacy_order_number.clone(),
            placed_at: detail.placed_at,
            delivered_at: detail.delivered_at,
            currency: summary.currency.clone(),
            total_minor: detail.total_minor,
            payout: column(&detail.payout, "payout")?,
            lines: lines
                .into_iter()
                .map(|l| OrderLineView {
                    id: l.id,
                    sku: l.sku,
                    title: l.title,
                    image_url: l.image_id.map(file_url),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                    claimed_quantity: l.claimed_quantity,
                })
                .collect(),
        },
        customer: CustomerView {
            name: summary.customer_name.clone(),
            email: detail.customer_email,
            kind: column(customer_kind, "customer kind")?,
            company: detail.company,
            address: detail.address,
        },
        photos: photos
            .into_iter()
            .map(|(id, filename, content_type, size)| Attachment {
                id,
                filename,
                content_type,
                size,
                url: file_url(id),
            })
            .collect(),
        description: detail.description,
        held_by_id: detail.held_by_id.filter(|_| desk),
        free_return: detail.free_return,
        outcome: detail
            .outcome
            .as_deref()
            .map(|o| column(o, "outcome"))
            .transpose()?,
        decision_note: detail.decision_note,
        refunded_minor: detail.refunded_minor,
        alerts: if desk {
            alerts(
                &mut conn,
                id,
                &summary,
                detail.customer_id,
                detail.total_minor,
                detail.high_value_threshold_minor,
                detail.free_exchange,
            )
            .await?
        } else {
            Vec::new()
        },
        deadline: None,
        // The summary holds the version the user sees.
        version: summary.version,
        updated_at: if desk {
            detail.updated_at
        } else {
            detail.customer_updated_at
        },
        prepared,
        proposal,
        rating: match (detail.rating.score(), detail.rating.rated_at) {
            (Some(score), Some(rated_at)) => Some(Rating {
                score,
                comment: detail.rating.rating_comment.clone(),
                rated_at,
                changeable_until: rated_at + Duration::days(RATING_CHANGE_DAYS),
            }),
            _ => None,
        },
        platform_reason: detail
            .platform_reason
            .as_deref()
            .filter(|_| detail.status == "platform_review")
            .map(|r| column(r, "platform reason"))
            .transpose()?,
        // A rejected case may be disputed for a while after it closed.
        // (`case_view` drops it once past; a rejection is disputed once).
        disputable_until: match (detail.status.as_str(), detail.closed_at) {
            ("rejected", Some(at)) if !detail.disputed_before => {
                Some(at + Duration::days(DISPUTE_DAYS))
            }
            _ => None,
        },
        return_label: match (detail.label_id, detail.label_filename) {
            (Some(id), Some(filename)) => Some(Attachment {
                id,
                filename,
                content_type: "application/pdf".to_owned(),
                size: detail.label_size.unwrap_or_default(),
                url: file_url(id),
            }),
            _ => None,
        },
        created_by: detail.created_by_name.clone(),
        summary,
    };
    Ok(StoredDetail {
        detail,
        clock,
        customer_id,
    })
}

/// The notices an agent sees on case `id` (customers get none).
async fn alerts(
    conn: &mut SqliteConnection,
    id: CaseId,
    summary: &CaseSummary,
    customer_id: i64,
    order_total_minor: i64,
    threshold_minor: i64,
    free_exchange: bool,
) -> AppResult<Vec<CaseAlert>> {
    let other_cases: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE customer_id = $1 AND id <> $2 AND created_at > $3",
    )
    .bind(customer_id)
    .bind(id.0)
    .bind(summary.created_at - chrono::Duration::days(365))
    .fetch_one(conn)
    .await?;
    let mut alerts = Vec::new();
    if order_total_minor > threshold_minor {
        alerts.push(CaseAlert::HighValue {
            order_total_minor,
            threshold_minor,
        });
    }
    if other_cases > 0 {
        alerts.push(CaseAlert::RepeatClaimant { other_cases });
    }
    if free_exchange {
        alerts.push(CaseAlert::FreeExchange);
    }
    Ok(alerts)
}

/// Whether case `id` is in `scope`.
pub async fn exists(db: &Db, scope: Scope, id: CaseId) -> AppResult<bool> {
    let mut qb = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c WHERE c.id = ");
    qb.push_bind(id.0).push(" AND ");
    scope.push_case_filter(&mut qb);
    let found: i64 = qb.build_query_scalar().fetch_one(db).await?;
    Ok(found > 0)
}

/// Whose case `id` is, if it is in `scope` (what the live updates filter on).
pub async fn owners(db: &Db, scope: Scope, id: CaseId) -> AppResult<Option<CaseOwners>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT c.merchant_id, c.customer_id, c.marketplace_id FROM cases c WHERE c.id = ",
    );
    qb.push_bind(id.0).push(" AND ");
    scope.push_case_filter(&mut qb);
    Ok(qb.build_query_as().fetch_optional(db).await?)
}
