//! `triaged sandbox`: every vendor emulator on 127.0.0.1, fed the demo shop's traffic on the
//! real clock, with a ready `triaged.toml` pointing at them, so the real daemon can run
//! against it as a separate process — how a team tries triaged before it has credentials.
//! Faults are knobs (`--faults`, seeded by `--seed`); a person's actions go through the
//! admin endpoint (`admin`). It serves until Ctrl-C or SIGTERM.

mod admin;
mod faults;

use std::net::SocketAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use triaged_sandbox::{FaultKnobs, SandboxServer};

pub use faults::parse_faults;

use super::config::{ConfigParts, config_text, secrets};
use super::vendors::Vendors;
use super::world;
use crate::config::{Config, Source};

/// How the sandbox runs.
pub struct SandboxOptions {
    /// Where `triaged.toml`, its secret files and the store go; `None`: a temporary
    /// directory removed on exit.
    pub dir: Option<PathBuf>,
    pub faults: FaultKnobs,
    /// Seeds the emulators' fault draws.
    pub seed: u64,
    /// The HTTP listener the written configuration gives the daemon.
    pub daemon_bind: SocketAddr,
}

/// Credentials for the CloudWatch emulator (it checks their SigV4 shape, not the key): the
/// AWS SDK's default chain reads them from the environment.
pub const AWS_ENV: &str = "AWS_ACCESS_KEY_ID=AKIDTRIAGEDSANDBOX AWS_SECRET_ACCESS_KEY=sandbox";

/// How often the world's new traffic is delivered.
const DELIVERY_INTERVAL: StdDuration = StdDuration::from_secs(10);

/// `triaged sandbox`: exit 0 after Ctrl-C or SIGTERM, 1 if it could not start.
pub fn command(options: SandboxOptions) -> ExitCode {
    crate::telemetry::init_demo();
    let result = tokio::runtime::Runtime::new()
        .context("starting the async runtime")
        .and_then(|runtime| runtime.block_on(serve(options)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(options: SandboxOptions) -> anyhow::Result<()> {
    let (dir, _temporary) = sandbox_dir(options.dir)?;
    // The sandbox opens an hour after checkout 1.4.2 shipped its bug, on the real clock.
    let opened = Utc::now();
    let world_offset = opened - (world::bug_shipped() + Duration::hours(1));
    let vendors = Arc::new(Vendors::start(opened - world_offset, options.seed).await?);
    vendors.set_now(opened);
    let mut delivered_to = opened - Duration::hours(1);
    deliver(&vendors, world_offset, &mut delivered_to, opened);
    // The model answers the way it does in the demo: hypotheses, and the cart fix.
    vendors.script_hypotheses();
    vendors.script_cart_fix();
    vendors.set_faults(&options.faults);
    let admin = SandboxServer::start(admin::router(vendors.clone()))
        .await
        .context("starting the admin endpoint on 127.0.0.1")?;

    let path = write_config(&dir, &vendors, options.daemon_bind)?;
    Config::load(Source::Explicit(&path), &[])
        .map_err(|e| anyhow::anyhow!("the written configuration does not load: {e}"))?;
    print!("{}", std::fs::read_to_string(&path)?);
    eprintln!(
        "sandbox ready: config {config}, admin {admin}\n  \
         run the daemon against it: {AWS_ENV} triaged --config {config} run\n  \
         admin: GET {admin}/state, /received; POST {admin}/github/merge, /linear/state, \
         /cloudwatch/logs, /sentry/issues, /faults, /traffic\n  Ctrl-C stops the sandbox.",
        config = path.display(),
        admin = admin.url(),
    );

    let mut every = tokio::time::interval(DELIVERY_INTERVAL);
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = every.tick() => {
                let now = Utc::now();
                vendors.set_now(now);
                if !vendors.traffic_paused.load(std::sync::atomic::Ordering::SeqCst) {
                    deliver(&vendors, world_offset, &mut delivered_to, now);
                }
            }
            () = &mut stop => break,
        }
    }
    eprintln!("sandbox stopped");
    Ok(())
}

/// Delivers the world's traffic of `[delivered_to, now)` (real time) and moves the mark.
fn deliver(
    vendors: &Vendors,
    world_offset: Duration,
    delivered_to: &mut DateTime<Utc>,
    now: DateTime<Utc>,
) {
    if now <= *delivered_to {
        return;
    }
    let traffic = world::traffic(*delivered_to - world_offset, now - world_offset);
    vendors.deliver(&traffic.shifted(world_offset));
    *delivered_to = now;
}

/// The sandbox's directory (a new one unless given) and the guard that removes a temporary one.
fn sandbox_dir(dir: Option<PathBuf>) -> anyhow::Result<(PathBuf, Option<tempfile::TempDir>)> {
    let Some(dir) = dir else {
        let temporary = tempfile::Builder::new()
            .prefix("triaged-sandbox-")
            .tempdir()
            .context("creating the sandbox's directory")?;
        return Ok((temporary.path().to_owned(), Some(temporary)));
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let store = dir.join("triaged.db");
    anyhow::ensure!(
        !store.exists(),
        "{} holds a store from an earlier sandbox, whose tickets these new emulators do not \
         have: use a new --dir",
        store.display()
    );
    let dir =
        std::fs::canonicalize(&dir).with_context(|| format!("resolving {}", dir.display()))?;
    Ok((dir, None))
}

/// Writes each secret to `<dir>/secrets/<name>` (mode 0600) and `<dir>/triaged.toml`
/// referring to them.
fn write_config(dir: &Path, vendors: &Vendors, daemon_bind: SocketAddr) -> anyhow::Result<PathBuf> {
    let secrets_dir = dir.join("secrets");
    std::fs::create_dir_all(&secrets_dir)
        .with_context(|| format!("creating {}", secrets_dir.display()))?;
    for (name, value) in secrets(vendors) {
        let path = secret_path(&secrets_dir, name);
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, value.as_bytes()))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let text = config_text(
        &vendors.urls,
        &ConfigParts {
            written_by: "triaged sandbox",
            database_url: format!("sqlite://{}", dir.join("triaged.db").display()),
            bind: daemon_bind.to_string(),
            dashboard: format!("http://{daemon_bind}"),
            schedules: ["* * * * *", "*/2 * * * *", "*/5 * * * *", "0 9 * * *"],
            secret: &|name| format!("file:{}", secret_path(&secrets_dir, name).display()),
        },
    );
    let path = dir.join("triaged.toml");
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

fn secret_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name.to_ascii_lowercase())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let term = async {
        match terminate.as_mut() {
            Some(signal) => {
                signal.recv().await;
            }
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}
