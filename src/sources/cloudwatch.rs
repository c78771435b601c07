//! The CloudWatch Logs source: resolves configured log groups (names and prefixes), reads
//! each group's new matching events with `FilterLogEvents` through the AWS SDK, and hands
//! back raw records with the cursor to store once they are processed.
//!
//! Each read covers `[max(high_water - overlap, now - lookback), now]`; events already
//! returned inside the overlap are dropped by id, so late events are caught and nothing is
//! counted twice. A read that fails part-way returns an error and no cursor: the caller
//! keeps the old one. Groups are read concurrently (`max_concurrent_groups`), and one
//! group's failure does not affect the others. A group reads at most `max_pages_per_run`
//! pages a run; the cursor then holds the page token, and the next run continues there.

mod config;
mod cursor;
mod error;
mod events;
mod fetch;
mod retry;

use std::collections::HashMap;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::config::retry::RetryConfig;
use aws_sdk_cloudwatchlogs::config::timeout::TimeoutConfig;
use futures_util::StreamExt;

pub use config::{CloudWatchConfig, DEFAULT_FILTER_PATTERN, LogGroupConfig};
pub use cursor::{GroupCursor, MAX_SEEN_IDS, WindowResume};
pub use error::CloudWatchError;
pub use events::{CURSOR_KEY, CloudWatchEvents};

/// One event as CloudWatch returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudWatchRecord {
    pub log_group: String,
    pub log_stream: String,
    pub event_id: String,
    pub timestamp_ms: i64,
    pub ingestion_time_ms: i64,
    pub message: String,
}

/// A log group to read, with the settings of the config entry that named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedGroup {
    pub name: String,
    pub service: String,
    pub filter_pattern: String,
}

/// What one completed read of a group returned.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupBatch {
    pub log_group: String,
    pub service: String,
    pub records: Vec<CloudWatchRecord>,
    /// Store this once the records are processed.
    pub cursor: GroupCursor,
    pub pages: u32,
    /// Events returned again inside the overlap window, dropped.
    pub already_seen: u64,
    /// Events without an id or timestamp, dropped.
    pub skipped: u64,
    /// `max_pages_per_run` stopped the read; `cursor` continues it next run.
    pub truncated: bool,
}

/// The outcome for one group (or, when resolving it failed, one prefix written `prefix*`).
#[derive(Debug)]
pub struct GroupFetch {
    pub log_group: String,
    pub result: Result<GroupBatch, CloudWatchError>,
}

pub struct CloudWatchSource {
    client: Client,
    config: CloudWatchConfig,
}

impl CloudWatchSource {
    /// Credentials and region from the standard chain (environment, profile, web identity,
    /// ECS task role, EC2 instance metadata).
    pub async fn connect(config: &CloudWatchConfig) -> Result<CloudWatchSource, CloudWatchError> {
        config.validate()?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if !config.region.is_empty() {
            loader = loader.region(Region::new(config.region.clone()));
        }
        let sdk = loader.load().await;
        if sdk.region().is_none() {
            return Err(CloudWatchError::Config(
                "no AWS region: set `region` or AWS_REGION".to_string(),
            ));
        }
        CloudWatchSource::from_sdk_config(&sdk, config)
    }

    /// Uses `sdk` for credentials, HTTP client and region (unless `config.region` is set).
    pub fn from_sdk_config(
        sdk: &SdkConfig,
        config: &CloudWatchConfig,
    ) -> Result<CloudWatchSource, CloudWatchError> {
        config.validate()?;
        let retry = RetryConfig::standard()
            .with_max_attempts(config.max_attempts)
            .with_initial_backoff(config.initial_backoff);
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(config.connect_timeout)
            .operation_attempt_timeout(config.attempt_timeout)
            .build();
        let mut builder = aws_sdk_cloudwatchlogs::config::Builder::from(sdk)
            .retry_config(retry)
            .retry_classifier(retry::UnreadableSuccessClassifier)
            .timeout_config(timeouts);
        if !config.region.is_empty() {
            builder = builder.region(Region::new(config.region.clone()));
        }
        if let Some(url) = &config.endpoint_url {
            builder = builder.endpoint_url(url);
        }
        Ok(CloudWatchSource {
            client: Client::from_conf(builder.build()),
            config: config.clone(),
        })
    }

    pub fn config(&self) -> &CloudWatchConfig {
        &self.config
    }

    /// The groups to read: named ones, then each prefix's matches (first entry wins for a
    /// group named twice); plus a failure per prefix that could not be listed.
    pub async fn resolve_groups(&self) -> (Vec<ResolvedGroup>, Vec<GroupFetch>) {
        let mut groups: Vec<ResolvedGroup> = Vec::new();
        let mut failures = Vec::new();
        for entry in &self.config.groups {
            let names = match (&entry.name, &entry.prefix) {
                (Some(name), _) => vec![name.clone()],
                (None, Some(prefix)) => match fetch::groups_with_prefix(&self.client, prefix).await
                {
                    Ok(names) => names,
                    Err(error) => {
                        failures.push(GroupFetch {
                            log_group: format!("{prefix}*"),
                            result: Err(error),
                        });
                        continue;
                    }
                },
                (None, None) => continue,
            };
            for name in names {
                if groups.iter().any(|g| g.name == name) {
                    continue;
                }
                let service = if entry.service.is_empty() {
                    name.clone()
                } else {
                    entry.service.clone()
                };
                groups.push(ResolvedGroup {
                    name,
                    service,
                    filter_pattern: entry.filter_pattern.clone(),
                });
            }
        }
        (groups, failures)
    }

    /// Reads one group's events since `cursor` up to `now_ms` (at most
    /// `max_pages_per_run` pages).
    pub async fn fetch_group(
        &self,
        group: &ResolvedGroup,
        cursor: Option<&GroupCursor>,
        now_ms: i64,
    ) -> Result<GroupBatch, CloudWatchError> {
        fetch::read_group(&self.client, &self.config, group, cursor, now_ms).await
    }

    /// Resolves the groups and reads each (at most `max_concurrent_groups` at once) from
    /// its cursor in `cursors` (keyed by group name); one outcome per group.
    pub async fn fetch_all(
        &self,
        cursors: &HashMap<String, GroupCursor>,
        now_ms: i64,
    ) -> Vec<GroupFetch> {
        let (groups, mut outcomes) = self.resolve_groups().await;
        let reads = futures_util::stream::iter(groups)
            .map(|group| async move {
                let result = self
                    .fetch_group(&group, cursors.get(&group.name), now_ms)
                    .await;
                GroupFetch {
                    log_group: group.name,
                    result,
                }
            })
            .buffer_unordered(self.config.max_concurrent_groups.max(1))
            .collect::<Vec<_>>()
            .await;
        outcomes.extend(reads);
        outcomes
    }
}

#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
