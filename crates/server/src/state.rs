//! What every handler shares: the database pools, the configuration, the
//! channel of live updates and the caches in front of the database.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;

use crate::auth::SessionCache;
use crate::domain::presence::Presence;
use crate::live::Live;
use crate::open_streams::OpenStreams;
use crate::page_cache::PageCache;
use crate::sign_in_limits::{AttemptLimiter, SignInPolicy};

/// Settings that do not change while the server runs.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The built SPA (Trunk's `dist/`), served at `/` when set.
    pub static_dir: Option<PathBuf>,
    /// Mark the session cookie `Secure`; on whenever the server sits behind TLS.
    pub secure_cookies: bool,
    /// Test mode: mounts `POST /api/v1/test/clock`, which moves this
    /// server's clock forward. Never set in production.
    pub test_clock: bool,
    /// Who may show the app in a frame: a CSP `frame-ancestors` source
    /// list; `None` is `'none'`.
    pub frame_ancestors: Option<String>,
    /// How long sessions last.
    pub sessions: SessionPolicy,
    /// How many sign-in attempts a caller gets.
    pub sign_in: SignInPolicy,
    /// Where users reach the app (`https://claims.example`), for the link
    /// to the case in every email; `None`: `DEFAULT_PUBLIC_URL`.
    pub public_url: Option<String>,
    /// The marketplace portals that may sign their users in with a JWT
    /// (`portal.rs`; `PORTALS_FILE`), and whose origins may call the API
    /// with a bearer token.
    pub portals: Vec<crate::portal::Portal>,
}

/// The app's address when none is configured: `make run`'s.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

impl Config {
    /// The origins of every portal, for CORS and the CSRF guard.
    pub fn portal_origins(&self) -> Vec<String> {
        self.portals
            .iter()
            .flat_map(|portal| portal.allowed_origins.iter().cloned())
            .collect()
    }

    /// Where users reach the app.
    pub fn public_url(&self) -> &str {
        self.public_url.as_deref().unwrap_or(DEFAULT_PUBLIC_URL)
    }
}

/// How long a session lasts: it ends after `idle` without use (each use
/// renews it) and after `max` in any case.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub max: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::hours(12),
            max: Duration::days(crate::auth::SESSION_DAYS),
        }
    }
}

/// Handed to every handler through `State<AppState>`.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Reads (several connections: WAL readers never wait for each other).
    pub db: SqlitePool,
    /// Every write: one connection, so writers of this process queue here,
    /// in order, instead of meeting in SQLite's busy handler, which polls
    /// the lock with sleeps of up to 100 ms (`db::writer`).
    pub writer: crate::store::Writer,
    pub config: Arc<Config>,
    /// Committed case changes, for the event streams (`live.rs`).
    pub live: Live,
    /// Sessions recently seen, so a request need not look its session up.
    pub sessions: Arc<SessionCache>,
    /// Inbox pages and counts as sent, until their scope changes.
    pub pages: Arc<PageCache>,
    /// The event streams open in this process, by session.
    pub streams: Arc<OpenStreams>,
    /// Who has which case open now, in this process (`domain/presence.rs`).
    pub presence: Arc<Presence>,
    /// Sign-in attempts per client address, in this process.
    pub sign_in_attempts: Arc<AttemptLimiter>,
    /// How far the test clock moved this server's time, in seconds; always
    /// 0 outside test mode.
    clock_offset: Arc<AtomicI64>,
}

impl AppState {
    pub fn new(db: SqlitePool, config: Config) -> Self {
        AppState {
            writer: crate::store::Writer::new(crate::db::writer(&db)),
            sign_in_attempts: Arc::new(AttemptLimiter::new(&config.sign_in)),
            db,
            config: Arc::new(config),
            live: Live::new(),
            sessions: Arc::new(SessionCache::default()),
            pages: Arc::new(PageCache::new()),
            streams: Arc::new(OpenStreams::default()),
            presence: Arc::new(Presence::default()),
            clock_offset: Arc::new(AtomicI64::new(0)),
        }
    }

    /// The current time. Every rule that depends on time reads it here, so
    /// the clock has exactly one source.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.clock_offset.load(Ordering::Relaxed))
    }

    /// Moves this server's clock forward (test mode only; see
    /// `routes/test_clock.rs`).
    pub fn advance_clock(&self, by: Duration) {
        self.clock_offset
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }

    /// Sets this server's clock to read `at` now (tests that seed at a
    /// fixed time and then talk to the API as of that time).
    pub fn set_now(&self, at: DateTime<Utc>) {
        self.clock_offset
            .store((at - Utc::now()).num_seconds(), Ordering::Relaxed);
    }
}
