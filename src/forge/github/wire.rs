//! The JSON bodies triaged sends to and reads from GitHub's REST API (contract:
//! `contracts/github/openapi.json`), each with only the fields it uses.

use serde::{Deserialize, Serialize};

// ---- answers

/// `repos/get` (`full-repository`).
#[derive(Debug, Deserialize)]
pub(super) struct Repository {
    pub(super) default_branch: String,
}

/// `git/get-ref`, `git/create-ref`, `git/update-ref` (`git-ref`).
#[derive(Debug, Deserialize)]
pub(super) struct GitRef {
    #[serde(rename = "ref")]
    pub(super) name: String,
    pub(super) object: GitObject,
}

#[derive(Debug, Deserialize)]
pub(super) struct GitObject {
    pub(super) sha: String,
    #[serde(rename = "type")]
    pub(super) kind: String,
}

/// `repos/get-content`: one entry (file, symlink, submodule) or a directory listing.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Content {
    Entry(ContentEntry),
    Listing(Vec<serde::de::IgnoredAny>),
}

#[derive(Debug, Deserialize)]
pub(super) struct ContentEntry {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) path: String,
    pub(super) sha: String,
    pub(super) size: u64,
    #[serde(default)]
    pub(super) content: Option<String>,
    #[serde(default)]
    pub(super) encoding: Option<String>,
}

/// `git/get-commit`, `git/create-commit` (`git-commit`).
#[derive(Debug, Deserialize)]
pub(super) struct GitCommit {
    pub(super) sha: String,
    pub(super) tree: Sha,
}

/// `git/create-tree` (`git-tree`), and any `{ "sha": … }`.
#[derive(Debug, Deserialize)]
pub(super) struct Sha {
    pub(super) sha: String,
}

/// `pulls/get`, `pulls/create` (`pull-request`) and `pulls/list` (`pull-request-simple`,
/// which has `merged_at` but no `merged`).
#[derive(Debug, Deserialize)]
pub(super) struct Pull {
    pub(super) number: u64,
    pub(super) html_url: String,
    pub(super) state: String,
    #[serde(default)]
    pub(super) draft: Option<bool>,
    #[serde(default)]
    pub(super) merged: Option<bool>,
    #[serde(default)]
    pub(super) merged_at: Option<String>,
    #[serde(default)]
    pub(super) merge_commit_sha: Option<String>,
    pub(super) head: PullHead,
    #[serde(default)]
    pub(super) labels: Vec<Label>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PullHead {
    #[serde(rename = "ref")]
    pub(super) branch: String,
}

/// `issues/add-labels` answers the labels (`label`).
#[derive(Debug, Deserialize)]
pub(super) struct Label {
    pub(super) name: String,
}

/// `repos/compare-commits-with-basehead` (`commit-comparison`).
#[derive(Debug, Deserialize)]
pub(super) struct Comparison {
    pub(super) status: String,
    pub(super) ahead_by: u64,
    pub(super) behind_by: u64,
}

/// GitHub's error body (`basic-error`, `validation-error`).
#[derive(Debug, Default, Deserialize)]
pub(super) struct ErrorBody {
    #[serde(default)]
    pub(super) message: String,
    #[serde(default)]
    pub(super) errors: Vec<ErrorDetail>,
}

/// One entry of `errors`: usually an object, sometimes a bare string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum ErrorDetail {
    Text(String),
    Item {
        #[serde(default)]
        resource: Option<String>,
        #[serde(default)]
        field: Option<String>,
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
    },
}

impl ErrorDetail {
    /// `resource.field: code: message`, whatever of it is there.
    pub(super) fn describe(&self) -> String {
        match self {
            ErrorDetail::Text(text) => text.clone(),
            ErrorDetail::Item {
                resource,
                field,
                code,
                message,
            } => {
                let place: Vec<&str> = [resource, field]
                    .into_iter()
                    .filter_map(|p| p.as_deref())
                    .collect();
                let mut parts = Vec::new();
                if !place.is_empty() {
                    parts.push(place.join("."));
                }
                parts.extend(code.as_deref().map(str::to_owned));
                parts.extend(message.as_deref().map(str::to_owned));
                parts.join(": ")
            }
        }
    }
}

// ---- requests

/// `git/create-ref`.
#[derive(Debug, Serialize)]
pub(super) struct CreateRef<'a> {
    #[serde(rename = "ref")]
    pub(super) name: &'a str,
    pub(super) sha: &'a str,
}

/// `git/update-ref`: never forced.
#[derive(Debug, Serialize)]
pub(super) struct UpdateRef<'a> {
    pub(super) sha: &'a str,
    pub(super) force: bool,
}

/// `git/create-tree` on top of `base_tree`.
#[derive(Debug, Serialize)]
pub(super) struct CreateTree<'a> {
    pub(super) base_tree: &'a str,
    pub(super) tree: Vec<TreeEntry<'a>>,
}

#[derive(Debug, Serialize)]
pub(super) struct TreeEntry<'a> {
    pub(super) path: &'a str,
    pub(super) mode: &'static str,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) content: &'a str,
}

/// `git/create-commit`.
#[derive(Debug, Serialize)]
pub(super) struct CreateCommit<'a> {
    pub(super) message: &'a str,
    pub(super) tree: &'a str,
    pub(super) parents: [&'a str; 1],
}

/// `pulls/create`: always a draft.
#[derive(Debug, Serialize)]
pub(super) struct CreatePull<'a> {
    pub(super) title: &'a str,
    pub(super) head: &'a str,
    pub(super) base: &'a str,
    pub(super) body: &'a str,
    pub(super) draft: bool,
    pub(super) maintainer_can_modify: bool,
}

/// `issues/add-labels`.
#[derive(Debug, Serialize)]
pub(super) struct AddLabels<'a> {
    pub(super) labels: &'a [String],
}
