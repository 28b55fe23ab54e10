//! The inbox reads as they were sent: answers of `GET /cases` and
//! `GET /inbox-counts` (their JSON and `ETag`), kept per scope until a
//! change to one of the scope's cases commits.
//!
//! Every agent of a desk refetches the inbox in view and the counts after
//! every live update (`live.rs`), all at once, so most of these requests
//! ask for exactly what another agent of the same merchant is being sent:
//! the inbox's count, its page, the summaries, their JSON and the ETag's
//! hash are then made once per change instead of once per agent. Requests
//! that miss together wait for the first one's answer instead of each
//! running the same queries.
//!
//! Never stale: `CaseWrite::commit` calls `changed` once the transaction
//! has committed and before the write answers or its live update leaves.
//! `changed` drops the pages (ready or still being read) of every scope
//! that sees the case, so the next request, anyone's, reads the database
//! after the commit. A page being read when its scope changes is not kept,
//! and goes only to the requests that were already waiting for it, which
//! were as concurrent with the write as the write was with them.
//!
//! In process only, like the live updates: a second server instance would
//! have to drop its pages on the other's changes, fanned out between
//! instances as the live updates would be (PostgreSQL LISTEN/NOTIFY), and
//! until a change arrived it could send a page one change old; or it would
//! read a per-scope generation from the database on every request.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::error::AppError;
use crate::scope::{CaseOwners, Scope};

/// All pages together stay under this size; above it every page is dropped
/// (the next requests fill the cache again).
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The most pages kept per scope (queries differ by inbox, search, filters,
/// page); above it the scope's pages are dropped.
const MAX_PAGES_PER_SCOPE: usize = 256;

/// A JSON answer as sent: the body and its `ETag`.
#[derive(Clone, Debug)]
pub struct Page {
    json: Bytes,
    etag: HeaderValue,
}

impl Page {
    /// `value` as JSON, tagged as `etag::conditional_get` would tag it.
    pub fn of(value: &impl Serialize) -> Result<Page, AppError> {
        let json = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))?;
        let etag = crate::etag::tag(&json);
        Ok(Page {
            json: Bytes::from(json),
            etag,
        })
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (header::ETAG, self.etag),
            ],
            Body::from(self.json),
        )
            .into_response()
    }
}

/// One page: ready, or being read by the first request that missed.
type Slot = Arc<OnceCell<Page>>;

#[derive(Debug, Default)]
struct ScopePages {
    slots: HashMap<String, Slot>,
    /// The size of the pages read into `slots`.
    bytes: usize,
}

#[derive(Debug, Default)]
struct Pages {
    scopes: HashMap<Scope, ScopePages>,
    /// The size of every page read into `scopes`.
    bytes: usize,
}

impl Pages {
    fn drop_scope(&mut self, scope: &Scope) {
        if let Some(dropped) = self.scopes.remove(scope) {
            self.bytes -= dropped.bytes;
        }
    }
}

/// The pages of every scope, held in `AppState`.
#[derive(Debug, Default)]
pub struct PageCache {
    pages: Mutex<Pages>,
}

impl PageCache {
    pub fn new() -> PageCache {
        PageCache::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pages> {
        // Nothing is left half-done under the lock that a later request
        // could trust: go on after a panic.
        self.pages.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The page kept for `key` in `scope`, or the one `read` makes (then
    /// kept, unless the scope changes first). `key` must name everything
    /// the answer depends on besides the scope's cases: the normalised
    /// query, the role, and the user where the answer is theirs.
    pub async fn get_or_read<F, Fut>(
        &self,
        scope: Scope,
        key: String,
        read: F,
    ) -> Result<Page, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Page, AppError>>,
    {
        let slot = {
            let mut pages = self.lock();
            let scope_pages = pages.scopes.entry(scope).or_default();
            if let Some(slot) = scope_pages.slots.get(&key) {
                if let Some(page) = slot.get() {
                    return Ok(page.clone());
                }
                slot.clone()
            } else {
                if scope_pages.slots.len() >= MAX_PAGES_PER_SCOPE {
                    pages.drop_scope(&scope);
                }
                let slot = Slot::default();
                pages
                    .scopes
                    .entry(scope)
                    .or_default()
                    .slots
                    .insert(key.clone(), slot.clone());
                slot
            }
        };
        let page = slot
            .get_or_try_init(|| async {
                let page = read().await?;
                self.account(scope, &key, &slot, page.json.len());
                Ok::<_, AppError>(page)
            })
            .await?;
        Ok(page.clone())
    }

    /// Counts a page just read, if it is still in the cache.
    fn account(&self, scope: Scope, key: &str, slot: &Slot, bytes: usize) {
        let mut pages = self.lock();
        let Some(scope_pages) = pages.scopes.get_mut(&scope) else {
            return;
        };
        if !scope_pages
            .slots
            .get(key)
            .is_some_and(|kept| Arc::ptr_eq(kept, slot))
        {
            return;
        }
        scope_pages.bytes += bytes;
        pages.bytes += bytes;
        if pages.bytes > MAX_BYTES {
            pages.scopes.clear();
            pages.bytes = 0;
        }
    }

    /// A change to a case owned by `owners` committed: every scope that
    /// sees the case drops its pages.
    pub fn changed(&self, owners: CaseOwners) {
        let mut pages = self.lock();
        pages.drop_scope(&Scope::Merchant(owners.merchant_id));
        pages.drop_scope(&Scope::Customer(owners.customer_id));
        pages.drop_scope(&Scope::Marketplace(owners.marketplace_id));
    }

    /// Anything may have changed (cases written outside `CaseWrite`).
    pub fn clear(&self) {
        let mut pages = self.lock();
        pages.scopes.clear();
        pages.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const OWNERS: CaseOwners = CaseOwners {
        merchant_id: 1,
        customer_id: 2,
        marketplace_id: 3,
    };

    fn page(text: &str) -> Result<Page, AppError> {
        Page::of(&text)
    }

    fn text(page: &Page) -> String {
        serde_json::from_slice(&page.json).unwrap()
    }

    #[tokio::test]
    async fn a_page_read_across_a_change_is_not_kept() {
        let cache = PageCache::new();
        let scope = Scope::Merchant(1);
        let read_before = cache
            .get_or_read(scope, "open".into(), || async {
                // The change commits while this page is being read.
                cache.changed(OWNERS);
                page("before")
            })
            .await
            .unwrap();
        assert_eq!(text(&read_before), "before");
        let next = cache
            .get_or_read(scope, "open".into(), || async { page("after") })
            .await
            .unwrap();
        assert_eq!(text(&next), "after", "read again, not the page of before");
        let kept = cache
            .get_or_read(scope, "open".into(), || async { page("again") })
            .await
            .unwrap();
        assert_eq!(text(&kept), "after");
    }

    #[tokio::test]
    async fn a_change_drops_the_pages_of_every_scope_that_sees_the_case_and_no_other() {
        let cache = PageCache::new();
        let seeing = [
            Scope::Merchant(1),
            Scope::Customer(2),
            Scope::Marketplace(3),
        ];
        let others = [
            Scope::Merchant(2),
            Scope::Customer(1),
            Scope::Marketplace(1),
        ];
        for scope in seeing.iter().chain(&others) {
            cache
                .get_or_read(*scope, "k".into(), || async { page("old") })
                .await
                .unwrap();
        }
        cache.changed(OWNERS);
        for scope in seeing {
            let read = cache
                .get_or_read(scope, "k".into(), || async { page("new") })
                .await
                .unwrap();
            assert_eq!(text(&read), "new", "{scope:?}");
        }
        for scope in others {
            let read = cache
                .get_or_read(scope, "k".into(), || async { page("new") })
                .await
                .unwrap();
            assert_eq!(text(&read), "old", "{scope:?}");
        }
    }

    #[tokio::test]
    async fn requests_that_miss_together_read_once() {
        let cache = PageCache::new();
        let reads = AtomicUsize::new(0);
        let read = || async {
            reads.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            page("p")
        };
        let scope = Scope::Marketplace(3);
        let (a, b, c) = tokio::join!(
            cache.get_or_read(scope, "k".into(), read),
            cache.get_or_read(scope, "k".into(), read),
            cache.get_or_read(scope, "k".into(), read),
        );
        for answer in [a, b, c] {
            assert_eq!(text(&answer.unwrap()), "p");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept() {
        let cache = PageCache::new();
        let scope = Scope::Merchant(1);
        let failed = cache
            .get_or_read(scope, "k".into(), || async {
                Err(AppError::Internal(anyhow::anyhow!("database down")))
            })
            .await;
        assert!(failed.is_err());
        let read = cache
            .get_or_read(scope, "k".into(), || async { page("p") })
            .await
            .unwrap();
        assert_eq!(text(&read), "p");
    }
}
