//! `claimdesk-server`: runs the reference claims backend.

use std::net::SocketAddr;
use std::path::PathBuf;

use claimdesk_server::{app, db, seed, sweeps, AppState, Config};
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// The claimdesk reference claims backend.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let cli = Cli::parse();
    let pool = db::connect(&cli.database_url).await?;
    if cli.seed_demo && seed::seed_if_empty(&pool, chrono::Utc::now()).await? {
        tracing::info!("seeded the demo data");
    }
    let state = AppState::new(
        pool,
        Config {
            static_dir: cli.static_dir,
            secure_cookies: cli.secure_cookies,
        },
    );
    tokio::spawn(sweeps::run_forever(state.clone()));
    let listener = tokio::net::TcpListener::bind(cli.addr).await?;
    let addr = listener.local_addr()?;
    // Test harnesses read this line to learn the port when started with port 0.
    println!("claimdesk listening on http://{addr}");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
