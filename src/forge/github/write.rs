//! Writes, each safe to repeat: `ensure_branch` over the git refs API (an existing
//! branch is reused, never moved) and `commit_files` over the git data API — one tree on
//! top of the branch head's tree, one commit, then a ref update that is never forced, so
//! a branch someone else pushed to in between is left alone (`RefMoved`).
//!
//! Files are written with mode `100644`: triaged's patches never touch executables.

use std::collections::BTreeSet;

use reqwest::Method;

use super::read::{branch_target, check_path};
use super::rest::Request;
use super::wire::{
    CreateCommit, CreateRef, CreateTree, GitCommit, GitRef, Sha, TreeEntry, UpdateRef,
};
use super::{GitHub, VENDOR};
use crate::forge::{BranchState, FileChange, ForgeError, RepoName};
use crate::http_client::Idempotency;

impl GitHub {
    pub(super) async fn create_branch_once(
        &self,
        repo: &RepoName,
        branch: &str,
        from_sha: &str,
    ) -> Result<BranchState, ForgeError> {
        self.check_ours(branch)?;
        let existing = |sha| BranchState {
            name: branch.to_owned(),
            sha,
            created: false,
        };
        if let Some(sha) = self.branch_sha(repo, branch).await? {
            return Ok(existing(sha));
        }
        let subject = format!("{repo} commit {from_sha}");
        let name = format!("refs/heads/{branch}");
        // Safe to repeat: a second create of the same ref is refused, and handled below.
        let request = Request::with_body(
            "git/create-ref",
            Method::POST,
            format!("repos/{}/{}/git/refs", repo.owner(), repo.name()),
            &CreateRef {
                name: &name,
                sha: from_sha,
            },
            Idempotency::Safe,
            &subject,
        )?;
        match self.call::<GitRef>(&request).await {
            Ok(created) => Ok(BranchState {
                name: branch.to_owned(),
                sha: branch_target(created, branch)?,
                created: true,
            }),
            Err(ForgeError::Rejected {
                status: 422,
                message,
                ..
            }) if message.contains("already exists") => {
                // Made by an earlier try of this call, or a concurrent run.
                let sha =
                    self.branch_sha(repo, branch)
                        .await?
                        .ok_or_else(|| ForgeError::RefMoved {
                            branch: branch.to_owned(),
                        })?;
                Ok(existing(sha))
            }
            Err(e) => Err(e),
        }
    }

    pub(super) async fn commit_changes(
        &self,
        repo: &RepoName,
        branch: &str,
        message: &str,
        files: &[FileChange],
    ) -> Result<String, ForgeError> {
        self.check_ours(branch)?;
        let mut seen = BTreeSet::new();
        for file in files {
            check_path(&file.path)?;
            if !seen.insert(file.path.as_str()) {
                return Err(ForgeError::Config(format!(
                    "{} is changed twice in one commit",
                    file.path
                )));
            }
        }
        let head = self
            .branch_sha(repo, branch)
            .await?
            .ok_or_else(|| ForgeError::NotFound {
                vendor: VENDOR,
                operation: "git/get-ref",
                what: format!("{repo} branch {branch}"),
            })?;
        let mut changed = Vec::new();
        for file in files {
            if self.needs_writing(repo, branch, &head, file).await? {
                changed.push(file);
            }
        }
        if changed.is_empty() {
            return Ok(head);
        }
        let commit = self.commit_on(repo, &head, message, &changed).await?;
        self.move_branch(repo, branch, &commit).await?;
        Ok(commit)
    }

    /// Whether `file` differs from what `branch` has at `head`; a file that changed since
    /// the patch was made from it is `StaleFile`.
    async fn needs_writing(
        &self,
        repo: &RepoName,
        branch: &str,
        head: &str,
        file: &FileChange,
    ) -> Result<bool, ForgeError> {
        let current = self.read_file(repo, &file.path, head).await?;
        if current.as_ref().is_some_and(|c| c.content == file.content) {
            return Ok(false);
        }
        let found = current.map(|c| c.sha);
        if found != file.base_sha {
            let name = |sha: Option<&String>| sha.map_or("none".to_owned(), Clone::clone);
            return Err(ForgeError::StaleFile {
                path: file.path.clone(),
                branch: branch.to_owned(),
                expected: name(file.base_sha.as_ref()),
                found: name(found.as_ref()),
            });
        }
        Ok(true)
    }

    /// A commit of `files` on top of `parent`; the branch is not moved yet.
    async fn commit_on(
        &self,
        repo: &RepoName,
        parent: &str,
        message: &str,
        files: &[&FileChange],
    ) -> Result<String, ForgeError> {
        let at = |tail: &str| format!("repos/{}/{}/git/{tail}", repo.owner(), repo.name());
        let subject = format!("{repo} commit {parent}");
        let parent_commit: GitCommit = self
            .call(&Request::get(
                "git/get-commit",
                at(&format!("commits/{parent}")),
                &subject,
            ))
            .await?;
        // Creating objects is safe to repeat: at worst an unused tree or commit is left.
        let tree = CreateTree {
            base_tree: &parent_commit.tree.sha,
            tree: files
                .iter()
                .map(|f| TreeEntry {
                    path: &f.path,
                    mode: "100644",
                    kind: "blob",
                    content: &f.content,
                })
                .collect(),
        };
        let tree: Sha = self
            .call(&Request::with_body(
                "git/create-tree",
                Method::POST,
                at("trees"),
                &tree,
                Idempotency::Safe,
                &subject,
            )?)
            .await?;
        let commit = CreateCommit {
            message,
            tree: &tree.sha,
            parents: [parent],
        };
        let commit: GitCommit = self
            .call(&Request::with_body(
                "git/create-commit",
                Method::POST,
                at("commits"),
                &commit,
                Idempotency::Safe,
                &subject,
            )?)
            .await?;
        Ok(commit.sha)
    }

    /// Fast-forwards `branch` to `commit`; never forced.
    async fn move_branch(
        &self,
        repo: &RepoName,
        branch: &str,
        commit: &str,
    ) -> Result<(), ForgeError> {
        let subject = format!("{repo} branch {branch}");
        let request = Request::with_body(
            "git/update-ref",
            Method::PATCH,
            format!(
                "repos/{}/{}/git/refs/heads/{branch}",
                repo.owner(),
                repo.name()
            ),
            &UpdateRef {
                sha: commit,
                force: false,
            },
            // Moving a ref to the commit it already points at changes nothing.
            Idempotency::Safe,
            &subject,
        )?;
        match self.call::<GitRef>(&request).await {
            Ok(moved) => {
                let now = branch_target(moved, branch)?;
                if now == commit {
                    Ok(())
                } else {
                    Err(ForgeError::RefMoved {
                        branch: branch.to_owned(),
                    })
                }
            }
            Err(ForgeError::Rejected {
                status: 422,
                message,
                ..
            }) if message.contains("fast forward") => Err(ForgeError::RefMoved {
                branch: branch.to_owned(),
            }),
            Err(e) => Err(e),
        }
    }
}
