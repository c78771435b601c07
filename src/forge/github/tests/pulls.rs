//! Draft pull requests opened once and labelled, their state after a reviewer merges,
//! and where a release stands relative to the merge (compare).

use super::*;

#[tokio::test]
async fn open_draft_twice_makes_one_labelled_draft() {
    let f = fixture().await;
    let branch = "triaged/fix-3f2a9c";
    fixed_branch(&f, branch).await;
    let pull = f
        .github
        .open_draft_pull(&f.repo, &new_pull(branch))
        .await
        .expect("opened");
    assert!(pull.draft);
    assert_eq!(pull.state, PullState::Open);
    assert!(!pull.merged && pull.merge_commit_sha.is_none());
    assert_eq!(pull.head_branch, branch);
    assert_eq!(pull.labels, ["triaged", "bug"]);
    assert!(pull.url.starts_with(&f.url) && pull.url.ends_with("/acme/shop/pull/1"));
    let again = f
        .github
        .open_draft_pull(&f.repo, &new_pull(branch))
        .await
        .expect("found");
    assert_eq!(again, pull);
    assert_eq!(count(&f.sandbox, RouteKind::CreatePull), 1);
    assert_eq!(count(&f.sandbox, RouteKind::AddLabels), 1);
    let pulls = f.sandbox.pulls(REPO);
    assert_eq!(pulls.len(), 1);
    assert!(pulls[0].draft && pulls[0].open);
    assert_eq!(
        pulls[0].body.as_deref(),
        Some("Fixes ENG-12.\n\nProvenance: run 42")
    );
    let found = f.github.find_pull(&f.repo, branch).await.expect("listed");
    assert_eq!(found, Some(pull));
    let none = f.github.find_pull(&f.repo, "triaged/fix-other").await;
    assert!(matches!(none, Ok(None)), "{none:?}");
}

#[tokio::test]
async fn a_merged_pull_and_where_releases_stand() {
    let f = fixture().await;
    let branch = "triaged/fix-3f2a9c";
    fixed_branch(&f, branch).await;
    let opened = f
        .github
        .open_draft_pull(&f.repo, &new_pull(branch))
        .await
        .expect("opened");
    let before = f.github.main_sha(&f).await;
    let merge = f.sandbox.merge(REPO, opened.number).expect("merged");
    let pull = f.github.pull(&f.repo, opened.number).await.expect("read");
    assert_eq!(pull.state, PullState::Closed);
    assert!(pull.merged);
    assert_eq!(pull.merge_commit_sha.as_deref(), Some(merge.as_str()));
    assert_eq!(
        f.sandbox.file_at(REPO, "main", "app/cart.py").as_deref(),
        Some(FIXED)
    );

    let same = f
        .github
        .compare(&f.repo, &merge, "main")
        .await
        .expect("cmp");
    assert_eq!(same.status, ComparisonStatus::Identical);
    let later = f
        .sandbox
        .put_file(REPO, "main", "CHANGELOG", "1.1")
        .expect("push");
    let release = f
        .github
        .compare(&f.repo, &merge, &later)
        .await
        .expect("cmp");
    assert_eq!(
        (release.status, release.ahead_by, release.behind_by),
        (ComparisonStatus::Ahead, 1, 0)
    );
    assert!(release.head_contains_base());
    let old = f
        .github
        .compare(&f.repo, &merge, &before)
        .await
        .expect("cmp");
    assert_eq!((old.status, old.behind_by), (ComparisonStatus::Behind, 2));
    assert!(!old.head_contains_base());
    let side = f
        .sandbox
        .put_file(REPO, "hotfix", "x.txt", "x")
        .expect("push");
    let forked = f
        .sandbox
        .put_file(REPO, "main", "y.txt", "y")
        .expect("push");
    let diverged = f
        .github
        .compare(&f.repo, &side, &forked)
        .await
        .expect("cmp");
    assert_eq!(diverged.status, ComparisonStatus::Diverged);
}
