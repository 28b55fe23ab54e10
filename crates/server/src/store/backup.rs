//! Backups of the SQLite database: a consistent copy taken while the
//! server runs, and putting one back. (PostgreSQL has its own tools:
//! ARCHITECTURE.md, "Durability".)
//!
//! A plain file copy of a live WAL database is not a backup: the copy can
//! catch the database file between checkpoints and without the WAL, or
//! half-way through one. `VACUUM INTO` reads one snapshot, as any reader
//! does, and writes it out as a new, compact database; writers go on.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::Db;

/// Writes a consistent copy of the database to `path`, which must not
/// exist yet.
pub async fn vacuum_into(db: &Db, path: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !path.exists(),
        "{} exists already; back up to a new file",
        path.display()
    );
    sqlx::query("VACUUM INTO ?")
        .bind(path.to_string_lossy().into_owned())
        .execute(db)
        .await
        .with_context(|| format!("writing the backup to {}", path.display()))?;
    Ok(())
}

/// Checks that `path` is a whole claimdesk database: SQLite's integrity
/// check passes and its schema is migrated.
pub async fn check(path: &Path) -> anyhow::Result<()> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?;
    anyhow::ensure!(verdict == "ok", "{} is damaged: {verdict}", path.display());
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a claimdesk database", path.display()))?;
    anyhow::ensure!(migrations > 0, "{} has no schema", path.display());
    conn.close().await?;
    Ok(())
}

/// Replaces the database of `database_url` with the backup at `backup`,
/// once it is checked: the copy is written beside the database, flushed to
/// disk, and renamed over it, so a crash leaves either the old database or
/// the restored one. The old database's WAL goes with it. The server must
/// not be running.
pub async fn restore(backup: &Path, database_url: &str) -> anyhow::Result<()> {
    check(backup).await?;
    let target: PathBuf = SqliteConnectOptions::from_str(database_url)?
        .get_filename()
        .to_owned();
    let mut partial = target.clone().into_os_string();
    partial.push(".restoring");
    let partial = PathBuf::from(partial);
    std::fs::copy(backup, &partial)
        .with_context(|| format!("copying {} beside {}", backup.display(), target.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&partial, &target)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
