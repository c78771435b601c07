use super::*;
use crate::cloudwatch::wire::DescribeLogGroupsRequest;

const UNLIMITED: ScanLimits = ScanLimits {
    page_bytes: MAX_PAGE_BYTES,
    scan_budget: usize::MAX,
};

fn seeded() -> Store {
    let mut store = Store::default();
    let events = |stream: &str, times: &[i64]| -> Vec<(i64, i64, String)> {
        times
            .iter()
            .map(|t| (*t, *t + 5, format!("{stream} event at {t}")))
            .collect()
    };
    store.put_events("app", "a", events("a", &[100, 300, 500]), 1);
    store.put_events("app", "b", events("b", &[200, 300, 400]), 1);
    store
}

fn query(group: &str) -> FilterLogEventsRequest {
    FilterLogEventsRequest {
        log_group_name: Some(group.to_string()),
        ..FilterLogEventsRequest::default()
    }
}

fn all_pages(
    store: &Store,
    mut request: FilterLogEventsRequest,
    limits: ScanLimits,
) -> (Vec<FilteredLogEvent>, usize) {
    let mut events = Vec::new();
    let mut pages = 0;
    loop {
        let page = store.filter_log_events(&request, limits).expect("page");
        pages += 1;
        events.extend(page.events);
        match page.next_token {
            Some(token) => request.next_token = Some(token),
            None => return (events, pages),
        }
        assert!(pages < 10_000, "pagination does not end");
    }
}

#[test]
fn events_come_in_timestamp_order_across_streams() {
    let page = seeded()
        .filter_log_events(&query("app"), UNLIMITED)
        .expect("page");
    let times: Vec<i64> = page.events.iter().map(|e| e.timestamp).collect();
    assert_eq!(times, [100, 200, 300, 300, 400, 500]);
    assert_eq!(page.events[0].ingestion_time, 105);
    assert_eq!(page.events[0].log_stream_name, "a");
    assert_eq!(
        page.events[2].log_stream_name, "a",
        "same timestamp: arrival order"
    );
    assert!(page.next_token.is_none());
    assert!(page.events.iter().all(|e| e.event_id.len() == 56));
}

#[test]
fn start_and_end_time_are_both_inclusive() {
    let request = FilterLogEventsRequest {
        start_time: Some(200),
        end_time: Some(400),
        ..query("app")
    };
    let page = seeded()
        .filter_log_events(&request, UNLIMITED)
        .expect("page");
    let times: Vec<i64> = page.events.iter().map(|e| e.timestamp).collect();
    assert_eq!(times, [200, 300, 300, 400]);
}

#[test]
fn stream_names_prefix_and_patterns_narrow_the_result() {
    let store = seeded();
    let by_names = FilterLogEventsRequest {
        log_stream_names: Some(vec!["b".to_string()]),
        ..query("app")
    };
    assert_eq!(
        store
            .filter_log_events(&by_names, UNLIMITED)
            .map(|p| p.events.len()),
        Ok(3)
    );
    let by_prefix = FilterLogEventsRequest {
        log_stream_name_prefix: Some("a".to_string()),
        filter_pattern: Some("300".to_string()),
        ..query("app")
    };
    let page = store
        .filter_log_events(&by_prefix, UNLIMITED)
        .expect("page");
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].message, "a event at 300");
}

#[test]
fn limit_pages_and_late_events_behind_the_token_wait_for_the_next_query() {
    let mut store = seeded();
    let request = FilterLogEventsRequest {
        limit: Some(2),
        ..query("app")
    };
    let first = store.filter_log_events(&request, UNLIMITED).expect("page");
    assert_eq!(first.events.len(), 2);
    let token = first.next_token.clone().expect("more pages");
    // A late event behind the position, and one ahead of it.
    store.put_events(
        "app",
        "c",
        [
            (150, 999, "late".to_string()),
            (450, 999, "ahead".to_string()),
        ],
        1,
    );
    let mut rest = request.clone();
    rest.next_token = Some(token);
    let (events, _) = all_pages(&store, rest, UNLIMITED);
    let messages: Vec<&str> = events.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.contains(&"ahead") && !messages.contains(&"late"));
    assert_eq!(events.len(), 5);
    let (again, _) = all_pages(&store, request, UNLIMITED);
    assert_eq!(
        again.len(),
        8,
        "a new query over the range finds the late event"
    );
    assert!(again.iter().any(|e| e.message == "late"));
}

#[test]
fn byte_cap_splits_pages_and_never_loses_an_event() {
    let mut store = Store::default();
    let big = "x".repeat(300 * 1024);
    store.put_events("big", "s", (0..10).map(|t| (t, t, format!("{t} {big}"))), 1);
    let (events, pages) = all_pages(&store, query("big"), UNLIMITED);
    assert_eq!(events.len(), 10);
    assert!(
        pages >= 4,
        "3 events of 300 KB fit in 1 MB, so at least 4 pages: {pages}"
    );
    let page = store
        .filter_log_events(&query("big"), UNLIMITED)
        .expect("page");
    let size = serde_json::to_vec(&page)
        .map(|b| b.len())
        .unwrap_or(usize::MAX);
    assert!(size <= MAX_PAGE_BYTES + 100, "{size}");
}

#[test]
fn scan_budget_gives_empty_pages_with_tokens() {
    let mut store = Store::default();
    store.put_events(
        "g",
        "s",
        (0..50).map(|t| (t, t, if t == 42 { "ERROR".into() } else { "ok".into() })),
        1,
    );
    let request = FilterLogEventsRequest {
        filter_pattern: Some("ERROR".to_string()),
        ..query("g")
    };
    let limits = ScanLimits {
        scan_budget: 10,
        ..UNLIMITED
    };
    let first = store.filter_log_events(&request, limits).expect("page");
    assert!(first.events.is_empty() && first.next_token.is_some());
    let (events, pages) = all_pages(&store, request, limits);
    assert_eq!(events.len(), 1);
    assert_eq!(pages, 5);
}

#[test]
fn invalid_requests_name_the_problem() {
    let store = seeded();
    let kind = |request: FilterLogEventsRequest| {
        store
            .filter_log_events(&request, UNLIMITED)
            .map_err(|e| e.kind)
    };
    assert_eq!(kind(query("nope")), Err(ErrorKind::ResourceNotFound));
    assert_eq!(
        kind(FilterLogEventsRequest::default()),
        Err(ErrorKind::InvalidParameter)
    );
    let both = FilterLogEventsRequest {
        log_group_identifier: Some("app".into()),
        ..query("app")
    };
    assert_eq!(kind(both), Err(ErrorKind::InvalidParameter));
    for limit in [0, 10_001] {
        assert_eq!(
            kind(FilterLogEventsRequest {
                limit: Some(limit),
                ..query("app")
            }),
            Err(ErrorKind::InvalidParameter)
        );
    }
    let streams = FilterLogEventsRequest {
        log_stream_names: Some(vec!["a".into()]),
        log_stream_name_prefix: Some("a".into()),
        ..query("app")
    };
    assert_eq!(kind(streams), Err(ErrorKind::InvalidParameter));
    let pattern = FilterLogEventsRequest {
        filter_pattern: Some("%re%".into()),
        ..query("app")
    };
    assert_eq!(kind(pattern), Err(ErrorKind::InvalidParameter));
    assert_eq!(kind(query("has space")), Err(ErrorKind::InvalidParameter));
    assert_eq!(kind(query("")), Err(ErrorKind::InvalidParameter));
    let token = FilterLogEventsRequest {
        next_token: Some("garbage".into()),
        ..query("app")
    };
    assert_eq!(kind(token), Err(ErrorKind::InvalidParameter));
    let arn = FilterLogEventsRequest {
        log_group_identifier: Some(format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:app:*")),
        ..FilterLogEventsRequest::default()
    };
    assert_eq!(
        store
            .filter_log_events(&arn, UNLIMITED)
            .map(|p| p.events.len()),
        Ok(6)
    );
}

#[test]
fn describe_log_groups_pages_by_prefix() {
    let mut store = Store::default();
    for i in 0..120 {
        store.create_group(&format!("/aws/lambda/fn-{i:03}"), 7);
    }
    store.create_group("/ecs/api", 7);
    let mut request = DescribeLogGroupsRequest {
        log_group_name_prefix: Some("/aws/lambda/".to_string()),
        ..DescribeLogGroupsRequest::default()
    };
    let mut names = Vec::new();
    loop {
        let page = store.describe_log_groups(&request).expect("page");
        assert!(page.log_groups.len() <= 50);
        names.extend(page.log_groups.into_iter().map(|g| g.log_group_name));
        match page.next_token {
            Some(token) => request.next_token = Some(token),
            None => break,
        }
    }
    assert_eq!(names.len(), 120);
    assert!(names.windows(2).all(|w| w[0] < w[1]));
    let limit = DescribeLogGroupsRequest {
        limit: Some(51),
        ..DescribeLogGroupsRequest::default()
    };
    assert_eq!(
        store.describe_log_groups(&limit).map_err(|e| e.kind),
        Err(ErrorKind::InvalidParameter)
    );
}
