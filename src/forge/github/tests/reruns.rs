//! Crash safety: an answer lost after GitHub acted (the branch, the pull request) is
//! found by the retry or the next run; a branch someone else pushed to is not
//! overwritten (`RefMoved`, `StaleFile`).

use super::*;
use triaged_sandbox::github::Interrupt;

#[tokio::test]
async fn a_lost_answer_to_create_ref_is_retried_into_the_same_branch() {
    let f = fixture().await;
    let main = f.github.default_branch(&f.repo).await.expect("main");
    f.sandbox
        .fail_next(RouteKind::CreateRef, Interrupt::LoseAnswer);
    let branch = f
        .github
        .ensure_branch(&f.repo, "triaged/fix-1", &main.sha)
        .await
        .expect("made once");
    assert!(
        !branch.created,
        "the retry found the branch the lost answer made"
    );
    assert_eq!(branch.sha, main.sha);
    assert_eq!(count(&f.sandbox, RouteKind::CreateRef), 2);
    assert_eq!(f.sandbox.branches(REPO).len(), 2);
}

#[tokio::test]
async fn a_lost_answer_to_create_pull_leaves_one_pull_the_next_run_labels() {
    let f = fixture().await;
    fixed_branch(&f, "triaged/fix-1").await;
    f.sandbox
        .fail_next(RouteKind::CreatePull, Interrupt::LoseAnswer);
    let first = f
        .github
        .open_draft_pull(&f.repo, &new_pull("triaged/fix-1"))
        .await
        .expect_err("the answer was lost");
    assert!(first.is_retryable(), "{first:?}");
    assert_eq!(
        count(&f.sandbox, RouteKind::CreatePull),
        1,
        "a create is not resent"
    );
    let rerun = f
        .github
        .open_draft_pull(&f.repo, &new_pull("triaged/fix-1"))
        .await
        .expect("found");
    assert!(rerun.draft);
    assert_eq!(rerun.labels, ["triaged", "bug"]);
    assert_eq!(f.sandbox.pulls(REPO).len(), 1);
    assert_eq!(count(&f.sandbox, RouteKind::CreatePull), 1);
}

#[tokio::test]
async fn a_branch_pushed_to_meanwhile_is_not_overwritten() {
    let f = Arc::new(fixture().await);
    let branch = "triaged/fix-1";
    fixed_branch(&f, branch).await;
    let current = f
        .github
        .file(&f.repo, "app/cart.py", branch)
        .await
        .expect("read")
        .expect("exists");
    f.sandbox.fail_next(
        RouteKind::UpdateRef,
        Interrupt::Hold(Duration::from_millis(300)),
    );
    let racing = {
        let f = f.clone();
        let files = [change("app/cart.py", "# v3\n", Some(&current.sha))];
        tokio::spawn(async move { f.github.commit_files(&f.repo, branch, "v3", &files).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let theirs = f
        .sandbox
        .put_file(REPO, branch, "NOTES.md", "a human was here")
        .expect("pushed");
    let moved = racing.await.expect("joined");
    assert!(
        matches!(&moved, Err(e @ ForgeError::RefMoved { .. }) if e.is_retryable()),
        "{moved:?}"
    );
    assert_eq!(f.sandbox.branches(REPO).get(branch), Some(&theirs));

    f.sandbox
        .put_file(REPO, branch, "app/cart.py", "# edited by a human\n")
        .expect("pushed");
    let files = [change("app/cart.py", "# v3\n", Some(&current.sha))];
    let stale = f.github.commit_files(&f.repo, branch, "v3", &files).await;
    assert!(
        matches!(&stale, Err(e @ ForgeError::StaleFile { .. }) if !e.is_retryable()),
        "{stale:?}"
    );
    assert_eq!(
        f.sandbox.file_at(REPO, branch, "app/cart.py").as_deref(),
        Some("# edited by a human\n")
    );
}
