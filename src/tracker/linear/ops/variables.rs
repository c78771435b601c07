//! The variables of each operation, serialized with the schema's camelCase names.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceVariables {
    pub team_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueVariables {
    /// The issue's UUID or identifier (`ENG-12`).
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueByAttachmentUrlVariables {
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuesByDescriptionVariables {
    pub team_id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenIssuesVariables {
    pub team_id: String,
    /// Page size, at most 250 (Linear's largest page).
    pub first: i32,
    /// The previous page's `endCursor`.
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueCreateVariables {
    pub input: IssueCreateInput,
}

/// The part of `IssueCreateInput` triaged sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueCreateInput {
    /// A UUID v4 chosen by the client, so a create can be looked up again by id.
    pub id: String,
    pub team_id: String,
    pub title: String,
    pub description: String,
    /// 0 (none), 1 (urgent) … 4 (low).
    pub priority: i32,
    pub label_ids: Vec<String>,
    /// `None`: the team's default state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttachmentCreateVariables {
    pub input: AttachmentCreateInput,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentCreateInput {
    pub issue_id: String,
    pub url: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentVariables {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentCreateVariables {
    pub input: CommentCreateInput,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentCreateInput {
    /// A UUID v4 chosen by the client, so a comment can be looked up again by id.
    pub id: String,
    pub issue_id: String,
    /// Markdown.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueUpdateVariables {
    pub id: String,
    pub input: IssueUpdateInput,
}

/// The part of `IssueUpdateInput` triaged sets; `None` leaves that part alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueUpdateInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added_label_ids: Option<Vec<String>>,
}

impl IssueUpdateInput {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == IssueUpdateInput::default()
    }
}
