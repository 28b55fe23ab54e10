//! The response clock (PRODUCT.md §5). Today: the business calendars and
//! business-time arithmetic every deadline is built on; the deadlines
//! themselves, their explanations and the breach sweep come next.

pub mod calendar;
