//! Crash safety of a fix draft with real processes: `triaged once triage` killed (SIGKILL)
//! after its branch and commit exist, while GitHub holds the pull-request create — once
//! before GitHub opened it, once after (the answer never came back). The rerun resumes
//! from the saved plan: one branch, one commit, one draft PR, one model call, one ticket
//! comment with the link.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use serde_json::json;
use triaged::store::DraftState;
use triaged_sandbox::github::{Interrupt, RouteKind};

use super::*;
use crate::lifecycle::crash::{finish, kill_when};
use crate::support::TestDb;

const ANTHROPIC_KEY: &str = "ANTHROPIC_KEY";
const GITHUB_TOKEN: &str = "GITHUB_TOKEN";

/// The shop for the binary: real-time traffic, and a config naming all three emulators
/// (`agent_extra` is more of the `[agent]` section).
pub(super) async fn shop_for_processes(database_url: &str, agent_extra: &str) -> (Shop, PathBuf) {
    let mut shop = Shop::open(database_url).await;
    shop.world.settings.triage.min_events = 30;
    let stack = "Traceback (most recent call last):\n  File \"/app/checkout/cart.py\", line 3, in total\n    return sum(line[\"price\"] for line in lines)\nTypeError: 'NoneType' object is not iterable";
    for h in (1..=3).rev() {
        shop.world.log_with(
            "checkout",
            Utc::now() - Duration::hours(h),
            20,
            "TypeError in total: 'NoneType' object is not iterable",
            "2.0",
            json!({ "stack_trace": stack }),
        );
    }
    shop.world.ingest(Utc::now()).await;
    let extra = format!(
        "[agent]\nenabled = true\nprovider = \"anthropic\"\nbase_url = \"{}\"\nmodel = \"claude-test\"\n{agent_extra}\n\
         api_key = \"${{{ANTHROPIC_KEY}}}\"\n[agent.http]\nmax_attempts = 1\n\
         [agent.prices]\ninput_per_mtok = 3.0\noutput_per_mtok = 15.0\n\
         [agent.drafts]\nmin_score = 10.0\nmin_events = 10\n\
         [[agent.drafts.repos]]\nrepo = \"{REPO}\"\nservices = [\"checkout\"]\n\
         path_mappings = [{{ from = \"/app/\", to = \"src/\" }}]\n\
         [github]\nbase_url = \"{}\"\ntoken = \"${{{GITHUB_TOKEN}}}\"\n[github.http]\nmax_attempts = 1\n",
        shop.model_url(),
        shop.github_url()
    );
    let config = shop.world.config_file_with(database_url, &extra);
    (shop, config)
}

pub(super) fn spawn_triage(shop: &Shop, config: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_triaged"))
        .args(["--config", config.to_str().unwrap(), "once", "triage"])
        .env("LINEAR_KEY", shop.world.linear.api_key())
        .env(ANTHROPIC_KEY, shop.model_sandbox.api_key())
        .env(GITHUB_TOKEN, "gh-test-token")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Pull-request creates GitHub received, and whether the last is still being served.
fn pull_creates(shop: &Shop) -> (usize, bool) {
    let creates: Vec<_> = shop
        .github
        .requests()
        .into_iter()
        .filter(|r| r.kind == Some(RouteKind::CreatePull))
        .collect();
    let waiting = creates.last().is_some_and(|r| r.status == 0);
    (creates.len(), waiting)
}

crate::trial!(
    multi_thread,
    a_kill_between_the_branch_and_the_pull_request_never_doubles_either
);
async fn a_kill_between_the_branch_and_the_pull_request_never_doubles_either() {
    // Held before GitHub opens the PR; and opened by GitHub, then the answer held.
    for opened_before_kill in [false, true] {
        let db = TestDb::sqlite().await;
        let (shop, config) = shop_for_processes(&db.url, "").await;
        shop.model_sandbox.script(good_proposal());
        let hold = StdDuration::from_secs(120);
        shop.github.fail_next(
            RouteKind::CreatePull,
            if opened_before_kill {
                Interrupt::HoldAnswer(hold)
            } else {
                Interrupt::Hold(hold)
            },
        );
        let child = spawn_triage(&shop, &config);
        kill_when(child, "the pull-request create", || {
            pull_creates(&shop).1 && (!opened_before_kill || shop.github.pulls(REPO).len() == 1)
        })
        .await;
        let case = if opened_before_kill {
            "killed after GitHub opened the PR"
        } else {
            "killed before GitHub opened the PR"
        };
        assert_eq!(shop.our_branches().len(), 1, "{case}: the branch exists");
        assert_eq!(
            shop.github.pulls(REPO).len(),
            usize::from(opened_before_kill),
            "{case}"
        );
        let fp = shop.world.fingerprint("TypeError", Utc::now()).await;
        let draft = shop.world.store.draft(fp).await.unwrap().unwrap();
        assert_eq!(draft.state, DraftState::Pending, "{case}");
        assert!(draft.plan.is_some(), "{case}: the checked plan was saved");

        finish(spawn_triage(&shop, &config));
        // A third run finds nothing left to do.
        finish(spawn_triage(&shop, &config));

        let branches = shop.our_branches();
        assert_eq!(branches.len(), 1, "{case}: {branches:?}");
        assert_eq!(
            shop.github.history_len(REPO, &branches[0]),
            shop.github.history_len(REPO, "main") + 1,
            "{case}: one commit on the branch"
        );
        let pulls = shop.github.pulls(REPO);
        assert_eq!(pulls.len(), 1, "{case}: {pulls:#?}");
        assert!(pulls[0].draft && pulls[0].head == branches[0], "{case}");
        let expected_creates = if opened_before_kill { 1 } else { 2 };
        assert_eq!(
            pull_creates(&shop).0,
            expected_creates,
            "{case}: the rerun found the PR GitHub had opened"
        );
        assert_eq!(
            shop.model_sandbox.requests().len(),
            1,
            "{case}: the saved plan was reused, no second model call"
        );
        let ticket = shop.world.issue("TypeError");
        let links: Vec<&String> = ticket
            .comments
            .iter()
            .filter(|c| c.contains(&format!("/pull/{}", pulls[0].number)))
            .collect();
        assert_eq!(links.len(), 1, "{case}: {:?}", ticket.comments);
        let draft = shop.world.store.draft(fp).await.unwrap().unwrap();
        assert_eq!(
            (draft.state, draft.pr_number),
            (DraftState::Opened, Some(pulls[0].number)),
            "{case}"
        );
        db.cleanup().await;
    }
}
