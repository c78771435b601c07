//! What the Linear emulator holds: teams with their workflow states, labels, issues with
//! comments and attachments, two users (the API key's and a human's), the clock and a
//! seeded id source. `Clone`, so a faulted request can run against a throwaway copy.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The workflow states every new team gets: (name, type, color).
pub(super) const DEFAULT_STATES: [(&str, &str, &str); 7] = [
    ("Triage", "triage", "#FC7840"),
    ("Backlog", "backlog", "#bec2c8"),
    ("Todo", "unstarted", "#e2e2e2"),
    ("In Progress", "started", "#f2c94c"),
    ("Done", "completed", "#5e6ad2"),
    ("Canceled", "canceled", "#95a2b3"),
    ("Duplicate", "canceled", "#95a2b3"),
];

/// The state new issues get when the request names none.
pub(super) const DEFAULT_ISSUE_STATE: &str = "Backlog";

/// The workspace's URL key (issue URLs are `https://linear.app/<key>/issue/…`).
pub(super) const WORKSPACE_URL_KEY: &str = "triaged-sandbox";

#[derive(Debug, Clone)]
pub(super) struct TeamRecord {
    pub(super) id: String,
    pub(super) key: String,
    pub(super) name: String,
    pub(super) created_at: DateTime<Utc>,
    /// The number the next issue of this team gets.
    pub(super) next_number: u64,
}

#[derive(Debug, Clone)]
pub(super) struct StateRecord {
    pub(super) id: String,
    pub(super) team_id: String,
    pub(super) name: String,
    pub(super) state_type: String,
    pub(super) color: String,
    pub(super) position: f64,
}

#[derive(Debug, Clone)]
pub(super) struct LabelRecord {
    pub(super) id: String,
    /// `None`: a workspace label.
    pub(super) team_id: Option<String>,
    pub(super) name: String,
}

/// Who wrote something: the API key's user (triaged) or a person in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Author {
    Api,
    Human,
}

#[derive(Debug, Clone)]
pub(super) struct IssueRecord {
    pub(super) id: String,
    pub(super) team_id: String,
    pub(super) number: u64,
    pub(super) identifier: String,
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) priority: i64,
    pub(super) state_id: String,
    pub(super) label_ids: Vec<String>,
    pub(super) creator: Author,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
    /// Orders issues updated at the same (possibly frozen) instant.
    pub(super) updated_seq: u64,
}

#[derive(Debug, Clone)]
pub(super) struct CommentRecord {
    pub(super) id: String,
    pub(super) issue_id: String,
    pub(super) body: String,
    pub(super) author: Author,
    pub(super) created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(super) struct AttachmentRecord {
    pub(super) id: String,
    pub(super) issue_id: String,
    pub(super) url: String,
    pub(super) title: String,
    pub(super) subtitle: Option<String>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
}

/// The whole workspace.
#[derive(Debug, Clone)]
pub(super) struct State {
    pub(super) teams: Vec<TeamRecord>,
    pub(super) states: Vec<StateRecord>,
    pub(super) labels: Vec<LabelRecord>,
    pub(super) issues: Vec<IssueRecord>,
    pub(super) comments: Vec<CommentRecord>,
    pub(super) attachments: Vec<AttachmentRecord>,
    /// "Now" when set; the system time otherwise.
    pub(super) frozen_now: Option<DateTime<Utc>>,
    /// Linear's `lastSyncId`, bumped by every change.
    pub(super) sync_id: u64,
    seq: u64,
    ids: StdRng,
}

impl Default for State {
    fn default() -> Self {
        State::new(0)
    }
}

impl State {
    pub(super) fn new(seed: u64) -> State {
        State {
            teams: Vec::new(),
            states: Vec::new(),
            labels: Vec::new(),
            issues: Vec::new(),
            comments: Vec::new(),
            attachments: Vec::new(),
            frozen_now: None,
            sync_id: 1000,
            seq: 0,
            ids: StdRng::seed_from_u64(seed),
        }
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.frozen_now.unwrap_or_else(Utc::now)
    }

    /// A fresh UUID v4, repeatable for a seed.
    pub(super) fn new_id(&mut self) -> String {
        let bytes: [u8; 16] = self.ids.random();
        uuid_v4(bytes)
    }

    /// Records a change: the next sync id and a sequence number for ordering.
    pub(super) fn touch(&mut self) -> u64 {
        self.sync_id += 1;
        self.seq += 1;
        self.seq
    }

    pub(super) fn team(&self, id: &str) -> Option<&TeamRecord> {
        self.teams.iter().find(|t| t.id == id)
    }

    /// A team by id or key.
    pub(super) fn team_by_id_or_key(&self, id_or_key: &str) -> Option<&TeamRecord> {
        self.teams
            .iter()
            .find(|t| t.id == id_or_key || t.key == id_or_key)
    }

    pub(super) fn state(&self, id: &str) -> Option<&StateRecord> {
        self.states.iter().find(|s| s.id == id)
    }

    pub(super) fn state_named(&self, team_id: &str, name: &str) -> Option<&StateRecord> {
        self.states
            .iter()
            .find(|s| s.team_id == team_id && s.name == name)
    }

    pub(super) fn label(&self, id: &str) -> Option<&LabelRecord> {
        self.labels.iter().find(|l| l.id == id)
    }

    /// A label usable on the team's issues (the team's own or a workspace label).
    pub(super) fn label_named(&self, team_id: &str, name: &str) -> Option<&LabelRecord> {
        self.labels.iter().find(|l| {
            l.name.eq_ignore_ascii_case(name) && l.team_id.as_deref().is_none_or(|t| t == team_id)
        })
    }

    /// An issue by UUID or identifier.
    pub(super) fn issue_index(&self, id_or_identifier: &str) -> Option<usize> {
        self.issues
            .iter()
            .position(|i| i.id == id_or_identifier || i.identifier == id_or_identifier)
    }

    pub(super) fn issue(&self, id_or_identifier: &str) -> Option<&IssueRecord> {
        self.issue_index(id_or_identifier).map(|i| &self.issues[i])
    }

    pub(super) fn attachment(&self, id: &str) -> Option<&AttachmentRecord> {
        self.attachments.iter().find(|a| a.id == id)
    }

    pub(super) fn comment(&self, id: &str) -> Option<&CommentRecord> {
        self.comments.iter().find(|c| c.id == id)
    }

    /// Adds a team with the default workflow states; returns its id.
    pub(super) fn add_team(&mut self, key: &str, name: &str) -> String {
        let id = self.new_id();
        let created_at = self.now();
        self.teams.push(TeamRecord {
            id: id.clone(),
            key: key.to_owned(),
            name: name.to_owned(),
            created_at,
            next_number: 1,
        });
        for (position, (state_name, state_type, color)) in DEFAULT_STATES.iter().enumerate() {
            let state_id = self.new_id();
            self.states.push(StateRecord {
                id: state_id,
                team_id: id.clone(),
                name: (*state_name).to_owned(),
                state_type: (*state_type).to_owned(),
                color: (*color).to_owned(),
                position: position as f64,
            });
        }
        self.touch();
        id
    }

    /// Adds a label to a team (`Some(team id)`) or the workspace; returns its id.
    pub(super) fn add_label(&mut self, team_id: Option<String>, name: &str) -> String {
        let id = self.new_id();
        self.labels.push(LabelRecord {
            id: id.clone(),
            team_id,
            name: name.to_owned(),
        });
        self.touch();
        id
    }
}

/// Formats 16 random bytes as a version-4, variant-1 UUID.
pub(super) fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Whether `text` is a UUID (any version), as Linear requires of client-chosen ids.
pub(super) fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == 5
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}
