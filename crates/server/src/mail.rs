//! Delivers the outbox over SMTP when the server is given an SMTP URL;
//! without one, the outbox table is the record of what would have been sent.
//!
//! Each email is claimed before it is sent (`sending_at`), so two server
//! instances never send the same one, and marked sent afterwards. If a
//! sender dies between sending and marking, the claim expires after ten
//! minutes and the email is sent again with the same `Message-ID`, which
//! receiving servers use to drop the duplicate.

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::state::AppState;
use crate::store::outbox::{self, Pending};

/// How long a claim protects an email from other senders.
const CLAIM_MINUTES: i64 = 10;

/// Where and as whom to send.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of the `Message-ID`s.
    domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// `url`: `smtp://[user:password@]host[:port]` (plain SMTP to a relay).
    /// `from`: the sender, e.g. `claimdesk <no-reply@example.com>`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = transport(url)?;
        let from: Mailbox = from.parse()?;
        let domain = from.email.domain().to_owned();
        Ok(Mailer {
            transport,
            from,
            domain,
        })
    }
}

/// `smtp://[user:password@]host[:port]` (port 25 by default).
fn transport(url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let rest = url.strip_prefix("smtp://").ok_or_else(|| {
        anyhow::anyhow!("the SMTP URL must start with smtp:// (plain SMTP to a relay)")
    })?;
    let (credentials, address) = match rest.rsplit_once('@') {
        Some((credentials, address)) => (Some(credentials), address),
        None => (None, rest),
    };
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>()?),
        None => (address, 25),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port);
    if let Some(credentials) = credentials {
        let (user, password) = credentials
            .split_once(':')
            .ok_or_else(|| anyhow::anyhow!("SMTP credentials are user:password"))?;
        builder = builder.credentials(Credentials::new(user.to_owned(), password.to_owned()));
    }
    Ok(builder.build())
}

/// Sends every unsent email, oldest first; stops at the first failure
/// (the server or network is likely down: the next pass retries). Returns
/// how many were sent.
pub async fn deliver(
    state: &AppState,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    while let Some(email) = outbox::claim(&state.writer, now, CLAIM_MINUTES).await? {
        match send(mailer, &email).await {
            Ok(()) => {
                outbox::mark_sent(&state.writer, email.id, now).await?;
                sent += 1;
            }
            Err(error) => {
                outbox::mark_failed(&state.writer, email.id, &error.to_string()).await?;
                return Err(error);
            }
        }
    }
    Ok(sent)
}

async fn send(mailer: &Mailer, email: &Pending) -> anyhow::Result<()> {
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(email.recipient.parse()?)
        .subject(&email.subject)
        .message_id(Some(format!("<outbox-{}@{}>", email.id, mailer.domain)))
        .header(ContentType::TEXT_PLAIN)
        .body(email.body.clone())?;
    mailer.transport.send(message).await?;
    Ok(())
}

/// Delivers the outbox every 15 seconds for as long as the server runs.
pub async fn run_forever(state: AppState, mailer: Mailer) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(15));
    loop {
        tick.tick().await;
        match deliver(&state, &mailer, state.now()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "delivered outbox emails"),
            Err(error) => tracing::warn!(%error, "outbox delivery failed; retrying"),
        }
    }
}
