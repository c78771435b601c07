//! Which subsets the project keeps, where each one's upstream is, and how each is cut
//! from it: the operations triaged calls, and for unions the member types it sends or
//! reads. `contract-subsets` cuts by this table; the drift test holds each file to it.

/// One of the project's contract subsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subset {
    /// Linear's GraphQL schema (SDL): the fields the tracker's operations select.
    Linear,
    /// Sentry's web API (OpenAPI 3.0): issue lists, one issue, its latest event, updates.
    Sentry,
    /// GitHub's REST API (OpenAPI 3.0): contents, git data, pull requests, compare, labels.
    GitHub,
    /// CloudWatch Logs (the botocore model): `FilterLogEvents` and `DescribeLogGroups`.
    CloudWatchLogs,
    /// The body of Anthropic's `POST /v1/messages` (JSON Schema 2020-12).
    AnthropicRequest,
    /// Anthropic's `Message` answer (JSON Schema 2020-12).
    AnthropicMessage,
    /// OpenAI's `POST /chat/completions` (OpenAPI 3.1).
    OpenAiChat,
    /// Adaptive Cards 1.5 as Teams workflows take them (JSON Schema draft-06).
    TeamsCard,
}

/// How a subset is cut from its upstream file.
#[derive(Debug, Clone, Copy)]
pub enum Cut {
    /// The types and fields the operation documents in these folders select, with the
    /// input types their variables take whole (folders from the workspace root).
    GraphQl { documents: &'static [&'static str] },
    /// These operations (`METHOD /path`) and the components they reference; response
    /// examples only for the operations listed in `examples`.
    OpenApi {
        operations: &'static [&'static str],
        examples: &'static [&'static str],
        union_members: Option<&'static [&'static str]>,
    },
    /// These operations and the shapes they reference (their errors included), and
    /// `shapes` besides (errors AWS sends for any operation, such as throttling).
    Botocore {
        operations: &'static [&'static str],
        shapes: &'static [&'static str],
    },
    /// The whole schema without prose, its unions cut to `union_members` when given.
    JsonSchema {
        union_members: Option<&'static [&'static str]>,
    },
}

/// A subset: the file in `contracts/`, its upstream under the upstream directory, the cut.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub subset: Subset,
    pub file: &'static str,
    pub upstream: &'static str,
    pub cut: Cut,
}

/// Every subset the project keeps.
pub const SPECS: [Spec; 8] = [
    Spec {
        subset: Subset::Linear,
        file: "linear/schema.graphql",
        upstream: "linear/schema.graphql",
        cut: Cut::GraphQl {
            documents: &[
                "src/tracker/linear/ops/documents",
                "crates/sandbox/src/linear/tests",
            ],
        },
    },
    Spec {
        subset: Subset::Sentry,
        file: "sentry/openapi.json",
        upstream: "sentry/openapi-subset.json",
        cut: Cut::OpenApi {
            operations: &[
                "GET /api/0/organizations/{organization_id_or_slug}/issues/",
                "GET /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/",
                "PUT /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/",
                "GET /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/{event_id}/",
            ],
            examples: &[
                "GET /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/{event_id}/",
            ],
            union_members: None,
        },
    },
    Spec {
        subset: Subset::GitHub,
        file: "github/openapi.json",
        upstream: "github/openapi-subset.json",
        cut: Cut::OpenApi {
            operations: &[
                "GET /repos/{owner}/{repo}",
                "GET /repos/{owner}/{repo}/contents/{path}",
                "PUT /repos/{owner}/{repo}/contents/{path}",
                "GET /repos/{owner}/{repo}/git/ref/{ref}",
                "POST /repos/{owner}/{repo}/git/refs",
                "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
                "POST /repos/{owner}/{repo}/git/trees",
                "POST /repos/{owner}/{repo}/git/commits",
                "GET /repos/{owner}/{repo}/git/commits/{commit_sha}",
                "GET /repos/{owner}/{repo}/pulls",
                "POST /repos/{owner}/{repo}/pulls",
                "GET /repos/{owner}/{repo}/pulls/{pull_number}",
                "GET /repos/{owner}/{repo}/compare/{basehead}",
                "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
            ],
            examples: &[],
            union_members: None,
        },
    },
    Spec {
        subset: Subset::CloudWatchLogs,
        file: "aws/logs.json",
        upstream: "aws/logs-service-2.json",
        cut: Cut::Botocore {
            operations: &["FilterLogEvents", "DescribeLogGroups"],
            shapes: &["ThrottlingException"],
        },
    },
    Spec {
        subset: Subset::AnthropicRequest,
        file: "anthropic/create-params.json",
        upstream: "anthropic/create-params.schema.json",
        cut: Cut::JsonSchema {
            union_members: Some(&[
                "UserMessageParam",
                "AssistantMessageParam",
                "TextBlockParam",
                "ToolUseBlockParam",
                "ToolResultBlockParam",
                "ToolParam",
                "ToolChoiceToolParam",
                "ToolChoiceAutoParam",
                "CacheControlEphemeralParam",
            ]),
        },
    },
    Spec {
        subset: Subset::AnthropicMessage,
        file: "anthropic/message.json",
        upstream: "anthropic/message.schema.json",
        cut: Cut::JsonSchema {
            union_members: Some(&[
                "TextBlock",
                "ThinkingBlock",
                "ToolUseBlock",
                "RefusalStopDetails",
            ]),
        },
    },
    Spec {
        subset: Subset::OpenAiChat,
        file: "openai/chat.json",
        upstream: "openai/chat-subset.json",
        cut: Cut::OpenApi {
            operations: &["POST /chat/completions"],
            examples: &[],
            union_members: None,
        },
    },
    Spec {
        subset: Subset::TeamsCard,
        file: "teams/adaptive-card.json",
        upstream: "teams/adaptive-card-1.5.json",
        cut: Cut::JsonSchema {
            union_members: Some(&[
                "AdaptiveCard",
                "TextBlock",
                "RichTextBlock",
                "TextRun",
                "FactSet",
                "Container",
                "ColumnSet",
                "Column",
                "Action.OpenUrl",
            ]),
        },
    },
];

impl Subset {
    /// How this subset is kept.
    pub fn spec(self) -> &'static Spec {
        SPECS
            .iter()
            .find(|spec| spec.subset == self)
            .expect("every subset has a spec")
    }
}
