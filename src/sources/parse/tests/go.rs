//! Go panics (nil dereference, recovered panic with several goroutines), zap's JSON
//! stacktrace, and Go error lines without a stack (std `log`, logrus text).

use super::*;

const NIL_DEREF: &str = "panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4553a4]

goroutine 1 [running]:
main.(*Cart).Total(...)
\t/app/cart.go:42
main.handler(0xc000012345)
\t/app/main.go:20 +0x1d
net/http.HandlerFunc.ServeHTTP(0x6d3f40, {0x7a1b20, 0xc0001a2000}, 0xc0001b4000)
\t/usr/local/go/src/net/http/server.go:2136 +0x29
main.main()
\t/app/main.go:10 +0x25
exit status 2";

#[test]
fn nil_pointer_panic() {
    let p = parse_message(NIL_DEREF);
    assert_eq!(p.exception_type.as_deref(), Some("panic"));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("runtime error: invalid memory address or nil pointer dereference")
    );
    assert_eq!(
        p.message,
        "panic: runtime error: invalid memory address or nil pointer dereference"
    );
    assert_eq!(p.handled, Some(false));
    assert_eq!(p.level, Some(LogLevel::Fatal));
    assert_eq!(
        functions(&p),
        ["(*Cart).Total", "handler", "HandlerFunc.ServeHTTP", "main"]
    );
    let modules: Vec<&str> = p.frames.iter().map(|f| f.module.as_str()).collect();
    assert_eq!(modules, ["main", "main", "net/http", "main"]);
    assert_eq!(p.frames[0].file, "/app/cart.go");
    assert_eq!(lines_of(&p), [Some(42), Some(20), Some(2136), Some(10)]);
    assert_eq!(in_app(&p), [true, true, false, true]);
}

#[test]
fn recovered_panic_reads_only_the_first_goroutine() {
    let raw = "panic: assignment to entry in nil map [recovered]
\tpanic: assignment to entry in nil map

goroutine 18 [running]:
panic({0x6b2a40?, 0x7a9c30?})
\t/usr/local/go/src/runtime/panic.go:914 +0x21f
github.com/shop/checkout/internal/cart.(*Service).Add(0xc0000b2000, {0xc00001c0a8, 0x3})
\t/build/internal/cart/service.go:57 +0x8e
github.com/shop/checkout/internal/api.(*Handler).AddItem(...)
\t/build/internal/api/handler.go:31
github.com/go-chi/chi/v5.(*Mux).routeHTTP(0xc0001c0000, {0x8f1e40, 0xc0002a0000}, 0xc0002b2000)
\t/root/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go:444 +0x1e6
created by net/http.(*Server).Serve in goroutine 1
\t/usr/local/go/src/net/http/server.go:3086 +0x5cb

goroutine 1 [IO wait]:
internal/poll.runtime_pollWait(0x7f, 0x72)
\t/usr/local/go/src/runtime/netpoll.go:343 +0x85";
    let p = parse_message(raw);
    assert_eq!(
        p.exception_message.as_deref(),
        Some("assignment to entry in nil map")
    );
    assert_eq!(
        functions(&p),
        [
            "panic",
            "(*Service).Add",
            "(*Handler).AddItem",
            "(*Mux).routeHTTP"
        ]
    );
    assert_eq!(p.frames[1].module, "github.com/shop/checkout/internal/cart");
    assert_eq!(in_app(&p), [false, true, true, false]);
}

#[test]
fn zap_json_with_stacktrace_and_error() {
    let raw = r#"{"level":"error","ts":1714564800.5,"caller":"cart/service.go:57","msg":"add item failed","error":"sku not found","stacktrace":"github.com/shop/checkout/internal/cart.(*Service).Add\n\t/build/internal/cart/service.go:57\nmain.main\n\t/build/main.go:12"}"#;
    let p = parse_message(raw);
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.5Z")));
    assert_eq!(p.message, "add item failed");
    assert_eq!(p.exception_message.as_deref(), Some("sku not found"));
    assert_eq!(p.exception_type, None);
    assert_eq!(p.handled, None);
    assert_eq!(functions(&p), ["(*Service).Add", "main"]);
    assert_eq!(in_app(&p), [true, true]);
}

#[test]
fn std_log_error_line_without_stack() {
    let raw = "2024/05/01 12:00:00 error: charge failed: dial tcp 10.0.0.5:5432: connect: connection refused";
    let p = parse_message(raw);
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00Z")));
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(
        p.message,
        "charge failed: dial tcp 10.0.0.5:5432: connect: connection refused"
    );
    assert!(p.frames.is_empty());
    assert_eq!(p.exception_type, None);
}

#[test]
fn logrus_text_line() {
    let raw = r#"time="2024-05-01T12:00:00Z" level=error msg="charge failed" error="card declined" request_id=abc-123 user_id=42 method=POST path=/orders/9f8e7d6c5b4a3f2e/pay status=502"#;
    let p = parse_message(raw);
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00Z")));
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.message, "charge failed");
    assert_eq!(p.exception_message.as_deref(), Some("card declined"));
    assert_eq!(p.request_id.as_deref(), Some("abc-123"));
    assert_eq!(p.user_id.as_deref(), Some("42"));
    assert_eq!(p.status, Some(502));
    assert_eq!(
        p.endpoint.as_ref().map(ToString::to_string).as_deref(),
        Some("POST /orders/:id/pay")
    );
}
