//! Typed configuration: the TOML file, `TRIAGED__SECTION__KEY` overrides and `${ENV}` secrets,
//! validated into a [`Config`] with every problem reported at once by key path.

mod load;
mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

pub use load::{ConfigError, ENV_PREFIX, Problem, Source};

use crate::agent::AgentConfig;
use crate::domain::cluster::ClusterLimits;
use crate::domain::lifecycle::{TriagePolicy, VerifyPolicy};
use crate::domain::score::{SeverityPolicy, TierRules};
use crate::forge::github::GitHubConfig;
use crate::notify::Destination;
pub use crate::secret::Secret;
use crate::sources::cloudwatch::CloudWatchConfig;
use crate::sources::sentry::SentryConfig;
use crate::tracker::linear::LinearConfig;

/// The whole configuration. Every field has a default, so an empty file is a valid config.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `sqlite://path` (created if missing) or `postgres://…`.
    pub database_url: String,
    /// IANA zone in which cron schedules are read, e.g. `Europe/Paris`.
    pub timezone: String,
    /// How long a running job may take to finish after SIGTERM.
    #[serde(with = "humantime_serde")]
    pub shutdown_grace: Duration,
    pub http: HttpConfig,
    pub log: LogConfig,
    pub telemetry: TelemetryConfig,
    pub scheduler: SchedulerConfig,
    #[serde(default)]
    pub jobs: JobsConfig,
    pub sources: SourcesConfig,
    /// Weights and thresholds of the nine severity dimensions.
    pub severity: SeverityPolicy,
    /// Which services and routes are business-critical.
    pub tiers: TierRules,
    /// Caps on what each cluster keeps.
    pub clusters: ClusterLimits,
    pub retention: RetentionConfig,
    pub privacy: PrivacyConfig,
    /// When to open, link, update and reopen tickets.
    pub triage: TriagePolicy,
    /// When the verify job closes tickets.
    pub verify: VerifyPolicy,
    /// Where tickets and chat link to.
    pub links: LinksConfig,
    /// The Linear team tickets go to; without it triage only scores.
    pub linear: Option<LinearConfig>,
    /// Where the morning summary is posted.
    pub notify: NotifyConfig,
    /// The LLM provider (off by default), and what fix drafts may do.
    pub agent: AgentConfig,
    /// Where fixes are drafted as pull requests; without it no fix is drafted.
    pub github: Option<GitHubConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://triaged.db".into(),
            timezone: "UTC".into(),
            shutdown_grace: Duration::from_secs(30),
            http: HttpConfig::default(),
            log: LogConfig::default(),
            telemetry: TelemetryConfig::default(),
            scheduler: SchedulerConfig::default(),
            jobs: JobsConfig::default(),
            sources: SourcesConfig::default(),
            severity: SeverityPolicy::default(),
            tiers: TierRules::default(),
            clusters: ClusterLimits::default(),
            retention: RetentionConfig::default(),
            privacy: PrivacyConfig::default(),
            triage: TriagePolicy::default(),
            verify: VerifyPolicy::default(),
            links: LinksConfig::default(),
            linear: None,
            notify: NotifyConfig::default(),
            agent: AgentConfig::default(),
            github: None,
        }
    }
}

/// The health, metrics and dashboard listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct HttpConfig {
    pub bind: String,
    /// Serve the read-only dashboard (HTML pages and `/api/`) beside health and metrics.
    pub dashboard: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:9464".into(),
            dashboard: true,
        }
    }
}

impl HttpConfig {
    /// The parsed bind address (validated at load).
    pub fn bind_addr(&self) -> SocketAddr {
        self.bind.parse().unwrap_or(([127, 0, 0, 1], 9464).into())
    }
}

/// Log output.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LogConfig {
    /// `auto` (JSON unless stdout is a terminal), `json` or `text`.
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `triaged=debug,info`; `RUST_LOG` wins when set.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Auto,
            level: "info".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Auto,
    Json,
    Text,
}

/// Reporting the daemon's own failures.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TelemetryConfig {
    /// Sentry DSN for triaged's own panics and errors (a secret: `${ENV}` or `file:`).
    pub sentry_dsn: Option<Secret>,
}

/// Run claiming and leases.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SchedulerConfig {
    /// A claimed run whose holder has not renewed its lease for this long is taken over.
    #[serde(with = "humantime_serde")]
    pub lease: Duration,
    /// How often a running job renews its lease (must be well under `lease`).
    #[serde(with = "humantime_serde")]
    pub heartbeat: Duration,
    /// How often an idle scheduler re-checks the ledger for runs to take over.
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(120),
            heartbeat: Duration::from_secs(20),
            poll_interval: Duration::from_secs(15),
        }
    }
}

/// One job's schedule; a key left out keeps the job's default.
#[derive(Debug, Clone, Deserialize)]
pub struct JobConfig {
    /// Standard 5-field cron (minute hour day-of-month month day-of-week), in `timezone`.
    #[serde(default)]
    schedule: Option<String>,
    #[serde(default = "enabled_default")]
    pub enabled: bool,
    #[serde(skip)]
    default_schedule: &'static str,
}

fn enabled_default() -> bool {
    true
}

impl JobConfig {
    fn new(default_schedule: &'static str) -> Self {
        Self {
            schedule: None,
            enabled: true,
            default_schedule,
        }
    }

    /// The configured schedule, or the job's default.
    pub fn schedule(&self) -> &str {
        self.schedule.as_deref().unwrap_or(self.default_schedule)
    }
}

/// The four jobs: ingest, triage, verify, summary.
#[derive(Debug, Clone)]
pub struct JobsConfig {
    pub ingest: JobConfig,
    pub summary: JobConfig,
    pub triage: JobConfig,
    pub verify: JobConfig,
}

impl JobsConfig {
    pub const DEFAULT_INGEST: &str = "*/5 * * * *";
    pub const DEFAULT_SUMMARY: &str = "0 9 * * *";
    pub const DEFAULT_TRIAGE: &str = "0 10 * * *";
    pub const DEFAULT_VERIFY: &str = "0 * * * *";
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            ingest: JobConfig::new(Self::DEFAULT_INGEST),
            summary: JobConfig::new(Self::DEFAULT_SUMMARY),
            triage: JobConfig::new(Self::DEFAULT_TRIAGE),
            verify: JobConfig::new(Self::DEFAULT_VERIFY),
        }
    }
}

impl<'de> Deserialize<'de> for JobsConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            ingest: Option<JobConfig>,
            summary: Option<JobConfig>,
            triage: Option<JobConfig>,
            verify: Option<JobConfig>,
        }
        let raw = Raw::deserialize(deserializer)?;
        let pick = |job: Option<JobConfig>, default: &'static str| {
            let mut job = job.unwrap_or_else(|| JobConfig::new(default));
            job.default_schedule = default;
            job
        };
        Ok(Self {
            ingest: pick(raw.ingest, Self::DEFAULT_INGEST),
            summary: pick(raw.summary, Self::DEFAULT_SUMMARY),
            triage: pick(raw.triage, Self::DEFAULT_TRIAGE),
            verify: pick(raw.verify, Self::DEFAULT_VERIFY),
        })
    }
}

/// Where errors come from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SourcesConfig {
    pub file: FileSourceConfig,
    /// CloudWatch Logs; off unless the section is present.
    pub cloudwatch: Option<CloudWatchConfig>,
    /// Sentry; off unless the section is present.
    pub sentry: Option<SentryConfig>,
}

/// Log files (JSON lines or plain text) read from a byte cursor.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct FileSourceConfig {
    /// Files to read; each keeps its own cursor.
    pub paths: Vec<PathBuf>,
    /// The service of an event whose log line names none.
    pub service: String,
    /// The environment of an event whose log line names none.
    pub environment: String,
}

impl Default for FileSourceConfig {
    fn default() -> Self {
        Self {
            paths: Vec::new(),
            service: "app".into(),
            environment: "production".into(),
        }
    }
}

/// How long counts are kept: hourly for `hourly` (at least 8 days, the scoring baseline),
/// then per day for `daily`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RetentionConfig {
    #[serde(with = "humantime_serde")]
    pub hourly: Duration,
    #[serde(with = "humantime_serde")]
    pub daily: Duration,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            hourly: Duration::from_secs(14 * 86_400),
            daily: Duration::from_secs(400 * 86_400),
        }
    }
}

/// Personal data and secrets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PrivacyConfig {
    /// Salt for hashing user ids (a secret, ≥ 16 bytes). Unset: triaged generates one per
    /// installation and keeps it in the store; set it to keep hashes stable across stores.
    pub user_salt: Option<Secret>,
    /// Extra regular expressions whose matches are redacted everywhere.
    pub redact_patterns: Vec<String>,
}

/// Where tickets and chat messages link to.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {
    /// The dashboard's address as people reach it; each cluster's stable URL
    /// (`<public_url>/clusters/<fingerprint>`) is attached to its ticket.
    pub public_url: String,
    /// AWS region of the CloudWatch Logs Insights console links (default: the CloudWatch
    /// source's region, else us-east-1).
    pub aws_region: Option<String>,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            public_url: "http://127.0.0.1:9464".into(),
            aws_region: None,
        }
    }
}

/// Chat destinations of the morning summary (`[[notify.destinations]]`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// Slack incoming webhooks and Teams workflow webhooks; each is posted to on its own.
    pub destinations: Vec<Destination>,
}
