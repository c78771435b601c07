//! The GitHub emulator's pull requests (`pull-request`, `pull-request-simple`) and
//! commit comparisons (`commit-comparison`).

use serde_json::{Value, json};

use super::render::{Site, node_id, time};
use super::state::{PullRecord, RepoState};

/// The head and base commits a pull request shows: frozen once closed, else the
/// branches' current heads.
pub(super) fn pull_shas(repo: &RepoState, pull: &PullRecord) -> (String, String) {
    if let Some(frozen) = &pull.frozen_shas {
        return frozen.clone();
    }
    let head = repo.branches.get(&pull.head).cloned().unwrap_or_default();
    let base = repo.branches.get(&pull.base).cloned().unwrap_or_default();
    (head, base)
}

pub(super) fn pull(site: &Site, repo: &RepoState, pull: &PullRecord, full: bool) -> Value {
    let full_name = repo.full_name();
    let number = pull.number;
    let url = site.api_url(&format!("repos/{full_name}/pulls/{number}"));
    let html = format!("{}/{full_name}/pull/{number}", site.root);
    let issue = site.api_url(&format!("repos/{full_name}/issues/{number}"));
    let (head_sha, base_sha) = pull_shas(repo, pull);
    let side = |branch: &str, sha: &str| {
        json!({
            "label": format!("{}:{branch}", repo.owner), "ref": branch, "sha": sha,
            "user": site.user(&repo.owner, repo.id + 1_000_000, "Organization"),
            "repo": site.repository(repo),
        })
    };
    let statuses = site.api_url(&format!("repos/{full_name}/statuses/{head_sha}"));
    let link = |href: &str| json!({ "href": href });
    let labels: Vec<Value> = pull.labels.iter().map(|l| site.label(repo, l)).collect();
    let closed_at = (!pull.open).then(|| time(pull.updated_at));
    let mut out = json!({
        "url": url, "id": pull.id, "node_id": node_id("PullRequest", pull.id),
        "html_url": html, "diff_url": format!("{html}.diff"), "patch_url": format!("{html}.patch"),
        "issue_url": issue, "commits_url": format!("{url}/commits"),
        "review_comments_url": format!("{url}/comments"),
        "review_comment_url": site.api_url(&format!("repos/{full_name}/pulls/comments{{/number}}")),
        "comments_url": format!("{issue}/comments"), "statuses_url": statuses,
        "number": number, "state": if pull.open { "open" } else { "closed" }, "locked": false,
        "title": pull.title, "user": site.bot(), "body": pull.body, "labels": labels,
        "milestone": null, "active_lock_reason": null,
        "created_at": time(pull.created_at), "updated_at": time(pull.updated_at),
        "closed_at": closed_at, "merged_at": pull.merged_at.map(time),
        "merge_commit_sha": pull.merge_commit_sha, "assignee": null, "assignees": [],
        "requested_reviewers": [], "requested_teams": [],
        "head": side(&pull.head, &head_sha), "base": side(&pull.base, &base_sha),
        "_links": {
            "self": link(&url), "html": link(&html), "issue": link(&issue),
            "comments": link(&format!("{issue}/comments")),
            "review_comments": link(&format!("{url}/comments")),
            "review_comment": link(&site.api_url(&format!("repos/{full_name}/pulls/comments{{/number}}"))),
            "commits": link(&format!("{url}/commits")), "statuses": link(&statuses),
        },
        "author_association": "NONE", "auto_merge": null, "draft": pull.draft,
    });
    if full && let Value::Object(map) = &mut out {
        let merged = pull.merged_at.is_some();
        let (ahead, _) = repo.compare(&base_sha, &head_sha);
        let extra = json!({
            "merged": merged, "mergeable": if pull.open { json!(true) } else { Value::Null },
            "rebaseable": null, "mergeable_state": if pull.draft { "draft" } else { "clean" },
            "merged_by": if merged { site.bot() } else { Value::Null },
            "comments": 0, "review_comments": 0,
            "maintainer_can_modify": pull.maintainer_can_modify,
            "commits": ahead.len(), "additions": 0, "deletions": 0, "changed_files": 0,
        });
        if let Value::Object(extra) = extra {
            map.extend(extra);
        }
    }
    out
}

/// `commit-comparison` of two commit shas; `commits` holds at most `per_page` entries.
pub(super) fn comparison(
    site: &Site,
    repo: &RepoState,
    spec: &str,
    base: &str,
    head: &str,
    per_page: usize,
) -> Value {
    let full_name = repo.full_name();
    let (ahead, behind_by) = repo.compare(base, head);
    let status = match (ahead.len(), behind_by) {
        (0, 0) => "identical",
        (_, 0) => "ahead",
        (0, _) => "behind",
        _ => "diverged",
    };
    let merge_base = repo
        .merge_base(base, head)
        .unwrap_or_else(|| base.to_owned());
    let html = format!("{}/{full_name}/compare/{spec}", site.root);
    let commits: Vec<Value> = ahead
        .iter()
        .take(per_page)
        .map(|sha| site.commit(repo, sha))
        .collect();
    json!({
        "url": site.api_url(&format!("repos/{full_name}/compare/{spec}")),
        "html_url": html,
        "permalink_url": format!("{}/{full_name}/compare/{base}...{head}", site.root),
        "diff_url": format!("{html}.diff"), "patch_url": format!("{html}.patch"),
        "base_commit": site.commit(repo, base),
        "merge_base_commit": site.commit(repo, &merge_base),
        "status": status, "ahead_by": ahead.len(), "behind_by": behind_by,
        "total_commits": ahead.len(), "commits": commits, "files": [],
    })
}
