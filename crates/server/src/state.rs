//! What every handler shares: the database pool and the configuration.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

/// Settings that do not change while the server runs.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The built SPA (Trunk's `dist/`), served at `/` when set.
    pub static_dir: Option<PathBuf>,
    /// Mark the session cookie `Secure`; on whenever the server sits behind TLS.
    pub secure_cookies: bool,
}

/// Handed to every handler through `State<AppState>`.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: SqlitePool,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(db: SqlitePool, config: Config) -> Self {
        AppState {
            db,
            config: Arc::new(config),
        }
    }

    /// The current time. Every rule that depends on time reads it here, so
    /// the clock has exactly one source.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
