//! `SentryConfig`: where the Sentry source reads from and how much.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::http_client::HttpPolicy;
use crate::secret::Secret;

/// Settings of the Sentry source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SentryConfig {
    /// `https://sentry.io`, a regional host (`https://de.sentry.io`) or a self-hosted one.
    pub base_url: String,
    /// Organization slug.
    pub org: String,
    /// Project slugs or ids; empty = every project the token sees.
    pub projects: Vec<String>,
    /// The API token (`${ENV}` or `file:`; scopes `event:read`, `org:read`, and
    /// `event:write` to resolve issues). The source takes the resolved token as a
    /// constructor argument.
    #[serde(skip_serializing)]
    pub token: Option<Secret>,
    /// Sentry search applied to the issue list.
    pub query: String,
    /// Only events of this environment.
    pub environment: Option<String>,
    /// How far back counts are read and remembered.
    #[serde(with = "humantime_serde")]
    pub lookback: Duration,
    /// Issues read per run at most, rounded up to whole pages of 100 (most recently seen
    /// first); the next run continues the listing where this one stopped.
    pub max_issues_per_run: usize,
    /// Issue-list pages read per run at most (pages of repeated or unreadable items count
    /// too); the next run continues the listing where this one stopped.
    pub max_pages_per_run: u32,
    /// Project slug → service name; unmapped projects are their own service.
    pub services: BTreeMap<String, String>,
    pub http: HttpPolicy,
}

impl Default for SentryConfig {
    fn default() -> Self {
        SentryConfig {
            base_url: "https://sentry.io".to_owned(),
            org: String::new(),
            projects: Vec::new(),
            token: None,
            query: "is:unresolved".to_owned(),
            environment: None,
            lookback: Duration::from_secs(24 * 3600),
            max_issues_per_run: 500,
            max_pages_per_run: 20,
            services: BTreeMap::new(),
            http: HttpPolicy::default(),
        }
    }
}

impl SentryConfig {
    /// Every problem at once, one per line.
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        let slug_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 100
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            problems.push(format!(
                "base_url {:?} must be an http(s) URL",
                self.base_url
            ));
        }
        if !slug_ok(&self.org) {
            problems.push(format!("org {:?} is not an organization slug", self.org));
        }
        if let Some(bad) = self.projects.iter().find(|p| !slug_ok(p)) {
            problems.push(format!("project {bad:?} is not a project slug or id"));
        }
        if self.lookback < Duration::from_secs(3600) {
            problems.push("lookback must be at least 1h".to_owned());
        }
        if self.max_issues_per_run == 0 {
            problems.push("max_issues_per_run must be at least 1".to_owned());
        }
        if self.max_pages_per_run == 0 {
            problems.push("max_pages_per_run must be at least 1".to_owned());
        }
        if let Err(e) = self.http.validate() {
            problems.push(format!("http: {e}"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}
