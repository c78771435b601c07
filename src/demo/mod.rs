//! `triaged demo`: the whole loop in seconds, with nothing to set up. Every vendor is an
//! emulator on 127.0.0.1 (`vendors`), the store is a temporary SQLite file, time is a
//! driven clock, and the real daemon — real clients, real pipeline, real jobs on their
//! cron schedules — runs against them while `world` plays three days of a small shop.
//! The driver moves the clock from one scheduled tick to the next, waits for the runs
//! the scheduler claims, and narrates what triaged decided (`narrate`); at the end it
//! reports (`report`) and keeps the dashboard up until Ctrl-C (or exits with `--exit`).

mod cli;
mod config;
mod narrate;
mod report;
pub mod sandbox;
mod vendors;
mod world;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::app::App;
use crate::clock::DrivenClock;
use crate::domain::summary::template_paragraph;
use crate::pipeline::report::health_summary;
use crate::scheduler::{CronSchedule, JobName};
use crate::store::{RunStatus, Store};

pub use cli::command;
pub use report::DemoReport;

/// How the demo runs.
pub struct DemoOptions {
    /// Where the dashboard listens (port 0: any free port); `None`: 127.0.0.1:9464, or
    /// any free port if that one is taken.
    pub bind: Option<SocketAddr>,
    /// Where the narrative goes (stdout, or stderr when the report is JSON).
    pub narrative: Box<dyn Write + Send>,
}

/// A demo whose three days have been played; the daemon and the emulators still run.
pub struct Played {
    pub report: DemoReport,
    daemon: crate::app::Daemon,
    _vendors: vendors::Vendors,
    _dir: tempfile::TempDir,
}

impl Played {
    /// Waits for Ctrl-C (or SIGTERM), then stops the daemon.
    pub async fn serve_until_signal(self) -> anyhow::Result<()> {
        self.daemon.finished().await
    }

    /// Stops the daemon now.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.daemon.shutdown.begin_drain();
        self.daemon.finished().await
    }
}

/// The longest a scheduled tick's runs may take before the demo gives up on them.
const TICK_TIMEOUT: StdDuration = StdDuration::from_secs(60);

/// Plays the three days and returns with the dashboard still up.
pub async fn play(mut options: DemoOptions) -> anyhow::Result<Played> {
    let wall = Instant::now();
    let start = world::start();
    let dir = tempfile::Builder::new()
        .prefix("triaged-demo-")
        .tempdir()
        .context("creating the demo's directory")?;
    let vendors = vendors::Vendors::start(start, 0).await?;
    let listener = bind_dashboard(options.bind).await?;
    let dashboard = format!("http://{}", listener.local_addr()?);
    let config = config::demo_config(dir.path(), &vendors, &dashboard)?;
    let clock = DrivenClock::new(start);
    let app = App::build_with_aws(config, Arc::new(clock.clone()), config::demo_aws().await)
        .await
        .context("building triaged for the demo")?;
    let store = app.store.clone();
    let schedules: Vec<(JobName, CronSchedule)> = app
        .scheduled_jobs()?
        .into_iter()
        .map(|j| (j.name, j.schedule))
        .collect();
    let out = &mut options.narrative;
    narrate::header(out, &vendors, &dashboard, &schedules)?;

    // The model's answers: one fix for the one draft, hypotheses for the two tickets the
    // world creates, and a paragraph for the summary due at start.
    vendors.script_cart_fix();
    vendors.script_hypotheses();
    script_paragraph(&vendors, &store, start, &dashboard).await?;
    let daemon = app.start_daemon(Some(listener)).await?;
    let driver = Driver {
        store: &store,
        vendors: &vendors,
        clock: &clock,
        schedules: &schedules,
        dashboard: &dashboard,
        shutdown: &daemon.shutdown,
    };
    let played = driver.play_three_days(out).await;
    if let Err(e) = played {
        // Ctrl-C drains the daemon, which closes the store under the driver: say so
        // rather than report the closed store.
        let interrupted = daemon.shutdown.signals.drain.is_cancelled();
        // Stop the daemon before the store's directory goes.
        daemon.shutdown.begin_drain();
        let _ = daemon.finished().await;
        if interrupted {
            anyhow::bail!("interrupted: the demo stopped before its three days were played");
        }
        return Err(e);
    }
    let report = report::build(&store, &vendors, &dashboard, wall.elapsed()).await?;
    narrate::footer(out, &report)?;
    Ok(Played {
        report,
        daemon,
        _vendors: vendors,
        _dir: dir,
    })
}

/// The dashboard's listener: `bind`, or any free loopback port when the default port is
/// taken (a daemon may be running there).
async fn bind_dashboard(bind: Option<SocketAddr>) -> anyhow::Result<tokio::net::TcpListener> {
    let default: SocketAddr = ([127, 0, 0, 1], 9464).into();
    let addr = bind.unwrap_or(default);
    match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => Ok(listener),
        Err(e) if bind.is_none() && e.kind() == std::io::ErrorKind::AddrInUse => {
            Ok(tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?)
        }
        Err(e) => Err(e).with_context(|| format!("binding the dashboard to {addr}")),
    }
}

/// Moves the clock from tick to tick and tells what happened.
struct Driver<'a> {
    store: &'a Store,
    vendors: &'a vendors::Vendors,
    clock: &'a DrivenClock,
    schedules: &'a [(JobName, CronSchedule)],
    dashboard: &'a str,
    shutdown: &'a crate::shutdown::Shutdown,
}

impl Driver<'_> {
    async fn play_three_days(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let start = world::start();
        let mut story = narrate::Story::default();
        // At start the scheduler runs each job's latest tick, as a restarted daemon would.
        for (name, schedule) in self.schedules {
            if let Some(tick) = schedule.latest_at_or_before(start) {
                self.wait_for_run(*name, tick).await?;
            }
        }
        story.step(out, self.store, start).await?;

        let mut now = start;
        let mut moments: Vec<world::Moment> = world::Moment::ALL.to_vec();
        while let Some(next) = next_tick(self.schedules, now).filter(|t| *t <= world::end()) {
            self.vendors.deliver(&world::traffic(now, next));
            self.vendors.set_now(next);
            let (due, later): (Vec<_>, Vec<_>) = moments.iter().partition(|m| m.at() <= next);
            moments = later;
            for moment in due {
                let outcome = self.vendors.act(moment)?;
                story.moment(out, moment, &outcome)?;
            }
            let due_jobs: Vec<JobName> = self
                .schedules
                .iter()
                .filter(|(_, s)| s.latest_at_or_before(next) == Some(next))
                .map(|(name, _)| *name)
                .collect();
            if due_jobs.contains(&JobName::Summary) {
                script_paragraph(self.vendors, self.store, next, self.dashboard).await?;
            }
            self.clock.set(next);
            for name in due_jobs {
                self.wait_for_run(name, next).await?;
            }
            story.step(out, self.store, next).await?;
            now = next;
        }
        Ok(())
    }

    /// Waits until the scheduler has finished `job`'s run for `tick`.
    async fn wait_for_run(&self, job: JobName, tick: DateTime<Utc>) -> anyhow::Result<()> {
        let deadline = Instant::now() + TICK_TIMEOUT;
        loop {
            if self.shutdown.signals.drain.is_cancelled() {
                anyhow::bail!("interrupted");
            }
            if let Some(run) = self.store.run(job.as_str(), tick).await?
                && run.status != RunStatus::Running
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                anyhow::bail!("the {job} run scheduled for {tick} did not finish");
            }
            tokio::time::sleep(StdDuration::from_millis(2)).await;
        }
    }
}

/// The earliest tick of any schedule after `now`.
fn next_tick(schedules: &[(JobName, CronSchedule)], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    schedules
        .iter()
        .filter_map(|(_, s)| s.next_after(now))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .next()
}

/// The emulated model writes the summary's opening paragraph from the same numbers the
/// summary job will read (and triaged checks every number it cites before using it).
async fn script_paragraph(
    vendors: &vendors::Vendors,
    store: &Store,
    at: DateTime<Utc>,
    dashboard: &str,
) -> anyhow::Result<()> {
    let summary = health_summary(store, at, Some(dashboard)).await?;
    vendors.script_text(template_paragraph(&summary).text);
    Ok(())
}
