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
        let secrets: Vec<(&str, &mut Secret)> =
            [("telemetry.sentry_dsn", self.telemetry.sentry_dsn.as_mut())]
                .into_iter()
                .filter_map(|(path, s)| s.map(|s| (path, s)))
                .collect();
        for (path, secret) in secrets {
            if let Err(reason) = secret.resolve(env, overridden.contains(path)) {
                problems.push(Problem::new(path, reason));
            }
        }
    }

    pub(super) fn validate(&self, problems: &mut Vec<Problem>) {
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
            format!("must start with sqlite:// or postgres://, got {url:?}"),
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

fn within(d: Duration, min: Duration, max: Duration) -> bool {
    d >= min && d <= max
}

fn human(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}
