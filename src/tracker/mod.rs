//! The issue tracker as triaged uses it: find tickets, create, comment, change state,
//! priority and labels. `linear` is the implementation; the pipeline sees only `Tracker`.

pub mod linear;

use std::future::Future;
use std::pin::Pin;

use crate::domain::ticket::{NewTicket, Ticket, TicketChange, TicketLink};
use crate::http_client::HttpError;

/// A boxed future returned by `Tracker` methods (the trait stays object-safe).
pub type TrackerFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, TrackerError>> + Send + 'a>>;

/// What triaged needs from an issue tracker. Every method is one logical operation; the
/// client retries transient failures itself under its HTTP policy.
pub trait Tracker: Send + Sync {
    /// Resolves the configured team, workflow states and labels (once; cached). A name
    /// that does not exist is `TrackerError::Config`.
    fn prepare(&self) -> TrackerFuture<'_, ()>;
    /// The ticket with this tracker id, if it exists.
    fn ticket(&self, id: &str) -> TrackerFuture<'_, Option<Ticket>>;
    /// The ticket carrying an attachment with exactly this URL, if any.
    fn find_by_link(&self, url: &str) -> TrackerFuture<'_, Option<Ticket>>;
    /// A ticket of the team whose description contains `text` (the fingerprint line).
    fn find_by_text(&self, text: &str) -> TrackerFuture<'_, Option<Ticket>>;
    /// The team's open tickets (any author), most recently updated first, at most `limit`.
    fn open_tickets(&self, limit: usize) -> TrackerFuture<'_, Vec<Ticket>>;
    /// Creates the ticket with `ticket.id` and attaches `ticket.link`. Creating an id that
    /// already exists returns the existing ticket (with the link attached) instead.
    fn create(&self, ticket: &NewTicket) -> TrackerFuture<'_, Ticket>;
    /// Attaches (or updates) a link on a ticket.
    fn attach(&self, ticket_id: &str, link: &TicketLink) -> TrackerFuture<'_, ()>;
    /// Adds a markdown comment with the id triaged chose; a comment with that id that
    /// already exists (an earlier attempt landed) is left as it is.
    fn comment(&self, ticket_id: &str, comment_id: &str, body: &str) -> TrackerFuture<'_, ()>;
    /// Changes state, priority and/or labels; returns the ticket as it is after.
    fn update(&self, ticket_id: &str, change: &TicketChange) -> TrackerFuture<'_, Ticket>;
}

/// Why a tracker call failed.
#[derive(Debug, thiserror::Error)]
pub enum TrackerError {
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The tracker answered with errors (GraphQL `errors`), by code and message.
    #[error("{vendor} rejected {operation}: {code}: {message}")]
    Rejected {
        vendor: &'static str,
        operation: &'static str,
        code: String,
        message: String,
    },
    /// The configuration names a team, state or label the tracker does not have.
    #[error("{0}")]
    Config(String),
    /// The answer did not have the shape the operation promises.
    #[error("{vendor} answered {operation} with an unexpected shape: {detail}")]
    Shape {
        vendor: &'static str,
        operation: &'static str,
        detail: String,
    },
}

impl TrackerError {
    /// Worth trying again later (the action stays pending); otherwise it needs a human.
    pub fn is_retryable(&self) -> bool {
        match self {
            TrackerError::Http(e) => e.is_retryable(),
            TrackerError::Rejected { code, .. } => {
                matches!(code.as_str(), "RATELIMITED" | "INTERNAL_SERVER_ERROR")
            }
            TrackerError::Config(_) => false,
            TrackerError::Shape { .. } => true,
        }
    }
}
