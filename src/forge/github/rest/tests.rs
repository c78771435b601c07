//! How GitHub answers are judged: rate limits told from permission errors, bounded
//! messages.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::*;

fn head(status: u16, pairs: &[(&'static str, &str)]) -> ResponseHead {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.insert(*name, HeaderValue::from_str(value).expect("value"));
    }
    ResponseHead {
        status: StatusCode::from_u16(status).expect("status"),
        headers,
    }
}

#[test]
fn rate_limits_are_told_from_permission_errors() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let secondary = head(403, &[("retry-after", "7")]);
    assert_eq!(
        rate_limit_wait(&secondary, b"{}", now),
        Some(Duration::from_secs(7))
    );
    let primary = head(
        429,
        &[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1700000042"),
        ],
    );
    assert_eq!(
        rate_limit_wait(&primary, b"{}", now),
        Some(Duration::from_secs(42))
    );
    let worded = br#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#;
    let bare = head(403, &[("x-ratelimit-remaining", "4000")]);
    assert_eq!(
        rate_limit_wait(&bare, worded, now),
        Some(SECONDARY_LIMIT_WAIT)
    );
    let denied = br#"{"message":"Resource not accessible by integration"}"#;
    assert_eq!(rate_limit_wait(&bare, denied, now), None);
    assert_eq!(classify(&bare, denied), Verdict::Accept);
    assert!(matches!(
        classify(&secondary, b"{}"),
        Verdict::Retry { after: Some(_) }
    ));
    assert!(matches!(
        classify(&head(502, &[]), b""),
        Verdict::Retry { .. }
    ));
    assert_eq!(classify(&head(422, &[]), b"{}"), Verdict::Accept);
}

#[test]
fn messages_are_bounded_and_printable() {
    let long = format!("bad\n{}", "x".repeat(1000));
    let message = bounded(&long);
    assert_eq!(message.chars().count(), MESSAGE_MAX);
    assert!(!message.contains('\n'));
}
