//! The emulator's mutations: Linear's checks, client-chosen ids, attachment upserts.

use serde_json::json;

use super::{emulator, first_code};

#[tokio::test]
async fn attachments_are_upserted_by_url_per_issue() {
    let emulator = emulator().await;
    let mutation = "mutation A($input: AttachmentCreateInput!) {
        attachmentCreate(input: $input) { success attachment { id title } } }";
    let input = |title: &str| json!({ "input": { "issueId": "ENG-1", "url": "https://triaged.example/c/1", "title": title } });
    let (_, first) = emulator.post(mutation, input("first")).await;
    let (_, second) = emulator.post(mutation, input("second")).await;
    let id = &first["data"]["attachmentCreate"]["attachment"]["id"];
    assert_eq!(&second["data"]["attachmentCreate"]["attachment"]["id"], id);
    let issue = emulator.sandbox.issue("ENG-1").expect("issue");
    assert_eq!(issue.attachments.len(), 1);
    assert_eq!(issue.attachments[0].title, "second");
}

#[tokio::test]
async fn issue_create_checks_what_linear_checks() {
    let emulator = emulator().await;
    let mutation = "mutation C($input: IssueCreateInput!) {
        issueCreate(input: $input) { success issue { identifier } } }";
    let team_id = emulator.sandbox.lock().state.teams[0].id.clone();
    let id = "2b1f6a34-1c4e-4f7a-9d0e-6b7c8d9e0f10";
    let input = |title: &str| json!({ "input": { "id": id, "teamId": team_id, "title": title } });
    let (status, body) = emulator.post(mutation, input("ok")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["issueCreate"]["issue"]["identifier"], "ENG-2");
    let (status, body) = emulator.post(mutation, input("again")).await;
    assert_eq!(
        (status, first_code(&body)),
        (400, "INPUT_ERROR"),
        "same id: {body}"
    );
    let long = json!({ "input": { "teamId": team_id, "title": "x".repeat(256) } });
    let (_, body) = emulator.post(mutation, long).await;
    assert_eq!(first_code(&body), "INPUT_ERROR", "title too long: {body}");
    assert_eq!(emulator.sandbox.issues().len(), 2);
    assert!(
        emulator
            .sandbox
            .issue("ENG-2")
            .expect("created")
            .created_by_api
    );
}

#[tokio::test]
async fn comments_take_a_client_chosen_id_once() {
    let emulator = emulator().await;
    let mutation = "mutation C($input: CommentCreateInput!) {
        commentCreate(input: $input) { success comment { id body } } }";
    let id = "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d";
    let input = json!({ "input": { "id": id, "issueId": "ENG-1", "body": "hi" } });
    let (status, body) = emulator.post(mutation, input.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["commentCreate"]["comment"]["id"], id);
    let (status, body) = emulator.post(mutation, input).await;
    assert_eq!((status, first_code(&body)), (400, "INPUT_ERROR"), "{body}");
    let query = "query Q($id: String!) { comment(id: $id) { body issue { identifier } } }";
    let (_, body) = emulator.post(query, json!({ "id": id })).await;
    assert_eq!(
        body["data"]["comment"],
        json!({ "body": "hi", "issue": { "identifier": "ENG-1" } })
    );
    assert_eq!(emulator.sandbox.issue("ENG-1").unwrap().comments, ["hi"]);
}
