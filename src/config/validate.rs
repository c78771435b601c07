//! Checks on a deserialized [`Config`]: ranges, schedules, addresses, and secret resolution.
//! Each check appends a [`Problem`] naming the key path; nothing stops at the first one.

use std::collections::BTreeSet;
use std::time::Duration;

use super::{Config, Problem, Secret};
use crate::scheduler::CronSchedule;

impl Config {
    /// Resolves every secret; a literal is accepted only from an environment override.
    pub(super) fn resolve_secrets(
        &mut self,
        env: &dyn Fn(&str) -> Option<String>,
        overridden: &BTreeSet<String>,
        problems: &mut Vec<Problem>,
    ) {
        let secrets: Vec<(&str, &mut Secret)> = [
            ("telemetry.sentry_dsn", self.telemetry.sentry_dsn.as_mut()),
            ("privacy.user_salt", self.privacy.user_salt.as_mut()),
            ("agent.api_key", self.agent.api_key.as_mut()),
            (
                "github.token",
                self.github.as_mut().and_then(|g| g.token.as_mut()),
            ),
            (
                "linear.api_key",
                self.linear.as_mut().and_then(|l| l.api_key.as_mut()),
            ),
            (
                "sources.sentry.token",
                self.sources
                    .sentry
                    .as_mut()
                    .and_then(|sentry| sentry.token.as_mut()),
            ),
        ]
        .into_iter()
        .filter_map(|(path, s)| s.map(|s| (path, s)))
        .collect();
        for (path, secret) in secrets {
            if let Err(reason) = secret.resolve(env, overridden.contains(path)) {
                problems.push(Problem::new(path, reason));
            }
        }
        let literal_allowed = overridden.contains("notify.destinations");
        for (i, destination) in self.notify.destinations.iter_mut().enumerate() {
            if let Err(reason) = destination.resolve_webhook_url(env, literal_allowed) {
                problems.push(Problem::new(
                    format!("notify.destinations[{i}].webhook_url"),
                    reason,
                ));
            }
        }
    }

    pub(super) fn validate(&self, problems: &mut Vec<Problem>) {
        self.validate_triage(problems);
        let mut check = |ok: bool, path: &str, reason: String| {
            if !ok {
                problems.push(Problem::new(path, reason));
            }
        };
        let url = &self.database_url;
        check(
            ["sqlite:", "postgres:", "postgresql:"]
                .iter()
                .any(|s| url.starts_with(s)),
            "database_url",
            format!(
                "must start with sqlite:// or postgres://, got a {:?} URL",
                crate::store::url_scheme(url)
            ),
        );
        check(
            self.timezone.parse::<chrono_tz::Tz>().is_ok(),
            "timezone",
            format!(
                "unknown time zone {:?} (use an IANA name such as Europe/Paris)",
                self.timezone
            ),
        );
        check(
            within(
                self.shutdown_grace,
                Duration::from_secs(1),
                Duration::from_secs(3600),
            ),
            "shutdown_grace",
            format!(
                "must be between 1s and 1h, got {}",
                human(self.shutdown_grace)
            ),
        );
        if let Err(e) = self.http.bind.parse::<std::net::SocketAddr>() {
            check(
                false,
                "http.bind",
                format!("not an address:port ({e}), got {:?}", self.http.bind),
            );
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            check(
                false,
                "log.level",
                format!("not a log filter ({e}), got {:?}", self.log.level),
            );
        }
        let s = &self.scheduler;
        check(
            within(
                s.lease,
                Duration::from_secs(10),
                Duration::from_secs(86_400),
            ),
            "scheduler.lease",
            format!("must be between 10s and 24h, got {}", human(s.lease)),
        );
        check(
            s.heartbeat >= Duration::from_secs(1) && s.heartbeat * 2 <= s.lease,
            "scheduler.heartbeat",
            format!(
                "must be at least 1s and at most half of scheduler.lease ({}), got {}",
                human(s.lease),
                human(s.heartbeat)
            ),
        );
        check(
            within(
                s.poll_interval,
                Duration::from_secs(1),
                Duration::from_secs(3600),
            ),
            "scheduler.poll_interval",
            format!("must be between 1s and 1h, got {}", human(s.poll_interval)),
        );
        for (name, job) in [
            ("ingest", &self.jobs.ingest),
            ("summary", &self.jobs.summary),
            ("triage", &self.jobs.triage),
            ("verify", &self.jobs.verify),
        ] {
            if let Err(e) = CronSchedule::parse(job.schedule(), chrono_tz::UTC) {
                check(false, &format!("jobs.{name}.schedule"), e.to_string());
            }
        }
    }
}

impl Config {
    /// Severity, tiers, cluster caps, retention and privacy.
    fn validate_triage(&self, problems: &mut Vec<Problem>) {
        let nested = |section: &str, found: Vec<(String, String)>| {
            found
                .into_iter()
                .map(move |(key, reason)| Problem::new(format!("{section}.{key}"), reason))
                .collect::<Vec<_>>()
        };
        problems.extend(nested("severity", self.severity.validate()));
        problems.extend(nested("tiers", self.tiers.validate()));
        let owned = |found: Vec<(&str, String)>| {
            found
                .into_iter()
                .map(|(k, r)| (k.to_owned(), r))
                .collect::<Vec<_>>()
        };
        problems.extend(nested("triage", owned(self.triage.problems())));
        problems.extend(nested("verify", owned(self.verify.problems())));
        let public = &self.links.public_url;
        if !(public.starts_with("http://") || public.starts_with("https://"))
            || public.ends_with('/')
        {
            problems.push(Problem::new(
                "links.public_url",
                format!("must be an http(s) URL without a trailing slash, got {public:?}"),
            ));
        }
        let c = &self.clusters;
        for (key, value, max) in [
            ("max_users", c.max_users, 100_000),
            ("max_endpoints", c.max_endpoints, 1_000),
            ("max_releases", c.max_releases, 1_000),
            ("max_hosts", c.max_hosts, 10_000),
            ("max_source_keys", c.max_source_keys, 10_000),
            ("max_samples", c.max_samples, 50),
        ] {
            if !(1..=max).contains(&value) {
                problems.push(Problem::new(
                    format!("clusters.{key}"),
                    format!("must be 1 to {max}, got {value}"),
                ));
            }
        }
        let r = &self.retention;
        if r.hourly < Duration::from_secs(8 * 86_400) {
            problems.push(Problem::new(
                "retention.hourly",
                format!(
                    "must be at least 8 days (scoring compares with the last 7), got {}",
                    human(r.hourly)
                ),
            ));
        }
        if r.daily < r.hourly {
            problems.push(Problem::new(
                "retention.daily",
                format!(
                    "must be at least retention.hourly ({}), got {}",
                    human(r.hourly),
                    human(r.daily)
                ),
            ));
        }
        let file = &self.sources.file;
        if let Err(e) = crate::domain::event::Service::new(&file.service) {
            problems.push(Problem::new("sources.file.service", e.to_string()));
        }
        if let Err(e) = crate::domain::event::Environment::new(&file.environment) {
            problems.push(Problem::new("sources.file.environment", e.to_string()));
        }
        if let Some(cw) = &self.sources.cloudwatch
            && let Err(e) = cw.validate()
        {
            problems.push(Problem::new("sources.cloudwatch", e.to_string()));
        }
        if let Some(sentry) = &self.sources.sentry {
            if let Err(e) = sentry.validate() {
                for line in e.lines() {
                    problems.push(Problem::new("sources.sentry", line.to_owned()));
                }
            }
            if sentry.token.is_none() {
                problems.push(Problem::new(
                    "sources.sentry.token",
                    "required: the API token as \"${ENV_VAR}\" or \"file:/path\"",
                ));
            }
        }
        problems.extend(self.agent.validate());
        if let Some(github) = &self.github {
            if let Err(e) = github.validate() {
                for line in e.lines() {
                    problems.push(Problem::new("github", line.to_owned()));
                }
            }
            if github.token.is_none() {
                problems.push(Problem::new(
                    "github.token",
                    "required: a token as \"${ENV_VAR}\" or \"file:/path\"",
                ));
            }
        }
        for (i, repo) in self.agent.drafts.repos.iter().enumerate() {
            if let Err(e) = crate::forge::RepoName::parse(&repo.repo) {
                problems.push(Problem::new(
                    format!("agent.drafts.repos[{i}].repo"),
                    e.to_string(),
                ));
            }
        }
        for (i, destination) in self.notify.destinations.iter().enumerate() {
            if let Err(reason) = destination.validate() {
                problems.push(Problem::new(format!("notify.destinations[{i}]"), reason));
            }
        }
        if let Some(linear) = &self.linear {
            if let Err(e) = linear.validate() {
                for line in e.lines() {
                    problems.push(Problem::new("linear", line.to_owned()));
                }
            }
            if linear.api_key.is_none() {
                problems.push(Problem::new(
                    "linear.api_key",
                    "required: the API key as \"${ENV_VAR}\" or \"file:/path\"",
                ));
            }
        }
        if let Err(e) = crate::redact::Redactor::new(&self.privacy.redact_patterns) {
            problems.push(Problem::new("privacy.redact_patterns", e.to_string()));
        }
        if let Some(salt) = &self.privacy.user_salt
            && !salt.expose().is_empty()
            && salt.expose().len() < crate::domain::event::UserSalt::MIN_LEN
        {
            problems.push(Problem::new(
                "privacy.user_salt",
                format!(
                    "must be at least {} bytes",
                    crate::domain::event::UserSalt::MIN_LEN
                ),
            ));
        }
    }
}

fn within(d: Duration, min: Duration, max: Duration) -> bool {
    d >= min && d <= max
}

fn human(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}
