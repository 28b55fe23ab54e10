//! The domain layer: what the product's rules say and how each change to a
//! case is carried out, between the HTTP edge (`routes/`) and the storage
//! layer (`store/`). Nothing here sees HTTP or SQL: rules take and return
//! plain values and `AppError`, and changes go through `CaseWrite` and the
//! named operations of `store::Tx`. The response clock (`sla/`) and the
//! sweeps (`sweeps.rs`) belong to this layer too.

pub mod case_tools;
pub mod case_view;
pub mod case_write;
pub mod closing;
pub mod decision_rules;
pub mod decisions;
pub mod emails;
pub mod evidence;
pub mod metrics;
pub mod policy;
pub mod posts;
pub mod presence;
pub mod reports;
pub mod return_label;
pub mod text;
