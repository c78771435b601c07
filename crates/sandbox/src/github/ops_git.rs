//! The GitHub emulator's git data API: refs (`git/get-ref` of a branch or a tag, `git/create-ref`,
//! `git/update-ref` — fast-forward only unless forced), trees (`git/create-tree` on a
//! `base_tree`) and commits (`git/get-commit`, `git/create-commit`).

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::RouteKind;
use super::ops::parse;
use super::render::Site;
use super::serve::{Answer, Incoming};
use super::state::RepoState;

pub(super) fn run(site: &Site, repo: &mut RepoState, request: &Incoming) -> Answer {
    let result = match request.target.kind {
        RouteKind::GetRef => get_ref(site, repo, &request.target.rest),
        RouteKind::CreateRef => parse(&request.body).and_then(|b| create_ref(site, repo, b)),
        RouteKind::UpdateRef => {
            parse(&request.body).and_then(|b| update_ref(site, repo, &request.target.rest, b))
        }
        RouteKind::CreateTree => parse(&request.body).and_then(|b| create_tree(site, repo, b)),
        RouteKind::GetCommit => get_commit(site, repo, &request.target.rest),
        RouteKind::CreateCommit => parse(&request.body).and_then(|b| create_commit(site, repo, b)),
        _ => Err(Answer::not_found()),
    };
    result.unwrap_or_else(|answer| answer)
}

fn invalid(message: &str) -> Answer {
    Answer::invalid(message, json!([]))
}

/// `heads/<branch>` → the branch name.
fn branch_of(git_ref: &str) -> Option<&str> {
    git_ref.strip_prefix("heads/").filter(|b| !b.is_empty())
}

/// `heads/<branch>` or `tags/<tag>` (a lightweight tag: its object is the commit).
fn get_ref(site: &Site, repo: &RepoState, git_ref: &str) -> Result<Answer, Answer> {
    if let Some(branch) = branch_of(git_ref) {
        let sha = repo.branches.get(branch).ok_or_else(Answer::not_found)?;
        return Ok(Answer::ok(StatusCode::OK, site.git_ref(repo, branch, sha)));
    }
    let tag = git_ref
        .strip_prefix("tags/")
        .filter(|t| !t.is_empty())
        .ok_or_else(Answer::not_found)?;
    let sha = repo.tags.get(tag).ok_or_else(Answer::not_found)?;
    Ok(Answer::ok(
        StatusCode::OK,
        site.git_ref_named(repo, &format!("refs/tags/{tag}"), sha),
    ))
}

#[derive(Deserialize)]
struct CreateRef {
    #[serde(rename = "ref")]
    name: String,
    sha: String,
}

fn create_ref(site: &Site, repo: &mut RepoState, body: CreateRef) -> Result<Answer, Answer> {
    let valid = body.name.starts_with("refs/") && body.name.matches('/').count() >= 2;
    let branch = body
        .name
        .strip_prefix("refs/heads/")
        .filter(|b| valid && valid_branch(b))
        .ok_or_else(|| invalid("Reference name is invalid"))?;
    if !repo.commits.contains_key(&body.sha) {
        return Err(invalid("Object does not exist"));
    }
    if repo.branches.contains_key(branch) {
        return Err(invalid("Reference already exists"));
    }
    repo.branches.insert(branch.to_owned(), body.sha.clone());
    let mut answer = Answer::ok(StatusCode::CREATED, site.git_ref(repo, branch, &body.sha));
    answer.location = Some(site.api_url(&format!(
        "repos/{}/git/refs/heads/{branch}",
        repo.full_name()
    )));
    Ok(answer)
}

/// Git's branch-name rules, enough to refuse what GitHub refuses.
fn valid_branch(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['/', '-', '.'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && !name
            .chars()
            .any(|c| c.is_control() || " ~^:?*[\\".contains(c))
}

#[derive(Deserialize)]
struct UpdateRef {
    sha: String,
    #[serde(default)]
    force: bool,
}

fn update_ref(
    site: &Site,
    repo: &mut RepoState,
    git_ref: &str,
    body: UpdateRef,
) -> Result<Answer, Answer> {
    let branch = branch_of(git_ref).ok_or_else(|| invalid("Reference does not exist"))?;
    let current = repo
        .branches
        .get(branch)
        .cloned()
        .ok_or_else(|| invalid("Reference does not exist"))?;
    if !repo.commits.contains_key(&body.sha) {
        return Err(invalid("Object does not exist"));
    }
    if !body.force && !repo.ancestors(&body.sha).contains(&current) {
        return Err(invalid("Update is not a fast forward"));
    }
    repo.branches.insert(branch.to_owned(), body.sha.clone());
    Ok(Answer::ok(
        StatusCode::OK,
        site.git_ref(repo, branch, &body.sha),
    ))
}

#[derive(Deserialize)]
struct CreateTree {
    #[serde(default)]
    base_tree: Option<String>,
    tree: Vec<TreeEntry>,
}

#[derive(Deserialize)]
struct TreeEntry {
    path: String,
    #[serde(rename = "type")]
    kind: String,
    /// Absent, a blob sha, or `null` (delete the path).
    #[serde(default)]
    sha: Option<Value>,
    #[serde(default)]
    content: Option<String>,
}

fn create_tree(site: &Site, repo: &mut RepoState, body: CreateTree) -> Result<Answer, Answer> {
    let mut tree = match &body.base_tree {
        Some(base) => repo
            .trees
            .get(base)
            .cloned()
            .ok_or_else(|| invalid("base_tree is not a valid tree oid"))?,
        None => Default::default(),
    };
    for entry in body.tree {
        if entry.kind != "blob" {
            return Err(invalid("Only blob entries are supported by this emulator"));
        }
        if entry.path.is_empty() || entry.path.starts_with('/') || entry.path.ends_with('/') {
            return Err(invalid("tree.path contains a malformed path component"));
        }
        match (entry.sha, entry.content) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "Must supply either tree.sha or tree.content, not both",
                ));
            }
            (None, Some(content)) => {
                let blob = repo.store_blob(content.into_bytes());
                tree.insert(entry.path, blob);
            }
            (Some(Value::Null), None) => {
                tree.remove(&entry.path);
            }
            (Some(Value::String(sha)), None) if repo.blobs.contains_key(&sha) => {
                tree.insert(entry.path, sha);
            }
            (Some(_), None) => return Err(invalid("tree.sha is not a valid blob")),
            (None, None) => return Err(invalid("Must supply tree.sha or tree.content")),
        }
    }
    let sha = repo.store_tree(tree);
    Ok(Answer::ok(StatusCode::CREATED, site.git_tree(repo, &sha)))
}

fn get_commit(site: &Site, repo: &RepoState, sha: &str) -> Result<Answer, Answer> {
    if !repo.commits.contains_key(sha) {
        return Err(Answer::not_found());
    }
    Ok(Answer::ok(StatusCode::OK, site.git_commit(repo, sha)))
}

#[derive(Deserialize)]
struct CreateCommit {
    message: String,
    tree: String,
    #[serde(default)]
    parents: Vec<String>,
}

fn create_commit(site: &Site, repo: &mut RepoState, body: CreateCommit) -> Result<Answer, Answer> {
    if !repo.trees.contains_key(&body.tree) {
        return Err(invalid("Tree SHA does not exist"));
    }
    if body.parents.iter().any(|p| !repo.commits.contains_key(p)) {
        return Err(invalid(
            "Parent SHA does not exist or is not a commit object",
        ));
    }
    let sha = repo.store_commit(body.tree, body.parents, body.message);
    let mut answer = Answer::ok(StatusCode::CREATED, site.git_commit(repo, &sha));
    answer.location = Some(site.api_url(&format!("repos/{}/git/commits/{sha}", repo.full_name())));
    Ok(answer)
}
