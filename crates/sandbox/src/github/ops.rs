//! The GitHub emulator's operations: dispatch by route, request-body decoding with
//! GitHub's errors (400 for JSON that does not parse, 422 for the wrong shape), and the
//! repository and contents operations (`repos/get`, `repos/get-content`,
//! `repos/create-or-update-file-contents`).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::StatusCode;
use base64::Engine;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::render::Site;
use super::serve::{Answer, Incoming};
use super::state::RepoState;
use super::{GitHubSandbox, RouteKind, ops_git, ops_pulls};

pub(super) fn run(sandbox: &GitHubSandbox, site: &Site, request: &Incoming) -> Answer {
    let mut inner = sandbox.lock();
    let inner = &mut *inner;
    let key = request.target.repo.to_ascii_lowercase();
    let Some(repo) = inner.repos.get_mut(&key) else {
        return Answer::not_found();
    };
    let ids = &mut inner.next_id;
    match request.target.kind {
        RouteKind::GetRepo => Answer::ok(StatusCode::OK, site.repository(repo)),
        RouteKind::GetContent => get_content(site, repo, request),
        RouteKind::PutContent => put_content(site, repo, request),
        RouteKind::GetRef
        | RouteKind::CreateRef
        | RouteKind::UpdateRef
        | RouteKind::CreateTree
        | RouteKind::GetCommit
        | RouteKind::CreateCommit => ops_git::run(site, repo, request),
        RouteKind::ListPulls
        | RouteKind::CreatePull
        | RouteKind::GetPull
        | RouteKind::AddLabels
        | RouteKind::Compare => ops_pulls::run(site, repo, ids, request),
    }
}

/// Decodes a request body the way GitHub judges it.
pub(super) fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, Answer> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| Answer::error(StatusCode::BAD_REQUEST, "Problems parsing JSON"))?;
    serde_json::from_value(value)
        .map_err(|e| Answer::invalid(&format!("Invalid request.\n\n{e}"), json!([])))
}

fn get_content(site: &Site, repo: &RepoState, request: &Incoming) -> Answer {
    let path = request.target.rest.trim_end_matches('/');
    let git_ref = request.query("ref").unwrap_or(&repo.default_branch);
    let Some(commit) = repo.resolve(git_ref) else {
        return Answer::error(
            StatusCode::NOT_FOUND,
            &format!("No commit found for the ref {git_ref}"),
        );
    };
    let Some(tree) = repo.tree_of(&commit) else {
        return Answer::not_found();
    };
    if let Some(blob) = tree.get(path) {
        return Answer::ok(StatusCode::OK, site.content_file(repo, path, blob, git_ref));
    }
    let prefix = format!("{path}/");
    let mut children: BTreeMap<String, Value> = BTreeMap::new();
    for (file, blob) in tree.range(prefix.clone()..) {
        let Some(below) = file.strip_prefix(&prefix) else {
            break;
        };
        let entry = match below.split_once('/') {
            Some((dir, _)) => {
                let dir_path = format!("{prefix}{dir}");
                let sha = super::state::object_id(&[b"dir", dir_path.as_bytes()]);
                site.content_dir_entry(repo, &dir_path, "dir", &sha, 0)
            }
            None => {
                let size = repo.blobs.get(blob).map_or(0, Vec::len);
                site.content_dir_entry(repo, file, "file", blob, size)
            }
        };
        let name = below.split('/').next().unwrap_or(below).to_owned();
        children.entry(name).or_insert(entry);
    }
    if children.is_empty() {
        return Answer::not_found();
    }
    Answer::ok(
        StatusCode::OK,
        Value::Array(children.into_values().collect()),
    )
}

#[derive(Deserialize)]
struct PutContent {
    message: String,
    content: String,
    #[serde(default)]
    sha: Option<String>,
    #[serde(default)]
    branch: Option<String>,
}

fn put_content(site: &Site, repo: &mut RepoState, request: &Incoming) -> Answer {
    let body: PutContent = match parse(&request.body) {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let path = request.target.rest.clone();
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(body.content.trim()) else {
        return Answer::invalid("content is not valid Base64", json!([]));
    };
    let branch = body.branch.unwrap_or_else(|| repo.default_branch.clone());
    let Some(head) = repo.branches.get(&branch).cloned() else {
        return Answer::error(StatusCode::NOT_FOUND, &format!("Branch {branch} not found"));
    };
    let mut tree = repo.tree_of(&head).cloned().unwrap_or_default();
    let existing = tree.get(&path).cloned();
    match (&existing, &body.sha) {
        (Some(_), None) => {
            return Answer::invalid("Invalid request.\n\n\"sha\" wasn't supplied.", json!([]));
        }
        (Some(current), Some(given)) if current != given => {
            return Answer::error(
                StatusCode::CONFLICT,
                &format!("{path} does not match {given}"),
            );
        }
        _ => {}
    }
    let blob = repo.store_blob(bytes);
    tree.insert(path.clone(), blob.clone());
    let Some(commit) = repo.commit_tree_on(&branch, tree, &body.message) else {
        return Answer::not_found();
    };
    let file = site.content_file(repo, &path, &blob, &branch);
    let content = json!({
        "name": file["name"], "path": path, "sha": blob, "size": file["size"],
        "url": file["url"], "html_url": file["html_url"], "git_url": file["git_url"],
        "download_url": file["download_url"], "type": "file", "_links": file["_links"],
    });
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let commit = site.git_commit(repo, &commit);
    Answer::ok(status, json!({ "content": content, "commit": commit }))
}
