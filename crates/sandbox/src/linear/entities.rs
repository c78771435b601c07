//! Entities as JSON objects with Linear's field names, ready to be projected through a
//! request's selection set. A related entity is a reference (`{"__ref": type, "id"}`)
//! expanded only when the selection reaches it, so cycles (issue → team → issues) cost
//! nothing. Connections carry `nodes`, `edges` and `pageInfo`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::errors::LinearError;
use super::state::{
    AttachmentRecord, Author, CommentRecord, IssueRecord, LabelRecord, State, StateRecord,
    TeamRecord, WORKSPACE_URL_KEY,
};

/// The key marking a reference.
pub(super) const REF: &str = "__ref";

/// Linear's default page size.
const PAGE_DEFAULT: usize = 50;
/// Linear's largest page.
const PAGE_MAX: usize = 250;

pub(super) fn reference(type_name: &str, id: &str) -> Value {
    json!({ REF: type_name, "id": id })
}

/// The entity a reference points to, if it (still) exists.
pub(super) fn expand(state: &State, type_name: &str, id: &str) -> Option<Map<String, Value>> {
    let value = match type_name {
        "Issue" => issue(state, state.issue(id)?),
        "Team" => team(state, state.team(id)?),
        "WorkflowState" => workflow_state(state.state(id)?),
        "IssueLabel" => label(state.label(id)?),
        "Attachment" => attachment(state.attachment(id)?),
        "Comment" => comment(state.comment(id)?),
        "User" => user(if id == API_USER_ID {
            Author::Api
        } else {
            Author::Human
        }),
        _ => return None,
    };
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

pub(super) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn priority_label(priority: i64) -> &'static str {
    match priority {
        1 => "Urgent",
        2 => "High",
        3 => "Medium",
        4 => "Low",
        _ => "No priority",
    }
}

fn issue(state: &State, issue: &IssueRecord) -> Value {
    let labels: Vec<Value> = issue
        .label_ids
        .iter()
        .map(|id| reference("IssueLabel", id))
        .collect();
    let attachments: Vec<Value> = state
        .attachments
        .iter()
        .filter(|a| a.issue_id == issue.id)
        .map(|a| reference("Attachment", &a.id))
        .collect();
    let comments: Vec<Value> = state
        .comments
        .iter()
        .filter(|c| c.issue_id == issue.id)
        .map(|c| reference("Comment", &c.id))
        .collect();
    let slug: String = issue
        .title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-");
    json!({
        "id": issue.id,
        "identifier": issue.identifier,
        "number": issue.number,
        "title": issue.title,
        "description": issue.description,
        "priority": issue.priority,
        "priorityLabel": priority_label(issue.priority),
        "url": format!("https://linear.app/{WORKSPACE_URL_KEY}/issue/{}/{slug}", issue.identifier),
        "branchName": format!("{}-{slug}", issue.identifier.to_lowercase()),
        "createdAt": timestamp(issue.created_at),
        "updatedAt": timestamp(issue.updated_at),
        "archivedAt": null,
        "trashed": null,
        "state": reference("WorkflowState", &issue.state_id),
        "team": reference("Team", &issue.team_id),
        "creator": reference("User", user_id(issue.creator)),
        "labelIds": issue.label_ids,
        "labels": connection(labels),
        "attachments": connection(attachments),
        "comments": connection(comments),
    })
}

fn team(state: &State, team: &TeamRecord) -> Value {
    let states: Vec<Value> = state
        .states
        .iter()
        .filter(|s| s.team_id == team.id)
        .map(|s| reference("WorkflowState", &s.id))
        .collect();
    let labels: Vec<Value> = state
        .labels
        .iter()
        .filter(|l| l.team_id.as_deref() == Some(team.id.as_str()))
        .map(|l| reference("IssueLabel", &l.id))
        .collect();
    let issues: Vec<Value> = state
        .issues
        .iter()
        .filter(|i| i.team_id == team.id)
        .map(|i| reference("Issue", &i.id))
        .collect();
    let default_state = state
        .state_named(&team.id, super::state::DEFAULT_ISSUE_STATE)
        .map(|s| reference("WorkflowState", &s.id));
    json!({
        "id": team.id,
        "key": team.key,
        "name": team.name,
        "displayName": team.name,
        "createdAt": timestamp(team.created_at),
        "updatedAt": timestamp(team.created_at),
        "archivedAt": null,
        "defaultIssueState": default_state,
        "states": connection(states),
        "labels": connection(labels),
        "issues": connection(issues),
    })
}

fn workflow_state(record: &StateRecord) -> Value {
    json!({
        "id": record.id,
        "name": record.name,
        "type": record.state_type,
        "color": record.color,
        "position": record.position,
        "team": reference("Team", &record.team_id),
    })
}

fn label(record: &LabelRecord) -> Value {
    json!({
        "id": record.id,
        "name": record.name,
        "color": "#bec2c8",
        "isGroup": false,
        "team": record.team_id.as_deref().map(|t| reference("Team", t)),
    })
}

fn attachment(record: &AttachmentRecord) -> Value {
    json!({
        "id": record.id,
        "url": record.url,
        "title": record.title,
        "subtitle": record.subtitle,
        "metadata": {},
        "createdAt": timestamp(record.created_at),
        "updatedAt": timestamp(record.updated_at),
        "issue": reference("Issue", &record.issue_id),
    })
}

fn comment(record: &CommentRecord) -> Value {
    json!({
        "id": record.id,
        "body": record.body,
        "createdAt": timestamp(record.created_at),
        "updatedAt": timestamp(record.created_at),
        "issue": reference("Issue", &record.issue_id),
        "user": reference("User", user_id(record.author)),
    })
}

const API_USER_ID: &str = "00000000-0000-4000-8000-00000000a91e";
const HUMAN_USER_ID: &str = "00000000-0000-4000-8000-0000000000a1";

fn user_id(author: Author) -> &'static str {
    match author {
        Author::Api => API_USER_ID,
        Author::Human => HUMAN_USER_ID,
    }
}

fn user(author: Author) -> Value {
    let (name, email) = match author {
        Author::Api => ("triaged", "triaged@example.com"),
        Author::Human => ("Ada Lovelace", "ada@example.com"),
    };
    json!({ "id": user_id(author), "name": name, "displayName": name, "email": email })
}

/// A connection holding all of `nodes` (references), on one page.
pub(super) fn connection(nodes: Vec<Value>) -> Value {
    page_of(nodes, false, false)
}

/// `first`/`after` applied to `nodes` (references, in order): Linear's pagination, where
/// a cursor is the id of the last node seen.
pub(super) fn paginate(
    nodes: Vec<Value>,
    first: Option<i64>,
    after: Option<&str>,
) -> Result<Value, LinearError> {
    let first = match first {
        None => PAGE_DEFAULT,
        Some(n) if (0..=PAGE_MAX as i64).contains(&n) => n as usize,
        Some(n) => {
            return Err(LinearError::invalid_input(format!(
                "first must be between 0 and {PAGE_MAX}, got {n}"
            )));
        }
    };
    let start = match after {
        None => 0,
        Some(cursor) => match nodes.iter().position(|n| node_id(n) == Some(cursor)) {
            Some(i) => i + 1,
            None => return Err(LinearError::invalid_input("after: unknown cursor")),
        },
    };
    let rest: Vec<Value> = nodes.into_iter().skip(start).collect();
    let has_next = rest.len() > first;
    Ok(page_of(
        rest.into_iter().take(first).collect(),
        has_next,
        start > 0,
    ))
}

fn page_of(nodes: Vec<Value>, has_next: bool, has_previous: bool) -> Value {
    let edges: Vec<Value> = nodes
        .iter()
        .map(|n| json!({ "node": n, "cursor": node_id(n) }))
        .collect();
    let start_cursor = nodes.first().and_then(node_id);
    let end_cursor = nodes.last().and_then(node_id);
    json!({
        "nodes": nodes,
        "edges": edges,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": start_cursor,
            "endCursor": end_cursor,
        },
    })
}

fn node_id(node: &Value) -> Option<&str> {
    node.get("id").and_then(Value::as_str)
}
