//! Reusable pieces of the UI, one public component per file.

pub mod app_shell;
pub mod attachment_list;
pub mod case_table;
pub mod case_tools;
pub mod composer;
pub mod conversation;
pub mod deadline_chip;
pub mod deadline_details;
pub mod decision_panel;
pub mod error_view;
pub mod event_timeline;
pub mod language_switcher;
pub mod loading;
pub mod notes_panel;
pub mod quick_text_picker;
pub mod receipt;
pub mod status_badge;
