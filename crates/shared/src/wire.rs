//! The JSON shapes of the `/api/v1` contract. The backend serialises them and
//! describes them in its OpenAPI document; the SPA deserialises them.
//!
//! Money travels as integer minor units (öre, cents) with the currency code,
//! so no float ever rounds a refund.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    CustomerKind, EventKind, Handler, Kind, Locale, Outcome, Payout, PlatformReason, RatingScore,
    Reason, Role,
};
use crate::{CaseId, Inbox, Status};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Credentials for `POST /api/v1/session`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// A marketplace, as much as the SPA needs to label and format with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarketplaceRef {
    pub id: i64,
    pub name: String,
    pub currency: String,
}

/// A merchant (seller, brand).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MerchantRef {
    pub id: i64,
    pub name: String,
}

/// The signed-in user, from `GET /api/v1/me`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub locale: Locale,
    pub marketplace: MarketplaceRef,
    /// Set for merchant agents only.
    pub merchant: Option<MerchantRef>,
}

/// `POST /api/v1/session/portal`: a portal's signed token for its user.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PortalSignIn {
    pub token: String,
}

/// `PATCH /api/v1/me`: what a user may change about themselves.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateMe {
    pub locale: Locale,
}

/// One row of an inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseSummary {
    pub id: CaseId,
    /// The case's version, for writes made from the list (bulk send).
    #[serde(default)]
    pub version: i64,
    pub kind: Kind,
    pub reason: Reason,
    pub status: Status,
    pub handler: Handler,
    pub customer_name: String,
    pub merchant_name: String,
    pub order_number: String,
    pub legacy_order_number: Option<String>,
    /// Title of the first claimed product, for scanning the list.
    pub product_title: String,
    pub claimed_value_minor: i64,
    pub currency: String,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub created_at: DateTime<Utc>,
    /// Name of the agent holding the case, if any.
    pub held_by: Option<String>,
    /// When the merchant's next response is due; `None` while nothing is
    /// due or the clock is paused, and always for customers (the clock is
    /// the desk's).
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub due_at: Option<DateTime<Utc>>,
    /// What happens when `due_at` passes (with `due_at` only).
    pub on_breach: Option<OnBreach>,
    /// The kind of the decision prepared on the case but not sent yet
    /// (desk only; always `None` for customers).
    #[serde(default)]
    pub prepared: Option<DecisionKind>,
    /// What happens next, as the customer reads it (customers only).
    #[serde(default)]
    pub next_step: Option<NextStep>,
}

/// A page of an inbox, from `GET /api/v1/cases`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CasePage {
    pub inbox: Inbox,
    pub items: Vec<CaseSummary>,
    /// Cases in the inbox matching the query, over all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A file attached to a case, message or note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Attachment {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Where to download it (same origin, session required).
    pub url: String,
}

/// The buyer, as the desk sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerView {
    pub name: String,
    pub email: String,
    pub kind: CustomerKind,
    /// The retailer's company, for B2B buyers.
    pub company: Option<String>,
    pub address: String,
}

/// One line of an order, with how much of it this case claims.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderLineView {
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub image_url: Option<String>,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// Zero when this case does not claim the line.
    pub claimed_quantity: i64,
}

/// The order a case is about (the Receipt tab).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderView {
    pub number: String,
    /// The order number from before the marketplace migrated, where present.
    pub legacy_number: Option<String>,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub placed_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub delivered_at: Option<DateTime<Utc>>,
    pub currency: String,
    pub total_minor: i64,
    pub payout: Payout,
    pub lines: Vec<OrderLineView>,
}

/// Everything about one case, from `GET /api/v1/cases/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub description: String,
    pub order: OrderView,
    pub customer: CustomerView,
    pub photos: Vec<Attachment>,
    /// Id of the agent holding the case, so the SPA knows whether it is "me".
    pub held_by_id: Option<i64>,
    /// Whether the return label is free for the customer.
    pub free_return: bool,
    /// How the case ended, once decided.
    pub outcome: Option<Outcome>,
    /// What the desk told the customer with its decision (rejection reason,
    /// replacement or return instructions).
    pub decision_note: Option<String>,
    /// Refunded so far, in minor units.
    pub refunded_minor: i64,
    /// Notices for the agent (never sent to customers).
    pub alerts: Vec<CaseAlert>,
    /// The response clock with its explanation (desk only; `None` for
    /// customers and once nothing is due).
    pub deadline: Option<DeadlineView>,
    /// Incremented on every change; writes send it back to detect conflicts.
    pub version: i64,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub updated_at: DateTime<Utc>,
    /// The decision drafted but not sent yet (desk only; always `None` for
    /// customers).
    #[serde(default)]
    pub prepared: Option<PreparedDecision>,
    /// The desk's open proposal, waiting for the customer to accept it
    /// (the customer sees it too).
    #[serde(default)]
    pub proposal: Option<Proposal>,
    /// The customer's rating of the support, once given.
    #[serde(default)]
    pub rating: Option<Rating>,
    /// Why the platform has the case, while it does.
    #[serde(default)]
    pub platform_reason: Option<PlatformReason>,
    /// Until when the customer may dispute the rejection (rejected cases,
    /// for 14 days; `None` otherwise or once disputed).
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub disputable_until: Option<DateTime<Utc>>,
    /// The return label, once made (`GET /cases/{id}/return-label`).
    #[serde(default)]
    pub return_label: Option<Attachment>,
    /// The support agent who registered the case for the customer, if one
    /// did.
    #[serde(default)]
    pub created_by: Option<String>,
}

/// What happens next on a case, in the customer's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NextStep {
    pub kind: NextStepKind,
    /// When the answer the customer waits for is due, if one is.
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub due_at: Option<DateTime<Utc>>,
}

/// The kinds of `NextStep`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NextStepKind {
    /// The merchant answers (by `due_at`).
    MerchantAnswers,
    /// The marketplace's support team reviews it.
    PlatformReviews,
    /// The merchant waits for the customer's reply.
    YourReply,
    /// Make the return label and send the item back.
    SendReturn,
    /// Closed: rate the support.
    RateSupport,
    /// Closed and rated: nothing to do.
    Done,
}

/// A marketplace's policy (PRODUCT.md §5), as its support team reads and
/// edits it (`GET`/`PUT /api/v1/policy`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Policy {
    pub settings: PolicySettings,
    /// The marketplace's currency (amounts are in its minor units).
    pub currency: String,
    /// Moves with every change; a change sends the version it edited.
    pub version: i64,
    /// The latest changes, newest first.
    pub changes: Vec<PolicyChange>,
}

/// What support may change of the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PolicySettings {
    /// The reasons the merchants handle themselves; any other goes to the
    /// platform.
    pub merchant_reasons: Vec<Reason>,
    /// Business hours for the first response, and for a follow-up.
    pub first_response_hours: i64,
    pub follow_up_hours: i64,
    /// Above this order value the merchant gets `high_value_extension_hours` more.
    pub high_value_threshold_minor: i64,
    pub high_value_extension_hours: i64,
    /// A breach refunds automatically up to this; above, it escalates.
    pub auto_refund_cap_minor: i64,
    /// Days after delivery a problem may be reported.
    pub reporting_window_days: i64,
    /// Customer satisfaction target, and the level below which it warns.
    pub rating_target_percent: i64,
    pub rating_warning_percent: i64,
}

/// `PUT /api/v1/policy`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PolicyInput {
    pub version: i64,
    pub settings: PolicySettings,
}

/// One recorded change of the policy: who, when, what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PolicyChange {
    pub changed_by: String,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub changed_at: DateTime<Utc>,
    /// The fields changed, with their values before and after.
    pub fields: Vec<FieldChange>,
}

/// One field of a policy change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

/// The customer's rating of a closed case's support.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Rating {
    pub score: RatingScore,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub rated_at: DateTime<Utc>,
    /// Until when the customer may change it.
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub changeable_until: DateTime<Utc>,
}

/// `POST /cases/{id}/rating`: rate the support of a closed case (again,
/// within 7 days, to change it).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewRating {
    pub score: RatingScore,
    /// Up to 1,000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

/// `POST /cases/{id}/dispute`: the customer, within 14 days of a
/// rejection, asks the platform to decide.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Dispute {
    pub version: i64,
    /// Why the rejection is wrong (up to 2,000 characters).
    pub reason: String,
}

/// `POST /cases/{id}/hand-back`: support gives a platform case back to
/// the merchant to answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HandBack {
    pub version: i64,
    /// What the merchant should do, for the merchant (up to 2,000
    /// characters).
    pub note: String,
}

/// A decision drafted on a case (the "concept"), to be sent later, alone or
/// with others in one bulk send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PreparedDecision {
    pub kind: DecisionKind,
    /// Refunds: the amount that will be refunded; proposals: the refund
    /// offered, if any.
    pub amount_minor: Option<i64>,
    pub note: Option<String>,
    /// The lines refunded (or offered) one by one, when chosen so.
    #[serde(default)]
    pub lines: Vec<RefundLine>,
    /// The name of the agent who prepared it.
    pub prepared_by: String,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub prepared_at: DateTime<Utc>,
}

/// What the desk proposed in the chat, open until the customer accepts it
/// (`POST /cases/{id}/proposal/accept`) or the desk decides otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Proposal {
    /// The offer, in the desk's words (also a message in the conversation).
    pub note: String,
    /// The refund the customer gets by accepting, if any.
    pub amount_minor: Option<i64>,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub made_at: DateTime<Utc>,
}

/// A notice shown at the top of a case for the agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    try_from = "crate::tagged::RawAlert"
)]
pub enum CaseAlert {
    /// The order is worth more than the marketplace's high-value threshold
    /// (which also earns the merchant an extra business day to respond).
    HighValue {
        order_total_minor: i64,
        threshold_minor: i64,
    },
    /// The customer has claimed before: other cases in the past year.
    RepeatClaimant { other_cases: i64 },
    /// The customer asked for a free exchange (a replacement) rather than
    /// a refund.
    FreeExchange,
    /// The merchant's satisfaction score over 30 days is below the
    /// marketplace's target: `score_percent`, and `down` thumbs down among
    /// its last `of` rated cases.
    LowSatisfaction {
        score_percent: i64,
        down: i64,
        of: i64,
    },
    /// A photo the customer sent is the same picture (by its perceptual
    /// hash) as one a customer sent with another case of the marketplace
    /// at `sent_at`: by this customer or another. `other_case` is that
    /// case's id when the reader may open it (support, or the same
    /// merchant); a merchant hears of another merchant's case without it.
    /// The desk's only.
    SamePhoto {
        other_case: Option<CaseId>,
        sent_at: DateTime<Utc>,
        same_customer: bool,
    },
}

/// One message of the conversation with the customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageView {
    pub id: i64,
    pub author_name: String,
    pub author_role: Role,
    pub body: String,
    pub attachments: Vec<Attachment>,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub created_at: DateTime<Utc>,
    /// When the other side first read it (the customer a message of the
    /// desk's, anyone at the desk a message of the customer's); `None`:
    /// sent, not read yet.
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub read_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/cases/{id}/read`: the reader has seen the conversation up
/// to and including message `up_to`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarkRead {
    pub up_to: i64,
}

/// `event: read` on the stream: messages of case `id` were read, by the
/// customer (`by_customer`) or by the desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseRead {
    pub id: CaseId,
    pub by_customer: bool,
}

/// `PUT /api/v1/cases/{id}/presence`: the user has the case open (sent
/// again every few seconds while they do), and whether they are typing.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PresenceInput {
    #[serde(default)]
    pub typing: bool,
}

/// Who is on a case now (`event: presence` on the stream, and the answer
/// of `PUT /presence`). The desk sees every colleague with the case open;
/// the customer sees no one, only whether the desk is typing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CasePresence {
    pub id: CaseId,
    pub viewers: Vec<Viewer>,
    pub desk_typing: bool,
}

/// One person of the desk with a case open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Viewer {
    pub user_id: i64,
    pub name: String,
    pub typing: bool,
}

/// An internal note: merchant agents and support only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoteView {
    pub id: i64,
    pub author_name: String,
    pub body: String,
    pub attachments: Vec<Attachment>,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub created_at: DateTime<Utc>,
}

/// One entry of a case's audit trail, typed so the SPA can word it in the
/// reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventView {
    pub id: i64,
    pub kind: EventKind,
    /// `None` when the system acted (the response clock, a sweep).
    pub actor_name: Option<String>,
    pub from: Option<Status>,
    pub to: Option<Status>,
    pub outcome: Option<Outcome>,
    pub amount_minor: Option<i64>,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub created_at: DateTime<Utc>,
}

/// `POST /cases/{id}/messages` and `/notes`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewPost {
    /// The case version the writer saw.
    pub version: i64,
    pub body: String,
    /// Files uploaded with `POST /attachments` to attach (at most 10).
    #[serde(default)]
    pub attachment_ids: Vec<i64>,
}

/// What the desk decides (`POST /cases/{id}/decision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Refund (all or part of the claimed value) and close.
    Refund,
    /// Send a replacement and close.
    Replacement,
    /// Issue a return label; the case parks until the parcel arrives.
    ReturnLabel,
    /// Decline, with a reason the customer sees.
    Reject,
    /// Propose something in the chat (a partial refund, a discount) that
    /// the customer may accept; accepting resolves the case.
    Proposal,
}

/// One order line refunded (or offered) by quantity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RefundLine {
    /// The order line's id (`OrderLineView::id`); the case must claim it.
    pub line_id: i64,
    /// How many, 1 to the claimed quantity.
    pub quantity: i64,
}

/// `POST /cases/{id}/decision`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Decision {
    pub version: i64,
    pub kind: DecisionKind,
    /// Refunds only: how much, at most the claimed value; the full claimed
    /// value when left out.
    #[serde(default)]
    pub amount_minor: Option<i64>,
    /// Rejection reason or proposal (required for both) or instructions
    /// for the customer.
    #[serde(default)]
    pub note: Option<String>,
    /// Refunds and proposals: the claimed lines refunded, by quantity; the
    /// amount is then their sum (`amount_minor`, when also sent, must equal it).
    #[serde(default)]
    pub lines: Vec<RefundLine>,
}

/// `POST /api/v1/prepared/send`: send the prepared decisions of these
/// cases (1 to 200), each as the version the sender saw.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkSend {
    pub cases: Vec<BulkCase>,
}

/// One case of a bulk send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkCase {
    pub id: CaseId,
    pub version: i64,
}

/// What a bulk send did: one outcome per requested case, in request order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkResult {
    pub results: Vec<BulkOutcome>,
}

/// One case's outcome in a bulk send: sent (with the status it moved to),
/// or refused with the problem a single decision would have met.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkOutcome {
    pub id: CaseId,
    pub ok: bool,
    /// The case's status after the send (when `ok`).
    pub status: Option<Status>,
    /// Why this case was not sent (when not `ok`).
    pub problem: Option<Problem>,
}

/// Writes that only need the version the writer saw (return received,
/// release the hold).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Versioned {
    pub version: i64,
}

/// `POST /cases/{id}/hold`: take the case; taking it from a colleague must
/// be asked for explicitly.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TakeHold {
    pub version: i64,
    #[serde(default)]
    pub take_over: bool,
}

/// `PATCH /cases/{id}`: the case's toggles.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseToggles {
    pub version: i64,
    pub free_return: bool,
}

/// One of the signed-in customer's orders (`GET /api/v1/orders`), with
/// what is left to report on each line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerOrder {
    /// The order's id, for `NewCase::order_id`.
    pub id: i64,
    pub number: String,
    /// The order number from before the marketplace migrated, where present.
    pub legacy_number: Option<String>,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub placed_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub delivered_at: Option<DateTime<Utc>>,
    pub merchant_name: String,
    pub currency: String,
    pub lines: Vec<CustomerOrderLine>,
    /// The last moment a problem may be reported (the marketplace's window
    /// after delivery); `None` while the order is not delivered.
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub report_until: Option<DateTime<Utc>>,
    /// Whose order it is: in support's search only (a customer's own
    /// list leaves these out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    /// The cases already on the order, oldest first.
    #[serde(default)]
    pub cases: Vec<OrderCase>,
}

/// A case on an order, as the order's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderCase {
    pub id: CaseId,
    pub status: Status,
}

/// One line of a customer's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerOrderLine {
    /// The order line's id, for `RefundLine::line_id` in a `NewCase`.
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub image_url: Option<String>,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// How many may still be reported: the quantity less what cases on the
    /// order (open or closed) already claim of this line.
    pub claimable_quantity: i64,
}

/// `POST /api/v1/cases`: a customer reports a problem with one of their
/// orders.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewCase {
    /// `CustomerOrder::id`.
    pub order_id: i64,
    pub kind: Kind,
    /// Must fit the kind (`Kind::reasons`).
    pub reason: Reason,
    /// What happened, 1 to 2,000 characters.
    pub description: String,
    /// The lines claimed, each a line of the order, once, from 1 to its
    /// `claimable_quantity`.
    pub lines: Vec<RefundLine>,
    /// Photos uploaded with `POST /attachments` by the reporter, not
    /// attached to anything yet (at most 10).
    #[serde(default)]
    pub attachment_ids: Vec<i64>,
    /// The customer would like a free exchange (a replacement) rather than
    /// a refund.
    #[serde(default)]
    pub free_exchange: bool,
}

/// How many cases an inbox holds (`GET /api/v1/inbox-counts`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboxCount {
    pub inbox: Inbox,
    pub count: i64,
}

/// One field that failed validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldError {
    /// The JSON name of the field.
    pub field: String,
    /// A stable code the SPA translates, e.g. `required`, `invalid_email`.
    pub code: String,
    /// An English explanation for API users.
    pub message: String,
}

/// An RFC 9457 problem details document, sent as `application/problem+json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Problem {
    /// A stable URI naming the kind of problem, e.g. `urn:claimdesk:problem:not-found`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With `429`: how many seconds to wait before trying again (also sent
    /// as `Retry-After`), so the UI can say when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

/// `GET /api/v1/health`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// A saved answer (`/api/v1/quick-texts`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QuickText {
    pub id: i64,
    pub title: String,
    pub locale: Locale,
    /// May contain the placeholders of `quick_text::PLACEHOLDERS`, e.g. `{customer_name}`.
    pub body: String,
    pub version: i64,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub updated_at: DateTime<Utc>,
}

/// Creating or changing a quick text; `version` is required to change one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QuickTextInput {
    #[serde(default)]
    pub version: Option<i64>,
    pub title: String,
    pub locale: Locale,
    pub body: String,
}

/// Which response a deadline is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    /// The first answer to a new case (24 business hours).
    First,
    /// The answer to a customer's reply (72 business hours).
    FollowUp,
}

/// What happens when a deadline passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(
    tag = "action",
    rename_all = "snake_case",
    try_from = "crate::tagged::RawBreach"
)]
pub enum OnBreach {
    /// The customer is refunded this much automatically and the case resolves.
    AutoRefund { amount_minor: i64 },
    /// The case goes to the platform's support team.
    Escalate,
}

impl OnBreach {
    /// What a breach does to a claim with `open_claim_minor` left: refund
    /// it automatically up to the marketplace's cap, escalate above it.
    pub fn for_open_claim(open_claim_minor: i64, auto_refund_cap_minor: i64) -> OnBreach {
        if open_claim_minor <= auto_refund_cap_minor {
            OnBreach::AutoRefund {
                amount_minor: open_claim_minor,
            }
        } else {
            OnBreach::Escalate
        }
    }
}

/// A day the clock skipped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SkippedDay {
    #[serde(deserialize_with = "crate::timestamp::date")]
    pub date: chrono::NaiveDate,
    /// The public holiday's name; `None` for a weekend day.
    pub holiday: Option<String>,
}

/// A stretch during which the clock was paused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClockPause {
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub from: DateTime<Utc>,
    /// `None` while still paused.
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub to: Option<DateTime<Utc>>,
    pub status: Status,
}

/// The merchant's next response deadline and how it was computed
/// (`GET /api/v1/cases/{id}/deadline`). The SPA only counts down to `due_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeadlineView {
    pub response: ResponseKind,
    #[serde(deserialize_with = "crate::timestamp::utc")]
    pub started_at: DateTime<Utc>,
    /// `None` while the clock is paused.
    #[serde(default, deserialize_with = "crate::timestamp::utc_option")]
    pub due_at: Option<DateTime<Utc>>,
    /// Business time allowed, extension included, in minutes.
    pub budget_minutes: i64,
    /// Business time left when computed (negative once passed), in minutes.
    pub remaining_minutes: i64,
    /// Whether the high-value extension (one business day) applies.
    pub extended: bool,
    pub high_value_threshold_minor: i64,
    pub currency: String,
    /// The marketplace's time zone, in which business days are counted.
    pub time_zone: String,
    pub skipped_days: Vec<SkippedDay>,
    pub pauses: Vec<ClockPause>,
    pub on_breach: OnBreach,
}

/// One committed change to a case, as `GET /api/v1/stream` sends it
/// (`event: case`): whatever shows the case is out of date when `version`
/// is newer than the one it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseChanged {
    pub id: CaseId,
    pub version: i64,
    pub status: Status,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-line refund is additive: a decision as sent before it (no
    /// `lines`) still reads, and lines travel as `{line_id, quantity}`.
    #[test]
    fn decisions_read_with_and_without_lines() {
        let old: Decision =
            serde_json::from_str(r#"{"version":3,"kind":"refund","amount_minor":100}"#).unwrap();
        assert!(old.lines.is_empty());
        let new: Decision = serde_json::from_str(
            r#"{"version":3,"kind":"proposal","note":"10 % off","lines":[{"line_id":7,"quantity":2}]}"#,
        )
        .unwrap();
        assert_eq!(new.kind, DecisionKind::Proposal);
        assert_eq!(
            new.lines,
            [RefundLine {
                line_id: 7,
                quantity: 2
            }]
        );
        assert_eq!(
            serde_json::to_value(DecisionKind::Proposal).unwrap(),
            "proposal"
        );
    }

    /// A report as the SPA sends it, with and without its optional fields;
    /// an order as the server sends it reads back.
    #[test]
    fn reports_and_customer_orders_read() {
        let minimal: NewCase = serde_json::from_str(
            r#"{"order_id":7,"kind":"complaint","reason":"damaged","description":"Cracked","lines":[{"line_id":3,"quantity":1}]}"#,
        )
        .unwrap();
        assert!(minimal.attachment_ids.is_empty());
        assert!(!minimal.free_exchange);
        assert_eq!(minimal.reason, Reason::Damaged);
        let order = CustomerOrder {
            id: 7,
            number: "FM4100013".to_owned(),
            legacy_number: None,
            placed_at: DateTime::parse_from_rfc3339("2026-11-01T09:30:00Z")
                .unwrap()
                .with_timezone(&Utc),
            delivered_at: None,
            merchant_name: "Nordic Home AB".to_owned(),
            currency: "SEK".to_owned(),
            lines: vec![CustomerOrderLine {
                id: 3,
                sku: "NH-1".to_owned(),
                title: "Lamp".to_owned(),
                image_url: Some("/api/v1/files/1".to_owned()),
                quantity: 2,
                unit_price_minor: 64_900,
                claimable_quantity: 1,
            }],
            report_until: None,
            customer_name: None,
            customer_email: None,
            cases: Vec::new(),
        };
        let json = serde_json::to_string(&order).unwrap();
        assert_eq!(serde_json::from_str::<CustomerOrder>(&json).unwrap(), order);
    }

    #[test]
    fn prepared_decisions_and_proposals_round_trip() {
        let at = DateTime::parse_from_rfc3339("2026-11-18T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let prepared = PreparedDecision {
            kind: DecisionKind::Refund,
            amount_minor: Some(64_900),
            note: None,
            lines: vec![RefundLine {
                line_id: 1,
                quantity: 1,
            }],
            prepared_by: "Anna Lindqvist".to_owned(),
            prepared_at: at,
        };
        let json = serde_json::to_string(&prepared).unwrap();
        assert_eq!(
            serde_json::from_str::<PreparedDecision>(&json).unwrap(),
            prepared
        );
        let proposal = Proposal {
            note: "A 20 % discount".to_owned(),
            amount_minor: None,
            made_at: at,
        };
        let json = serde_json::to_string(&proposal).unwrap();
        assert_eq!(serde_json::from_str::<Proposal>(&json).unwrap(), proposal);
        let outcome: BulkOutcome = serde_json::from_str(
            r#"{"id":"C-10001","ok":false,"status":null,"problem":{"type":"urn:claimdesk:problem:stale-version","title":"t","status":409}}"#,
        )
        .unwrap();
        assert_eq!(outcome.id, CaseId(10001));
        assert_eq!(outcome.problem.unwrap().status, 409);
    }
}
