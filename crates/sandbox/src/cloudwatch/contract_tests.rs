//! Holds the emulator to the botocore model of CloudWatch Logs: every request member it
//! reads and every response member it writes exists in the operation's shapes with the
//! right type and bounds, and every error `__type` it sends is one the model or the AWS
//! protocol defines.

use serde_json::{Value, json};

use super::store::{ScanLimits, Store};
use super::wire::{DescribeLogGroupsRequest, ErrorKind, FilterLogEventsRequest};
use super::{CONTENT_TYPE, OPERATIONS, TARGET_PREFIX};

/// awsJson protocol errors (no model shape): sent before an operation is dispatched.
const PROTOCOL_ERRORS: [&str; 2] = ["UnknownOperationException", "SerializationException"];
/// Errors common to all AWS APIs (the "Common Errors" table), not listed per operation.
const COMMON_ERRORS: [&str; 3] = [
    "InternalFailure",
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
];

fn model() -> &'static Value {
    crate::contracts::json(crate::contracts::Subset::CloudWatchLogs)
}

/// Walks `value` against shape `shape_name`, collecting every mismatch.
fn check(model: &Value, shape_name: &str, value: &Value, path: &str, problems: &mut Vec<String>) {
    let shape = &model["shapes"][shape_name];
    let mut problem = |text: String| problems.push(format!("{path}: {text}"));
    let bounds = |n: i64| {
        shape["min"].as_i64().is_none_or(|min| n >= min)
            && shape["max"].as_i64().is_none_or(|max| n <= max)
    };
    match shape["type"].as_str().unwrap_or("missing") {
        "structure" => {
            let Some(object) = value.as_object() else {
                return problem(format!("{value} is not an object"));
            };
            for required in shape["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !object.contains_key(required) {
                    problems.push(format!("{path}: required member {required} missing"));
                }
            }
            for (key, member_value) in object {
                match shape["members"][key]["shape"].as_str() {
                    Some(member_shape) => check(
                        model,
                        member_shape,
                        member_value,
                        &format!("{path}.{key}"),
                        problems,
                    ),
                    None => problems.push(format!("{path}: member {key} is not in {shape_name}")),
                }
            }
        }
        "list" => match value.as_array() {
            Some(items) => {
                if !bounds(items.len() as i64) {
                    problem(format!("{} items are out of bounds", items.len()));
                }
                let item_shape = shape["member"]["shape"].as_str().unwrap_or("missing");
                for (i, item) in items.iter().enumerate() {
                    check(model, item_shape, item, &format!("{path}[{i}]"), problems);
                }
            }
            None => problem(format!("{value} is not a list")),
        },
        "string" => match value.as_str() {
            Some(text) if !bounds(text.chars().count() as i64) => {
                problem(format!("{text:?} has a length out of bounds"))
            }
            Some(text)
                if shape["enum"]
                    .as_array()
                    .is_some_and(|e| !e.iter().any(|v| v == text)) =>
            {
                problem(format!("{text:?} is not in the enum"))
            }
            Some(_) => {}
            None => problem(format!("{value} is not a string")),
        },
        "long" | "integer" | "timestamp" => match value.as_i64() {
            Some(n) if shape["type"] == "integer" && i32::try_from(n).is_err() => {
                problem(format!("{n} overflows an integer"))
            }
            Some(n) if !bounds(n) => problem(format!("{n} is out of bounds")),
            Some(_) => {}
            None => problem(format!("{value} is not an integer")),
        },
        "boolean" if !value.is_boolean() => problem(format!("{value} is not a boolean")),
        "boolean" => {}
        other => problem(format!("shape {shape_name} of type {other} is not handled")),
    }
}

fn operation_shape(model: &Value, operation: &str, side: &str) -> String {
    model["operations"][operation][side]["shape"]
        .as_str()
        .unwrap_or_else(|| panic!("{operation} has no {side} shape"))
        .to_string()
}

fn assert_fits(model: &Value, operation: &str, side: &str, value: &Value) {
    let shape = operation_shape(model, operation, side);
    let mut problems = Vec::new();
    check(
        model,
        &shape,
        value,
        &format!("{operation}.{side}"),
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

fn seeded_store() -> Store {
    let mut store = Store::default();
    let events = (0..3).map(|t| {
        (
            1_700_000_000_000 + t,
            1_700_000_000_500 + t,
            format!("ERROR {t}"),
        )
    });
    store.put_events(
        "/aws/lambda/app",
        "2026/01/01/[$LATEST]abc",
        events,
        1_700_000_000_000,
    );
    store.create_group("/aws/lambda/other", 1_700_000_000_000);
    store
}

#[test]
fn protocol_metadata_matches() {
    let model = model();
    assert_eq!(model["metadata"]["protocol"], "json");
    assert_eq!(
        format!(
            "application/x-amz-json-{}",
            model["metadata"]["jsonVersion"].as_str().unwrap_or("?")
        ),
        CONTENT_TYPE
    );
    assert_eq!(
        format!(
            "{}.",
            model["metadata"]["targetPrefix"].as_str().unwrap_or("?")
        ),
        TARGET_PREFIX
    );
    for operation in OPERATIONS {
        assert_eq!(
            model["operations"][operation]["http"],
            json!({"method": "POST", "requestUri": "/"}),
            "{operation}"
        );
    }
}

#[test]
fn every_request_member_read_is_in_the_input_shape() {
    let model = model();
    let filter = FilterLogEventsRequest {
        log_group_name: Some("g".into()),
        log_group_identifier: Some("arn:aws:logs:us-east-1:123456789012:log-group:g".into()),
        log_stream_names: Some(vec!["s".into()]),
        log_stream_name_prefix: Some("s".into()),
        start_time: Some(0),
        end_time: Some(1),
        filter_pattern: Some("ERROR".into()),
        next_token: Some("t".into()),
        limit: Some(10_000),
        start_from_head: Some(true),
        interleaved: Some(true),
    };
    let filter = serde_json::to_value(&filter).expect("serializes");
    assert_eq!(
        filter.as_object().map(|o| o.len()),
        Some(11),
        "every member populated"
    );
    assert_fits(model, "FilterLogEvents", "input", &filter);
    let describe = DescribeLogGroupsRequest {
        log_group_name_prefix: Some("/aws".into()),
        log_group_name_pattern: Some("lambda".into()),
        next_token: Some("t".into()),
        limit: Some(50),
    };
    let describe = serde_json::to_value(&describe).expect("serializes");
    assert_eq!(
        describe.as_object().map(|o| o.len()),
        Some(4),
        "every member populated"
    );
    assert_fits(model, "DescribeLogGroups", "input", &describe);
}

#[test]
fn every_response_member_written_is_in_the_output_shape() {
    let model = model();
    let store = seeded_store();
    let limits = ScanLimits {
        page_bytes: super::store::MAX_PAGE_BYTES,
        scan_budget: usize::MAX,
    };
    let mut request = FilterLogEventsRequest {
        log_group_name: Some("/aws/lambda/app".into()),
        limit: Some(2),
        ..FilterLogEventsRequest::default()
    };
    let first = store.filter_log_events(&request, limits).expect("page");
    assert!(first.next_token.is_some() && !first.events.is_empty());
    assert_fits(
        model,
        "FilterLogEvents",
        "output",
        &serde_json::to_value(&first).expect("json"),
    );
    request.next_token = first.next_token;
    let last = store.filter_log_events(&request, limits).expect("page");
    assert!(last.next_token.is_none());
    assert_fits(
        model,
        "FilterLogEvents",
        "output",
        &serde_json::to_value(&last).expect("json"),
    );

    let groups = store
        .describe_log_groups(&DescribeLogGroupsRequest {
            limit: Some(1),
            ..DescribeLogGroupsRequest::default()
        })
        .expect("page");
    assert!(groups.next_token.is_some());
    assert_fits(
        model,
        "DescribeLogGroups",
        "output",
        &serde_json::to_value(&groups).expect("json"),
    );
}

#[test]
fn every_error_type_sent_is_declared() {
    let model = model();
    let store = seeded_store();
    let limits = ScanLimits {
        page_bytes: 1,
        scan_budget: 1,
    };
    let declared = |operation: &str| -> Vec<String> {
        model["operations"][operation]["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["shape"].as_str().map(str::to_string))
            .collect()
    };
    let filter_failures = [
        json!({}),
        json!({"logGroupName": "missing"}),
        json!({"logGroupName": "/aws/lambda/app", "limit": 0}),
        json!({"logGroupName": "/aws/lambda/app", "filterPattern": "[a]"}),
        json!({"logGroupName": "/aws/lambda/app", "nextToken": "x"}),
    ];
    for body in filter_failures {
        let request: FilterLogEventsRequest =
            serde_json::from_value(body.clone()).expect("request");
        let error = store
            .filter_log_events(&request, limits)
            .expect_err("fails");
        assert!(
            declared("FilterLogEvents").contains(&error.kind.type_name().to_string()),
            "{body}: {error:?}"
        );
    }
    for body in [json!({"limit": 51}), json!({"nextToken": "x"})] {
        let request: DescribeLogGroupsRequest =
            serde_json::from_value(body.clone()).expect("request");
        let error = store.describe_log_groups(&request).expect_err("fails");
        assert!(
            declared("DescribeLogGroups").contains(&error.kind.type_name().to_string()),
            "{body}: {error:?}"
        );
    }
    for kind in ErrorKind::ALL {
        let name = kind.type_name();
        let model_exception = model["shapes"][name]["exception"] == true;
        assert!(
            model_exception || PROTOCOL_ERRORS.contains(&name) || COMMON_ERRORS.contains(&name),
            "{name} is neither a model error nor a protocol/common AWS error"
        );
        if kind == ErrorKind::ServiceUnavailable {
            assert!(
                OPERATIONS
                    .iter()
                    .all(|op| declared(op).contains(&name.to_string()))
            );
            assert_eq!(
                model["shapes"][name]["fault"], true,
                "a server fault, so a 5xx"
            );
        }
    }
}

#[test]
fn the_walker_catches_mismatches() {
    let model = model();
    let wrong = json!({
        "events": [{"timestamp": "soon", "logStreamName": ""}],
        "nextToken": "",
        "searchedLogStreams": {},
        "bogus": 1
    });
    let mut problems = Vec::new();
    check(
        model,
        "FilterLogEventsResponse",
        &wrong,
        "out",
        &mut problems,
    );
    assert_eq!(problems.len(), 5, "{problems:#?}");
    let mut problems = Vec::new();
    check(
        model,
        "DescribeLogGroupsRequest",
        &json!({"limit": 3_000_000_000_i64}),
        "in",
        &mut problems,
    );
    assert_eq!(problems.len(), 1, "{problems:#?}");
}
