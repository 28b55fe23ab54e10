//! Outbox delivery over SMTP, against a real SMTP conversation on loopback.

mod common;

use std::sync::{Arc, Mutex};

use claimdesk_server::mail::{deliver, Mailer};
use common::*;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the sink received: (envelope recipient, whole message).
type Inbox = Arc<Mutex<Vec<(String, String)>>>;

/// A minimal SMTP server on 127.0.0.1: accepts every message and keeps it.
async fn smtp_sink() -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut rcpt = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt = line[8..].trim().trim_matches(['<', '>']).to_owned();
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        write.write_all(b"354 go on\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            data.push_str(&line);
                            data.push('\n');
                        }
                        kept.lock().unwrap().push((rcpt.clone(), data));
                        b"250 kept\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, inbox)
}

#[tokio::test]
async fn the_outbox_is_delivered_once_and_kept_when_the_relay_is_down() {
    let app = TestApp::seeded().await;
    // A reply queues an email to the customer.
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    app.post_message(&anna, &id, version, "m1", "Could you send a photo?")
        .await;
    let queued = app
        .count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
        .await;
    assert!(queued >= 1);

    // The relay is down: nothing is lost, the failure is recorded.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let down = Mailer::new(
        &format!("smtp://127.0.0.1:{dead_port}"),
        "claimdesk <no-reply@claimdesk.example>",
    )
    .unwrap();
    assert!(deliver(&app.state, &down, seed_now()).await.is_err());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .await,
        queued
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE attempts = 1 AND last_error IS NOT NULL AND sending_at IS NULL")
            .await,
        1
    );

    // The relay is up: every email once, to its recipient, with a stable id.
    let (port, inbox) = smtp_sink().await;
    let up = Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "claimdesk <no-reply@claimdesk.example>",
    )
    .unwrap();
    let sent = deliver(&app.state, &up, seed_now()).await.unwrap();
    assert_eq!(sent as i64, queued);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .await,
        0
    );
    assert_eq!(
        deliver(&app.state, &up, seed_now()).await.unwrap(),
        0,
        "nothing twice"
    );
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len() as i64, queued);
    let to_lisa = received
        .iter()
        .find(|(to, _)| to == CUSTOMER_LISA)
        .expect("Lisa is told about the reply");
    assert!(to_lisa.1.contains("Message-ID: <outbox-"), "{}", to_lisa.1);
    assert!(
        to_lisa.1.contains(&id),
        "the email names the case: {}",
        to_lisa.1
    );
}

#[test]
fn only_plain_smtp_urls_are_taken() {
    for bad in [
        "smtps://relay:465",
        "relay:25",
        "smtp://user@relay",
        "smtp://relay:port",
    ] {
        assert!(
            Mailer::new(bad, "claimdesk <a@b.example>").is_err(),
            "{bad}"
        );
    }
    assert!(Mailer::new(
        "smtp://user:secret@relay.example:587",
        "claimdesk <a@b.example>"
    )
    .is_ok());
    assert!(Mailer::new("smtp://relay", "not an address").is_err());
}
