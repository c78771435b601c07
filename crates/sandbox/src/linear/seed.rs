//! The Linear emulator's Rust API for tests and the demo: add teams, labels and
//! human-written issues, act as a human (move an issue, label it), and look at the
//! issues as Linear holds them.

use chrono::{DateTime, Utc};

use super::LinearSandbox;
use super::state::{Author, IssueRecord};

/// An issue a person wrote in the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueSeed {
    /// Team key.
    pub team: String,
    pub title: String,
    pub description: String,
    /// Workflow state name, e.g. `Todo`.
    pub state: String,
    /// Label names (team or workspace labels).
    pub labels: Vec<String>,
}

impl IssueSeed {
    /// A `Backlog` issue without description or labels.
    pub fn new(team: &str, title: &str) -> IssueSeed {
        IssueSeed {
            team: team.to_owned(),
            title: title.to_owned(),
            description: String::new(),
            state: "Backlog".to_owned(),
            labels: Vec::new(),
        }
    }
}

/// An issue as the emulator holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueSnapshot {
    pub id: String,
    pub identifier: String,
    pub team: String,
    pub title: String,
    pub description: Option<String>,
    pub state_name: String,
    /// `triage`, `backlog`, `unstarted`, `started`, `completed`, `canceled`.
    pub state_type: String,
    pub labels: Vec<String>,
    pub priority: i64,
    /// Comment bodies, oldest first.
    pub comments: Vec<String>,
    pub attachments: Vec<AttachmentSnapshot>,
    /// Created through the API (by triaged) rather than by a person.
    pub created_by_api: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentSnapshot {
    pub url: String,
    pub title: String,
    pub subtitle: Option<String>,
}

impl LinearSandbox {
    /// Adds a team with Linear's default workflow states (Triage, Backlog, Todo,
    /// In Progress, Done, Canceled, Duplicate); returns its id.
    pub fn add_team(&self, key: &str, name: &str) -> String {
        self.lock().state.add_team(key, name)
    }

    /// Adds a label to the team with this key; `None` if there is no such team.
    pub fn add_label(&self, team_key: &str, name: &str) -> Option<String> {
        let mut inner = self.lock();
        let team_id = inner.state.team_by_id_or_key(team_key)?.id.clone();
        Some(inner.state.add_label(Some(team_id), name))
    }

    /// Adds a workspace label (usable by every team).
    pub fn add_workspace_label(&self, name: &str) -> String {
        self.lock().state.add_label(None, name)
    }

    /// Adds an issue written by a person; returns its identifier (`ENG-3`).
    pub fn add_issue(&self, seed: IssueSeed) -> Result<String, String> {
        let mut inner = self.lock();
        let state = &mut inner.state;
        let team = state
            .team_by_id_or_key(&seed.team)
            .ok_or_else(|| format!("no team {:?}", seed.team))?
            .clone();
        let state_id = state
            .state_named(&team.id, &seed.state)
            .ok_or_else(|| format!("the team {} has no state {:?}", team.key, seed.state))?
            .id
            .clone();
        let mut label_ids = Vec::new();
        for name in &seed.labels {
            let label = state
                .label_named(&team.id, name)
                .ok_or_else(|| format!("no label {name:?} for the team {}", team.key))?;
            label_ids.push(label.id.clone());
        }
        let id = state.new_id();
        let now = state.now();
        let updated_seq = state.touch();
        let number = team.next_number;
        if let Some(record) = state.teams.iter_mut().find(|t| t.id == team.id) {
            record.next_number += 1;
        }
        let identifier = format!("{}-{number}", team.key);
        state.issues.push(IssueRecord {
            id,
            team_id: team.id,
            number,
            identifier: identifier.clone(),
            title: seed.title,
            description: Some(seed.description),
            priority: 0,
            state_id,
            label_ids,
            creator: Author::Human,
            created_at: now,
            updated_at: now,
            updated_seq,
        });
        Ok(identifier)
    }

    /// A person moves the issue to the state with this name.
    pub fn set_state(&self, identifier: &str, state_name: &str) -> Result<(), String> {
        let mut inner = self.lock();
        let state = &mut inner.state;
        let index = state
            .issue_index(identifier)
            .ok_or_else(|| format!("no issue {identifier}"))?;
        let team_id = state.issues[index].team_id.clone();
        let state_id = state
            .state_named(&team_id, state_name)
            .ok_or_else(|| format!("no state {state_name:?} in the issue's team"))?
            .id
            .clone();
        let (now, seq) = (state.now(), state.touch());
        let issue = &mut state.issues[index];
        issue.state_id = state_id;
        issue.updated_at = now;
        issue.updated_seq = seq;
        Ok(())
    }

    /// A person puts a label (team or workspace) on the issue.
    pub fn add_issue_label(&self, identifier: &str, label: &str) -> Result<(), String> {
        let mut inner = self.lock();
        let state = &mut inner.state;
        let index = state
            .issue_index(identifier)
            .ok_or_else(|| format!("no issue {identifier}"))?;
        let team_id = state.issues[index].team_id.clone();
        let label_id = state
            .label_named(&team_id, label)
            .ok_or_else(|| format!("no label {label:?} for the issue's team"))?
            .id
            .clone();
        let (now, seq) = (state.now(), state.touch());
        let issue = &mut state.issues[index];
        if !issue.label_ids.contains(&label_id) {
            issue.label_ids.push(label_id);
        }
        issue.updated_at = now;
        issue.updated_seq = seq;
        Ok(())
    }

    /// Every issue, in creation order.
    pub fn issues(&self) -> Vec<IssueSnapshot> {
        let inner = self.lock();
        let state = &inner.state;
        state
            .issues
            .iter()
            .map(|issue| {
                let workflow_state = state.state(&issue.state_id);
                IssueSnapshot {
                    id: issue.id.clone(),
                    identifier: issue.identifier.clone(),
                    team: state
                        .team(&issue.team_id)
                        .map(|t| t.key.clone())
                        .unwrap_or_default(),
                    title: issue.title.clone(),
                    description: issue.description.clone(),
                    state_name: workflow_state.map(|s| s.name.clone()).unwrap_or_default(),
                    state_type: workflow_state
                        .map(|s| s.state_type.clone())
                        .unwrap_or_default(),
                    labels: (issue.label_ids.iter())
                        .filter_map(|id| state.label(id).map(|l| l.name.clone()))
                        .collect(),
                    priority: issue.priority,
                    comments: (state.comments.iter())
                        .filter(|c| c.issue_id == issue.id)
                        .map(|c| c.body.clone())
                        .collect(),
                    attachments: (state.attachments.iter())
                        .filter(|a| a.issue_id == issue.id)
                        .map(|a| AttachmentSnapshot {
                            url: a.url.clone(),
                            title: a.title.clone(),
                            subtitle: a.subtitle.clone(),
                        })
                        .collect(),
                    created_by_api: issue.creator == Author::Api,
                    created_at: issue.created_at,
                    updated_at: issue.updated_at,
                }
            })
            .collect()
    }

    /// The issue with this identifier or id.
    pub fn issue(&self, identifier: &str) -> Option<IssueSnapshot> {
        self.issues()
            .into_iter()
            .find(|i| i.identifier == identifier || i.id == identifier)
    }
}
