//! The checks Linear makes on mutation inputs: title length (in UTF-16 units, as
//! JavaScript counts), priority range, client-chosen ids (UUIDs not taken yet), and
//! states and labels that belong to the team.

use super::errors::LinearError;
use super::state::{State, is_uuid};

/// Linear's title limit, in UTF-16 units (JavaScript string length).
const TITLE_MAX_UTF16: usize = 255;

/// A client-chosen id for a new `entity`: a UUID nobody took yet.
pub(super) fn checked_new_id(id: &str, taken: bool, entity: &str) -> Result<String, LinearError> {
    if !is_uuid(id) {
        Err(LinearError::invalid_input("id must be a UUID"))
    } else if taken {
        Err(LinearError::invalid_input(format!(
            "A {entity} with this id already exists."
        )))
    } else {
        Ok(id.to_owned())
    }
}

pub(super) fn checked_title(title: &str) -> Result<String, LinearError> {
    let units: usize = title.chars().map(char::len_utf16).sum();
    if title.trim().is_empty() {
        Err(LinearError::invalid_input("title should not be empty"))
    } else if units > TITLE_MAX_UTF16 {
        Err(LinearError::invalid_input(format!(
            "title must be shorter than or equal to {TITLE_MAX_UTF16} characters"
        )))
    } else {
        Ok(title.to_owned())
    }
}

pub(super) fn checked_priority(priority: i64) -> Result<i64, LinearError> {
    if (0..=4).contains(&priority) {
        Ok(priority)
    } else {
        Err(LinearError::invalid_input(
            "priority must be 0 (none), 1 (urgent), 2 (high), 3 (medium) or 4 (low)",
        ))
    }
}

/// A state of the team.
pub(super) fn checked_state(
    state: &State,
    team_id: &str,
    state_id: &str,
) -> Result<String, LinearError> {
    match state.state(state_id) {
        Some(found) if found.team_id == team_id => Ok(found.id.clone()),
        Some(_) => Err(LinearError::invalid_input(
            "The workflow state does not belong to the issue's team.",
        )),
        None => Err(LinearError::not_found("WorkflowState")),
    }
}

/// Labels of the team or of the workspace.
pub(super) fn checked_labels(
    state: &State,
    team_id: &str,
    label_ids: Vec<String>,
) -> Result<Vec<String>, LinearError> {
    let mut kept = Vec::new();
    for id in label_ids {
        let label = state
            .label(&id)
            .ok_or_else(|| LinearError::not_found("IssueLabel"))?;
        if label.team_id.as_deref().is_some_and(|t| t != team_id) {
            return Err(LinearError::invalid_input(
                "The label belongs to another team.",
            ));
        }
        if !kept.contains(&id) {
            kept.push(id);
        }
    }
    Ok(kept)
}
