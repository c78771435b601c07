//! Bad input never panics and is bounded: invalid UTF-8, huge messages, broken or odd
//! JSON, empty input, deep nesting; plus property tests over arbitrary text.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::*;

#[test]
fn invalid_utf8_is_replaced_and_recorded() {
    let p = parse_bytes(b"ERROR payment \xff\xfe failed");
    assert_eq!(p.issues, [ParseIssue::InvalidUtf8]);
    assert_eq!(p.level, Some(LogLevel::Error));
    assert_eq!(p.message, "payment \u{fffd}\u{fffd} failed");
    assert!(parse_bytes(b"ERROR fine").issues.is_empty());
}

#[test]
fn a_megabyte_message_is_cut_quickly() {
    let huge = "x".repeat(1 << 20);
    let started = Instant::now();
    let p = parse_message(&huge);
    assert!(p.issues.contains(&ParseIssue::Oversized { bytes: 1 << 20 }));
    assert!(p.issues.contains(&ParseIssue::MessageTruncated {
        bytes: MAX_INPUT_BYTES
    }));
    assert!(p.message.len() <= MAX_MESSAGE_BYTES);
    assert!(p.message.ends_with(TRUNCATION_MARKER));

    // Many lines, many frames, a multi-byte char at the cut.
    let frame = "    at handler (/app/src/h\u{e9}.js:1:2)\n";
    let trace = format!("TypeError: x\n{}", frame.repeat((1 << 20) / frame.len()));
    let p = parse_message(&trace);
    assert_eq!(p.frames.len(), MAX_FRAMES);
    assert_eq!(p.exception_type.as_deref(), Some("TypeError"));
    assert!(
        p.issues
            .iter()
            .any(|i| matches!(i, ParseIssue::Oversized { .. }))
    );

    let json = format!(r#"{{"level":"error","msg":"{}"}}"#, "y".repeat(1 << 20));
    let p = parse_message(&json);
    assert!(p.issues.contains(&ParseIssue::TruncatedJson));
    assert!(p.message.len() <= MAX_MESSAGE_BYTES);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_long_message_is_cut_on_a_char_boundary_and_marked() {
    let p = parse_message(&"é".repeat(MAX_MESSAGE_BYTES));
    assert!(p.message.len() <= MAX_MESSAGE_BYTES);
    assert!(p.message.starts_with("éé"));
    assert!(p.message.ends_with(TRUNCATION_MARKER));
    assert_eq!(
        p.issues,
        [ParseIssue::MessageTruncated {
            bytes: 2 * MAX_MESSAGE_BYTES
        }]
    );
}

#[test]
fn a_cut_through_a_word_drops_the_word_so_no_piece_of_a_secret_is_left() {
    let key = ["AKIA", "IOSFODNN7EXAMPLE"].concat();
    let cut = MAX_MESSAGE_BYTES - TRUNCATION_MARKER.len();
    for offset in 1..key.len() {
        // The key starts `offset` bytes before the cut, so the cut goes through it.
        let filler = "word ".repeat(cut / 5 + 1);
        let tail = " and more words that push the line past the limit";
        let line = format!("{} {key}{tail}", &filler[..cut - offset - 1]);
        let p = parse_message(&line);
        let kept = p.message.trim_end_matches(TRUNCATION_MARKER);
        assert!(
            !kept.contains("AKIA"),
            "offset {offset}: ...{:?}",
            &kept[kept.len() - 20..]
        );
        assert_eq!(
            kept.len(),
            cut - offset,
            "only the word the cut went through is dropped"
        );
    }
    let one_word = "x".repeat(3 * MAX_MESSAGE_BYTES);
    let p = parse_message(&one_word);
    let kept = p.message.trim_end_matches(TRUNCATION_MARKER);
    assert_eq!(
        kept.len(),
        cut - 512,
        "a word without end loses 512 bytes at most"
    );
}

#[test]
fn truncated_json_falls_back_to_plain_text() {
    let raw = r#"{"level":"error","msg":"boom","err":{"type":"TypeError","stack":"TypeError: x\n    at f (/app/a.js:1:1)"#;
    let p = parse_message(raw);
    assert_eq!(p.issues, [ParseIssue::TruncatedJson]);
    assert_eq!(p.message, raw);
    assert_eq!(p.level, None);
}

#[test]
fn malformed_json_and_json_that_is_not_an_object() {
    let p = parse_message(r#"{"level": nope}"#);
    assert_eq!(p.issues, [ParseIssue::MalformedJson]);
    assert_eq!(p.message, r#"{"level": nope}"#);
    for raw in ["[1, 2, 3]", "42", "\"hello\"", "null", "-1.5e3"] {
        let p = parse_message(raw);
        assert_eq!(p.issues, [ParseIssue::JsonNotAnObject], "{raw}");
        assert_eq!(p.message, raw);
    }
    // Python dict reprs and bracketed text are plain text, not broken JSON.
    assert!(parse_message("{'sku': 1} missing").issues.is_empty());
    assert!(parse_message("[worker] ERROR stuck").issues.is_empty());
}

#[test]
fn empty_object_and_missing_messages() {
    let p = parse_message("{}");
    assert_eq!(p.issues, [ParseIssue::NoMessage]);
    assert_eq!(p.message, "{}");

    let p =
        parse_message(r#"{"level":"error","err":{"type":"TypeError","message":"x is undefined"}}"#);
    assert_eq!(p.message, "TypeError: x is undefined");
    assert!(p.issues.is_empty(), "{:?}", p.issues);

    for raw in ["", "   \n\t  "] {
        let p = parse_message(raw);
        assert_eq!(p.issues, [ParseIssue::Empty]);
        assert_eq!(p.message, "");
    }
}

#[test]
fn deep_nesting_and_unusable_fields() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_message(&deep).message.len() <= MAX_MESSAGE_BYTES);
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    assert_eq!(
        parse_message(&deep_object).issues[0],
        ParseIssue::MalformedJson
    );

    let raw = format!(
        r#"{{"msg":"x","request_id":"{}","user_id":"a\u0007b"}}"#,
        "r".repeat(300)
    );
    let p = parse_message(&raw);
    assert_eq!(p.request_id, None);
    assert_eq!(p.user_id, None);
    assert_eq!(
        p.issues,
        [
            ParseIssue::FieldDropped {
                field: "request_id"
            },
            ParseIssue::FieldDropped { field: "user_id" }
        ]
    );
}

/// Fragments of every layout the parsers know, glued at random, reach deep paths.
fn log_like() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "Traceback (most recent call last):\n",
        "  File \"/app/x.py\", line 1, in f\n",
        "KeyError: 'k'\n",
        "\tat com.x.Y.z(Y.java:1)\n",
        "Caused by: a.B: c\n",
        "    at f (/app/a.js:1:2)\n",
        "panic: boom\n",
        "goroutine 1 [running]:\n",
        "main.main()\n",
        "\t/app/main.go:1 +0x1\n",
        "thread 'main' panicked at src/a.rs:1:2:\n",
        "stack backtrace:\n",
        "   0: a::b\n",
        "             at ./src/a.rs:1:2\n",
        "/app/a.rb:1:in 'f': x (E)\n",
        "\tfrom /app/b.rb:2:in 'g'\n",
        "{\"",
        "\"msg\":",
        "}",
        "[ERROR] ",
        "2024-05-01T12:00:00Z ",
        "level=error ",
        "msg=\"",
        "é",
        "\u{0}",
        "\n",
        "GET /a/1 HTTP/1.1\" 500",
        "{\"log\":\"{\\\"msg\\\":1}\"}",
        "ERROR:root:",
        "[",
        "(",
        "<",
    ]);
    prop::collection::vec(fragments, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics_and_stays_bounded(raw in any::<String>()) {
        let p = parse_message(&raw);
        prop_assert!(p.message.len() <= MAX_MESSAGE_BYTES);
        prop_assert!(p.frames.len() <= MAX_FRAMES);
    }

    #[test]
    fn log_like_text_never_panics_and_stays_bounded(raw in log_like()) {
        let p = parse_message(&raw);
        prop_assert!(p.message.len() <= MAX_MESSAGE_BYTES);
        prop_assert!(p.frames.len() <= MAX_FRAMES);
        prop_assert!(p.exception_message.as_ref().is_none_or(|m| m.len() <= MAX_MESSAGE_BYTES));
    }

    #[test]
    fn arbitrary_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..512)) {
        let p = parse_bytes(&raw);
        prop_assert!(p.message.len() <= MAX_MESSAGE_BYTES);
        prop_assert_eq!(
            p.issues.contains(&ParseIssue::InvalidUtf8),
            std::str::from_utf8(&raw).is_err()
        );
    }
}
