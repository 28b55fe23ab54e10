//! Drafts that survive reloads and failed sends: the text a user typed, the
//! files uploaded for it, and the idempotency key of its pending send, kept
//! in `localStorage` per case and composer until the server confirms.

use claimdesk_shared::wire::Attachment;
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

    /// The files uploaded for the draft and not sent yet.
    pub fn files(&self) -> Vec<Attachment> {
        storage()
            .and_then(|s| s.get_item(&format!("{}.files", self.0)).ok().flatten())
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .and_then(|value| serde_wasm_bindgen::from_value(value).ok())
            .unwrap_or_default()
    }

    /// Remembers the draft's files (none: forgets them).
    pub fn save_files(&self, files: &[Attachment]) {
        let Some(s) = storage() else { return };
        let slot = format!("{}.files", self.0);
        let json = serde_wasm_bindgen::to_value(files)
            .ok()
            .and_then(|value| js_sys::JSON::stringify(&value).ok())
            .and_then(|text| text.as_string());
        let _ = match json {
            Some(json) if !files.is_empty() => s.set_item(&slot, &json),
            _ => s.remove_item(&slot),
        };
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

    /// Forgets text, files and key once the server has the post.
    pub fn clear(&self) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&self.0);
            let _ = s.remove_item(&format!("{}.key", self.0));
            let _ = s.remove_item(&format!("{}.files", self.0));
        }
    }
}
