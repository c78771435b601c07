//! The GitHub emulator's pull requests (`pulls/list` filtered by head, `pulls/create`
//! with GitHub's 422s, `pulls/get`), issue labels (`issues/add-labels`, labels created on
//! first use) and `repos/compare-commits-with-basehead`.

use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::RouteKind;
use super::ops::parse;
use super::render::Site;
use super::render_pull::comparison;
use super::serve::{Answer, Incoming};
use super::state::{PullRecord, RepoState};

pub(super) fn run(site: &Site, repo: &mut RepoState, ids: &mut u64, request: &Incoming) -> Answer {
    let result = match request.target.kind {
        RouteKind::ListPulls => list_pulls(site, repo, request),
        RouteKind::CreatePull => parse(&request.body).and_then(|b| create_pull(site, repo, ids, b)),
        RouteKind::GetPull => find(repo, &request.target.rest)
            .map(|i| Answer::ok(StatusCode::OK, site.pull(repo, &repo.pulls[i], true))),
        RouteKind::AddLabels => {
            parse(&request.body).and_then(|b| add_labels(site, repo, ids, &request.target.rest, b))
        }
        RouteKind::Compare => compare(site, repo, request),
        _ => Err(Answer::not_found()),
    };
    result.unwrap_or_else(|answer| answer)
}

fn find(repo: &RepoState, number: &str) -> Result<usize, Answer> {
    let number: u64 = number.parse().map_err(|_| Answer::not_found())?;
    repo.pulls
        .iter()
        .position(|p| p.number == number)
        .ok_or_else(Answer::not_found)
}

fn failed(resource_errors: Value) -> Answer {
    Answer::invalid("Validation Failed", resource_errors)
}

fn list_pulls(site: &Site, repo: &RepoState, request: &Incoming) -> Result<Answer, Answer> {
    let state = request.query("state").unwrap_or("open");
    if !matches!(state, "open" | "closed" | "all") {
        return Err(failed(
            json!([{ "resource": "PullRequest", "field": "state", "code": "invalid" }]),
        ));
    }
    let per_page: usize = request
        .query("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page: usize = request
        .query("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let head = request.query("head");
    let mut pulls: Vec<&PullRecord> = repo
        .pulls
        .iter()
        .filter(|p| match state {
            "open" => p.open,
            "closed" => !p.open,
            _ => true,
        })
        .filter(|p| {
            head.is_none_or(|h| match h.split_once(':') {
                Some((owner, branch)) => {
                    owner.eq_ignore_ascii_case(&repo.owner) && branch == p.head
                }
                None => false,
            })
        })
        .filter(|p| request.query("base").is_none_or(|b| b == p.base))
        .collect();
    pulls.sort_by_key(|p| std::cmp::Reverse(p.number));
    if request.query("direction") == Some("asc") {
        pulls.reverse();
    }
    let page: Vec<Value> = pulls
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|p| site.pull(repo, p, false))
        .collect();
    Ok(Answer::ok(StatusCode::OK, Value::Array(page)))
}

#[derive(Deserialize)]
struct CreatePull {
    #[serde(default)]
    title: Option<String>,
    head: String,
    base: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    maintainer_can_modify: Option<bool>,
}

fn create_pull(
    site: &Site,
    repo: &mut RepoState,
    ids: &mut u64,
    body: CreatePull,
) -> Result<Answer, Answer> {
    let Some(title) = body.title.filter(|t| !t.trim().is_empty()) else {
        return Err(failed(
            json!([{ "resource": "Issue", "field": "title", "code": "missing_field" }]),
        ));
    };
    let head = match body.head.split_once(':') {
        Some((owner, branch)) if owner.eq_ignore_ascii_case(&repo.owner) => branch.to_owned(),
        Some(_) => String::new(),
        None => body.head.clone(),
    };
    let Some(base_sha) = repo.branches.get(&body.base).cloned() else {
        return Err(failed(
            json!([{ "resource": "PullRequest", "field": "base", "code": "invalid" }]),
        ));
    };
    let Some(head_sha) = repo.branches.get(&head).cloned() else {
        return Err(failed(
            json!([{ "resource": "PullRequest", "field": "head", "code": "invalid" }]),
        ));
    };
    let duplicate = repo
        .pulls
        .iter()
        .any(|p| p.open && p.head == head && p.base == body.base);
    if duplicate {
        let message = format!("A pull request already exists for {}:{head}.", repo.owner);
        return Err(failed(
            json!([{ "resource": "PullRequest", "code": "custom", "message": message }]),
        ));
    }
    if repo.compare(&base_sha, &head_sha).0.is_empty() {
        let message = format!("No commits between {} and {head}", body.base);
        return Err(failed(
            json!([{ "resource": "PullRequest", "code": "custom", "message": message }]),
        ));
    }
    *ids += 1;
    let number = repo.next_number;
    repo.next_number += 1;
    let now = Utc::now();
    repo.pulls.push(PullRecord {
        id: *ids,
        number,
        title,
        body: body.body,
        head,
        base: body.base,
        draft: body.draft,
        maintainer_can_modify: body.maintainer_can_modify.unwrap_or(true),
        open: true,
        merged_at: None,
        merge_commit_sha: None,
        frozen_shas: None,
        labels: Vec::new(),
        created_at: now,
        updated_at: now,
    });
    let pull = repo.pulls.last().map(|p| site.pull(repo, p, true));
    let mut answer = Answer::ok(StatusCode::CREATED, pull.unwrap_or_default());
    answer.location = Some(site.api_url(&format!("repos/{}/pulls/{number}", repo.full_name())));
    Ok(answer)
}

#[derive(Deserialize)]
struct AddLabels {
    labels: Vec<LabelName>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum LabelName {
    Name(String),
    Object { name: String },
}

fn add_labels(
    site: &Site,
    repo: &mut RepoState,
    ids: &mut u64,
    number: &str,
    body: AddLabels,
) -> Result<Answer, Answer> {
    let index = find(repo, number)?;
    if body.labels.is_empty() {
        return Err(failed(
            json!([{ "resource": "Label", "field": "labels", "code": "missing_field" }]),
        ));
    }
    for label in body.labels {
        let name = match label {
            LabelName::Name(name) | LabelName::Object { name } => name,
        };
        if name.trim().is_empty() {
            return Err(failed(
                json!([{ "resource": "Label", "field": "name", "code": "missing_field" }]),
            ));
        }
        if !repo.labels.contains_key(&name) {
            *ids += 1;
            repo.labels.insert(name.clone(), *ids);
        }
        let pull = &mut repo.pulls[index];
        if !pull.labels.contains(&name) {
            pull.labels.push(name);
            pull.updated_at = Utc::now();
        }
    }
    let labels: Vec<Value> = repo.pulls[index]
        .labels
        .iter()
        .map(|l| site.label(repo, l))
        .collect();
    Ok(Answer::ok(StatusCode::OK, Value::Array(labels)))
}

fn compare(site: &Site, repo: &RepoState, request: &Incoming) -> Result<Answer, Answer> {
    let spec = &request.target.rest;
    let (base, head) = spec.split_once("...").ok_or_else(Answer::not_found)?;
    let base_sha = repo.resolve(base).ok_or_else(Answer::not_found)?;
    let head_sha = repo.resolve(head).ok_or_else(Answer::not_found)?;
    let per_page: usize = request
        .query("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(250)
        .clamp(1, 250);
    let body = comparison(site, repo, spec, &base_sha, &head_sha, per_page);
    Ok(Answer::ok(StatusCode::OK, body))
}
