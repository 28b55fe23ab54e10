//! Who is on a case right now: the desk's colleagues with it open and who
//! of them is typing, so two agents never work one case unknowingly.
//!
//! Presence is ephemeral: kept in this process's memory, never stored. A
//! browser with a case open says so every `HEARTBEAT` (`PUT /presence`,
//! with whether its composer is being typed in) and says goodbye when the
//! case closes (`DELETE /presence`, also sent as the tab goes away); one
//! not heard from for `VIEWING_FOR` is gone, a typing flag lasts
//! `TYPING_FOR` unless renewed. `expire` (run every second by `main`) drops
//! both when they run out.
//!
//! Only the desk's people are shown, and only to the desk (the scope that
//! sees the case: its merchant's agents and its marketplace's support);
//! the customer learns only that the desk is typing. The customer's own
//! visits are not recorded at all.
//!
//! Each change goes out on the live updates as `event: presence` with the
//! whole state of the case, so a stream that missed one is right again at
//! the next. On several instances each would know only its own visitors
//! (issue "Scale-out").

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use claimdesk_shared::wire::{CasePresence, Viewer};
use claimdesk_shared::{CaseId, Role};

use crate::error::{AppError, AppResult};
use crate::live::{serialise, Live, PresenceChange};
use crate::scope::{CaseOwners, Scope};
use crate::state::AppState;
use crate::store::case_detail;
use crate::user::CurrentUser;

/// How often the SPA repeats that a case is open (`PUT /presence`).
pub const HEARTBEAT: Duration = Duration::seconds(10);
/// How long a viewer not heard from stays shown: three heartbeats missed
/// means the tab is gone.
pub const VIEWING_FOR: Duration = Duration::seconds(30);
/// How long "is typing" lasts after the last keystroke reported.
pub const TYPING_FOR: Duration = Duration::seconds(6);

/// The viewers of every case someone has open, in this process.
#[derive(Debug, Default)]
pub struct Presence {
    rooms: Mutex<HashMap<CaseId, Room>>,
}

#[derive(Debug)]
struct Room {
    owners: CaseOwners,
    /// By user id: one entry per person, however many tabs they have.
    viewers: BTreeMap<i64, Present>,
}

#[derive(Debug)]
struct Present {
    name: String,
    seen_until: DateTime<Utc>,
    typing_until: Option<DateTime<Utc>>,
}

impl Room {
    /// The room as the desk sees it at `now`.
    fn view(&self, id: CaseId, now: DateTime<Utc>) -> CasePresence {
        let viewers: Vec<Viewer> = self
            .viewers
            .iter()
            .map(|(&user_id, present)| Viewer {
                user_id,
                name: present.name.clone(),
                typing: present.typing_until.is_some_and(|until| until > now),
            })
            .collect();
        CasePresence {
            id,
            desk_typing: viewers.iter().any(|viewer| viewer.typing),
            viewers,
        }
    }
}

/// What the customer may know of the desk's presence: only the typing.
pub fn for_customer(desk: &CasePresence) -> CasePresence {
    CasePresence {
        id: desk.id,
        viewers: Vec::new(),
        desk_typing: desk.desk_typing,
    }
}

impl Presence {
    /// The desk's presence on case `id` at `now` (no one, if no one).
    pub fn view(&self, id: CaseId, now: DateTime<Utc>) -> CasePresence {
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        match rooms.get(&id) {
            Some(room) => room.view(id, now),
            None => CasePresence {
                id,
                viewers: Vec::new(),
                desk_typing: false,
            },
        }
    }

    /// `user` has case `id` open at `now`, typing or not. Returns the
    /// case's presence after it, and whether anything others see changed.
    fn here(
        &self,
        id: CaseId,
        owners: CaseOwners,
        user: &CurrentUser,
        typing: bool,
        now: DateTime<Utc>,
    ) -> (CasePresence, bool) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        let room = rooms.entry(id).or_insert_with(|| Room {
            owners,
            viewers: BTreeMap::new(),
        });
        let before = room.view(id, now);
        let present = room.viewers.entry(user.id).or_insert_with(|| Present {
            name: user.name.clone(),
            seen_until: now,
            typing_until: None,
        });
        present.seen_until = now + VIEWING_FOR;
        present.typing_until = typing.then(|| now + TYPING_FOR);
        let after = room.view(id, now);
        let changed = after != before;
        (after, changed)
    }

    /// `user` closed case `id`; the presence after, if they were there.
    fn left(
        &self,
        id: CaseId,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Option<(CaseOwners, CasePresence)> {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        let room = rooms.get_mut(&id)?;
        room.viewers.remove(&user_id)?;
        let after = (room.owners, room.view(id, now));
        if room.viewers.is_empty() {
            rooms.remove(&id);
        }
        Some(after)
    }

    /// Drops the viewers and typing flags that ran out by `now`; returns
    /// the cases whose presence changed, as they are now.
    pub fn expire(&self, now: DateTime<Utc>) -> Vec<(CaseOwners, CasePresence)> {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        let mut changed = Vec::new();
        rooms.retain(|&id, room| {
            let mut touched = false;
            room.viewers.retain(|_, present| {
                if present.typing_until.is_some_and(|until| until <= now) {
                    present.typing_until = None;
                    touched = true;
                }
                let stays = present.seen_until > now;
                touched |= !stays;
                stays
            });
            if touched {
                changed.push((room.owners, room.view(id, now)));
            }
            !room.viewers.is_empty()
        });
        changed
    }
}

/// Tells the streams that see the case how its presence is now.
fn announce(live: &Live, owners: CaseOwners, desk: &CasePresence) {
    let (Some(desk_json), Some(customer_json)) = (serialise(desk), serialise(&for_customer(desk)))
    else {
        return;
    };
    live.publish_presence(PresenceChange {
        owners,
        desk_json,
        customer_json,
    });
}

/// The case's owners if `user` may see it; "not found" otherwise.
async fn owners_of(state: &AppState, user: &CurrentUser, id: CaseId) -> AppResult<CaseOwners> {
    case_detail::owners(&state.db, Scope::of(user), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `user` has case `id` open (and is typing, or not): the presence as
/// they may see it. A customer's visit is not recorded.
pub async fn here(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    typing: bool,
) -> AppResult<CasePresence> {
    let owners = owners_of(state, user, id).await?;
    let now = state.now();
    if user.role() == Role::Customer {
        let desk = state.presence.view(id, now);
        return Ok(for_customer(&desk));
    }
    let (desk, changed) = state.presence.here(id, owners, user, typing, now);
    if changed {
        announce(&state.live, owners, &desk);
    }
    Ok(desk)
}

/// `user` closed case `id`.
pub async fn left(state: &AppState, user: &CurrentUser, id: CaseId) -> AppResult<()> {
    owners_of(state, user, id).await?;
    if let Some((owners, desk)) = state.presence.left(id, user.id, state.now()) {
        announce(&state.live, owners, &desk);
    }
    Ok(())
}

/// Drops what ran out by `now` and tells the streams.
pub fn expire(state: &AppState, now: DateTime<Utc>) {
    for (owners, desk) in state.presence.expire(now) {
        announce(&state.live, owners, &desk);
    }
}

/// `expire` every second for as long as the server runs: a typing flag
/// is gone within a second of running out.
pub async fn expire_forever(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tick.tick().await;
        expire(&state, state.now());
    }
}
