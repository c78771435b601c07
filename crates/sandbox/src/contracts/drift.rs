//! What in a subset is not so upstream. A subset may leave things out (operations,
//! definitions, union members, prose), but what it keeps must be upstream unchanged:
//! every key with the same value, every enum value, the same `required` lists, and no
//! constraint dropped. For GraphQL: every type, field, argument, input field and enum
//! value with the same type and default, and every required argument or input field
//! upstream still there.

use std::collections::BTreeSet;

use apollo_compiler::ast::InputValueDefinition;
use apollo_compiler::collections::{IndexMap, IndexSet};
use apollo_compiler::schema::{Component, ExtendedType, FieldDefinition};
use apollo_compiler::{Name, Schema};
use serde_json::Value;

/// Keywords that constrain a value: a subset may not leave one out where upstream has it.
const CONSTRAINTS: [&str; 24] = [
    "type",
    "required",
    "enum",
    "const",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "additionalProperties",
    "nullable",
    "$ref",
    "allOf",
    "items",
    "min",
    "max",
    "in",
    "shape",
];

/// Keys whose value maps names to entries the subset may select from.
const NAME_MAPS: [&str; 14] = [
    "paths",
    "components",
    "schemas",
    "responses",
    "parameters",
    "headers",
    "examples",
    "requestBodies",
    "securitySchemes",
    "$defs",
    "definitions",
    "shapes",
    "operations",
    "content",
];

/// Every way `subset` differs from `upstream` beyond leaving things out, each with its
/// JSON pointer.
pub fn json(subset: &Value, upstream: &Value) -> Vec<String> {
    let mut drifts = Vec::new();
    compare(subset, upstream, "", false, &mut drifts);
    drifts
}

fn compare(subset: &Value, upstream: &Value, at: &str, selectable: bool, out: &mut Vec<String>) {
    match (subset, upstream) {
        (Value::Object(kept), Value::Object(theirs)) => {
            for (key, value) in kept {
                let here = format!("{at}/{}", escape(key));
                let Some(upstream_value) = theirs.get(key) else {
                    out.push(format!("{here}: not upstream"));
                    continue;
                };
                compare_key(key, value, upstream_value, &here, out);
            }
            if !selectable {
                for key in CONSTRAINTS.iter().filter(|k| theirs.contains_key(**k)) {
                    if !kept.contains_key(*key) {
                        out.push(format!("{at}: upstream has `{key}`, the subset does not"));
                    }
                }
            }
        }
        (Value::Array(kept), Value::Array(theirs)) => {
            if kept.len() != theirs.len() {
                out.push(format!(
                    "{at}: {} items here, {} upstream",
                    kept.len(),
                    theirs.len()
                ));
                return;
            }
            for (i, (a, b)) in kept.iter().zip(theirs).enumerate() {
                compare(a, b, &format!("{at}/{i}"), false, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{at}: {} here, {} upstream", short(a), short(b))),
    }
}

fn compare_key(key: &str, kept: &Value, theirs: &Value, at: &str, out: &mut Vec<String>) {
    let (Value::Array(kept_items), Value::Array(their_items)) = (kept, theirs) else {
        let selectable = NAME_MAPS.contains(&key) || key == "properties" || key == "members";
        return compare(kept, theirs, at, selectable, out);
    };
    match key {
        "required" => {
            let names = |items: &[Value]| -> BTreeSet<String> {
                items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| short(v), str::to_owned))
                    .collect()
            };
            let (ours, upstream) = (names(kept_items), names(their_items));
            if ours != upstream {
                let list =
                    |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
                out.push(format!(
                    "{at}: [{}] here, [{}] upstream",
                    list(&ours),
                    list(&upstream)
                ));
            }
        }
        // A subset may keep fewer alternatives, enum values or errors, each as upstream.
        "enum" | "anyOf" | "oneOf" | "errors" => {
            for (i, item) in kept_items.iter().enumerate() {
                let matches = their_items.iter().any(|candidate| {
                    let mut found = Vec::new();
                    compare(item, candidate, "", false, &mut found);
                    found.is_empty()
                });
                if !matches {
                    out.push(format!("{at}/{i}: {} is not upstream", short(item)));
                }
            }
        }
        _ => compare(kept, theirs, at, false, out),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Every way a GraphQL `subset` differs from `upstream` beyond leaving things out.
pub fn graphql(subset: &Schema, upstream: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (name, kept) in subset.types.iter().filter(|(_, t)| !t.is_built_in()) {
        let Some(theirs) = upstream.types.get(name) else {
            out.push(format!("type {name}: not upstream"));
            continue;
        };
        if std::mem::discriminant(kept) != std::mem::discriminant(theirs) {
            out.push(format!("type {name}: a different kind of type upstream"));
            continue;
        }
        compare_type(name.as_str(), kept, theirs, &mut out);
    }
    for (root, ours, theirs) in [
        (
            "query",
            &subset.schema_definition.query,
            &upstream.schema_definition.query,
        ),
        (
            "mutation",
            &subset.schema_definition.mutation,
            &upstream.schema_definition.mutation,
        ),
    ] {
        if ours.is_some() && ours.as_ref().map(|n| &n.name) != theirs.as_ref().map(|n| &n.name) {
            out.push(format!("schema {root}: {ours:?} here, {theirs:?} upstream"));
        }
    }
    out
}

fn compare_type(name: &str, kept: &ExtendedType, theirs: &ExtendedType, out: &mut Vec<String>) {
    use apollo_compiler::schema::ExtendedType as T;
    match (kept, theirs) {
        (T::Object(a), T::Object(b)) => {
            subset_of(
                name,
                "implements",
                &a.implements_interfaces,
                &b.implements_interfaces,
                out,
            );
            fields(name, &a.fields, &b.fields, out);
        }
        (T::Interface(a), T::Interface(b)) => {
            subset_of(
                name,
                "implements",
                &a.implements_interfaces,
                &b.implements_interfaces,
                out,
            );
            fields(name, &a.fields, &b.fields, out);
        }
        (T::Union(a), T::Union(b)) => subset_of(name, "member", &a.members, &b.members, out),
        (T::Enum(a), T::Enum(b)) => {
            for value in a.values.keys().filter(|v| !b.values.contains_key(*v)) {
                out.push(format!("enum {name}: value {value} is not upstream"));
            }
        }
        (T::InputObject(a), T::InputObject(b)) => {
            let ours = a.fields.iter().map(|(n, f)| (n, &***f)).collect();
            let upstream = b.fields.iter().map(|(n, f)| (n, &***f)).collect();
            input_values(&format!("input {name}"), ours, upstream, out);
        }
        _ => {}
    }
}

fn subset_of<T: PartialEq + std::fmt::Display>(
    name: &str,
    what: &str,
    ours: &IndexSet<T>,
    theirs: &IndexSet<T>,
    out: &mut Vec<String>,
) {
    for item in ours
        .iter()
        .filter(|item| !theirs.iter().any(|t| t == *item))
    {
        out.push(format!("type {name}: {what} {item} is not upstream"));
    }
}

type Fields = IndexMap<Name, Component<FieldDefinition>>;

fn fields(name: &str, ours: &Fields, theirs: &Fields, out: &mut Vec<String>) {
    for (field, kept) in ours {
        let Some(upstream) = theirs.get(field) else {
            out.push(format!("{name}.{field}: not upstream"));
            continue;
        };
        if kept.ty != upstream.ty {
            out.push(format!(
                "{name}.{field}: {} here, {} upstream",
                kept.ty, upstream.ty
            ));
        }
        let args = kept.arguments.iter().map(|a| (&a.name, &**a)).collect();
        let upstream_args = upstream.arguments.iter().map(|a| (&a.name, &**a)).collect();
        input_values(&format!("{name}.{field}"), args, upstream_args, out);
    }
}

type Values<'a> = Vec<(&'a Name, &'a InputValueDefinition)>;

/// Arguments or input fields: each kept one as upstream, and none that upstream requires
/// left out.
fn input_values(at: &str, ours: Values<'_>, theirs: Values<'_>, out: &mut Vec<String>) {
    for (name, kept) in &ours {
        let Some((_, upstream)) = theirs.iter().find(|(n, _)| n == name) else {
            out.push(format!("{at}({name}): not upstream"));
            continue;
        };
        if kept.ty != upstream.ty {
            out.push(format!(
                "{at}({name}): {} here, {} upstream",
                kept.ty, upstream.ty
            ));
        }
        let default = |v: &InputValueDefinition| v.default_value.as_ref().map(|d| d.to_string());
        if default(kept) != default(upstream) {
            out.push(format!(
                "{at}({name}): default {:?} here, {:?} upstream",
                default(kept),
                default(upstream)
            ));
        }
    }
    for (name, upstream) in &theirs {
        let required = upstream.ty.is_non_null() && upstream.default_value.is_none();
        if required && !ours.iter().any(|(n, _)| n == name) {
            out.push(format!("{at}({name}): required upstream, missing here"));
        }
    }
}

#[cfg(test)]
mod tests;
