//! Tests for `normalize`: modules, exception types, whole frames, library detection.

use super::*;
use crate::domain::fingerprint::tests::{frame, nf};

#[test]
fn modules_lose_generated_class_parts() {
    assert_eq!(
        normalize_module("com.shop.Cart$$Lambda$12/0x0000000800c0b000"),
        "com.shop.Cart"
    );
    assert_eq!(
        normalize_module("com.shop.Cart$$EnhancerBySpringCGLIB$$5a3b2c1d"),
        "com.shop.Cart"
    );
    assert_eq!(normalize_module("Shop.Cart+<Handle>d__5"), "Shop.Cart");
}
#[test]
fn exception_types_normalize() {
    assert_eq!(normalize_exception_type("builtins.KeyError"), "KeyError");
    assert_eq!(normalize_exception_type("exceptions.KeyError"), "KeyError");
    assert_eq!(normalize_exception_type("KeyError:"), "KeyError");
    assert_eq!(
        normalize_exception_type("java.lang.NullPointerException"),
        "java.lang.NullPointerException"
    );
    assert_eq!(normalize_exception_type("Uncaught TypeError"), "TypeError");
    assert_eq!(normalize_exception_type("*url.Error"), "url.Error");
    assert_eq!(
        normalize_exception_type("  System.NullReferenceException "),
        "System.NullReferenceException"
    );
}
#[test]
fn frames_normalize_to_file_and_function() {
    // JVM frames get their package as directories; text-trace qualified names are split.
    let sentry = frame(
        "com.shop.checkout.CartService",
        "CartService.java",
        "lambda$handle$0",
        42,
        true,
    );
    let text = frame(
        "",
        "CartService.java",
        "com.shop.checkout.CartService.lambda$handle$1",
        47,
        true,
    );
    let want = nf("com/shop/checkout/CartService.java", "handle{closure}");
    assert_eq!(normalize_frame(&sentry), want);
    assert_eq!(normalize_frame(&text), want);
    let hidden = frame(
        "",
        "Unknown Source",
        "com.shop.Cart$$Lambda$12/0x0000000800c0b000.apply",
        0,
        true,
    );
    assert_eq!(normalize_frame(&hidden), nf("com.shop.Cart", "apply"));
    // Go text traces: package path split off the function like Sentry does.
    let go = frame(
        "",
        "/app/checkout/cart.go:42 +0x1d",
        "github.com/shop/checkout.(*Cart).Add(0xc000010000)",
        0,
        true,
    );
    assert_eq!(normalize_frame(&go), nf("checkout/cart.go", "(*Cart).Add"));
    let go_main = frame("", "/app/main.go", "main.handler.func1()", 0, true);
    assert_eq!(normalize_frame(&go_main), nf("main.go", "handler{closure}"));
    // .NET async state machine from a text trace.
    let cs = frame(
        "",
        "C:\\app\\Shop\\Cart.cs",
        "Shop.Cart+<Handle>d__5.MoveNext()",
        0,
        true,
    );
    assert_eq!(normalize_frame(&cs), nf("Shop/Cart.cs", "Handle"));
}
#[test]
fn library_frames_are_detected_even_when_marked_in_app() {
    assert!(is_library_frame(&frame(
        "",
        "/srv/venv/lib/python3.11/site-packages/django/x.py",
        "f",
        1,
        true
    )));
    assert!(is_library_frame(&frame(
        "",
        "node:internal/process/task_queues",
        "f",
        1,
        true
    )));
    assert!(is_library_frame(&frame(
        "java.util.ArrayList",
        "ArrayList.java",
        "get",
        1,
        true
    )));
    assert!(!is_library_frame(&frame(
        "app.vendor.payouts",
        "app/vendor/payouts.py",
        "pay",
        1,
        true
    )));
    assert!(!is_library_frame(&frame(
        "",
        "/srv/app/checkout/cart.py",
        "add",
        1,
        true
    )));
}
