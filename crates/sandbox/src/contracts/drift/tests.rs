//! Drift: leaving things out is allowed, changing or loosening what is kept is not.

use apollo_compiler::Schema;
use serde_json::json;

use super::*;

fn upstream() -> Value {
    json!({
        "$defs": {
            "Text": {
                "type": "object", "required": ["text", "type"], "additionalProperties": false,
                "properties": {
                    "type": {"const": "text"},
                    "text": {"type": "string", "maxLength": 100},
                    "style": {"enum": ["plain", "bold", "code"]}
                }
            },
            "Image": {"type": "object"}
        },
        "properties": {"content": {"anyOf": [{"$ref": "#/$defs/Text"}, {"$ref": "#/$defs/Image"}]}}
    })
}

#[test]
fn a_faithful_subset_has_no_drift_even_with_parts_left_out() {
    assert!(json(&upstream(), &upstream()).is_empty());
    let mut subset = upstream();
    subset["$defs"].as_object_mut().unwrap().remove("Image");
    subset["properties"]["content"]["anyOf"] = json!([{"$ref": "#/$defs/Text"}]);
    subset["$defs"]["Text"]["properties"]["style"]["enum"] = json!(["plain", "bold"]);
    assert_eq!(json(&subset, &upstream()), Vec::<String>::new());
}

#[test]
fn a_changed_kept_part_is_drift() {
    let mut subset = upstream();
    subset["$defs"]["Text"]["properties"]["text"]["type"] = json!("integer");
    assert_eq!(
        json(&subset, &upstream()),
        ["/$defs/Text/properties/text/type: \"integer\" here, \"string\" upstream"]
    );
}

#[test]
fn an_enum_value_or_alternative_not_upstream_is_drift() {
    let mut subset = upstream();
    subset["$defs"]["Text"]["properties"]["style"]["enum"] = json!(["plain", "italic"]);
    subset["properties"]["content"]["anyOf"] = json!([{"$ref": "#/$defs/Video"}]);
    assert_eq!(
        json(&subset, &upstream()),
        [
            "/$defs/Text/properties/style/enum/1: \"italic\" is not upstream",
            "/properties/content/anyOf/0: {\"$ref\":\"#/$defs/Video\"} is not upstream",
        ]
    );
}

#[test]
fn a_loosened_constraint_is_drift() {
    let mut subset = upstream();
    subset["$defs"]["Text"]["required"] = json!(["text"]);
    subset["$defs"]["Text"]["properties"]["text"]
        .as_object_mut()
        .unwrap()
        .remove("maxLength");
    subset["$defs"]["Text"]
        .as_object_mut()
        .unwrap()
        .remove("additionalProperties");
    let drifts = json(&subset, &upstream());
    assert_eq!(drifts.len(), 3, "{drifts:#?}");
    assert!(
        drifts.contains(&"/$defs/Text/required: [text] here, [text, type] upstream".to_owned())
    );
    assert!(drifts.contains(
        &"/$defs/Text/properties/text: upstream has `maxLength`, the subset does not".to_owned()
    ));
    assert!(drifts.contains(
        &"/$defs/Text: upstream has `additionalProperties`, the subset does not".to_owned()
    ));
}

#[test]
fn something_upstream_never_had_is_drift() {
    let mut subset = upstream();
    subset["$defs"]["Video"] = json!({"type": "object"});
    assert_eq!(json(&subset, &upstream()), ["/$defs/Video: not upstream"]);
}

const SDL: &str = r#"
type Query { issue(id: String!, includeArchived: Boolean = false): Issue team: Team }
type Issue { id: ID! title: String! priority: Float state: State }
type Team { key: String! }
enum State { backlog started completed }
input IssueCreateInput { teamId: String! title: String priority: Int = 0 }
type Mutation { issueCreate(input: IssueCreateInput!): Issue }
"#;

fn drifts(subset: &str) -> Vec<String> {
    let ours = Schema::parse(subset, "subset.graphql").expect("subset parses");
    let theirs = Schema::parse(SDL, "upstream.graphql").expect("upstream parses");
    graphql(&ours, &theirs)
}

#[test]
fn a_graphql_subset_may_leave_out_types_fields_optional_arguments_and_values() {
    assert_eq!(drifts(SDL), Vec::<String>::new());
    let subset = r#"
type Query { issue(id: String!): Issue }
type Issue { id: ID! state: State }
enum State { backlog completed }
input IssueCreateInput { teamId: String! }
type Mutation { issueCreate(input: IssueCreateInput!): Issue }
"#;
    assert_eq!(drifts(subset), Vec::<String>::new());
}

#[test]
fn a_graphql_subset_that_changes_or_loosens_anything_drifts() {
    let subset = r#"
type Query { issue(id: ID!): Issue archived: Boolean }
type Issue { id: ID title: String! }
enum State { backlog paused }
input IssueCreateInput { title: String priority: Int = 1 }
type Mutation { issueCreate(input: IssueCreateInput!): Issue }
"#;
    assert_eq!(
        drifts(subset),
        [
            "Query.issue(id): ID! here, String! upstream",
            "Query.archived: not upstream",
            "Issue.id: ID here, ID! upstream",
            "enum State: value paused is not upstream",
            "input IssueCreateInput(priority): default Some(\"1\") here, Some(\"0\") upstream",
            "input IssueCreateInput(teamId): required upstream, missing here",
        ]
    );
    assert_eq!(
        drifts("type Query { sprint: Int } type Sprint { id: ID }"),
        ["Query.sprint: not upstream", "type Sprint: not upstream"]
    );
    assert_eq!(
        drifts("type Query { team: Team } input Team { key: String! }"),
        ["type Team: a different kind of type upstream"]
    );
}
