//! The emulator's in-memory log groups and the two read operations over them:
//! `FilterLogEvents` (time-ordered across streams, paged by count, bytes and scan budget)
//! and `DescribeLogGroups`.
//!
//! Events of a group are kept sorted by (timestamp, arrival sequence). A page token names
//! the last position a page consumed, so it stays valid while events arrive: a late event
//! behind that position is not part of the running pagination but is found by any later
//! query over its time range.

mod groups;
mod token;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::filter::FilterPattern;
use super::wire::{
    ApiError, ErrorKind, FilterLogEventsRequest, FilterLogEventsResponse, FilteredLogEvent,
};
use token::{PageToken, query_fingerprint};

/// Most events one `FilterLogEvents` page carries (and the default `limit`).
pub const MAX_EVENTS_PER_PAGE: i32 = 10_000;
/// Most bytes of events one `FilterLogEvents` page carries (1 MB).
pub const MAX_PAGE_BYTES: usize = 1024 * 1024;
/// Most (and default) groups per `DescribeLogGroups` page.
pub const MAX_GROUPS_PER_PAGE: i32 = 50;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub timestamp_ms: i64,
    pub ingestion_time_ms: i64,
    pub seq: u64,
    pub stream: Arc<str>,
    pub message: Box<str>,
}

impl StoredEvent {
    fn position(&self) -> (i64, u64) {
        (self.timestamp_ms, self.seq)
    }

    /// A 56-digit id like CloudWatch's, unique per event.
    pub fn event_id(&self) -> String {
        format!("{:024}{:032}", self.timestamp_ms.max(0), self.seq)
    }
}

#[derive(Debug, Default)]
pub struct Group {
    pub creation_time_ms: i64,
    pub events: Vec<StoredEvent>,
    pub stored_bytes: i64,
    streams: HashMap<String, Arc<str>>,
}

#[derive(Debug, Default)]
pub struct Store {
    pub groups: BTreeMap<String, Group>,
    next_seq: u64,
}

/// Per-request limits beyond the documented ones (a scan budget makes partial and empty
/// pages with a `nextToken`, as AWS returns when it searched much and found little).
#[derive(Debug, Clone, Copy)]
pub struct ScanLimits {
    pub page_bytes: usize,
    pub scan_budget: usize,
}

impl Store {
    pub fn create_group(&mut self, name: &str, now_ms: i64) {
        self.groups
            .entry(name.to_string())
            .or_insert_with(|| Group {
                creation_time_ms: now_ms,
                ..Group::default()
            });
    }

    /// Appends events (timestamp, ingestion time, message) to a stream, creating the group.
    pub fn put_events(
        &mut self,
        group_name: &str,
        stream_name: &str,
        events: impl IntoIterator<Item = (i64, i64, String)>,
        now_ms: i64,
    ) -> usize {
        self.create_group(group_name, now_ms);
        let Some(group) = self.groups.get_mut(group_name) else {
            return 0;
        };
        let stream = group
            .streams
            .entry(stream_name.to_string())
            .or_insert_with(|| Arc::from(stream_name))
            .clone();
        let before = group.events.len();
        let mut sorted = true;
        for (timestamp_ms, ingestion_time_ms, message) in events {
            if group
                .events
                .last()
                .is_some_and(|last| last.timestamp_ms > timestamp_ms)
            {
                sorted = false;
            }
            group.stored_bytes += message.len() as i64;
            self.next_seq += 1;
            group.events.push(StoredEvent {
                timestamp_ms,
                ingestion_time_ms,
                seq: self.next_seq,
                stream: stream.clone(),
                message: message.into_boxed_str(),
            });
        }
        if !sorted {
            group.events.sort_by_key(StoredEvent::position);
        }
        group.events.len() - before
    }

    pub fn filter_log_events(
        &self,
        request: &FilterLogEventsRequest,
        limits: ScanLimits,
    ) -> Result<FilterLogEventsResponse, ApiError> {
        let group_name = group_name_of(request)?;
        let limit = request.limit.unwrap_or(MAX_EVENTS_PER_PAGE);
        if !(1..=MAX_EVENTS_PER_PAGE).contains(&limit) {
            return Err(ApiError::constraint(
                "limit",
                limit,
                "Member must have value less than or equal to 10000 and greater than or equal to 1",
            ));
        }
        if request.log_stream_names.is_some() && request.log_stream_name_prefix.is_some() {
            return Err(ApiError::invalid(
                "logStreamNames and logStreamNamePrefix are mutually exclusive",
            ));
        }
        if let Some(names) = &request.log_stream_names
            && !(1..=100).contains(&names.len())
        {
            return Err(ApiError::constraint(
                "logStreamNames",
                names.len(),
                "Member must have length between 1 and 100",
            ));
        }
        if request.start_from_head == Some(false) {
            return Err(ApiError::invalid(
                "startFromHead=false is not supported by this emulator",
            ));
        }
        for (member, value) in [
            ("startTime", request.start_time),
            ("endTime", request.end_time),
        ] {
            if let Some(value) = value.filter(|v| *v < 0) {
                return Err(ApiError::constraint(
                    member,
                    value,
                    "Member must have value greater than or equal to 0",
                ));
            }
        }
        let pattern = FilterPattern::parse(request.filter_pattern.as_deref().unwrap_or(""))
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        let group = self.groups.get(group_name).ok_or_else(|| {
            ApiError::new(
                ErrorKind::ResourceNotFound,
                "The specified log group does not exist.",
            )
        })?;
        let fingerprint = query_fingerprint(group_name, request);
        let start = request.start_time.unwrap_or(i64::MIN);
        let end = request.end_time.unwrap_or(i64::MAX);
        let first = match &request.next_token {
            Some(text) => {
                let token = PageToken::decode(text, fingerprint)?;
                group
                    .events
                    .partition_point(|e| e.position() <= token.after)
            }
            None => group.events.partition_point(|e| e.timestamp_ms < start),
        };
        let wanted_stream =
            |stream: &str| match (&request.log_stream_names, &request.log_stream_name_prefix) {
                (Some(names), _) => names.iter().any(|n| n == stream),
                (None, Some(prefix)) => stream.starts_with(prefix.as_str()),
                (None, None) => true,
            };

        let mut response = FilterLogEventsResponse::default();
        let mut page_bytes = 0usize;
        let mut consumed: Option<(i64, u64)> = None;
        let mut scanned = 0usize;
        for stored in &group.events[first..] {
            if stored.timestamp_ms > end {
                return Ok(response);
            }
            if response.events.len() == limit as usize || scanned == limits.scan_budget {
                break;
            }
            if wanted_stream(&stored.stream) && pattern.matches(&stored.message) {
                let event = FilteredLogEvent {
                    log_stream_name: stored.stream.to_string(),
                    timestamp: stored.timestamp_ms,
                    message: stored.message.to_string(),
                    ingestion_time: stored.ingestion_time_ms,
                    event_id: stored.event_id(),
                };
                let size = json_size(&event) + 1;
                if !response.events.is_empty() && page_bytes + size > limits.page_bytes {
                    break;
                }
                page_bytes += size;
                response.events.push(event);
            }
            scanned += 1;
            consumed = Some(stored.position());
        }
        // `scanned` events were consumed, so `first + scanned` is the next unread one.
        if let Some(after) = consumed
            && first + scanned < group.events.len()
        {
            response.next_token = Some(PageToken { after, fingerprint }.encode());
        }
        Ok(response)
    }
}

/// `logGroupName` or `logGroupIdentifier` (a name or an ARN), exactly one of them.
fn group_name_of(request: &FilterLogEventsRequest) -> Result<&str, ApiError> {
    match (&request.log_group_name, &request.log_group_identifier) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
        )),
        (None, None) => Err(ApiError::invalid(
            "Either logGroupName or logGroupIdentifier must be specified.",
        )),
        (Some(name), None) => check_group_name("logGroupName", name).map(|()| name.as_str()),
        (None, Some(identifier)) => {
            let name = match identifier.split_once(":log-group:") {
                Some((_, rest)) => rest.strip_suffix(":*").unwrap_or(rest),
                None => identifier,
            };
            Ok(name)
        }
    }
}

/// The model's `LogGroupName` constraint: 1–512 of `[.\-_/#A-Za-z0-9]`.
pub fn check_group_name(member: &str, name: &str) -> Result<(), ApiError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-_/#".contains(c);
    if (1..=512).contains(&name.len()) && name.chars().all(allowed) {
        Ok(())
    } else {
        Err(ApiError::constraint(
            member,
            name,
            "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
        ))
    }
}

/// Serialized length of a value without building the bytes.
fn json_size(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

#[cfg(test)]
mod tests;
