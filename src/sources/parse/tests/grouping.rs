//! Parsed events group as one bug should: the same error printed at other lines, from
//! another release directory or in another log layout gets the same fingerprint; two
//! different bugs with the same exception type get different ones.

use super::*;
use crate::domain::event::{Environment, ErrorEvent, Service, Source, UserSalt};
use crate::domain::fingerprint::Fingerprint;

fn fingerprint(raw: &str) -> Fingerprint {
    let service = Service::new("checkout").expect("service");
    let environment = Environment::new("production").expect("environment");
    let salt = UserSalt::new(*b"0123456789abcdef-salt").expect("salt");
    let defaults = EventDefaults {
        service: &service,
        environment: &environment,
        salt: &salt,
    };
    let event: ErrorEvent = parse_message(raw)
        .into_event(
            Source::File {
                path: "app.log".into(),
                offset: 0,
            },
            utc("2024-05-01T12:00:00Z"),
            &defaults,
        )
        .expect("valid event");
    assert!(!event.frames.is_empty(), "no frames in {raw}");
    Fingerprint::of_event(&event, |_| panic!("a stack fingerprint was expected"))
}

fn node(release: &str, line: u32, function: &str) -> String {
    format!(
        "TypeError: Cannot read properties of undefined (reading 'id')
    at Cart.{function} (/app/releases/{release}/src/cart.js:{line}:5)
    at async CartController.show (/app/releases/{release}/src/controller.js:{}:17)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
        line + 12
    )
}

#[test]
fn node_error_across_releases_and_lines() {
    assert_eq!(
        fingerprint(&node("1.4.1", 10, "total")),
        fingerprint(&node("1.4.2", 14, "total"))
    );
    assert_ne!(
        fingerprint(&node("1.4.1", 10, "total")),
        fingerprint(&node("1.4.1", 10, "discount"))
    );
}

fn python(root: &str, line: u32, function: &str) -> String {
    format!(
        "Traceback (most recent call last):
  File \"/usr/local/lib/python3.11/site-packages/django/core/handlers/base.py\", line 197, in _get_response
    response = wrapped_callback(request)
  File \"{root}/checkout/views.py\", line {}, in post
    total = cart.{function}(sku)
  File \"{root}/checkout/cart.py\", line {line}, in {function}
    price = self.prices[sku]
KeyError: 'sku-{line}'",
        line + 3
    )
}

#[test]
fn python_error_across_deploy_roots_and_lines() {
    assert_eq!(
        fingerprint(&python("/srv", 57, "add_item")),
        fingerprint(&python("/app/releases/20240501120000", 61, "add_item"))
    );
    assert_ne!(
        fingerprint(&python("/srv", 57, "add_item")),
        fingerprint(&python("/srv", 57, "remove_item"))
    );
}

#[test]
fn python_traceback_in_text_and_in_json_group_together() {
    let text = python("/srv", 57, "add_item");
    let json = serde_json::json!({
        "event": "checkout failed",
        "level": "error",
        "exception": python("/usr/src/app", 60, "add_item"),
    })
    .to_string();
    assert_eq!(fingerprint(&text), fingerprint(&json));
}

fn java(line: u32, method: &str) -> String {
    format!(
        "java.lang.IllegalStateException: cart {line} is empty
\tat com.shop.checkout.CartService.{method}(CartService.java:{line})
\tat com.shop.checkout.CartController.show(CartController.java:{})
\tat java.base/java.lang.Thread.run(Thread.java:833)",
        line / 2
    )
}

#[test]
fn java_error_across_lines_and_against_sentry_frames() {
    assert_eq!(
        fingerprint(&java(42, "total")),
        fingerprint(&java(48, "total"))
    );
    assert_ne!(
        fingerprint(&java(42, "total")),
        fingerprint(&java(42, "checkout"))
    );

    // The frames a Sentry Java event carries for the same error.
    let sentry_frames = [
        StackFrame {
            module: "com.shop.checkout.CartService".into(),
            file: "CartService.java".into(),
            function: "total".into(),
            line: Some(40),
            in_app: true,
        },
        StackFrame {
            module: "com.shop.checkout.CartController".into(),
            file: "CartController.java".into(),
            function: "show".into(),
            line: Some(20),
            in_app: true,
        },
    ];
    let service = Service::new("checkout").expect("service");
    assert_eq!(
        Fingerprint::from_stack(
            &service,
            Some("java.lang.IllegalStateException"),
            &sentry_frames
        ),
        Some(fingerprint(&java(42, "total")))
    );
}

#[test]
fn go_panic_across_builds() {
    let panic = |root: &str, line: u32| {
        format!(
            "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\ngithub.com/shop/checkout/internal/cart.(*Service).Add(0xc0000b2000)\n\t{root}/internal/cart/service.go:{line} +0x8e\nmain.main()\n\t{root}/main.go:12 +0x1d"
        )
    };
    assert_eq!(
        fingerprint(&panic("/build", 57)),
        fingerprint(&panic("/app", 60))
    );
}
