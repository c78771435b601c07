use super::json::glob_match;
use super::*;

fn matches(pattern: &str, message: &str) -> bool {
    FilterPattern::parse(pattern)
        .unwrap_or_else(|e| panic!("{pattern:?} should parse: {e}"))
        .matches(message)
}

fn rejected(pattern: &str) -> String {
    match FilterPattern::parse(pattern) {
        Ok(parsed) => panic!("{pattern:?} should be rejected, parsed as {parsed:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn empty_pattern_matches_everything() {
    assert_eq!(FilterPattern::parse("").ok(), Some(FilterPattern::All));
    assert_eq!(FilterPattern::parse("   ").ok(), Some(FilterPattern::All));
    assert!(matches("", "anything at all"));
}

#[test]
fn all_plain_terms_must_appear_case_sensitively() {
    assert!(matches(
        "ERROR Exception",
        "ERROR: Exception in thread main"
    ));
    assert!(!matches("ERROR Exception", "ERROR: something failed"));
    assert!(!matches("ERROR", "error: lower case"));
    assert!(matches("ERROR", "[ERROR] disk full"));
    assert!(matches("ERROR", "level=ERROR msg=x"));
}

#[test]
fn terms_match_whole_words_only() {
    assert!(!matches("ERROR", "ERRORS were logged"));
    assert!(!matches("Exception", "java.lang.NullPointerException"));
    assert!(matches("Exception", "Exception: boom"));
    assert!(
        matches("ERROR", "xERROR ERROR"),
        "a later whole-word hit counts"
    );
    assert!(matches("500", "status 500 returned"));
    assert!(!matches("500", "took 1500ms"));
    assert!(matches("é", "café é"));
    assert!(!matches("é", "café"));
}

#[test]
fn optional_terms_need_any_one() {
    assert!(matches("?ERROR ?WARN", "WARN low disk"));
    assert!(matches("?ERROR ?WARN", "ERROR bad"));
    assert!(!matches("?ERROR ?WARN", "INFO fine"));
    let default = "?ERROR ?Error ?error ?Exception ?panic ?FATAL ?CRITICAL ?Traceback";
    assert!(matches(default, "Traceback (most recent call last):"));
    assert!(matches(
        default,
        "thread 'main' panicked: panic at the disco"
    ));
    assert!(!matches(default, "GET /healthz 200"));
}

#[test]
fn quoted_phrases_match_exactly() {
    assert!(matches(
        r#""connection refused""#,
        "dial tcp: connection refused (retrying)"
    ));
    assert!(!matches(
        r#""connection refused""#,
        "connection was refused"
    ));
    assert!(matches(r#"?"connection refused" ?timeout"#, "read timeout"));
    assert!(matches(r#""ERROR:""#, "ERROR: x"));
    assert!(matches(r#""say \"hi\"""#, r#"they say "hi" loudly"#));
}

#[test]
fn excluded_terms_remove_events() {
    assert!(matches("ERROR -healthcheck", "ERROR in handler"));
    assert!(!matches("ERROR -healthcheck", "ERROR in healthcheck"));
    assert!(matches("-DEBUG", "INFO started"));
    assert!(!matches("-DEBUG", "DEBUG noise"));
    assert!(matches("?ERROR ?WARN -retry", "WARN disk"));
    assert!(!matches("?ERROR ?WARN -retry", "WARN retry scheduled"));
}

#[test]
fn json_equality_and_wildcards() {
    let event = r#"{"level":"error","status":503,"err":{"type":"TimeoutError"},"tags":["a","b"]}"#;
    assert!(matches(r#"{ $.level = "error" }"#, event));
    assert!(
        !matches(r#"{ $.level = "Error" }"#, event),
        "case-sensitive"
    );
    assert!(matches(r#"{ $.level = "err*" }"#, event));
    assert!(matches(r#"{ $.err.type = "*Error" }"#, event));
    assert!(matches(r#"{ $.err.type = "T*out*r" }"#, event));
    assert!(!matches(r#"{ $.err.type = "*Warning" }"#, event));
    assert!(matches(r#"{ $.level != "info" }"#, event));
    assert!(!matches(r#"{ $.level != "err*" }"#, event));
    assert!(matches(r#"{ $.tags[1] = "b" }"#, event));
    assert!(matches("{ $.level = error }", event), "bare word value");
}

#[test]
fn json_numbers_compare_numerically() {
    let event = r#"{"status":503,"latency":12.5}"#;
    assert!(matches("{ $.status >= 500 }", event));
    assert!(matches("{ $.status > 500 }", event));
    assert!(!matches("{ $.status < 500 }", event));
    assert!(matches("{ $.status <= 503 }", event));
    assert!(matches("{ $.status = 503 }", event));
    assert!(matches("{ $.status != 500 }", event));
    assert!(matches("{ $.latency > 12.4 }", event));
    assert!(matches("{$.status>=500}", event), "no spaces needed");
    assert!(
        !matches(r#"{ $.status = "503" }"#, event),
        "a string never equals a number"
    );
}

#[test]
fn json_and_or_and_parentheses() {
    let fatal = r#"{"level":"fatal","status":500}"#;
    let info = r#"{"level":"info","status":200}"#;
    let either = r#"{ ($.level = "error") || ($.level = "fatal") }"#;
    assert!(matches(either, fatal));
    assert!(!matches(either, info));
    let both = r#"{ $.level = "fatal" && $.status >= 500 }"#;
    assert!(matches(both, fatal));
    assert!(!matches(both, info));
    let precedence = r#"{ $.level = "info" || $.level = "fatal" && $.status = 200 }"#;
    assert!(matches(precedence, info), "&& binds tighter than ||");
    assert!(!matches(precedence, fatal));
}

#[test]
fn json_missing_fields_and_non_json_messages_never_match() {
    assert!(!matches(r#"{ $.level != "info" }"#, r#"{"status":1}"#));
    assert!(!matches("{ $.status > 1 }", r#"{"status":"high"}"#));
    assert!(!matches(
        r#"{ $.level = "error" }"#,
        "level=error plain text"
    ));
    assert!(!matches(r#"{ $.level = "error" }"#, r#"{"level": "error""#));
    assert!(!matches(r#"{ $.a.b = "x" }"#, r#"{"a":"x"}"#));
}

#[test]
fn json_is_and_exists() {
    let event = r#"{"ok":false,"gone":null,"user":{"id":1}}"#;
    assert!(matches("{ $.ok IS FALSE }", event));
    assert!(!matches("{ $.ok IS TRUE }", event));
    assert!(matches("{ $.gone IS NULL }", event));
    assert!(matches("{ $.user.id EXISTS }", event));
    assert!(matches("{ $.user.name NOT EXISTS }", event));
    assert!(!matches("{ $.user NOT EXISTS }", event));
}

#[test]
fn unsupported_or_broken_patterns_are_rejected() {
    assert!(rejected("[ip, user, status=500]").contains("space-delimited"));
    assert!(rejected("%ERR.*%").contains("regex"));
    rejected(r#""unterminated"#);
    rejected("ERROR ?WARN");
    rejected("? ERROR");
    rejected("{ $.level = }");
    rejected(r#"{ $.level > "x" }"#);
    rejected(r#"{ level = "x" }"#);
    rejected(r#"{ $.level = "x" "#);
    rejected(r#"{ ($.level = "x" }"#);
    rejected(r#"{ $.level = "x" && }"#);
    rejected("{ $.a[x] = 1 }");
    rejected("{ $.a IS MAYBE }");
    rejected("ERR{OR");
    rejected(&"A".repeat(MAX_PATTERN_CHARS + 1));
}

#[test]
fn no_input_panics_the_parser_or_matcher() {
    let inputs = [
        "{",
        "}",
        "{}",
        "{ ( }",
        "{ $ }",
        "{ $. = 1 }",
        "{ $[ = 1 }",
        "\"",
        "\\",
        "-",
        "?",
        "{ $.a = \"\\",
        "{ $.a[99999999999999999999] = 1 }",
        "{ $.a = 1e400 }",
    ];
    for input in inputs {
        if let Ok(pattern) = FilterPattern::parse(input) {
            let _ = pattern.matches(r#"{"a":[1]}"#);
            let _ = pattern.matches("");
        }
    }
}

#[test]
fn glob_corner_cases() {
    assert!(glob_match("*", ""));
    assert!(glob_match("a*", "a"));
    assert!(glob_match("*a*", "bab"));
    assert!(!glob_match("a*b", "ba"));
    assert!(glob_match("a**b", "ab"));
    assert!(!glob_match("abc", "abcd"));
    assert!(!glob_match("ab*ab", "ab"));
}
