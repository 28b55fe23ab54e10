//! The event streams open in this process, by session: at most
//! `MAX_PER_SESSION` each (a new one closes the oldest), and those of a
//! session or a user closed at once when it signs out, signs out
//! everywhere, or gets a new password. A second instance would need these
//! closings fanned out (issue "Scale-out"); until then, the stream's own
//! session check ends it there within a minute (`routes/stream.rs`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// How many streams one session may hold open (tabs of one browser).
pub const MAX_PER_SESSION: usize = 8;

#[derive(Debug, Default)]
pub struct OpenStreams {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    /// Per session (the hex SHA-256 of its token), oldest first.
    by_session: HashMap<String, VecDeque<Entry>>,
}

#[derive(Debug)]
struct Entry {
    id: u64,
    user_id: i64,
    close: Arc<Notify>,
}

/// An open stream's place in the registry; dropped when the stream ends.
#[derive(Debug)]
pub struct StreamTicket {
    id: u64,
    session: String,
    registry: Arc<OpenStreams>,
    /// Notified when the stream must end.
    pub close: Arc<Notify>,
}

impl OpenStreams {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a stream of `session` (user `user_id`), closing the
    /// session's oldest if it then holds more than `MAX_PER_SESSION`.
    pub fn open(self: &Arc<Self>, session: &str, user_id: i64) -> StreamTicket {
        let close = Arc::new(Notify::new());
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        let streams = inner.by_session.entry(session.to_owned()).or_default();
        streams.push_back(Entry {
            id,
            user_id,
            close: close.clone(),
        });
        while streams.len() > MAX_PER_SESSION {
            if let Some(oldest) = streams.pop_front() {
                oldest.close.notify_one();
            }
        }
        StreamTicket {
            id,
            session: session.to_owned(),
            registry: self.clone(),
            close,
        }
    }

    /// Ends every stream of `session` now.
    pub fn close_session(&self, session: &str) {
        if let Some(streams) = self.lock().by_session.remove(session) {
            streams.iter().for_each(|s| s.close.notify_one());
        }
    }

    /// Ends every stream of user `user_id` now, of any session.
    pub fn close_user(&self, user_id: i64) {
        let mut inner = self.lock();
        for streams in inner.by_session.values_mut() {
            streams.retain(|s| {
                let theirs = s.user_id == user_id;
                if theirs {
                    s.close.notify_one();
                }
                !theirs
            });
        }
        inner.by_session.retain(|_, streams| !streams.is_empty());
    }

    /// How many streams `session` holds open.
    pub fn count(&self, session: &str) -> usize {
        self.lock().by_session.get(session).map_or(0, VecDeque::len)
    }
}

impl Drop for StreamTicket {
    fn drop(&mut self) {
        let mut inner = self.registry.lock();
        if let Some(streams) = inner.by_session.get_mut(&self.session) {
            streams.retain(|s| s.id != self.id);
            if streams.is_empty() {
                inner.by_session.remove(&self.session);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_session_keeps_its_newest_streams_and_closings_reach_the_right_ones() {
        let registry = Arc::new(OpenStreams::default());
        let tickets: Vec<_> = (0..MAX_PER_SESSION + 1)
            .map(|_| registry.open("a", 1))
            .collect();
        // The oldest was told to close (a permit waits for it).
        tokio::time::timeout(
            std::time::Duration::from_millis(10),
            tickets[0].close.notified(),
        )
        .await
        .expect("the oldest stream of the session is closed");
        assert_eq!(registry.count("a"), MAX_PER_SESSION);
        let other = registry.open("b", 1);
        let stranger = registry.open("c", 2);
        registry.close_user(1);
        other.close.notified().await;
        tickets[MAX_PER_SESSION].close.notified().await;
        assert_eq!((registry.count("a"), registry.count("b")), (0, 0));
        assert_eq!(registry.count("c"), 1, "another user's stream stays");
        drop(stranger);
        assert_eq!(
            registry.count("c"),
            0,
            "an ended stream leaves the registry"
        );
    }
}
