//! Live updates: every committed change to a case is published once, here,
//! and each event stream (`GET /api/v1/stream`, `routes/stream.rs`) forwards
//! the changes its user may see.
//!
//! The changes travel through one in-process `tokio::sync::broadcast`
//! channel. A stream that falls more than `CAPACITY` changes behind is told
//! to refetch everything (`event: resync`) instead of silently missing some.

use std::sync::Arc;

use claimdesk_shared::wire::CaseChanged;
use tokio::sync::{broadcast, watch};

use crate::scope::CaseOwners;

/// How many changes a stream may fall behind before it must resync.
pub const CAPACITY: usize = 1024;

/// One committed change, with what the streams need to filter it.
#[derive(Clone, Debug)]
pub struct CaseChange {
    /// Whose the case is: each stream checks its scope against this.
    pub owners: CaseOwners,
    pub change: CaseChanged,
    /// `change` as JSON, serialised once for every stream.
    pub json: Arc<str>,
    /// What the case's customer hears of it, as JSON (the customer's
    /// version); `None` when the change is the desk's alone.
    pub customer_json: Option<Arc<str>>,
}

/// The channel of committed changes, held in `AppState`.
#[derive(Clone, Debug)]
pub struct Live {
    changes: broadcast::Sender<CaseChange>,
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
        // fanned out between instances (PostgreSQL LISTEN/NOTIFY).
        let (changes, _) = broadcast::channel(CAPACITY);
        Live {
            changes,
            closing: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Publishes a committed change to every stream open now: `change` to
    /// the desk, `customer_change` (if any) to the case's customer.
    pub fn publish(
        &self,
        owners: CaseOwners,
        change: CaseChanged,
        customer_change: Option<CaseChanged>,
    ) {
        let serialise = |change: &CaseChanged| match serde_json::to_string(change) {
            Ok(json) => Some(Arc::<str>::from(json)),
            Err(error) => {
                tracing::error!(?error, "a case change could not be serialised");
                None
            }
        };
        let Some(json) = serialise(&change) else {
            return;
        };
        let customer_json = customer_change.as_ref().and_then(serialise);
        // An error means no stream is open: nobody to tell.
        let _ = self.changes.send(CaseChange {
            owners,
            change,
            json,
            customer_json,
        });
    }

    /// Every change published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<CaseChange> {
        self.changes.subscribe()
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
