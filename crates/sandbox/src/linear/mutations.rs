//! The Mutation root fields the emulator applies: `issueCreate`, `issueUpdate`,
//! `commentCreate` and `attachmentCreate` (an upsert by URL on the issue), with the
//! checks Linear makes (`checks`) and client-chosen ids for issues and comments.

use serde::Deserialize;
use serde_json::{Value, json};

use super::checks::{
    checked_labels, checked_new_id, checked_priority, checked_state, checked_title,
};
use super::entities::reference;
use super::errors::LinearError;
use super::queries::arguments;
use super::state::{AttachmentRecord, Author, CommentRecord, IssueRecord, State};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WithInput<T> {
    input: T,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct IssueCreateInput {
    id: Option<String>,
    team_id: String,
    title: Option<String>,
    description: Option<String>,
    priority: Option<i64>,
    label_ids: Option<Vec<String>>,
    state_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueUpdateArgs {
    id: String,
    input: IssueUpdateInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct IssueUpdateInput {
    title: Option<String>,
    description: Option<String>,
    priority: Option<i64>,
    state_id: Option<String>,
    label_ids: Option<Vec<String>>,
    added_label_ids: Option<Vec<String>>,
    removed_label_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CommentCreateInput {
    id: Option<String>,
    issue_id: Option<String>,
    body: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AttachmentCreateInput {
    issue_id: String,
    url: String,
    title: String,
    subtitle: Option<String>,
}

/// Applies one Mutation root field.
pub(super) fn resolve(state: &mut State, field: &str, args: Value) -> Result<Value, LinearError> {
    match field {
        "issueCreate" => {
            let WithInput { input } = arguments("Mutation", field, args)?;
            issue_create(state, input)
        }
        "issueUpdate" => issue_update(state, arguments("Mutation", field, args)?),
        "commentCreate" => {
            let WithInput { input } = arguments("Mutation", field, args)?;
            comment_create(state, input)
        }
        "attachmentCreate" => {
            let WithInput { input } = arguments("Mutation", field, args)?;
            attachment_create(state, input)
        }
        other => Err(LinearError::unsupported(format!(
            "the field Mutation.{other}"
        ))),
    }
}

fn issue_create(state: &mut State, input: IssueCreateInput) -> Result<Value, LinearError> {
    let team = state
        .team_by_id_or_key(&input.team_id)
        .ok_or_else(|| LinearError::not_found("Team"))?
        .clone();
    let id = match input.id {
        Some(id) => checked_new_id(&id, state.issue(&id).is_some(), "issue")?,
        None => state.new_id(),
    };
    let title = checked_title(input.title.as_deref().unwrap_or_default())?;
    let priority = checked_priority(input.priority.unwrap_or(0))?;
    let state_id = match input.state_id {
        Some(state_id) => checked_state(state, &team.id, &state_id)?,
        None => state
            .state_named(&team.id, super::state::DEFAULT_ISSUE_STATE)
            .map(|s| s.id.clone())
            .ok_or_else(|| LinearError::internal("the team has no default state"))?,
    };
    let label_ids = checked_labels(state, &team.id, input.label_ids.unwrap_or_default())?;
    let now = state.now();
    let updated_seq = state.touch();
    let number = match state.teams.iter_mut().find(|t| t.id == team.id) {
        Some(record) => {
            record.next_number += 1;
            record.next_number - 1
        }
        None => return Err(LinearError::not_found("Team")),
    };
    state.issues.push(IssueRecord {
        id: id.clone(),
        team_id: team.id.clone(),
        number,
        identifier: format!("{}-{number}", team.key),
        title,
        description: input.description,
        priority,
        state_id,
        label_ids,
        creator: Author::Api,
        created_at: now,
        updated_at: now,
        updated_seq,
    });
    Ok(json!({ "success": true, "lastSyncId": state.sync_id, "issue": reference("Issue", &id) }))
}

fn issue_update(state: &mut State, args: IssueUpdateArgs) -> Result<Value, LinearError> {
    let index = state
        .issue_index(&args.id)
        .ok_or_else(|| LinearError::not_found("Issue"))?;
    let team_id = state.issues[index].team_id.clone();
    let input = args.input;
    let title = input.title.as_deref().map(checked_title).transpose()?;
    let priority = input.priority.map(checked_priority).transpose()?;
    let state_id = match input.state_id {
        Some(id) => Some(checked_state(state, &team_id, &id)?),
        None => None,
    };
    let mut label_ids = match input.label_ids {
        Some(ids) => checked_labels(state, &team_id, ids)?,
        None => state.issues[index].label_ids.clone(),
    };
    for id in checked_labels(state, &team_id, input.added_label_ids.unwrap_or_default())? {
        if !label_ids.contains(&id) {
            label_ids.push(id);
        }
    }
    let removed = input.removed_label_ids.unwrap_or_default();
    label_ids.retain(|id| !removed.contains(id));
    let now = state.now();
    let updated_seq = state.touch();
    let issue = &mut state.issues[index];
    if let Some(title) = title {
        issue.title = title;
    }
    if let Some(description) = input.description {
        issue.description = Some(description);
    }
    if let Some(priority) = priority {
        issue.priority = priority;
    }
    if let Some(state_id) = state_id {
        issue.state_id = state_id;
    }
    issue.label_ids = label_ids;
    issue.updated_at = now;
    issue.updated_seq = updated_seq;
    let id = issue.id.clone();
    Ok(json!({ "success": true, "lastSyncId": state.sync_id, "issue": reference("Issue", &id) }))
}

fn comment_create(state: &mut State, input: CommentCreateInput) -> Result<Value, LinearError> {
    let issue_id = input
        .issue_id
        .ok_or_else(|| LinearError::unsupported("comments on anything but an issue"))?;
    let issue_id = state
        .issue(&issue_id)
        .ok_or_else(|| LinearError::not_found("Issue"))?
        .id
        .clone();
    let body = input.body.unwrap_or_default();
    if body.trim().is_empty() {
        return Err(LinearError::invalid_input("body should not be empty"));
    }
    let id = match input.id {
        Some(id) => checked_new_id(&id, state.comment(&id).is_some(), "comment")?,
        None => state.new_id(),
    };
    let created_at = state.now();
    state.touch();
    state.comments.push(CommentRecord {
        id: id.clone(),
        issue_id,
        body,
        author: Author::Api,
        created_at,
    });
    Ok(
        json!({ "success": true, "lastSyncId": state.sync_id, "comment": reference("Comment", &id) }),
    )
}

fn attachment_create(
    state: &mut State,
    input: AttachmentCreateInput,
) -> Result<Value, LinearError> {
    let issue_id = state
        .issue(&input.issue_id)
        .ok_or_else(|| LinearError::not_found("Issue"))?
        .id
        .clone();
    if !(input.url.starts_with("https://") || input.url.starts_with("http://")) {
        return Err(LinearError::invalid_input("url must be a URL address"));
    }
    let now = state.now();
    state.touch();
    let existing = state
        .attachments
        .iter_mut()
        .find(|a| a.issue_id == issue_id && a.url == input.url);
    let id = match existing {
        Some(attachment) => {
            attachment.title = input.title;
            attachment.subtitle = input.subtitle;
            attachment.updated_at = now;
            attachment.id.clone()
        }
        None => {
            let id = state.new_id();
            state.attachments.push(AttachmentRecord {
                id: id.clone(),
                issue_id,
                url: input.url,
                title: input.title,
                subtitle: input.subtitle,
                created_at: now,
                updated_at: now,
            });
            id
        }
    };
    Ok(
        json!({ "success": true, "lastSyncId": state.sync_id, "attachment": reference("Attachment", &id) }),
    )
}
