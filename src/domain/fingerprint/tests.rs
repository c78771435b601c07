//! Tests for `fingerprint`: one per normalization rule, cross-source equality, stability.

use super::*;
use proptest::prelude::*;

fn svc(name: &str) -> Service {
    Service::new(name).unwrap()
}

/// A frame with a line number (shared with the `normalize` tests).
pub(super) fn frame(
    module: &str,
    file: &str,
    function: &str,
    line: u32,
    in_app: bool,
) -> StackFrame {
    StackFrame {
        module: module.into(),
        file: file.into(),
        function: function.into(),
        line: Some(line),
        in_app,
    }
}

pub(super) fn nf(file: &str, function: &str) -> NormalizedFrame {
    NormalizedFrame {
        file: file.into(),
        function: function.into(),
    }
}

fn python_sentry() -> Vec<StackFrame> {
    // Innermost first (the adapter reversed Sentry's order).
    vec![
        frame(
            "app.checkout.cart",
            "app/checkout/cart.py",
            "add_item",
            42,
            true,
        ),
        frame(
            "app.checkout.cart",
            "app/checkout/cart.py",
            "<lambda>",
            30,
            true,
        ),
        frame("app.api.views", "app/api/views.py", "post", 10, true),
        frame(
            "django.core.handlers.base",
            "django/core/handlers/base.py",
            "_get_response",
            197,
            false,
        ),
    ]
}

fn python_cloudwatch() -> Vec<StackFrame> {
    vec![
        frame("", "/srv/app/checkout/cart.py", "add_item", 57, true),
        frame("", "/srv/app/checkout/cart.py", "<lambda>", 31, true),
        frame("", "/srv/app/api/views.py", "post", 12, true),
        // A naive parser marked the library frame in-app; the path says otherwise.
        frame(
            "",
            "/usr/local/lib/python3.11/site-packages/django/core/handlers/base.py",
            "_get_response",
            204,
            true,
        ),
    ]
}

#[test]
fn python_sentry_and_cloudwatch_traceback_match() {
    let s = svc("checkout");
    let a = Fingerprint::from_stack(&s, Some("KeyError"), &python_sentry()).unwrap();
    let b = Fingerprint::from_stack(&s, Some("builtins.KeyError"), &python_cloudwatch()).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        select_frames(&python_cloudwatch()),
        vec![
            nf("app/checkout/cart.py", "add_item"),
            nf("app/checkout/cart.py", "{closure}"),
            nf("app/api/views.py", "post")
        ]
    );
}

#[test]
fn java_node_and_go_sources_match() {
    let s = svc("checkout");
    let java_sentry = [
        frame(
            "com.shop.checkout.CartService",
            "CartService.java",
            "lambda$handle$0",
            42,
            true,
        ),
        frame(
            "com.shop.checkout.CartService$$Lambda$12/0x0000000800c0b000",
            "",
            "accept",
            0,
            false,
        ),
        frame(
            "com.shop.checkout.CartController",
            "CartController.java",
            "post",
            20,
            true,
        ),
    ];
    let java_text = [
        frame(
            "",
            "CartService.java",
            "com.shop.checkout.CartService.lambda$handle$1",
            44,
            true,
        ),
        frame(
            "",
            "Unknown Source",
            "com.shop.checkout.CartService$$Lambda$99/0x0000000801234000.accept",
            0,
            false,
        ),
        frame(
            "",
            "CartController.java",
            "com.shop.checkout.CartController.post",
            21,
            true,
        ),
    ];
    let ty = Some("java.lang.IllegalStateException");
    assert_eq!(
        Fingerprint::from_stack(&s, ty, &java_sentry),
        Fingerprint::from_stack(&s, ty, &java_text)
    );

    let node_sentry = [frame(
        "checkout.cart",
        "app:///dist/checkout/cart.js",
        "Cart.add",
        10,
        true,
    )];
    let node_text = [frame(
        "",
        "/var/task/dist/checkout/cart.js:10:15",
        "async Cart.add",
        10,
        true,
    )];
    let ty = Some("TypeError");
    assert_eq!(
        Fingerprint::from_stack(&s, ty, &node_sentry),
        Fingerprint::from_stack(&s, ty, &node_text)
    );

    let go_sentry = [frame(
        "github.com/shop/checkout",
        "/app/checkout/cart.go",
        "(*Cart).Add",
        42,
        true,
    )];
    let go_text = [frame(
        "",
        "/app/checkout/cart.go:44 +0x1d",
        "github.com/shop/checkout.(*Cart).Add(0xc0000b2000)",
        44,
        true,
    )];
    let ty = Some("*errors.errorString");
    assert_eq!(
        Fingerprint::from_stack(&s, ty, &go_sentry),
        Fingerprint::from_stack(&s, ty, &go_text)
    );
}

#[test]
fn same_bug_is_stable_across_lines_releases_and_hosts() {
    let s = svc("checkout");
    let before = Fingerprint::from_stack(&s, Some("KeyError"), &python_cloudwatch());
    let mut moved = python_cloudwatch();
    for f in &mut moved {
        f.line = f.line.map(|l| l + 100);
        f.file = f.file.replace("/srv/", "/usr/src/app/");
    }
    moved[3].file = "/opt/venv/lib/python3.12/site-packages/django/core/handlers/base.py".into();
    assert_eq!(
        before,
        Fingerprint::from_stack(&s, Some("KeyError"), &moved)
    );
}

#[test]
fn different_bugs_with_the_same_exception_type_differ() {
    let s = svc("checkout");
    let a = Fingerprint::from_stack(&s, Some("KeyError"), &python_sentry()).unwrap();
    let mut other = python_sentry();
    other[0].function = "remove_item".into();
    let b = Fingerprint::from_stack(&s, Some("KeyError"), &other).unwrap();
    assert_ne!(a, b);
    assert_ne!(
        a,
        Fingerprint::from_stack(&s, Some("ValueError"), &python_sentry()).unwrap()
    );
    assert_ne!(
        a,
        Fingerprint::from_stack(&svc("orders"), Some("KeyError"), &python_sentry()).unwrap()
    );
    assert_eq!(
        a,
        Fingerprint::from_stack(&svc("Checkout"), Some("KeyError"), &python_sentry()).unwrap()
    );
}

#[test]
fn only_the_top_three_in_app_frames_count() {
    let s = svc("checkout");
    let base = python_sentry();
    let mut deeper = base.clone();
    deeper.push(frame("app.main", "app/main.py", "run", 1, true));
    assert_eq!(
        Fingerprint::from_stack(&s, None, &base),
        Fingerprint::from_stack(&s, None, &deeper)
    );
}

#[test]
fn no_in_app_frames_falls_back_to_the_top_frames() {
    let frames = [
        frame(
            "",
            "/app/node_modules/pg/lib/client.js",
            "Client.query",
            1,
            false,
        ),
        frame(
            "",
            "/app/node_modules/pg/lib/pool.js",
            "Pool.connect",
            2,
            false,
        ),
        frame(
            "",
            "node:internal/process/task_queues",
            "processTicksAndRejections",
            3,
            false,
        ),
        frame(
            "",
            "/app/node_modules/express/lib/router/index.js",
            "next",
            4,
            false,
        ),
    ];
    assert_eq!(
        select_frames(&frames),
        vec![
            nf("node_modules/pg/lib/client.js", "Client.query"),
            nf("node_modules/pg/lib/pool.js", "Pool.connect"),
            nf(
                "node:internal/process/task_queues",
                "processTicksAndRejections"
            ),
        ]
    );
    assert!(Fingerprint::from_stack(&svc("api"), None, &frames).is_some());
}

#[test]
fn recursion_collapses_and_empty_frames_are_skipped() {
    let rec = frame("", "/app/tree.py", "walk", 3, true);
    let frames = [
        rec.clone(),
        rec.clone(),
        rec,
        frame("", "", "<anonymous>", 0, true),
        frame("", "/app/main.py", "main", 1, true),
    ];
    assert_eq!(
        select_frames(&frames),
        vec![nf("tree.py", "walk"), nf("main.py", "main")]
    );
    assert_eq!(Fingerprint::from_stack(&svc("x"), None, &[]), None);
    assert_eq!(
        Fingerprint::from_stack(&svc("x"), None, &[frame("", "", "?", 0, true)]),
        None
    );
}

#[test]
fn template_fingerprints() {
    let s = svc("checkout");
    let t = Fingerprint::from_template(&s, "timeout after <num> ms calling <url>");
    assert_eq!(
        t,
        Fingerprint::from_template(&s, "  timeout after <num>  ms\ncalling <url> ")
    );
    assert_ne!(
        t,
        Fingerprint::from_template(&svc("orders"), "timeout after <num> ms calling <url>")
    );
    assert_ne!(t, Fingerprint::from_template(&s, "timeout after <num> ms"));
}

#[test]
fn of_event_prefers_the_stack() {
    use crate::domain::event::{Environment, ErrorEvent, LogLevel, Source};
    let mut e = ErrorEvent {
        source: Source::File {
            path: "x.log".into(),
            offset: 1,
        },
        timestamp: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        service: svc("checkout"),
        environment: Environment::new("prod").unwrap(),
        release: None,
        level: LogLevel::Error,
        handled: None,
        exception_type: Some("KeyError".into()),
        message: "KeyError: 'sku'".into(),
        frames: python_sentry(),
        endpoint: None,
        user: None,
        request_id: None,
        link: None,
    };
    let stack = Fingerprint::of_event(&e, |_| panic!("template not needed"));
    assert_eq!(
        Some(stack),
        Fingerprint::from_stack(&e.service, Some("KeyError"), &e.frames)
    );
    e.frames.clear();
    let t = Fingerprint::of_event(&e, |m| m.replace("'sku'", "<str>"));
    assert_eq!(t, Fingerprint::from_template(&e.service, "KeyError: <str>"));
}

#[test]
fn fingerprint_text_form() {
    let fp = Fingerprint::from_template(&svc("checkout"), "x");
    let text = fp.to_string();
    assert_eq!(text.len(), 16);
    assert_eq!(text.parse::<Fingerprint>().unwrap(), fp);
    assert_eq!(text.to_uppercase().parse::<Fingerprint>().unwrap(), fp);
    assert!("0123".parse::<Fingerprint>().is_err());
    assert!("0123456789abcdeg".parse::<Fingerprint>().is_err());
    assert!("+123456789abcdef".parse::<Fingerprint>().is_err());
}

/// Pins the hashing scheme: if this changes, every stored cluster is re-keyed, so bump
/// `VERSION` deliberately and update the value.
#[test]
fn fingerprint_values_are_pinned() {
    let fp = Fingerprint::from_stack(&svc("checkout"), Some("KeyError"), &python_sentry()).unwrap();
    assert_eq!(fp.to_string(), "0c635d5bb978894f");
}

proptest! {
    #[test]
    fn display_parse_roundtrip(n in any::<u64>()) {
        let fp = Fingerprint(n);
        prop_assert_eq!(fp.to_string().parse::<Fingerprint>().unwrap(), fp);
    }

    #[test]
    fn arbitrary_frames_never_panic(
        frames in prop::collection::vec(
            (".{0,40}", ".{0,60}", ".{0,40}", any::<Option<u32>>(), any::<bool>()),
            0..6,
        ),
        ty in prop::option::of(".{0,30}"),
    ) {
        let frames: Vec<StackFrame> = frames
            .into_iter()
            .map(|(module, file, function, line, in_app)| StackFrame { module, file, function, line, in_app })
            .collect();
        if let Some(fp) = Fingerprint::from_stack(&svc("s"), ty.as_deref(), &frames) {
            prop_assert_eq!(fp.to_string().len(), 16);
        }
    }

    #[test]
    fn line_numbers_never_matter(lines in prop::collection::vec(any::<Option<u32>>(), 4)) {
        let mut frames = python_cloudwatch();
        for (f, line) in frames.iter_mut().zip(lines) {
            f.line = line;
        }
        prop_assert_eq!(
            Fingerprint::from_stack(&svc("checkout"), Some("KeyError"), &frames),
            Fingerprint::from_stack(&svc("checkout"), Some("KeyError"), &python_cloudwatch())
        );
    }

}
