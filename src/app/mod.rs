//! The one place that builds concrete clients, the store and the jobs, and runs them:
//! as a daemon (`run`) or one job at a time (`once`). `adapters` builds the clients a
//! configuration names; `settings` translates it into each stage's settings.

pub mod adapters;
pub mod settings;

use std::sync::Arc;

use anyhow::Context;

use crate::agent::Provider;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::domain::event::UserSalt;
use crate::domain::summary::{HealthSummary, Paragraph};
use crate::forge::CodeHost;
use crate::jobs::{
    Drafting, Hypothesizing, IngestJob, PendingJob, ScoreJob, SummaryJob, TriageJob, VerifyJob,
};
use crate::metrics::Metrics;
use crate::pipeline::report::{health_summary, write_paragraph};
use crate::pipeline::triage::{Effects, TriageReport, run_triage, run_verify};
use crate::redact::Redactor;
use crate::scheduler::{
    CronSchedule, Execution, Job, JobName, LeaseSettings, ScheduledJob, Scheduler,
};
use crate::shutdown::Shutdown;
use crate::sources::EventSource;
use crate::store::{Store, Trigger};
use crate::tracker::Tracker;

/// Everything a running triaged holds.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub clock: SharedClock,
    pub metrics: Arc<Metrics>,
    pub shutdown: Shutdown,
    pub scheduler: Scheduler,
    /// The key user ids are hashed with (config, else generated once per store).
    pub salt: UserSalt,
    pub redactor: Redactor,
    /// Every configured source.
    pub sources: Arc<Vec<Box<dyn EventSource>>>,
    /// The issue tracker, when `[linear]` is configured.
    pub tracker: Option<Arc<dyn Tracker>>,
    /// The LLM provider, when `agent.enabled`.
    pub model: Option<Arc<dyn Provider>>,
    /// The code host fixes are drafted on, when `[github]` is configured.
    pub forge: Option<Arc<dyn CodeHost>>,
}

impl App {
    /// Opens the store (migrating it) and builds the scheduler.
    pub async fn build(config: Config, clock: SharedClock) -> anyhow::Result<App> {
        Self::build_with(config, clock, false, None).await
    }

    /// `build`, with CloudWatch reached through `aws` (credentials, region, HTTP client)
    /// instead of the standard credential chain: the demo's fixed emulator credentials.
    pub async fn build_with_aws(
        config: Config,
        clock: SharedClock,
        aws: aws_config::SdkConfig,
    ) -> anyhow::Result<App> {
        Self::build_with(config, clock, false, Some(aws)).await
    }

    /// For `--dry-run`: the store is opened without migrating and nothing is written to
    /// it (an unset user-id salt stays unset; a throwaway one stands in).
    pub async fn build_read_only(config: Config, clock: SharedClock) -> anyhow::Result<App> {
        Self::build_with(config, clock, true, None).await
    }

    async fn build_with(
        config: Config,
        clock: SharedClock,
        read_only: bool,
        aws: Option<aws_config::SdkConfig>,
    ) -> anyhow::Result<App> {
        let where_ = || {
            format!(
                "opening the store at {}",
                crate::redact::Redactor::default().redact(&config.database_url)
            )
        };
        let store = if read_only {
            Store::connect(&config.database_url)
                .await
                .with_context(where_)?
        } else {
            Store::open(&config.database_url)
                .await
                .with_context(where_)?
        };
        let salt = adapters::user_salt(&config, &store, read_only).await?;
        let redactor =
            Redactor::new(&config.privacy.redact_patterns).context("privacy.redact_patterns")?;
        let sources = Arc::new(adapters::sources(&config, &salt, &redactor, aws.as_ref()).await?);
        let tracker = adapters::tracker(&config)?;
        let model = adapters::model(&config)?;
        let forge = adapters::forge(&config)?;
        let metrics = Arc::new(Metrics::new());
        let lease = LeaseSettings {
            lease: config.scheduler.lease,
            heartbeat: config.scheduler.heartbeat,
            poll_interval: config.scheduler.poll_interval,
        };
        let scheduler = Scheduler::new(
            store.clone(),
            clock.clone(),
            metrics.clone(),
            adapters::holder_id(),
            lease,
        );
        Ok(App {
            config,
            store,
            clock,
            metrics,
            shutdown: Shutdown::new(),
            scheduler,
            salt,
            redactor,
            sources,
            tracker,
            model,
            forge,
        })
    }

    /// Hypotheses on new tickets need `agent.hypotheses` and a model.
    fn hypothesizing(&self) -> Option<Hypothesizing> {
        if !self.config.agent.hypotheses {
            return None;
        }
        Some(Hypothesizing {
            model: self.model.clone()?,
            settings: settings::hypotheses(&self.config, &self.redactor),
        })
    }

    /// Drafting needs a model, a code host and a tracker.
    fn drafting(&self) -> Option<Drafting> {
        Some(Drafting {
            model: self.model.clone()?,
            forge: self.forge.clone()?,
            release_ref: self.config.github.as_ref()?.release_ref.clone(),
            settings: settings::drafts(&self.config, &self.redactor),
        })
    }

    /// `triaged once summary --dry-run`: the summary of the 24 h ending now, and the
    /// paragraph that would head it; nothing is posted or written.
    pub async fn summary_preview(&self) -> anyhow::Result<(HealthSummary, Paragraph)> {
        let summary = health_summary(
            &self.store,
            self.clock.now(),
            Some(&self.config.links.public_url),
        )
        .await?;
        let choice = write_paragraph(&summary, self.model.as_deref()).await;
        Ok((summary, choice.paragraph))
    }

    /// `triaged once triage|verify --dry-run`: the plan, with nothing written anywhere.
    pub async fn dry_run(&self, name: JobName) -> anyhow::Result<TriageReport> {
        let tracker = self
            .tracker
            .as_ref()
            .context("a dry run needs the tracker: configure [linear]")?;
        let settings = settings::triage(&self.config);
        let now = self.clock.now();
        Ok(match name {
            JobName::Triage => {
                run_triage(
                    &self.store,
                    tracker.as_ref(),
                    &settings,
                    now,
                    None,
                    Effects::DryRun,
                )
                .await?
            }
            JobName::Verify => {
                run_verify(
                    &self.store,
                    tracker.as_ref(),
                    &settings,
                    now,
                    Effects::DryRun,
                )
                .await?
            }
            other => anyhow::bail!("--dry-run is for triage and verify, not {other}"),
        })
    }

    /// The job bodies, by name.
    pub fn job(&self, name: JobName) -> anyhow::Result<Arc<dyn Job>> {
        Ok(match name {
            JobName::Ingest => Arc::new(IngestJob {
                metrics: self.metrics.clone(),
                store: self.store.clone(),
                clock: self.clock.clone(),
                sources: self.sources.clone(),
                settings: settings::ingest(&self.config, &self.redactor),
                triage: self
                    .tracker
                    .clone()
                    .map(|t| (t, settings::triage(&self.config))),
            }),
            JobName::Triage => match &self.tracker {
                Some(tracker) => Arc::new(TriageJob {
                    store: self.store.clone(),
                    clock: self.clock.clone(),
                    tracker: tracker.clone(),
                    settings: settings::triage(&self.config),
                    drafting: self.drafting(),
                    hypotheses: self.hypothesizing(),
                }),
                None => Arc::new(ScoreJob {
                    store: self.store.clone(),
                    clock: self.clock.clone(),
                    settings: settings::ingest(&self.config, &self.redactor),
                }),
            },
            JobName::Verify => match &self.tracker {
                // Merged fixes are looked for where fixes are drafted.
                Some(tracker) => Arc::new(VerifyJob {
                    store: self.store.clone(),
                    clock: self.clock.clone(),
                    tracker: tracker.clone(),
                    settings: settings::triage(&self.config),
                    fixes: self.drafting().map(|d| (d.forge, d.release_ref)),
                }),
                None => Arc::new(PendingJob),
            },
            JobName::Summary => Arc::new(SummaryJob {
                store: self.store.clone(),
                model: self.model.clone(),
                destinations: self.config.notify.destinations.clone(),
                dashboard_url: self.config.links.public_url.clone(),
            }),
        })
    }

    /// The enabled jobs with their schedules in the configured zone.
    pub fn scheduled_jobs(&self) -> anyhow::Result<Vec<ScheduledJob>> {
        let tz: chrono_tz::Tz = self
            .config
            .timezone
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let jobs = &self.config.jobs;
        let mut out = Vec::new();
        for (name, cfg) in [
            (JobName::Ingest, &jobs.ingest),
            (JobName::Summary, &jobs.summary),
            (JobName::Triage, &jobs.triage),
            (JobName::Verify, &jobs.verify),
        ] {
            if cfg.enabled {
                out.push(ScheduledJob {
                    name,
                    schedule: CronSchedule::parse(cfg.schedule(), tz)?,
                    job: self.job(name)?,
                });
            }
        }
        Ok(out)
    }

    /// The daemon: HTTP, the scheduler, signals, systemd notifications. Returns after a
    /// graceful shutdown.
    pub async fn run_daemon(self) -> anyhow::Result<()> {
        self.start_daemon(None).await?.finished().await
    }

    /// Starts the daemon and returns once it is ready: HTTP on `listener` (else on
    /// `http.bind`), every enabled job on its schedule, SIGTERM/SIGINT → drain.
    pub async fn start_daemon(
        self,
        listener: Option<tokio::net::TcpListener>,
    ) -> anyhow::Result<Daemon> {
        let grace = self.config.shutdown_grace;
        self.shutdown.spawn_signal_handler(grace);
        let dashboard = self
            .config
            .http
            .dashboard
            .then(|| crate::http::Dashboard::new(self.store.clone(), self.clock.clone()));
        let router = crate::http::router(self.shutdown.clone(), self.metrics.clone(), dashboard);
        // HTTP stays up while draining, so /readyz answers 503 instead of refusing connections.
        let http_stop = tokio_util::sync::CancellationToken::new();
        let http_stopped = http_stop.clone();
        let listener = match listener {
            Some(listener) => listener,
            None => tokio::net::TcpListener::bind(self.config.http.bind_addr())
                .await
                .with_context(|| format!("binding http.bind = {}", self.config.http.bind))?,
        };
        let (addr, http) = crate::http::serve_on(listener, router, async move {
            http_stopped.cancelled().await;
        })?;
        tracing::info!(%addr, holder = self.scheduler.holder(), "triaged is up");
        let jobs = self.scheduled_jobs()?;
        let scheduler = self.scheduler.clone();
        let signals = self.shutdown.signals.clone();
        let running = tokio::spawn(async move { scheduler.run(jobs, signals).await });
        self.shutdown.set_ready();
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
        spawn_watchdog();
        let store = self.store.clone();
        let task = tokio::spawn(async move {
            running.await.context("scheduler task")?;
            http_stop.cancel();
            let _ = http.await;
            store.close().await;
            tracing::info!("stopped cleanly");
            Ok(())
        });
        Ok(Daemon {
            shutdown: self.shutdown.clone(),
            task,
        })
    }

    /// Runs one job now (`triaged once <job>`), recorded in the ledger as a manual run;
    /// nothing runs while another run holds the job.
    pub async fn run_once(&self, name: JobName) -> anyhow::Result<Execution> {
        self.shutdown
            .spawn_signal_handler(self.config.shutdown_grace);
        let job = self.job(name)?;
        let outcome = self
            .scheduler
            .execute(
                name,
                job.as_ref(),
                self.clock.now(),
                Trigger::Manual,
                &self.shutdown.signals,
            )
            .await?;
        Ok(outcome)
    }
}

/// A started daemon: its shutdown (drain it to stop) and the task that ends after a
/// graceful shutdown.
pub struct Daemon {
    pub shutdown: Shutdown,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Daemon {
    /// Waits for the shutdown (a signal, or `shutdown.begin_drain()`) to complete.
    pub async fn finished(self) -> anyhow::Result<()> {
        self.task.await.context("daemon task")?
    }
}

/// Pings the systemd watchdog at half its interval when the unit asks for it.
fn spawn_watchdog() {
    if let Some(interval) = sd_notify::watchdog_enabled() {
        let every = interval / 2;
        tokio::spawn(async move {
            loop {
                let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
                tokio::time::sleep(every).await;
            }
        });
    }
}
