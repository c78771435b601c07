//! The GitHub implementation of `CodeHost`, over GitHub's REST API (contract:
//! `contracts/github/openapi.json`), with reqwest through the shared HTTP policy.
//! octocrab was not used: it brings its own HTTP stack, which would bypass the shared
//! retry, quota and concurrency policy every other vendor client goes through.
//!
//! - `config`: `GitHubConfig`, the `[github]` settings.
//! - `wire`: the typed request and answer bodies.
//! - `rest`: one exchange, rate limits (403/429) waited out, error bodies mapped.
//! - `read`: the default branch, branch heads, files (contents API).
//! - `write`: `ensure_branch` (git refs API) and `commit_files` (git data API: one
//!   tree, one commit, a fast-forward-only ref update).
//! - `pulls`: find, open (draft) and read pull requests, labels, compare.
//!
//! The token is sent as `Authorization: Bearer <token>` and never appears in `Debug`
//! output or errors.

mod config;
mod pulls;
mod read;
mod rest;
mod wire;
mod write;

#[cfg(test)]
mod tests;

use reqwest::header::HeaderValue;

pub use config::GitHubConfig;
pub use rest::API_VERSION;

use crate::forge::{
    BranchHead, BranchState, CodeHost, Comparison, FileChange, ForgeError, ForgeFuture, NewPull,
    PullRequest, RepoFile, RepoName,
};
use crate::http_client::VendorClient;

/// The vendor name in errors and logs.
pub const VENDOR: &str = "github";

/// The largest file the contents API returns with its content (1 MiB).
pub const FILE_SIZE_MAX: u64 = 1024 * 1024;

/// The GitHub code host. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct GitHub {
    base_url: reqwest::Url,
    branch_prefix: String,
    /// `Bearer <token>`, marked sensitive.
    authorization: HeaderValue,
    http: VendorClient,
}

impl GitHub {
    /// A client for `config`'s GitHub, authenticating with `token`.
    pub fn new(config: &GitHubConfig, token: &str) -> Result<GitHub, ForgeError> {
        config
            .validate()
            .map_err(|problems| ForgeError::Config(prefixed("github.", &problems)))?;
        let base_url = reqwest::Url::parse(&config.base_url)
            .map_err(|e| ForgeError::Config(format!("github.base_url: {e}")))?;
        let token = token.trim();
        if token.is_empty() {
            return Err(ForgeError::Config("github.token: is empty".into()));
        }
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                ForgeError::Config(
                    "github.token: contains characters an HTTP header cannot carry".into(),
                )
            })?;
        authorization.set_sensitive(true);
        Ok(GitHub {
            base_url,
            branch_prefix: config.branch_prefix.clone(),
            authorization,
            http: VendorClient::new(VENDOR, config.http.clone())?,
        })
    }

    /// Refuses a branch outside triaged's prefix or not a valid branch name: triaged
    /// writes to no other branch.
    fn check_ours(&self, branch: &str) -> Result<(), ForgeError> {
        let ours = branch.len() > self.branch_prefix.len()
            && branch.starts_with(&self.branch_prefix)
            && is_branch_name(branch);
        if ours {
            Ok(())
        } else {
            Err(ForgeError::NotOurBranch {
                branch: branch.to_owned(),
            })
        }
    }
}

/// `git check-ref-format --branch` rules, stricter where it is cheap (ASCII only).
fn is_branch_name(name: &str) -> bool {
    !name.is_empty()
        && name.is_ascii()
        && !name.starts_with(['/', '-', '.'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && !name.contains("/.")
        && !name
            .chars()
            .any(|c| c.is_ascii_control() || " ~^:?*[\\".contains(c))
}

/// `prefix` before every line of `problems`.
fn prefixed(prefix: &str, problems: &str) -> String {
    problems
        .lines()
        .map(|line| format!("{prefix}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl CodeHost for GitHub {
    fn default_branch<'a>(&'a self, repo: &'a RepoName) -> ForgeFuture<'a, BranchHead> {
        Box::pin(self.default_branch_head(repo))
    }

    fn file<'a>(
        &'a self,
        repo: &'a RepoName,
        path: &'a str,
        git_ref: &'a str,
    ) -> ForgeFuture<'a, Option<RepoFile>> {
        Box::pin(self.read_file(repo, path, git_ref))
    }

    fn ensure_branch<'a>(
        &'a self,
        repo: &'a RepoName,
        branch: &'a str,
        from_sha: &'a str,
    ) -> ForgeFuture<'a, BranchState> {
        Box::pin(self.create_branch_once(repo, branch, from_sha))
    }

    fn commit_files<'a>(
        &'a self,
        repo: &'a RepoName,
        branch: &'a str,
        message: &'a str,
        files: &'a [FileChange],
    ) -> ForgeFuture<'a, String> {
        Box::pin(self.commit_changes(repo, branch, message, files))
    }

    fn find_pull<'a>(
        &'a self,
        repo: &'a RepoName,
        head_branch: &'a str,
    ) -> ForgeFuture<'a, Option<PullRequest>> {
        Box::pin(self.pull_for_head(repo, head_branch))
    }

    fn open_draft_pull<'a>(
        &'a self,
        repo: &'a RepoName,
        pull: &'a NewPull,
    ) -> ForgeFuture<'a, PullRequest> {
        Box::pin(self.open_draft_once(repo, pull))
    }

    fn pull<'a>(&'a self, repo: &'a RepoName, number: u64) -> ForgeFuture<'a, PullRequest> {
        Box::pin(self.pull_by_number(repo, number))
    }

    fn compare<'a>(
        &'a self,
        repo: &'a RepoName,
        base: &'a str,
        head: &'a str,
    ) -> ForgeFuture<'a, Comparison> {
        Box::pin(self.compare_commits(repo, base, head))
    }
}
