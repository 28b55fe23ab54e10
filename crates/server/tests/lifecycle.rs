//! The server as a process: it finishes what it acknowledged. SIGTERM lets
//! requests in flight finish and ends the event streams; SIGKILL in the
//! middle of a burst of writes loses no acknowledged write and leaves none
//! half-written; a backup taken while writes go on is consistent and
//! restores. Each test starts the real binary on a free port of 127.0.0.1
//! with its own database and stops it by its process id.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::SqlitePool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BINARY: &str = env!("CARGO_BIN_EXE_claimdesk-server");
const ANNA: &str = "anna@nordichome.example";

/// A running `claimdesk-server`.
struct Server {
    child: Child,
    addr: String,
}

fn url(db: &Path) -> String {
    format!("sqlite://{}", db.display())
}

impl Server {
    /// Starts the server on `db` (seeding the demo into a new one) and
    /// waits for the line that says where it listens.
    async fn start(db: &Path) -> Server {
        let mut child = Command::new(BINARY)
            .args(["--addr", "127.0.0.1:0", "--seed-demo"])
            .args(["--database-url", &url(db), "--shutdown-grace-seconds", "5"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // A thread reads what the server prints (and goes on draining it,
        // so a full pipe never blocks the server).
        let stdout = child.stdout.take().unwrap();
        let (found, listening) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(addr) = line.strip_prefix("claimdesk listening on http://") {
                    let _ = found.send(addr.to_owned());
                }
            }
        });
        let addr = listening
            .recv_timeout(Duration::from_secs(120))
            .expect("the server starts and says where it listens");
        Server { child, addr }
    }

    fn signal(&self, signal: &str) {
        // The shell's own `kill`: no procps needed.
        let status = Command::new("sh")
            .args(["-c", &format!("kill {signal} {}", self.child.id())])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to end; returns whether it exited cleanly.
    async fn wait(&mut self, within: Duration) -> bool {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            assert!(
                started.elapsed() < within,
                "the server did not exit within {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 request as the SPA sends it (session cookie, CSRF header,
/// JSON body, an Idempotency-Key on writes).
fn request(
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> (String, String) {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Claimdesk-Csrf: 1\r\n");
    if let Some(cookie) = cookie {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method != "GET" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {}\r\n",
            body.len(),
            rand_key()
        ));
    }
    (head, body)
}

fn rand_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "lifecycle-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// One response: status, headers (lower-cased), body.
struct Response {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Reads one response (with a `Content-Length` body) from `stream`.
async fn read_response(stream: &mut TcpStream) -> std::io::Result<Response> {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1];
    while !buffer.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buffer).to_lowercase();
    let status = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok(Response {
        status,
        headers: head,
        body,
    })
}

/// Sends one request on a new connection and reads its response.
async fn send(
    addr: &str,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr).await?;
    let (head, body) = request(method, path, cookie, body);
    stream
        .write_all(format!("{head}\r\n{body}").as_bytes())
        .await?;
    read_response(&mut stream).await
}

async fn sign_in(addr: &str, email: &str) -> String {
    let reply = send(
        addr,
        "POST",
        "/api/v1/session",
        None,
        Some(&json!({ "email": email, "password": "claimdesk-demo" })),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 200);
    let cookie = reply
        .headers
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// The merchant's open cases with their versions.
async fn open_cases(addr: &str, cookie: &str) -> Vec<(String, i64)> {
    let page = send(
        addr,
        "GET",
        "/api/v1/cases?inbox=open&per_page=200",
        Some(cookie),
        None,
    )
    .await
    .unwrap()
    .json();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["version"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Posts notes `{tag}-{n}` on `case` one after another until the server
/// stops answering; returns the notes it acknowledged.
async fn keep_noting(
    addr: String,
    cookie: String,
    (case, mut version): (String, i64),
    tag: String,
) -> Vec<String> {
    let mut acknowledged = Vec::new();
    for n in 0.. {
        let body = format!("{tag}-{n}");
        let path = format!("/api/v1/cases/{case}/notes");
        match send(
            &addr,
            "POST",
            &path,
            Some(&cookie),
            Some(&json!({ "version": version, "body": body })),
        )
        .await
        {
            Ok(reply) if reply.status == 200 => {
                version = reply.json()["version"].as_i64().unwrap();
                acknowledged.push(body);
            }
            Ok(reply) => panic!(
                "note refused: {} {}",
                reply.status,
                String::from_utf8_lossy(&reply.body)
            ),
            // Refused, reset or cut off: the server is gone.
            Err(_) => break,
        }
    }
    acknowledged
}

/// The notes whose body starts with `prefix`, and how many of them have
/// their `note_added` event.
async fn notes_with_events(db: &SqlitePool, prefix: &str) -> (Vec<String>, i64) {
    let notes: Vec<String> =
        sqlx::query_scalar("SELECT body FROM notes WHERE body LIKE ? || '%' ORDER BY id")
            .bind(prefix)
            .fetch_all(db)
            .await
            .unwrap();
    let with_event: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notes n WHERE n.body LIKE ? || '%' AND EXISTS (SELECT 1 FROM events e
           WHERE e.case_id = n.case_id AND e.kind = 'note_added' AND json_extract(e.data, '$.note_id') = n.id)",
    )
    .bind(prefix)
    .fetch_one(db)
    .await
    .unwrap();
    (notes, with_event)
}

async fn open_db(path: &Path) -> SqlitePool {
    claimdesk_server::db::connect(&url(path)).await.unwrap()
}

/// Runs `claimdesk-server --database-url <db> <command> <path>` to its end.
fn run(db: &Path, command: &str, path: &Path) -> std::process::Output {
    Command::new(BINARY)
        .args(["--database-url", &url(db), command])
        .arg(path)
        .output()
        .unwrap()
}

fn temp_db(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish_and_ends_the_streams() {
    let dir = tempfile::tempdir().unwrap();
    let db = temp_db(&dir, "claimdesk.db");
    let mut server = Server::start(&db).await;
    let cookie = sign_in(&server.addr, ANNA).await;
    let (case, version) = open_cases(&server.addr, &cookie).await.remove(0);

    // An event stream, open.
    let mut stream = TcpStream::connect(&server.addr).await.unwrap();
    let (head, _) = request("GET", "/api/v1/stream", Some(&cookie), None);
    stream
        .write_all(format!("{head}Accept: text/event-stream\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut opened = vec![0u8; 12];
    stream.read_exact(&mut opened).await.unwrap();
    assert_eq!(&opened, b"HTTP/1.1 200");

    // A write in flight: the connection is the server's (it answered a
    // request on it), the note's headers are read, half its body is sent.
    let mut writer = TcpStream::connect(&server.addr).await.unwrap();
    let (health, _) = request("GET", "/api/v1/health", None, None);
    writer
        .write_all(format!("{health}\r\n").as_bytes())
        .await
        .unwrap();
    assert_eq!(read_response(&mut writer).await.unwrap().status, 200);
    let note = json!({ "version": version, "body": "written across a SIGTERM" });
    let (head, body) = request(
        "POST",
        &format!("/api/v1/cases/{case}/notes"),
        Some(&cookie),
        Some(&note),
    );
    let (first, rest) = body.split_at(body.len() / 2);
    writer
        .write_all(format!("{head}\r\n{first}").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.signal("-TERM");
    tokio::time::sleep(Duration::from_millis(300)).await;
    // No new request is served once shutting down.
    let late = tokio::time::timeout(
        Duration::from_secs(1),
        send(&server.addr, "GET", "/api/v1/health", None, None),
    )
    .await;
    assert!(
        !matches!(late, Ok(Ok(_))),
        "a request after SIGTERM was served"
    );
    writer.write_all(rest.as_bytes()).await.unwrap();
    let answer = read_response(&mut writer)
        .await
        .expect("the write in flight is answered");
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.json()["version"], version + 1);

    // The stream ends cleanly: the last chunk, then the connection closes.
    let mut rest_of_stream = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(5),
        stream.read_to_end(&mut rest_of_stream),
    )
    .await
    .expect("the stream ends at once")
    .unwrap();
    assert!(
        rest_of_stream.ends_with(b"0\r\n\r\n"),
        "{}",
        String::from_utf8_lossy(&rest_of_stream)
    );
    assert!(
        server.wait(Duration::from_secs(10)).await,
        "exits with success"
    );

    let db = open_db(&db).await;
    let (notes, with_event) = notes_with_events(&db, "written across a SIGTERM").await;
    assert_eq!((notes.len(), with_event), (1, 1));
}

#[tokio::test]
async fn a_crash_in_a_burst_of_writes_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = temp_db(&dir, "claimdesk.db");
    let mut server = Server::start(&db).await;
    let cookie = sign_in(&server.addr, ANNA).await;
    let writers: Vec<_> = open_cases(&server.addr, &cookie)
        .await
        .into_iter()
        .take(8)
        .enumerate()
        .map(|(i, case)| {
            tokio::spawn(keep_noting(
                server.addr.clone(),
                cookie.clone(),
                case,
                format!("crash-{i}"),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(800)).await;
    server.signal("-KILL");
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    assert!(
        !server.wait(Duration::from_secs(5)).await,
        "killed, not exited"
    );
    assert!(
        acknowledged.len() >= 8,
        "the burst wrote: {}",
        acknowledged.len()
    );

    // Restarted on the same file, the server serves again.
    let mut restarted = Server::start(&db).await;
    let health = send(&restarted.addr, "GET", "/api/v1/health", None, None)
        .await
        .unwrap();
    assert_eq!(health.status, 200);
    restarted.signal("-TERM");
    assert!(restarted.wait(Duration::from_secs(10)).await);

    let db = open_db(&db).await;
    let (stored, with_event) = notes_with_events(&db, "crash-").await;
    for note in &acknowledged {
        assert_eq!(
            stored.iter().filter(|s| *s == note).count(),
            1,
            "{note} is stored once"
        );
    }
    // Each writer had at most one write in flight: committed, perhaps,
    // without its answer.
    assert!(
        stored.len() - acknowledged.len() <= 8,
        "{} stored, {} acknowledged",
        stored.len(),
        acknowledged.len()
    );
    assert_eq!(
        with_event,
        stored.len() as i64,
        "every note has its event: nothing half-written"
    );
}

#[tokio::test]
async fn a_backup_taken_while_writes_go_on_is_consistent_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let db = temp_db(&dir, "claimdesk.db");
    let mut server = Server::start(&db).await;
    let cookie = sign_in(&server.addr, ANNA).await;
    let writers: Vec<_> = open_cases(&server.addr, &cookie)
        .await
        .into_iter()
        .take(4)
        .enumerate()
        .map(|(i, case)| {
            tokio::spawn(keep_noting(
                server.addr.clone(),
                cookie.clone(),
                case,
                format!("backup-{i}"),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let backup = temp_db(&dir, "backup.db");
    let taken = run(&db, "backup", &backup);
    assert!(
        taken.status.success(),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.signal("-TERM");
    let mut acknowledged = 0;
    for writer in writers {
        acknowledged += writer.await.unwrap().len();
    }
    assert!(server.wait(Duration::from_secs(10)).await);

    // The backup is one moment of the database: some of the notes, each
    // with its event.
    let copy = open_db(&backup).await;
    let (in_backup, with_event) = notes_with_events(&copy, "backup-").await;
    copy.close().await;
    let live = open_db(&db).await;
    let (in_live, _) = notes_with_events(&live, "backup-").await;
    live.close().await;
    assert!(
        !in_backup.is_empty() && in_backup.len() < in_live.len(),
        "{} in the backup, {} after",
        in_backup.len(),
        in_live.len()
    );
    assert!(in_live.len() >= acknowledged);
    assert_eq!(with_event, in_backup.len() as i64);

    // A second backup to the same file is refused, not overwritten.
    let again = run(&db, "backup", &backup);
    assert!(!again.status.success());

    // Restored over the live database, the server serves the backup.
    let restored = run(&db, "restore", &backup);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let mut server = Server::start(&db).await;
    sign_in(&server.addr, ANNA).await;
    server.signal("-TERM");
    assert!(server.wait(Duration::from_secs(10)).await);
    let live = open_db(&db).await;
    assert_eq!(notes_with_events(&live, "backup-").await.0, in_backup);

    // A file that is not a claimdesk database is not restored.
    let junk = temp_db(&dir, "junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let refused = run(&db, "restore", &junk);
    assert!(!refused.status.success());
}
