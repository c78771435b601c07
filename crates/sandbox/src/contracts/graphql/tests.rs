//! Cutting a schema to operations: fields selected, arguments passed, input fields named,
//! variables' input types whole, no prose; the cut validates on its own.

use super::*;

const UPSTREAM: &str = r#"
"The root"
type Query {
  "One issue"
  issue(id: String!, includeArchived: Boolean): Issue
  issues(filter: IssueFilter, first: Int, orderBy: Order): IssueConnection!
  viewer: User
}
type Mutation { issueCreate(input: IssueCreateInput!): Payload! teamDelete(id: String!): Payload! }
type Issue { id: ID! title: String! @deprecated(reason: "old") assignee: User team: Team! }
type IssueConnection { nodes: [Issue!]! }
type Payload { success: Boolean! }
type User { id: ID! email: String! }
type Team { key: String! }
enum Order { createdAt updatedAt }
enum Priority { none low high }
input IssueFilter { title: StringComparator team: TeamFilter priority: Int }
input TeamFilter { key: StringComparator }
input StringComparator { eq: String contains: String }
input IssueCreateInput { teamId: String! title: String priority: Priority labels: LabelInput }
input LabelInput { names: [String!] }
"#;

const OPERATIONS: &str = r#"
query One($id: String!) { issue(id: $id) { id title } }
query Many { issues(filter: { title: { contains: "x" } }, orderBy: updatedAt) { nodes { ...Teamed } } }
fragment Teamed on Issue { team { key } }
mutation Create($input: IssueCreateInput!) { issueCreate(input: $input) { success } }
"#;

fn cut_upstream() -> (String, Valid<Schema>) {
    let upstream = Schema::parse_and_validate(UPSTREAM, "upstream.graphql").expect("upstream");
    let sdl = cut(&upstream, OPERATIONS).expect("cut");
    let schema = Schema::parse_and_validate(&sdl, "cut.graphql").expect("the cut validates");
    (sdl, schema)
}

fn fields(schema: &Schema, type_name: &str) -> Vec<String> {
    match &schema.types[type_name] {
        ExtendedType::Object(t) => t.fields.keys().map(|k| k.to_string()).collect(),
        ExtendedType::InputObject(t) => t.fields.keys().map(|k| k.to_string()).collect(),
        other => panic!("{type_name} is {other:?}"),
    }
}

#[test]
fn keeps_what_the_operations_select_and_pass() {
    let (_, schema) = cut_upstream();
    assert_eq!(fields(&schema, "Query"), ["issue", "issues"]);
    assert_eq!(fields(&schema, "Mutation"), ["issueCreate"]);
    assert_eq!(fields(&schema, "Issue"), ["id", "title", "team"]);
    let ExtendedType::Object(query) = &schema.types["Query"] else {
        panic!()
    };
    let args = |field: &str| -> Vec<String> {
        query.fields[field]
            .arguments
            .iter()
            .map(|a| a.name.to_string())
            .collect()
    };
    assert_eq!(args("issue"), ["id"], "includeArchived is never passed");
    assert_eq!(args("issues"), ["filter", "orderBy"]);
}

#[test]
fn literal_filters_keep_the_fields_named_and_variables_keep_their_type_whole() {
    let (_, schema) = cut_upstream();
    assert_eq!(fields(&schema, "IssueFilter"), ["title"]);
    assert_eq!(fields(&schema, "StringComparator"), ["contains"]);
    assert_eq!(
        fields(&schema, "IssueCreateInput"),
        ["teamId", "title", "priority", "labels"]
    );
    assert_eq!(fields(&schema, "LabelInput"), ["names"]);
    assert!(
        schema.types.contains_key("Priority"),
        "reached through a whole input"
    );
    assert!(schema.types.contains_key("Order"));
    for unused in ["User", "TeamFilter"] {
        assert!(!schema.types.contains_key(unused), "{unused}");
    }
}

#[test]
fn no_descriptions_or_directives_survive() {
    let (sdl, _) = cut_upstream();
    for prose in ["The root", "One issue", "@deprecated", "\"\"\""] {
        assert!(!sdl.contains(prose), "{prose} in\n{sdl}");
    }
}

#[test]
fn operations_that_do_not_validate_upstream_are_refused() {
    let upstream = Schema::parse_and_validate(UPSTREAM, "upstream.graphql").expect("upstream");
    let error = cut(&upstream, "query { issue(id: \"1\") { colour } }").unwrap_err();
    assert!(
        error.contains("do not validate upstream") && error.contains("colour"),
        "{error}"
    );
}
