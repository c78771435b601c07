//! The verify job's look at drafted fixes: a drafted pull request a human merged is
//! recorded as the fix on its cluster's ticket, and then, run after run until it is known,
//! the first deployed release that contains it (see `domain::lifecycle::fix_release` for
//! why and for what holds while it is unknown).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::lifecycle::{
    Fix, FixRelease, RefAnswer, first_release_with_fix, release_ref, releases_since,
};
use crate::forge::{CodeHost, ForgeError, RepoName};
use crate::store::{DraftState, Store, StoreError};

/// Asked about at most this many releases per fix and run (oldest first).
const MAX_RELEASES_ASKED: usize = 20;

/// What one look at the drafted fixes found, for the run ledger.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FixReport {
    /// `repo#number` of pull requests newly recorded as merged fixes.
    pub merged: Vec<String>,
    /// `repo#number: release` of fixes whose first release was found.
    pub released: Vec<String>,
    /// `repo#number: why` of fixes whose release could not be decided this run.
    pub undecided: Vec<String>,
}

/// Records merged drafted PRs as fixes, and the first release of the cluster's service
/// that contains each (`release_template` maps a release name to its git ref).
pub async fn record_merged_fixes(
    store: &Store,
    forge: &dyn CodeHost,
    release_template: &str,
    now: DateTime<Utc>,
) -> Result<FixReport, StoreError> {
    let mut report = FixReport::default();
    for draft in store.drafts().await? {
        let (DraftState::Opened, Some(number)) = (draft.state, draft.pr_number) else {
            continue;
        };
        let reference = format!("{}#{number}", draft.repo);
        let Some(ticket) = store.ticket(draft.fingerprint).await? else {
            continue;
        };
        let known = ticket
            .record
            .fix
            .clone()
            .filter(|f| f.reference == reference);
        if known.as_ref().is_some_and(|f| f.release.is_some()) {
            continue;
        }
        let Ok(repo) = RepoName::parse(&draft.repo) else {
            continue;
        };
        let pull = match forge.pull(&repo, number).await {
            Ok(pull) if pull.merged => pull,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(%reference, error = %e, "could not read a drafted PR's state");
                continue;
            }
        };
        let mut fix = known.clone().unwrap_or(Fix {
            reference: reference.clone(),
            merged_at: now,
            release: None,
        });
        if let (Some(commit), Some(cluster)) = (
            pull.merge_commit_sha.as_deref(),
            store.cluster(draft.fingerprint).await?,
        ) {
            let service = cluster.identity.service.as_str().to_owned();
            let clusters = store.clusters_seen_since(fix.merged_at).await?;
            let candidates = releases_since(
                clusters
                    .iter()
                    .filter(|c| c.identity.service.as_str() == service)
                    .flat_map(|c| c.stats.releases.iter()),
                fix.merged_at,
            );
            let answers = ask(forge, &repo, commit, release_template, &candidates).await;
            match first_release_with_fix(&answers) {
                FixRelease::Found(release) => fix.release = Some(release),
                FixRelease::NotYet => {}
                FixRelease::Undecided { release } => report.undecided.push(format!(
                    "{reference}: release {release} could not be compared with the fix"
                )),
            }
        }
        if known.as_ref() == Some(&fix) {
            continue;
        }
        if !store.record_fix(draft.fingerprint, &fix, now).await? {
            continue; // the ticket changed meanwhile: the next run looks again
        }
        if let Some(release) = &fix.release {
            report.released.push(format!("{reference}: {release}"));
        }
        if known.is_none() {
            report.merged.push(reference);
        }
    }
    Ok(report)
}

/// Compares each candidate's ref with the merge commit, oldest first, stopping once the
/// decision cannot change.
async fn ask(
    forge: &dyn CodeHost,
    repo: &RepoName,
    merge_commit: &str,
    template: &str,
    candidates: &[String],
) -> Vec<(String, RefAnswer)> {
    let mut answers = Vec::new();
    for release in candidates.iter().take(MAX_RELEASES_ASKED) {
        let git_ref = release_ref(template, release);
        let answer = match forge.compare(repo, merge_commit, &git_ref).await {
            Ok(c) if c.head_contains_base() => RefAnswer::Contains,
            Ok(_) => RefAnswer::Lacks,
            Err(ForgeError::NotFound { .. } | ForgeError::Config(_)) => RefAnswer::Missing,
            Err(e) => {
                tracing::warn!(%release, %git_ref, error = %e, "could not compare a release with a fix");
                RefAnswer::Unreachable
            }
        };
        answers.push((release.clone(), answer));
        if matches!(answer, RefAnswer::Contains | RefAnswer::Unreachable) {
            break;
        }
    }
    answers
}
