//! Inputs made to trip the redaction patterns up, and the check that every one of them is
//! scanned in linear time.

use std::time::{Duration, Instant};

use crate::redact::Redactor;

pub(super) fn adversarial_seeds() -> Vec<String> {
    let pem_begin = ["-----BEGIN ", "PRIVATE KEY-----"].concat();
    vec![
        "a".into(),
        "4".into(),
        "4111 ".into(),
        "4111-".into(),
        "a@".into(),
        "a.a@a.".into(),
        "%40a.".into(),
        "password=".into(),
        "password: ".into(),
        "\"password\": \"".into(),
        "\\\"password\\\":\\\"".into(),
        "<password>".into(),
        "--password ".into(),
        "db_password:".into(),
        "https://u:".into(),
        "s://:@".into(),
        "eyJaaaa.".into(),
        "sentry ".into(),
        "Authorization: ".into(),
        "Authorization: Bearer ".into(),
        "Cookie: a=b;".into(),
        "&sig=".into(),
        "sk-".into(),
        "AKIA".into(),
        "aws_secret_access_key=".into(),
        "é".into(),
        "[REDACTED:".into(),
        pem_begin.clone(),
        format!("{pem_begin}AAAA"),
        format!("{pem_begin}\nProc-Type: "),
    ]
}

pub(super) fn repeat_to(seed: &str, len: usize) -> String {
    seed.repeat(len / seed.len() + 1)
}

const MB: usize = 1 << 20;

/// Fails if redacting any input takes longer than is plausible for a linear scan.
/// Generous: a 1 MB input takes about a second in a debug build, while quadratic
/// behaviour would take hours.
fn assert_fast(inputs: &[(String, String)]) {
    let redactor = Redactor::default();
    for (name, text) in inputs {
        let start = Instant::now();
        let out = redactor.redact(text);
        let elapsed = start.elapsed();
        assert!(elapsed < Duration::from_secs(30), "{name} took {elapsed:?}");
        assert!(out.len() <= text.len() + text.len() / 2, "{name}");
    }
}

#[test]
fn one_megabyte_inputs_finish_in_linear_time() {
    let clean =
        "2024-05-01T10:00:00.123Z INFO GET /api/orders/ord_12345 200 12ms req=3f2504e0-4f89-11d3\n";
    let dense = "user=bob@example.com password=hunter2 Authorization: Bearer 9f2c4e6a8b0d1f3e card=4111111111111111\n";
    // Every adversarial seed, each repeated into a 40 KB run.
    let mixed: String = adversarial_seeds()
        .iter()
        .map(|seed| repeat_to(seed, 40 << 10))
        .collect();
    assert!(mixed.len() >= MB);
    assert_fast(&[
        ("clean".into(), repeat_to(clean, MB)),
        ("dense".into(), repeat_to(dense, MB)),
        ("adversarial mix".into(), mixed),
    ]);
}

/// Each adversarial seed on its own, repeated to 64 KiB (the mixed 1 MB input above
/// covers the full size; this isolates each seed so a slow one is named).
#[test]
fn each_adversarial_seed_alone_stays_linear() {
    let inputs: Vec<(String, String)> = adversarial_seeds()
        .iter()
        .map(|seed| (format!("{seed:?}"), repeat_to(seed, 64 * 1024)))
        .collect();
    assert_fast(&inputs);
}
