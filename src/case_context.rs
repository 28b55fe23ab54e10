//! What every part of an open case needs to say after a write: "reload the
//! case" (and the inbox counts), and whether the reload happened because
//! someone else changed the case first, which the page then tells the user.
//!
//! It lives on the case page, above the view that a reload replaces, so the
//! notice outlives the components that raised it.

use leptos::prelude::*;

/// The open case's refresh hooks, shared through context.
#[derive(Clone, Copy)]
pub struct CaseContext {
    refetch: Callback<()>,
    /// Set when the last write met a newer version of the case.
    pub stale: RwSignal<bool>,
}

impl CaseContext {
    /// A write went through: reload, and forget any earlier conflict.
    /// (Writes end after an await: the page may be gone by then, so these
    /// skip what was disposed.)
    pub fn changed(&self) {
        self.stale.try_set(false);
        self.refetch.try_run(());
    }

    /// A write met a newer version: reload and say so.
    pub fn conflicted(&self) {
        self.stale.try_set(true);
        self.refetch.try_run(());
    }
}

/// Puts the case context in place for the case page's children.
pub fn provide_case_context(refetch: Callback<()>) -> CaseContext {
    let context = CaseContext {
        refetch,
        stale: RwSignal::new(false),
    };
    provide_context(context);
    context
}

/// The case context from the case page.
pub fn use_case_context() -> CaseContext {
    expect_context::<CaseContext>()
}
