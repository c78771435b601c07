//! The subset of Linear's filters the emulator evaluates. Each filter type is a serde
//! struct that refuses unknown keys, so a filter the emulator does not implement is an
//! error naming the key instead of being ignored.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::LinearError;
use super::state::{IssueRecord, LabelRecord, State, StateRecord, TeamRecord};

/// `StringComparator`, `NullableStringComparator` and `IDComparator` (the keys below).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct StringComparator {
    eq: Option<String>,
    neq: Option<String>,
    #[serde(rename = "in")]
    one_of: Option<Vec<String>>,
    nin: Option<Vec<String>>,
    contains: Option<String>,
    not_contains: Option<String>,
    contains_ignore_case: Option<String>,
    starts_with: Option<String>,
    ends_with: Option<String>,
    eq_ignore_case: Option<String>,
    null: Option<bool>,
}

impl StringComparator {
    pub(super) fn matches(&self, value: Option<&str>) -> bool {
        if let Some(null) = self.null
            && null != value.is_none()
        {
            return false;
        }
        let text = value.unwrap_or_default();
        let present = |check: bool| value.is_some() && check;
        self.eq.as_ref().is_none_or(|v| present(text == v))
            && self.neq.as_ref().is_none_or(|v| text != v)
            && self
                .one_of
                .as_ref()
                .is_none_or(|vs| present(vs.iter().any(|v| v == text)))
            && self
                .nin
                .as_ref()
                .is_none_or(|vs| !vs.iter().any(|v| v == text))
            && self
                .contains
                .as_ref()
                .is_none_or(|v| present(text.contains(v.as_str())))
            && self
                .not_contains
                .as_ref()
                .is_none_or(|v| !text.contains(v.as_str()))
            && self
                .contains_ignore_case
                .as_ref()
                .is_none_or(|v| present(text.to_lowercase().contains(&v.to_lowercase())))
            && self
                .starts_with
                .as_ref()
                .is_none_or(|v| present(text.starts_with(v.as_str())))
            && self
                .ends_with
                .as_ref()
                .is_none_or(|v| present(text.ends_with(v.as_str())))
            && self
                .eq_ignore_case
                .as_ref()
                .is_none_or(|v| present(text.eq_ignore_ascii_case(v)))
    }
}

/// `TeamFilter` / `NullableTeamFilter`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TeamFilter {
    id: Option<StringComparator>,
    key: Option<StringComparator>,
    name: Option<StringComparator>,
    /// `NullableTeamFilter` only: whether there is no team.
    null: Option<bool>,
    and: Option<Vec<TeamFilter>>,
    or: Option<Vec<TeamFilter>>,
}

impl TeamFilter {
    pub(super) fn matches(&self, team: Option<&TeamRecord>) -> bool {
        if let Some(null) = self.null {
            return null == team.is_none() && (null || self.matches_team(team));
        }
        self.matches_team(team)
    }

    fn matches_team(&self, team: Option<&TeamRecord>) -> bool {
        let Some(team) = team else {
            return false;
        };
        cmp(&self.id, Some(&team.id))
            && cmp(&self.key, Some(&team.key))
            && cmp(&self.name, Some(&team.name))
            && all(&self.and, |f| f.matches(Some(team)))
            && any(&self.or, |f| f.matches(Some(team)))
    }
}

/// `WorkflowStateFilter`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WorkflowStateFilter {
    id: Option<StringComparator>,
    name: Option<StringComparator>,
    #[serde(rename = "type")]
    state_type: Option<StringComparator>,
    team: Option<TeamFilter>,
    and: Option<Vec<WorkflowStateFilter>>,
    or: Option<Vec<WorkflowStateFilter>>,
}

impl WorkflowStateFilter {
    pub(super) fn matches(&self, state: &State, record: &StateRecord) -> bool {
        cmp(&self.id, Some(&record.id))
            && cmp(&self.name, Some(&record.name))
            && cmp(&self.state_type, Some(&record.state_type))
            && self
                .team
                .as_ref()
                .is_none_or(|f| f.matches(state.team(&record.team_id)))
            && all(&self.and, |f| f.matches(state, record))
            && any(&self.or, |f| f.matches(state, record))
    }
}

/// `IssueLabelFilter`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IssueLabelFilter {
    id: Option<StringComparator>,
    name: Option<StringComparator>,
    team: Option<TeamFilter>,
    and: Option<Vec<IssueLabelFilter>>,
    or: Option<Vec<IssueLabelFilter>>,
}

impl IssueLabelFilter {
    pub(super) fn matches(&self, state: &State, label: &LabelRecord) -> bool {
        let team = label.team_id.as_deref().and_then(|t| state.team(t));
        cmp(&self.id, Some(&label.id))
            && cmp(&self.name, Some(&label.name))
            && self.team.as_ref().is_none_or(|f| f.matches(team))
            && all(&self.and, |f| f.matches(state, label))
            && any(&self.or, |f| f.matches(state, label))
    }
}

/// `IssueFilter`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IssueFilter {
    id: Option<StringComparator>,
    title: Option<StringComparator>,
    description: Option<StringComparator>,
    team: Option<TeamFilter>,
    state: Option<WorkflowStateFilter>,
    and: Option<Vec<IssueFilter>>,
    or: Option<Vec<IssueFilter>>,
}

impl IssueFilter {
    pub(super) fn matches(&self, state: &State, issue: &IssueRecord) -> bool {
        cmp(&self.id, Some(&issue.id))
            && cmp(&self.title, Some(&issue.title))
            && cmp(&self.description, issue.description.as_deref())
            && self
                .team
                .as_ref()
                .is_none_or(|f| f.matches(state.team(&issue.team_id)))
            && self.state.as_ref().is_none_or(|f| {
                state
                    .state(&issue.state_id)
                    .is_some_and(|s| f.matches(state, s))
            })
            && all(&self.and, |f| f.matches(state, issue))
            && any(&self.or, |f| f.matches(state, issue))
    }
}

fn cmp(comparator: &Option<StringComparator>, value: Option<&str>) -> bool {
    comparator.as_ref().is_none_or(|c| c.matches(value))
}

fn all<F>(filters: &Option<Vec<F>>, matches: impl Fn(&F) -> bool) -> bool {
    filters.as_ref().is_none_or(|fs| fs.iter().all(matches))
}

fn any<F>(filters: &Option<Vec<F>>, matches: impl Fn(&F) -> bool) -> bool {
    filters.as_ref().is_none_or(|fs| fs.iter().any(matches))
}

/// Reads a (coerced) filter argument; a key the emulator does not evaluate is an error.
pub(super) fn parse_filter<F: DeserializeOwned + Default>(
    type_name: &str,
    value: Option<Value>,
) -> Result<F, LinearError> {
    match value {
        None | Some(Value::Null) => Ok(F::default()),
        Some(value) => serde_json::from_value(value)
            .map_err(|e| LinearError::unsupported(format!("this {type_name}: {e}"))),
    }
}
