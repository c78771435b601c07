//! The code host's nouns in triaged's words: a repository name, branch heads, files,
//! file changes, pull requests and commit comparisons.

use std::fmt;

use super::ForgeError;

/// An `owner/name` repository, checked when made: GitHub's owner rules (letters, digits
/// and inner single hyphens, at most 39) and repository names (letters, digits, `.`,
/// `-`, `_`, at most 100, not `.` or `..`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoName {
    owner: String,
    name: String,
}

impl RepoName {
    pub fn parse(full_name: &str) -> Result<RepoName, ForgeError> {
        let bad = |why: &str| {
            ForgeError::Config(format!(
                "{full_name:?} is not a repository name (owner/name): {why}"
            ))
        };
        let (owner, name) = full_name
            .split_once('/')
            .ok_or_else(|| bad("no `/` between owner and name"))?;
        let owner_ok = !owner.is_empty()
            && owner.len() <= 39
            && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !owner.starts_with('-')
            && !owner.ends_with('-')
            && !owner.contains("--");
        if !owner_ok {
            return Err(bad(
                "the owner must be 1-39 letters, digits or inner single hyphens",
            ));
        }
        let name_ok = !name.is_empty()
            && name.len() <= 100
            && name != "."
            && name != ".."
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !name_ok {
            return Err(bad(
                "the name must be 1-100 letters, digits, `.`, `-` or `_`",
            ));
        }
        Ok(RepoName {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl std::str::FromStr for RepoName {
    type Err = ForgeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RepoName::parse(s)
    }
}

/// A branch and the commit it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchHead {
    pub name: String,
    pub sha: String,
}

/// A branch after `ensure_branch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchState {
    pub name: String,
    /// The commit the branch points at now (for a branch that existed, possibly ahead of
    /// the `from_sha` asked for).
    pub sha: String,
    /// Whether this call created it (false: it was already there).
    pub created: bool,
}

/// A text file read from the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFile {
    pub path: String,
    /// The blob sha (what a later change is checked against).
    pub sha: String,
    pub content: String,
}

/// A file's wanted content on a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub content: String,
    /// The blob sha the change was made from (`RepoFile::sha`); `None` for a new file.
    /// A file that has since changed on the branch is not overwritten.
    pub base_sha: Option<String>,
}

/// A pull request to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPull {
    pub title: String,
    pub body: String,
    /// The branch with the changes.
    pub head: String,
    /// The branch to merge into (usually the default branch).
    pub base: String,
    pub labels: Vec<String>,
}

/// Open or closed (a merged pull request is closed and `merged`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullState {
    Open,
    Closed,
}

/// A pull request as triaged tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    /// The web page of the pull request.
    pub url: String,
    pub state: PullState,
    pub draft: bool,
    pub merged: bool,
    /// Once merged: the commit that landed on the base branch.
    pub merge_commit_sha: Option<String>,
    pub head_branch: String,
    pub labels: Vec<String>,
}

/// How a head commit relates to a base commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComparisonStatus {
    /// The head has commits the base lacks, and none missing: head is after base.
    Ahead,
    /// The head lacks commits of the base, and has none of its own: head is before base.
    Behind,
    Identical,
    /// Each has commits the other lacks.
    Diverged,
}

/// The answer of `compare(base, head)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    pub status: ComparisonStatus,
    pub ahead_by: u64,
    pub behind_by: u64,
}

impl Comparison {
    /// Whether `head` contains `base` (it is the same commit or after it).
    pub fn head_contains_base(&self) -> bool {
        matches!(
            self.status,
            ComparisonStatus::Ahead | ComparisonStatus::Identical
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names_follow_github_rules() {
        let repo = RepoName::parse("acme/shop-api.v2_x").expect("valid");
        assert_eq!((repo.owner(), repo.name()), ("acme", "shop-api.v2_x"));
        assert_eq!(repo.to_string(), "acme/shop-api.v2_x");
        for bad in [
            "acme",
            "/shop",
            "acme/",
            "-acme/shop",
            "ac--me/shop",
            "acme/shop/extra",
            "acme/..",
            "ac me/shop",
            "acme/shop?x",
        ] {
            assert!(RepoName::parse(bad).is_err(), "{bad} accepted");
        }
        let long_owner = format!("{}/x", "a".repeat(40));
        assert!(RepoName::parse(&long_owner).is_err());
    }
}
