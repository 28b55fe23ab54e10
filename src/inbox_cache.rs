//! Inbox pages this tab has already fetched, so going back to an inbox
//! shows it at once instead of after a round trip.
//!
//! A kept page is the server's answer as it still is: the live stream
//! (`live.rs`) reports every change to every case the user may see, and
//! any report empties the cache, as do a reconnect (what happened while the
//! stream was away is unknown), the user's own writes (their report may
//! arrive after the next navigation), and signing out. Pages are kept only
//! while the stream is connected, only if nothing changed while they were
//! being fetched, and never for queries that depend on the clock ("runs
//! out within 12 h", ages), whose answer changes with time alone. A page is
//! kept as the JSON it came as, and decoded again when shown.

use std::cell::{Cell, RefCell};

/// The most pages kept (each search term is a page of its own).
const MOST: usize = 20;

thread_local! {
    static PAGES: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
    /// Bumped by every `clear`: a fetch that began before it is not kept.
    static EPOCH: Cell<u64> = const { Cell::new(0) };
    static CONNECTED: Cell<bool> = const { Cell::new(false) };
}

/// The kept page for `url`, if any.
pub fn get(url: &str) -> Option<String> {
    PAGES.with_borrow(|pages| pages.iter().find(|(u, _)| u == url).map(|(_, p)| p.clone()))
}

/// Where the cache stands now; hand it back to `keep`.
pub fn epoch() -> u64 {
    EPOCH.get()
}

/// Keeps `page` for `url`, fetched from `since` (`epoch()` when the fetch
/// began), unless something changed since or the stream is away.
pub fn keep(url: String, page: &str, since: u64) {
    if since != EPOCH.get() || !CONNECTED.get() {
        return;
    }
    PAGES.with_borrow_mut(|pages| {
        pages.retain(|(u, _)| *u != url);
        if pages.len() == MOST {
            pages.remove(0);
        }
        pages.push((url, page.to_owned()));
    });
}

/// Forgets every page: something may have changed.
pub fn clear() {
    EPOCH.set(EPOCH.get() + 1);
    PAGES.with_borrow_mut(Vec::clear);
}

/// The stream is (dis)connected; either way, what was kept is forgotten.
pub fn connected(connected: bool) {
    CONNECTED.set(connected);
    clear();
}
