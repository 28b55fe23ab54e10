//! Outbox delivery over SMTP, against a real SMTP conversation on loopback:
//! to a plain relay, over STARTTLS and over implicit TLS, with a throwaway
//! certificate authority made for each run.

mod common;

use std::sync::{Arc, Mutex};

use claimdesk_server::mail::{deliver, Mailer};
use common::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

const FROM: &str = "claimdesk <no-reply@claimdesk.example>";

/// One message the sink received.
#[derive(Clone, Debug)]
struct Received {
    /// The envelope's recipient.
    to: String,
    /// The whole message as sent.
    data: String,
    /// Whether it travelled inside TLS.
    over_tls: bool,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// How the sink speaks.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Plain SMTP, no STARTTLS offered.
    Plain,
    /// Plain first, STARTTLS offered and taken.
    StartTls,
    /// TLS from the first byte (smtps).
    Implicit,
}

/// A certificate authority and a certificate it signed for 127.0.0.1, made
/// now: (the CA as PEM, the server's TLS acceptor).
fn throwaway_tls() -> (String, TlsAcceptor) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "claimdesk test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca_cert, &ca_key)
        .unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    (ca_cert.pem(), TlsAcceptor::from(Arc::new(config)))
}

/// What a conversation ended with.
#[derive(PartialEq)]
enum Ended {
    Quit,
    StartTls,
}

/// One SMTP conversation on `reader` until QUIT (or STARTTLS, when offered).
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    reader: &mut BufReader<S>,
    greet: bool,
    offer_starttls: bool,
    over_tls: bool,
    kept: &Inbox,
) -> std::io::Result<Ended> {
    if greet {
        reader.get_mut().write_all(b"220 sink ESMTP\r\n").await?;
    }
    let mut to = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(Ended::Quit);
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            if offer_starttls {
                b"250-sink\r\n250-STARTTLS\r\n250 8BITMIME\r\n"
            } else {
                b"250-sink\r\n250 8BITMIME\r\n"
            }
        } else if upper.starts_with("STARTTLS") && offer_starttls {
            reader.get_mut().write_all(b"220 go ahead\r\n").await?;
            return Ok(Ended::StartTls);
        } else if upper.starts_with("RCPT TO:") {
            to = command[8..].trim().trim_matches(['<', '>']).to_owned();
            b"250 ok\r\n"
        } else if upper.starts_with("DATA") {
            reader.get_mut().write_all(b"354 go on\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 || line.trim_end() == "." {
                    break;
                }
                data.push_str(&line);
            }
            kept.lock().unwrap().push(Received {
                to: to.clone(),
                data,
                over_tls,
            });
            b"250 kept\r\n"
        } else if upper.starts_with("QUIT") {
            let _ = reader.get_mut().write_all(b"221 bye\r\n").await;
            return Ok(Ended::Quit);
        } else {
            b"250 ok\r\n"
        };
        reader.get_mut().write_all(reply).await?;
    }
}

/// A minimal SMTP server on 127.0.0.1 that keeps every message; `tls` is
/// its certificate for the TLS modes.
async fn smtp_sink(mode: Mode, tls: Option<TlsAcceptor>) -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let (kept, tls) = (kept.clone(), tls.clone());
            tokio::spawn(async move {
                // A client that gives up (an untrusted certificate) ends
                // the conversation; the sink goes on listening.
                let _ = match mode {
                    Mode::Plain => {
                        converse(&mut BufReader::new(socket), true, false, false, &kept).await
                    }
                    Mode::Implicit => {
                        let Ok(stream) = tls.unwrap().accept(socket).await else {
                            return;
                        };
                        converse(&mut BufReader::new(stream), true, false, true, &kept).await
                    }
                    Mode::StartTls => {
                        let mut plain = BufReader::new(socket);
                        match converse(&mut plain, true, true, false, &kept).await {
                            Ok(Ended::StartTls) => {
                                let Ok(stream) = tls.unwrap().accept(plain.into_inner()).await
                                else {
                                    return;
                                };
                                converse(&mut BufReader::new(stream), false, false, true, &kept)
                                    .await
                            }
                            other => other,
                        }
                    }
                };
            });
        }
    });
    (port, inbox)
}

/// Lisa's open case with a reply from Anna: one email to Lisa queued.
async fn a_reply_to_lisa(app: &TestApp) -> String {
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    app.post_message(
        &anna,
        &id,
        version,
        "m1",
        "Kan du skicka ett foto på skadan?",
    )
    .await;
    id
}

/// The CA's PEM in a file of its own, as `SMTP_CA_FILE` names it.
fn ca_file(pem: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), pem).unwrap();
    file
}

fn unsent(app: &TestApp) -> impl std::future::Future<Output = i64> + '_ {
    app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
}

#[tokio::test]
async fn the_outbox_is_delivered_once_and_kept_when_the_relay_is_down() {
    let app = TestApp::seeded().await;
    let id = a_reply_to_lisa(&app).await;
    let queued = unsent(&app).await;
    assert!(queued >= 1);

    // The relay is down: nothing is lost, the failure is recorded.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let down = Mailer::new(&format!("smtp://127.0.0.1:{dead_port}"), FROM, None).unwrap();
    assert!(deliver(&app.state, &down, seed_now()).await.is_err());
    assert_eq!(unsent(&app).await, queued);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE attempts = 1 AND last_error IS NOT NULL AND sending_at IS NULL")
            .await,
        1
    );

    // The relay is up: every email once, to its recipient, with a stable id.
    let (port, inbox) = smtp_sink(Mode::Plain, None).await;
    let up = Mailer::new(&format!("smtp://127.0.0.1:{port}"), FROM, None).unwrap();
    let sent = deliver(&app.state, &up, seed_now()).await.unwrap();
    assert_eq!(sent as i64, queued);
    assert_eq!(unsent(&app).await, 0);
    assert_eq!(
        deliver(&app.state, &up, seed_now()).await.unwrap(),
        0,
        "nothing twice"
    );
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len() as i64, queued);
    let to_lisa = received
        .iter()
        .find(|r| r.to == CUSTOMER_LISA)
        .expect("Lisa is told about the reply");
    assert!(!to_lisa.over_tls);
    assert!(
        to_lisa.data.contains("Message-ID: <outbox-"),
        "{}",
        to_lisa.data
    );

    // A text part and an HTML part, both in Lisa's Swedish, both with the
    // link that opens the case.
    let message = mail_parser::MessageParser::default()
        .parse(to_lisa.data.as_bytes())
        .expect("a MIME message");
    assert!(message.subject().unwrap().contains(&id));
    let text = message.body_text(0).expect("a text part");
    let html = message.body_html(0).expect("an HTML part");
    let link = format!("/cases/{id}/messages");
    assert!(
        text.contains(&format!("Öppna ärende {id} i claimdesk: ")),
        "{text}"
    );
    assert!(text.trim_end().ends_with(&link), "{text}");
    assert!(text.contains("Kan du skicka ett foto på skadan?"), "{text}");
    assert!(html.contains(r#"<html lang="sv">"#), "{html}");
    assert!(
        html.contains(&link) && html.contains(&format!("Öppna ärende {id}")),
        "{html}"
    );
    assert!(html.contains("Kan du skicka ett foto på skadan?"), "{html}");
}

#[tokio::test]
async fn the_outbox_goes_over_starttls_and_over_implicit_tls() {
    let app = TestApp::seeded().await;
    let (ca_pem, acceptor) = throwaway_tls();
    let ca = ca_file(&ca_pem);

    // STARTTLS required: the conversation turns to TLS before MAIL FROM.
    a_reply_to_lisa(&app).await;
    let queued = unsent(&app).await;
    let (port, inbox) = smtp_sink(Mode::StartTls, Some(acceptor.clone())).await;
    let starttls = Mailer::new(
        &format!("smtp://127.0.0.1:{port}?tls=required"),
        FROM,
        Some(ca.path()),
    )
    .unwrap();
    assert_eq!(
        deliver(&app.state, &starttls, seed_now()).await.unwrap() as i64,
        queued
    );
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len() as i64, queued);
    assert!(
        received.iter().all(|r| r.over_tls),
        "every message inside TLS"
    );

    // Implicit TLS (smtps): TLS from the first byte.
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    app.post_message(&anna, &id, version, "m2", "En sak till.")
        .await;
    let queued = unsent(&app).await;
    assert!(queued >= 1);
    let (port, inbox) = smtp_sink(Mode::Implicit, Some(acceptor)).await;
    let smtps = Mailer::new(&format!("smtps://127.0.0.1:{port}"), FROM, Some(ca.path())).unwrap();
    assert_eq!(
        deliver(&app.state, &smtps, seed_now()).await.unwrap() as i64,
        queued
    );
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len() as i64, queued);
    assert!(received.iter().all(|r| r.over_tls));
    assert_eq!(unsent(&app).await, 0);
}

#[tokio::test]
async fn an_untrusted_certificate_or_a_relay_without_tls_gets_nothing() {
    let app = TestApp::seeded().await;
    a_reply_to_lisa(&app).await;
    let queued = unsent(&app).await;
    let (_, acceptor) = throwaway_tls();

    // The server's certificate chains to no root the mailer trusts.
    let (port, inbox) = smtp_sink(Mode::StartTls, Some(acceptor.clone())).await;
    let untrusting =
        Mailer::new(&format!("smtp://127.0.0.1:{port}?tls=required"), FROM, None).unwrap();
    assert!(deliver(&app.state, &untrusting, seed_now()).await.is_err());
    let (port, implicit_inbox) = smtp_sink(Mode::Implicit, Some(acceptor)).await;
    let untrusting = Mailer::new(&format!("smtps://127.0.0.1:{port}"), FROM, None).unwrap();
    assert!(deliver(&app.state, &untrusting, seed_now()).await.is_err());

    // TLS required, but the relay offers no STARTTLS: nothing in plain text.
    let (ca_pem, _) = throwaway_tls();
    let ca = ca_file(&ca_pem);
    let (port, plain_inbox) = smtp_sink(Mode::Plain, None).await;
    let required = Mailer::new(
        &format!("smtp://127.0.0.1:{port}?tls=required"),
        FROM,
        Some(ca.path()),
    )
    .unwrap();
    assert!(deliver(&app.state, &required, seed_now()).await.is_err());

    for kept in [inbox, implicit_inbox, plain_inbox] {
        assert!(kept.lock().unwrap().is_empty());
    }
    assert_eq!(unsent(&app).await, queued, "kept for the next try");
}

#[test]
fn smtp_urls_name_plain_starttls_or_implicit_tls() {
    for good in [
        "smtp://relay.example",
        "smtp://user:secret@relay.example:587?tls=required",
        "smtp://relay.example:25?tls=opportunistic",
        "smtps://user:secret@relay.example:465",
    ] {
        assert!(Mailer::new(good, FROM, None).is_ok(), "{good}");
    }
    for bad in ["relay:25", "smtp://relay:port", "ftp://relay.example"] {
        assert!(Mailer::new(bad, FROM, None).is_err(), "{bad}");
    }
    assert!(Mailer::new("smtp://relay", "not an address", None).is_err());
    let missing = std::path::Path::new("/nonexistent/ca.pem");
    assert!(Mailer::new("smtps://relay.example", FROM, Some(missing)).is_err());
}
