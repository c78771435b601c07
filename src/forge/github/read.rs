//! Reads: the default branch and its head (`repos/get`, `git/get-ref`), and text files
//! through the contents API (`repos/get-content`), base64-decoded and checked to be
//! UTF-8 and at most 1 MiB.

use base64::Engine;

use super::rest::Request;
use super::wire::{Content, ContentEntry, GitRef, Repository};
use super::{FILE_SIZE_MAX, GitHub};
use crate::forge::{BranchHead, ForgeError, RepoFile, RepoName};

impl GitHub {
    pub(super) async fn default_branch_head(
        &self,
        repo: &RepoName,
    ) -> Result<BranchHead, ForgeError> {
        let subject = format!("repository {repo}");
        let path = format!("repos/{}/{}", repo.owner(), repo.name());
        let answer: Repository = self
            .call(&Request::get("repos/get", path, &subject))
            .await?;
        let sha = self
            .branch_sha(repo, &answer.default_branch)
            .await?
            .ok_or_else(|| ForgeError::NotFound {
                vendor: super::VENDOR,
                operation: "git/get-ref",
                what: format!("{repo} default branch {}", answer.default_branch),
            })?;
        Ok(BranchHead {
            name: answer.default_branch,
            sha,
        })
    }

    /// The commit `branch` points at, or `None` when there is no such branch.
    pub(super) async fn branch_sha(
        &self,
        repo: &RepoName,
        branch: &str,
    ) -> Result<Option<String>, ForgeError> {
        let subject = format!("{repo} branch {branch}");
        let path = format!(
            "repos/{}/{}/git/ref/heads/{branch}",
            repo.owner(),
            repo.name()
        );
        match self
            .call::<GitRef>(&Request::get("git/get-ref", path, &subject))
            .await
        {
            Ok(found) => Ok(Some(branch_target(found, branch)?)),
            Err(ForgeError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(super) async fn read_file(
        &self,
        repo: &RepoName,
        path: &str,
        git_ref: &str,
    ) -> Result<Option<RepoFile>, ForgeError> {
        check_path(path)?;
        let subject = format!("{repo} {path} at {git_ref}");
        let request = Request::get(
            "repos/get-content",
            format!("repos/{}/{}/contents/{path}", repo.owner(), repo.name()),
            &subject,
        )
        .query("ref", git_ref);
        match self.call::<Content>(&request).await {
            Ok(Content::Entry(entry)) => decode_file(entry).map(Some),
            Ok(Content::Listing(entries)) => Err(ForgeError::NotAFile {
                path: path.to_owned(),
                kind: format!("directory of {} entries", entries.len()),
            }),
            Err(ForgeError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The commit a `refs/heads/<branch>` answer points at (checked to be that ref, and a
/// commit).
pub(super) fn branch_target(found: GitRef, branch: &str) -> Result<String, ForgeError> {
    if found.name != format!("refs/heads/{branch}") || found.object.kind != "commit" {
        return Err(ForgeError::Shape {
            vendor: super::VENDOR,
            operation: "git/get-ref",
            detail: format!(
                "asked for refs/heads/{branch}, got {} ({})",
                found.name, found.object.kind
            ),
        });
    }
    Ok(found.object.sha)
}

fn decode_file(entry: ContentEntry) -> Result<RepoFile, ForgeError> {
    if entry.kind != "file" {
        return Err(ForgeError::NotAFile {
            path: entry.path,
            kind: entry.kind,
        });
    }
    let too_large = ForgeError::FileTooLarge {
        path: entry.path.clone(),
        size: entry.size,
        limit: FILE_SIZE_MAX,
    };
    if entry.size > FILE_SIZE_MAX {
        return Err(too_large);
    }
    // Files of 1-100 MB come with `encoding: "none"` and an empty content.
    let (Some(content), Some("base64")) = (entry.content, entry.encoding.as_deref()) else {
        return Err(too_large);
    };
    let packed: String = content.split_ascii_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .map_err(|e| ForgeError::Shape {
            vendor: super::VENDOR,
            operation: "repos/get-content",
            detail: format!("{}: content is not base64: {e}", entry.path),
        })?;
    let content = String::from_utf8(bytes).map_err(|_| ForgeError::NotUtf8 {
        path: entry.path.clone(),
    })?;
    Ok(RepoFile {
        path: entry.path,
        sha: entry.sha,
        content,
    })
}

/// A repository path: relative, no empty, `.` or `..` segments.
pub(super) fn check_path(path: &str) -> Result<(), ForgeError> {
    let ok = !path.is_empty()
        && path
            .split('/')
            .all(|segment| !matches!(segment, "" | "." | ".."))
        && !path.chars().any(|c| c.is_control());
    if ok {
        Ok(())
    } else {
        Err(ForgeError::Config(format!(
            "{path:?} is not a path inside a repository"
        )))
    }
}
