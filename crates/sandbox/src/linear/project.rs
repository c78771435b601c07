//! Projection of entity JSON through a request's selection set, using apollo-compiler's
//! executor: aliases, fragments, `__typename`, nested objects, lists and connections
//! come out exactly as asked. A field the JSON does not have, or an argument on a nested
//! field other than `first`, `orderBy` and `includeArchived`, is an error saying the
//! emulator does not implement it.

use std::cell::RefCell;

use apollo_compiler::resolvers::{FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use apollo_compiler::response::JsonValue;
use apollo_compiler::schema::ExtendedType;
use serde_json::{Map, Value};

use super::entities::{self, REF};
use super::errors::LinearError;
use super::state::State;
use super::{mutations, queries};

/// What one execution works on: the state, and the errors raised while resolving (with
/// their Linear codes, matched back to apollo's field errors by message).
pub(super) struct Ctx {
    pub(super) state: RefCell<State>,
    pub(super) errors: RefCell<Vec<LinearError>>,
}

impl Ctx {
    pub(super) fn new(state: State) -> Ctx {
        Ctx {
            state: RefCell::new(state),
            errors: RefCell::new(Vec::new()),
        }
    }

    /// Records `error` and returns the field error apollo reports for it.
    fn fail(&self, error: LinearError) -> FieldError {
        let message = error.message.clone();
        self.errors.borrow_mut().push(error);
        FieldError { message }
    }
}

/// The root object of a query or a mutation.
pub(super) struct Root<'r> {
    pub(super) ctx: &'r Ctx,
    pub(super) mutation: bool,
}

impl ObjectValue for Root<'_> {
    fn type_name(&self) -> &str {
        if self.mutation { "Mutation" } else { "Query" }
    }

    fn resolve_field<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
    ) -> Result<ResolvedValue<'a>, FieldError> {
        let arguments = serde_json::to_value(info.arguments())
            .map_err(|e| self.ctx.fail(LinearError::internal(e.to_string())))?;
        let outcome = if self.mutation {
            let mut state = self.ctx.state.borrow_mut();
            mutations::resolve(&mut state, info.field_name(), arguments)
        } else {
            let state = self.ctx.state.borrow();
            queries::resolve(&state, info.field_name(), arguments)
        };
        match outcome {
            Ok(value) => resolve_value(self.ctx, info, value),
            Err(error) => Err(self.ctx.fail(error)),
        }
    }
}

/// An entity (or a plain object such as `pageInfo`) of a concrete type.
struct Node<'r> {
    ctx: &'r Ctx,
    type_name: String,
    fields: Map<String, Value>,
}

/// Arguments a nested field may carry: they do not change which entities exist.
const NESTED_ARGUMENTS: [&str; 3] = ["first", "orderBy", "includeArchived"];

impl ObjectValue for Node<'_> {
    fn type_name(&self) -> &str {
        &self.type_name
    }

    fn resolve_field<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
    ) -> Result<ResolvedValue<'a>, FieldError> {
        let name = info.field_name();
        let Some(value) = self.fields.get(name) else {
            let what = format!("the field {}.{name}", self.type_name);
            return Err(self.ctx.fail(LinearError::unsupported(what)));
        };
        for field in info.field_selections() {
            if let Some(argument) = field
                .arguments
                .iter()
                .find(|a| !NESTED_ARGUMENTS.contains(&a.name.as_str()))
            {
                let what = format!(
                    "the argument `{}` of {}.{name}",
                    argument.name, self.type_name
                );
                return Err(self.ctx.fail(LinearError::unsupported(what)));
            }
        }
        let first = info.arguments().get("first").and_then(JsonValue::as_i64);
        resolve_value(self.ctx, info, limit_nodes(value.clone(), first))
    }
}

/// A connection cut to its first `first` nodes.
fn limit_nodes(mut value: Value, first: Option<i64>) -> Value {
    let Some(first) = first.and_then(|n| usize::try_from(n).ok()) else {
        return value;
    };
    let Some(connection) = value.as_object_mut() else {
        return value;
    };
    let mut cut = false;
    for key in ["nodes", "edges"] {
        if let Some(Value::Array(items)) = connection.get_mut(key) {
            cut |= items.len() > first;
            items.truncate(first);
        }
    }
    if cut && let Some(Value::Object(page_info)) = connection.get_mut("pageInfo") {
        page_info.insert("hasNextPage".into(), Value::Bool(true));
    }
    value
}

/// `value` as the field's GraphQL type asks: a list, an object to project further
/// (references expanded), or a leaf.
fn resolve_value<'a>(
    ctx: &'a Ctx,
    info: &ResolveInfo<'_>,
    value: Value,
) -> Result<ResolvedValue<'a>, FieldError> {
    let ty = &info.field_definition().ty;
    let named = ty.inner_named_type().as_str();
    let composite = matches!(
        info.schema().types.get(named),
        Some(ExtendedType::Object(_) | ExtendedType::Interface(_) | ExtendedType::Union(_))
    );
    match value {
        Value::Array(items) if ty.is_list() => {
            let resolved: Vec<_> = items
                .into_iter()
                .map(|item| resolve_item(ctx, named, composite, item))
                .collect();
            Ok(ResolvedValue::List(Box::new(resolved.into_iter())))
        }
        other => resolve_item(ctx, named, composite, other),
    }
}

fn resolve_item<'a>(
    ctx: &'a Ctx,
    type_name: &str,
    composite: bool,
    value: Value,
) -> Result<ResolvedValue<'a>, FieldError> {
    match value {
        Value::Null => Ok(ResolvedValue::null()),
        Value::Object(map) if composite => {
            let (concrete, fields) = match map.get(REF).and_then(Value::as_str) {
                Some(kind) => {
                    let id = map.get("id").and_then(Value::as_str).unwrap_or_default();
                    let expanded = entities::expand(&ctx.state.borrow(), kind, id);
                    match expanded {
                        Some(fields) => (kind.to_owned(), fields),
                        None => return Err(ctx.fail(LinearError::not_found(kind))),
                    }
                }
                None => (type_name.to_owned(), map),
            };
            Ok(ResolvedValue::object(Node {
                ctx,
                type_name: concrete,
                fields,
            }))
        }
        leaf => Ok(ResolvedValue::leaf(JsonValue::from(leaf))),
    }
}
