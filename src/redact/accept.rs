//! Checks a candidate secret must pass beyond its regex: not a placeholder, looks like a
//! credential, a real e-mail address, a card number with a valid Luhn checksum.

use std::ops::Range;

use super::MARKER_PREFIX;

/// Rejects values that are themselves a mask or a non-value: `null`, `***`, `<redacted>`,
/// `${DB_PASSWORD}`.
pub(super) fn not_placeholder(text: &str, span: Range<usize>) -> bool {
    const NON_VALUES: [&str; 10] = [
        "null",
        "none",
        "nil",
        "undefined",
        "true",
        "false",
        "redacted",
        "filtered",
        "hidden",
        "masked",
    ];
    let raw = &text[span];
    let value = raw.trim_matches(|c: char| "[]<>(){}".contains(c));
    let is_template = raw.starts_with("${") || raw.starts_with("{{");
    !(is_template
        || value
            .chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '•' | '.' | '#' | '$'))
        || NON_VALUES
            .iter()
            .any(|word| value.eq_ignore_ascii_case(word)))
}

pub(super) fn has_digit(text: &str, span: Range<usize>) -> bool {
    text[span].bytes().any(|b| b.is_ascii_digit())
}

/// At least 6 characters, one a digit, and not a placeholder: tells `abc123def456` from
/// `expired`.
pub(super) fn looks_like_credential(text: &str, span: Range<usize>) -> bool {
    span.len() >= 6 && has_digit(text, span.clone()) && not_placeholder(text, span)
}

/// A credential-like word that is not the scheme of a credential already redacted, as in
/// `Authorization: AWS4-HMAC-SHA256 [REDACTED:authorization]`.
pub(super) fn is_bare_credential(text: &str, span: Range<usize>) -> bool {
    let scheme_of_redacted = text[span.end..]
        .trim_start_matches([' ', '\t'])
        .starts_with(MARKER_PREFIX);
    !scheme_of_redacted && looks_like_credential(text, span)
}

/// Rejects look-alikes of an email address: `git@github.com`, an image `logo@2x.png`, and
/// the user name in `scheme://user@host`.
pub(super) fn is_email(text: &str, span: Range<usize>) -> bool {
    let candidate = &text[span.clone()];
    let (local, domain) = candidate
        .split_once('@')
        .or_else(|| candidate.split_once("%40"))
        .unwrap_or((candidate, ""));
    let first_label = domain.split('.').next().unwrap_or("");
    let is_scale_suffix = first_label.len() >= 2
        && first_label.ends_with(['x', 'X'])
        && first_label[..first_label.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_digit());
    !(local == "git" || is_scale_suffix || text[..span.start].ends_with("://"))
}

/// The Luhn checksum, plus the neighbours: a digit run that is part of a decimal, a
/// version, a phone number (`+…`) or a dash-joined identifier is not a card.
pub(super) fn is_card_number(text: &str, span: Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let before = |n: usize| span.start.checked_sub(n).map(|i| bytes[i]);
    let after = |n: usize| bytes.get(span.end + n - 1).copied();
    let joins = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    let in_decimal = before(1) == Some(b'.')
        || (after(1) == Some(b'.') && after(2).is_some_and(|b| b.is_ascii_digit()));
    let in_identifier = (before(1) == Some(b'-') && joins(before(2)))
        || (after(1) == Some(b'-') && joins(after(2)));
    if in_decimal || in_identifier || before(1) == Some(b'+') {
        return false;
    }
    luhn_valid(&text[span])
}

/// The Luhn check over the digits of `number`, ignoring separators.
pub(super) fn luhn_valid(number: &str) -> bool {
    let sum: u32 = number
        .bytes()
        .rev()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, digit)| match (i % 2, digit * 2) {
            // Every second digit from the right is doubled, and a two-digit result
            // counts as the sum of its digits.
            (1, doubled) if doubled > 9 => doubled - 9,
            (1, doubled) => doubled,
            _ => digit,
        })
        .sum();
    sum.is_multiple_of(10)
}
