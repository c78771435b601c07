//! `LinearConfig`: which Linear workspace, team, workflow states and labels triaged uses.

use serde::{Deserialize, Serialize};

use crate::http_client::HttpPolicy;
use crate::secret::Secret;

/// Settings of the Linear tracker (the `[linear]` section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinearConfig {
    /// The GraphQL endpoint.
    pub base_url: String,
    /// A personal API key (`${ENV}` or `file:`), sent as `Authorization: <key>`. The
    /// tracker takes the resolved key as a constructor argument.
    #[serde(skip_serializing)]
    pub api_key: Option<Secret>,
    /// The team's key, e.g. `ENG` (the prefix of its issue identifiers).
    pub team: String,
    /// Workflow state of new tickets; `None` = the team's default state.
    pub create_state: Option<String>,
    /// Workflow state a ticket is moved to when its error comes back.
    pub reopen_state: String,
    /// Workflow state a ticket is moved to when triaged sees it fixed.
    pub done_state: String,
    /// Labels triaged puts on tickets (`triage.labels` and `triage.flapping_label`,
    /// filled in when the tracker is built): `prepare` checks the team has them.
    #[serde(skip)]
    pub labels: Vec<String>,
    pub http: HttpPolicy,
}

impl Default for LinearConfig {
    fn default() -> Self {
        LinearConfig {
            base_url: "https://api.linear.app/graphql".to_owned(),
            api_key: None,
            team: String::new(),
            create_state: None,
            reopen_state: "Todo".to_owned(),
            done_state: "Done".to_owned(),
            labels: Vec::new(),
            http: HttpPolicy::default(),
        }
    }
}

impl LinearConfig {
    /// Every problem at once, one per line, each starting with its key
    /// (`team: …`). Names are checked against Linear itself by `Tracker::prepare`.
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            problems.push(format!(
                "base_url: {:?} must be an http(s) URL",
                self.base_url
            ));
        }
        let key_ok = !self.team.is_empty()
            && self.team.len() <= 7
            && self.team.chars().all(|c| c.is_ascii_alphanumeric());
        if !key_ok {
            problems.push(format!(
                "team: {:?} is not a team key (like ENG: 1-7 letters or digits)",
                self.team
            ));
        }
        let blank = |name: &str| name.trim().is_empty();
        if self.create_state.as_deref().is_some_and(blank) {
            problems.push(
                "create_state: must not be empty (leave it out for the team's default)".into(),
            );
        }
        if blank(&self.reopen_state) {
            problems.push("reopen_state: must name a workflow state".into());
        }
        if blank(&self.done_state) {
            problems.push("done_state: must name a workflow state".into());
        }
        if self.labels.iter().any(|l| blank(l)) {
            problems.push("labels: label names must not be empty".into());
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
