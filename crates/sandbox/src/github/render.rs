//! The GitHub emulator's JSON, in the shapes of the contract's schemas: users,
//! repositories, refs, commits, trees, contents, pull requests, labels, comparisons,
//! and GitHub's error bodies. URLs are absolute, under the address the client used.

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::state::{PullRecord, RepoState};

/// Where the emulator was reached (`http://127.0.0.1:PORT`): API and web URLs hang off it.
pub(super) struct Site {
    pub(super) root: String,
}

/// The account every pull request and commit is by.
pub(super) const BOT_LOGIN: &str = "triaged-bot";
const BOT_ID: u64 = 9_000_001;
const DOCS: &str = "https://docs.github.com/rest";

pub(super) fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn node_id(kind: &str, id: impl std::fmt::Display) -> String {
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(format!("{kind}:{id}"))
}

/// GitHub's error body; `status` as the string GitHub puts there.
pub(super) fn error(status: u16, message: &str) -> Value {
    json!({ "message": message, "documentation_url": DOCS, "status": status.to_string() })
}

/// A 422 with `errors` entries.
pub(super) fn validation(message: &str, errors: Value) -> Value {
    json!({ "message": message, "errors": errors, "documentation_url": DOCS, "status": "422" })
}

impl Site {
    fn api(&self, tail: &str) -> String {
        format!("{}/{tail}", self.root)
    }

    pub(super) fn user(&self, login: &str, id: u64, kind: &str) -> Value {
        let url = self.api(&format!("users/{login}"));
        json!({
            "login": login, "id": id, "node_id": node_id("User", id),
            "avatar_url": format!("{}/avatars/{login}", self.root), "gravatar_id": "",
            "url": url, "html_url": format!("{}/{login}", self.root),
            "followers_url": format!("{url}/followers"),
            "following_url": format!("{url}/following{{/other_user}}"),
            "gists_url": format!("{url}/gists{{/gist_id}}"),
            "starred_url": format!("{url}/starred{{/owner}}{{/repo}}"),
            "subscriptions_url": format!("{url}/subscriptions"),
            "organizations_url": format!("{url}/orgs"), "repos_url": format!("{url}/repos"),
            "events_url": format!("{url}/events{{/privacy}}"),
            "received_events_url": format!("{url}/received_events"),
            "type": kind, "user_view_type": "public", "site_admin": false
        })
    }

    pub(super) fn bot(&self) -> Value {
        self.user(BOT_LOGIN, BOT_ID, "Bot")
    }

    /// Both `repository` and `full-repository` (a superset of their required fields).
    pub(super) fn repository(&self, repo: &RepoState) -> Value {
        let full = repo.full_name();
        let url = self.api(&format!("repos/{full}"));
        let html = format!("{}/{full}", self.root);
        let pushed = repo
            .commits
            .values()
            .map(|c| c.at)
            .max()
            .unwrap_or(repo.created_at);
        let open = repo.pulls.iter().filter(|p| p.open).count();
        let templated = |name: &str, tail: &str| (name.to_owned(), json!(format!("{url}/{tail}")));
        let mut out = json!({
            "id": repo.id, "node_id": node_id("Repository", repo.id), "name": repo.name,
            "full_name": full, "owner": self.user(&repo.owner, repo.id + 1_000_000, "Organization"),
            "private": true, "html_url": html, "description": null, "fork": false, "url": url,
            "homepage": null, "language": null, "forks_count": 0, "forks": 0,
            "stargazers_count": 0, "watchers_count": 0, "watchers": 0, "size": 1,
            "default_branch": repo.default_branch, "open_issues_count": open, "open_issues": open,
            "clone_url": format!("{html}.git"), "svn_url": html.clone(),
            "git_url": format!("git://{}/{full}.git", self.root.trim_start_matches("http://")),
            "ssh_url": format!("git@{}:{full}.git", self.root.trim_start_matches("http://")),
        });
        let flags = json!({
            "is_template": false, "topics": [], "has_issues": true, "has_projects": false,
            "has_wiki": false, "has_pages": false, "has_downloads": true,
            "has_discussions": false, "archived": false, "disabled": false,
            "visibility": "private", "pushed_at": time(pushed),
            "created_at": time(repo.created_at), "updated_at": time(pushed),
            "allow_forking": false, "license": null, "mirror_url": null,
            "network_count": 0, "subscribers_count": 1,
        });
        let urls = [
            ("archive_url", "{archive_format}{/ref}"),
            ("assignees_url", "assignees{/user}"),
            ("blobs_url", "git/blobs{/sha}"),
            ("branches_url", "branches{/branch}"),
            ("collaborators_url", "collaborators{/collaborator}"),
            ("comments_url", "comments{/number}"),
            ("commits_url", "commits{/sha}"),
            ("compare_url", "compare/{base}...{head}"),
            ("contents_url", "contents/{+path}"),
            ("contributors_url", "contributors"),
            ("deployments_url", "deployments"),
            ("downloads_url", "downloads"),
            ("events_url", "events"),
            ("forks_url", "forks"),
            ("git_commits_url", "git/commits{/sha}"),
            ("git_refs_url", "git/refs{/sha}"),
            ("git_tags_url", "git/tags{/sha}"),
            ("hooks_url", "hooks"),
            ("issue_comment_url", "issues/comments{/number}"),
            ("issue_events_url", "issues/events{/number}"),
            ("issues_url", "issues{/number}"),
            ("keys_url", "keys{/key_id}"),
            ("labels_url", "labels{/name}"),
            ("languages_url", "languages"),
            ("merges_url", "merges"),
            ("milestones_url", "milestones{/number}"),
            (
                "notifications_url",
                "notifications{?since,all,participating}",
            ),
            ("pulls_url", "pulls{/number}"),
            ("releases_url", "releases{/id}"),
            ("stargazers_url", "stargazers"),
            ("statuses_url", "statuses/{sha}"),
            ("subscribers_url", "subscribers"),
            ("subscription_url", "subscription"),
            ("tags_url", "tags"),
            ("teams_url", "teams"),
            ("trees_url", "git/trees{/sha}"),
        ];
        if let (Value::Object(map), Value::Object(flags)) = (&mut out, flags) {
            map.extend(flags);
            map.extend(urls.iter().map(|(name, tail)| templated(name, tail)));
        }
        out
    }

    pub(super) fn git_ref(&self, repo: &RepoState, branch: &str, sha: &str) -> Value {
        self.git_ref_named(repo, &format!("refs/heads/{branch}"), sha)
    }

    /// A `git-ref` whose full name is `name` (`refs/heads/…`, `refs/tags/…`).
    pub(super) fn git_ref_named(&self, repo: &RepoState, name: &str, sha: &str) -> Value {
        let full = repo.full_name();
        let short = name.strip_prefix("refs/heads/").unwrap_or(name);
        json!({
            "ref": name,
            "node_id": node_id("Ref", format!("{full}:{short}")),
            "url": self.api(&format!("repos/{full}/git/{name}")),
            "object": {
                "type": "commit", "sha": sha,
                "url": self.api(&format!("repos/{full}/git/commits/{sha}")),
            }
        })
    }

    fn signature(at: DateTime<Utc>) -> Value {
        json!({ "name": BOT_LOGIN, "email": "bot@triaged.invalid", "date": time(at) })
    }

    fn unverified() -> Value {
        json!({ "verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null })
    }

    /// `git-commit`.
    pub(super) fn git_commit(&self, repo: &RepoState, sha: &str) -> Value {
        let full = repo.full_name();
        let Some(commit) = repo.commits.get(sha) else {
            return Value::Null;
        };
        let parents: Vec<Value> = commit
            .parents
            .iter()
            .map(|p| {
                json!({
                    "sha": p, "url": self.api(&format!("repos/{full}/git/commits/{p}")),
                    "html_url": format!("{}/{full}/commit/{p}", self.root),
                })
            })
            .collect();
        json!({
            "sha": sha, "node_id": node_id("Commit", sha),
            "url": self.api(&format!("repos/{full}/git/commits/{sha}")),
            "html_url": format!("{}/{full}/commit/{sha}", self.root),
            "author": Site::signature(commit.at), "committer": Site::signature(commit.at),
            "tree": { "sha": commit.tree, "url": self.api(&format!("repos/{full}/git/trees/{}", commit.tree)) },
            "message": commit.message, "parents": parents, "verification": Site::unverified(),
        })
    }

    /// `commit` (the REST commit, as in comparisons).
    pub(super) fn commit(&self, repo: &RepoState, sha: &str) -> Value {
        let full = repo.full_name();
        let Some(commit) = repo.commits.get(sha) else {
            return Value::Null;
        };
        let url = self.api(&format!("repos/{full}/commits/{sha}"));
        let parents: Vec<Value> = commit
            .parents
            .iter()
            .map(|p| {
                json!({
                    "sha": p, "url": self.api(&format!("repos/{full}/commits/{p}")),
                    "html_url": format!("{}/{full}/commit/{p}", self.root),
                })
            })
            .collect();
        json!({
            "url": url, "sha": sha, "node_id": node_id("Commit", sha),
            "html_url": format!("{}/{full}/commit/{sha}", self.root),
            "comments_url": format!("{url}/comments"),
            "commit": {
                "url": self.api(&format!("repos/{full}/git/commits/{sha}")),
                "author": Site::signature(commit.at), "committer": Site::signature(commit.at),
                "message": commit.message, "comment_count": 0,
                "tree": { "sha": commit.tree, "url": self.api(&format!("repos/{full}/git/trees/{}", commit.tree)) },
                "verification": Site::unverified(),
            },
            "author": self.bot(), "committer": self.bot(), "parents": parents,
        })
    }

    /// `git-tree` (flat: every file with its full path).
    pub(super) fn git_tree(&self, repo: &RepoState, sha: &str) -> Value {
        let full = repo.full_name();
        let entries: Vec<Value> = repo
            .trees
            .get(sha)
            .into_iter()
            .flatten()
            .map(|(path, blob)| {
                let size = repo.blobs.get(blob).map_or(0, Vec::len);
                json!({
                    "path": path, "mode": "100644", "type": "blob", "sha": blob, "size": size,
                    "url": self.api(&format!("repos/{full}/git/blobs/{blob}")),
                })
            })
            .collect();
        json!({
            "sha": sha, "url": self.api(&format!("repos/{full}/git/trees/{sha}")),
            "tree": entries, "truncated": false,
        })
    }

    /// `label`; the description is `""` rather than null because `pull-request-simple`
    /// types a label's description as a plain string.
    pub(super) fn label(&self, repo: &RepoState, name: &str) -> Value {
        let id = repo.labels.get(name).copied().unwrap_or_default();
        json!({
            "id": id, "node_id": node_id("Label", id), "name": name, "description": "",
            "url": self.api(&format!("repos/{}/labels/{}", repo.full_name(), super::render_content::encoded(name))),
            "color": "ededed", "default": false,
        })
    }

    /// `pull-request` when `full`, else `pull-request-simple`.
    pub(super) fn pull(&self, repo: &RepoState, pull: &PullRecord, full: bool) -> Value {
        super::render_pull::pull(self, repo, pull, full)
    }

    pub(super) fn api_url(&self, tail: &str) -> String {
        self.api(tail)
    }
}
