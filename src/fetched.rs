//! Data fetched from the API into a signal: the app's stand-in for Leptos's
//! `LocalResource` + `Suspense`/`Transition`.
//!
//! Why not the framework's: each resource type instantiates the whole async
//! derived-signal machinery (wakers, subscriber bookkeeping, suspense
//! contexts), about 10 KB of download per resource — more than the screens
//! themselves (BENCHMARKS.md). This is one effect and one `spawn_local` per
//! fetch, with the same behaviour the app relied on: it re-runs when a
//! signal read by the fetcher changes, keeps the previous value on screen
//! until the next arrives (no flash of "Loading…"), ignores answers that a
//! newer fetch has overtaken, and never writes to a disposed view.

use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::error_view::ErrorView;
use crate::components::loading::Loading;

/// The latest answer of a fetch; `Copy`, like a signal.
pub struct Fetched<T: Send + Sync + 'static> {
    value: RwSignal<Option<Result<T, ApiError>>>,
    again: RwSignal<u64>,
}

impl<T: Send + Sync + 'static> Clone for Fetched<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Fetched<T> {}

impl<T: Clone + Send + Sync + 'static> Fetched<T> {
    /// Starts `fetch` now and again whenever a signal it reads (before its
    /// first `.await`) changes, or on `refetch`.
    pub fn new<Fut>(fetch: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let value = RwSignal::new(None);
        let again = RwSignal::new(0u64);
        let latest = StoredValue::new(0u64);
        Effect::new(move |_| {
            again.track();
            let future = fetch();
            let generation = latest.get_value() + 1;
            latest.set_value(generation);
            leptos::task::spawn_local(async move {
                let outcome = future.await;
                // A newer fetch started meanwhile: its answer wins. A view
                // disposed meanwhile has nothing to update.
                if latest.try_get_value() == Some(generation) {
                    value.try_set(Some(outcome));
                }
            });
        });
        Fetched { value, again }
    }

    /// The latest answer (tracked); `None` until the first arrives.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.value.get()
    }

    /// The latest value, if the latest answer was one (tracked).
    pub fn ok(&self) -> Option<T> {
        self.value
            .with(|v| v.as_ref().and_then(|r| r.as_ref().ok()).cloned())
    }

    /// The latest value, if any, without tracking.
    pub fn value_untracked(&self) -> Option<T> {
        self.value
            .with_untracked(|v| v.as_ref().and_then(|r| r.as_ref().ok()).cloned())
    }

    /// Fetches again.
    pub fn refetch(&self) {
        self.again.update(|n| *n += 1);
    }

    /// "Loading…" until the first answer, then `view` of the value, or the
    /// error with a retry.
    pub fn view<V: IntoView + 'static>(
        self,
        view: impl Fn(T) -> V + Send + Sync + 'static,
    ) -> impl IntoView {
        move || match self.get() {
            None => Loading().into_any(),
            Some(Ok(value)) => view(value).into_any(),
            Some(Err(error)) => {
                view! { <ErrorView error=error on_retry=move |_| self.refetch()/> }.into_any()
            }
        }
    }
}
