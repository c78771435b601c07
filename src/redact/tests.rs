//! Tests of the redactor: planted secrets, look-alikes, idempotence, errors.

use adversarial::{adversarial_seeds, repeat_to};

use super::accept::luhn_valid;
use super::testing::{look_alikes, planted};
use super::*;

mod adversarial;

fn redact(text: &str) -> String {
    Redactor::default().redact(text).into_owned()
}

/// A part of `secret` still in `out` that is not also in the rest of `line`: the whole
/// secret, or any 8-character window of it.
fn leak(line: &str, secret: &str, out: &str) -> Option<String> {
    if out.contains(secret) {
        return Some(secret.to_owned());
    }
    let context = line.replace(secret, "\u{0}");
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(8)
        .map(|window| window.iter().collect::<String>())
        .find(|window| out.contains(window.as_str()) && !context.contains(window.as_str()))
}

#[test]
fn planted_secrets_are_replaced_by_a_marker_of_their_kind() {
    let redactor = Redactor::default();
    let cases = planted();
    assert!(cases.len() >= 100, "only {} planted secrets", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let out = redactor.redact(&case.line);
        let marker = format!("[REDACTED:{}]", case.kind);
        if let Some(part) = leak(&case.line, &case.secret, &out) {
            failures.push(format!(
                "LEAKED {part:?}\n  in:  {:?}\n  out: {out:?}",
                case.line
            ));
        } else if !out.contains(&marker) {
            failures.push(format!(
                "NO {marker}\n  in:  {:?}\n  out: {out:?}",
                case.line
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_builtin_kind_is_planted_in_the_corpus() {
    let cases = planted();
    for builtin in builtin_rules() {
        assert!(
            cases.iter().any(|case| case.kind == builtin.kind),
            "no planted {}",
            builtin.kind
        );
    }
}

#[test]
fn look_alikes_come_out_borrowed_and_identical() {
    let redactor = Redactor::default();
    let lines = look_alikes();
    assert!(lines.len() >= 40, "only {} look-alikes", lines.len());
    let changed: Vec<String> = lines
        .iter()
        .filter_map(|line| match redactor.redact(line) {
            Cow::Borrowed(out) if out == line => None,
            out => Some(format!("  in:  {line:?}\n  out: {out:?}")),
        })
        .collect();
    assert!(
        changed.is_empty(),
        "{} look-alikes changed:\n{}",
        changed.len(),
        changed.join("\n")
    );
}

/// Inputs made to trip the patterns up: long runs and repeats of their pieces.
#[test]
fn redacting_twice_is_redacting_once() {
    let redactor = Redactor::default();
    let mut inputs: Vec<String> = planted().into_iter().map(|case| case.line).collect();
    inputs.extend(look_alikes());
    inputs.push(inputs.join("\n"));
    inputs.push(inputs.join(" "));
    inputs.extend(
        adversarial_seeds()
            .iter()
            .map(|seed| repeat_to(seed, 2_000)),
    );
    for input in &inputs {
        let once = redactor.redact(input);
        let twice = redactor.redact(&once);
        assert_eq!(once, twice, "not idempotent for {input:?}");
        assert!(
            matches!(twice, Cow::Borrowed(_)),
            "second pass allocated for {input:?}"
        );
    }
}

#[test]
fn contains_secret_agrees_with_redact() {
    let redactor = Redactor::default();
    let mut inputs: Vec<String> = planted().into_iter().map(|case| case.line).collect();
    inputs.extend(look_alikes());
    inputs.extend(adversarial_seeds().iter().map(|seed| repeat_to(seed, 200)));
    for input in &inputs {
        let changed = matches!(redactor.redact(input), Cow::Owned(_));
        assert_eq!(redactor.contains_secret(input), changed, "for {input:?}");
    }
    assert!(redactor.contains_secret("password=hunter2"));
    assert!(!redactor.contains_secret("invalid token for user 42"));
}

#[test]
fn clean_text_is_borrowed() {
    let text = "2024-05-01T10:00:00Z INFO GET /api/orders/ord_12345 200 12ms";
    assert!(matches!(Redactor::default().redact(text), Cow::Borrowed(t) if std::ptr::eq(t, text)));
    assert!(matches!(Redactor::default().redact(""), Cow::Borrowed("")));
}

#[test]
fn surrounding_text_is_kept_exactly() {
    let cases = [
        ("password=hunter2", "password=[REDACTED:password]"),
        (
            "https://user:pw@host/x",
            "https://user:[REDACTED:password]@host/x",
        ),
        (
            "retry 3: Authorization: Bearer 9f2c4e6a8b0d1f3e (upstream 401)",
            "retry 3: Authorization: Bearer [REDACTED:bearer_token] (upstream 401)",
        ),
        (
            r#"{"user":"bob","password":"a b\"c","ok":false}"#,
            r#"{"user":"bob","password":"[REDACTED:password]","ok":false}"#,
        ),
        ("contact: ana@example.com.", "contact: [REDACTED:email]."),
        (
            "pan=4111 1111 1111 1111, exp=12/29",
            "pan=[REDACTED:card_number], exp=12/29",
        ),
        (
            "POST https://hooks.slack.com/services/T0/B0/xyz failed",
            "POST https://hooks.slack.com/services/[REDACTED:slack_webhook] failed",
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(redact(input), expected, "for {input:?}");
    }
}

#[test]
fn multi_line_private_key_block_becomes_one_marker() {
    let block = [
        "-----BEGIN ",
        "RSA PRIVATE KEY-----\n",
        "MIIEfakeFAKEfake0123456789abcdefABCDEF+/\n",
        "ZZZZfakefake==\n",
        "-----END ",
        "RSA PRIVATE KEY-----",
    ]
    .concat();
    let text = format!("key loaded:\n{block}\nnext line");
    assert_eq!(
        redact(&text),
        "key loaded:\n[REDACTED:private_key]\nnext line"
    );
}

#[test]
fn card_numbers_need_a_valid_luhn_checksum() {
    assert!(luhn_valid("4111 1111 1111 1111"));
    assert!(luhn_valid("378282246310005"));
    assert!(!luhn_valid("4111111111111112"));
    assert_eq!(redact("card 4111111111111112"), "card 4111111111111112");
    assert_eq!(
        redact("card 4111111111111111"),
        "card [REDACTED:card_number]"
    );
    // A 20-digit run is not a card, whatever its prefix.
    assert_eq!(redact("id 41111111111111111111"), "id 41111111111111111111");
}

#[test]
fn non_ascii_text_is_kept_intact() {
    let text = "Ошибка входа: password=пароль123 для josé@exemple.fr — 用户 ✓ 🚀";
    assert_eq!(
        redact(text),
        "Ошибка входа: password=[REDACTED:password] для [REDACTED:email] — 用户 ✓ 🚀"
    );
    let clean = "Benutzer „Jürgen“ hat sich angemeldet — 成功 ✓ 🚀";
    assert!(matches!(
        Redactor::default().redact(clean),
        Cow::Borrowed(_)
    ));
}

#[test]
fn extra_patterns_are_redacted_as_custom() {
    let extra = [
        r"(?-u:\b)cus_[0-9]{6}".to_owned(),
        "session=([0-9a-f]{8})".to_owned(),
    ];
    let redactor = Redactor::new(&extra).unwrap();
    assert_eq!(
        redactor.redact("customer cus_123456 session=deadbeef"),
        "customer [REDACTED:custom] session=[REDACTED:custom]"
    );
    assert_eq!(
        redactor.redact("password=hunter2"),
        "password=[REDACTED:password]"
    );
}

#[test]
fn a_bad_extra_pattern_is_named_in_the_error() {
    let extra = ["ok_[0-9]+".to_owned(), "(unclosed".to_owned()];
    let err = Redactor::new(&extra).unwrap_err();
    assert!(
        matches!(err, RedactError::InvalidPattern { index: 1, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("index 1"), "{message}");
    assert!(message.contains("(unclosed"), "{message}");
    assert!(message.contains("unclosed group"), "{message}");

    let err = Redactor::new(&["x*".to_owned()]).unwrap_err();
    assert!(
        matches!(err, RedactError::MatchesEmpty { index: 0, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("\"x*\""), "{err}");
}

#[test]
fn redactor_is_shareable() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Redactor>();
}

#[test]
fn builtin_patterns_have_no_literal_backslash_b() {
    // `ascii_word_boundaries` would corrupt `\\b`.
    for builtin in builtin_rules() {
        assert!(
            !builtin.pattern.contains(r"\\b"),
            "{}: {}",
            builtin.kind,
            builtin.pattern
        );
    }
}
