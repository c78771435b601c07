//! The Linear implementation of `Tracker`, over Linear's GraphQL API
//! (contract: `contracts/linear/schema.graphql`).
//!
//! - `config`: `LinearConfig`, the `[linear]` settings.
//! - `ops`: every operation document with its typed variables and data.
//! - `graphql`: one exchange through the shared HTTP policy, `RATELIMITED` waited out,
//!   GraphQL `errors` mapped to `TrackerError::Rejected`.
//! - `workspace`: the team, workflow states and labels, resolved once from their names.
//! - `tickets`: the `Tracker` operations; `mapping`: Linear issue → `Ticket`.
//!
//! Personal API keys are sent as `Authorization: <key>` (no `Bearer`) and never appear
//! in `Debug` output or errors.

mod config;
mod graphql;
mod mapping;
pub mod ops;
mod tickets;
mod workspace;

#[cfg(test)]
mod contract_tests;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use reqwest::header::HeaderValue;
use tokio::sync::Mutex;

pub use config::LinearConfig;
pub use mapping::{TITLE_MAX_UTF16, truncate_title};

use crate::domain::ticket::{NewTicket, Ticket, TicketChange, TicketLink};
use crate::http_client::VendorClient;
use crate::tracker::{Tracker, TrackerError, TrackerFuture};
use workspace::Workspace;

/// The vendor name in errors and logs.
pub const VENDOR: &str = "linear";

/// Linear's largest page.
pub const PAGE_MAX: usize = 250;

/// The Linear tracker. Cheap to share behind an `Arc`; the team, states and labels are
/// looked up on first use and kept.
#[derive(Debug)]
pub struct LinearTracker {
    config: LinearConfig,
    /// The `Authorization` value, marked sensitive.
    api_key: HeaderValue,
    http: VendorClient,
    workspace: Mutex<Option<Arc<Workspace>>>,
}

impl LinearTracker {
    /// A tracker for `config`'s team, authenticating with the personal API key `api_key`.
    pub fn new(config: &LinearConfig, api_key: &str) -> Result<LinearTracker, TrackerError> {
        config
            .validate()
            .map_err(|problems| TrackerError::Config(prefixed("linear.", &problems)))?;
        let api_key = api_key.trim();
        if api_key.is_empty() {
            return Err(TrackerError::Config("linear.api_key: is empty".into()));
        }
        let mut api_key = HeaderValue::from_str(api_key).map_err(|_| {
            TrackerError::Config(
                "linear.api_key: contains characters an HTTP header cannot carry".into(),
            )
        })?;
        api_key.set_sensitive(true);
        Ok(LinearTracker {
            config: config.clone(),
            api_key,
            http: VendorClient::new(VENDOR, config.http.clone())?,
            workspace: Mutex::new(None),
        })
    }

    pub fn config(&self) -> &LinearConfig {
        &self.config
    }

    /// The resolved team (looked up on first use).
    async fn workspace(&self) -> Result<Arc<Workspace>, TrackerError> {
        let mut cached = self.workspace.lock().await;
        if let Some(workspace) = cached.as_ref() {
            return Ok(workspace.clone());
        }
        let workspace = Arc::new(self.fetch_workspace().await?);
        *cached = Some(workspace.clone());
        Ok(workspace)
    }

    /// Looks the team up again (a label a human created since may now exist).
    async fn refresh_workspace(&self) -> Result<Arc<Workspace>, TrackerError> {
        let mut cached = self.workspace.lock().await;
        let workspace = Arc::new(self.fetch_workspace().await?);
        *cached = Some(workspace.clone());
        Ok(workspace)
    }

    async fn fetch_workspace(&self) -> Result<Workspace, TrackerError> {
        let variables = ops::WorkspaceVariables {
            team_key: self.config.team.clone(),
        };
        let data = self.execute::<ops::Workspace>(&variables).await?;
        Workspace::resolve(&self.config, data)
    }
}

/// `prefix` before every line of `problems`.
fn prefixed(prefix: &str, problems: &str) -> String {
    problems
        .lines()
        .map(|line| format!("{prefix}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Tracker for LinearTracker {
    fn prepare(&self) -> TrackerFuture<'_, ()> {
        Box::pin(async move { self.workspace().await.map(|_| ()) })
    }

    fn ticket(&self, id: &str) -> TrackerFuture<'_, Option<Ticket>> {
        let id = id.to_owned();
        Box::pin(async move { self.ticket_by_id(&id).await })
    }

    fn find_by_link(&self, url: &str) -> TrackerFuture<'_, Option<Ticket>> {
        let url = url.to_owned();
        Box::pin(async move { self.ticket_by_link(&url).await })
    }

    fn find_by_text(&self, text: &str) -> TrackerFuture<'_, Option<Ticket>> {
        let text = text.to_owned();
        Box::pin(async move { self.ticket_by_text(&text).await })
    }

    fn open_tickets(&self, limit: usize) -> TrackerFuture<'_, Vec<Ticket>> {
        Box::pin(async move { self.open_ticket_list(limit).await })
    }

    fn create(&self, ticket: &NewTicket) -> TrackerFuture<'_, Ticket> {
        let ticket = ticket.clone();
        Box::pin(async move { self.create_ticket(&ticket).await })
    }

    fn attach(&self, ticket_id: &str, link: &TicketLink) -> TrackerFuture<'_, ()> {
        let (ticket_id, link) = (ticket_id.to_owned(), link.clone());
        Box::pin(async move { self.attach_link(&ticket_id, &link).await })
    }

    fn comment(&self, ticket_id: &str, comment_id: &str, body: &str) -> TrackerFuture<'_, ()> {
        let (ticket_id, comment_id) = (ticket_id.to_owned(), comment_id.to_owned());
        let body = body.to_owned();
        Box::pin(async move { self.add_comment(&ticket_id, &comment_id, &body).await })
    }

    fn update(&self, ticket_id: &str, change: &TicketChange) -> TrackerFuture<'_, Ticket> {
        let (ticket_id, change) = (ticket_id.to_owned(), change.clone());
        Box::pin(async move { self.change_ticket(&ticket_id, &change).await })
    }
}
