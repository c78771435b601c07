//! JVM stack traces: Spring Boot's layout with `Caused by:`, dead threads, Kotlin with
//! logback jar suffixes, and traces inside logstash / log4j2 JSON.

use super::*;

const SPRING: &str = "2024-05-01 12:00:00.123 ERROR 1 --- [nio-8080-exec-1] c.s.checkout.CartController : Request failed
java.lang.IllegalStateException: cart 42 is empty
\tat com.shop.checkout.CartService.total(CartService.java:42)
\tat com.shop.checkout.CartController.show(CartController.java:20)
\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)
\tat java.base/java.lang.Thread.run(Thread.java:833)
Caused by: java.sql.SQLException: connection closed
\tat org.postgresql.jdbc.PgConnection.checkClosed(PgConnection.java:912)
\tat com.shop.checkout.CartRepository.load(CartRepository.java:77)
\t... 3 more";

#[test]
fn spring_trace_keeps_the_outermost_exception() {
    let p = parse_message(SPRING);
    assert_eq!(p.timestamp, Some(utc("2024-05-01T12:00:00.123Z")));
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.message, "Request failed");
    assert_eq!(
        p.exception_type.as_deref(),
        Some("java.lang.IllegalStateException")
    );
    assert_eq!(p.exception_message.as_deref(), Some("cart 42 is empty"));
    assert_eq!(functions(&p), ["total", "show", "service", "run"]);
    let modules: Vec<&str> = p.frames.iter().map(|f| f.module.as_str()).collect();
    assert_eq!(
        modules,
        [
            "com.shop.checkout.CartService",
            "com.shop.checkout.CartController",
            "org.springframework.web.servlet.FrameworkServlet",
            "java.lang.Thread"
        ]
    );
    assert_eq!(p.frames[0].file, "CartService.java");
    assert_eq!(lines_of(&p), [Some(42), Some(20), Some(897), Some(833)]);
    assert_eq!(in_app(&p), [true, true, false, false]);
    assert_eq!(p.handled, None);
}

#[test]
fn exception_in_thread_is_unhandled() {
    let raw = "Exception in thread \"main\" java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null\n\tat com.shop.App.greet(App.java:12)\n\tat com.shop.App.main(App.java:5)";
    let p = parse_message(raw);
    assert_eq!(p.handled, Some(false));
    assert_eq!(p.level, Some(LogLevel::Fatal));
    assert_eq!(
        p.exception_type.as_deref(),
        Some("java.lang.NullPointerException")
    );
    assert_eq!(
        p.message,
        "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null"
    );
    assert_eq!(functions(&p), ["greet", "main"]);
}

#[test]
fn kotlin_trace_with_jar_suffixes_unknown_sources_and_lambdas() {
    let raw = "com.shop.orders.OrderNotFoundException: order 9f8e7d6c not found
\tat com.shop.orders.OrderService.find(OrderService.kt:31) ~[orders.jar:1.4.2]
\tat com.shop.orders.OrderService.lambda$load$0(OrderService.kt:20) ~[orders.jar:1.4.2]
\tat jdk.internal.reflect.GeneratedMethodAccessor12.invoke(Unknown Source) ~[na:na]
\tat kotlin.coroutines.jvm.internal.BaseContinuationImpl.resumeWith(ContinuationImpl.kt:33) ~[kotlin-stdlib-1.9.22.jar:1.9.22-release-704]
\tSuppressed: java.io.IOException: stream closed
\t\tat java.base/java.io.BufferedReader.ensureOpen(BufferedReader.java:123)";
    let p = parse_message(raw);
    assert_eq!(
        p.exception_type.as_deref(),
        Some("com.shop.orders.OrderNotFoundException")
    );
    assert_eq!(
        functions(&p),
        ["find", "lambda$load$0", "invoke", "resumeWith"]
    );
    assert_eq!(in_app(&p), [true, true, false, false]);
    assert_eq!(p.frames[2].file, "");
    assert_eq!(p.frames[2].line, None);
}

#[test]
fn logstash_json_with_stack_trace() {
    let raw = r#"{"@timestamp":"2024-05-01T12:00:00.123+00:00","@version":"1","message":"Checkout failed","logger_name":"com.shop.checkout.CartController","thread_name":"http-nio-8080-exec-3","level":"ERROR","level_value":40000,"stack_trace":"java.lang.IllegalStateException: cart 42 is empty\n\tat com.shop.checkout.CartService.total(CartService.java:42)\n\tat com.shop.checkout.CartController.show(CartController.java:20)\n","service":"checkout","env":"production","version":"1.4.2"}"#;
    let p = parse_message(raw);
    assert_eq!(p.message, "Checkout failed");
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(
        p.exception_type.as_deref(),
        Some("java.lang.IllegalStateException")
    );
    assert_eq!(functions(&p), ["total", "show"]);
    assert_eq!(p.service.as_deref(), Some("checkout"));
    assert_eq!(p.environment.as_deref(), Some("production"));
    assert_eq!(p.release.as_deref(), Some("1.4.2"));
}

#[test]
fn log4j2_json_layout_with_frame_objects() {
    let raw = r#"{"instant":{"epochSecond":1714564800,"nanoOfSecond":0},"thread":"main","level":"ERROR","loggerName":"com.shop.App","message":"boom","thrown":{"commonElementCount":0,"localizedMessage":"cart empty","message":"cart empty","name":"java.lang.IllegalStateException","extendedStackTrace":[{"class":"com.shop.CartService","method":"total","file":"CartService.java","line":42,"exact":false},{"class":"java.lang.Thread","method":"run","file":"Thread.java","line":833}]},"timeMillis":1714564800000}"#;
    let p = parse_message(raw);
    assert_eq!(
        p.exception_type.as_deref(),
        Some("java.lang.IllegalStateException")
    );
    assert_eq!(p.exception_message.as_deref(), Some("cart empty"));
    assert_eq!(functions(&p), ["total", "run"]);
    assert_eq!(p.frames[0].module, "com.shop.CartService");
    assert_eq!(in_app(&p), [true, false]);
    assert_eq!(lines_of(&p), [Some(42), Some(833)]);
}
