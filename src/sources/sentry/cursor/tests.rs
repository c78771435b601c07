//! Counting across runs: growth, shrinkage, pruning, resumed listings, pending issues.

use chrono::{Duration, TimeZone};

use super::*;
use crate::domain::event::{Environment, ErrorEvent, LogLevel, Service, Source};

fn hour(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("t")
        + Duration::hours(h)
}

fn done(h: i64) -> Listing {
    Listing::Complete {
        started_at: hour(h),
    }
}

fn issue(id: &str, hourly: &[(i64, u64)]) -> SentryObservation {
    SentryObservation {
        latest: Some(event()),
        ..unread(id, hourly)
    }
}

/// An issue whose latest event could not be read.
fn unread(id: &str, hourly: &[(i64, u64)]) -> SentryObservation {
    SentryObservation {
        issue_id: id.to_owned(),
        project: "shop".into(),
        short_id: "SHOP-1".into(),
        title: "KeyError".into(),
        culprit: String::new(),
        permalink: String::new(),
        first_seen: None,
        last_seen: None,
        user_count: 0,
        hourly: hourly.iter().map(|(h, n)| (hour(*h), *n)).collect(),
        latest: None,
    }
}

fn event() -> ErrorEvent {
    ErrorEvent {
        source: Source::Sentry {
            project: "shop".into(),
            issue_id: "1".into(),
            event_id: "e".into(),
        },
        timestamp: hour(0),
        service: Service::new("shop").expect("service"),
        environment: Environment::new("production").expect("environment"),
        release: None,
        level: LogLevel::Error,
        handled: None,
        exception_type: Some("KeyError".into()),
        message: "'sku'".into(),
        frames: Vec::new(),
        endpoint: None,
        user: None,
        request_id: None,
        link: None,
    }
}

#[test]
fn growth_is_counted_once_and_nothing_is_lost() {
    let first = issue("1", &[(10, 3), (11, 2)]);
    let cursor = SentryCursor::default();
    assert_eq!(
        cursor.new_counts(&first),
        vec![(hour(10), 3), (hour(11), 2)]
    );
    let cursor = cursor.advanced(&[first], hour(0), done(11));
    let grown = issue("1", &[(10, 3), (11, 7), (12, 1)]);
    assert_eq!(
        cursor.new_counts(&grown),
        vec![(hour(11), 5), (hour(12), 1)]
    );
    let cursor = cursor.advanced(std::slice::from_ref(&grown), hour(1), done(12));
    assert_eq!(cursor.new_counts(&grown), vec![]);
    assert_eq!(cursor.listed_at(), Some(hour(12)));
}

#[test]
fn a_shrinking_bucket_is_not_negative_and_not_recounted() {
    let cursor = SentryCursor::default().advanced(&[issue("1", &[(5, 9)])], hour(0), done(5));
    assert_eq!(cursor.new_counts(&issue("1", &[(5, 4)])), vec![]);
    let cursor = cursor.advanced(&[issue("1", &[(5, 4)])], hour(0), done(6));
    assert_eq!(
        cursor.new_counts(&issue("1", &[(5, 10)])),
        vec![(hour(5), 1)]
    );
}

#[test]
fn old_buckets_and_issues_are_pruned() {
    let cursor = SentryCursor::default().advanced(
        &[issue("old", &[(1, 4)]), issue("both", &[(1, 1), (30, 2)])],
        hour(0),
        done(30),
    );
    assert_eq!(cursor.issue_count(), 2);
    let later = cursor.advanced(&[], hour(24), done(31));
    assert!(!later.knows("old"));
    assert!(later.knows("both"));
    assert_eq!(
        later.new_counts(&issue("both", &[(30, 2), (31, 1)])),
        vec![(hour(31), 1)]
    );
}

#[test]
fn survives_a_json_round_trip_and_rejects_junk() {
    let cursor = SentryCursor::default().advanced(&[issue("7", &[(3, 2)])], hour(0), done(3));
    let again = SentryCursor::from_json(&cursor.to_json()).expect("round trip");
    assert_eq!(again, cursor);
    assert_eq!(
        SentryCursor::from_json("{}").expect("empty"),
        SentryCursor::default()
    );
    assert!(SentryCursor::from_json("[1,2]").is_err());
}

#[test]
fn a_partial_listing_is_resumed_then_completes_as_of_its_start() {
    let cursor = SentryCursor::default().advanced(&[], hour(0), done(5));
    let resume = Resume {
        since: hour(4),
        page_cursor: "0:100:0".into(),
        started_at: hour(6),
    };
    let next = cursor.advanced(
        &[issue("1", &[(6, 1)])],
        hour(0),
        Listing::Partial(resume.clone()),
    );
    assert_eq!(next.listed_at(), Some(hour(5)), "not complete yet");
    assert_eq!(next.resume(), Some(&resume));
    assert!(next.knows("1"));
    let finished = next.advanced(&[], hour(0), done(6));
    assert_eq!(finished.listed_at(), Some(hour(6)));
    assert_eq!(finished.resume(), None);
    let again = SentryCursor::from_json(&next.to_json()).expect("round trip");
    assert_eq!(again, next);
}

#[test]
fn a_new_issue_without_an_event_stays_pending_until_counted() {
    let cursor = SentryCursor::default().advanced(&[], hour(0), done(10));
    let margin = Duration::minutes(15);
    assert_eq!(cursor.listing_since(hour(0), margin), hour(10) - margin);
    let mut unread_issue = unread("9", &[(3, 4)]);
    unread_issue.last_seen = Some(hour(3));
    let next = cursor.advanced(&[unread_issue.clone()], hour(0), done(11));
    assert!(next.is_pending("9") && !next.knows("9"));
    assert_eq!(
        next.listing_since(hour(0), margin),
        hour(3),
        "listings reach back to it"
    );
    assert_eq!(
        next.listing_since(hour(5), margin),
        hour(5),
        "never before the window"
    );
    assert_eq!(
        next.new_counts(&unread_issue),
        vec![],
        "nothing to store without an event"
    );
    let read = issue("9", &[(3, 4)]);
    assert_eq!(
        next.new_counts(&read),
        vec![(hour(3), 4)],
        "counted whole once read"
    );
    let counted = next.advanced(std::slice::from_ref(&read), hour(0), done(12));
    assert!(!counted.is_pending("9") && counted.knows("9"));
    assert_eq!(counted.new_counts(&read), vec![]);
    let known_unread = unread("9", &[(3, 6)]);
    let after = counted.advanced(std::slice::from_ref(&known_unread), hour(0), done(13));
    assert_eq!(
        after.new_counts(&known_unread),
        vec![],
        "a known issue is counted without an event"
    );
    let expired = next.advanced(&[], hour(4), done(14));
    assert!(
        !expired.is_pending("9"),
        "pending issues leave with the window"
    );
}

#[test]
fn a_known_issue_that_grew_without_a_readable_event_waits_and_is_then_counted_whole() {
    let first = SentryCursor::default().advanced(&[issue("7", &[(1, 4)])], hour(0), done(1));
    let grew_unread = unread("7", &[(1, 6), (2, 3)]);
    assert!(first.has_grown(&grew_unread));
    assert!(
        first.new_counts(&grew_unread).is_empty(),
        "nothing to attach counts to"
    );
    let second = first.advanced(std::slice::from_ref(&grew_unread), hour(0), done(2));
    assert!(second.is_pending("7"));
    // The next run reads its event: the growth since the last counted state, whole.
    let readable = issue("7", &[(1, 6), (2, 5)]);
    assert_eq!(second.new_counts(&readable), [(hour(1), 2), (hour(2), 5)]);
    let third = second.advanced(&[readable], hour(0), done(3));
    assert!(!third.is_pending("7"));
}
