//! Every GraphQL operation triaged sends to Linear: the documents (`ops/documents/`,
//! checked against the Linear subset by the contract tests, and what that subset is cut
//! to), and per operation a marker type tying its name and document to its typed
//! `Variables` and `Data`.

mod data;
mod variables;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use data::*;
pub use variables::*;

/// One GraphQL operation: its name, document, variables and answer.
pub trait Operation {
    /// The operation name (also sent as `operationName`).
    const NAME: &'static str;
    const DOCUMENT: &'static str;
    /// Whether sending it twice has the effect of sending it once (queries, upserts,
    /// "set to" updates): such calls are retried even when the first may have landed.
    const IDEMPOTENT: bool;
    type Variables: Serialize + Send + Sync;
    type Data: DeserializeOwned;
}

/// The fields of an issue that make a `Ticket` (appended to the documents using it).
macro_rules! ticket_fragment {
    () => {
        include_str!("ops/documents/ticket.graphql")
    };
}

/// The team by key with its workflow states and labels, the workspace labels, and the
/// keys of every team the API key sees (for error messages).
pub const WORKSPACE: &str = include_str!("ops/documents/workspace.graphql");

/// One issue by id (UUID or identifier).
pub const ISSUE: &str = concat!(
    include_str!("ops/documents/issue.graphql"),
    ticket_fragment!()
);

/// The issues carrying an attachment with exactly this URL.
pub const ISSUE_BY_ATTACHMENT_URL: &str = concat!(
    include_str!("ops/documents/issue_by_attachment_url.graphql"),
    ticket_fragment!()
);

/// The most recently updated issue of the team whose description contains a text.
pub const ISSUES_BY_DESCRIPTION: &str = concat!(
    include_str!("ops/documents/issues_by_description.graphql"),
    ticket_fragment!()
);

/// One page of the team's issues not completed or canceled, most recently updated first.
pub const OPEN_ISSUES: &str = concat!(
    include_str!("ops/documents/open_issues.graphql"),
    ticket_fragment!()
);

/// Creates an issue (with the id triaged chose).
pub const ISSUE_CREATE: &str = concat!(
    include_str!("ops/documents/issue_create.graphql"),
    ticket_fragment!()
);

/// Attaches a link to an issue; Linear updates the attachment when the URL is already
/// attached to that issue.
pub const ATTACHMENT_CREATE: &str = include_str!("ops/documents/attachment_create.graphql");

/// One comment by id (to find a comment an earlier attempt created).
pub const COMMENT: &str = include_str!("ops/documents/comment.graphql");

/// Adds a markdown comment (with the id triaged chose) to an issue.
pub const COMMENT_CREATE: &str = include_str!("ops/documents/comment_create.graphql");

/// Changes an issue's state, priority and/or labels.
pub const ISSUE_UPDATE: &str = concat!(
    include_str!("ops/documents/issue_update.graphql"),
    ticket_fragment!()
);

/// Every operation, by name.
pub const ALL: &[(&str, &str)] = &[
    (Workspace::NAME, Workspace::DOCUMENT),
    (Issue::NAME, Issue::DOCUMENT),
    (IssueByAttachmentUrl::NAME, IssueByAttachmentUrl::DOCUMENT),
    (IssuesByDescription::NAME, IssuesByDescription::DOCUMENT),
    (OpenIssues::NAME, OpenIssues::DOCUMENT),
    (IssueCreate::NAME, IssueCreate::DOCUMENT),
    (AttachmentCreate::NAME, AttachmentCreate::DOCUMENT),
    (Comment::NAME, Comment::DOCUMENT),
    (CommentCreate::NAME, CommentCreate::DOCUMENT),
    (IssueUpdate::NAME, IssueUpdate::DOCUMENT),
];

macro_rules! operation {
    ($marker:ident, $name:literal, $document:ident, $idempotent:literal, $vars:ty, $data:ty) => {
        #[doc = concat!("The `", $name, "` operation.")]
        #[derive(Debug, Clone, Copy)]
        pub struct $marker;

        impl Operation for $marker {
            const NAME: &'static str = $name;
            const DOCUMENT: &'static str = $document;
            const IDEMPOTENT: bool = $idempotent;
            type Variables = $vars;
            type Data = $data;
        }
    };
}

operation!(
    Workspace,
    "TriagedWorkspace",
    WORKSPACE,
    true,
    WorkspaceVariables,
    WorkspaceData
);
operation!(
    Issue,
    "TriagedIssue",
    ISSUE,
    true,
    IssueVariables,
    IssueData
);
operation!(
    IssueByAttachmentUrl,
    "TriagedIssueByAttachmentUrl",
    ISSUE_BY_ATTACHMENT_URL,
    true,
    IssueByAttachmentUrlVariables,
    IssueByAttachmentUrlData
);
operation!(
    IssuesByDescription,
    "TriagedIssuesByDescription",
    ISSUES_BY_DESCRIPTION,
    true,
    IssuesByDescriptionVariables,
    IssuesByDescriptionData
);
operation!(
    OpenIssues,
    "TriagedOpenIssues",
    OPEN_ISSUES,
    true,
    OpenIssuesVariables,
    OpenIssuesData
);
// Not idempotent: a second create after a lost answer would be refused (the id exists)
// or, without an id, duplicate the ticket. `create` looks the id up instead.
operation!(
    IssueCreate,
    "TriagedIssueCreate",
    ISSUE_CREATE,
    false,
    IssueCreateVariables,
    IssueCreateData
);
// Linear keeps one attachment per URL and issue: sending it again updates it.
operation!(
    AttachmentCreate,
    "TriagedAttachmentCreate",
    ATTACHMENT_CREATE,
    true,
    AttachmentCreateVariables,
    AttachmentCreateData
);
operation!(
    Comment,
    "TriagedComment",
    COMMENT,
    true,
    CommentVariables,
    CommentData
);
// Not idempotent: `comment` looks the id up first instead of re-sending.
operation!(
    CommentCreate,
    "TriagedCommentCreate",
    COMMENT_CREATE,
    false,
    CommentCreateVariables,
    CommentCreateData
);
// Idempotent: it sets a state and a priority and adds labels; repeating changes nothing.
operation!(
    IssueUpdate,
    "TriagedIssueUpdate",
    ISSUE_UPDATE,
    true,
    IssueUpdateVariables,
    IssueUpdateData
);
