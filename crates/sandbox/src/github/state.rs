//! What the GitHub emulator holds per repository: content-addressed blobs and (flat)
//! trees, commits with parents, branches, tags, pull requests and labels; and the git
//! reasoning over them (ancestry, merge bases, comparisons, three-way merges by path).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// A tree: every file's full path → its blob sha (directories are implied).
pub(super) type Tree = BTreeMap<String, String>;

/// A sha-like id (40 hex digits) of `parts`.
pub(super) fn object_id(parts: &[&[u8]]) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update((part.len() as u64).to_le_bytes());
        digest.update(part);
    }
    digest.finalize()[..20]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, Clone)]
pub(super) struct Commit {
    pub(super) tree: String,
    pub(super) parents: Vec<String>,
    pub(super) message: String,
    pub(super) at: DateTime<Utc>,
    /// Creation order within the repository.
    pub(super) serial: u64,
}

/// A pull request as the emulator keeps it.
#[derive(Debug, Clone)]
pub(super) struct PullRecord {
    pub(super) id: u64,
    pub(super) number: u64,
    pub(super) title: String,
    pub(super) body: Option<String>,
    pub(super) head: String,
    pub(super) base: String,
    pub(super) draft: bool,
    pub(super) maintainer_can_modify: bool,
    pub(super) open: bool,
    pub(super) merged_at: Option<DateTime<Utc>>,
    pub(super) merge_commit_sha: Option<String>,
    /// The head and base commits when it was merged or closed (branches may move on).
    pub(super) frozen_shas: Option<(String, String)>,
    pub(super) labels: Vec<String>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
}

pub(super) struct RepoState {
    pub(super) id: u64,
    pub(super) owner: String,
    pub(super) name: String,
    pub(super) default_branch: String,
    pub(super) created_at: DateTime<Utc>,
    pub(super) blobs: HashMap<String, Vec<u8>>,
    pub(super) trees: HashMap<String, Tree>,
    pub(super) commits: HashMap<String, Commit>,
    pub(super) branches: BTreeMap<String, String>,
    /// Lightweight tags: name → commit sha (a release's tag).
    pub(super) tags: BTreeMap<String, String>,
    pub(super) pulls: Vec<PullRecord>,
    /// Label name → id (labels are created on first use, as GitHub does).
    pub(super) labels: BTreeMap<String, u64>,
    /// Issue and pull request numbers share one sequence.
    pub(super) next_number: u64,
    commit_serial: u64,
}

impl RepoState {
    /// A repository whose default branch holds one commit with an empty tree.
    pub(super) fn new(id: u64, owner: &str, name: &str, default_branch: &str) -> RepoState {
        let now = Utc::now();
        let mut repo = RepoState {
            id,
            owner: owner.to_owned(),
            name: name.to_owned(),
            default_branch: default_branch.to_owned(),
            created_at: now,
            blobs: HashMap::new(),
            trees: HashMap::new(),
            commits: HashMap::new(),
            branches: BTreeMap::new(),
            tags: BTreeMap::new(),
            pulls: Vec::new(),
            labels: BTreeMap::new(),
            next_number: 1,
            commit_serial: 0,
        };
        let empty = repo.store_tree(Tree::new());
        let first = repo.store_commit(empty, Vec::new(), "Initial commit".into());
        repo.branches.insert(default_branch.to_owned(), first);
        repo
    }

    pub(super) fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    pub(super) fn store_blob(&mut self, content: Vec<u8>) -> String {
        let sha = object_id(&[b"blob", &content]);
        self.blobs.entry(sha.clone()).or_insert(content);
        sha
    }

    pub(super) fn store_tree(&mut self, tree: Tree) -> String {
        let mut parts: Vec<&[u8]> = vec![b"tree"];
        for (path, blob) in &tree {
            parts.push(path.as_bytes());
            parts.push(blob.as_bytes());
        }
        let sha = object_id(&parts);
        self.trees.entry(sha.clone()).or_insert(tree);
        sha
    }

    /// A new commit (every commit is distinct, like real ones with their timestamps).
    pub(super) fn store_commit(
        &mut self,
        tree: String,
        parents: Vec<String>,
        message: String,
    ) -> String {
        self.commit_serial += 1;
        let serial = self.commit_serial.to_le_bytes();
        let mut parts: Vec<&[u8]> = vec![b"commit", tree.as_bytes(), message.as_bytes(), &serial];
        parts.extend(parents.iter().map(|p| p.as_bytes()));
        let sha = object_id(&parts);
        self.commits.insert(
            sha.clone(),
            Commit {
                tree,
                parents,
                message,
                at: Utc::now(),
                serial: self.commit_serial,
            },
        );
        sha
    }

    /// A branch name, a tag name or a full commit sha → the commit sha (in that order, as
    /// git resolves a short name).
    pub(super) fn resolve(&self, rev: &str) -> Option<String> {
        if let Some(sha) = self.branches.get(rev).or_else(|| self.tags.get(rev)) {
            return Some(sha.clone());
        }
        self.commits.contains_key(rev).then(|| rev.to_owned())
    }

    pub(super) fn tree_of(&self, commit: &str) -> Option<&Tree> {
        let commit = self.commits.get(commit)?;
        self.trees.get(&commit.tree)
    }

    /// Commits a whole new tree on `branch` (which must exist).
    pub(super) fn commit_tree_on(
        &mut self,
        branch: &str,
        tree: Tree,
        message: &str,
    ) -> Option<String> {
        let parent = self.branches.get(branch)?.clone();
        let tree = self.store_tree(tree);
        let sha = self.store_commit(tree, vec![parent], message.to_owned());
        self.branches.insert(branch.to_owned(), sha.clone());
        Some(sha)
    }

    /// Every commit reachable from `sha`, itself included.
    pub(super) fn ancestors(&self, sha: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([sha.to_owned()]);
        while let Some(next) = queue.pop_front() {
            if !seen.insert(next.clone()) {
                continue;
            }
            if let Some(commit) = self.commits.get(&next) {
                queue.extend(commit.parents.iter().cloned());
            }
        }
        seen
    }

    /// The nearest common ancestor of `a` and `b` (breadth first from `b`).
    pub(super) fn merge_base(&self, a: &str, b: &str) -> Option<String> {
        let of_a = self.ancestors(a);
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([b.to_owned()]);
        while let Some(next) = queue.pop_front() {
            if of_a.contains(&next) {
                return Some(next);
            }
            if !seen.insert(next.clone()) {
                continue;
            }
            if let Some(commit) = self.commits.get(&next) {
                queue.extend(commit.parents.iter().cloned());
            }
        }
        None
    }

    /// Commits only `head` reaches (oldest first) and how many only `base` reaches.
    pub(super) fn compare(&self, base: &str, head: &str) -> (Vec<String>, usize) {
        let of_base = self.ancestors(base);
        let of_head = self.ancestors(head);
        let mut ahead: Vec<String> = of_head.difference(&of_base).cloned().collect();
        ahead.sort_by_key(|sha| self.commits.get(sha).map(|c| c.serial));
        (ahead, of_base.difference(&of_head).count())
    }

    /// Merges `head` into `base` with a merge commit: paths `head` changed since the
    /// merge base take `head`'s version (a path both changed differently is a conflict).
    pub(super) fn merge(
        &mut self,
        base: &str,
        head: &str,
        message: &str,
    ) -> Result<String, String> {
        let base_sha = self.resolve(base).ok_or("no base branch")?;
        let head_sha = self.resolve(head).ok_or("no head branch")?;
        let common = self
            .merge_base(&base_sha, &head_sha)
            .ok_or("no common history")?;
        let empty = Tree::new();
        let ancestor = self.tree_of(&common).unwrap_or(&empty).clone();
        let ours = self.tree_of(&base_sha).unwrap_or(&empty).clone();
        let theirs = self.tree_of(&head_sha).unwrap_or(&empty).clone();
        let mut merged = ours.clone();
        let paths: BTreeSet<&String> = ancestor.keys().chain(theirs.keys()).collect();
        for path in paths {
            let (was, now) = (ancestor.get(path), theirs.get(path));
            if was == now {
                continue;
            }
            if ours.get(path) != was && ours.get(path) != now {
                return Err(format!("merge conflict in {path}"));
            }
            match now {
                Some(blob) => merged.insert(path.clone(), blob.clone()),
                None => merged.remove(path),
            };
        }
        let tree = self.store_tree(merged);
        let sha = self.store_commit(tree, vec![base_sha, head_sha], message.to_owned());
        self.branches.insert(base.to_owned(), sha.clone());
        Ok(sha)
    }
}
