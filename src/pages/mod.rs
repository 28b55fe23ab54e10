//! One page per route.

pub mod case;
pub mod home;
pub mod inbox;
pub mod metrics;
pub mod not_found;
pub mod orders;
pub mod policy;
pub mod quick_texts;
pub mod report;
pub mod sign_in;
