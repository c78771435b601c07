//! The one place that builds concrete clients, the store and the jobs, and runs them:
//! as a daemon (`run`) or one job at a time (`once`).

use anyhow::Context;
use std::sync::Arc;

use crate::agent::{Provider, build_provider};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::domain::event::{Environment, Service, UserSalt};
use crate::domain::summary::{HealthSummary, Paragraph, ParagraphAuthor};
use crate::forge::CodeHost;
use crate::forge::github::GitHub;
use crate::lifecycle::Lifecycle;
use crate::metrics::Metrics;
use crate::notify::{Destination, post_all};
use crate::pipeline::draft::{DraftDeps, DraftSettings, draft_candidates, run_drafts};
use crate::pipeline::facts::LinkSettings;
use crate::pipeline::fixes::{FixReport, record_merged_fixes};
use crate::pipeline::hypotheses::{HypothesesDeps, HypothesesSettings, run_hypotheses};
use crate::pipeline::report::{health_summary, write_paragraph};
use crate::pipeline::triage::{TriageReport, TriageSettings, run_triage, run_verify};
use crate::pipeline::{self, ingest::IngestSettings};
use crate::redact::Redactor;
use crate::scheduler::{
    CronSchedule, Job, JobFuture, JobName, LeaseSettings, RunContext, ScheduledJob, Scheduler,
};
use crate::sources::EventSource;
use crate::sources::cloudwatch::{CloudWatchEvents, CloudWatchSource};
use crate::sources::file::FileSource;
use crate::sources::sentry::{SentryEvents, SentrySource};
use crate::store::{FailedPost, PostedSummary, RunOutcome, Store, Trigger};
use crate::tracker::Tracker;
use crate::tracker::linear::LinearTracker;

/// Everything a running triaged holds.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub clock: SharedClock,
    pub metrics: Arc<Metrics>,
    pub lifecycle: Lifecycle,
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
        let salt = user_salt(&config, &store, read_only).await?;
        let redactor =
            Redactor::new(&config.privacy.redact_patterns).context("privacy.redact_patterns")?;
        let sources = Arc::new(build_sources(&config, &salt, aws.as_ref()).await?);
        let tracker = build_tracker(&config)?;
        let model = build_model(&config)?;
        let forge = build_forge(&config)?;
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
            holder_id(),
            lease,
        );
        Ok(App {
            config,
            store,
            clock,
            metrics,
            lifecycle: Lifecycle::new(),
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
            settings: HypothesesSettings {
                prices: self.config.agent.prices,
                redactor: self.redactor.clone(),
                max_spend_per_day_usd: self.config.agent.drafts.max_spend_per_day_usd,
            },
        })
    }

    /// Drafting needs a model, a code host and a tracker.
    fn drafting(&self) -> Option<Drafting> {
        Some(Drafting {
            model: self.model.clone()?,
            forge: self.forge.clone()?,
            release_ref: self.config.github.as_ref()?.release_ref.clone(),
            settings: DraftSettings {
                policy: self.config.agent.drafts.clone(),
                patch: self.config.agent.patch.clone(),
                prices: self.config.agent.prices,
                redactor: self.redactor.clone(),
            },
        })
    }

    fn triage_settings(&self) -> TriageSettings {
        let config = &self.config;
        let region = config
            .links
            .aws_region
            .clone()
            .or_else(|| {
                config
                    .sources
                    .cloudwatch
                    .as_ref()
                    .map(|c| c.region.clone())
                    .filter(|r| !r.is_empty())
            })
            .unwrap_or_else(|| "us-east-1".into());
        TriageSettings {
            triage: config.triage.clone(),
            verify: config.verify.clone(),
            severity: config.severity.clone(),
            tiers: config.tiers.clone(),
            links: LinkSettings {
                public_url: config.links.public_url.clone(),
                sentry: config
                    .sources
                    .sentry
                    .as_ref()
                    .map(|s| (s.base_url.clone(), s.org.clone())),
                aws_region: region,
            },
        }
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
        let settings = self.triage_settings();
        let now = self.clock.now();
        Ok(match name {
            JobName::Triage => {
                run_triage(&self.store, tracker.as_ref(), &settings, now, None, true).await?
            }
            JobName::Verify => {
                run_verify(&self.store, tracker.as_ref(), &settings, now, true).await?
            }
            other => anyhow::bail!("--dry-run is for triage and verify, not {other}"),
        })
    }

    fn ingest_settings(&self) -> IngestSettings {
        IngestSettings {
            limits: self.config.clusters.clone(),
            severity: self.config.severity.clone(),
            tiers: self.config.tiers.clone(),
            redactor: self.redactor.clone(),
            hourly_retention: self.config.retention.hourly,
            daily_retention: self.config.retention.daily,
        }
    }

    /// The job bodies, by name.
    pub fn job(&self, name: JobName) -> anyhow::Result<Arc<dyn Job>> {
        Ok(match name {
            JobName::Ingest => Arc::new(IngestJob {
                metrics: self.metrics.clone(),
                store: self.store.clone(),
                clock: self.clock.clone(),
                sources: self.sources.clone(),
                settings: self.ingest_settings(),
                triage: self.tracker.clone().map(|t| (t, self.triage_settings())),
            }),
            JobName::Triage => match &self.tracker {
                Some(tracker) => Arc::new(TriageJob {
                    store: self.store.clone(),
                    clock: self.clock.clone(),
                    tracker: tracker.clone(),
                    settings: self.triage_settings(),
                    verify: false,
                    drafting: self.drafting(),
                    hypotheses: self.hypothesizing(),
                }),
                None => Arc::new(ScoreJob {
                    store: self.store.clone(),
                    clock: self.clock.clone(),
                    settings: self.ingest_settings(),
                }),
            },
            JobName::Verify => match &self.tracker {
                Some(tracker) => Arc::new(TriageJob {
                    store: self.store.clone(),
                    clock: self.clock.clone(),
                    tracker: tracker.clone(),
                    settings: self.triage_settings(),
                    verify: true,
                    drafting: self.drafting(),
                    hypotheses: None,
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
        self.lifecycle.spawn_signal_handler(grace);
        let dashboard = self
            .config
            .http
            .dashboard
            .then(|| crate::http::Dashboard::new(self.store.clone(), self.clock.clone()));
        let router = crate::http::router(self.lifecycle.clone(), self.metrics.clone(), dashboard);
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
        let signals = self.lifecycle.signals.clone();
        let running = tokio::spawn(async move { scheduler.run(jobs, signals).await });
        self.lifecycle.set_ready();
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
            lifecycle: self.lifecycle.clone(),
            task,
        })
    }

    /// Runs one job now (`triaged once <job>`), recorded in the ledger as a manual run.
    pub async fn run_once(&self, name: JobName) -> anyhow::Result<RunOutcome> {
        self.lifecycle
            .spawn_signal_handler(self.config.shutdown_grace);
        let job = self.job(name)?;
        let outcome = self
            .scheduler
            .execute(
                name,
                job.as_ref(),
                self.clock.now(),
                Trigger::Manual,
                &self.lifecycle.signals,
            )
            .await?
            .context("another run holds this job and time")?;
        Ok(outcome)
    }
}

/// A started daemon: its lifecycle (drain it to stop) and the task that ends after a
/// graceful shutdown.
pub struct Daemon {
    pub lifecycle: Lifecycle,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Daemon {
    /// Waits for the shutdown (a signal, or `lifecycle.begin_drain()`) to complete.
    pub async fn finished(self) -> anyhow::Result<()> {
        self.task.await.context("daemon task")?
    }
}

struct IngestJob {
    metrics: Arc<Metrics>,
    store: Store,
    clock: SharedClock,
    sources: Arc<Vec<Box<dyn EventSource>>>,
    settings: IngestSettings,
    /// With a tracker: clusters at or above `triage.immediate_score` are triaged now.
    triage: Option<(Arc<dyn Tracker>, TriageSettings)>,
}

impl Job for IngestJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let now = self.clock.now();
            let report =
                pipeline::run_ingest(&self.store, &self.sources, &self.settings, now, ctx).await?;
            let partial = report
                .partial_failures
                .iter()
                .filter_map(|f| f.split_once(": ").map(|(source, _)| source));
            self.metrics.ingested(
                report.events,
                report
                    .failed_sources
                    .iter()
                    .map(String::as_str)
                    .chain(partial),
                report.bad_input.iter().flat_map(|(source, reasons)| {
                    reasons
                        .iter()
                        .map(move |(reason, n)| (source.as_str(), reason.as_str(), *n))
                }),
            );
            let mut value = serde_json::to_value(&report)?;
            if let Some((tracker, settings)) = &self.triage {
                let critical: Vec<_> = report
                    .touched_scores
                    .iter()
                    .filter(|(_, score)| *score >= settings.triage.immediate_score)
                    .map(|(fp, _)| *fp)
                    .collect();
                if !critical.is_empty() {
                    // A failing tracker must not fail the ingest that already landed.
                    let triaged = run_triage(
                        &self.store,
                        tracker.as_ref(),
                        settings,
                        now,
                        Some(&critical),
                        false,
                    )
                    .await;
                    value["immediate_triage"] = match triaged {
                        Ok(r) => serde_json::to_value(r.act)?,
                        Err(e) => serde_json::json!({ "error": e.to_string() }),
                    };
                }
            }
            Ok(value)
        })
    }
}

/// Triage (score → reconcile → act) or verify (auto-close, regression) against the tracker.
struct TriageJob {
    store: Store,
    clock: SharedClock,
    tracker: Arc<dyn Tracker>,
    settings: TriageSettings,
    verify: bool,
    /// With a model and a code host: triage drafts fixes, verify reads their merges.
    drafting: Option<Drafting>,
    /// With `agent.hypotheses` and a model: triage adds hypotheses to new tickets.
    hypotheses: Option<Hypothesizing>,
}

/// What hypotheses on new tickets need besides the tracker.
#[derive(Clone)]
struct Hypothesizing {
    model: Arc<dyn Provider>,
    settings: HypothesesSettings,
}

/// What fix drafting needs besides the tracker.
#[derive(Clone)]
struct Drafting {
    model: Arc<dyn Provider>,
    forge: Arc<dyn CodeHost>,
    settings: DraftSettings,
    /// `[github] release_ref`: a release name → its git ref.
    release_ref: String,
}

impl Job for TriageJob {
    fn run<'a>(&'a self, _ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let now = self.clock.now();
            let tracker = self.tracker.as_ref();
            let mut fixes: Option<FixReport> = None;
            if self.verify
                && let Some(d) = &self.drafting
            {
                fixes = Some(
                    record_merged_fixes(&self.store, d.forge.as_ref(), &d.release_ref, now).await?,
                );
            }
            let report = if self.verify {
                run_verify(&self.store, tracker, &self.settings, now, false).await?
            } else {
                run_triage(&self.store, tracker, &self.settings, now, None, false).await?
            };
            // Optional and model-written: trouble here is reported, never the run's failure.
            let mut hypotheses = None;
            if !self.verify
                && let Some(h) = &self.hypotheses
            {
                let deps = HypothesesDeps {
                    store: &self.store,
                    model: h.model.as_ref(),
                    tracker,
                };
                hypotheses = Some(match run_hypotheses(&deps, &h.settings, now).await {
                    Ok(r) => serde_json::to_value(r)?,
                    Err(e) => serde_json::json!({ "error": e.to_string() }),
                });
            }
            let mut drafts = None;
            if !self.verify
                && let Some(d) = &self.drafting
            {
                let deps = DraftDeps {
                    store: &self.store,
                    model: d.model.as_ref(),
                    forge: d.forge.as_ref(),
                    tracker,
                };
                let candidates = draft_candidates(&self.store, now).await?;
                drafts = Some(run_drafts(&deps, &d.settings, now, candidates).await?);
            }
            if let Some(failure) = report.act.failed.iter().find(|f| !f.retry) {
                return Err(format!(
                    "{} for {} failed and needs a look: {}",
                    failure.action, failure.fingerprint, failure.error
                )
                .into());
            }
            Ok(serde_json::json!({
                "clusters": report.clusters_considered,
                "planned": report.plan.len(),
                "act": report.act,
                "deferred": report.deferred,
                "unreadable": report.unreadable,
                "pending": report.pending,
                "fixes": fixes,
                "drafts": drafts,
                "hypotheses": hypotheses,
            }))
        })
    }
}

/// Without a tracker, triage only scores: every recent cluster scored and recorded.
struct ScoreJob {
    store: Store,
    clock: SharedClock,
    settings: IngestSettings,
}

impl Job for ScoreJob {
    fn run<'a>(&'a self, _ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let scored = pipeline::score::score_clusters(
                &self.store,
                &self.settings.severity,
                &self.settings.tiers,
                self.clock.now(),
                None,
            )
            .await?;
            let mut levels = std::collections::BTreeMap::<&str, u64>::new();
            for (_, severity) in &scored {
                *levels.entry(severity.level.as_str()).or_default() += 1;
            }
            Ok(serde_json::json!({ "stages": ["score"], "scored": scored.len(), "levels": levels }))
        })
    }
}

/// The morning summary of the 24 h ending at the scheduled tick, posted to every
/// destination. The run ledger makes it once per tick; a destination that fails does not
/// stop the others, and its error (with the chat's answer) is the run's error.
struct SummaryJob {
    store: Store,
    /// Writes the opening paragraph when configured; the template otherwise.
    model: Option<Arc<dyn Provider>>,
    destinations: Vec<Destination>,
    dashboard_url: String,
}

impl Job for SummaryJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let summary =
                health_summary(&self.store, ctx.scheduled_for, Some(&self.dashboard_url)).await?;
            let choice = write_paragraph(&summary, self.model.as_deref()).await;
            if let Some(why) = &choice.fallback {
                tracing::warn!(%why, "the summary paragraph falls back to the template");
            }
            let paragraph = choice.paragraph;
            let results = post_all(&self.destinations, &summary, &paragraph).await;
            let posted: Vec<&str> = results
                .iter()
                .filter(|(_, r)| r.is_ok())
                .map(|(name, _)| name.as_str())
                .collect();
            let failed: Vec<String> = results
                .iter()
                .filter_map(|(_, r)| r.as_ref().err().map(ToString::to_string))
                .collect();
            let author = match &paragraph.author {
                ParagraphAuthor::Template => "template".to_owned(),
                ParagraphAuthor::Model { model } => model.clone(),
            };
            let record = PostedSummary {
                window_end: ctx.scheduled_for,
                posted_at: ctx.clock.now(),
                paragraph: paragraph.text.clone(),
                paragraph_author: author.clone(),
                summary: summary.clone(),
                posted_to: posted.iter().map(|name| (*name).to_owned()).collect(),
                failed: results
                    .iter()
                    .filter_map(|(name, r)| {
                        r.as_ref().err().map(|e| FailedPost {
                            destination: name.clone(),
                            error: e.to_string(),
                        })
                    })
                    .collect(),
            };
            // What was posted stays posted: a store hiccup here is logged, not the run's failure.
            let recorded = match self.store.record_summary(&record).await {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(%error, "the posted summary could not be recorded");
                    false
                }
            };
            if !failed.is_empty() {
                return Err(format!(
                    "posted to [{}]; failed: {}",
                    posted.join(", "),
                    failed.join("; ")
                )
                .into());
            }
            Ok(serde_json::json!({
                "window_end": ctx.scheduled_for,
                "events": summary.events,
                "previous_events": summary.previous_events,
                "quiet": summary.is_quiet(),
                "paragraph_by": author,
                "paragraph_fallback": choice.fallback,
                "posted": posted,
                "recorded": recorded,
            }))
        })
    }
}

/// A job with nothing to do in this configuration (verify without a tracker): it claims
/// its tick and says so.
struct PendingJob;

impl Job for PendingJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            Ok(serde_json::json!({ "job": ctx.job.as_str(), "stages": "none configured" }))
        })
    }
}

/// The Linear tracker when `[linear]` is configured.
fn build_tracker(config: &Config) -> anyhow::Result<Option<Arc<dyn Tracker>>> {
    let Some(linear) = &config.linear else {
        return Ok(None);
    };
    let key = linear
        .api_key
        .as_ref()
        .map(|k| k.expose())
        .unwrap_or_default();
    let mut linear = linear.clone();
    // Every label triaged may put on a ticket must exist in the team.
    for label in config
        .triage
        .labels
        .iter()
        .chain([&config.triage.flapping_label])
    {
        if !linear.labels.contains(label) {
            linear.labels.push(label.clone());
        }
    }
    let tracker = LinearTracker::new(&linear, key).context("linear")?;
    Ok(Some(Arc::new(tracker)))
}

/// The code host when `[github]` is configured.
fn build_forge(config: &Config) -> anyhow::Result<Option<Arc<dyn CodeHost>>> {
    let Some(github) = &config.github else {
        return Ok(None);
    };
    let token = github
        .token
        .as_ref()
        .map(|t| t.expose())
        .unwrap_or_default();
    let forge = GitHub::new(github, token).context("github")?;
    Ok(Some(Arc::new(forge)))
}

/// The LLM provider when `agent.enabled` (the kill switch is off by default).
fn build_model(config: &Config) -> anyhow::Result<Option<Arc<dyn Provider>>> {
    if !config.agent.enabled {
        return Ok(None);
    }
    let key = config
        .agent
        .api_key
        .as_ref()
        .map(|k| k.expose())
        .unwrap_or_default();
    let provider = build_provider(&config.agent, key).context("agent")?;
    Ok(Some(Arc::from(provider)))
}

/// Every configured source: the files, then CloudWatch and Sentry when configured.
async fn build_sources(
    config: &Config,
    salt: &UserSalt,
    aws: Option<&aws_config::SdkConfig>,
) -> anyhow::Result<Vec<Box<dyn EventSource>>> {
    let file = &config.sources.file;
    let service = Service::new(&file.service).context("sources.file.service")?;
    let environment = Environment::new(&file.environment).context("sources.file.environment")?;
    let mut sources: Vec<Box<dyn EventSource>> = Vec::new();
    for path in &file.paths {
        sources.push(Box::new(FileSource {
            path: path.clone(),
            service: service.clone(),
            environment: environment.clone(),
            salt: salt.clone(),
        }));
    }
    if let Some(cw) = &config.sources.cloudwatch {
        let source = match aws {
            Some(sdk) => CloudWatchSource::from_sdk_config(sdk, cw),
            None => CloudWatchSource::connect(cw).await,
        }
        .context("sources.cloudwatch")?;
        sources.push(Box::new(CloudWatchEvents {
            source,
            environment: Environment::new(&cw.environment)
                .context("sources.cloudwatch.environment")?,
            salt: salt.clone(),
        }));
    }
    if let Some(sentry) = &config.sources.sentry {
        let token = sentry
            .token
            .as_ref()
            .map(|t| t.expose())
            .unwrap_or_default();
        let source = SentrySource::new(sentry, token, salt.clone()).context("sources.sentry")?;
        sources.push(Box::new(SentryEvents { source }));
    }
    Ok(sources)
}

/// The user-id salt: `privacy.user_salt` when set, else one generated at random the first
/// time and kept in the store (so every replica and restart hashes alike).
async fn user_salt(config: &Config, store: &Store, read_only: bool) -> anyhow::Result<UserSalt> {
    let generate = || {
        let raw: [u8; 32] = rand::random();
        raw.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let bytes = match &config.privacy.user_salt {
        Some(secret) => secret.expose().as_bytes().to_vec(),
        None if read_only => store
            .setting("user_salt")
            .await
            .context("reading the user-id salt from the store (run `triaged migrate` first?)")?
            .unwrap_or_else(generate)
            .into_bytes(),
        None => store
            .setting_or_create("user_salt", generate)
            .await
            .context("reading the user-id salt from the store")?
            .into_bytes(),
    };
    UserSalt::new(bytes).context("privacy.user_salt")
}

/// `host-pid-random`: unique per process, readable in the ledger.
fn holder_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    format!(
        "{host}-{}-{:06x}",
        std::process::id(),
        rand::random::<u32>() & 0xff_ffff
    )
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
