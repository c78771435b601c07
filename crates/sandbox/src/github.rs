//! Emulator of the GitHub REST API subset triaged uses (contract:
//! `contracts/github/openapi.json`): repositories with a default branch, the
//! contents API, the git data API (refs and release tags, trees, commits), pull requests
//! with the draft flag, issue labels and commit comparisons.
//!
//! It rejects what GitHub rejects: 401 without a valid token, 403 without a
//! `User-Agent`, 400 for an unknown `X-GitHub-Api-Version`, 404 for unknown
//! repositories, paths, refs and commits, 422 for an existing ref, a non-fast-forward
//! ref update, a second open pull request for one head, a pull request without commits;
//! 409/422 for a stale blob sha in the contents API. Every answer carries GitHub's
//! `x-ratelimit-*` headers; a spent quota is a 403 with `x-ratelimit-remaining: 0`, and the
//! throttle fault is a secondary rate limit (403 with `retry-after`).
//!
//! Merging is only done by the seeding API (`merge`), standing in for a reviewer: the
//! HTTP API has no merge, approve or force-push. Trees are flat (every file under its
//! full path) and every file has mode `100644`.

mod ops;
mod ops_git;
mod ops_pulls;
mod quota;
mod render;
mod render_content;
mod render_pull;
mod route;
mod seed;
mod serve;
mod state;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;

use super::Faults;
use quota::Quota;
use state::RepoState;

/// Files larger than this are served without content (`encoding: "none"`), as GitHub does.
pub const FILE_SIZE_MAX: u64 = 1024 * 1024;

/// Requests kept in the log; older ones are dropped.
const REQUEST_LOG_MAX: usize = 20_000;

/// The operations the emulator serves (for the request log and `fail_next`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteKind {
    GetRepo,
    GetContent,
    PutContent,
    GetRef,
    CreateRef,
    UpdateRef,
    CreateTree,
    GetCommit,
    CreateCommit,
    ListPulls,
    CreatePull,
    GetPull,
    AddLabels,
    Compare,
}

/// What happens to the next request of one kind (see `GitHubSandbox::fail_next`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    /// Answered with this status and GitHub's error body; nothing is done.
    Reject(u16),
    /// Done, then answered with a 502, as if the connection died on the way back.
    LoseAnswer,
    /// Held this long, then served.
    Hold(Duration),
    /// Served at once, then the answer held this long: the change is visible to the
    /// seeding API while the client still waits (a process killed now never learns it).
    HoldAnswer(Duration),
    /// A secondary rate limit: 403 with `retry-after` (whole seconds); nothing is done.
    Throttle(Duration),
}

/// One request the emulator saw.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub serial: u64,
    /// `None` for a path the emulator does not serve.
    pub kind: Option<RouteKind>,
    pub method: String,
    /// As sent (percent-encoded).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<String>,
    /// 0 while the request is being served.
    pub status: u16,
    /// Kept only with `keep_response_bodies(true)`.
    pub response_body: Option<String>,
    pub had_token: bool,
    pub user_agent: Option<String>,
    pub accept: Option<String>,
    pub api_version: Option<String>,
    pub at: Instant,
}

/// A pull request as a test sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullView {
    pub number: u64,
    pub title: String,
    pub body: Option<String>,
    pub head: String,
    pub base: String,
    pub draft: bool,
    pub open: bool,
    pub merged: bool,
    pub merge_commit_sha: Option<String>,
    pub labels: Vec<String>,
}

/// The GitHub emulator. Share it as `Arc<GitHubSandbox>`; `router()` serves it.
pub struct GitHubSandbox {
    token: String,
    faults: Faults,
    inner: Mutex<Inner>,
}

struct Inner {
    /// By lower-cased `owner/name` (GitHub names are case-insensitive).
    repos: BTreeMap<String, RepoState>,
    next_id: u64,
    requests: VecDeque<RecordedRequest>,
    request_serial: u64,
    keep_bodies: bool,
    interrupts: Vec<(RouteKind, Interrupt)>,
    quota: Quota,
}

impl Inner {
    fn repo(&self, full_name: &str) -> Option<&RepoState> {
        self.repos.get(&full_name.to_ascii_lowercase())
    }

    fn repo_mut(&mut self, full_name: &str) -> Option<&mut RepoState> {
        self.repos.get_mut(&full_name.to_ascii_lowercase())
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

impl GitHubSandbox {
    /// No repositories; `token` is the only one accepted; `seed` drives fault draws.
    pub fn new(seed: u64, token: &str) -> Arc<GitHubSandbox> {
        Arc::new(GitHubSandbox {
            token: token.to_owned(),
            faults: Faults::new(seed),
            inner: Mutex::new(Inner {
                repos: BTreeMap::new(),
                next_id: 700_000_000,
                requests: VecDeque::new(),
                request_serial: 0,
                keep_bodies: false,
                interrupts: Vec::new(),
                quota: Quota::new(5000, Duration::from_secs(3600)),
            }),
        })
    }

    /// The axum router serving the API (mount it with `SandboxServer::start`).
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .fallback(serve::handle)
            .with_state(self.clone())
    }

    /// The fault knobs (`faults().set(FaultKnobs { throttle: 0.3, .. })`).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The primary rate limit: `limit` requests per `window` (5000 an hour until set).
    pub fn set_quota(&self, limit: u32, window: Duration) {
        self.lock().quota = Quota::new(limit, window);
    }

    /// The next request of `kind` meets `interrupt` (once; several queue up in order).
    pub fn fail_next(&self, kind: RouteKind, interrupt: Interrupt) {
        self.lock().interrupts.push((kind, interrupt));
    }

    /// The requests served so far (the last 20 000), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.iter().cloned().collect()
    }

    /// Whether the request log keeps response bodies (off by default).
    pub fn keep_response_bodies(&self, keep: bool) {
        self.lock().keep_bodies = keep;
    }

    fn log(&self, mut request: RecordedRequest) -> u64 {
        let mut inner = self.lock();
        inner.request_serial += 1;
        request.serial = inner.request_serial;
        if inner.requests.len() >= REQUEST_LOG_MAX {
            inner.requests.pop_front();
        }
        inner.requests.push_back(request);
        inner.request_serial
    }

    fn finish_log(&self, serial: u64, status: u16, body: bytes::Bytes) {
        let mut inner = self.lock();
        let keep = inner.keep_bodies;
        if let Some(request) = inner.requests.iter_mut().rev().find(|r| r.serial == serial) {
            request.status = status;
            if keep {
                request.response_body = Some(String::from_utf8_lossy(&body).into_owned());
            }
        }
    }

    fn take_interrupt(&self, kind: RouteKind) -> Option<Interrupt> {
        let mut inner = self.lock();
        let index = inner.interrupts.iter().position(|(k, _)| *k == kind)?;
        Some(inner.interrupts.remove(index).1)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}
