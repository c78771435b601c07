//! How long to wait before the next try: the server's own hints (`Retry-After`, quota
//! reset headers) and the jittered exponential backoff used when there is none.
//!
//! The hint functions take the wall-clock `now` as a parameter: reset headers are
//! absolute wall-clock times, so this is the one place the HTTP layer reads the system
//! clock (in its callers), and tests pass a fixed instant.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use reqwest::header::HeaderMap;

use super::HttpPolicy;

/// The wait a failed response asks for: `Retry-After` (delta seconds or HTTP date), else
/// an exhausted quota's reset time (see [`quota_exhausted_wait`]).
pub fn server_requested_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    retry_after(headers, now).or_else(|| quota_exhausted_wait(headers, now))
}

/// The wait until an exhausted quota resets, when a response says none is left:
/// Sentry's `X-Sentry-Rate-Limit-Remaining: 0` + `X-Sentry-Rate-Limit-Reset` (epoch
/// seconds), Linear's `X-RateLimit-Requests-Remaining: 0` + `X-RateLimit-Requests-Reset`
/// (epoch milliseconds), GitHub's `X-RateLimit-Remaining: 0` + `X-RateLimit-Reset` (epoch
/// seconds). `None` while quota is left or the headers are absent.
pub fn quota_exhausted_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    const RULES: [(&str, &str, u64); 3] = [
        (
            "x-sentry-rate-limit-remaining",
            "x-sentry-rate-limit-reset",
            1000,
        ),
        (
            "x-ratelimit-requests-remaining",
            "x-ratelimit-requests-reset",
            1,
        ),
        ("x-ratelimit-remaining", "x-ratelimit-reset", 1000),
    ];
    RULES.iter().find_map(|(remaining, reset, ms_per_unit)| {
        let left: f64 = header_str(headers, remaining)?.parse().ok()?;
        if left > 0.0 {
            return None;
        }
        let at: u64 = header_str(headers, reset)?.parse().ok()?;
        let at = UNIX_EPOCH + Duration::from_millis(at.saturating_mul(*ms_per_unit));
        Some(at.duration_since(now).unwrap_or(Duration::ZERO))
    })
}

fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let raw = header_str(headers, "retry-after")?;
    if let Ok(seconds) = raw.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).ok())
            .flatten();
    }
    let at = chrono::DateTime::parse_from_rfc2822(raw).ok()?;
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(at.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// "Full jitter" backoff before retry number `retry` (1-based): uniform in
/// `0..=min(max_backoff, base_backoff * 2^(retry-1))`.
pub(super) fn full_jitter(policy: &HttpPolicy, retry: u32, rng: &mut impl Rng) -> Duration {
    let ceiling = policy
        .base_backoff
        .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
        .min(policy.max_backoff);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rng.random_range(0..=ceiling_ms))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header value"));
        }
        map
    }

    fn at(epoch_secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(epoch_secs)
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = at(1_445_412_480); // 2015-10-21T07:28:00Z
        let secs = headers(&[("retry-after", "7")]);
        assert_eq!(
            server_requested_wait(&secs, now),
            Some(Duration::from_secs(7))
        );
        let date = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:30 GMT")]);
        assert_eq!(
            server_requested_wait(&date, now),
            Some(Duration::from_secs(30))
        );
        let past = headers(&[("retry-after", "Wed, 21 Oct 2015 07:00:00 GMT")]);
        assert_eq!(server_requested_wait(&past, now), Some(Duration::ZERO));
        let junk = headers(&[("retry-after", "soon")]);
        assert_eq!(server_requested_wait(&junk, now), None);
        let negative = headers(&[("retry-after", "-3")]);
        assert_eq!(server_requested_wait(&negative, now), None);
    }

    #[test]
    fn sentry_reset_counts_only_when_no_quota_is_left() {
        let now = at(1_700_000_000);
        let spent = headers(&[
            ("x-sentry-rate-limit-remaining", "0"),
            ("x-sentry-rate-limit-reset", "1700000012"),
        ]);
        assert_eq!(
            quota_exhausted_wait(&spent, now),
            Some(Duration::from_secs(12))
        );
        let left = headers(&[
            ("x-sentry-rate-limit-remaining", "3"),
            ("x-sentry-rate-limit-reset", "1700000012"),
        ]);
        assert_eq!(quota_exhausted_wait(&left, now), None);
    }

    #[test]
    fn linear_reset_is_in_milliseconds() {
        let now = at(1_700_000_000);
        let spent = headers(&[
            ("x-ratelimit-requests-remaining", "0"),
            ("x-ratelimit-requests-reset", "1700000001500"),
        ]);
        assert_eq!(
            quota_exhausted_wait(&spent, now),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn github_reset_is_in_epoch_seconds() {
        let now = at(1_700_000_000);
        let spent = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1700000030"),
        ]);
        assert_eq!(
            quota_exhausted_wait(&spent, now),
            Some(Duration::from_secs(30))
        );
        let left = headers(&[
            ("x-ratelimit-remaining", "4999"),
            ("x-ratelimit-reset", "1700000030"),
        ]);
        assert_eq!(quota_exhausted_wait(&left, now), None);
    }

    #[test]
    fn retry_after_wins_over_quota_headers() {
        let now = at(1_700_000_000);
        let both = headers(&[
            ("retry-after", "2"),
            ("x-sentry-rate-limit-remaining", "0"),
            ("x-sentry-rate-limit-reset", "1700000060"),
        ]);
        assert_eq!(
            server_requested_wait(&both, now),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn full_jitter_stays_under_the_doubling_ceiling() {
        let policy = HttpPolicy {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            ..HttpPolicy::default()
        };
        let mut rng = rand::rng();
        for (retry, ceiling) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (40, 1000),
        ] {
            let draws: Vec<_> = (0..200)
                .map(|_| full_jitter(&policy, retry, &mut rng))
                .collect();
            assert!(draws.iter().all(|d| *d <= Duration::from_millis(ceiling)));
            let above_half = draws
                .iter()
                .any(|d| *d > Duration::from_millis(ceiling / 2));
            assert!(above_half, "retry {retry}: draws spread up to the ceiling");
        }
    }
}
