//! The storage layer: every SQL statement of the API, the decoding of its
//! rows, and its transactions. The layers above never see a connection:
//! reads take the read pool (`Db`) and return the API's shapes or plain
//! records; writes happen inside a `Tx`, whose methods are the named write
//! operations (each module of this folder adds the ones of its area in an
//! `impl Tx` block of its own: `case_tx.rs` the verbs of a case write,
//! `reports.rs` those of a new case, `clock.rs` the stored response clock).
//!
//! This is the one place that knows it talks to SQLite; a second backend
//! (issue "Scale-out") is a second implementation of this layer.

pub mod backup;
pub mod case_detail;
pub mod case_list;
pub mod case_tx;
pub mod clock;
pub mod closing;
pub mod events;
pub mod files;
pub mod fingerprints;
pub mod group_commit;
pub mod idempotency;
pub mod merchants;
pub mod metrics;
pub mod outbox;
pub mod policy;
pub mod posts;
pub mod quick_texts;
pub mod reports;
pub mod return_labels;
pub mod sessions;
pub mod sign_in_failures;
pub mod sweeps;
pub mod users;

use std::str::FromStr;

use claimdesk_shared::wire::DecisionKind;
use sqlx::SqlitePool;

use crate::error::{AppError, AppResult};
use group_commit::Held;
pub use group_commit::Writer;

/// The read pool: reads never wait for each other in WAL mode.
pub type Db = SqlitePool;

/// A write: a savepoint in the group transaction on the writer connection
/// (`group_commit`), so that SQLite's write lock is held and the
/// read-modify-write that follows cannot interleave with another. Dropped
/// without `commit`, it rolls back (its own changes only).
pub struct Tx(Held);

impl Tx {
    /// Begins a write on `writer`.
    pub async fn begin(writer: &Writer) -> AppResult<Tx> {
        Ok(Tx(Held::begin(writer).await?))
    }

    /// Makes every change of the write visible at once, and returns when
    /// they are on disk.
    pub async fn commit(self) -> AppResult<()> {
        self.0.commit().await
    }
}

/// Whether the database answers.
pub async fn ping(db: &Db) -> AppResult<()> {
    sqlx::query("SELECT 1").execute(db).await?;
    Ok(())
}

/// Reads a vocabulary column, treating an unknown value as corrupt data.
pub fn column<T: FromStr>(value: &str, what: &str) -> Result<T, AppError> {
    value.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!("invalid {what} {value:?} in the database"))
    })
}

/// A decision kind as stored in JSON (`prepared_decision.kind`).
pub fn decision_kind(value: &str) -> Result<DecisionKind, AppError> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "invalid decision kind {value:?} in the database"
        ))
    })
}

/// A JSON column as the value it stores.
pub fn json_column<T: serde::de::DeserializeOwned>(value: &str) -> AppResult<T> {
    serde_json::from_str(value).map_err(|e| AppError::Internal(e.into()))
}

/// Where a stored file is downloaded (`GET /api/v1/files/{id}`).
pub fn file_url(id: i64) -> String {
    format!("/api/v1/files/{id}")
}
