//! The GitHub emulator refuses what GitHub refuses, with GitHub's error body shape
//! (`message`, `errors`, `documentation_url`): missing or wrong tokens, no User-Agent,
//! unknown API versions, existing refs, non-fast-forward updates, stale blob shas in the
//! contents API, unknown repositories and paths.

use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};

use super::*;
use crate::SandboxServer;

const TOKEN: &str = "ghp_FAKEsandboxsandboxsandboxsandboxsandbox";
const REPO: &str = "acme/shop";

struct Rig {
    sandbox: Arc<GitHubSandbox>,
    server: SandboxServer,
    http: reqwest::Client,
}

async fn rig() -> Rig {
    let sandbox = GitHubSandbox::new(3, TOKEN);
    sandbox.add_repo(REPO, "main");
    sandbox.put_file(REPO, "main", "src/app.py", "print(1)\n");
    sandbox.put_file(REPO, "main", "src/lib/util.py", "x = 1\n");
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    let http = reqwest::Client::builder()
        .user_agent("emulator-test")
        .build()
        .expect("client");
    Rig {
        sandbox,
        server,
        http,
    }
}

impl Rig {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .http
            .request(method, format!("{}/repos/{REPO}/{path}", self.server.url()))
            .bearer_auth(TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("answer");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    fn main(&self) -> String {
        self.sandbox.branches(REPO)["main"].clone()
    }
}

fn assert_error_shape(body: &Value, message: &str) {
    assert_eq!(body["message"], message, "{body}");
    assert!(body["documentation_url"].is_string(), "{body}");
}

#[tokio::test]
async fn refs_are_created_once_and_only_fast_forwarded() {
    let rig = rig().await;
    let create = json!({ "ref": "refs/heads/triaged/fix-1", "sha": rig.main() });
    let (status, made) = rig.call("POST", "git/refs", Some(create.clone())).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["ref"], "refs/heads/triaged/fix-1");
    let (status, again) = rig.call("POST", "git/refs", Some(create)).await;
    assert_eq!(status, 422);
    assert_error_shape(&again, "Reference already exists");
    assert!(again["errors"].is_array(), "{again}");
    let bad = json!({ "ref": "heads/x", "sha": rig.main() });
    assert_eq!(rig.call("POST", "git/refs", Some(bad)).await.0, 422);
    let unknown = json!({ "ref": "refs/heads/y", "sha": "0".repeat(40) });
    assert_eq!(rig.call("POST", "git/refs", Some(unknown)).await.0, 422);

    let old = rig.main();
    let newer = rig
        .sandbox
        .put_file(REPO, "main", "README.md", "hi")
        .expect("push");
    let forward = json!({ "sha": newer });
    let (status, _) = rig
        .call("PATCH", "git/refs/heads/triaged/fix-1", Some(forward))
        .await;
    assert_eq!(status, 200);
    let backward = json!({ "sha": old, "force": false });
    let (status, body) = rig
        .call("PATCH", "git/refs/heads/triaged/fix-1", Some(backward))
        .await;
    assert_eq!(status, 422);
    assert_error_shape(&body, "Update is not a fast forward");
    let (status, body) = rig.call("POST", "git/refs", Some(json!({"ref": 5}))).await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test]
async fn the_contents_api_refuses_stale_or_missing_blob_shas() {
    let rig = rig().await;
    let (status, file) = rig.call("GET", "contents/src/app.py", None).await;
    assert_eq!(status, 200);
    let sha = file["sha"].as_str().expect("sha").to_owned();
    let encoded = base64::engine::general_purpose::STANDARD.encode("print(2)\n");
    let put = |sha: Option<&str>| {
        let mut body = json!({ "message": "m", "content": encoded, "branch": "main" });
        if let Some(sha) = sha {
            body["sha"] = json!(sha);
        }
        body
    };
    let (status, body) = rig
        .call("PUT", "contents/src/app.py", Some(put(None)))
        .await;
    assert_eq!(status, 422, "{body}");
    let stale = "f".repeat(40);
    let (status, body) = rig
        .call("PUT", "contents/src/app.py", Some(put(Some(&stale))))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_error_shape(&body, &format!("src/app.py does not match {stale}"));
    let (status, body) = rig
        .call("PUT", "contents/src/app.py", Some(put(Some(&sha))))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["commit"]["sha"].is_string());
    let (status, _) = rig
        .call("PUT", "contents/src/new.py", Some(put(None)))
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        rig.sandbox.file_at(REPO, "main", "src/app.py").as_deref(),
        Some("print(2)\n")
    );
}

#[tokio::test]
async fn unknown_things_are_404_and_directories_are_listed() {
    let rig = rig().await;
    let (status, body) = rig.call("GET", "contents/src/none.py", None).await;
    assert_eq!(status, 404);
    assert_error_shape(&body, "Not Found");
    let (status, _) = rig.call("GET", "contents/src/app.py?ref=nope", None).await;
    assert_eq!(status, 404);
    let (status, listing) = rig.call("GET", "contents/src", None).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = listing
        .as_array()
        .expect("a listing")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(names, ["app.py", "lib"]);
    let other = format!("{}/repos/acme/other", rig.server.url());
    let response = rig
        .http
        .get(other)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 404);
    assert_eq!(rig.call("GET", "git/commits/abc", None).await.0, 404);
    assert_eq!(rig.call("GET", "pulls/7", None).await.0, 404);
}

#[tokio::test]
async fn requests_without_credentials_agent_or_known_version_are_refused() {
    let rig = rig().await;
    let url = format!("{}/repos/{REPO}", rig.server.url());
    let anonymous = rig.http.get(&url).send().await.expect("answer");
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.expect("json");
    assert_error_shape(&body, "Requires authentication");
    let wrong = rig
        .http
        .get(&url)
        .bearer_auth("nope")
        .send()
        .await
        .expect("answer");
    assert_eq!(wrong.status(), 401);
    let bare = reqwest::Client::new();
    let no_agent = bare
        .get(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("answer");
    assert_eq!(no_agent.status(), 403);
    let future = rig
        .http
        .get(&url)
        .bearer_auth(TOKEN)
        .header("x-github-api-version", "2099-01-01")
        .send()
        .await
        .expect("answer");
    assert_eq!(future.status(), 400);
    let ok = rig
        .http
        .get(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("answer");
    assert_eq!(ok.status(), 200);
    assert!(ok.headers().contains_key("x-ratelimit-remaining"));
    let log = rig.sandbox.requests();
    assert_eq!(log.len(), 5);
    assert!(!log[0].had_token && log[4].had_token);
}

#[tokio::test]
async fn pull_requests_need_commits_and_merge_like_a_reviewer() {
    let rig = rig().await;
    rig.sandbox
        .put_file(REPO, "triaged/fix-1", "src/app.py", "print(3)\n");
    let open = json!({ "title": "t", "head": "triaged/fix-1", "base": "main", "draft": true });
    let (status, pull) = rig.call("POST", "pulls", Some(open.clone())).await;
    assert_eq!(status, 201, "{pull}");
    assert_eq!(
        (pull["draft"].clone(), pull["merged"].clone()),
        (json!(true), json!(false))
    );
    let (status, twice) = rig.call("POST", "pulls", Some(open)).await;
    assert_eq!(status, 422);
    assert_eq!(
        twice["errors"][0]["message"],
        "A pull request already exists for acme:triaged/fix-1."
    );
    rig.sandbox.put_file(REPO, "empty", "x", "x");
    rig.sandbox.merge(REPO, 1).expect("merged");
    assert!(rig.sandbox.merge(REPO, 1).is_err(), "merged once");
    let none = json!({ "title": "t", "head": "triaged/fix-1", "base": "main" });
    let (status, body) = rig.call("POST", "pulls", Some(none)).await;
    assert_eq!(status, 422, "no commits between: {body}");
    rig.sandbox
        .fail_next(RouteKind::GetPull, Interrupt::Reject(503));
    assert_eq!(rig.call("GET", "pulls/1", None).await.0, 503);
    let (status, merged) = rig.call("GET", "pulls/1", None).await;
    assert_eq!(status, 200);
    assert_eq!(merged["merged"], true);
    assert_eq!(merged["state"], "closed");
}

#[tokio::test]
async fn release_tags_are_refs_and_compare_like_commits() {
    let rig = rig().await;
    let before = rig.main();
    assert_eq!(
        rig.sandbox.tag(REPO, "v1.0", "main").as_deref(),
        Some(before.as_str())
    );
    assert!(rig.sandbox.tag(REPO, "v1.0", "main").is_none(), "not moved");
    let after = rig
        .sandbox
        .put_file(REPO, "main", "src/app.py", "print(2)\n")
        .expect("pushed");
    rig.sandbox.tag(REPO, "v1.1", &after).expect("tagged");
    let (status, tag) = rig.call("GET", "git/ref/tags/v1.1", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        (tag["ref"].clone(), tag["object"]["sha"].clone()),
        (json!("refs/tags/v1.1"), json!(after))
    );
    assert_eq!(rig.call("GET", "git/ref/tags/v9", None).await.0, 404);
    let (_, newer) = rig
        .call("GET", &format!("compare/{after}...v1.1"), None)
        .await;
    assert_eq!(newer["status"], "identical");
    let (_, older) = rig
        .call("GET", &format!("compare/{after}...v1.0"), None)
        .await;
    assert_eq!(
        (older["status"].clone(), older["behind_by"].clone()),
        (json!("behind"), json!(1))
    );
    let (_, ahead) = rig.call("GET", "compare/v1.0...v1.1", None).await;
    assert_eq!(ahead["status"], "ahead");
    assert_eq!(rig.call("GET", "compare/v1.0...v9", None).await.0, 404);
}
