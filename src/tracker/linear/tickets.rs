//! The `Tracker` operations on Linear: look tickets up, create one idempotently by id
//! (look up, create, attach), comment, and change state, priority and labels.

use super::graphql::is_not_found;
use super::mapping::{linear_priority, ticket_of, truncate_title};
use super::ops::{self, Operation};
use super::workspace::Workspace;
use super::{LinearTracker, PAGE_MAX, VENDOR};
use crate::domain::ticket::{NewTicket, Ticket, TicketChange, TicketLink, TicketPhase};
use crate::tracker::TrackerError;

impl LinearTracker {
    /// `Tracker::ticket`: an unknown id is `None`.
    pub(super) async fn ticket_by_id(&self, id: &str) -> Result<Option<Ticket>, TrackerError> {
        let variables = ops::IssueVariables { id: id.to_owned() };
        match self.execute::<ops::Issue>(&variables).await {
            Ok(data) => Ok(Some(ticket_of(data.issue))),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `Tracker::find_by_link`.
    pub(super) async fn ticket_by_link(&self, url: &str) -> Result<Option<Ticket>, TrackerError> {
        let variables = ops::IssueByAttachmentUrlVariables {
            url: url.to_owned(),
        };
        let data = self
            .execute::<ops::IssueByAttachmentUrl>(&variables)
            .await?;
        let first = data.attachments_for_url.nodes.into_iter().next();
        Ok(first.map(|attachment| ticket_of(attachment.issue)))
    }

    /// `Tracker::find_by_text`.
    pub(super) async fn ticket_by_text(&self, text: &str) -> Result<Option<Ticket>, TrackerError> {
        let workspace = self.workspace().await?;
        let variables = ops::IssuesByDescriptionVariables {
            team_id: workspace.team_id.clone(),
            text: text.to_owned(),
        };
        let data = self.execute::<ops::IssuesByDescription>(&variables).await?;
        Ok(data.issues.nodes.into_iter().next().map(ticket_of))
    }

    /// `Tracker::open_tickets`: pages of at most `PAGE_MAX` until `limit`.
    pub(super) async fn open_ticket_list(&self, limit: usize) -> Result<Vec<Ticket>, TrackerError> {
        let workspace = self.workspace().await?;
        let mut tickets = Vec::new();
        let mut after = None;
        while tickets.len() < limit {
            let first = (limit - tickets.len()).min(PAGE_MAX);
            let variables = ops::OpenIssuesVariables {
                team_id: workspace.team_id.clone(),
                first: i32::try_from(first).unwrap_or(250),
                after: after.take(),
            };
            let page = self.execute::<ops::OpenIssues>(&variables).await?.issues;
            let got = page.nodes.len();
            tickets.extend(page.nodes.into_iter().map(ticket_of));
            match page.page_info.end_cursor {
                Some(cursor) if page.page_info.has_next_page && got > 0 => after = Some(cursor),
                _ => break,
            }
        }
        tickets.truncate(limit);
        Ok(tickets)
    }

    /// `Tracker::create`: by id first, so a create that landed before a lost answer (or
    /// a crash) is found rather than repeated; then the link is attached.
    pub(super) async fn create_ticket(&self, new: &NewTicket) -> Result<Ticket, TrackerError> {
        if let Some(existing) = self.ticket_by_id(&new.id).await? {
            self.attach_link(&existing.id, &new.link).await?;
            return Ok(existing);
        }
        let workspace = self.workspace().await?;
        let mut label_ids = workspace.default_label_ids.clone();
        for id in self.label_ids(&workspace, &new.labels).await? {
            if !label_ids.contains(&id) {
                label_ids.push(id);
            }
        }
        let variables = ops::IssueCreateVariables {
            input: ops::IssueCreateInput {
                id: new.id.clone(),
                team_id: workspace.team_id.clone(),
                title: truncate_title(&new.title),
                description: new.description.clone(),
                priority: linear_priority(new.priority),
                label_ids,
                state_id: workspace.create_state_id.clone(),
            },
        };
        let created = match self.execute::<ops::IssueCreate>(&variables).await {
            Ok(data) => issue_of_payload(ops::IssueCreate::NAME, data.issue_create)?,
            Err(e @ TrackerError::Rejected { .. }) => match self.ticket_by_id(&new.id).await? {
                // Created meanwhile (another run, or an earlier try that landed).
                Some(existing) => existing,
                None => return Err(e),
            },
            Err(e) => return Err(e),
        };
        self.attach_link(&created.id, &new.link).await?;
        Ok(created)
    }

    /// `Tracker::attach`.
    pub(super) async fn attach_link(
        &self,
        ticket_id: &str,
        link: &TicketLink,
    ) -> Result<(), TrackerError> {
        let variables = ops::AttachmentCreateVariables {
            input: ops::AttachmentCreateInput {
                issue_id: ticket_id.to_owned(),
                url: link.url.clone(),
                title: link.title.clone(),
                subtitle: link.subtitle.clone(),
            },
        };
        let data = self.execute::<ops::AttachmentCreate>(&variables).await?;
        succeeded(ops::AttachmentCreate::NAME, data.attachment_create.success)
    }

    /// `Tracker::comment`: by id first, so a comment that landed before a lost answer
    /// is left as it is rather than posted twice.
    pub(super) async fn add_comment(
        &self,
        ticket_id: &str,
        comment_id: &str,
        body: &str,
    ) -> Result<(), TrackerError> {
        if self.comment_exists(comment_id).await? {
            return Ok(());
        }
        let variables = ops::CommentCreateVariables {
            input: ops::CommentCreateInput {
                id: comment_id.to_owned(),
                issue_id: ticket_id.to_owned(),
                body: body.to_owned(),
            },
        };
        match self.execute::<ops::CommentCreate>(&variables).await {
            Ok(data) => succeeded(ops::CommentCreate::NAME, data.comment_create.success),
            // Created meanwhile by another run: the id is taken by that very comment.
            Err(e @ TrackerError::Rejected { .. }) => {
                match self.comment_exists(comment_id).await? {
                    true => Ok(()),
                    false => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn comment_exists(&self, comment_id: &str) -> Result<bool, TrackerError> {
        let variables = ops::CommentVariables {
            id: comment_id.to_owned(),
        };
        match self.execute::<ops::Comment>(&variables).await {
            Ok(_) => Ok(true),
            Err(e) if is_not_found(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `Tracker::update`.
    pub(super) async fn change_ticket(
        &self,
        ticket_id: &str,
        change: &TicketChange,
    ) -> Result<Ticket, TrackerError> {
        let workspace = self.workspace().await?;
        let state_id = match change.phase {
            None => None,
            Some(TicketPhase::Open) => Some(workspace.reopen_state_id.clone()),
            Some(TicketPhase::Done) => Some(workspace.done_state_id.clone()),
            Some(TicketPhase::Canceled) => {
                return Err(TrackerError::Config(
                    "triaged never cancels tickets: a change may only move one to open or done"
                        .into(),
                ));
            }
        };
        let input = ops::IssueUpdateInput {
            state_id,
            priority: change.priority.map(linear_priority),
            added_label_ids: if change.add_labels.is_empty() {
                None
            } else {
                Some(self.label_ids(&workspace, &change.add_labels).await?)
            },
        };
        if input.is_empty() {
            return self
                .ticket_by_id(ticket_id)
                .await?
                .ok_or_else(|| not_found(ticket_id));
        }
        let variables = ops::IssueUpdateVariables {
            id: ticket_id.to_owned(),
            input,
        };
        let data = self.execute::<ops::IssueUpdate>(&variables).await?;
        issue_of_payload(ops::IssueUpdate::NAME, data.issue_update)
    }

    /// Label names → ids; a name not found is looked for once more after refreshing
    /// the cached labels (a human may have just created it).
    async fn label_ids(
        &self,
        workspace: &Workspace,
        names: &[String],
    ) -> Result<Vec<String>, TrackerError> {
        match workspace.label_ids(names) {
            Ok(ids) => Ok(ids),
            Err(_) => {
                let fresh = self.refresh_workspace().await?;
                fresh.label_ids(names).map_err(|missing| {
                    TrackerError::Config(format!(
                        "ticket labels: {}",
                        fresh.missing_labels_message(&missing)
                    ))
                })
            }
        }
    }
}

/// The issue of a successful `IssuePayload`.
fn issue_of_payload(
    operation: &'static str,
    payload: ops::IssuePayload,
) -> Result<Ticket, TrackerError> {
    succeeded(operation, payload.success)?;
    payload.issue.map(ticket_of).ok_or(TrackerError::Shape {
        vendor: VENDOR,
        operation,
        detail: "success without an issue".into(),
    })
}

fn succeeded(operation: &'static str, success: bool) -> Result<(), TrackerError> {
    if success {
        Ok(())
    } else {
        Err(TrackerError::Rejected {
            vendor: VENDOR,
            operation,
            code: "UNSUCCESSFUL".into(),
            message: "Linear answered success: false".into(),
        })
    }
}

fn not_found(ticket_id: &str) -> TrackerError {
    TrackerError::Rejected {
        vendor: VENDOR,
        operation: ops::Issue::NAME,
        code: "INPUT_ERROR".into(),
        message: format!("Entity not found: Issue ({ticket_id})"),
    }
}
