//! One GraphQL request against the schema: parse and validate the document, pick the
//! operation, coerce the variables (apollo-compiler), execute the root fields against
//! the state and render the answer with Linear's error codes and HTTP statuses.

use apollo_compiler::executable::OperationType;
use apollo_compiler::request::coerce_variable_values;
use apollo_compiler::resolvers::Execution;
use apollo_compiler::response::{JsonMap, JsonValue};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::errors::{LinearError, errors_body};
use super::project::{Ctx, Root};

/// The body of a GraphQL POST.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GraphqlRequest {
    pub(super) query: String,
    #[serde(default)]
    pub(super) variables: Option<Map<String, Value>>,
    #[serde(default)]
    pub(super) operation_name: Option<String>,
}

/// A request that passed validation and variable coercion.
pub(super) struct Prepared {
    document: Valid<ExecutableDocument>,
    operation_name: Option<String>,
    variables: Valid<JsonMap>,
    pub(super) mutation: bool,
    /// The root fields selected (fragments at the root followed).
    pub(super) root_fields: Vec<String>,
    /// The operation's name in the document, if it has one.
    pub(super) name: Option<String>,
}

/// Validates `request` against `schema`; failures are Linear's request errors.
pub(super) fn prepare(
    schema: &Valid<Schema>,
    request: GraphqlRequest,
) -> Result<Prepared, Vec<LinearError>> {
    let document = ExecutableDocument::parse_and_validate(schema, request.query, "request.graphql")
        .map_err(|invalid| {
            // graphql-js wording, as Linear (a graphql-js server) answers.
            invalid
                .errors
                .iter()
                .map(|d| LinearError::validation(d.unstable_to_json_compat().message))
                .collect::<Vec<_>>()
        })?;
    let operation = document
        .operations
        .get(request.operation_name.as_deref())
        .map_err(|e| vec![LinearError::validation(e.message().to_string())])?;
    if operation.operation_type == OperationType::Subscription {
        return Err(vec![LinearError::unsupported("subscriptions")]);
    }
    let raw: JsonMap = match JsonValue::from(Value::Object(request.variables.unwrap_or_default())) {
        JsonValue::Object(map) => map,
        _ => JsonMap::new(),
    };
    let variables = coerce_variable_values(schema, operation, &raw)
        .map_err(|e| vec![LinearError::bad_variables(e.message().to_string())])?;
    let root_fields = operation
        .root_fields(&document)
        .map(|f| f.name.to_string())
        .collect();
    let mutation = operation.operation_type == OperationType::Mutation;
    let name = operation.name.as_ref().map(|n| n.to_string());
    Ok(Prepared {
        operation_name: request.operation_name,
        variables,
        mutation,
        root_fields,
        name,
        document,
    })
}

/// Executes a prepared request on `ctx`'s state: the HTTP status and the body.
pub(super) fn run(schema: &Valid<Schema>, prepared: &Prepared, ctx: &Ctx) -> (u16, Value) {
    let operation = match prepared
        .document
        .operations
        .get(prepared.operation_name.as_deref())
    {
        Ok(operation) => operation,
        Err(e) => {
            let error = LinearError::validation(e.message().to_string());
            return (error.status, errors_body(&[error]));
        }
    };
    let root = Root {
        ctx,
        mutation: prepared.mutation,
    };
    let executed = Execution::new(schema, &prepared.document)
        .operation(operation)
        .coerced_variable_values(&prepared.variables)
        .execute_sync(&root);
    let response = match executed {
        Ok(response) => response,
        Err(e) => {
            let error = LinearError::validation(e.message().to_string());
            return (error.status, errors_body(&[error]));
        }
    };
    let mut raised: Vec<LinearError> = ctx.errors.borrow_mut().drain(..).collect();
    let mut status = 200;
    let mut errors = Vec::new();
    for error in &response.errors {
        // apollo-compiler words a resolver's error "resolver error: <message>".
        let message = error.message.strip_prefix("resolver error: ");
        let message = message.unwrap_or(&error.message);
        let linear = match raised.iter().position(|r| r.message == message) {
            Some(i) => raised.remove(i),
            None => LinearError::internal(error.message.clone()),
        };
        if status == 200 {
            status = linear.status;
        }
        let mut rendered = serde_json::to_value(error).unwrap_or_else(|_| json!({}));
        if let Value::Object(fields) = &mut rendered {
            fields.insert("message".into(), Value::String(linear.message.clone()));
            fields.insert("extensions".into(), Value::Object(linear.extensions()));
        }
        errors.push(rendered);
    }
    let data = serde_json::to_value(&response.data).unwrap_or(Value::Null);
    let body = if errors.is_empty() {
        json!({ "data": data })
    } else {
        json!({ "errors": errors, "data": data })
    };
    (status, body)
}
