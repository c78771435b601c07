//! The `data` of each operation's answer, exactly as its selection set shapes it.

use serde::Deserialize;

/// A connection's `nodes`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Nodes<T> {
    pub nodes: Vec<T>,
}

/// The `TriagedTicket` fragment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TicketNode {
    pub id: String,
    pub identifier: String,
    pub url: String,
    pub title: String,
    pub state: TicketState,
    pub labels: Nodes<LabelName>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TicketState {
    pub name: String,
    /// `triage`, `backlog`, `unstarted`, `started`, `completed` or `canceled`.
    #[serde(rename = "type")]
    pub state_type: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LabelName {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceData {
    pub teams: Nodes<TeamNode>,
    pub visible_teams: Nodes<TeamKey>,
    pub workspace_labels: Nodes<LabelNode>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TeamNode {
    pub id: String,
    pub key: String,
    pub name: String,
    pub states: Nodes<StateNode>,
    pub labels: Nodes<LabelNode>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TeamKey {
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StateNode {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub state_type: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelNode {
    pub id: String,
    pub name: String,
    /// Group labels only hold other labels; they cannot be put on an issue.
    pub is_group: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssueData {
    pub issue: TicketNode,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssueByAttachmentUrlData {
    #[serde(rename = "attachmentsForURL")]
    pub attachments_for_url: Nodes<AttachmentIssue>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AttachmentIssue {
    pub issue: TicketNode,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssuesByDescriptionData {
    pub issues: Nodes<TicketNode>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OpenIssuesData {
    pub issues: IssuePage,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuePage {
    pub nodes: Vec<TicketNode>,
    pub page_info: PageInfo,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueCreateData {
    pub issue_create: IssuePayload,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueUpdateData {
    pub issue_update: IssuePayload,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssuePayload {
    pub success: bool,
    pub issue: Option<TicketNode>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentCreateData {
    pub attachment_create: AttachmentPayload,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AttachmentPayload {
    pub success: bool,
    pub attachment: EntityId,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommentData {
    pub comment: EntityId,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentCreateData {
    pub comment_create: CommentPayload,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommentPayload {
    pub success: bool,
    pub comment: EntityId,
}

/// An entity selected by `{ id }` alone.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EntityId {
    pub id: String,
}
