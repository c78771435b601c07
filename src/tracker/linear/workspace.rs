//! The configured team as Linear has it: its id, workflow states and labels (team and
//! workspace), resolved from the names in `LinearConfig`. A name Linear does not know
//! is a `TrackerError::Config` naming the config key and listing what exists.

use super::LinearConfig;
use super::ops::{LabelNode, StateNode, WorkspaceData};
use crate::tracker::TrackerError;

/// What the tracker needs to know about the team, resolved once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Workspace {
    pub(super) team_id: String,
    pub(super) team_key: String,
    /// `None`: new issues get the team's default state.
    pub(super) create_state_id: Option<String>,
    pub(super) reopen_state_id: String,
    pub(super) done_state_id: String,
    /// The ids of `LinearConfig::labels`.
    pub(super) default_label_ids: Vec<String>,
    /// Labels that can be put on the team's issues: the team's own first, then the
    /// workspace's (group labels left out).
    labels: Vec<(String, String)>,
}

impl Workspace {
    /// Resolves the configured names; every missing one is reported at once.
    pub(super) fn resolve(
        config: &LinearConfig,
        data: WorkspaceData,
    ) -> Result<Workspace, TrackerError> {
        let Some(team) = data.teams.nodes.into_iter().next() else {
            let visible: Vec<String> = data
                .visible_teams
                .nodes
                .into_iter()
                .map(|t| t.key)
                .collect();
            return Err(TrackerError::Config(format!(
                "linear.team: this API key sees no team with the key {:?} (it sees: {})",
                config.team,
                listing(&visible)
            )));
        };
        let labels: Vec<(String, String)> = team
            .labels
            .nodes
            .into_iter()
            .chain(data.workspace_labels.nodes)
            .filter(|l: &LabelNode| !l.is_group)
            .map(|l| (l.name, l.id))
            .collect();
        let mut problems = Vec::new();
        let mut state = |key: &str, name: &str| {
            let found = find_state(&team.states.nodes, name);
            if found.is_none() {
                let names: Vec<String> = team.states.nodes.iter().map(|s| s.name.clone()).collect();
                problems.push(format!(
                    "linear.{key}: the team {} has no workflow state named {name:?} (it has: {})",
                    team.key,
                    listing(&names)
                ));
            }
            found.map(|s| s.id.clone()).unwrap_or_default()
        };
        let create_state_id = config
            .create_state
            .as_deref()
            .map(|name| state("create_state", name));
        let reopen_state_id = state("reopen_state", &config.reopen_state);
        let done_state_id = state("done_state", &config.done_state);
        let mut workspace = Workspace {
            team_id: team.id,
            team_key: team.key,
            create_state_id,
            reopen_state_id,
            done_state_id,
            default_label_ids: Vec::new(),
            labels,
        };
        match workspace.label_ids(&config.labels) {
            Ok(ids) => workspace.default_label_ids = ids,
            Err(missing) => problems.push(format!(
                "linear.labels: {}",
                workspace.missing_labels_message(&missing)
            )),
        }
        if problems.is_empty() {
            Ok(workspace)
        } else {
            Err(TrackerError::Config(problems.join("\n")))
        }
    }

    /// The ids of these label names (matched ignoring case), or the names not found.
    pub(super) fn label_ids(&self, names: &[String]) -> Result<Vec<String>, Vec<String>> {
        let mut ids: Vec<String> = Vec::new();
        let mut missing = Vec::new();
        for name in names {
            let exact = self.labels.iter().find(|(n, _)| n == name);
            let found = exact.or_else(|| {
                self.labels
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
            });
            match found {
                Some((_, id)) if !ids.contains(id) => ids.push(id.clone()),
                Some(_) => {}
                None => missing.push(name.clone()),
            }
        }
        if missing.is_empty() {
            Ok(ids)
        } else {
            Err(missing)
        }
    }

    /// "neither the team ENG nor the workspace has a label named …".
    pub(super) fn missing_labels_message(&self, missing: &[String]) -> String {
        let names: Vec<String> = self.labels.iter().map(|(n, _)| n.clone()).collect();
        let wanted: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
        format!(
            "neither the team {} nor the workspace has a label named {} (labels: {})",
            self.team_key,
            wanted.join(", "),
            listing(&names)
        )
    }
}

/// The state with this name: exactly, else ignoring case.
fn find_state<'s>(states: &'s [StateNode], name: &str) -> Option<&'s StateNode> {
    states
        .iter()
        .find(|s| s.name == name)
        .or_else(|| states.iter().find(|s| s.name.eq_ignore_ascii_case(name)))
}

/// `a, b, c`, or `none`.
fn listing(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}
