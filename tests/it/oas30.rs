//! OpenAPI 3.0 → JSON Schema 2020-12, for validating traffic against a vendor's published
//! description: `nullable: true` becomes a type union with `null` (or an `anyOf` with
//! `{"type": "null"}` around `$ref`/`allOf`/`oneOf`/`anyOf`, and `null` joins an `enum`),
//! OpenAPI-only keywords (`example`, `discriminator`, `xml`, `externalDocs`, `deprecated`,
//! `readOnly`, `writeOnly`, `x-*`) are dropped, and `#/components/schemas/X` references
//! become `#/$defs/X` with every component bundled under `$defs`.
//!
//! `Contract` wraps one description: response and request-body validators, and a check
//! of a request's path and query parameters against the operation's `parameters`.
//! Parameters and responses given as `$ref`s to `#/components/...` are followed, and a
//! last path parameter marked `x-multi-segment` (GitHub's file paths and refs) spans the
//! rest of the path.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

const DROPPED: [&str; 7] = [
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Converts one OpenAPI 3.0 schema object (recursively).
pub fn convert(node: &Value) -> Value {
    match node {
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        Value::Object(map) => convert_object(map),
        other => other.clone(),
    }
}

fn convert_object(map: &Map<String, Value>) -> Value {
    let mut out: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| !DROPPED.contains(&k.as_str()) && !k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), convert(v)))
        .collect();
    if let Some(Value::String(reference)) = out.get_mut("$ref") {
        *reference = reference.replace("#/components/schemas/", "#/$defs/");
    }
    let nullable = matches!(out.remove("nullable"), Some(Value::Bool(true)));
    if !nullable {
        return Value::Object(out);
    }
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match out.get("type").cloned() {
        Some(Value::String(t)) => {
            out.insert("type".into(), json!([t, "null"]));
            Value::Object(out)
        }
        None if ["$ref", "allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| out.contains_key(*k)) =>
        {
            json!({ "anyOf": [Value::Object(out), { "type": "null" }] })
        }
        _ => Value::Object(out),
    }
}

/// A standalone JSON Schema for `schema`, with the spec's components under `$defs`.
pub fn bundle(spec: &Value, schema: &Value) -> Value {
    let mut out = convert(schema);
    if let Value::Object(map) = &mut out {
        map.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        if let Some(Value::Object(components)) = spec.pointer("/components/schemas") {
            let defs: Map<String, Value> = components
                .iter()
                .map(|(k, v)| (k.clone(), convert(v)))
                .collect();
            map.insert("$defs".into(), Value::Object(defs));
        }
    }
    out
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .expect("the converted schema compiles")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

/// One OpenAPI 3.0 description.
pub struct Contract {
    spec: Value,
}

impl Contract {
    /// The project's subset of a vendor's OpenAPI description.
    pub fn of(subset: triaged_sandbox::contracts::Subset) -> Contract {
        Contract {
            spec: triaged_sandbox::contracts::json(subset).clone(),
        }
    }

    fn operation(&self, template: &str, method: &str) -> &Value {
        self.spec
            .get("paths")
            .and_then(|p| p.get(template))
            .and_then(|p| p.get(method.to_ascii_lowercase()))
            .unwrap_or_else(|| panic!("no operation {method} {template} in the contract"))
    }

    /// Follows a `$ref` to another part of the document (`#/components/...`).
    fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|pointer| self.spec.pointer(pointer))
                .unwrap_or_else(|| panic!("unresolved {reference}")),
            None => node,
        }
    }

    /// Whether the operation documents a JSON answer for `status`.
    pub fn has_json_response(&self, template: &str, method: &str, status: u16) -> bool {
        self.operation(template, method)
            .pointer(&format!("/responses/{status}"))
            .map(|response| self.resolve(response))
            .and_then(|response| response.pointer("/content/application~1json/schema"))
            .is_some()
    }

    /// Errors of a JSON response body against the operation's `status` response schema
    /// (a response given as a `$ref` to `#/components/responses/...` is followed).
    pub fn check_response(
        &self,
        template: &str,
        method: &str,
        status: u16,
        body: &Value,
    ) -> Vec<String> {
        let response = self
            .operation(template, method)
            .pointer(&format!("/responses/{status}"))
            .map(|response| self.resolve(response))
            .unwrap_or_else(|| panic!("no {status} response for {method} {template}"));
        let schema = response
            .pointer("/content/application~1json/schema")
            .unwrap_or_else(|| panic!("no {status} JSON response for {method} {template}"));
        errors(&validator(&bundle(&self.spec, schema)), body)
    }

    /// Errors of `value` against the component schema `name` (`#/components/schemas/name`).
    pub fn check_component(&self, name: &str, value: &Value) -> Vec<String> {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        errors(&validator(&bundle(&self.spec, &schema)), value)
    }

    /// Errors of a JSON request body against the operation's request-body schema.
    pub fn check_request_body(&self, template: &str, method: &str, body: &Value) -> Vec<String> {
        let schema = self
            .operation(template, method)
            .pointer("/requestBody/content/application~1json/schema")
            .unwrap_or_else(|| panic!("no JSON request body for {method} {template}"));
        errors(&validator(&bundle(&self.spec, schema)), body)
    }

    /// Matches `path` to one of the contract's templates for `method`; of several, the
    /// one with the most literal segments.
    pub fn template_of(&self, method: &str, path: &str) -> Option<String> {
        let paths = self.spec.get("paths")?.as_object()?;
        paths
            .iter()
            .filter(|(_, ops)| ops.get(method.to_ascii_lowercase()).is_some())
            .map(|(template, _)| template)
            .filter(|template| {
                let multi = self.multi_segment(template, method);
                path_params(template, path, &multi).is_some()
            })
            .max_by_key(|template| template.split('/').filter(|s| !s.starts_with('{')).count())
            .cloned()
    }

    /// The operation's parameters (path-level ones first), `$ref`s followed.
    fn parameters(&self, template: &str, method: &str) -> Vec<Value> {
        let path_level = self
            .spec
            .pointer(&format!(
                "/paths/{}/parameters",
                template.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let own = self
            .operation(template, method)
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        path_level
            .iter()
            .chain(&own)
            .map(|p| self.resolve(p).clone())
            .collect()
    }

    /// Path parameters that may span several segments (`x-multi-segment: true`).
    fn multi_segment(&self, template: &str, method: &str) -> Vec<String> {
        self.parameters(template, method)
            .iter()
            .filter(|p| p["in"] == "path" && p["x-multi-segment"] == true)
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect()
    }

    /// Errors of a request's path and query parameters against the operation's
    /// `parameters`: unknown or missing parameters, values of the wrong type or enum.
    pub fn check_parameters(
        &self,
        template: &str,
        method: &str,
        path: &str,
        query: &[(String, String)],
    ) -> Vec<String> {
        let multi = self.multi_segment(template, method);
        let Some(path_values) = path_params(template, path, &multi) else {
            return vec![format!("{path} does not match {template}")];
        };
        let parameters = self.parameters(template, method);
        let mut grouped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (k, v) in query {
            grouped.entry(k.as_str()).or_default().push(v.as_str());
        }
        let mut problems = Vec::new();
        for name in grouped.keys() {
            let known = parameters
                .iter()
                .any(|p| p["in"] == "query" && p["name"] == *name);
            if !known {
                problems.push(format!("query parameter {name:?} is not in the contract"));
            }
        }
        for parameter in &parameters {
            let name = parameter["name"].as_str().unwrap_or_default();
            let schema = bundle(&self.spec, &parameter["schema"]);
            let raw: Vec<&str> = match parameter["in"].as_str() {
                Some("path") => path_values
                    .get(name)
                    .map(|v| vec![v.as_str()])
                    .unwrap_or_default(),
                Some("query") => grouped.get(name).cloned().unwrap_or_default(),
                _ => continue,
            };
            if raw.is_empty() {
                if parameter["required"] == true {
                    problems.push(format!("required parameter {name:?} is missing"));
                }
                continue;
            }
            let instance = typed(&schema, &raw);
            for e in errors(&validator(&schema), &instance) {
                problems.push(format!("parameter {name:?} = {raw:?}: {e}"));
            }
        }
        problems
    }
}

/// `{name}` segments of `template` bound to `path`'s segments; a last segment named in
/// `multi` takes the rest of the path, slashes included.
fn path_params(template: &str, path: &str, multi: &[String]) -> Option<BTreeMap<String, String>> {
    let wanted: Vec<&str> = template.split('/').collect();
    let given: Vec<&str> = path.split('/').collect();
    let last = wanted.len() - 1;
    let spans_rest = wanted[last]
        .strip_prefix('{')
        .and_then(|w| w.strip_suffix('}'))
        .is_some_and(|name| multi.iter().any(|m| m == name));
    let fits = if spans_rest {
        given.len() >= wanted.len()
    } else {
        given.len() == wanted.len()
    };
    if !fits {
        return None;
    }
    let mut bound = BTreeMap::new();
    for (i, w) in wanted.iter().enumerate() {
        let segment = if spans_rest && i == last {
            given[i..].join("/")
        } else {
            given[i].to_owned()
        };
        match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) if !segment.is_empty() && !segment.ends_with('/') => {
                bound.insert(name.to_owned(), segment);
            }
            Some(_) => return None,
            None if *w == segment => {}
            None => return None,
        }
    }
    Some(bound)
}

/// Query strings as JSON of the schema's type: arrays collect every value; integers,
/// numbers and booleans are parsed (left as strings when they do not parse, so the
/// validator reports them).
fn typed(schema: &Value, raw: &[&str]) -> Value {
    if schema["type"] == "array" {
        let items = &schema["items"];
        return Value::Array(raw.iter().map(|v| scalar(items, v)).collect());
    }
    if raw.len() > 1 {
        return Value::Array(raw.iter().map(|v| json!(v)).collect());
    }
    scalar(schema, raw[0])
}

fn scalar(schema: &Value, raw: &str) -> Value {
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => schema["anyOf"]
            .as_array()
            .map(|alts| alts.iter().filter_map(|a| a["type"].as_str()).collect())
            .unwrap_or_default(),
    };
    for t in types {
        match t {
            "integer" => {
                if let Ok(n) = raw.parse::<i64>() {
                    return json!(n);
                }
            }
            "number" => {
                if let Ok(n) = raw.parse::<f64>() {
                    return json!(n);
                }
            }
            "boolean" => {
                if let Ok(b) = raw.parse::<bool>() {
                    return json!(b);
                }
            }
            _ => return json!(raw),
        }
    }
    json!(raw)
}

crate::trial!(sync, nullable_and_refs_convert_like_the_reference_tool);
fn nullable_and_refs_convert_like_the_reference_tool() {
    let converted = convert(&json!({
        "type": "object",
        "example": {"a": 1},
        "x-internal": true,
        "properties": {
            "a": {"type": "string", "nullable": true, "enum": ["x", "y"]},
            "b": {"$ref": "#/components/schemas/B", "nullable": true},
            "c": {"type": "integer", "nullable": false, "readOnly": true}
        }
    }));
    assert_eq!(
        converted,
        json!({
            "type": "object",
            "properties": {
                "a": {"type": ["string", "null"], "enum": ["x", "y", null]},
                "b": {"anyOf": [{"$ref": "#/$defs/B"}, {"type": "null"}]},
                "c": {"type": "integer"}
            }
        })
    );
    let spec = json!({"components": {"schemas": {"B": {"type": "string", "nullable": true}}}});
    let bundled = bundle(&spec, &json!({"$ref": "#/components/schemas/B"}));
    assert_eq!(bundled["$defs"]["B"]["type"], json!(["string", "null"]));
    let v = validator(&bundled);
    assert!(v.is_valid(&Value::Null));
    assert!(!v.is_valid(&json!(3)));
}
