use base64::Engine;

use super::*;

#[test]
fn a_percent_encoded_secret_is_decoded_and_redacted() {
    let redactor = Redactor::default();
    let card = ["4111", "1111", "1111", "1111"].concat();
    let line = format!("GET /pay?note=card%20{card}&n=1 500");
    let out = redactor.redact(&line);
    assert_eq!(out, "GET /pay?note=card%20[REDACTED:card_number]&n=1 500");
    let key = ["AKIA", "IOSFODNN7EXAMPLE"].concat();
    let line = format!("redirect=https%3A%2F%2Fx.example%2F%3Fk%3D{key}");
    let out = redactor.redact(&line);
    assert!(
        !out.contains(&key) && out.contains("[REDACTED:aws_access_key]"),
        "{out}"
    );
}

#[test]
fn a_base64_wrapped_secret_becomes_a_marker() {
    let redactor = Redactor::default();
    let key = ["AKIA", "IOSFODNN7EXAMPLE"].concat();
    for engine in [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        let wrapped = engine.encode(format!(
            "{{\"aws_key\":\"{key}\",\"region\":\"eu-west-1\"}}"
        ));
        let line = format!("webhook rejected payload={wrapped} retry=3");
        let out = redactor.redact(&line);
        assert_eq!(
            out, "webhook rejected payload=[REDACTED:base64] retry=3",
            "{wrapped}"
        );
    }
}

#[test]
fn encoded_text_without_a_secret_is_left_alone() {
    let redactor = Redactor::default();
    let harmless = base64::engine::general_purpose::STANDARD
        .encode("{\"order\":\"A-1042\",\"status\":\"refunded\"}");
    for text in [
        "GET /search?q=red%20shoes&page=2 200".to_owned(),
        format!("payload={harmless}"),
        "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
        "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7".to_owned(),
        "100% of 3 retries failed".to_owned(),
    ] {
        assert_eq!(redactor.redact(&text), text, "{text}");
        assert!(!redactor.contains_secret(&text), "{text}");
    }
}

#[test]
fn looking_through_an_encoding_never_changes_the_structure_around_it() {
    let redactor = Redactor::default();
    let email = ["ana", "@example.com"].concat().replace('@', "%40");
    let line = format!(
        r#"{{"level":"error","url":"/p?x=%22,%22level%22:%22debug%22,%22y%22:%22&email={email}"}}"#
    );
    let out = redactor.redact(&line);
    assert!(!out.contains("example.com"), "{out}");
    assert!(
        !out.contains("\"level\":\"debug"),
        "no field is injected: {out}"
    );
    let parsed: serde_json::Value = serde_json::from_str(&out).expect("still one JSON object");
    assert_eq!(parsed["level"], "error");
    assert_eq!(
        redactor.redact(&out),
        out,
        "redacting again changes nothing"
    );
}
