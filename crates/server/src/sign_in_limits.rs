//! How many sign-in attempts a caller gets: the guard against guessing
//! passwords (OWASP ASVS 2.2.1) and against burning the server's CPU on
//! Argon2.
//!
//! Two rules, checked before the password is:
//! - **Failures** over a sliding window, per account tried and per client
//!   address, counted in the database (`store::sign_in_failures`) so that
//!   every server instance sees the same count. Once an account has had
//!   `per_account` failures in the window, every attempt on it is refused,
//!   with the right password too, so an answer never tells a guesser that a
//!   guess was right while the account was locked. A success forgets the
//!   account's failures.
//! - **Attempts** per client address and second, in memory (governor's
//!   GCRA limiter): a flood from one address is refused before any hashing.
//!
//! A refusal is `429 Too Many Requests` with `Retry-After`.

use std::net::IpAddr;
use std::num::NonZeroU32;

use chrono::{DateTime, Duration, Utc};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::sign_in_failures::{self, Against};

/// The limits (configurable through `Config::sign_in`).
#[derive(Clone, Copy, Debug)]
pub struct SignInPolicy {
    /// The window failures are counted over.
    pub window: Duration,
    /// Failures on one account within the window before it is locked.
    pub per_account: u32,
    /// Failures from one address within the window (many people may share
    /// an office's address, hence more than per account).
    pub per_address: u32,
    /// Attempts per second from one address, over a burst of
    /// `burst_per_address`.
    pub attempts_per_second: u32,
    pub burst_per_address: u32,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        SignInPolicy {
            window: Duration::minutes(15),
            per_account: 5,
            per_address: 50,
            attempts_per_second: 5,
            burst_per_address: 20,
        }
    }
}

/// The attempts limiter of one server process.
#[derive(Debug)]
pub struct AttemptLimiter(DefaultKeyedRateLimiter<IpAddr>);

impl AttemptLimiter {
    pub fn new(policy: &SignInPolicy) -> Self {
        let per_second = NonZeroU32::new(policy.attempts_per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(policy.burst_per_address).unwrap_or(NonZeroU32::MIN);
        AttemptLimiter(RateLimiter::keyed(
            Quota::per_second(per_second).allow_burst(burst),
        ))
    }
}

/// The account an attempt is counted against: the email as the user would
/// read it, so that `Anna@…` and `anna@…` share one count.
pub fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Refuses the attempt when `address` floods or either count is full.
pub async fn check(state: &AppState, account: &str, address: Option<IpAddr>) -> AppResult<()> {
    let policy = state.config.sign_in;
    if let Some(ip) = address {
        let limiter = &state.sign_in_attempts.0;
        // Addresses that have not tried for a while hold no state worth
        // keeping; without this the map would grow with every address seen.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        if let Err(not_until) = limiter.check_key(&ip) {
            let wait = not_until.wait_time_from(limiter.clock().now());
            return Err(too_many(wait.as_secs_f64().ceil().max(1.0) as u64));
        }
    }
    let now = state.now();
    let since = now - policy.window;
    let address = address.map(|ip| ip.to_string());
    let mut counts = vec![(Against::Account(account), policy.per_account)];
    if let Some(address) = address.as_deref() {
        counts.push((Against::Address(address), policy.per_address));
    }
    let mut free_at: Option<DateTime<Utc>> = None;
    for (who, limit) in counts {
        if let Some(at) = sign_in_failures::nth_recent(&state.db, who, since, limit).await? {
            let unlocks = at + policy.window;
            free_at = Some(free_at.map_or(unlocks, |f| f.max(unlocks)));
        }
    }
    match free_at {
        Some(at) => Err(too_many((at - now).num_seconds().max(1) as u64)),
        None => Ok(()),
    }
}

/// Counts a failed attempt.
pub async fn failed(state: &AppState, account: &str, address: Option<IpAddr>) -> AppResult<()> {
    let now = state.now();
    let address = address.map(|ip| ip.to_string());
    sign_in_failures::record(
        state.writer.pool(),
        account,
        address.as_deref(),
        now,
        now - state.config.sign_in.window,
    )
    .await
}

/// Forgets the account's failures after it signed in.
pub async fn succeeded(state: &AppState, account: &str) -> AppResult<()> {
    sign_in_failures::clear_account(state.writer.pool(), account).await
}

fn too_many(retry_after_seconds: u64) -> AppError {
    AppError::TooManyAttempts {
        retry_after_seconds,
    }
}
