//! `[sources.cloudwatch]` settings: region and endpoint, the log groups to read (by name or
//! prefix) with their filter patterns, the read window, and retry and timeout limits.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::CloudWatchError;

/// Matches the usual error markers of most runtimes' logs.
pub const DEFAULT_FILTER_PATTERN: &str =
    "?ERROR ?Error ?error ?Exception ?panic ?FATAL ?CRITICAL ?Traceback";

/// `[sources.cloudwatch]` in the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudWatchConfig {
    /// AWS region; empty means the environment's (`AWS_REGION`, profile, IMDS).
    pub region: String,
    /// Another endpoint (the sandbox, a VPC endpoint); `None` for AWS's own.
    pub endpoint_url: Option<String>,
    pub groups: Vec<LogGroupConfig>,
    /// The environment of events whose log line names none.
    pub environment: String,
    /// How far back the first read (or a read after a long pause) goes.
    #[serde(with = "humantime_serde")]
    pub lookback: Duration,
    /// How far behind the high-water mark each read starts again, for late events.
    #[serde(with = "humantime_serde")]
    pub overlap: Duration,
    /// Events per `FilterLogEvents` page (1–10,000).
    pub page_limit: i32,
    /// Pages read per group per run at most; the next run continues the window from the
    /// page where this one stopped.
    pub max_pages_per_run: u32,
    pub max_concurrent_groups: usize,
    /// Attempts per request, the first included (SDK standard retry mode).
    pub max_attempts: u32,
    /// First retry backoff; later ones grow exponentially, with jitter.
    #[serde(with = "humantime_serde")]
    pub initial_backoff: Duration,
    #[serde(with = "humantime_serde")]
    pub connect_timeout: Duration,
    /// Limit per attempt; an attempt past it is abandoned and retried.
    #[serde(with = "humantime_serde")]
    pub attempt_timeout: Duration,
}

impl Default for CloudWatchConfig {
    fn default() -> Self {
        CloudWatchConfig {
            region: String::new(),
            endpoint_url: None,
            groups: Vec::new(),
            environment: "production".to_owned(),
            lookback: Duration::from_secs(3600),
            overlap: Duration::from_secs(600),
            page_limit: 10_000,
            max_pages_per_run: 50,
            max_concurrent_groups: 4,
            max_attempts: 4,
            initial_backoff: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
        }
    }
}

/// One log group by `name`, or every group whose name starts with `prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogGroupConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default = "default_filter_pattern")]
    pub filter_pattern: String,
    /// The service its events belong to; empty means the log group name.
    #[serde(default)]
    pub service: String,
}

fn default_filter_pattern() -> String {
    DEFAULT_FILTER_PATTERN.to_string()
}

impl CloudWatchConfig {
    /// Every problem at once, in one message.
    pub fn validate(&self) -> Result<(), CloudWatchError> {
        let mut problems = Vec::new();
        for (i, group) in self.groups.iter().enumerate() {
            match (&group.name, &group.prefix) {
                (Some(name), None) if !name.is_empty() => {}
                (None, Some(prefix)) if !prefix.is_empty() => {}
                _ => problems.push(format!(
                    "groups[{i}] needs exactly one non-empty `name` or `prefix`"
                )),
            }
            if group.filter_pattern.chars().count() > 1024 {
                problems.push(format!(
                    "groups[{i}].filter_pattern is longer than 1024 characters"
                ));
            }
        }
        if !(1..=10_000).contains(&self.page_limit) {
            problems.push(format!(
                "page_limit {} is not within 1..=10000",
                self.page_limit
            ));
        }
        if self.max_pages_per_run == 0 {
            problems.push("max_pages_per_run must be at least 1".to_string());
        }
        if self.max_concurrent_groups == 0 || self.max_attempts == 0 {
            problems.push("max_concurrent_groups and max_attempts must be at least 1".to_string());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CloudWatchError::Config(problems.join("; ")))
        }
    }
}
