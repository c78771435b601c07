//! The Linear emulator held to the schema and to Linear's error shapes, over HTTP:
//! validation, auth, projection and filters here; `mutations` and `faults` beside.

use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::SandboxServer;

mod faults;
mod mutations;

struct Emulator {
    sandbox: Arc<LinearSandbox>,
    server: SandboxServer,
    http: reqwest::Client,
}

/// A workspace with the team ENG (plus OPS), a workspace label `triaged` and ENG-1.
async fn emulator() -> Emulator {
    let sandbox = LinearSandbox::new(schema(), 7);
    sandbox.add_team("ENG", "Engineering");
    sandbox.add_team("OPS", "Operations");
    sandbox.add_workspace_label("triaged");
    sandbox.add_label("ENG", "bug").expect("team");
    let mut seed = IssueSeed::new("ENG", "Checkout fails");
    seed.description = "fingerprint: abc123".into();
    seed.labels = vec!["bug".into()];
    sandbox.add_issue(seed).expect("seed");
    let server = SandboxServer::start(sandbox.router())
        .await
        .expect("server");
    Emulator {
        sandbox,
        server,
        http: reqwest::Client::new(),
    }
}

impl Emulator {
    async fn post_with(&self, key: Option<&str>, body: Value) -> (u16, Value) {
        let mut request = self.http.post(format!("{}/graphql", self.server.url()));
        if let Some(key) = key {
            request = request.header("authorization", key);
        }
        let response = request.json(&body).send().await.expect("send");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json body"))
    }

    async fn post(&self, query: &str, variables: Value) -> (u16, Value) {
        let body = json!({ "query": query, "variables": variables });
        self.post_with(Some(SANDBOX_API_KEY), body).await
    }
}

fn first_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn projects_exactly_the_selection_with_aliases_and_fragments() {
    let emulator = emulator().await;
    let query = "query Q($id: String!) {
        found: issue(id: $id) { __typename ident: identifier ...F state { type } }
    }
    fragment F on Issue { labels { nodes { name } } team { key } }";
    let (status, body) = emulator.post(query, json!({ "id": "ENG-1" })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "data": { "found": {
            "__typename": "Issue",
            "ident": "ENG-1",
            "labels": { "nodes": [{ "name": "bug" }] },
            "team": { "key": "ENG" },
            "state": { "type": "backlog" },
        } } })
    );
}

#[tokio::test]
async fn rejects_documents_the_schema_rejects() {
    let emulator = emulator().await;
    let (status, body) = emulator
        .post("query { issue(id: \"ENG-1\") { id colour } }", json!({}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{body}"
    );
    assert!(body.get("data").is_none(), "request errors carry no data");
    let mutation = "mutation { issueCreate(input: { title: \"x\" }) { success } }";
    let (status, body) = emulator.post(mutation, json!({})).await;
    assert_eq!(
        (status, first_code(&body)),
        (400, "GRAPHQL_VALIDATION_FAILED"),
        "{body}"
    );
    assert_eq!(emulator.sandbox.issues().len(), 1, "nothing created");
}

#[tokio::test]
async fn rejects_variables_of_the_wrong_type() {
    let emulator = emulator().await;
    let query = "query Q($first: Int!) { issues(first: $first) { nodes { id } } }";
    let (status, body) = emulator.post(query, json!({ "first": "ten" })).await;
    assert_eq!(
        (status, first_code(&body)),
        (400, "BAD_USER_INPUT"),
        "{body}"
    );
    let (status, body) = emulator.post(query, json!({})).await;
    assert_eq!(
        (status, first_code(&body)),
        (400, "BAD_USER_INPUT"),
        "{body}"
    );
}

#[tokio::test]
async fn requires_the_api_key_without_bearer() {
    let emulator = emulator().await;
    let body = json!({ "query": "{ teams { nodes { key } } }" });
    for key in [
        None,
        Some("lin_api_wrong"),
        Some(&*format!("Bearer {SANDBOX_API_KEY}")),
    ] {
        let (status, answer) = emulator.post_with(key, body.clone()).await;
        assert_eq!(status, 401, "{key:?}");
        assert_eq!(first_code(&answer), "AUTHENTICATION_ERROR");
        assert_eq!(
            answer["errors"][0]["extensions"]["type"],
            "authentication error"
        );
    }
    let (status, _) = emulator.post_with(Some(SANDBOX_API_KEY), body).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_unknown_issue_is_entity_not_found() {
    let emulator = emulator().await;
    let query = "query Q($id: String!) { issue(id: $id) { id } }";
    let (status, body) = emulator.post(query, json!({ "id": "ENG-999" })).await;
    assert_eq!(status, 400);
    assert_eq!(body["data"], Value::Null);
    let error = &body["errors"][0];
    assert_eq!(error["message"], "Entity not found: Issue");
    assert_eq!(error["path"], json!(["issue"]));
    assert_eq!(error["extensions"]["code"], "INPUT_ERROR");
    assert_eq!(error["extensions"]["type"], "invalid input");
    assert_eq!(
        error["extensions"]["userPresentableMessage"],
        "Could not find referenced Issue."
    );
}

#[tokio::test]
async fn says_so_when_a_filter_or_field_is_not_implemented() {
    let emulator = emulator().await;
    let query = "{ issues(filter: { priority: { eq: 1 } }) { nodes { id } } }";
    let (status, body) = emulator.post(query, json!({})).await;
    assert_eq!(
        (status, first_code(&body)),
        (400, "EMULATOR_UNSUPPORTED"),
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("priority")
    );
    let query = "{ issue(id: \"ENG-1\") { id cycle { id } } }";
    let (_, body) = emulator.post(query, json!({})).await;
    assert_eq!(first_code(&body), "EMULATOR_UNSUPPORTED", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Issue.cycle")
    );
}

#[tokio::test]
async fn filters_issues_by_team_description_and_state_type() {
    let emulator = emulator().await;
    let done = emulator
        .sandbox
        .add_issue(IssueSeed::new("ENG", "Done already"))
        .expect("seed");
    emulator.sandbox.set_state(&done, "Done").expect("state");
    emulator
        .sandbox
        .add_issue(IssueSeed::new("OPS", "Other team"))
        .expect("seed");
    let query = "query Q($key: String!) { issues(filter: {
        team: { key: { eq: $key } },
        state: { type: { nin: [\"completed\", \"canceled\"] } } }) { nodes { identifier } } }";
    let (_, body) = emulator.post(query, json!({ "key": "ENG" })).await;
    assert_eq!(
        body["data"]["issues"]["nodes"],
        json!([{ "identifier": "ENG-1" }])
    );
    let query =
        "{ issues(filter: { description: { contains: \"abc123\" } }) { nodes { identifier } } }";
    let (_, body) = emulator.post(query, json!({})).await;
    assert_eq!(
        body["data"]["issues"]["nodes"],
        json!([{ "identifier": "ENG-1" }])
    );
}
