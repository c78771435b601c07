//! Emulator of the Sentry web API subset triaged uses (contract:
//! `contracts/sentry/openapi.json`): list an organization's issues with `Link`
//! pagination and hourly stats, read an issue, read its latest event, update its status.
//!
//! Bearer-token auth, Sentry's rate-limit headers on every response, and the shared
//! fault knobs rendered the Sentry way (429 + `Retry-After`, 5xx, slow, cut or HTML
//! bodies). Issue data comes from the seeding API; "now" is a settable value (system
//! time until set) so tests and the demo can make counts grow over simulated time.
//! Rate-limit windows use the real clock: clients sleep on them.

mod event_json;
mod handlers;
mod list;
mod render;
mod search;
mod serve;
mod state;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::routing::get;
use chrono::{DateTime, Utc};

use super::Faults;
use state::{IssueRecord, RateWindow};

pub use state::{EventSeed, ExceptionSeed, FrameSeed, IssueSeed, LatestEvent, RecordedRequest};

/// The Sentry emulator. Share it as `Arc<SentrySandbox>`; `router()` serves it.
pub struct SentrySandbox {
    org: String,
    token: String,
    faults: Faults,
    inner: Mutex<Inner>,
}

struct Inner {
    now: Option<DateTime<Utc>>,
    issues: Vec<IssueRecord>,
    next_issue: u64,
    event_seq: u64,
    seed: u64,
    requests: VecDeque<RecordedRequest>,
    request_serial: u64,
    keep_bodies: bool,
    rate: RateWindow,
}

/// Requests kept in the log; older ones are dropped.
const REQUEST_LOG_MAX: usize = 20_000;

/// Requests allowed per one-second window, and at once, before a 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub per_second: u32,
    pub concurrent: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            per_second: 1000,
            concurrent: 25,
        }
    }
}

impl SentrySandbox {
    /// An empty organization `org` whose only valid API token is `token`; `seed` drives
    /// the fault draws and event ids.
    pub fn new(seed: u64, org: &str, token: &str) -> Arc<SentrySandbox> {
        Arc::new(SentrySandbox {
            org: org.to_owned(),
            token: token.to_owned(),
            faults: Faults::new(seed),
            inner: Mutex::new(Inner {
                now: None,
                issues: Vec::new(),
                next_issue: 4_500_000_001,
                event_seq: 0,
                seed,
                requests: VecDeque::new(),
                request_serial: 0,
                keep_bodies: false,
                rate: RateWindow::new(RateLimits::default()),
            }),
        })
    }

    /// The axum router serving the API (mount it with `SandboxServer::start`).
    pub fn router(self: &Arc<Self>) -> Router {
        let issue = "/api/0/organizations/{org}/issues/{issue_id}/";
        Router::new()
            .route(
                "/api/0/organizations/{org}/issues/",
                get(handlers::list_issues),
            )
            .route(issue, get(handlers::get_issue).put(handlers::update_issue))
            .route(
                "/api/0/organizations/{org}/issues/{issue_id}/events/{event_id}/",
                get(handlers::get_issue_event),
            )
            .fallback(handlers::not_found)
            .with_state(self.clone())
    }

    pub fn org(&self) -> &str {
        &self.org
    }

    /// The fault knobs (`faults().set(FaultKnobs { throttle: 0.3, .. })`).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Sets the emulator's "now" (stats buckets, periods, relative searches).
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.lock().now = Some(now);
    }

    /// The emulator's "now": the last `set_now`, else the system time.
    pub fn now(&self) -> DateTime<Utc> {
        self.lock().now.unwrap_or_else(Utc::now)
    }

    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.lock().rate = RateWindow::new(limits);
    }

    /// Adds an unresolved issue without events; returns its id.
    pub fn add_issue(&self, seed: IssueSeed) -> String {
        let mut inner = self.lock();
        let id = inner.next_issue;
        inner.next_issue += 1;
        let project_id = project_id_of(&inner.issues, &seed.project);
        let short_number = inner
            .issues
            .iter()
            .filter(|i| i.seed.project == seed.project)
            .count()
            + 1;
        inner
            .issues
            .push(IssueRecord::new(id, project_id, short_number, seed));
        id.to_string()
    }

    /// Records `count` events of issue `issue_id` at `at`; `latest`, when given, becomes
    /// the issue's latest event. Returns false for an unknown issue.
    pub fn record_events(
        &self,
        issue_id: &str,
        at: DateTime<Utc>,
        count: u64,
        latest: Option<LatestEvent>,
    ) -> bool {
        let mut inner = self.lock();
        inner.event_seq += 1;
        let event_id = event_id(inner.seed, inner.event_seq);
        match inner.issues.iter_mut().find(|i| i.id_str == issue_id) {
            Some(issue) => {
                issue.record(at, count, latest, event_id);
                true
            }
            None => false,
        }
    }

    /// The issue's status (`unresolved`, `resolved`, `ignored`), if it exists.
    pub fn issue_status(&self, issue_id: &str) -> Option<String> {
        let inner = self.lock();
        let issue = inner.issues.iter().find(|i| i.id_str == issue_id)?;
        Some(issue.status.clone())
    }

    /// Events recorded for an issue over its lifetime.
    pub fn total_events(&self, issue_id: &str) -> Option<u64> {
        let inner = self.lock();
        let issue = inner.issues.iter().find(|i| i.id_str == issue_id)?;
        Some(issue.hours.values().sum())
    }

    /// The requests served so far (the last 20 000), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.iter().cloned().collect()
    }

    /// Whether the request log keeps response bodies (off by default: they are large).
    pub fn keep_response_bodies(&self, keep: bool) {
        self.lock().keep_bodies = keep;
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn project_id_of(issues: &[IssueRecord], slug: &str) -> u64 {
    if let Some(existing) = issues.iter().find(|i| i.seed.project == slug) {
        return existing.project_id;
    }
    let mut distinct: Vec<&str> = issues.iter().map(|i| i.seed.project.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    100 + distinct.len() as u64
}

/// A 32-hex-digit event id, repeatable for a seed.
fn event_id(seed: u64, seq: u64) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(seed.to_le_bytes())
        .chain_update(seq.to_le_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}
