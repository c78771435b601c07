use std::time::{Duration, Instant};

use super::testing::*;
use super::*;
use triaged_sandbox::FaultKnobs;
use triaged_sandbox::cloudwatch::SeedEvent;

#[tokio::test]
async fn reads_25000_events_across_pages_exactly_once() {
    let harness = Harness::start(1).await;
    let now = now();
    harness.seed("/app/api", 25_000, now - 1000, |i| {
        format!("ERROR request {i} failed")
    });
    let config = harness.config(vec![named("/app/api", "")]);
    let source = harness.source(&config);
    let group = &source.resolve_groups().await.0[0];
    let batch = source.fetch_group(group, None, now).await.expect("read");
    assert_eq!(distinct_ids(&batch.records), 25_000);
    assert!(batch.pages >= 3, "{} pages", batch.pages);
    assert!(
        batch
            .records
            .windows(2)
            .all(|w| w[0].timestamp_ms <= w[1].timestamp_ms)
    );
    assert_eq!(batch.records[0].log_stream, "i-0a");
    assert_eq!(batch.service, "api");
}

#[tokio::test]
async fn large_messages_come_in_pages_of_at_most_1_mb() {
    let harness = Harness::start(2).await;
    let now = now();
    let filler = "x".repeat(100 * 1024);
    harness.seed("/app/big", 40, now - 1000, |i| {
        format!("ERROR {i} {filler}")
    });
    let config = harness.config(vec![named("/app/big", "ERROR")]);
    let source = harness.source(&config);
    let group = &source.resolve_groups().await.0[0];
    let batch = source.fetch_group(group, None, now).await.expect("read");
    assert_eq!(distinct_ids(&batch.records), 40);
    assert!(batch.pages >= 4, "{} pages", batch.pages);
    let biggest = harness
        .sandbox
        .requests()
        .iter()
        .map(|r| r.response_bytes)
        .max()
        .unwrap_or(0);
    assert!(
        biggest > 900 * 1024 && biggest <= 1024 * 1024 + 512,
        "{biggest}"
    );
}

#[tokio::test]
async fn a_late_event_inside_the_overlap_is_read_once_by_the_next_run() {
    let harness = Harness::start(3).await;
    let run1 = now();
    harness.seed("/app/api", 100, run1 - 1000, |i| format!("ERROR {i}"));
    let config = harness.config(vec![named("/app/api", "ERROR")]);
    let source = harness.source(&config);
    let group = &source.resolve_groups().await.0[0];
    let first = source.fetch_group(group, None, run1).await.expect("run 1");
    assert_eq!(first.records.len(), 100);
    let stored = first.cursor.to_json();

    let late = SeedEvent::new(run1 - 2 * MINUTE, "ERROR delivered late").ingested_at(run1 + MINUTE);
    let too_late = SeedEvent::new(run1 - 30 * MINUTE, "ERROR older than the overlap")
        .ingested_at(run1 + MINUTE);
    harness
        .sandbox
        .put_events("/app/api", "i-0c", [late, too_late]);

    let run2 = run1 + MINUTE;
    let cursor = GroupCursor::from_json(&stored).expect("cursor");
    let second = source
        .fetch_group(group, Some(&cursor), run2)
        .await
        .expect("run 2");
    let messages: Vec<&str> = second.records.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        messages,
        ["ERROR delivered late"],
        "only the late event is new"
    );
    assert_eq!(second.records[0].ingestion_time_ms, run1 + MINUTE);
    assert!(second.already_seen > 0, "the overlap was read again");
    let third = source
        .fetch_group(group, Some(&second.cursor), run2 + MINUTE)
        .await
        .expect("run 3");
    assert!(third.records.is_empty());
}

#[tokio::test]
async fn filter_patterns_apply_end_to_end() {
    let harness = Harness::start(4).await;
    let now = now();
    let messages = [
        r#"{"level":"error","status":503,"msg":"upstream down"}"#,
        r#"{"level":"info","status":200}"#,
        r#"{"level":"fatal","status":500}"#,
        "ERROR: connection refused",
        "Traceback (most recent call last):",
        "INFO all good",
    ];
    harness.seed("/app/mixed", messages.len(), now - 1000, |i| {
        messages[i].to_string()
    });
    let read = |pattern: &'static str| {
        let config = harness.config(vec![named("/app/mixed", pattern)]);
        let source = harness.source(&config);
        async move {
            let group = &source.resolve_groups().await.0[0];
            let batch = source.fetch_group(group, None, now).await.expect("read");
            batch
                .records
                .into_iter()
                .map(|r| r.message)
                .collect::<Vec<_>>()
        }
    };
    let json = read(r#"{ ($.level = "error") || ($.level = "fatal") }"#).await;
    assert_eq!(json, [messages[0], messages[2]]);
    assert_eq!(
        read("{ $.status >= 500 && $.msg = \"upstream*\" }").await,
        [messages[0]]
    );
    // `"error"` inside the JSON is a whole word; `fatal` is not `FATAL` (case-sensitive).
    assert_eq!(
        read(DEFAULT_FILTER_PATTERN).await,
        [messages[0], messages[3], messages[4]]
    );
    assert_eq!(read("").await.len(), messages.len());

    let config = harness.config(vec![named("/app/mixed", "%regex%")]);
    let outcome = harness
        .source(&config)
        .fetch_all(&HashMap::new(), now)
        .await;
    let error = outcome[0].result.as_ref().expect_err("bad pattern");
    assert!(
        matches!(error, CloudWatchError::InvalidRequest { .. }),
        "{error}"
    );
    assert!(
        !error.is_retryable() && error.to_string().contains("/app/mixed"),
        "{error}"
    );
}

#[tokio::test]
async fn prefixes_resolve_and_a_missing_group_fails_alone() {
    let harness = Harness::start(5).await;
    let now = now();
    for i in 0..60 {
        harness.seed(&format!("/aws/lambda/fn-{i:02}"), 2, now - 1000, |_| {
            "ERROR x".to_string()
        });
    }
    harness.seed("/ecs/web", 3, now - 1000, |_| "ERROR y".to_string());
    let prefix = LogGroupConfig {
        name: None,
        prefix: Some("/aws/lambda/".into()),
        ..named("", "ERROR")
    };
    let groups = vec![
        named("/missing/group", "ERROR"),
        prefix,
        named("/ecs/web", "ERROR"),
        named("/aws/lambda/fn-00", ""),
    ];
    let config = harness.config(groups);
    let source = harness.source(&config);
    let (resolved, failures) = source.resolve_groups().await;
    assert!(failures.is_empty());
    assert_eq!(resolved.len(), 62, "missing + 60 by prefix + /ecs/web");
    assert_eq!(
        resolved
            .iter()
            .filter(|g| g.name == "/aws/lambda/fn-00")
            .count(),
        1
    );

    let outcomes = source.fetch_all(&HashMap::new(), now).await;
    assert_eq!(outcomes.len(), 62);
    for outcome in &outcomes {
        match (&outcome.result, outcome.log_group.as_str()) {
            (Err(error), "/missing/group") => {
                assert!(matches!(error, CloudWatchError::NotFound { .. }), "{error}");
                assert!(!error.is_retryable());
                assert!(error.to_string().contains("/missing/group"), "{error}");
            }
            (Ok(batch), "/ecs/web") => assert_eq!(batch.records.len(), 3),
            (Ok(batch), _) => assert_eq!(batch.records.len(), 2),
            (Err(error), group) => panic!("{group}: {error}"),
        }
    }
}

#[tokio::test]
async fn groups_are_read_at_most_max_concurrent_at_a_time() {
    let harness = Harness::start(6).await;
    let now = now();
    let names: Vec<String> = (0..6).map(|i| format!("/app/g{i}")).collect();
    for name in &names {
        harness.seed(name, 1, now - 1000, |_| "ERROR".to_string());
    }
    let delay = Duration::from_millis(150);
    harness.sandbox.faults().set(FaultKnobs {
        delay: 1.0,
        delay_for: delay,
        ..FaultKnobs::none()
    });
    let mut config = harness.config(names.iter().map(|n| named(n, "ERROR")).collect());
    config.max_concurrent_groups = 2;
    let started = Instant::now();
    let outcomes = harness
        .source(&config)
        .fetch_all(&HashMap::new(), now)
        .await;
    assert!(outcomes.iter().all(|o| o.result.is_ok()));
    assert!(
        started.elapsed() >= delay * 3,
        "6 groups, 2 at a time: 3 rounds; took {:?}",
        started.elapsed()
    );
}

#[test]
fn config_defaults_and_validation() {
    let config: CloudWatchConfig =
        serde_json::from_str(r#"{"groups":[{"prefix":"/aws/lambda/"}]}"#).expect("parses");
    assert_eq!(config.lookback, Duration::from_secs(3600));
    assert_eq!(config.overlap, Duration::from_secs(600));
    assert_eq!(
        (config.page_limit, config.max_concurrent_groups),
        (10_000, 4)
    );
    assert_eq!(config.groups[0].filter_pattern, DEFAULT_FILTER_PATTERN);
    assert!(config.validate().is_ok());
    let humane: CloudWatchConfig =
        serde_json::from_str(r#"{"lookback":"2h","overlap":"15m"}"#).expect("parses");
    assert_eq!(humane.overlap, Duration::from_secs(900));
    let broken = CloudWatchConfig {
        groups: vec![LogGroupConfig {
            prefix: Some("/x".into()),
            ..named("/y", "")
        }],
        page_limit: 0,
        ..CloudWatchConfig::default()
    };
    let message = broken
        .validate()
        .map_err(|e| e.to_string())
        .expect_err("invalid");
    assert!(
        message.contains("groups[0]") && message.contains("page_limit"),
        "{message}"
    );
}

/// Reads `group` run after run from the cursor each returned, until a run is not capped.
async fn read_until_caught_up(
    source: &CloudWatchSource,
    group: &ResolvedGroup,
    mut cursor: Option<GroupCursor>,
    now: i64,
) -> (Vec<GroupBatch>, GroupCursor) {
    let mut runs = Vec::new();
    loop {
        // The cursor goes through its stored form between runs, as the daemon keeps it.
        let stored = cursor.as_ref().map(GroupCursor::to_json);
        let saved = stored.map(|s| GroupCursor::from_json(&s).expect("cursor"));
        let batch = source
            .fetch_group(group, saved.as_ref(), now)
            .await
            .expect("read");
        cursor = Some(batch.cursor.clone());
        let done = !batch.truncated;
        runs.push(batch);
        assert!(runs.len() < 50, "never caught up");
        if done {
            return (runs, cursor.expect("cursor"));
        }
    }
}

#[tokio::test]
async fn a_page_cap_stops_a_run_and_the_next_continues_exactly() {
    let harness = Harness::start(21).await;
    let now = now();
    harness.seed("/app/api", 25_000, now - 1000, |i| {
        format!("ERROR request {i} failed")
    });
    let config = CloudWatchConfig {
        max_pages_per_run: 1,
        ..harness.config(vec![named("/app/api", "")])
    };
    let source = harness.source(&config);
    let group = &source.resolve_groups().await.0[0];
    let (runs, cursor) = read_until_caught_up(&source, group, None, now).await;
    assert!(runs.len() >= 3, "{} runs for 25,000 events", runs.len());
    assert!(runs.iter().all(|r| r.pages == 1), "one page a run");
    assert!(runs[..runs.len() - 1].iter().all(|r| r.truncated));
    let records: Vec<CloudWatchRecord> = runs.into_iter().flat_map(|r| r.records).collect();
    assert_eq!(records.len(), 25_000, "no event twice");
    assert_eq!(distinct_ids(&records), 25_000, "no event missed");
    assert!(cursor.resume.is_none());
    assert_eq!(cursor.high_water_ms, now);

    // Caught up: later runs read the overlap again (page by page too) and keep nothing.
    let (again, _) = read_until_caught_up(&source, group, Some(cursor), now + MINUTE).await;
    assert!(again.iter().all(|r| r.records.is_empty()));
    assert!(again.iter().map(|r| r.already_seen).sum::<u64>() >= 25_000);
}

#[tokio::test]
async fn a_refused_page_token_reads_the_window_again_without_counting_twice() {
    let harness = Harness::start(22).await;
    let now = now();
    harness.seed("/app/api", 25_000, now - 1000, |i| {
        format!("ERROR request {i} failed")
    });
    let config = CloudWatchConfig {
        max_pages_per_run: 1,
        ..harness.config(vec![named("/app/api", "")])
    };
    let source = harness.source(&config);
    let group = &source.resolve_groups().await.0[0];
    let first = source.fetch_group(group, None, now).await.expect("run 1");
    assert!(first.truncated);
    let mut cursor = first.cursor.clone();
    cursor
        .resume
        .as_mut()
        .expect("a window to finish")
        .next_token = "expired".into();
    let (runs, _) = read_until_caught_up(&source, group, Some(cursor), now).await;
    let mut records = first.records;
    records.extend(runs.into_iter().flat_map(|r| r.records));
    assert_eq!(records.len(), 25_000, "no event twice");
    assert_eq!(distinct_ids(&records), 25_000);
}

#[test]
fn a_page_cap_of_zero_is_refused_by_name() {
    let config = CloudWatchConfig {
        max_pages_per_run: 0,
        ..CloudWatchConfig::default()
    };
    let err = config.validate().expect_err("zero pages");
    assert!(err.to_string().contains("max_pages_per_run"), "{err}");
}
