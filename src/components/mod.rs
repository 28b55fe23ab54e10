//! Reusable pieces of the UI, one public component per file.

pub mod app_shell;
pub mod case_table;
pub mod error_view;
pub mod language_switcher;
pub mod loading;
pub mod receipt;
pub mod status_badge;
