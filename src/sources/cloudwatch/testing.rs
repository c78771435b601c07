//! A running CloudWatch emulator and a source pointed at it through the real SDK, with
//! static credentials, quick retries and short timeouts.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudwatchlogs::config::{Credentials, SharedCredentialsProvider};

use super::*;
use triaged_sandbox::SandboxServer;
use triaged_sandbox::cloudwatch::{CloudWatchSandbox, SeedEvent, now_ms};

pub const MINUTE: i64 = 60_000;

pub struct Harness {
    pub sandbox: Arc<CloudWatchSandbox>,
    pub server: SandboxServer,
}

impl Harness {
    pub async fn start(seed: u64) -> Harness {
        let sandbox = CloudWatchSandbox::new(seed);
        let server = SandboxServer::start(sandbox.router())
            .await
            .expect("sandbox starts");
        Harness { sandbox, server }
    }

    /// Settings for tests: the sandbox endpoint, fast backoff, short timeouts.
    pub fn config(&self, groups: Vec<LogGroupConfig>) -> CloudWatchConfig {
        CloudWatchConfig {
            region: "us-east-1".to_string(),
            endpoint_url: Some(self.server.url()),
            groups,
            initial_backoff: Duration::from_millis(5),
            connect_timeout: Duration::from_secs(2),
            attempt_timeout: Duration::from_secs(5),
            ..CloudWatchConfig::default()
        }
    }

    pub fn source(&self, config: &CloudWatchConfig) -> CloudWatchSource {
        CloudWatchSource::from_sdk_config(&static_sdk_config(), config).expect("valid config")
    }

    /// `count` events ending at `last_ms`, spread evenly over at most 5 minutes (one
    /// second apart when there are few), alternating two streams.
    pub fn seed(&self, group: &str, count: usize, last_ms: i64, message: impl Fn(usize) -> String) {
        let step_ms = (5 * MINUTE / count.max(1) as i64).clamp(1, 1000);
        for stream in ["i-0a", "i-0b"] {
            let events = (0..count)
                .filter(|i| (i % 2 == 0) == (stream == "i-0a"))
                .map(|i| SeedEvent::new(last_ms - (count - 1 - i) as i64 * step_ms, message(i)));
            self.sandbox.put_events(group, stream, events);
        }
    }
}

pub fn static_sdk_config() -> SdkConfig {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    );
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build()
}

pub fn named(name: &str, filter_pattern: &str) -> LogGroupConfig {
    LogGroupConfig {
        name: Some(name.to_string()),
        prefix: None,
        filter_pattern: filter_pattern.to_string(),
        service: "api".to_string(),
    }
}

pub fn now() -> i64 {
    now_ms()
}

/// Panics on a repeated event id; returns how many distinct ids there are.
pub fn distinct_ids(records: &[CloudWatchRecord]) -> usize {
    let mut seen = HashSet::new();
    for record in records {
        assert!(
            seen.insert(record.event_id.as_str()),
            "event {} returned twice",
            record.event_id
        );
    }
    seen.len()
}
