//! `claimdesk-server`: runs the reference claims backend.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use claimdesk_server::domain::{evidence, presence};
use claimdesk_server::sign_in_limits::SignInPolicy;
use claimdesk_server::state::SessionPolicy;
use claimdesk_server::{app, db, mail, seed, sla, store, sweeps, AppState, Config};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// The claimdesk reference claims backend.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Deliver the outbox through this SMTP server: smtp://[user:password@]host[:port]
    /// (plain), with ?tls=required (STARTTLS), or smtps://… (implicit TLS).
    #[arg(long, env = "SMTP_URL")]
    smtp_url: Option<String>,
    /// A PEM root certificate the SMTP server's TLS certificate may chain to,
    /// besides the system's (a private relay's CA).
    #[arg(long, env = "SMTP_CA_FILE")]
    smtp_ca_file: Option<PathBuf>,
    /// The sender of outbox emails.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "claimdesk <no-reply@claimdesk.example>"
    )]
    mail_from: String,
    /// Address to listen on; port 0 picks a free port (printed at start).
    #[arg(long, env = "ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// SQLite database URL; the file is created if missing.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/claimdesk.db"
    )]
    database_url: String,
    /// The built SPA to serve at `/` (Trunk's dist directory).
    #[arg(long, env = "STATIC_DIR")]
    static_dir: Option<PathBuf>,
    /// Fill an empty database with the demo marketplaces, users and cases.
    #[arg(long, env = "SEED_DEMO")]
    seed_demo: bool,
    /// Mark the session cookie Secure (set when serving over HTTPS).
    #[arg(long, env = "SECURE_COOKIES")]
    secure_cookies: bool,
    /// Where users reach the app, for the link to the case in every email
    /// (e.g. https://claims.example); by default http://ADDR.
    #[arg(long, env = "PUBLIC_URL")]
    public_url: Option<String>,
    /// The marketplace portals that sign their users in with a JWT (TOML,
    /// one [[portal]] each: marketplace, audience, algorithm HS256 with
    /// secret, or RS256/EdDSA with public_key_file, allowed_origins).
    #[arg(long, env = "PORTALS_FILE")]
    portals_file: Option<PathBuf>,
    /// Who may show the app in a frame (a CSP frame-ancestors source list,
    /// e.g. "https://portal.example"); by default nobody.
    #[arg(long, env = "FRAME_ANCESTORS")]
    frame_ancestors: Option<String>,
    /// Test mode: expose POST /api/v1/test/clock, which moves the server's
    /// clock forward (end-to-end tests of the response clock). Never in
    /// production.
    #[arg(long)]
    test_clock: bool,
    /// With --test-clock: start the server's clock (and the demo seed) at
    /// this RFC 3339 instant, so a test sees the same weekday every run.
    #[arg(long, requires = "test_clock")]
    test_clock_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Benchmarking aid (`make bench`): after the demo seed, add N open
    /// cases for Nordic Home AB, reported within the last hours. Only into
    /// a database that has the demo seed and no bench cases yet.
    #[arg(long, value_name = "N")]
    bench_cases: Option<usize>,
    /// On SIGTERM or Ctrl-C, how long requests in flight may take to finish
    /// before the server exits anyway (event streams end at once).
    #[arg(long, env = "SHUTDOWN_GRACE_SECONDS", default_value_t = 10)]
    shutdown_grace_seconds: u64,
    /// Sessions end after this many hours without use (each use renews).
    #[arg(long, env = "SESSION_IDLE_HOURS", default_value_t = 12)]
    session_idle_hours: i64,
    /// Sessions end after this many days, used or not.
    #[arg(long, env = "SESSION_MAX_DAYS", default_value_t = claimdesk_server::auth::SESSION_DAYS)]
    session_max_days: i64,
    /// Failed sign-ins on one account within 15 minutes before it is locked
    /// for the rest of the window.
    #[arg(long, env = "SIGN_IN_FAILURES_PER_ACCOUNT", default_value_t = SignInPolicy::default().per_account)]
    sign_in_failures_per_account: u32,
    /// Failed sign-ins from one client address within 15 minutes.
    #[arg(long, env = "SIGN_IN_FAILURES_PER_ADDRESS", default_value_t = SignInPolicy::default().per_address)]
    sign_in_failures_per_address: u32,
    #[command(subcommand)]
    command: Option<Command>,
}

/// What to do instead of serving.
#[derive(Debug, Subcommand)]
enum Command {
    /// Writes a consistent copy of the database to PATH (a new file), also
    /// while the server runs and writes: SQLite's `VACUUM INTO` reads one
    /// snapshot of it.
    Backup { path: PathBuf },
    /// Replaces the database with the backup at PATH, after checking the
    /// backup's integrity. Stop the server first.
    Restore { path: PathBuf },
    /// Gives the account EMAIL the password read from standard input (one
    /// line) and ends all its sessions.
    SetPassword { email: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Backup { path }) => {
            let pool = db::connect(&cli.database_url).await?;
            store::backup::vacuum_into(&pool, path).await?;
            println!("backed up {} to {}", cli.database_url, path.display());
            return Ok(());
        }
        Some(Command::Restore { path }) => {
            store::backup::restore(path, &cli.database_url).await?;
            println!("restored {} from {}", cli.database_url, path.display());
            return Ok(());
        }
        Some(Command::SetPassword { email }) => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            anyhow::ensure!(
                password.chars().count() >= 12,
                "use a password of 12 characters or more"
            );
            let pool = db::connect(&cli.database_url).await?;
            let state = AppState::new(pool, Config::default());
            match claimdesk_server::auth::set_password(&state, email, password).await? {
                Some(ended) => println!("password set for {email}; {ended} sessions ended"),
                None => anyhow::bail!("no account has the email {email}"),
            }
            return Ok(());
        }
        None => {}
    }
    let pool = db::connect(&cli.database_url).await?;
    let state = AppState::new(
        pool,
        Config {
            static_dir: cli.static_dir,
            secure_cookies: cli.secure_cookies,
            test_clock: cli.test_clock,
            frame_ancestors: cli.frame_ancestors,
            portals: match &cli.portals_file {
                Some(path) => claimdesk_server::portal::load(path)?,
                None => Vec::new(),
            },
            public_url: Some(
                cli.public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{}", cli.addr)),
            ),
            sessions: SessionPolicy {
                idle: chrono::Duration::hours(cli.session_idle_hours),
                max: chrono::Duration::days(cli.session_max_days),
            },
            sign_in: SignInPolicy {
                per_account: cli.sign_in_failures_per_account,
                per_address: cli.sign_in_failures_per_address,
                ..SignInPolicy::default()
            },
        },
    );
    if let Some(at) = cli.test_clock_at {
        state.set_now(at);
    }
    if cli.seed_demo && seed::seed_if_empty(&state.db, state.now()).await? {
        tracing::info!("seeded the demo data");
    }
    if let Some(count) = cli.bench_cases {
        let started = std::time::Instant::now();
        seed::bulk::add_open_cases(
            &state.db,
            state.now(),
            seed::bulk::BENCH_MERCHANT_DOMAIN,
            count,
        )
        .await?;
        tracing::info!(cases = count, elapsed = ?started.elapsed(), "added bench cases");
    }
    // A database from before the clock was stored gets it now.
    let filled = sla::clock::refresh_unset(&state.db, &state.writer, state.now()).await?;
    if filled > 0 {
        // Written outside a case write: no kept inbox page holds.
        state.pages.clear();
        tracing::info!(cases = filled, "stored the response clock of open cases");
    }
    tokio::spawn(sweeps::run_forever(state.clone()));
    // Pictures stored before fingerprints were get theirs, beside serving.
    let backfilling = state.clone();
    tokio::spawn(async move {
        match evidence::backfill(&backfilling).await {
            Ok(0) => {}
            Ok(done) => tracing::info!(files = done, "fingerprinted stored pictures"),
            Err(e) => tracing::warn!(error = ?e, "fingerprinting stored pictures"),
        }
    });
    tokio::spawn(db::checkpoint_forever(state.db.clone()));
    tokio::spawn(presence::expire_forever(state.clone()));
    // Without an SMTP URL the outbox table is the record of what would be sent.
    if let Some(url) = &cli.smtp_url {
        let mailer = mail::Mailer::new(url, &cli.mail_from, cli.smtp_ca_file.as_deref())?;
        tokio::spawn(mail::run_forever(state.clone(), mailer));
    }
    let listener = tokio::net::TcpListener::bind(cli.addr).await?;
    let addr = listener.local_addr()?;
    // Test harnesses read this line to learn the port when started with port 0.
    println!("claimdesk listening on http://{addr}");
    let (live, db, writer) = (state.live.clone(), state.db.clone(), state.writer.clone());
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    // The client's address reaches the handlers (the sign-in limits count
    // per address).
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let serve = axum::serve(listener, service).with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing the requests in flight");
        let _ = stop_tx.send(true);
        // The event streams never end by themselves: end them, or the
        // shutdown would wait for every browser to hang up.
        live.close();
    });
    let grace = Duration::from_secs(cli.shutdown_grace_seconds);
    tokio::select! {
        served = serve => served?,
        () = async {
            let _ = stop_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!(?grace, "requests still in flight after the grace period; exiting"),
    }
    // Every acknowledged write is committed; closing the connections
    // checkpoints the WAL into the database file.
    writer.pool().close().await;
    db.close().await;
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, which systemd, Kubernetes and
/// `docker stop` send.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
