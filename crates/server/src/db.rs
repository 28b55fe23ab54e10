//! Opening the database and bringing its schema up to date.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// Connections of the read pool (`AppState::db`). Reads never wait for
/// each other in WAL mode; more connections than cores only add threads
/// (each connection works on its own) to schedule.
const READ_CONNECTIONS: u32 = 8;

/// Opens (creating if needed) the SQLite database at `url` and migrates it.
///
/// WAL lets readers work while one writer commits; `busy_timeout` makes a
/// second writer wait instead of failing with "database is locked" (in this
/// process writers queue for `AppState::writer` instead: SQLite's busy wait
/// sleeps in steps of up to 100 ms).
pub async fn connect(url: &str) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk before the write is acknowledged, so a
        // power cut loses nothing acknowledged (NORMAL in WAL mode could
        // roll back the last commits). Its cost, measured: message posts
        // 855 -> 665 req/s, p99 109 -> 113-126 ms (BENCHMARKS.md).
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let pool = pool_options(READ_CONNECTIONS).connect_with(options).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// The one connection every write goes through (`AppState::writer`), on
/// the database of the read pool `db`. Connected when first used.
pub fn writer(db: &SqlitePool) -> SqlitePool {
    let options = (*db.connect_options())
        .clone()
        .pragma("wal_autocheckpoint", WRITER_CHECKPOINT_PAGES);
    pool_options(1).connect_lazy_with(options)
}

/// How many pages the WAL may grow to before the writer copies it back
/// into the database itself, in its commit (SQLite's default is 1,000:
/// every 40 or so message posts). `checkpoint_forever` normally does it
/// long before, beside the writer instead of in its way; this bounds the
/// WAL (about 40 MB) where it does not run.
const WRITER_CHECKPOINT_PAGES: &str = "10000";

/// How often `checkpoint_forever` checkpoints. Each round copies what
/// the WAL gained since the last; the shorter the round, the shorter the
/// burst of page copies the writer's commits compete with. Message posts
/// at 64 connections, p99 over three runs: 96-113 ms every 250 ms, 79-96
/// ms every 100 ms (BENCHMARKS.md, "Message posts (sixth session)").
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Copies what the WAL holds back into the database every
/// `CHECKPOINT_EVERY`, on a read connection: a passive checkpoint waits for
/// no one and no one waits for it, where the writer's own checkpoint held
/// every write behind it (message posts 750 → 855/s, BENCHMARKS.md).
pub async fn checkpoint_forever(db: SqlitePool) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&db)
            .await
        {
            // Busy when the writer checkpoints at the same moment: the next
            // round does it.
            tracing::debug!(?error, "WAL checkpoint failed");
        }
    }
}

fn pool_options(connections: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(connections)
        // By default a pool pings every connection it hands out: a round
        // trip to the connection's thread before every query. An embedded
        // database has no network that could have dropped it.
        .test_before_acquire(false)
}
