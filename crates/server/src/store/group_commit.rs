//! Group commit: the writes of `Tx` share commits. With `synchronous=FULL`
//! every commit waits for the disk (an fsync of the WAL); writes queued
//! behind one another are therefore carried out one by one as before, each
//! in a savepoint of one open transaction, and committed together by the
//! first of them to come round again, so a burst of 64 waits for the disk
//! a few times rather than 64. Nobody is answered before the commit that
//! holds their write is on disk; a write that fails rolls back to its own
//! savepoint and leaves the others of its group alone; a commit that fails
//! fails every write of its group.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{watch, Mutex, OwnedMutexGuard};

use crate::error::{AppError, AppResult};

/// How a group's commit ended: `None` while it is open.
type Outcome = Option<Result<(), Arc<str>>>;

/// The writer connection with the group transaction open on it, if any.
#[derive(Clone, Debug)]
pub struct Writer {
    pool: SqlitePool,
    open: Arc<Mutex<Option<Group>>>,
    groups: Arc<AtomicU64>,
}

/// One open transaction and the writes released into it.
#[derive(Debug)]
struct Group {
    id: u64,
    conn: PoolConnection<Sqlite>,
    /// Writes released into the group whose commit is still to come.
    released: usize,
    outcome: watch::Sender<Outcome>,
}

impl Writer {
    /// Group commits on `pool`, the one-connection writer pool
    /// (`db::writer`); statements that are a write of their own (a
    /// session, the outbox) run on the pool itself, between groups.
    pub fn new(pool: SqlitePool) -> Writer {
        Writer {
            pool,
            open: Arc::new(Mutex::new(None)),
            groups: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The writer pool, for single-statement writes.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Waits until the writes released so far are committed (or their
    /// commit failed): for an answer that depends on them, such as a
    /// refusal one of them caused (`http/settled.rs`), or the first answer
    /// to a request repeated while the first was in the same group.
    pub async fn settled(&self) {
        let mut outcome = match self.open.lock().await.as_ref() {
            Some(group) => group.outcome.subscribe(),
            None => return,
        };
        let _ = outcome.wait_for(Option::is_some).await;
    }

    /// Commits group `id` if it is still open: called, after a write is
    /// released, once the writes that queued behind it have had their turn.
    async fn finish(&self, id: u64) {
        let mut open = self.open.lock().await;
        if open.as_ref().is_some_and(|g| g.id == id) {
            let mut group = open.take().expect("checked above");
            let committed = sqlx::query("COMMIT").execute(&mut *group.conn).await;
            let outcome = match committed {
                Ok(_) => Ok(()),
                Err(error) => {
                    tracing::error!(?error, "group commit failed");
                    let _ = sqlx::query("ROLLBACK").execute(&mut *group.conn).await;
                    Err(Arc::from(error.to_string()))
                }
            };
            group.outcome.send_replace(Some(outcome));
        }
    }
}

/// A write's hold on the writer connection: inside the group transaction,
/// in a savepoint of its own.
pub struct Held {
    guard: Option<OwnedMutexGuard<Option<Group>>>,
    writer: Writer,
}

impl Held {
    /// Joins the open group (or opens one) in a savepoint of its own.
    pub async fn begin(writer: &Writer) -> AppResult<Held> {
        let mut guard = writer.open.clone().lock_owned().await;
        if guard.is_none() {
            let mut conn = writer.pool.acquire().await?;
            sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
            *guard = Some(Group {
                id: writer.groups.fetch_add(1, Ordering::Relaxed),
                conn,
                released: 0,
                outcome: watch::channel(None).0,
            });
        }
        let mut held = Held {
            guard: Some(guard),
            writer: writer.clone(),
        };
        sqlx::query("SAVEPOINT tx").execute(&mut *held).await?;
        Ok(held)
    }

    /// Keeps this write in its group and waits until the group's commit
    /// is on disk (or failed). The commit runs on a task of its own, so a
    /// request given up meanwhile leaves no group open.
    pub async fn commit(mut self) -> AppResult<()> {
        sqlx::query("RELEASE tx").execute(&mut *self).await?;
        let group = self.group();
        group.released += 1;
        let (id, mut outcome) = (group.id, group.outcome.subscribe());
        // Released: the writes queued behind this one now take their turn
        // in the same transaction; `finish` queues behind them.
        self.guard = None;
        let writer = self.writer.clone();
        tokio::spawn(async move { writer.finish(id).await });
        let ended = outcome
            .wait_for(Option::is_some)
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the group commit was dropped")))?
            .clone();
        match ended {
            Some(Ok(())) => Ok(()),
            Some(Err(error)) => Err(AppError::Internal(anyhow::anyhow!(
                "commit failed: {error}"
            ))),
            None => unreachable!("waited for an outcome"),
        }
    }

    fn group(&mut self) -> &mut Group {
        self.guard
            .as_mut()
            .and_then(|g| g.as_mut())
            .expect("a held write has its group")
    }
}

impl Deref for Held {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        let group = self.guard.as_ref().and_then(|g| g.as_ref());
        &group.expect("a held write has its group").conn
    }
}

impl DerefMut for Held {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.group().conn
    }
}

/// A write dropped before its commit (an error, a refusal, a request given
/// up): its savepoint is rolled back and the group goes on without it; a
/// group with nothing released into it ends here.
impl Drop for Held {
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let Some(group) = guard.as_mut() else {
                return;
            };
            let undone = async {
                sqlx::query("ROLLBACK TO tx")
                    .execute(&mut *group.conn)
                    .await?;
                sqlx::query("RELEASE tx").execute(&mut *group.conn).await
            }
            .await;
            if let Err(error) = &undone {
                tracing::error!(?error, "rolling back a write");
            }
            if undone.is_err() || group.released == 0 {
                let mut group = guard.take().expect("checked above");
                let _ = sqlx::query("ROLLBACK").execute(&mut *group.conn).await;
                if group.released > 0 {
                    group
                        .outcome
                        .send_replace(Some(Err(Arc::from("a write of the group failed"))));
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Tx;

    async fn writer_on_a_file(dir: &tempfile::TempDir) -> (SqlitePool, Writer) {
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let db = crate::db::connect(&url).await.unwrap();
        sqlx::query("CREATE TABLE scratch (n INTEGER NOT NULL UNIQUE)")
            .execute(&db)
            .await
            .unwrap();
        let writer = Writer::new(crate::db::writer(&db));
        (db, writer)
    }

    async fn insert(tx: &mut Tx, n: i64) -> AppResult<()> {
        sqlx::query("INSERT INTO scratch (n) VALUES ($1)")
            .bind(n)
            .execute(&mut *tx.0)
            .await?;
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writes_share_commits_and_a_failed_one_takes_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let (db, writer) = writer_on_a_file(&dir).await;
        let writes: Vec<_> = (0..60i64)
            .map(|n| {
                let writer = writer.clone();
                tokio::spawn(async move {
                    let mut tx = Tx::begin(&writer).await?;
                    insert(&mut tx, n).await?;
                    match n % 10 {
                        // Refused after writing: dropped without commit.
                        3 => Err(AppError::NotFound),
                        // Fails in SQL (its own number again: taken).
                        7 => insert(&mut tx, n).await,
                        _ => tx.commit().await,
                    }
                })
            })
            .collect();
        let mut acknowledged = Vec::new();
        for (n, write) in writes.into_iter().enumerate() {
            if write.await.unwrap().is_ok() {
                acknowledged.push(n as i64);
            }
        }
        let expected: Vec<i64> = (0..60).filter(|n| n % 10 != 3 && n % 10 != 7).collect();
        assert_eq!(acknowledged, expected);
        let stored: Vec<i64> = sqlx::query_scalar("SELECT n FROM scratch ORDER BY n")
            .fetch_all(&db)
            .await
            .unwrap();
        assert_eq!(stored, expected, "every acknowledged write, no refused one");
        let groups = writer.groups.load(Ordering::Relaxed);
        assert!(
            groups < expected.len() as u64,
            "{} writes in {groups} commits",
            expected.len()
        );
        // Nothing is left open: a write of its own goes straight through.
        sqlx::query("INSERT INTO scratch (n) VALUES (1000)")
            .execute(writer.pool())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_write_alone_is_committed_and_one_dropped_leaves_nothing_open() {
        let dir = tempfile::tempdir().unwrap();
        let (db, writer) = writer_on_a_file(&dir).await;
        let mut tx = Tx::begin(&writer).await.unwrap();
        insert(&mut tx, 1).await.unwrap();
        tx.commit().await.unwrap();
        let mut dropped = Tx::begin(&writer).await.unwrap();
        insert(&mut dropped, 2).await.unwrap();
        drop(dropped);
        let mut tx = Tx::begin(&writer).await.unwrap();
        insert(&mut tx, 3).await.unwrap();
        tx.commit().await.unwrap();
        let stored: Vec<i64> = sqlx::query_scalar("SELECT n FROM scratch ORDER BY n")
            .fetch_all(&db)
            .await
            .unwrap();
        assert_eq!(stored, [1, 3]);
    }
}
