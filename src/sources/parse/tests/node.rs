//! Node.js stack traces: plain, uncaught, pino / winston JSON and Lambda's Node layout.

use super::*;

const TYPE_ERROR: &str = "TypeError: Cannot read properties of undefined (reading 'id')
    at Cart.total (/app/releases/1.4.1/src/cart.js:10:5)
    at async CartController.show (/app/releases/1.4.1/src/controller.js:22:17)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)";

#[test]
fn plain_node_trace() {
    let p = parse_message(TYPE_ERROR);
    assert_eq!(p.exception_type.as_deref(), Some("TypeError"));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("Cannot read properties of undefined (reading 'id')")
    );
    assert_eq!(
        p.message,
        "TypeError: Cannot read properties of undefined (reading 'id')"
    );
    assert_eq!(
        functions(&p),
        [
            "Cart.total",
            "CartController.show",
            "Layer.handle [as handle_request]",
            "process.processTicksAndRejections"
        ]
    );
    assert_eq!(p.frames[0].file, "/app/releases/1.4.1/src/cart.js");
    assert_eq!(lines_of(&p), [Some(10), Some(22), Some(95), Some(95)]);
    assert_eq!(in_app(&p), [true, true, false, false]);
    assert_eq!(p.handled, None);
}

#[test]
fn uncaught_error_with_code_anonymous_and_native_frames() {
    let raw = "Uncaught Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client
    at new NodeError (node:internal/errors:405:5)
    at ServerResponse.setHeader (node:_http_outgoing:648:11)
    at /app/src/routes/cart.js:30:9
    at Array.forEach (<anonymous>)
    at file:///app/src/server.mjs:12:3";
    let p = parse_message(raw);
    assert_eq!(p.handled, Some(false));
    assert_eq!(p.exception_type.as_deref(), Some("Error"));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("Cannot set headers after they are sent to the client")
    );
    assert_eq!(
        functions(&p),
        [
            "new NodeError",
            "ServerResponse.setHeader",
            "",
            "Array.forEach",
            ""
        ]
    );
    assert_eq!(in_app(&p), [false, false, true, false, true]);
    assert_eq!(p.frames[2].file, "/app/src/routes/cart.js");
    assert_eq!(p.frames[3].file, "<anonymous>");
}

#[test]
fn pino_json_with_err_object_and_request() {
    let raw = r#"{"level":50,"time":1714564800123,"pid":7,"hostname":"ip-10-0-0-1","req":{"id":"req-42","method":"POST","url":"/carts/123/items?coupon=X"},"res":{"statusCode":500},"userId":"u-981","err":{"type":"TypeError","message":"Cannot read properties of undefined (reading 'id')","stack":"TypeError: Cannot read properties of undefined (reading 'id')\n    at Cart.total (/app/src/cart.js:10:5)\n    at /app/src/routes.js:4:3"},"msg":"request errored"}"#;
    let p = parse_message(raw);
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.123Z")));
    assert_eq!(p.message, "request errored");
    assert_eq!(p.request_id.as_deref(), Some("req-42"));
    assert_eq!(p.user_id.as_deref(), Some("u-981"));
    assert_eq!(p.status, Some(500));
    assert_eq!(
        p.endpoint.as_ref().map(ToString::to_string).as_deref(),
        Some("POST /carts/:id/items")
    );
    assert_eq!(p.exception_type.as_deref(), Some("TypeError"));
    assert_eq!(functions(&p), ["Cart.total", ""]);
}

#[test]
fn winston_json_with_top_level_stack() {
    let raw = r#"{"level":"error","message":"connect ECONNREFUSED 10.0.0.5:5432","stack":"Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)","timestamp":"2024-05-01T12:00:00.000Z","service":"orders"}"#;
    let p = parse_message(raw);
    assert_eq!(p.exception_type.as_deref(), Some("Error"));
    assert_eq!(p.message, "connect ECONNREFUSED 10.0.0.5:5432");
    assert_eq!(in_app(&p), [false]);
    assert_eq!(p.service.as_deref(), Some("orders"));
}

#[test]
fn lambda_node_invoke_error_with_stack_array() {
    let raw = "2024-05-01T12:00:00.123Z\t6b1f0c4e-2a3b-4c5d-8e9f-0a1b2c3d4e5f\tERROR\tInvoke Error \t{\"errorType\":\"TypeError\",\"errorMessage\":\"handler is not a function\",\"stack\":[\"TypeError: handler is not a function\",\"    at Runtime.handler (/var/task/index.js:5:11)\",\"    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)\"]}";
    let p = parse_message(raw);
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.123Z")));
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(
        p.request_id.as_deref(),
        Some("6b1f0c4e-2a3b-4c5d-8e9f-0a1b2c3d4e5f")
    );
    assert_eq!(p.message, "Invoke Error");
    assert_eq!(p.exception_type.as_deref(), Some("TypeError"));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("handler is not a function")
    );
    assert_eq!(
        functions(&p),
        ["Runtime.handler", "Runtime.handleOnceNonStreaming"]
    );
    assert_eq!(in_app(&p), [true, false]);
}

#[test]
fn lambda_uncaught_exception_is_unhandled() {
    let raw = "2024-05-01T12:00:00.123Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"Error\",\"errorMessage\":\"boom\",\"stack\":[\"Error: boom\",\"    at Object.<anonymous> (/var/task/index.js:1:7)\"]}";
    let p = parse_message(raw);
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.handled, Some(false));
    assert_eq!(p.message, "Uncaught Exception");
    assert_eq!(p.request_id, None);
    assert_eq!(functions(&p), ["Object.<anonymous>"]);
}
