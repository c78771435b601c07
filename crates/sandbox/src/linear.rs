//! Emulator of Linear's GraphQL API (contract: the Linear subset, `contracts/linear/schema.graphql`).
//!
//! Every request is parsed and validated against the schema and its variables are
//! coerced (apollo-compiler), so a document or variable Linear would refuse is refused
//! here the same way (HTTP 400, `GRAPHQL_VALIDATION_FAILED` / `BAD_USER_INPUT`). Root
//! fields are answered from in-memory state and the entities projected through the
//! request's selection set. Auth is a personal API key in `Authorization` (401
//! `AUTHENTICATION_ERROR` otherwise); faults come as Linear shows them: `RATELIMITED`
//! (HTTP 400 + `X-RateLimit-Requests-*`), 5xx, late answers to mutations already
//! applied, mangled bodies, and outages.
//!
//! - `state`: teams, workflow states, labels, issues, comments, attachments.
//! - `seed`: the Rust seeding and inspection API (`IssueSeed`, `IssueSnapshot`).
//! - `serve` → `execute` → `queries` / `mutations`, `filters`, `entities`, `project`.

mod checks;
mod entities;
mod errors;
mod execute;
mod filters;
mod mutations;
mod project;
mod queries;
mod seed;
mod serve;
mod state;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use apollo_compiler::Schema;
use apollo_compiler::validation::Valid;
use axum::Router;
use axum::routing::post;
use chrono::{DateTime, Utc};

use super::{Fault, Faults};
use state::State;

pub use seed::{AttachmentSnapshot, IssueSeed, IssueSnapshot};

/// The API key the emulator accepts until `set_api_key`.
pub const SANDBOX_API_KEY: &str = "lin_api_sandbox0000000000000000000000000000";

/// Requests kept in the log; older ones are dropped.
const REQUEST_LOG_MAX: usize = 20_000;

/// One request as the emulator saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub serial: u64,
    /// The operation's name in the document (`TriagedIssueCreate`), if valid and named.
    pub operation: Option<String>,
    /// Root fields selected (`issueCreate`), if the document was valid.
    pub root_fields: Vec<String>,
    /// The HTTP status answered (0 while the answer is pending).
    pub status: u16,
    pub fault: Option<Fault>,
    /// Whether it carried the right API key.
    pub authorized: bool,
}

/// The Linear emulator. Share it as `Arc<LinearSandbox>`; `router()` serves it.
pub struct LinearSandbox {
    schema: Arc<Valid<Schema>>,
    faults: Faults,
    inner: Mutex<Inner>,
}

struct Inner {
    state: State,
    api_key: String,
    outage: bool,
    requests: VecDeque<RecordedRequest>,
    request_serial: u64,
    /// Faults for the next requests in scope, before any drawn from the knobs.
    scripted: VecDeque<Fault>,
    /// Root fields whose requests may be faulted; `None` = all requests.
    fault_scope: Option<Vec<String>>,
}

/// Linear's schema (the project's subset), validated once per process and shared.
pub fn schema() -> Arc<Valid<Schema>> {
    crate::contracts::linear_schema()
}

impl LinearSandbox {
    /// An empty workspace answering for `schema`; `seed` drives ids and fault draws.
    pub fn new(schema: Arc<Valid<Schema>>, seed: u64) -> Arc<LinearSandbox> {
        Arc::new(LinearSandbox {
            schema,
            faults: Faults::new(seed),
            inner: Mutex::new(Inner {
                state: State::new(seed),
                api_key: SANDBOX_API_KEY.to_owned(),
                outage: false,
                requests: VecDeque::new(),
                request_serial: 0,
                scripted: VecDeque::new(),
                fault_scope: None,
            }),
        })
    }

    /// The axum router serving `POST /graphql` and `POST /`.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/graphql", post(serve::graphql))
            .route("/", post(serve::graphql))
            .with_state(self.clone())
    }

    pub fn api_key(&self) -> String {
        self.lock().api_key.clone()
    }

    /// Replaces the one API key accepted.
    pub fn set_api_key(&self, key: &str) {
        self.lock().api_key = key.to_owned();
    }

    /// The fault knobs (`faults().set(FaultKnobs { throttle: 0.3, .. })`).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Gives the next request in scope exactly this fault (queued in order, ahead of
    /// the knobs).
    pub fn inject(&self, fault: Fault) {
        self.lock().scripted.push_back(fault);
    }

    /// Faults (injected or drawn) only hit requests selecting one of these root fields,
    /// e.g. `["issueCreate"]`; an empty list lifts the restriction.
    pub fn limit_faults_to(&self, root_fields: &[&str]) {
        self.lock().fault_scope = if root_fields.is_empty() {
            None
        } else {
            Some(root_fields.iter().map(|f| (*f).to_owned()).collect())
        };
    }

    /// While on, every request is answered 503 (and nothing is applied).
    pub fn set_outage(&self, outage: bool) {
        self.lock().outage = outage;
    }

    /// Sets the emulator's "now" (`createdAt`, `updatedAt`).
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.lock().state.frozen_now = Some(now);
    }

    /// The emulator's "now": the last `set_now`, else the system time.
    pub fn now(&self) -> DateTime<Utc> {
        self.lock().state.now()
    }

    /// The requests served so far (the last 20 000), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.iter().cloned().collect()
    }

    /// How many requests selected this root field (`"issueCreate"`).
    pub fn count_requests(&self, root_field: &str) -> usize {
        let inner = self.lock();
        inner
            .requests
            .iter()
            .filter(|r| r.root_fields.iter().any(|f| f == root_field))
            .count()
    }

    fn next_fault(&self, root_fields: &[String]) -> Option<Fault> {
        let mut inner = self.lock();
        let in_scope = inner
            .fault_scope
            .as_ref()
            .is_none_or(|scope| root_fields.iter().any(|f| scope.contains(f)));
        if !in_scope {
            return None;
        }
        if let Some(fault) = inner.scripted.pop_front() {
            return Some(fault);
        }
        drop(inner);
        self.faults.next()
    }

    fn log_request(&self, mut request: RecordedRequest) -> u64 {
        let mut inner = self.lock();
        inner.request_serial += 1;
        request.serial = inner.request_serial;
        if inner.requests.len() >= REQUEST_LOG_MAX {
            inner.requests.pop_front();
        }
        inner.requests.push_back(request);
        inner.request_serial
    }

    fn update_request(&self, serial: u64, change: impl FnOnce(&mut RecordedRequest)) {
        let mut inner = self.lock();
        if let Some(request) = inner.requests.iter_mut().rev().find(|r| r.serial == serial) {
            change(request);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}
