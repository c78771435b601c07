//! Python tracebacks: plain, chained, Lambda's layout, and inside structured logs.

use super::*;

const DJANGO: &str = r#"2024-05-01 12:00:00,123 - checkout.views - ERROR - Checkout failed for cart 42
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/django/core/handlers/exception.py", line 55, in inner
    response = get_response(request)
  File "/usr/local/lib/python3.11/site-packages/django/core/handlers/base.py", line 197, in _get_response
    response = wrapped_callback(request, *callback_args, **callback_kwargs)
  File "/srv/app/checkout/views.py", line 31, in post
    total = cart.add_item(request.POST["sku"])
  File "/srv/app/checkout/cart.py", line 57, in add_item
    price = self.prices[sku]
            ~~~~~~~~~~~^^^^^
KeyError: 'sku-123'"#;

#[test]
fn django_traceback_is_reversed_and_split() {
    let p = parse_message(DJANGO);
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.123Z")));
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.message, "Checkout failed for cart 42");
    assert_eq!(p.exception_type.as_deref(), Some("KeyError"));
    assert_eq!(p.exception_message.as_deref(), Some("'sku-123'"));
    assert_eq!(
        functions(&p),
        ["add_item", "post", "_get_response", "inner"]
    );
    assert_eq!(in_app(&p), [true, true, false, false]);
    assert_eq!(lines_of(&p), [Some(57), Some(31), Some(197), Some(55)]);
    assert_eq!(p.frames[0].file, "/srv/app/checkout/cart.py");
    assert_eq!(p.handled, None);
    assert!(p.issues.is_empty(), "{:?}", p.issues);
}

const CHAINED: &str = r#"Traceback (most recent call last):
  File "/app/payments/gateway.py", line 88, in charge
    resp = self.session.post(url, json=body, timeout=5)
  File "/opt/venv/lib/python3.12/site-packages/requests/sessions.py", line 637, in post
    return self.request("POST", url, data=data, json=json, **kwargs)
requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api.stripe.com', port=443): Max retries exceeded

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/api/orders.py", line 20, in pay
    receipt = gateway.charge(order)
  File "/app/payments/gateway.py", line 91, in charge
    raise PaymentError("gateway unreachable") from None
app.errors.PaymentError: gateway unreachable"#;

#[test]
fn chained_traceback_keeps_the_final_exception_and_its_frames() {
    let p = parse_message(CHAINED);
    assert_eq!(p.exception_type.as_deref(), Some("app.errors.PaymentError"));
    assert_eq!(p.exception_message.as_deref(), Some("gateway unreachable"));
    assert_eq!(functions(&p), ["charge", "pay"]);
    assert_eq!(lines_of(&p), [Some(91), Some(20)]);
    assert_eq!(in_app(&p), [true, true]);
    // The message is only a trace: the exception's first line stands in.
    assert_eq!(p.message, "app.errors.PaymentError: gateway unreachable");
}

#[test]
fn direct_cause_chain_and_bare_exception_without_message() {
    let raw = "Traceback (most recent call last):\n  File \"/app/a.py\", line 1, in <module>\n    main()\nValueError: bad\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"/app/a.py\", line 9, in main\n    raise Stop() from e\nStopIteration";
    let p = parse_message(raw);
    assert_eq!(p.exception_type.as_deref(), Some("StopIteration"));
    assert_eq!(p.exception_message, None);
    assert_eq!(functions(&p), ["main"]);
    assert_eq!(p.message, "StopIteration");
}

#[test]
fn lambda_python_layout() {
    let raw = "[ERROR]\t2024-05-01T12:00:00.123Z\t8f5a2c1e-3b4d-4e6f-9a7b-1c2d3e4f5a6b\tKeyError: 'sku'\nTraceback (most recent call last):\n  File \"/var/task/handler.py\", line 12, in lambda_handler\n    return event['sku']";
    let p = parse_message(raw);
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.123Z")));
    assert_eq!(
        p.request_id.as_deref(),
        Some("8f5a2c1e-3b4d-4e6f-9a7b-1c2d3e4f5a6b")
    );
    assert_eq!(p.message, "KeyError: 'sku'");
    assert_eq!(p.exception_type.as_deref(), Some("KeyError"));
    assert_eq!(p.exception_message.as_deref(), Some("'sku'"));
    assert_eq!(functions(&p), ["lambda_handler"]);
    assert_eq!(in_app(&p), [true]);
}

#[test]
fn structlog_json_with_exception_string() {
    let raw = r#"{"event": "payment failed", "level": "error", "timestamp": "2024-05-01T12:00:00.5+02:00", "request_id": "req-7", "exception": "Traceback (most recent call last):\n  File \"/app/api/orders.py\", line 20, in pay\n    receipt = gateway.charge(order)\n  File \"/app/payments/gateway.py\", line 91, in charge\n    raise PaymentError(\"declined\")\napp.errors.PaymentError: declined"}"#;
    let p = parse_message(raw);
    assert_eq!(p.message, "payment failed");
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.timestamp, Some(utc("2024-05-01T10:00:00.5Z")));
    assert_eq!(p.request_id.as_deref(), Some("req-7"));
    assert_eq!(p.exception_type.as_deref(), Some("app.errors.PaymentError"));
    assert_eq!(functions(&p), ["charge", "pay"]);
}

#[test]
fn lambda_json_error_with_stack_trace_array() {
    let raw = r#"{"errorMessage": "'sku'", "errorType": "KeyError", "requestId": "c6af9ac6-7b61-11e6-9a41-93e812345678", "stackTrace": ["  File \"/var/task/handler.py\", line 30, in lambda_handler\n    return load(event)\n", "  File \"/var/task/handler.py\", line 12, in load\n    return event['sku']\n"]}"#;
    let p = parse_message(raw);
    assert_eq!(p.exception_type.as_deref(), Some("KeyError"));
    assert_eq!(p.exception_message.as_deref(), Some("'sku'"));
    assert_eq!(p.message, "KeyError: 'sku'");
    assert_eq!(functions(&p), ["load", "lambda_handler"]);
    assert_eq!(
        p.request_id.as_deref(),
        Some("c6af9ac6-7b61-11e6-9a41-93e812345678")
    );
}

#[test]
fn python_json_logger_exc_info() {
    let raw = r#"{"asctime": "2024-05-01 12:00:00,001", "levelname": "ERROR", "name": "worker", "message": "job crashed", "exc_info": "Traceback (most recent call last):\n  File \"<frozen runpy>\", line 198, in _run_module_as_main\n  File \"/app/worker/jobs.py\", line 44, in run\n    1 / 0\nZeroDivisionError: division by zero"}"#;
    let p = parse_message(raw);
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.001Z")));
    assert_eq!(p.exception_type.as_deref(), Some("ZeroDivisionError"));
    assert_eq!(functions(&p), ["run", "_run_module_as_main"]);
    assert_eq!(in_app(&p), [true, false]);
}
