//! What the Sentry emulator holds: seeded issues with their hourly event counts and
//! latest event, the request log, and the rate-limit window.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::{DateTime, Duration, DurationRound, Utc};

use super::RateLimits;

/// A new issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueSeed {
    /// Project slug.
    pub project: String,
    pub title: String,
    pub culprit: String,
    /// Sentry level: `fatal`, `error`, `warning`, `info`, `debug`.
    pub level: String,
    pub environment: String,
    pub platform: String,
}

impl IssueSeed {
    /// An `error`-level Python issue in `production`.
    pub fn new(project: &str, title: &str) -> IssueSeed {
        IssueSeed {
            project: project.to_owned(),
            title: title.to_owned(),
            culprit: String::new(),
            level: "error".to_owned(),
            environment: "production".to_owned(),
            platform: "python".to_owned(),
        }
    }
}

/// The latest event of an issue, as the emulator will serve it.
#[derive(Debug, Clone, PartialEq)]
pub enum LatestEvent {
    Event(Box<EventSeed>),
    /// Served as is (to test what a client does with a body that is not an event).
    RawBody(String),
}

/// An event, described the way Sentry stores it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventSeed {
    /// Chained exceptions, oldest first: the one raised last is the LAST (Sentry order).
    pub exceptions: Vec<ExceptionSeed>,
    /// A log message (events without an exception).
    pub message: Option<String>,
    pub tags: Vec<(String, String)>,
    pub user_id: Option<String>,
    /// `(method, url)` of the request the event happened in.
    pub request: Option<(String, String)>,
    pub release: Option<String>,
    pub environment: Option<String>,
    pub transaction: Option<String>,
}

/// One exception of an event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExceptionSeed {
    pub exception_type: String,
    pub value: String,
    pub module: Option<String>,
    /// `mechanism.handled`.
    pub handled: Option<bool>,
    /// Frames outermost first, the frame that raised LAST (Sentry order).
    pub frames: Vec<FrameSeed>,
}

/// One stack frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameSeed {
    pub filename: String,
    pub abs_path: Option<String>,
    pub function: String,
    pub module: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub in_app: bool,
}

/// One request as the emulator saw it (the `Authorization` value is never kept).
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Arrival order, from 1.
    pub serial: u64,
    pub method: String,
    pub path: String,
    /// Query pairs in order, repeated keys repeated.
    pub query: Vec<(String, String)>,
    /// The request body, when there was one.
    pub body: Option<String>,
    pub status: u16,
    /// The response body, when `keep_response_bodies(true)` was set.
    pub response_body: Option<String>,
    /// When it arrived (monotonic, real time).
    pub at: Instant,
    pub had_token: bool,
}

/// An issue and its events.
#[derive(Debug, Clone)]
pub(super) struct IssueRecord {
    pub(super) id: u64,
    pub(super) id_str: String,
    pub(super) project_id: u64,
    pub(super) short_id: String,
    pub(super) seed: IssueSeed,
    pub(super) status: String,
    /// Events per hour (key: start of the hour).
    pub(super) hours: BTreeMap<DateTime<Utc>, u64>,
    /// Users seen, with the last time each was seen.
    pub(super) users: BTreeMap<String, DateTime<Utc>>,
    pub(super) first_seen: Option<DateTime<Utc>>,
    pub(super) last_seen: Option<DateTime<Utc>>,
    pub(super) latest: Option<(String, DateTime<Utc>, LatestEvent)>,
    pub(super) environments: BTreeSet<String>,
}

impl IssueRecord {
    pub(super) fn new(id: u64, project_id: u64, short_number: usize, seed: IssueSeed) -> Self {
        let prefix: String = seed
            .project
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '-'
                }
            })
            .collect();
        IssueRecord {
            id,
            id_str: id.to_string(),
            project_id,
            short_id: format!("{prefix}-{}", base32(short_number)),
            status: "unresolved".to_owned(),
            hours: BTreeMap::new(),
            users: BTreeMap::new(),
            first_seen: None,
            last_seen: None,
            latest: None,
            environments: BTreeSet::from([seed.environment.clone()]),
            seed,
        }
    }

    pub(super) fn record(
        &mut self,
        at: DateTime<Utc>,
        count: u64,
        latest: Option<LatestEvent>,
        event_id: String,
    ) {
        if count > 0 {
            *self.hours.entry(hour_of(at)).or_insert(0) += count;
            self.first_seen = Some(self.first_seen.map_or(at, |t| t.min(at)));
            self.last_seen = Some(self.last_seen.map_or(at, |t| t.max(at)));
        }
        if let Some(latest) = latest {
            if let LatestEvent::Event(event) = &latest {
                if let Some(user) = &event.user_id {
                    self.users.insert(user.clone(), at);
                }
                if let Some(env) = &event.environment {
                    self.environments.insert(env.clone());
                }
            }
            self.latest = Some((event_id, at, latest));
        }
    }

    /// Events in `[from, to]` (hour granularity).
    pub(super) fn count_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> u64 {
        self.hours.range(hour_of(from)..=to).map(|(_, n)| n).sum()
    }

    pub(super) fn users_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> usize {
        self.users
            .values()
            .filter(|t| **t >= from && **t <= to)
            .count()
    }
}

/// The start of the hour `t` falls in.
pub(super) fn hour_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::hours(1)).unwrap_or(t)
}

/// Sentry short ids count in base 32 with digits and letters (`PROJ-1`, `PROJ-1A`).
fn base32(mut n: usize) -> String {
    const DIGITS: &[u8; 32] = b"0123456789ABCDEFGHJKLMNPQRSTUVWX";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[n % 32]);
        n /= 32;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A fixed one-second window counting requests, plus requests in flight.
#[derive(Debug)]
pub(super) struct RateWindow {
    pub(super) limits: RateLimits,
    started: Instant,
    used: u32,
    pub(super) in_flight: u32,
}

/// The rate-limit state a response reports.
#[derive(Debug, Clone, Copy)]
pub(super) struct RateReport {
    pub(super) limit: u32,
    pub(super) remaining: u32,
    /// Seconds until the window resets (rounded up).
    pub(super) reset_in_secs: u64,
    pub(super) concurrent_limit: u32,
    pub(super) concurrent_remaining: u32,
    pub(super) exceeded: bool,
}

impl RateWindow {
    pub(super) fn new(limits: RateLimits) -> Self {
        RateWindow {
            limits,
            started: Instant::now(),
            used: 0,
            in_flight: 0,
        }
    }

    /// Counts one request arriving now.
    pub(super) fn admit(&mut self) -> RateReport {
        let now = Instant::now();
        if now.duration_since(self.started).as_secs() >= 1 {
            self.started = now;
            self.used = 0;
        }
        self.used += 1;
        let exceeded =
            self.used > self.limits.per_second || self.in_flight >= self.limits.concurrent;
        if !exceeded {
            self.in_flight += 1;
        }
        RateReport {
            limit: self.limits.per_second,
            remaining: self.limits.per_second.saturating_sub(self.used),
            reset_in_secs: 1,
            concurrent_limit: self.limits.concurrent,
            concurrent_remaining: self.limits.concurrent.saturating_sub(self.in_flight),
            exceeded,
        }
    }

    pub(super) fn release(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }
}
