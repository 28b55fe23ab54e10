//! What the claimdesk SPA and the reference backend must agree on: the wire
//! types, the case status machine and the small pure rules around them.
//!
//! Invariant: this crate depends on nothing heavier than serde and chrono (and,
//! for the backend's OpenAPI document only, utoipa behind a feature). It never
//! touches a browser, a database or an async runtime.

pub mod case_id;
pub mod domain;
pub mod inbox;
pub mod metrics;
pub mod money;
pub mod quick_text;
pub mod status;
pub mod tagged;
pub mod timestamp;
pub mod wire;

pub use case_id::CaseId;
pub use domain::{
    CaseSort, CustomerKind, EventKind, Handler, Kind, Locale, Outcome, Payout, PlatformReason,
    RatingScore, Reason, Role, BREACH_WARNING_HOURS, DISPUTE_DAYS, RATING_CHANGE_DAYS,
};
pub use inbox::Inbox;
pub use status::{CaseAction, Status, TransitionError};
