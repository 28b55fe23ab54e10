//! A write in flight: whether it is pending, and why it last failed.
//!
//! Leptos's `Action` does this too, but every action instantiates its own
//! copy of the machinery (versions, input and value signals, a `Send`
//! wrapper around its future): about a kilobyte of download each
//! (BENCHMARKS.md). This is one non-generic copy; each write site only
//! boxes its future.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

use crate::api::ApiError;

/// The state of one button's (or form's) write; `Copy`, like a signal.
#[derive(Clone, Copy)]
pub struct Write {
    pending: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
}

impl Default for Write {
    fn default() -> Self {
        Write::new()
    }
}

impl Write {
    pub fn new() -> Write {
        Write {
            pending: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Whether the write is under way (tracked).
    pub fn pending(&self) -> bool {
        self.pending.get()
    }

    /// Why the last write failed, if it did (tracked).
    pub fn error(&self) -> Option<ApiError> {
        self.error.get()
    }

    /// Starts `write`, unless one is still under way (a double click sends
    /// once).
    pub fn run(self, write: impl Future<Output = Result<(), ApiError>> + 'static) {
        self.start(Box::pin(write));
    }

    fn start(self, write: Pin<Box<dyn Future<Output = Result<(), ApiError>>>>) {
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        self.error.set(None);
        leptos::task::spawn_local(async move {
            let result = write.await;
            // The view may be gone by now (the write reloaded the case).
            self.pending.try_set(false);
            self.error.try_set(result.err());
        });
    }
}
