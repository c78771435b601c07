//! Structured logs: field names of the common loggers, flat and nested dotted names,
//! prefixes before the object, timestamps, container log lines.

use super::*;

#[test]
fn ecs_json_with_flat_dotted_names() {
    let raw = r#"{"@timestamp":"2024-05-01T12:00:00.000Z","log.level":"error","message":"payment failed","ecs.version":"1.6.0","service.name":"payments","service.version":"2.3.0","deployment.environment":"staging","error.type":"com.shop.PaymentException","error.message":"card declined","error.stack_trace":"com.shop.PaymentException: card declined\n\tat com.shop.Payments.charge(Payments.java:88)","http.request.method":"post","url.path":"/orders/12345/pay","http.response.status_code":402,"trace.id":"4bf92f3577b34da6a3ce929d0e0e4736","user.id":"u-1"}"#;
    let p = parse_message(raw);
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.message, "payment failed");
    assert_eq!(p.service.as_deref(), Some("payments"));
    assert_eq!(p.release.as_deref(), Some("2.3.0"));
    assert_eq!(p.environment.as_deref(), Some("staging"));
    assert_eq!(
        p.exception_type.as_deref(),
        Some("com.shop.PaymentException")
    );
    assert_eq!(p.exception_message.as_deref(), Some("card declined"));
    assert_eq!(functions(&p), ["charge"]);
    assert_eq!(
        p.endpoint.as_ref().map(ToString::to_string).as_deref(),
        Some("POST /orders/:id/pay")
    );
    assert_eq!(p.status, Some(402));
    assert_eq!(
        p.request_id.as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(p.user_id.as_deref(), Some("u-1"));
}

#[test]
fn nested_dotted_names_and_routes_win_over_paths() {
    let raw = r#"{"level":"error","msg":"boom","http":{"method":"GET","route":"/carts/:cartId","status_code":"503"},"url":{"path":"/carts/981"},"service":{"name":"cart"},"usr":{"id":77}}"#;
    let p = parse_message(raw);
    assert_eq!(
        p.endpoint.as_ref().map(ToString::to_string).as_deref(),
        Some("GET /carts/:cartId")
    );
    assert_eq!(p.status, Some(503));
    assert_eq!(p.service.as_deref(), Some("cart"));
    assert_eq!(p.user_id.as_deref(), Some("77"));
}

#[test]
fn serilog_compact_json() {
    let raw = r#"{"@t":"2024-05-01T12:00:00.1234567Z","@mt":"Order {OrderId} failed","@m":"Order 42 failed","@l":"Error","@x":"System.InvalidOperationException: Sequence contains no elements\n   at System.Linq.ThrowHelper.ThrowNoElementsException()\n   at Shop.Orders.OrderService.Load(Int32 id) in /src/Orders/OrderService.cs:line 42","OrderId":42}"#;
    let p = parse_message(raw);
    assert_eq!(p.message, "Order 42 failed");
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.1234567Z")));
    assert_eq!(
        p.exception_type.as_deref(),
        Some("System.InvalidOperationException")
    );
    assert_eq!(functions(&p), ["ThrowNoElementsException", "Load"]);
    assert_eq!(in_app(&p), [false, true]);
    assert_eq!(p.frames[1].file, "/src/Orders/OrderService.cs");
    assert_eq!(p.frames[1].line, Some(42));
}

#[test]
fn powertools_lambda_json() {
    let raw = r#"{"level":"ERROR","location":"handler:12","message":"order lookup failed","timestamp":"2024-05-01 12:00:00,123+0000","service":"orders","cold_start":false,"function_request_id":"c6af9ac6-7b61-11e6-9a41-93e812345678","exception":"Traceback (most recent call last):\n  File \"/var/task/app.py\", line 12, in handler\n    return table[event['id']]\nKeyError: 'id'","exception_name":"KeyError"}"#;
    let p = parse_message(raw);
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.123Z")));
    assert_eq!(p.exception_type.as_deref(), Some("KeyError"));
    assert_eq!(p.exception_message.as_deref(), Some("'id'"));
    assert_eq!(functions(&p), ["handler"]);
    assert_eq!(
        p.request_id.as_deref(),
        Some("c6af9ac6-7b61-11e6-9a41-93e812345678")
    );
    assert_eq!(p.service.as_deref(), Some("orders"));
}

#[test]
fn bunyan_and_zerolog_shapes() {
    let bunyan = r#"{"name":"api","hostname":"h","pid":1,"level":60,"err":{"message":"out of memory","name":"RangeError","stack":"RangeError: out of memory\n    at grow (/app/lib/buf.js:3:9)"},"msg":"fatal","time":"2024-05-01T12:00:00.000Z","v":0}"#;
    let p = parse_message(bunyan);
    assert_eq!(p.level, Some(LogLevel::Fatal));
    assert_eq!(p.exception_type.as_deref(), Some("RangeError"));
    assert_eq!(functions(&p), ["grow"]);

    let zerolog = r#"{"level":"error","error":"sql: no rows in result set","stack":[{"func":"loadCart","line":"51","source":"cart.go"},{"func":"main","line":"12","source":"main.go"}],"time":"2024-05-01T12:00:00Z","message":"load failed"}"#;
    let p = parse_message(zerolog);
    assert_eq!(
        p.exception_message.as_deref(),
        Some("sql: no rows in result set")
    );
    assert_eq!(functions(&p), ["loadCart", "main"]);
    assert_eq!(lines_of(&p), [Some(51), Some(12)]);
}

#[test]
fn one_line_error_field_with_an_exception_class() {
    let raw = r#"{"level":"error","msg":"lookup failed","error":"ValueError: invalid literal for int() with base 10: 'x'"}"#;
    let p = parse_message(raw);
    assert_eq!(p.exception_type.as_deref(), Some("ValueError"));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("invalid literal for int() with base 10: 'x'")
    );
}

#[test]
fn header_before_the_object_fills_what_the_object_lacks() {
    let raw = r#"2024-05-01T12:00:00Z ERROR {"msg":"boom","request_id":"r-1"}"#;
    let p = parse_message(raw);
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00Z")));
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.message, "boom");
    assert!(p.issues.is_empty(), "{:?}", p.issues);
}

#[test]
fn epoch_timestamps_by_magnitude() {
    for (value, expected) in [
        ("1714564800", "2024-05-01T12:00:00Z"),
        ("1714564800.25", "2024-05-01T12:00:00.25Z"),
        ("1714564800123", "2024-05-01T12:00:00.123Z"),
        ("1714564800123456", "2024-05-01T12:00:00.123456Z"),
        ("\"1714564800123\"", "2024-05-01T12:00:00.123Z"),
    ] {
        let p = parse_message(&format!(r#"{{"ts":{value},"msg":"x"}}"#));
        assert_eq!(p.timestamp, Some(utc(expected)), "{value}");
    }
    // Not plausibly a time: ignored rather than 1970.
    assert_eq!(parse_message(r#"{"ts":5,"msg":"x"}"#).timestamp, None);
}

#[test]
fn container_log_line_is_parsed_inside() {
    let raw = r#"{"log":"2024-05-01T12:00:00.000Z ERROR shop::api: request failed\n","stream":"stderr","time":"2024-05-01T12:00:01Z","kubernetes":{"pod_name":"api-1"}}"#;
    let p = parse_message(raw);
    assert_eq!(p.message, "request failed");
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00Z")));
}

#[test]
fn trace_after_a_one_line_object_is_parsed() {
    let raw = "ERROR order failed {\"order_id\":42,\"user_id\":\"u-9\"}\nTraceback (most recent call last):\n  File \"/app/orders.py\", line 8, in pay\n    charge(order)\nRuntimeError: gateway down";
    let p = parse_message(raw);
    assert_eq!(p.message, "order failed");
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.user_id.as_deref(), Some("u-9"));
    assert_eq!(p.exception_type.as_deref(), Some("RuntimeError"));
    assert_eq!(functions(&p), ["pay"]);
}
