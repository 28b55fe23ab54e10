//! Drafts that survive reloads and failed sends: the text a user typed, the
//! files uploaded for it, and the idempotency key of its pending send, kept
//! in `localStorage` per case and composer (`DraftSlot`), or per user for a
//! report being written (`ReportSlot`), until the server confirms.

use claimdesk_shared::wire::Attachment;
use claimdesk_shared::{CaseId, Reason};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The value saved as JSON under `slot`, if any and still readable.
fn load_json<T: DeserializeOwned>(slot: &str) -> Option<T> {
    let text = storage()?.get_item(slot).ok().flatten()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

/// Saves `value` as JSON under `slot`.
fn save_json<T: Serialize>(slot: &str, value: &T) {
    let Some(s) = storage() else { return };
    let json = serde_wasm_bindgen::to_value(value)
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .and_then(|text| text.as_string());
    if let Some(json) = json {
        // A full or disabled storage only costs the draft's survival.
        let _ = s.set_item(slot, &json);
    }
}

/// Saves the files uploaded for a draft under `slot` (none: forgets them).
fn save_files(slot: &str, files: &[Attachment]) {
    if files.is_empty() {
        remove(slot);
    } else {
        save_json(slot, &files);
    }
}

fn remove(slot: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(slot);
    }
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
        load_json(&format!("{}.files", self.0)).unwrap_or_default()
    }

    /// Remembers the draft's files (none: forgets them).
    pub fn save_files(&self, files: &[Attachment]) {
        save_files(&format!("{}.files", self.0), files);
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

/// A report being written on the customer's report form: everything it
/// holds, and the idempotency key its sends share, so that a reload neither
/// loses it nor, after a send whose answer was lost, reports it twice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportDraft {
    pub order_id: i64,
    /// How many of each order line, by line id (lines left at 0 omitted).
    pub quantities: Vec<(i64, i64)>,
    pub reason: Option<Reason>,
    pub description: String,
    pub exchange: bool,
    pub files: Vec<Attachment>,
    pub key: String,
    /// It was sent, and no answer came (or none was seen before the page
    /// went away).
    pub unanswered: bool,
}

/// Where one user's report draft lives: per user, so that on a shared
/// computer nobody else's report opens in front of them. One item per
/// field, as plain text (the files as the composers keep theirs): a serde
/// form of the whole draft cost 2.8 KB of the download's budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSlot(String);

/// The draft's items besides its files, in the order `ReportSlot::texts`
/// writes them: saving and clearing go through the same list.
const REPORT_ITEMS: [&str; 7] = [
    "order",
    "lines",
    "reason",
    "text",
    "exchange",
    "key",
    "unanswered",
];

impl ReportSlot {
    pub fn of(user_id: i64) -> ReportSlot {
        ReportSlot(format!("claimdesk.report.{user_id}"))
    }

    fn item(&self, field: &str) -> String {
        format!("{}.{field}", self.0)
    }

    fn get(&self, field: &str) -> Option<String> {
        storage()?.get_item(&self.item(field)).ok().flatten()
    }

    /// The saved draft (blank if there is none).
    pub fn load(&self) -> ReportDraft {
        let number = |text: &str| text.parse::<i64>().ok();
        ReportDraft {
            order_id: self
                .get("order")
                .and_then(|t| number(&t))
                .unwrap_or_default(),
            quantities: self
                .get("lines")
                .unwrap_or_default()
                .split(' ')
                .filter_map(|pair| {
                    let (line, count) = pair.split_once(':')?;
                    Some((number(line)?, number(count)?))
                })
                .collect(),
            reason: self.get("reason").and_then(|t| t.parse().ok()),
            description: self.get("text").unwrap_or_default(),
            exchange: self.get("exchange").is_some(),
            files: load_json(&self.item("files")).unwrap_or_default(),
            key: self.get("key").unwrap_or_default(),
            unanswered: self.get("unanswered").is_some(),
        }
    }

    /// Saves the draft; one with nothing the user put in is removed.
    pub fn save(&self, draft: &ReportDraft) {
        let blank = draft.quantities.is_empty()
            && draft.reason.is_none()
            && draft.description.trim().is_empty()
            && draft.files.is_empty();
        self.write(if blank { None } else { Some(draft) });
    }

    /// Forgets the draft once the server has the report.
    pub fn clear(&self) {
        self.write(None);
    }

    /// Writes every item of `draft`, or removes them all.
    fn write(&self, draft: Option<&ReportDraft>) {
        let Some(s) = storage() else { return };
        let texts = draft.map(ReportSlot::texts).unwrap_or_default();
        for (item, value) in REPORT_ITEMS.into_iter().zip(texts) {
            // A full or disabled storage only costs the draft's survival.
            let _ = match value {
                Some(value) => s.set_item(&self.item(item), &value),
                None => s.remove_item(&self.item(item)),
            };
        }
        save_files(&self.item("files"), draft.map_or(&[], |d| &d.files));
    }

    /// The draft's items as text (none: not set), in `REPORT_ITEMS` order.
    fn texts(draft: &ReportDraft) -> [Option<String>; 7] {
        let lines: Vec<String> = draft
            .quantities
            .iter()
            .map(|(line, count)| format!("{line}:{count}"))
            .collect();
        [
            Some(draft.order_id.to_string()),
            Some(lines.join(" ")),
            draft.reason.map(|r| r.as_str().to_owned()),
            Some(draft.description.clone()),
            draft.exchange.then(|| "1".to_owned()),
            Some(draft.key.clone()),
            draft.unanswered.then(|| "1".to_owned()),
        ]
    }
}
