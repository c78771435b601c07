//! Plain-text lines: header layouts, logfmt, request lines, route templates.

use super::*;

#[test]
fn header_layouts() {
    let cases: &[(&str, Option<LogLevel>, Option<&str>, &str)] = &[
        (
            "2024-05-01T12:00:00.123Z ERROR boom",
            Some(LogLevel::Error),
            Some("2024-05-01T12:00:00.123Z"),
            "boom",
        ),
        (
            "2024-05-01 12:00:00,123 ERROR [main] com.shop.Cart - boom",
            Some(LogLevel::Error),
            Some("2024-05-01T12:00:00.123Z"),
            "boom",
        ),
        (
            "2024-05-01T14:00:00+02:00 WARN  [pool-1-thread-3] c.s.Cart - slow",
            Some(LogLevel::Warning),
            Some("2024-05-01T12:00:00Z"),
            "slow",
        ),
        (
            "[2024-05-01 12:00:00 +0000] [7] [ERROR] Worker timeout",
            Some(LogLevel::Error),
            Some("2024-05-01T12:00:00Z"),
            "Worker timeout",
        ),
        (
            "[2024-05-01T12:00:00Z ERROR shop::cart] cart is empty",
            Some(LogLevel::Error),
            Some("2024-05-01T12:00:00Z"),
            "cart is empty",
        ),
        (
            "2024-05-01T12:00:00.123456Z ERROR shop::api: request failed",
            Some(LogLevel::Error),
            Some("2024-05-01T12:00:00.123456Z"),
            "request failed",
        ),
        (
            "ERROR:root:Checkout failed",
            Some(LogLevel::Error),
            None,
            "Checkout failed",
        ),
        (
            "[ERROR] something broke",
            Some(LogLevel::Error),
            None,
            "something broke",
        ),
        (
            "error: winston says no",
            Some(LogLevel::Error),
            None,
            "winston says no",
        ),
        (
            "E0501 12:00:00.000000    1234 cart.go:42] cart is empty",
            Some(LogLevel::Error),
            None,
            "cart is empty",
        ),
        (
            "May  1 12:00:00 web-1 checkout[4242]: payment failed",
            None,
            None,
            "payment failed",
        ),
        (
            "2024/05/01 12:00:00 [error] 31#31: *1 upstream timed out",
            Some(LogLevel::Error),
            Some("2024-05-01T12:00:00Z"),
            "*1 upstream timed out",
        ),
        (
            "2024-05-01T12:00:00.000Z\tERROR\tcart/service.go:57\tadd item failed",
            Some(LogLevel::Error),
            Some("2024-05-01T12:00:00Z"),
            "add item failed",
        ),
        (
            "[12:00:00.000] ERROR (4242): request failed",
            Some(LogLevel::Error),
            None,
            "request failed",
        ),
        (
            "2024-05-01 12:00:00,123 - app.views - ERROR - boom",
            Some(LogLevel::Error),
            Some("2024-05-01T12:00:00.123Z"),
            "boom",
        ),
    ];
    for (raw, level, ts, message) in cases {
        let p = parse_message(raw);
        assert_eq!(p.level, *level, "{raw}");
        assert_eq!(p.timestamp, ts.map(utc), "{raw}");
        assert_eq!(p.message, *message, "{raw}");
    }
}

#[test]
fn message_words_are_not_mistaken_for_a_header() {
    for raw in [
        "Error: connect ECONNREFUSED 127.0.0.1:5432",
        "[Checkout] payment failed",
        "Failed to charge card",
        "2024-05-01T12:00:00Z ERROR com.shop.PaymentException: card declined",
    ] {
        let p = parse_message(raw);
        assert!(
            raw.ends_with(&p.message) && p.message.len() >= 20,
            "{raw} → {:?}",
            p.message
        );
    }
    let p = parse_message("Error: connect ECONNREFUSED 127.0.0.1:5432");
    assert_eq!(p.level, None);
    assert_eq!(p.exception_type.as_deref(), Some("Error"));
    let p = parse_message("2024-05-01T12:00:00Z ERROR com.shop.PaymentException: card declined");
    assert_eq!(
        p.exception_type.as_deref(),
        Some("com.shop.PaymentException")
    );
    assert_eq!(p.exception_message.as_deref(), Some("card declined"));
}

#[test]
fn logfmt_pairs_after_free_text_fill_fields_but_not_the_message() {
    let p = parse_message(
        "2024-05-01T12:00:00Z ERROR charge failed user_id=42 request_id=r-1 status=500",
    );
    assert_eq!(
        p.message,
        "charge failed user_id=42 request_id=r-1 status=500"
    );
    assert_eq!(p.user_id.as_deref(), Some("42"));
    assert_eq!(p.request_id.as_deref(), Some("r-1"));
    assert_eq!(p.status, Some(500));
}

#[test]
fn logfmt_with_escapes_and_a_trace_below() {
    let raw = "level=error msg=\"charge \\\"failed\\\"\" err=\"boom\"\nTypeError: x is not a function\n    at pay (/app/pay.js:3:1)";
    let p = parse_message(raw);
    assert_eq!(p.message, "charge \"failed\"");
    assert_eq!(p.exception_type.as_deref(), Some("TypeError"));
    assert_eq!(p.exception_message.as_deref(), Some("boom"));
    assert_eq!(functions(&p), ["pay"]);
}

#[test]
fn access_log_request_line() {
    let raw = r#"10.0.0.1 - - [01/May/2024:12:00:00 +0000] "GET /carts/123/items?page=2 HTTP/1.1" 502 157"#;
    let p = parse_message(raw);
    assert_eq!(
        p.endpoint.as_ref().map(ToString::to_string).as_deref(),
        Some("GET /carts/:id/items")
    );
    assert_eq!(p.status, Some(502));
}

#[test]
fn route_templates_mask_ids_and_drop_hosts_and_queries() {
    let cases = [
        ("/carts/123/items", "/carts/:id/items"),
        ("https://api.shop.com/v1/carts/123?x=1#top", "/v1/carts/:id"),
        (
            "/users/3fa85f64-5717-4562-b3fc-2c963f66afa6/orders",
            "/users/:id/orders",
        ),
        ("/orders/507f1f77bcf86cd799439011", "/orders/:id"),
        ("/invoices/INV-2024-0001", "/invoices/:id"),
        ("/reset/eyJhbGciOiJIUzI1NiJ9x1", "/reset/:id"),
        ("/users/jane@example.com", "/users/:id"),
        ("/carts/:id/items", "/carts/:id/items"),
        ("/files/{fileId}", "/files/{fileId}"),
        ("/api/v2/oauth2/callback", "/api/v2/oauth2/callback"),
        ("//double//slashes/", "/double/slashes"),
        ("https://shop.com", "/"),
    ];
    for (raw, expected) in cases {
        assert_eq!(route_template(raw).as_deref(), Some(expected), "{raw}");
    }
    assert_eq!(route_template("not a path"), None);
    let long = format!("/{}", "segment/".repeat(100));
    let route = route_template(&long).expect("a route");
    assert!(route.len() <= 200, "{}", route.len());
}

#[test]
fn unknown_methods_become_any() {
    let p = parse_message(r#"{"msg":"x","method":"BREW","path":"/pots/7"}"#);
    assert_eq!(
        p.endpoint.as_ref().map(ToString::to_string).as_deref(),
        Some("ANY /pots/:id")
    );
}
