//! Holds every operation in `ops::ALL` to Linear's schema: the document validates, and
//! its typed variables (sample values) coerce to the operation's variable definitions
//! and name no variable the operation does not define. Broken documents and variables
//! are shown to fail the same check.

use apollo_compiler::ExecutableDocument;
use apollo_compiler::request::coerce_variable_values;
use apollo_compiler::response::JsonValue;
use serde::Serialize;
use serde_json::Value;

use super::ops::{self, Operation};
use triaged_sandbox::linear::schema;

const TEAM_ID: &str = "6f1b3c2a-8d4e-4b5f-9a6c-7d8e9f0a1b2c";
const ISSUE_ID: &str = "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f";

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("variables serialize")
}

/// Sample variables of every operation, built from its typed `Variables`.
fn samples() -> Vec<(&'static str, Value)> {
    let ids = || vec!["2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a".to_owned()];
    vec![
        (
            ops::Workspace::NAME,
            json(&ops::WorkspaceVariables {
                team_key: "ENG".into(),
            }),
        ),
        (
            ops::Issue::NAME,
            json(&ops::IssueVariables {
                id: ISSUE_ID.into(),
            }),
        ),
        (
            ops::IssueByAttachmentUrl::NAME,
            json(&ops::IssueByAttachmentUrlVariables {
                url: "https://triaged.example/clusters/abc".into(),
            }),
        ),
        (
            ops::IssuesByDescription::NAME,
            json(&ops::IssuesByDescriptionVariables {
                team_id: TEAM_ID.into(),
                text: "triaged-fingerprint: abc".into(),
            }),
        ),
        (
            ops::OpenIssues::NAME,
            json(&ops::OpenIssuesVariables {
                team_id: TEAM_ID.into(),
                first: 250,
                after: Some(ISSUE_ID.into()),
            }),
        ),
        (
            ops::IssueCreate::NAME,
            json(&ops::IssueCreateVariables {
                input: ops::IssueCreateInput {
                    id: ISSUE_ID.into(),
                    team_id: TEAM_ID.into(),
                    title: "KeyError in checkout".into(),
                    description: "**markdown**".into(),
                    priority: 2,
                    label_ids: ids(),
                    state_id: Some(ids()[0].clone()),
                },
            }),
        ),
        (
            ops::AttachmentCreate::NAME,
            json(&ops::AttachmentCreateVariables {
                input: ops::AttachmentCreateInput {
                    issue_id: ISSUE_ID.into(),
                    url: "https://triaged.example/clusters/abc".into(),
                    title: "triaged cluster".into(),
                    subtitle: Some("42 events".into()),
                },
            }),
        ),
        (
            ops::Comment::NAME,
            json(&ops::CommentVariables {
                id: ISSUE_ID.into(),
            }),
        ),
        (
            ops::CommentCreate::NAME,
            json(&ops::CommentCreateVariables {
                input: ops::CommentCreateInput {
                    id: ISSUE_ID.into(),
                    issue_id: ISSUE_ID.into(),
                    body: "It is back.".into(),
                },
            }),
        ),
        (
            ops::IssueUpdate::NAME,
            json(&ops::IssueUpdateVariables {
                id: ISSUE_ID.into(),
                input: ops::IssueUpdateInput {
                    state_id: Some(ids()[0].clone()),
                    priority: Some(1),
                    added_label_ids: Some(ids()),
                },
            }),
        ),
    ]
}

/// Validates `document` and coerces `variables`; the problems found, if any.
fn check(document: &str, variables: &Value) -> Result<(), String> {
    let schema = schema();
    let document = ExecutableDocument::parse_and_validate(&schema, document, "op.graphql")
        .map_err(|e| e.errors.to_string())?;
    let operation = document
        .operations
        .get(None)
        .map_err(|e| e.message().to_string())?;
    let JsonValue::Object(raw) = JsonValue::from(variables.clone()) else {
        return Err("variables are not an object".into());
    };
    coerce_variable_values(&schema, operation, &raw).map_err(|e| e.message().to_string())?;
    let defined: Vec<&str> = operation
        .variables
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    let undefined: Vec<String> = raw
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| !defined.contains(&k.as_str()))
        .collect();
    if undefined.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "variables the operation does not define: {undefined:?}"
        ))
    }
}

#[test]
fn every_operation_validates_with_its_variables() {
    let samples = samples();
    for (name, document) in ops::ALL {
        let (_, variables) = samples
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no sample variables for {name}"));
        if let Err(problems) = check(document, variables) {
            panic!("{name} does not fit Linear's schema:\n{problems}");
        }
        assert!(
            document.contains(&format!(" {name}(")),
            "{name} is named {name}"
        );
    }
    assert_eq!(samples.len(), ops::ALL.len(), "one sample per operation");
}

#[test]
fn variables_left_out_are_left_out_of_the_json() {
    // `stateId: null` would ask Linear to clear the state, not to use the default.
    let variables = json(&ops::IssueUpdateVariables {
        id: ISSUE_ID.into(),
        input: ops::IssueUpdateInput::default(),
    });
    assert_eq!(variables["input"], serde_json::json!({}));
}

#[test]
fn the_check_fails_on_an_unknown_field() {
    let broken = ops::ISSUE.replace("identifier", "identifier colour");
    let variables = serde_json::json!({ "id": ISSUE_ID });
    let problems = check(&broken, &variables).expect_err("unknown field");
    assert!(problems.contains("colour"), "{problems}");
}

#[test]
fn the_check_fails_on_variables_of_the_wrong_type_or_name() {
    let wrong_type = serde_json::json!({ "teamId": TEAM_ID, "first": "all" });
    let problems = check(ops::OPEN_ISSUES, &wrong_type).expect_err("wrong type");
    assert!(problems.contains("first"), "{problems}");
    let missing = serde_json::json!({ "teamId": TEAM_ID });
    assert!(
        check(ops::OPEN_ISSUES, &missing).is_err(),
        "required variable missing"
    );
    let misspelt = serde_json::json!({ "id": ISSUE_ID, "ident": "ENG-1" });
    let problems = check(ops::ISSUE, &misspelt).expect_err("undefined variable");
    assert!(problems.contains("ident"), "{problems}");
    let bad_input = serde_json::json!({ "input": { "teamId": TEAM_ID, "labels": ["x"] } });
    assert!(
        check(ops::ISSUE_CREATE, &bad_input).is_err(),
        "unknown input field"
    );
}
