//! Pull requests: find one by head branch (`pulls/list`), open a draft (`pulls/create`)
//! and label it (`issues/add-labels`), read one (`pulls/get`); and compare two commits
//! (`repos/compare-commits-with-basehead`).

use reqwest::Method;

use super::rest::Request;
use super::{GitHub, VENDOR, wire};
use crate::forge::{
    Comparison, ComparisonStatus, ForgeError, NewPull, PullRequest, PullState, RepoName,
};
use crate::http_client::Idempotency;

impl GitHub {
    pub(super) async fn pull_for_head(
        &self,
        repo: &RepoName,
        head_branch: &str,
    ) -> Result<Option<PullRequest>, ForgeError> {
        let subject = format!("repository {repo}");
        let request = Request::get(
            "pulls/list",
            format!("repos/{}/{}/pulls", repo.owner(), repo.name()),
            &subject,
        )
        .query("head", format!("{}:{head_branch}", repo.owner()))
        .query("state", "all")
        .query("sort", "created")
        .query("direction", "desc")
        .query("per_page", "100");
        let pulls: Vec<wire::Pull> = self.call(&request).await?;
        pulls
            .into_iter()
            .filter(|p| p.head.branch == head_branch)
            .max_by_key(|p| p.number)
            .map(|p| pull_request("pulls/list", p))
            .transpose()
    }

    pub(super) async fn open_draft_once(
        &self,
        repo: &RepoName,
        new: &NewPull,
    ) -> Result<PullRequest, ForgeError> {
        self.check_ours(&new.head)?;
        if let Some(existing) = self.pull_for_head(repo, &new.head).await? {
            return self.with_labels(repo, existing, &new.labels).await;
        }
        let subject = format!("repository {repo}");
        // Not repeated on its own: a lost answer leaves a pull request the next run finds.
        let request = Request::with_body(
            "pulls/create",
            Method::POST,
            format!("repos/{}/{}/pulls", repo.owner(), repo.name()),
            &wire::CreatePull {
                title: &new.title,
                head: &new.head,
                base: &new.base,
                body: &new.body,
                draft: true,
                maintainer_can_modify: false,
            },
            Idempotency::Unsafe,
            &subject,
        )?;
        let opened = match self.call::<wire::Pull>(&request).await {
            Ok(opened) => pull_request("pulls/create", opened)?,
            Err(ForgeError::Rejected {
                status: 422,
                message,
                details,
                ..
            }) if already_exists(&message, &details) => self
                .pull_for_head(repo, &new.head)
                .await?
                .ok_or_else(|| ForgeError::Shape {
                    vendor: VENDOR,
                    operation: "pulls/create",
                    detail: "said a pull request exists, but none is listed".into(),
                })?,
            Err(e) => return Err(e),
        };
        self.with_labels(repo, opened, &new.labels).await
    }

    /// Adds the labels an open pull request lacks (a closed one is left as it is).
    async fn with_labels(
        &self,
        repo: &RepoName,
        mut pull: PullRequest,
        labels: &[String],
    ) -> Result<PullRequest, ForgeError> {
        let missing = labels.iter().any(|l| !pull.labels.contains(l));
        if !missing || pull.state != PullState::Open {
            return Ok(pull);
        }
        let subject = format!("{repo} pull request {}", pull.number);
        // Adding labels an issue already has changes nothing.
        let request = Request::with_body(
            "issues/add-labels",
            Method::POST,
            format!(
                "repos/{}/{}/issues/{}/labels",
                repo.owner(),
                repo.name(),
                pull.number
            ),
            &wire::AddLabels { labels },
            Idempotency::Safe,
            &subject,
        )?;
        let now: Vec<wire::Label> = self.call(&request).await?;
        pull.labels = now.into_iter().map(|l| l.name).collect();
        Ok(pull)
    }

    pub(super) async fn pull_by_number(
        &self,
        repo: &RepoName,
        number: u64,
    ) -> Result<PullRequest, ForgeError> {
        let subject = format!("{repo} pull request {number}");
        let path = format!("repos/{}/{}/pulls/{number}", repo.owner(), repo.name());
        let pull: wire::Pull = self
            .call(&Request::get("pulls/get", path, &subject))
            .await?;
        pull_request("pulls/get", pull)
    }

    pub(super) async fn compare_commits(
        &self,
        repo: &RepoName,
        base: &str,
        head: &str,
    ) -> Result<Comparison, ForgeError> {
        for side in [base, head] {
            if side.is_empty() || side.contains("...") || side.contains(char::is_whitespace) {
                return Err(ForgeError::Config(format!(
                    "{side:?} is not a commit or branch to compare"
                )));
            }
        }
        let subject = format!("{repo} {base}...{head}");
        let request = Request::get(
            "repos/compare-commits-with-basehead",
            format!(
                "repos/{}/{}/compare/{base}...{head}",
                repo.owner(),
                repo.name()
            ),
            &subject,
        )
        // Only the counts are read: keep the commit list to one entry.
        .query("per_page", "1");
        let answer: wire::Comparison = self.call(&request).await?;
        let status = match answer.status.as_str() {
            "ahead" => ComparisonStatus::Ahead,
            "behind" => ComparisonStatus::Behind,
            "identical" => ComparisonStatus::Identical,
            "diverged" => ComparisonStatus::Diverged,
            other => {
                return Err(ForgeError::Shape {
                    vendor: VENDOR,
                    operation: "repos/compare-commits-with-basehead",
                    detail: format!("unknown status {other:?}"),
                });
            }
        };
        Ok(Comparison {
            status,
            ahead_by: answer.ahead_by,
            behind_by: answer.behind_by,
        })
    }
}

/// GitHub's "A pull request already exists for owner:branch." (in `errors`).
fn already_exists(message: &str, details: &[String]) -> bool {
    std::iter::once(message)
        .chain(details.iter().map(String::as_str))
        .any(|text| text.contains("pull request already exists"))
}

fn pull_request(operation: &'static str, pull: wire::Pull) -> Result<PullRequest, ForgeError> {
    let state = match pull.state.as_str() {
        "open" => PullState::Open,
        "closed" => PullState::Closed,
        other => {
            return Err(ForgeError::Shape {
                vendor: VENDOR,
                operation,
                detail: format!("unknown pull request state {other:?}"),
            });
        }
    };
    let merged = pull.merged.unwrap_or(pull.merged_at.is_some());
    Ok(PullRequest {
        number: pull.number,
        url: pull.html_url,
        state,
        draft: pull.draft.unwrap_or(false),
        merged,
        // Before a merge GitHub fills this with a test merge commit: only meaningful after.
        merge_commit_sha: pull.merge_commit_sha.filter(|_| merged),
        head_branch: pull.head.branch,
        labels: pull.labels.into_iter().map(|l| l.name).collect(),
    })
}
