//! Drafts that survive reloads and failed sends: the text a user typed, and
//! the idempotency key of its pending send, kept in `localStorage` per case
//! and composer until the server confirms.

use claimdesk_shared::CaseId;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Where one composer's draft lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftSlot(String);

impl DraftSlot {
    /// The slot of composer `name` (e.g. "message", "note") on case `id`.
    pub fn new(id: CaseId, name: &str) -> DraftSlot {
        DraftSlot(format!("claimdesk.draft.{id}.{name}"))
    }

    /// The saved text, or nothing.
    pub fn text(&self) -> String {
        storage()
            .and_then(|s| s.get_item(&self.0).ok().flatten())
            .unwrap_or_default()
    }

    /// Saves the text (an empty text removes the draft).
    pub fn save_text(&self, text: &str) {
        if let Some(s) = storage() {
            // A full or disabled storage only costs the draft's survival.
            let _ = if text.is_empty() {
                s.remove_item(&self.0)
            } else {
                s.set_item(&self.0, text)
            };
        }
    }

    /// The idempotency key of the send in flight, creating one if needed, so
    /// a retry after a failure (or a reload) is recognised as the same send.
    pub fn send_key(&self) -> String {
        let slot = format!("{}.key", self.0);
        if let Some(key) = storage().and_then(|s| s.get_item(&slot).ok().flatten()) {
            return key;
        }
        let key = crate::api::new_idempotency_key();
        if let Some(s) = storage() {
            let _ = s.set_item(&slot, &key);
        }
        key
    }

    /// Forgets text and key once the server has the post.
    pub fn clear(&self) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&self.0);
            let _ = s.remove_item(&format!("{}.key", self.0));
        }
    }
}
