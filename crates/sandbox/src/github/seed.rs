//! The GitHub emulator's seeding API (repositories, files pushed as a person would, a
//! release tag, a reviewer's merge) and what tests inspect (pull requests, branches, files, history).

use std::collections::BTreeMap;

use chrono::Utc;

use super::state::RepoState;
use super::{GitHubSandbox, PullView};

impl GitHubSandbox {
    /// Adds `owner/name` whose `default_branch` holds one empty commit.
    pub fn add_repo(&self, full_name: &str, default_branch: &str) {
        let (owner, name) = full_name.split_once('/').unwrap_or((full_name, ""));
        let mut inner = self.lock();
        let id = inner.next_id();
        let repo = RepoState::new(id, owner, name, default_branch);
        inner.repos.insert(full_name.to_ascii_lowercase(), repo);
    }

    /// Commits `content` at `path` on `branch` (created from the default branch if it
    /// does not exist), as a person pushing would; returns the commit sha.
    pub fn put_file(
        &self,
        repo: &str,
        branch: &str,
        path: &str,
        content: impl AsRef<[u8]>,
    ) -> Option<String> {
        let mut inner = self.lock();
        let repo = inner.repo_mut(repo)?;
        if !repo.branches.contains_key(branch) {
            let from = repo.branches.get(&repo.default_branch)?.clone();
            repo.branches.insert(branch.to_owned(), from);
        }
        let head = repo.branches.get(branch)?.clone();
        let mut tree = repo.tree_of(&head)?.clone();
        let blob = repo.store_blob(content.as_ref().to_vec());
        tree.insert(path.to_owned(), blob);
        repo.commit_tree_on(branch, tree, &format!("Update {path}"))
    }

    /// Tags `rev` (a branch, tag or commit sha) as `name`, as a release pipeline would;
    /// returns the tagged commit sha. An existing tag is not moved.
    pub fn tag(&self, repo: &str, name: &str, rev: &str) -> Option<String> {
        let mut inner = self.lock();
        let repo = inner.repo_mut(repo)?;
        if repo.tags.contains_key(name) || name.is_empty() {
            return None;
        }
        let sha = repo.resolve(rev)?;
        repo.tags.insert(name.to_owned(), sha.clone());
        Some(sha)
    }

    /// Merges pull request `number` as a reviewer would (a merge commit on the base);
    /// returns the merge commit sha.
    pub fn merge(&self, repo: &str, number: u64) -> Result<String, String> {
        let mut inner = self.lock();
        let repo = inner.repo_mut(repo).ok_or("no such repository")?;
        let index = repo
            .pulls
            .iter()
            .position(|p| p.number == number)
            .ok_or("no such pull request")?;
        let pull = repo.pulls[index].clone();
        if !pull.open {
            return Err("the pull request is closed".into());
        }
        let head_sha = repo.resolve(&pull.head).ok_or("the head branch is gone")?;
        let base_sha = repo.resolve(&pull.base).ok_or("the base branch is gone")?;
        let message = format!("Merge pull request #{number} from {}", pull.head);
        let sha = repo.merge(&pull.base, &pull.head, &message)?;
        let now = Utc::now();
        let record = &mut repo.pulls[index];
        record.open = false;
        record.draft = false;
        record.merged_at = Some(now);
        record.updated_at = now;
        record.merge_commit_sha = Some(sha.clone());
        record.frozen_shas = Some((head_sha, base_sha));
        Ok(sha)
    }

    /// The repository's pull requests, by number.
    pub fn pulls(&self, repo: &str) -> Vec<PullView> {
        let inner = self.lock();
        let Some(repo) = inner.repo(repo) else {
            return Vec::new();
        };
        repo.pulls
            .iter()
            .map(|p| PullView {
                number: p.number,
                title: p.title.clone(),
                body: p.body.clone(),
                head: p.head.clone(),
                base: p.base.clone(),
                draft: p.draft,
                open: p.open,
                merged: p.merged_at.is_some(),
                merge_commit_sha: p.merge_commit_sha.clone(),
                labels: p.labels.clone(),
            })
            .collect()
    }

    /// Branch name → head commit sha.
    pub fn branches(&self, repo: &str) -> BTreeMap<String, String> {
        let inner = self.lock();
        inner
            .repo(repo)
            .map(|r| r.branches.clone())
            .unwrap_or_default()
    }

    /// Commits reachable from `branch` (its history length).
    pub fn history_len(&self, repo: &str, branch: &str) -> usize {
        let inner = self.lock();
        let Some(repo) = inner.repo(repo) else {
            return 0;
        };
        repo.branches
            .get(branch)
            .map_or(0, |head| repo.ancestors(head).len())
    }

    /// The file's text at the head of `branch`.
    pub fn file_at(&self, repo: &str, branch: &str, path: &str) -> Option<String> {
        let inner = self.lock();
        let repo = inner.repo(repo)?;
        let head = repo.branches.get(branch)?;
        let blob = repo.tree_of(head)?.get(path)?;
        String::from_utf8(repo.blobs.get(blob)?.clone()).ok()
    }
}
