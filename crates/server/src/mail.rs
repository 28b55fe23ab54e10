//! Delivers the outbox over SMTP when the server is given an SMTP URL (to a
//! plain relay, or over TLS: STARTTLS or implicit); without one, the outbox
//! table is the record of what would have been sent.
//!
//! Each email is claimed before it is sent (`sending_at`), so two server
//! instances never send the same one, and marked sent afterwards. If a
//! sender dies between sending and marking, the claim expires after ten
//! minutes and the email is sent again with the same `Message-ID`, which
//! receiving servers use to drop the duplicate.

use std::path::Path;

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use url::Url;

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
    /// `url`, as lettre reads it:
    /// - `smtp://[user:password@]host[:port]`: plain SMTP to a relay (25);
    /// - `smtp://…?tls=required`: STARTTLS, refusing to send without (587);
    ///   `?tls=opportunistic` uses it when the server offers it;
    /// - `smtps://…`: TLS from the first byte (465).
    ///
    /// TLS is rustls, trusting the system's root certificates and, when
    /// given, the PEM certificate in `ca_file` (a private relay's CA).
    /// `from`: the sender, e.g. `claimdesk <no-reply@example.com>`.
    pub fn new(url: &str, from: &str, ca_file: Option<&Path>) -> anyhow::Result<Mailer> {
        let ca = ca_file
            .map(|path| {
                std::fs::read(path)
                    .map_err(|e| anyhow::anyhow!("the SMTP CA file {}: {e}", path.display()))
            })
            .transpose()?;
        let transport = transport(url, ca.as_deref())?;
        let from: Mailbox = from.parse()?;
        let domain = from.email.domain().to_owned();
        Ok(Mailer {
            transport,
            from,
            domain,
        })
    }
}

/// The transport `url` names; with `ca`, its TLS also trusts that root.
fn transport(url: &str, ca: Option<&[u8]>) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| anyhow::anyhow!("the SMTP URL: {e}"))?;
    if let Some(pem) = ca {
        // The same TLS mode as the URL asks for (read as lettre reads it),
        // with the extra root.
        let parsed = Url::parse(url)?;
        let host = parsed
            .host_str()
            .ok_or_else(|| anyhow::anyhow!("the SMTP URL has no host"))?;
        let parameters = || -> anyhow::Result<TlsParameters> {
            Ok(TlsParameters::builder(host.to_owned())
                .add_root_certificate(Certificate::from_pem(pem)?)
                .build_rustls()?)
        };
        let tls = parsed
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let tls = match (parsed.scheme(), tls.as_deref()) {
            ("smtps", _) => Tls::Wrapper(parameters()?),
            (_, Some("required")) => Tls::Required(parameters()?),
            (_, Some("opportunistic")) => Tls::Opportunistic(parameters()?),
            _ => Tls::None,
        };
        builder = builder.tls(tls);
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
    while let Some(email) = outbox::claim(state.writer.pool(), now, CLAIM_MINUTES).await? {
        match send(mailer, &email).await {
            Ok(()) => {
                outbox::mark_sent(state.writer.pool(), email.id, now).await?;
                sent += 1;
            }
            Err(error) => {
                outbox::mark_failed(state.writer.pool(), email.id, &error.to_string()).await?;
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
        .message_id(Some(format!("<outbox-{}@{}>", email.id, mailer.domain)));
    // Text and HTML as alternatives: the reader's mail program shows the
    // one it prefers.
    let message = match &email.html_body {
        Some(html) => message.multipart(MultiPart::alternative_plain_html(
            email.body.clone(),
            html.clone(),
        ))?,
        None => message
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())?,
    };
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
