//! The Query root fields the emulator answers: `issue`, `issues`, `attachmentsForURL`,
//! `comment`, `team`, `teams`, `workflowStates` and `issueLabels`. Each returns references or
//! connections of references for `project` to expand.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::entities::{paginate, reference};
use super::errors::LinearError;
use super::filters::{
    IssueFilter, IssueLabelFilter, TeamFilter, WorkflowStateFilter, parse_filter,
};
use super::state::State;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ById {
    id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ByIdOrHash {
    id: Option<String>,
    hash: Option<String>,
}

/// The arguments of a root connection (`last`, `before` and `sort` are not implemented).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Page {
    filter: Option<Value>,
    first: Option<i64>,
    after: Option<String>,
    order_by: Option<String>,
    #[allow(dead_code)]
    include_archived: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ByUrl {
    url: String,
    first: Option<i64>,
    after: Option<String>,
    #[allow(dead_code)]
    order_by: Option<String>,
    #[allow(dead_code)]
    include_archived: Option<bool>,
}

/// Reads a root field's (coerced) arguments.
pub(super) fn arguments<T: DeserializeOwned>(
    root: &str,
    field: &str,
    value: Value,
) -> Result<T, LinearError> {
    serde_json::from_value(value)
        .map_err(|e| LinearError::unsupported(format!("these arguments of {root}.{field}: {e}")))
}

/// Answers one Query root field.
pub(super) fn resolve(state: &State, field: &str, args: Value) -> Result<Value, LinearError> {
    match field {
        "issue" => {
            let ById { id } = arguments("Query", field, args)?;
            let issue = state
                .issue(&id)
                .ok_or_else(|| LinearError::not_found("Issue"))?;
            Ok(reference("Issue", &issue.id))
        }
        "issues" => issues(state, arguments("Query", field, args)?),
        "attachmentsForURL" => {
            let ByUrl {
                url, first, after, ..
            } = arguments("Query", field, args)?;
            let mut found: Vec<_> = state.attachments.iter().filter(|a| a.url == url).collect();
            found.sort_by_key(|a| std::cmp::Reverse(a.created_at));
            let nodes = found
                .iter()
                .map(|a| reference("Attachment", &a.id))
                .collect();
            paginate(nodes, first, after.as_deref())
        }
        "comment" => {
            let ByIdOrHash { id, hash } = arguments("Query", field, args)?;
            if hash.is_some() {
                return Err(LinearError::unsupported("Query.comment by hash"));
            }
            let id = id.unwrap_or_default();
            let comment = state
                .comment(&id)
                .ok_or_else(|| LinearError::not_found("Comment"))?;
            Ok(reference("Comment", &comment.id))
        }
        "team" => {
            let ById { id } = arguments("Query", field, args)?;
            let team = state
                .team_by_id_or_key(&id)
                .ok_or_else(|| LinearError::not_found("Team"))?;
            Ok(reference("Team", &team.id))
        }
        "teams" => {
            let page: Page = arguments("Query", field, args)?;
            let filter: TeamFilter = parse_filter("TeamFilter", page.filter)?;
            let nodes = (state.teams.iter())
                .filter(|t| filter.matches(Some(t)))
                .map(|t| reference("Team", &t.id))
                .collect();
            paginate(nodes, page.first, page.after.as_deref())
        }
        "workflowStates" => {
            let page: Page = arguments("Query", field, args)?;
            let filter: WorkflowStateFilter = parse_filter("WorkflowStateFilter", page.filter)?;
            let nodes = (state.states.iter())
                .filter(|s| filter.matches(state, s))
                .map(|s| reference("WorkflowState", &s.id))
                .collect();
            paginate(nodes, page.first, page.after.as_deref())
        }
        "issueLabels" => {
            let page: Page = arguments("Query", field, args)?;
            let filter: IssueLabelFilter = parse_filter("IssueLabelFilter", page.filter)?;
            let nodes = (state.labels.iter())
                .filter(|l| filter.matches(state, l))
                .map(|l| reference("IssueLabel", &l.id))
                .collect();
            paginate(nodes, page.first, page.after.as_deref())
        }
        other => Err(LinearError::unsupported(format!("the field Query.{other}"))),
    }
}

/// `issues`: filtered, newest first by `orderBy` (`createdAt` by default), paginated.
fn issues(state: &State, page: Page) -> Result<Value, LinearError> {
    let filter: IssueFilter = parse_filter("IssueFilter", page.filter)?;
    let mut found: Vec<(usize, &_)> = state
        .issues
        .iter()
        .enumerate()
        .filter(|(_, issue)| filter.matches(state, issue))
        .collect();
    match page.order_by.as_deref() {
        Some("updatedAt") => found.sort_by(|(_, a), (_, b)| {
            (b.updated_at, b.updated_seq).cmp(&(a.updated_at, a.updated_seq))
        }),
        _ => found.sort_by(|(ia, a), (ib, b)| (b.created_at, ib).cmp(&(a.created_at, ia))),
    }
    let nodes = found
        .iter()
        .map(|(_, issue)| reference("Issue", &issue.id))
        .collect();
    paginate(nodes, page.first, page.after.as_deref())
}
