//! The Sentry source: lists the unresolved issues seen since its cursor (all pages, with
//! hourly counts), reads the latest event of the issues that are new or grew, and hands
//! back `SentryObservation`s plus the next `SentryCursor`.
//!
//! A run fails as a whole only when the issue list cannot be read (the cursor then does
//! not move). A latest event that cannot be read or converted degrades its issue
//! (`latest: None`) and is counted in the report; a known issue's counts still go
//! through, a new issue's wait for a run that reads its event (see `SentryCursor`).
//!
//! Use: `batch = source.pull(&cursor, now)`; store `cursor.new_counts(obs)` for each
//! observation (with `obs.observed(..)` when it has an event, else by merge key); then
//! save `batch.cursor`.

mod config;
mod convert;
mod cursor;
mod events;
mod fetch;
mod latest;
mod link;
mod route;
mod wire;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::event::{ErrorEvent, Observed, UserSalt};
use crate::http_client::{HttpError, VendorClient};
use crate::secret::Secret;

pub use config::SentryConfig;
pub use cursor::{Listing, Resume, SentryCursor};
pub use events::SentryEvents;
pub use route::{endpoint_from_transaction, endpoint_from_url, route_of};

/// The vendor name in errors and logs.
pub const VENDOR: &str = "sentry";

/// Failures of the Sentry source.
#[derive(Debug, thiserror::Error)]
pub enum SentryError {
    #[error("invalid Sentry settings: {0}")]
    Config(String),
    #[error(
        "Sentry rejected the API token (HTTP {status}); check that it is valid and has the event:read scope"
    )]
    Unauthorized { status: u16 },
    #[error("Sentry organization {org:?} was not found (HTTP 404)")]
    OrgNotFound { org: String },
    #[error("listing Sentry issues failed at page {page}: {source}")]
    ListPage {
        page: u32,
        #[source]
        source: HttpError,
    },
    #[error(
        "listing Sentry issues: page {page} links back to a page already read (cursor {cursor:?}); the listing is retried next run"
    )]
    CursorCycle { page: u32, cursor: String },
    #[error("Sentry issue {issue_id}: updating its status failed: {source}")]
    UpdateIssue {
        issue_id: String,
        #[source]
        source: HttpError,
    },
    #[error("Sentry issue id {0:?} is not a valid id")]
    BadIssueId(String),
}

impl SentryError {
    /// Whether the next run may succeed without anyone changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            SentryError::ListPage { source, .. } | SentryError::UpdateIssue { source, .. } => {
                source.is_retryable()
            }
            // Sentry's pagination went wrong on its side; a later listing may not.
            SentryError::CursorCycle { .. } => true,
            SentryError::Config(_)
            | SentryError::Unauthorized { .. }
            | SentryError::OrgNotFound { .. }
            | SentryError::BadIssueId(_) => false,
        }
    }
}

/// One Sentry issue as a run saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct SentryObservation {
    pub issue_id: String,
    /// Project slug.
    pub project: String,
    pub short_id: String,
    pub title: String,
    pub culprit: String,
    pub permalink: String,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub user_count: u64,
    /// Events per hour (hour start, count) inside the lookback window, oldest first.
    pub hourly: Vec<(DateTime<Utc>, u64)>,
    /// The latest event; `None` when it was not read (issue unchanged), could not be
    /// read, or had no usable data. An issue the cursor already knows keeps being
    /// counted without it: its counts belong to the cluster holding the merge key
    /// `sentry:{project}/{issue_id}`. A new issue without it is not counted yet.
    pub latest: Option<ErrorEvent>,
}

impl SentryObservation {
    /// The domain's `Observed` for the counts a run hands on (`cursor.new_counts(self)`),
    /// with Sentry's own user count. `None` without a latest event or without new counts.
    pub fn observed(&self, new_counts: Vec<(DateTime<Utc>, u64)>) -> Option<Observed> {
        if new_counts.is_empty() {
            return None;
        }
        Some(Observed {
            event: self.latest.clone()?,
            counts: new_counts,
            reported_users: Some(self.user_count),
            host: None,
        })
    }
}

/// What a run counted besides its observations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SentryPullReport {
    pub pages: u32,
    pub issues_listed: usize,
    /// List items that were not issues (missing id, bad id, wrong shape).
    pub issues_skipped: usize,
    /// Stats buckets that were not `[epoch_seconds, count]`.
    pub buckets_skipped: usize,
    pub events_read: usize,
    /// Events converted with something missing (no stack frames, an unreadable entry).
    pub events_degraded: usize,
    /// Events that could not be fetched, decoded or converted.
    pub events_unreadable: usize,
    /// The listing stopped at `max_issues_per_run` or `max_pages_per_run`; the next run
    /// continues it.
    pub truncated: bool,
    /// The first problems met, for the run ledger (bounded).
    pub problems: Vec<String>,
}

impl SentryPullReport {
    const MAX_PROBLEMS: usize = 20;

    fn problem(&mut self, text: String) {
        tracing::warn!(source = VENDOR, problem = %text, "sentry input skipped or degraded");
        if self.problems.len() < Self::MAX_PROBLEMS {
            self.problems.push(text);
        }
    }
}

/// The result of one run. Store the new counts, then save `cursor`.
#[derive(Debug, Clone)]
pub struct SentryBatch {
    pub observations: Vec<SentryObservation>,
    pub cursor: SentryCursor,
    pub report: SentryPullReport,
}

/// An issue status a triaged decision may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueStatus {
    Resolved,
    Unresolved,
}

/// The Sentry source for one organization.
#[derive(Debug)]
pub struct SentrySource {
    config: SentryConfig,
    token: Secret,
    salt: UserSalt,
    client: VendorClient,
}

impl SentrySource {
    /// `token` is the API token (sent as `Authorization: Bearer`, never logged).
    pub fn new(config: &SentryConfig, token: &str, salt: UserSalt) -> Result<Self, SentryError> {
        config.validate().map_err(SentryError::Config)?;
        let token = token.trim();
        if token.is_empty() || token.chars().any(|c| c.is_control() || c == ' ') {
            return Err(SentryError::Config(
                "the API token is empty or not a token".into(),
            ));
        }
        let client = VendorClient::new(VENDOR, config.http.clone())
            .map_err(|e| SentryError::Config(e.to_string()))?;
        let mut config = config.clone();
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        config.token = None;
        Ok(SentrySource {
            config,
            token: Secret::from_value(token),
            salt,
            client,
        })
    }

    /// The key under which this source's cursor is stored.
    pub fn cursor_key(&self) -> String {
        format!("sentry:{}", self.config.org)
    }

    /// Reads what changed since `cursor`; `now` is the run's time.
    pub async fn pull(
        &self,
        cursor: &SentryCursor,
        now: DateTime<Utc>,
    ) -> Result<SentryBatch, SentryError> {
        fetch::pull(self, cursor, now).await
    }

    /// Sets an issue's status (`PUT …/issues/{id}/`).
    pub async fn set_issue_status(
        &self,
        issue_id: &str,
        status: IssueStatus,
    ) -> Result<(), SentryError> {
        fetch::set_issue_status(self, issue_id, status).await
    }
}
