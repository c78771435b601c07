//! A ticket as triaged sees it in the tracker: where it stands in its workflow, its labels,
//! and what triaged asks of the tracker (a new ticket, a change of state, priority or labels).

use serde::{Deserialize, Serialize};

/// Where a ticket stands, by the *type* of its workflow state (names are per team).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketPhase {
    /// Triage, backlog, unstarted or started: someone still has to act.
    Open,
    /// Completed: someone (or triaged) says it is fixed.
    Done,
    /// Canceled, including duplicates: a human decided it is not worth fixing here.
    Canceled,
}

impl TicketPhase {
    /// The phase of a Linear workflow state type (`triage`, `backlog`, `unstarted`,
    /// `started`, `completed`, `canceled`); unknown types count as open.
    pub fn from_state_type(state_type: &str) -> TicketPhase {
        match state_type {
            "completed" => TicketPhase::Done,
            "canceled" | "duplicate" => TicketPhase::Canceled,
            _ => TicketPhase::Open,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TicketPhase::Open => "open",
            TicketPhase::Done => "done",
            TicketPhase::Canceled => "canceled",
        }
    }
}

/// A ticket as the tracker shows it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The tracker's id (a UUID in Linear).
    pub id: String,
    /// The human key, e.g. `ENG-12`.
    pub key: String,
    pub url: String,
    pub title: String,
    pub phase: TicketPhase,
    /// The workflow state's name, e.g. `In Progress` or `Duplicate`.
    pub state_name: String,
    /// Label names.
    pub labels: Vec<String>,
}

impl Ticket {
    pub fn has_label(&self, name: &str) -> bool {
        self.labels.iter().any(|l| l.eq_ignore_ascii_case(name))
    }
}

/// A link attached to a ticket; the tracker keeps one per URL (attaching again updates it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLink {
    pub url: String,
    pub title: String,
    pub subtitle: Option<String>,
}

/// A ticket triaged wants created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    /// A UUID v4 chosen by triaged before the call and kept with the intent, so a create
    /// that may have landed before a crash is found again by id rather than repeated.
    pub id: String,
    pub title: String,
    /// Markdown.
    pub description: String,
    /// 1 (urgent) … 4 (low).
    pub priority: u8,
    /// Label names (resolved to ids by the tracker client).
    pub labels: Vec<String>,
    /// The cluster's stable link, attached at creation.
    pub link: TicketLink,
}

/// A change to an existing ticket; `None` / empty leaves that part alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketChange {
    /// `Open` moves it to the configured reopen state, `Done` to the done state.
    pub phase: Option<TicketPhase>,
    pub priority: Option<u8>,
    /// Label names to add (the others stay).
    pub add_labels: Vec<String>,
}
