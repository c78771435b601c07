//! The GitHub client and emulator held to GitHub's published OpenAPI description: every
//! request the client sent (path, query, body) and every body the emulator answered with
//! are validated against the matching operation of the GitHub subset; error
//! statuses an operation does not list are held to `basic-error`. The last test shows
//! each check failing on a breach.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use triaged::forge::{CodeHost, FileChange, ForgeError, NewPull};
use triaged_sandbox::github::{Interrupt, RouteKind};

use super::*;
use crate::oas30::Contract;

fn github_contract() -> Contract {
    Contract::of(triaged_sandbox::contracts::Subset::GitHub)
}

/// Drives the client through every call it makes, the refusals it handles included: a
/// lost create-ref answer (then 422 "Reference already exists"), a lost create-pull
/// answer, 404s, a directory, a stale file, a secondary rate limit.
async fn traffic() -> Rig {
    let rig = rig(31).await;
    rig.sandbox.keep_response_bodies(true);
    let (github, repo) = (&rig.github, &rig.repo);
    let main = github.default_branch(repo).await.expect("main");
    let cart = github
        .file(repo, "app/cart.py", &main.name)
        .await
        .expect("read")
        .expect("exists");
    assert!(
        github
            .file(repo, "app/none.py", "main")
            .await
            .expect("404")
            .is_none()
    );
    let dir = github.file(repo, "app", "main").await;
    assert!(matches!(dir, Err(ForgeError::NotAFile { .. })), "{dir:?}");

    let branch = "triaged/fix-3f2a9c";
    rig.sandbox
        .fail_next(RouteKind::CreateRef, Interrupt::LoseAnswer);
    github
        .ensure_branch(repo, branch, &main.sha)
        .await
        .expect("branch");
    github
        .ensure_branch(repo, branch, &main.sha)
        .await
        .expect("reused");
    let files = [
        FileChange {
            path: "app/cart.py".into(),
            content: "def add(cart, sku):\n    return cart.get(sku)\n".into(),
            base_sha: Some(cart.sha.clone()),
        },
        FileChange {
            path: "tests/test_cart.py".into(),
            content: "def test_add():\n    assert add({}, 'x') is None\n".into(),
            base_sha: None,
        },
    ];
    github
        .commit_files(repo, branch, "Fix KeyError", &files)
        .await
        .expect("commit");
    github
        .commit_files(repo, branch, "Fix KeyError", &files)
        .await
        .expect("no-op");
    let stale = [FileChange {
        content: "# other\n".into(),
        ..files[0].clone()
    }];
    let refused = github.commit_files(repo, branch, "m", &stale).await;
    assert!(
        matches!(refused, Err(ForgeError::StaleFile { .. })),
        "{refused:?}"
    );

    let new = NewPull {
        title: "Fix KeyError in cart.add".into(),
        body: "Fixes ENG-12".into(),
        head: branch.into(),
        base: main.name.clone(),
        labels: vec!["triaged".into(), "severity: high".into()],
    };
    rig.sandbox
        .fail_next(RouteKind::CreatePull, Interrupt::LoseAnswer);
    assert!(github.open_draft_pull(repo, &new).await.is_err());
    let pull = github
        .open_draft_pull(repo, &new)
        .await
        .expect("found and labelled");
    github.open_draft_pull(repo, &new).await.expect("again");
    rig.sandbox.fail_next(
        RouteKind::GetPull,
        Interrupt::Throttle(std::time::Duration::from_secs(1)),
    );
    github.pull(repo, pull.number).await.expect("open");
    let merge = rig.sandbox.merge(REPO, pull.number).expect("merged");
    github.pull(repo, pull.number).await.expect("merged");
    github.find_pull(repo, branch).await.expect("listed");
    github
        .compare(repo, &main.sha, &merge)
        .await
        .expect("ahead");
    github
        .compare(repo, &merge, &main.sha)
        .await
        .expect("behind");
    // A release tag stands where a commit does (the verify job's "which release has it").
    rig.sandbox.tag(REPO, "v2.1", &merge).expect("tagged");
    let tagged = github
        .compare(repo, &merge, "v2.1")
        .await
        .expect("identical");
    assert!(tagged.head_contains_base());
    assert!(github.pull(repo, 99).await.is_err());
    rig
}

crate::trial!(
    current_thread,
    client_requests_and_emulator_responses_follow_the_contract
);
async fn client_requests_and_emulator_responses_follow_the_contract() {
    let contract = github_contract();
    let rig = traffic().await;
    let requests = rig.sandbox.requests();
    let mut operations = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for request in &requests {
        let what = format!("{} {} -> {}", request.method, request.path, request.status);
        let template = contract
            .template_of(&request.method, &request.path)
            .unwrap_or_else(|| panic!("{what} is not in the contract"));
        operations.insert(format!("{} {template}", request.method));
        statuses.insert(request.status);
        let problems =
            contract.check_parameters(&template, &request.method, &request.path, &request.query);
        assert!(problems.is_empty(), "{what}: {problems:#?}");
        if let Some(body) = &request.body {
            let body: Value = serde_json::from_str(body).expect("request body is JSON");
            let problems = contract.check_request_body(&template, &request.method, &body);
            assert!(
                problems.is_empty(),
                "{what} request body {body}: {problems:#?}"
            );
        }
        let response = request.response_body.as_deref().expect("kept");
        let response: Value = serde_json::from_str(response).expect("response is JSON");
        let problems = if contract.has_json_response(&template, &request.method, request.status) {
            contract.check_response(&template, &request.method, request.status, &response)
        } else {
            assert!(
                request.status >= 400,
                "{what}: a success the contract does not list"
            );
            contract.check_component("basic-error", &response)
        };
        assert!(problems.is_empty(), "{what} response: {problems:#?}");
    }
    assert_eq!(
        operations.into_iter().collect::<Vec<_>>(),
        [
            "GET /repos/{owner}/{repo}",
            "GET /repos/{owner}/{repo}/compare/{basehead}",
            "GET /repos/{owner}/{repo}/contents/{path}",
            "GET /repos/{owner}/{repo}/git/commits/{commit_sha}",
            "GET /repos/{owner}/{repo}/git/ref/{ref}",
            "GET /repos/{owner}/{repo}/pulls",
            "GET /repos/{owner}/{repo}/pulls/{pull_number}",
            "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
            "POST /repos/{owner}/{repo}/git/commits",
            "POST /repos/{owner}/{repo}/git/refs",
            "POST /repos/{owner}/{repo}/git/trees",
            "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
            "POST /repos/{owner}/{repo}/pulls",
        ]
    );
    let seen: Vec<u16> = statuses.into_iter().collect();
    assert_eq!(
        seen,
        [200, 201, 403, 404, 422, 502],
        "the refusals were exercised too"
    );
}

crate::trial!(current_thread, the_checks_catch_contract_breaches);
async fn the_checks_catch_contract_breaches() {
    let contract = github_contract();
    let rig = traffic().await;
    let answered = |kind: RouteKind| -> (String, Value) {
        let request = rig
            .sandbox
            .requests()
            .into_iter()
            .find(|r| r.kind == Some(kind) && (200..300).contains(&r.status))
            .expect("answered");
        let body = serde_json::from_str(request.response_body.as_deref().expect("kept"));
        (request.path, body.expect("json"))
    };
    let pull_get = "/repos/{owner}/{repo}/pulls/{pull_number}";
    let (_, pull) = answered(RouteKind::GetPull);
    assert!(
        contract
            .check_response(pull_get, "GET", 200, &pull)
            .is_empty()
    );
    let mut no_head = pull.clone();
    no_head.as_object_mut().expect("object").remove("head");
    assert!(
        !contract
            .check_response(pull_get, "GET", 200, &no_head)
            .is_empty()
    );
    let mut bad_state = pull.clone();
    bad_state["state"] = json!("merged");
    assert!(
        !contract
            .check_response(pull_get, "GET", 200, &bad_state)
            .is_empty()
    );
    let mut bad_url = pull;
    bad_url["html_url"] = json!("not a url");
    assert!(
        !contract
            .check_response(pull_get, "GET", 200, &bad_url)
            .is_empty()
    );

    let compare = "/repos/{owner}/{repo}/compare/{basehead}";
    let (_, mut comparison) = answered(RouteKind::Compare);
    comparison["status"] = json!("sideways");
    assert!(
        !contract
            .check_response(compare, "GET", 200, &comparison)
            .is_empty()
    );
    let refs = "/repos/{owner}/{repo}/git/refs";
    assert!(
        !contract
            .check_response(refs, "POST", 422, &json!({"errors": []}))
            .is_empty()
    );
    assert!(
        !contract
            .check_component("basic-error", &json!({"message": 5}))
            .is_empty()
    );

    let pulls = "/repos/{owner}/{repo}/pulls";
    let good = json!({"title": "t", "head": "triaged/fix-1", "base": "main", "draft": true});
    assert!(contract.check_request_body(pulls, "POST", &good).is_empty());
    let no_base = json!({"title": "t", "head": "triaged/fix-1", "draft": true});
    assert!(
        !contract
            .check_request_body(pulls, "POST", &no_base)
            .is_empty()
    );
    let draft_word = json!({"title": "t", "head": "h", "base": "main", "draft": "yes"});
    assert!(
        !contract
            .check_request_body(pulls, "POST", &draft_word)
            .is_empty()
    );
    assert!(
        !contract
            .check_request_body(refs, "POST", &json!({"ref": "refs/heads/x"}))
            .is_empty()
    );
    let labels = "/repos/{owner}/{repo}/issues/{issue_number}/labels";
    assert!(
        !contract
            .check_request_body(labels, "POST", &json!({"labels": []}))
            .is_empty()
    );

    let query = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let list_path = "/repos/acme/shop/pulls";
    assert!(
        contract
            .check_parameters(pulls, "GET", list_path, &query(&[("state", "all")]))
            .is_empty()
    );
    assert!(
        !contract
            .check_parameters(pulls, "GET", list_path, &query(&[("state", "merged")]))
            .is_empty()
    );
    assert!(
        !contract
            .check_parameters(pulls, "GET", list_path, &query(&[("per_page", "lots")]))
            .is_empty()
    );
    assert!(
        !contract
            .check_parameters(pulls, "GET", list_path, &query(&[("head_ref", "x")]))
            .is_empty()
    );
    assert!(
        !contract
            .check_parameters(pull_get, "GET", "/repos/acme/shop/pulls/first", &[])
            .is_empty()
    );

    let file = "/repos/acme/shop/contents/app/util/money.py";
    assert_eq!(
        contract.template_of("GET", file).as_deref(),
        Some("/repos/{owner}/{repo}/contents/{path}")
    );
    assert_eq!(
        contract
            .template_of("PATCH", "/repos/acme/shop/git/refs/heads/triaged/fix-1")
            .as_deref(),
        Some("/repos/{owner}/{repo}/git/refs/{ref}")
    );
    assert_eq!(
        contract.template_of("DELETE", "/repos/acme/shop/git/refs/heads/x"),
        None
    );
    assert_eq!(
        contract.template_of("GET", "/repos/acme/shop/pulls/1/merge"),
        None
    );
}

crate::trial!(current_thread, the_contents_write_follows_the_contract_too);
/// The contents write the client does not use (it commits through the git data API) is
/// still held to the contract: created, updated, stale sha (409), missing sha (422).
async fn the_contents_write_follows_the_contract_too() {
    use base64::Engine;
    let contract = github_contract();
    let rig = rig(32).await;
    rig.sandbox.keep_response_bodies(true);
    let http = reqwest::Client::builder()
        .user_agent("contract-test")
        .build()
        .expect("client");
    let encoded = base64::engine::general_purpose::STANDARD.encode("CENTS = 1000\n");
    let current = rig.sandbox.requests().len();
    let put = |path: &str, sha: Option<&str>| {
        let mut body = json!({ "message": "m", "content": encoded, "branch": "main" });
        if let Some(sha) = sha {
            body["sha"] = json!(sha);
        }
        http.put(format!("{}/repos/{REPO}/contents/{path}", rig.server.url()))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
    };
    let existing = rig
        .github
        .file(&rig.repo, "app/util/money.py", "main")
        .await
        .expect("read")
        .expect("exists");
    for (path, sha, status) in [
        ("app/new.py", None, 201),
        ("app/util/money.py", None, 422),
        ("app/util/money.py", Some("f".repeat(40)), 409),
        ("app/util/money.py", Some(existing.sha.clone()), 200),
    ] {
        let answer = put(path, sha.as_deref()).await.expect("answer");
        assert_eq!(answer.status().as_u16(), status, "{path}");
    }
    let template = "/repos/{owner}/{repo}/contents/{path}";
    for request in rig.sandbox.requests().iter().skip(current) {
        if request.method != "PUT" {
            continue;
        }
        let body: Value =
            serde_json::from_str(request.body.as_deref().expect("body")).expect("json");
        assert!(
            contract
                .check_request_body(template, "PUT", &body)
                .is_empty()
        );
        let answer: Value =
            serde_json::from_str(request.response_body.as_deref().expect("kept")).expect("json");
        let problems = if request.status == 409 {
            // Upstream quirk: the 409 is `oneOf: [basic-error, repository-rule-violation-
            // error]`, and every error body fits both (neither requires anything), so no
            // body satisfies exactly one. It is checked against the first alternative.
            contract.check_component("basic-error", &answer)
        } else {
            contract.check_response(template, "PUT", request.status, &answer)
        };
        assert!(
            problems.is_empty(),
            "{} {}: {problems:#?}",
            request.status,
            answer
        );
    }
}
