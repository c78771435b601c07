//! The code host as triaged uses it to propose fixes: read files at the
//! default branch, create a branch of its own, commit to it, open a DRAFT pull request
//! with labels, and read a pull request's state and how two commits compare (the verify
//! job: is the fix merged, is the deployed release at or after it). `github` is the
//! implementation; the pipeline sees only `CodeHost`.
//!
//! triaged never approves, merges, force-moves a ref, or writes to a branch it did not
//! create: the trait has no such operation, and every write is idempotent so a rerun
//! after a crash finds and reuses what the first run made.

pub mod github;
mod types;

use std::future::Future;
use std::pin::Pin;

use crate::http_client::HttpError;

pub use types::{
    BranchHead, BranchState, Comparison, ComparisonStatus, FileChange, NewPull, PullRequest,
    PullState, RepoFile, RepoName,
};

/// A boxed future returned by `CodeHost` methods (the trait stays object-safe).
pub type ForgeFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ForgeError>> + Send + 'a>>;

/// What triaged needs from a code host. Every method is one logical operation; the client
/// retries transient failures itself under its HTTP policy.
pub trait CodeHost: Send + Sync {
    /// The repository's default branch and the commit it points at.
    fn default_branch<'a>(&'a self, repo: &'a RepoName) -> ForgeFuture<'a, BranchHead>;
    /// A UTF-8 file at `git_ref` (a branch, tag or commit sha); `None` when the path, the
    /// ref or the repository does not exist (the host does not say which).
    fn file<'a>(
        &'a self,
        repo: &'a RepoName,
        path: &'a str,
        git_ref: &'a str,
    ) -> ForgeFuture<'a, Option<RepoFile>>;
    /// Creates `refs/heads/<branch>` at `from_sha`; a branch that already exists is
    /// returned as it is (never moved), so a rerun reuses it.
    fn ensure_branch<'a>(
        &'a self,
        repo: &'a RepoName,
        branch: &'a str,
        from_sha: &'a str,
    ) -> ForgeFuture<'a, BranchState>;
    /// Commits `files` on `branch` (one commit) and returns the branch's head sha after.
    /// Files that already have the wanted content are left out; when none is left, no
    /// commit is made and the current head is returned (a rerun is a no-op).
    fn commit_files<'a>(
        &'a self,
        repo: &'a RepoName,
        branch: &'a str,
        message: &'a str,
        files: &'a [FileChange],
    ) -> ForgeFuture<'a, String>;
    /// The most recent pull request (any state) whose head is `head_branch` of `repo`.
    fn find_pull<'a>(
        &'a self,
        repo: &'a RepoName,
        head_branch: &'a str,
    ) -> ForgeFuture<'a, Option<PullRequest>>;
    /// Opens a draft pull request and adds its labels. When a pull request for that head
    /// already exists it is returned instead (with the labels added if it is open).
    fn open_draft_pull<'a>(
        &'a self,
        repo: &'a RepoName,
        pull: &'a NewPull,
    ) -> ForgeFuture<'a, PullRequest>;
    /// A pull request by number.
    fn pull<'a>(&'a self, repo: &'a RepoName, number: u64) -> ForgeFuture<'a, PullRequest>;
    /// How `head` relates to `base` (commit shas or branch names).
    fn compare<'a>(
        &'a self,
        repo: &'a RepoName,
        base: &'a str,
        head: &'a str,
    ) -> ForgeFuture<'a, Comparison>;
}

/// Why a code host call failed. Never carries the token.
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    #[error(transparent)]
    Http(#[from] HttpError),
    /// Settings that cannot work (bad URL, bad repository name, empty token).
    #[error("{0}")]
    Config(String),
    /// The token was refused (401).
    #[error("{vendor}: the token was refused (HTTP 401): {message}")]
    Unauthorized {
        vendor: &'static str,
        message: String,
    },
    /// The token lacks a permission, or the repository refuses the write (403 that is
    /// not a rate limit).
    #[error("{vendor}: {operation} is forbidden (HTTP 403): {message}")]
    Forbidden {
        vendor: &'static str,
        operation: &'static str,
        message: String,
    },
    /// A repository, ref, commit or pull request that does not exist (404).
    #[error("{vendor}: {operation}: not found: {what}")]
    NotFound {
        vendor: &'static str,
        operation: &'static str,
        what: String,
    },
    /// The host refused the request as invalid or conflicting (409, 422), with its
    /// message and the `errors` details it gave.
    #[error("{vendor} rejected {operation} (HTTP {status}): {message}")]
    Rejected {
        vendor: &'static str,
        operation: &'static str,
        status: u16,
        message: String,
        details: Vec<String>,
    },
    /// A file changed on the branch since the patch was made from it.
    #[error("{path} changed on {branch} since the patch was made (blob {expected} → {found})")]
    StaleFile {
        path: String,
        branch: String,
        expected: String,
        found: String,
    },
    /// The branch moved while a commit was being made (someone else pushed to it).
    #[error("branch {branch} moved while committing; the commit was not applied")]
    RefMoved { branch: String },
    /// A write to a branch triaged does not own (outside its prefix, or the default).
    #[error("refusing to write to branch {branch:?}: it is not one of triaged's branches")]
    NotOurBranch { branch: String },
    /// A file too large for the contents API to return.
    #[error("{path} is too large to read ({size} bytes; at most {limit})")]
    FileTooLarge { path: String, size: u64, limit: u64 },
    /// A file whose content is not UTF-8 text.
    #[error("{path} is not UTF-8 text")]
    NotUtf8 { path: String },
    /// A path that is a directory, a symlink or a submodule.
    #[error("{path} is not a regular file (it is a {kind})")]
    NotAFile { path: String, kind: String },
    /// The answer did not have the shape the operation promises.
    #[error("{vendor} answered {operation} with an unexpected shape: {detail}")]
    Shape {
        vendor: &'static str,
        operation: &'static str,
        detail: String,
    },
}

impl ForgeError {
    /// Worth trying again later (the action stays pending); otherwise it needs a human.
    pub fn is_retryable(&self) -> bool {
        match self {
            ForgeError::Http(e) => e.is_retryable(),
            // Someone else pushed: a rerun reads the branch afresh and decides again.
            ForgeError::RefMoved { .. } => true,
            ForgeError::Config(_)
            | ForgeError::Unauthorized { .. }
            | ForgeError::Forbidden { .. }
            | ForgeError::NotFound { .. }
            | ForgeError::Rejected { .. }
            | ForgeError::StaleFile { .. }
            | ForgeError::NotOurBranch { .. }
            | ForgeError::FileTooLarge { .. }
            | ForgeError::NotUtf8 { .. }
            | ForgeError::NotAFile { .. }
            | ForgeError::Shape { .. } => false,
        }
    }
}
