//! Rust panics: the current and the old panic line, backtraces short and full, and
//! tracing-subscriber's JSON.

use super::*;

const TOKIO_PANIC: &str = "thread 'tokio-runtime-worker' panicked at src/cart.rs:42:27:
called `Option::unwrap()` on a `None` value
stack backtrace:
   0: rust_begin_unwind
             at /rustc/25ef9e3d85d934b27d9dada2f9dd52b1dc63bb04/library/std/src/panicking.rs:647:5
   1: core::panicking::panic_fmt
             at /rustc/25ef9e3d85d934b27d9dada2f9dd52b1dc63bb04/library/core/src/panicking.rs:72:14
   2: core::option::unwrap_failed
             at /rustc/25ef9e3d85d934b27d9dada2f9dd52b1dc63bb04/library/core/src/option.rs:1978:5
   3: shop::cart::Cart::total
             at ./src/cart.rs:42:27
   4: shop::api::show_cart::{{closure}}
             at ./src/api.rs:18:9
   5: tokio::runtime::task::core::Core<T,S>::poll
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.";

#[test]
fn panic_with_short_backtrace() {
    let p = parse_message(TOKIO_PANIC);
    assert_eq!(p.exception_type.as_deref(), Some("panic"));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("called `Option::unwrap()` on a `None` value")
    );
    assert_eq!(
        p.message,
        "panic: called `Option::unwrap()` on a `None` value"
    );
    assert_eq!(p.handled, Some(false));
    assert_eq!(p.level, Some(LogLevel::Fatal));
    assert_eq!(
        functions(&p),
        [
            "rust_begin_unwind",
            "core::panicking::panic_fmt",
            "core::option::unwrap_failed",
            "shop::cart::Cart::total",
            "shop::api::show_cart::{{closure}}",
            "tokio::runtime::task::core::Core<T,S>::poll"
        ]
    );
    assert_eq!(in_app(&p), [false, false, false, true, true, false]);
    assert_eq!(p.frames[3].file, "./src/cart.rs");
    assert_eq!(p.frames[3].line, Some(42));
    assert_eq!(p.frames[5].file, "");
}

#[test]
fn old_panic_line_without_backtrace_uses_the_location() {
    let raw = "thread 'main' panicked at 'index out of bounds: the len is 3 but the index is 5', src/main.rs:10:5\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace";
    let p = parse_message(raw);
    assert_eq!(
        p.exception_message.as_deref(),
        Some("index out of bounds: the len is 3 but the index is 5")
    );
    assert_eq!(p.frames.len(), 1);
    assert_eq!(p.frames[0].file, "src/main.rs");
    assert_eq!(p.frames[0].line, Some(10));
    assert!(p.frames[0].in_app);
}

#[test]
fn full_backtrace_with_addresses_and_hashes() {
    let raw = "thread 'main' panicked at src/cart.rs:42:5:
cart is empty
stack backtrace:
   0:     0x55d4c1a2b3c4 - std::backtrace_rs::backtrace::libunwind::trace::h5c7b3d3f0e0c0b0a
                               at /rustc/25ef9e3d85d934b27d9dada2f9dd52b1dc63bb04/library/std/src/../../backtrace/src/backtrace/libunwind.rs:104:5
  10:     0x55d4c1a2b3c5 - shop::cart::total::h0123456789abcdef
                               at /home/app/src/cart.rs:42:5
  11:     0x55d4c1a2b3c6 - <alloc::boxed::Box<F,A> as core::ops::function::FnOnce<Args>>::call_once::h89abcdef01234567
  12:     0x55d4c1a2b3c7 - main";
    let p = parse_message(raw);
    assert_eq!(
        functions(&p),
        [
            "std::backtrace_rs::backtrace::libunwind::trace",
            "shop::cart::total",
            "<alloc::boxed::Box<F,A> as core::ops::function::FnOnce<Args>>::call_once",
            "main"
        ]
    );
    assert_eq!(in_app(&p), [false, true, false, false]);
    assert_eq!(p.frames[1].file, "/home/app/src/cart.rs");
}

#[test]
fn tracing_subscriber_json() {
    let raw = r#"{"timestamp":"2024-05-01T12:00:00.123456Z","level":"ERROR","fields":{"message":"request failed","error":"connection reset by peer","request_id":"r-9"},"target":"shop::api","span":{"route":"/carts/{id}","name":"request"}}"#;
    let p = parse_message(raw);
    assert_eq!(p.message, "request failed");
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("connection reset by peer")
    );
    assert_eq!(p.request_id.as_deref(), Some("r-9"));
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.123456Z")));
}
