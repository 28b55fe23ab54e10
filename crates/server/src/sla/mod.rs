//! The response clock (PRODUCT.md §5): business calendars and business-time
//! arithmetic (`calendar`), and deadlines with what explains them
//! (`deadline`), as pure functions. Sending deadlines over the API, the
//! breach sweep (auto-refund or escalation) and the SPA's countdown come next.

pub mod calendar;
pub mod clock;
pub mod deadline;
