//! Live updates: every committed change to a case is published once, here,
//! and each event stream (`GET /api/v1/stream`, `routes/stream.rs`) forwards
//! the changes its user may see.
//!
//! Each change gets the next number of this process's sequence and is kept
//! in a log of the last `CAPACITY` changes, so a browser that lost its
//! connection comes back with `Last-Event-ID` and is sent exactly what it
//! missed (`since`). An id the log no longer covers, or one from before the
//! server started (the log is in memory), gets one `resync` instead: refetch
//! everything. The changes travel to the open streams through one
//! `tokio::sync::broadcast` channel; a stream that falls more than
//! `CAPACITY` behind is told to resync too.
//!
//! Presence (who has a case open, who is typing: `presence.rs`) travels on
//! a channel of its own, without ids: it is a state sent whole on every
//! change, not a history to replay.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use claimdesk_shared::wire::{CaseChanged, CaseRead};
use tokio::sync::{broadcast, watch};

use crate::scope::CaseOwners;

/// How many changes the log keeps for reconnecting streams, and how many a
/// stream may fall behind before it must resync.
pub const CAPACITY: usize = 1024;

/// What happened to a case, as the streams name it (`event:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// A committed write: `CaseChanged`, the case's new version.
    Case,
    /// Messages of the case were read by the other side: `CaseRead`.
    Read,
}

impl ChangeKind {
    pub fn event_name(self) -> &'static str {
        match self {
            ChangeKind::Case => "case",
            ChangeKind::Read => "read",
        }
    }
}

/// One published change, with what the streams need to filter it.
#[derive(Clone, Debug)]
pub struct CaseChange {
    /// Its place in this process's sequence: the stream's event id.
    pub seq: u64,
    pub kind: ChangeKind,
    /// Whose the case is: each stream checks its scope against this.
    pub owners: CaseOwners,
    /// The change as JSON, serialised once for every stream.
    pub json: Arc<str>,
    /// What the case's customer hears of it, as JSON (the customer's
    /// version); `None` when the change is the desk's alone.
    pub customer_json: Option<Arc<str>>,
}

/// The presence on one case changed: the desk's view of it (who, typing)
/// and the customer's (only whether the desk is typing).
#[derive(Clone, Debug)]
pub struct PresenceChange {
    pub owners: CaseOwners,
    pub desk_json: Arc<str>,
    pub customer_json: Arc<str>,
}

/// Where a stream resumes: the id of the last event it received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventId {
    /// Which run of the server numbered it (random per process).
    pub epoch: u32,
    pub seq: u64,
}

impl EventId {
    /// `"<epoch>-<seq>"`, as sent in `id:` and read from `Last-Event-ID`.
    pub fn parse(text: &str) -> Option<EventId> {
        let (epoch, seq) = text.trim().split_once('-')?;
        Some(EventId {
            epoch: u32::from_str_radix(epoch, 16).ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:x}-{}", self.epoch, self.seq)
    }
}

/// What a stream opening after `last` starts from.
pub struct Resumed {
    /// The changes after `last` still in the log, oldest first.
    pub missed: Vec<CaseChange>,
    /// `last` is older than the log (or of another run): the stream begins
    /// with a `resync`.
    pub resync: bool,
    /// The newest change published so far; the stream's position.
    pub latest: u64,
    /// Every change after `latest`.
    pub changes: broadcast::Receiver<CaseChange>,
}

#[derive(Debug, Default)]
struct Log {
    /// The number of the newest change (0: none yet).
    latest: u64,
    kept: VecDeque<CaseChange>,
}

/// The channels of committed changes and presence, held in `AppState`.
#[derive(Clone, Debug)]
pub struct Live {
    epoch: u32,
    log: Arc<Mutex<Log>>,
    changes: broadcast::Sender<CaseChange>,
    presence: broadcast::Sender<PresenceChange>,
    /// Set when the server shuts down: every stream ends, so the graceful
    /// shutdown need not wait for clients to hang up.
    closing: Arc<watch::Sender<bool>>,
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

impl Live {
    pub fn new() -> Live {
        // In process only: a second server instance would need the changes
        // and the log shared between instances (issue "Scale-out").
        let (changes, _) = broadcast::channel(CAPACITY);
        let (presence, _) = broadcast::channel(CAPACITY);
        Live {
            epoch: rand::random::<u32>() | 1,
            log: Arc::default(),
            changes,
            presence,
            closing: Arc::new(watch::Sender::new(false)),
        }
    }

    /// The id of change `seq` of this run.
    pub fn event_id(&self, seq: u64) -> EventId {
        EventId {
            epoch: self.epoch,
            seq,
        }
    }

    /// Publishes a committed write to every stream open now: `change` to
    /// the desk, `customer_change` (if any) to the case's customer.
    pub fn publish(
        &self,
        owners: CaseOwners,
        change: CaseChanged,
        customer_change: Option<CaseChanged>,
    ) {
        let Some(json) = serialise(&change) else {
            return;
        };
        let customer_json = customer_change.as_ref().and_then(serialise);
        self.append(ChangeKind::Case, owners, json, customer_json);
    }

    /// Tells both sides of a case that messages on it were read.
    pub fn publish_read(&self, owners: CaseOwners, read: CaseRead) {
        if let Some(json) = serialise(&read) {
            self.append(ChangeKind::Read, owners, json.clone(), Some(json));
        }
    }

    fn append(
        &self,
        kind: ChangeKind,
        owners: CaseOwners,
        json: Arc<str>,
        customer_json: Option<Arc<str>>,
    ) {
        // Numbered, kept and sent under one lock, so a stream resuming
        // meanwhile finds each change either in the log or in its channel,
        // never in both and never in neither.
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.latest += 1;
        let change = CaseChange {
            seq: log.latest,
            kind,
            owners,
            json,
            customer_json,
        };
        if log.kept.len() == CAPACITY {
            log.kept.pop_front();
        }
        log.kept.push_back(change.clone());
        // An error means no stream is open: nobody to tell.
        let _ = self.changes.send(change);
    }

    /// Every change published from now on, and those after `last` still in
    /// the log.
    pub fn resume(&self, last: Option<&str>) -> Resumed {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let changes = self.changes.subscribe();
        let latest = log.latest;
        let oldest_kept = log.kept.front().map_or(latest + 1, |change| change.seq);
        // The log holds every change after `id` when the next one after it
        // is still kept (or none came since).
        let covered =
            |id: &EventId| id.epoch == self.epoch && id.seq <= latest && id.seq + 1 >= oldest_kept;
        let (missed, resync) = match last.map(|last| EventId::parse(last).filter(covered)) {
            None => (Vec::new(), false),
            Some(Some(id)) => {
                let after = log.kept.iter().filter(|change| change.seq > id.seq);
                (after.cloned().collect(), false)
            }
            Some(None) => (Vec::new(), true),
        };
        Resumed {
            missed,
            resync,
            latest,
            changes,
        }
    }

    /// The number of the newest change published so far.
    pub fn latest(&self) -> u64 {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).latest
    }

    /// Tells the desk of a case (and its customer, in their view) who is
    /// on it now.
    pub fn publish_presence(&self, change: PresenceChange) {
        let _ = self.presence.send(change);
    }

    /// Every presence change from now on.
    pub fn presence(&self) -> broadcast::Receiver<PresenceChange> {
        self.presence.subscribe()
    }

    /// Tells every stream that the server is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Becomes `true` when the server shuts down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

/// `value` as JSON, once for every stream.
pub fn serialise(value: &impl serde::Serialize) -> Option<Arc<str>> {
    match serde_json::to_string(value) {
        Ok(json) => Some(Arc::from(json)),
        Err(error) => {
            tracing::error!(?error, "a live update could not be serialised");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use claimdesk_shared::{CaseId, Status};

    use super::*;

    const OWNERS: CaseOwners = CaseOwners {
        merchant_id: 1,
        customer_id: 2,
        marketplace_id: 3,
    };

    fn publish(live: &Live, version: i64) {
        let change = CaseChanged {
            id: CaseId(10234),
            version,
            status: Status::Submitted,
        };
        live.publish(OWNERS, change, None);
    }

    #[test]
    fn ids_read_back_as_written() {
        let id = EventId {
            epoch: 0xbeef,
            seq: 42,
        };
        assert_eq!(id.to_string(), "beef-42");
        assert_eq!(EventId::parse("beef-42"), Some(id));
        for bad in ["", "42", "x-1", "beef-", "beef--1"] {
            assert_eq!(EventId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_resumed_stream_gets_exactly_what_came_after_its_id() {
        let live = Live::new();
        for version in 1..=5 {
            publish(&live, version);
        }
        let after_two = live.event_id(2).to_string();
        let resumed = live.resume(Some(&after_two));
        assert!(!resumed.resync);
        let seqs: Vec<u64> = resumed.missed.iter().map(|c| c.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
        assert_eq!(resumed.latest, 5);
        // Up to date: nothing missed, nothing to resync.
        let current = live.resume(Some(&live.event_id(5).to_string()));
        assert!(current.missed.is_empty() && !current.resync);
    }

    #[test]
    fn an_id_the_log_no_longer_covers_gets_a_resync() {
        let live = Live::new();
        let first = live.event_id(1).to_string();
        // Changes 1 to CAPACITY + 2: the log keeps 3 and after.
        for version in 0..CAPACITY as i64 + 2 {
            publish(&live, version);
        }
        // Change 2 was dropped from the log: what followed 1 is not all there.
        let resumed = live.resume(Some(&first));
        assert!(resumed.resync && resumed.missed.is_empty());
        // The oldest kept change's predecessor is still covered.
        let covered = live.resume(Some(&live.event_id(2).to_string()));
        assert!(!covered.resync);
        assert_eq!(covered.missed.len(), CAPACITY);
        // Another run's id, a future id and garbage: resync.
        let other_run = EventId {
            epoch: live.epoch ^ 2,
            seq: 3,
        };
        for last in [
            other_run.to_string(),
            live.event_id(5000).to_string(),
            "nonsense".to_owned(),
        ] {
            assert!(live.resume(Some(&last)).resync, "{last}");
        }
    }
}
