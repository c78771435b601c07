//! The `propose_fix` tool the model answers through ([`Proposal`], its JSON Schema
//! [`propose_fix_schema`]) and [`check_patch`], the checks a proposed patch must pass
//! before anything is written to GitHub.
//!
//! The model only ever proposes; these checks decide. They run in this order and the
//! first failure rejects the whole proposal, naming the check ([`checks`]):
//!
//! 1. `proposal`: summary, root cause, test plan and risk are present; confidence is in
//!    0–1; the prose has no hidden characters, no images (a markdown or HTML image in a
//!    PR body makes every reader's browser fetch a URL the model chose) and no secrets.
//! 2. `file_count`: 1 to `max_files` files, none twice.
//! 3. `path_allowed`: relative, normalised, plain-ASCII paths under an allowed prefix and
//!    never a CI, deploy, lock or secret file (`paths`).
//! 4. `file_was_shown`: only files the model was shown, unless new files are allowed.
//! 5. `one_change_per_file`: exactly one of `new_contents` and `diff`.
//! 6. `diff_applies`: each diff applies to the fetched original (`unified`).
//! 7. `changes_something`: no file comes out as it was.
//! 8. `no_hidden_characters`: no added line holds a control, invisible or bidi character
//!    (the "Trojan Source" trick).
//! 9. `no_added_secrets`: no added line holds a secret (`secrets`).
//! 10. `changed_lines`: added plus removed lines, counted from a line diff of original
//!     and result, at most `max_changed_lines` over all files.
//!
//! A rejection's reason is safe to post on a ticket: it names files and lines, never a
//! secret, and shows a path the model made up only escaped and redacted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::redact::Redactor;

mod lines;
mod paths;
mod prose;
mod schema;
mod secrets;
mod unified;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use schema::{PROPOSE_FIX_TOOL, propose_fix_schema};

/// Names of the checks, as in [`CheckedPatch::checks`] and [`PatchRejection::check`].
pub mod checks {
    pub const PROPOSAL: &str = "proposal";
    pub const FILE_COUNT: &str = "file_count";
    pub const PATH_ALLOWED: &str = "path_allowed";
    pub const FILE_WAS_SHOWN: &str = "file_was_shown";
    pub const ONE_CHANGE_PER_FILE: &str = "one_change_per_file";
    pub const DIFF_APPLIES: &str = "diff_applies";
    pub const CHANGES_SOMETHING: &str = "changes_something";
    pub const NO_HIDDEN_CHARACTERS: &str = "no_hidden_characters";
    pub const NO_ADDED_SECRETS: &str = "no_added_secrets";
    pub const CHANGED_LINES: &str = "changed_lines";
}

/// The input of the `propose_fix` tool: what the model proposes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// One or two sentences for the PR title and the ticket comment.
    pub summary: String,
    pub root_cause: String,
    /// How sure the model is that the patch fixes the bug, 0–1.
    pub confidence: f64,
    pub files: Vec<ProposedFile>,
    pub test_plan: String,
    pub risk: String,
}

/// One file the proposal changes: either its whole new text or a unified diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposedFile {
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_contents: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// What a patch may touch and how big it may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PatchRules {
    /// Every path must be under one of these (`"src/"`; a prefix without a trailing
    /// `/` matches that file or directory, `""` everything).
    pub allowed_prefixes: Vec<String>,
    /// No path may be under one of these (case-insensitive), on top of the built-in
    /// CI, deploy, lock and secret files.
    pub denied_prefixes: Vec<String>,
    /// Added plus removed lines over all files.
    pub max_changed_lines: usize,
    pub max_files: usize,
    /// Whether the patch may create files it was not shown. The writer must then create
    /// them only where no file exists.
    pub allow_new_files: bool,
}

impl Default for PatchRules {
    fn default() -> Self {
        Self {
            allowed_prefixes: vec!["src/".into(), "lib/".into(), "app/".into()],
            denied_prefixes: Vec::new(),
            max_changed_lines: 80,
            max_files: 5,
            allow_new_files: false,
        }
    }
}

/// A patch that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPatch {
    /// Path and new contents of each file, in the proposal's order.
    pub files: Vec<(String, String)>,
    /// Added plus removed lines over all files.
    pub changed_lines: usize,
    /// The checks passed, in the order run (for the PR's provenance).
    pub checks: Vec<&'static str>,
}

/// Why a proposal was rejected. The reason is safe to post on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchRejection {
    /// One of [`checks`].
    pub check: &'static str,
    pub reason: String,
}

impl fmt::Display for PatchRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "patch rejected by the {} check: {}",
            self.check, self.reason
        )
    }
}

impl std::error::Error for PatchRejection {}

fn reject<T>(check: &'static str, reason: impl Into<String>) -> Result<T, PatchRejection> {
    Err(PatchRejection {
        check,
        reason: reason.into(),
    })
}

static DEFAULT_REDACTOR: LazyLock<Redactor> = LazyLock::new(Redactor::default);

/// [`check_patch_with`] with the built-in redaction rules only.
pub fn check_patch(
    proposal: &Proposal,
    originals: &BTreeMap<String, String>,
    rules: &PatchRules,
) -> Result<CheckedPatch, PatchRejection> {
    check_patch_with(proposal, originals, rules, &DEFAULT_REDACTOR)
}

/// Runs every check on `proposal` against `originals` (path → contents as fetched and
/// shown to the model). `redactor` finds secrets in added lines and the prose; pass the
/// configured one so its extra patterns count too.
pub fn check_patch_with(
    proposal: &Proposal,
    originals: &BTreeMap<String, String>,
    rules: &PatchRules,
    redactor: &Redactor,
) -> Result<CheckedPatch, PatchRejection> {
    use checks::*;
    let shown = |path: &str| paths::shown(path, redactor);
    let mut passed = Vec::new();

    prose::check(proposal, redactor)?;
    passed.push(PROPOSAL);

    let files = &proposal.files;
    if files.is_empty() || files.len() > rules.max_files {
        let (count, max) = (files.len(), rules.max_files);
        return reject(FILE_COUNT, format!("{count} files; 1 to {max} allowed"));
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = files.iter().find(|file| !seen.insert(file.path.as_str())) {
        return reject(FILE_COUNT, format!("{} is named twice", shown(&twice.path)));
    }
    passed.push(FILE_COUNT);

    for file in files {
        if let Err(why) = paths::check(&file.path, rules) {
            return reject(PATH_ALLOWED, format!("{}: {why}", shown(&file.path)));
        }
    }
    passed.push(PATH_ALLOWED);

    for file in files {
        if !originals.contains_key(&file.path) && !rules.allow_new_files {
            let why = "was not among the files shown, and new files are not allowed";
            return reject(FILE_WAS_SHOWN, format!("{} {why}", shown(&file.path)));
        }
    }
    passed.push(FILE_WAS_SHOWN);

    let mut edits = Vec::with_capacity(files.len());
    for file in files {
        let edit = match (&file.new_contents, &file.diff) {
            (Some(contents), None) => Edit::Contents(contents),
            (None, Some(diff)) => Edit::Diff(diff),
            _ => {
                let why = "needs exactly one of new_contents and diff";
                return reject(ONE_CHANGE_PER_FILE, format!("{} {why}", shown(&file.path)));
            }
        };
        edits.push(edit);
    }
    passed.push(ONE_CHANGE_PER_FILE);

    let mut results = Vec::with_capacity(files.len());
    for (file, edit) in files.iter().zip(edits) {
        let original = originals.get(&file.path).map_or("", String::as_str);
        let new = match edit {
            Edit::Contents(contents) => contents.to_owned(),
            Edit::Diff(diff) => {
                unified::apply(original, diff, &file.path).map_err(|why| PatchRejection {
                    check: DIFF_APPLIES,
                    reason: format!("{}: {why}", shown(&file.path)),
                })?
            }
        };
        results.push((file.path.clone(), original, new));
    }
    passed.push(DIFF_APPLIES);

    if let Some((path, ..)) = results.iter().find(|(_, original, new)| original == new) {
        return reject(
            CHANGES_SOMETHING,
            format!("{} comes out as it was", shown(path)),
        );
    }
    passed.push(CHANGES_SOMETHING);

    let changes: Vec<_> = results
        .iter()
        .map(|(_, original, new)| lines::changes(original, new))
        .collect();
    for ((path, ..), change) in results.iter().zip(&changes) {
        for added in &change.added {
            if let Some(c) = crate::agent::untrusted::first_hidden(&added.text) {
                let why = format!("adds a hidden or control character U+{:04X}", u32::from(c));
                let path = shown(path);
                return reject(
                    NO_HIDDEN_CHARACTERS,
                    format!("{path} line {}: {why}", added.line),
                );
            }
        }
    }
    passed.push(NO_HIDDEN_CHARACTERS);

    for ((path, ..), change) in results.iter().zip(&changes) {
        if let Some(found) = secrets::in_added_lines(path, &change.added, redactor) {
            let why = format!("adds what looks like a secret ({})", found.kind);
            let path = shown(path);
            return reject(
                NO_ADDED_SECRETS,
                format!("{path} line {}: {why}", found.line),
            );
        }
    }
    passed.push(NO_ADDED_SECRETS);

    let changed_lines: usize = changes.iter().map(|change| change.changed).sum();
    if changed_lines > rules.max_changed_lines {
        let max = rules.max_changed_lines;
        return reject(
            CHANGED_LINES,
            format!("{changed_lines} lines changed; at most {max}"),
        );
    }
    passed.push(CHANGED_LINES);

    Ok(CheckedPatch {
        files: results
            .into_iter()
            .map(|(path, _, new)| (path, new))
            .collect(),
        changed_lines,
        checks: passed,
    })
}

/// How a file's new text is given.
enum Edit<'a> {
    Contents(&'a str),
    Diff(&'a str),
}
