//! The happy path, a secret planted in the logs, a stop between branch and PR, budgets.

use triaged::store::DraftState;
use triaged_sandbox::github::{Interrupt, RouteKind};

use super::*;
use crate::both_backends;
use crate::support::TestDb;

both_backends!(
    an_eligible_cluster_gets_one_draft_pull_request,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let mut shop = Shop::open(&url).await;
            shop.crash_in("total").await;
            shop.model_sandbox.script(good_proposal());
            let report = shop.draft().await;
            assert_eq!(report.opened.len(), 1, "{report:#?}");

            let pulls = shop.github.pulls(REPO);
            assert_eq!(pulls.len(), 1);
            let pull = &pulls[0];
            assert!(pull.draft && pull.open && !pull.merged);
            assert!(
                pull.head.starts_with("triaged/fix-") && pull.base == "main",
                "{pull:?}"
            );
            assert!(
                pull.labels.contains(&"ai-drafted".to_owned()),
                "{:?}",
                pull.labels
            );
            let body = pull.body.clone().unwrap();
            for needle in [
                "ENG-1",
                "## Root cause",
                "60 events in the last 24 h",
                "sha256:",
                "claude-test",
                "A human must review",
            ] {
                assert!(body.contains(needle), "{needle} missing:\n{body}");
            }
            assert_eq!(
                shop.github.file_at(REPO, &pull.head, PATH).as_deref(),
                Some(FIXED)
            );
            assert_eq!(
                shop.github.file_at(REPO, "main", PATH).as_deref(),
                Some(ORIGINAL),
                "main untouched"
            );

            let ticket = shop.world.issue("TypeError");
            assert!(
                ticket
                    .comments
                    .iter()
                    .any(|c| c.contains("/pull/") && c.contains("draft")),
                "{:?}",
                ticket.comments
            );

            let runs = shop
                .world
                .store
                .agent_runs_since(now() - chrono::Duration::days(1))
                .await
                .unwrap();
            assert_eq!(runs.len(), 1);
            let run = &runs[0];
            assert_eq!(
                (
                    run.purpose.as_str(),
                    run.outcome.as_str(),
                    run.model.as_str()
                ),
                ("fix", "ok", "claude-test")
            );
            assert!(
                run.tokens_in > 0 && run.tokens_out > 0 && run.cost_usd > 0.0,
                "{run:?}"
            );
            let sent = shop.everything_sent();
            for secret in PLANTED {
                assert!(!sent.contains(secret), "{secret} reached a vendor");
                assert!(!run.prompt.contains(secret) && !body.contains(secret));
            }
            // Once per cluster: another pass drafts nothing more.
            let again = shop.draft().await;
            assert!(
                again.opened.is_empty() && shop.github.pulls(REPO).len() == 1,
                "{again:#?}"
            );
            assert_eq!(shop.model_sandbox.requests().len(), 1);
        }
    }
);

crate::trial!(
    multi_thread,
    a_stop_between_the_branch_and_the_pull_request_resumes_without_a_second_of_either
);
async fn a_stop_between_the_branch_and_the_pull_request_resumes_without_a_second_of_either() {
    let db = TestDb::sqlite().await;
    let mut shop = Shop::open(&db.url).await;
    shop.crash_in("total").await;
    shop.model_sandbox.script(good_proposal());
    shop.github
        .fail_next(RouteKind::CreatePull, Interrupt::Reject(502));
    let first = shop.draft().await;
    assert_eq!(first.retry.len(), 1, "{first:#?}");
    assert_eq!(
        shop.our_branches().len(),
        1,
        "the branch and its commit exist"
    );
    assert!(shop.github.pulls(REPO).is_empty());
    let fp = shop.world.fingerprint("TypeError", now()).await;
    assert_eq!(
        shop.world.store.draft(fp).await.unwrap().unwrap().state,
        DraftState::Pending
    );

    let second = shop.draft().await;
    assert_eq!(second.opened.len(), 1, "{second:#?}");
    assert_eq!(shop.our_branches().len(), 1, "the same branch");
    assert_eq!(shop.github.pulls(REPO).len(), 1);
    let branch = &shop.our_branches()[0];
    assert_eq!(
        shop.github.history_len(REPO, branch),
        shop.github.history_len(REPO, "main") + 1,
        "one commit"
    );
    assert_eq!(
        shop.model_sandbox.requests().len(),
        1,
        "the saved plan was reused, no second model call"
    );
    db.cleanup().await;
}

crate::trial!(multi_thread, budgets_stop_drafting_and_say_so);
async fn budgets_stop_drafting_and_say_so() {
    let db = TestDb::sqlite().await;
    let mut shop = Shop::open(&db.url).await;
    shop.settings.policy.max_prs_per_day = 1;
    shop.crash_in("total").await;
    shop.crash_in("subtotal").await;
    shop.model_sandbox.script(good_proposal());
    shop.model_sandbox.script(good_proposal());
    let report = shop.draft().await;
    assert_eq!(report.opened.len(), 1, "{report:#?}");
    let stop = report.budget_stop.expect("the budget stopped drafting");
    assert!(
        stop.contains("1 draft PRs today (max_prs_per_day 1)"),
        "{stop}"
    );
    assert_eq!(
        shop.model_sandbox.requests().len(),
        1,
        "no model call past the budget"
    );

    // A spend cap stops it the same way.
    shop.settings.policy.max_prs_per_day = 10;
    shop.settings.policy.max_spend_per_day_usd = 0.000_001;
    let report = shop.draft().await;
    assert!(report.budget_stop.unwrap().contains("spent today"));
    db.cleanup().await;
}

crate::trial!(
    multi_thread,
    a_file_with_crlf_line_ends_is_drafted_and_keeps_them
);
async fn a_file_with_crlf_line_ends_is_drafted_and_keeps_them() {
    let db = TestDb::sqlite().await;
    let mut shop = Shop::open(&db.url).await;
    shop.github
        .put_file(REPO, "main", PATH, ORIGINAL.replace('\n', "\r\n"));
    shop.crash_in("total").await;
    shop.model_sandbox.script(good_proposal());
    let report = shop.draft().await;
    assert_eq!(report.opened.len(), 1, "{report:#?}");
    let head = shop.github.pulls(REPO)[0].head.clone();
    assert_eq!(
        shop.github.file_at(REPO, &head, PATH),
        Some(FIXED.replace('\n', "\r\n"))
    );
    db.cleanup().await;
}
