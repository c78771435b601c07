//! Cutting a JSON contract down to what the project uses: the operations listed, the
//! components, definitions or shapes they reference (transitively), unions limited to the
//! members listed, and prose (descriptions, titles, summaries, examples) removed wherever
//! a keyword says so, never where a name does (`properties.description` stays).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

/// Annotations that are prose, not facts.
pub const PROSE: [&str; 6] = [
    "description",
    "title",
    "summary",
    "externalDocs",
    "$comment",
    "markdownDescription",
];
/// Vendor extensions that carry a fact the tests use (GitHub's multi-segment paths).
const KEPT_EXTENSIONS: [&str; 1] = ["x-multi-segment"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is one schema (or, for `items` in older drafts, a list).
const SCHEMA_VALUES: [&str; 11] = [
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
];
/// Keywords whose value is a list of schemas; the first two are unions.
const SCHEMA_LISTS: [&str; 4] = ["anyOf", "oneOf", "allOf", "prefixItems"];

/// Whether an annotation is dropped from a cut (prose, examples, extensions).
pub fn is_dropped(key: &str) -> bool {
    PROSE.contains(&key)
        || key == "examples"
        || key == "example"
        || (key.starts_with("x-") && !KEPT_EXTENSIONS.contains(&key))
}

/// The name a `$ref` points at (`#/$defs/TextBlock` → `TextBlock`), unescaped.
pub fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// Every `$ref` target in `node`, as written (`#/components/schemas/issue`).
fn references(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => {
                        out.insert(target.clone());
                    }
                    _ => references(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// A schema without prose or examples; with `members`, each union over some of them keeps
/// only the alternatives that reference a member or no definition at all.
pub fn schema(node: &Value, members: Option<&BTreeSet<String>>) -> Value {
    let Value::Object(map) = node else {
        return node.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let key_str = key.as_str();
        if is_dropped(key_str) {
            continue;
        }
        let converted = if SCHEMA_MAPS.contains(&key_str) {
            match value {
                Value::Object(named) => Value::Object(
                    named
                        .iter()
                        .map(|(name, s)| (name.clone(), schema(s, members)))
                        .collect(),
                ),
                other => other.clone(),
            }
        } else if SCHEMA_VALUES.contains(&key_str) {
            match value {
                Value::Array(list) => list.iter().map(|s| schema(s, members)).collect(),
                other => schema(other, members),
            }
        } else if SCHEMA_LISTS.contains(&key_str) {
            let union = key_str == "anyOf" || key_str == "oneOf";
            let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
            // Only a union over listed members is cut; others (over enums, or over
            // members never used) stay whole: they still say what upstream accepts.
            let cut = union
                && list
                    .iter()
                    .any(|alternative| names_member(alternative, members));
            list.iter()
                .filter(|alternative| !cut || keeps(alternative, members))
                .map(|s| schema(s, members))
                .collect()
        } else {
            value.clone()
        };
        out.insert(key.clone(), converted);
    }
    Value::Object(out)
}

/// Whether a cut union keeps `alternative`: it references no definition, or a member.
fn keeps(alternative: &Value, members: Option<&BTreeSet<String>>) -> bool {
    let mut targets = BTreeSet::new();
    references(alternative, &mut targets);
    targets.is_empty() || names_member(alternative, members)
}

/// Whether `alternative` references one of `members`.
fn names_member(alternative: &Value, members: Option<&BTreeSet<String>>) -> bool {
    let Some(members) = members else {
        return false;
    };
    let mut targets = BTreeSet::new();
    references(alternative, &mut targets);
    targets
        .iter()
        .any(|target| members.contains(&unescape(ref_name(target))))
}

/// A JSON Schema document: the whole root without prose, its unions cut to `members`,
/// and only the definitions still referenced.
pub fn json_schema(upstream: &Value, members: Option<&[&str]>) -> Result<Value, String> {
    let members = member_set(upstream, members, &["$defs", "definitions"])?;
    let mut out = schema(upstream, members.as_ref());
    for defs_key in ["$defs", "definitions"] {
        let Some(Value::Object(defs)) = out.get(defs_key).cloned() else {
            continue;
        };
        let mut root = out.clone();
        root.as_object_mut().expect("object").remove(defs_key);
        let prefix = format!("#/{defs_key}/");
        let name_of = |target: &str| target.strip_prefix(&prefix).map(unescape);
        let reachable: BTreeSet<String> =
            closure(&root, |target| defs.get(&name_of(target)?).cloned())
                .iter()
                .filter_map(|target| name_of(target))
                .collect();
        let kept: Map<String, Value> = defs
            .into_iter()
            .filter(|(name, _)| reachable.contains(name))
            .collect();
        out[defs_key] = Value::Object(kept);
    }
    Ok(out)
}

/// Union members, each checked to be a definition (or component) upstream.
fn member_set(
    upstream: &Value,
    members: Option<&[&str]>,
    def_pointers: &[&str],
) -> Result<Option<BTreeSet<String>>, String> {
    let Some(members) = members else {
        return Ok(None);
    };
    for member in members {
        let known = def_pointers.iter().any(|pointer| {
            upstream
                .pointer(&format!("/{}", pointer.trim_start_matches('/')))
                .and_then(|defs| defs.get(*member))
                .is_some()
        });
        if !known {
            return Err(format!("union member {member} is not defined upstream"));
        }
    }
    Ok(Some(members.iter().map(|m| (*m).to_owned()).collect()))
}

/// The `$ref` targets reachable from `root`, following each through `lookup`.
fn closure(root: &Value, lookup: impl Fn(&str) -> Option<Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending = BTreeSet::new();
    references(root, &mut pending);
    while let Some(name) = pending.pop_first() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(target) = lookup(&name) {
            let mut more = BTreeSet::new();
            references(&target, &mut more);
            pending.extend(more.into_iter().filter(|n| !seen.contains(n)));
        }
    }
    seen
}

/// An OpenAPI 3.x document with only `operations` (`METHOD /path`) and the components
/// they reference; examples kept only for the operations in `examples`.
pub fn openapi(
    upstream: &Value,
    operations: &[&str],
    examples: &[&str],
    members: Option<&[&str]>,
) -> Result<Value, String> {
    let members = member_set(upstream, members, &["components/schemas"])?;
    let members = members.as_ref();
    let mut paths = Map::new();
    for operation in operations {
        let (method, path) = operation
            .split_once(' ')
            .ok_or_else(|| format!("{operation:?} is not `METHOD /path`"))?;
        let method = method.to_ascii_lowercase();
        let item = upstream
            .get("paths")
            .and_then(|paths| paths.get(path))
            .ok_or_else(|| format!("{path} is not a path upstream"))?;
        let found = item
            .get(&method)
            .ok_or_else(|| format!("{operation} is not an operation upstream"))?;
        let keep_examples = examples.contains(operation);
        let entry = paths
            .entry(path.to_owned())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("path item");
        if let Some(Value::Array(shared)) = item.get("parameters") {
            let shared = shared.iter().map(|p| parameter(p, members)).collect();
            entry.insert("parameters".into(), Value::Array(shared));
        }
        entry.insert(method, operation_object(found, keep_examples, members));
    }
    let mut out = Map::new();
    for key in ["openapi", "security"] {
        if let Some(value) = upstream.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    out.insert("info".into(), info(upstream));
    out.insert("servers".into(), servers(upstream));
    out.insert("paths".into(), Value::Object(paths));
    out.insert("components".into(), components(upstream, &out, members));
    Ok(Value::Object(out))
}

fn info(upstream: &Value) -> Value {
    let info = upstream.get("info").cloned().unwrap_or_else(|| json!({}));
    json!({ "title": info.get("title"), "version": info.get("version") })
}

fn servers(upstream: &Value) -> Value {
    let list = upstream.get("servers").and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .map(|server| json!({ "url": server.get("url") }))
        .collect()
}

/// Keeps the keys of `node` not dropped, converting the values of some with `convert`.
fn keep(node: &Value, convert: impl Fn(&str, &Value) -> Option<Value>) -> Value {
    let Value::Object(map) = node else {
        return node.clone();
    };
    map.iter()
        .filter(|(key, _)| !is_dropped(key) && key.as_str() != "tags")
        .map(|(key, value)| {
            let converted = convert(key, value).unwrap_or_else(|| value.clone());
            (key.clone(), converted)
        })
        .collect::<Map<_, _>>()
        .into()
}

fn map_values(node: &Value, convert: impl Fn(&Value) -> Value) -> Value {
    match node {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), convert(v)))
            .collect::<Map<_, _>>()
            .into(),
        other => other.clone(),
    }
}

fn operation_object(op: &Value, keep_examples: bool, members: Option<&BTreeSet<String>>) -> Value {
    let kept = keep(op, |key, value| match key {
        "parameters" => Some(
            value
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| parameter(p, members))
                .collect(),
        ),
        "requestBody" => Some(with_content(value, false, members)),
        "responses" => Some(map_values(value, |r| {
            with_content(r, keep_examples, members)
        })),
        _ => None,
    });
    let mut kept = kept;
    if let Value::Object(map) = &mut kept {
        map.remove("callbacks");
    }
    kept
}

fn parameter(node: &Value, members: Option<&BTreeSet<String>>) -> Value {
    keep(node, |key, value| match key {
        "schema" => Some(schema(value, members)),
        "content" => Some(map_values(value, |m| media(m, false, members))),
        _ => None,
    })
}

/// A request body, response or header: its content and headers converted.
fn with_content(node: &Value, keep_examples: bool, members: Option<&BTreeSet<String>>) -> Value {
    let mut out = keep(node, |key, value| match key {
        "content" => Some(map_values(value, |m| media(m, keep_examples, members))),
        "headers" => Some(map_values(value, |h| with_content(h, false, members))),
        "schema" => Some(schema(value, members)),
        _ => None,
    });
    if let Value::Object(map) = &mut out {
        map.remove("links");
    }
    out
}

fn media(node: &Value, keep_examples: bool, members: Option<&BTreeSet<String>>) -> Value {
    let Value::Object(map) = node else {
        return node.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "schema" => {
                out.insert(key.clone(), schema(value, members));
            }
            "examples" | "example" if keep_examples => {
                out.insert(key.clone(), value.clone());
            }
            other if is_dropped(other) => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// The components the kept paths reference, transitively, each converted by its kind;
/// the security schemes whole (without prose).
fn components(
    upstream: &Value,
    cut: &Map<String, Value>,
    members: Option<&BTreeSet<String>>,
) -> Value {
    let source = upstream
        .get("components")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let convert = |kind: &str, value: &Value| -> Value {
        match kind {
            "schemas" => schema(value, members),
            "parameters" => parameter(value, members),
            "examples" => json!({ "value": value.get("value") }),
            _ => with_content(value, false, members),
        }
    };
    // `#/components/<kind>/<name>` → (kind, name, the component converted).
    let lookup = |target: &str| -> Option<(String, String, Value)> {
        let (kind, name) = target.strip_prefix("#/components/")?.split_once('/')?;
        let name = unescape(name);
        let found = source.get(kind)?.get(&name)?;
        Some((kind.to_owned(), name, convert(kind, found)))
    };
    let reachable = closure(&Value::Object(cut.clone()), |target| {
        lookup(target).map(|(_, _, value)| value)
    });
    let mut out: Map<String, Value> = Map::new();
    for target in reachable {
        if let Some((kind, name, value)) = lookup(&target) {
            let entries = out.entry(kind).or_insert_with(|| json!({}));
            entries[name] = value;
        }
    }
    if let Some(schemes) = source.get("securitySchemes") {
        out.insert(
            "securitySchemes".into(),
            map_values(schemes, |s| keep(s, |_, _| None)),
        );
    }
    Value::Object(out)
}

/// A botocore service model with only `operations`, the shapes they reference, and
/// `shapes` (with what they reference).
pub fn botocore(upstream: &Value, operations: &[&str], shapes: &[&str]) -> Result<Value, String> {
    let without_docs = |node: &Value| -> Value {
        let mut out = node.clone();
        strip_documentation(&mut out);
        out
    };
    let mut ops = Map::new();
    for name in operations {
        let op = upstream
            .pointer(&format!("/operations/{name}"))
            .ok_or_else(|| format!("{name} is not an operation upstream"))?;
        ops.insert((*name).to_owned(), without_docs(op));
    }
    let model_shapes = upstream.get("shapes").cloned().unwrap_or_else(|| json!({}));
    let mut pending: BTreeSet<String> = shapes.iter().map(|s| (*s).to_owned()).collect();
    shape_references(&Value::Object(ops.clone()), &mut pending);
    let mut kept = Map::new();
    while let Some(name) = pending.pop_first() {
        if kept.contains_key(&name) {
            continue;
        }
        let shape = model_shapes
            .get(&name)
            .ok_or_else(|| format!("shape {name} is not in the model"))?;
        let shape = without_docs(shape);
        shape_references(&shape, &mut pending);
        kept.insert(name, shape);
    }
    Ok(json!({
        "version": upstream.get("version"),
        "metadata": upstream.get("metadata"),
        "operations": ops,
        "shapes": kept,
    }))
}

fn strip_documentation(node: &mut Value) {
    match node {
        Value::Object(map) => {
            map.remove("documentation");
            map.remove("documentationUrl");
            map.values_mut().for_each(strip_documentation);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_documentation),
        _ => {}
    }
}

/// Every `"shape": name` in a botocore fragment.
fn shape_references(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("shape", Value::String(name)) => {
                        out.insert(name.clone());
                    }
                    _ => shape_references(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| shape_references(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
