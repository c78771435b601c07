use chrono::{Duration, TimeZone};

use super::*;
use crate::domain::event::{Environment, LogLevel, Service, Source, StackFrame};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 8, 15, 0).unwrap()
}

fn frame(file: &str, function: &str, line: u32) -> StackFrame {
    StackFrame {
        module: String::new(),
        file: file.into(),
        function: function.into(),
        line: Some(line),
        in_app: true,
    }
}

fn event(service: &str, source: Source, message: &str, frames: Vec<StackFrame>) -> ErrorEvent {
    ErrorEvent {
        source,
        timestamp: t0(),
        service: Service::new(service).unwrap(),
        environment: Environment::new("production").unwrap(),
        release: Some("1.4.2".into()),
        level: LogLevel::Error,
        handled: None,
        exception_type: (!frames.is_empty()).then(|| "TypeError".to_owned()),
        message: message.into(),
        frames,
        endpoint: None,
        user: None,
        request_id: None,
        link: None,
    }
}

fn cloudwatch(n: u32) -> Source {
    Source::CloudWatch {
        log_group: "/ecs/checkout".into(),
        log_stream: format!("web/{n}"),
        event_id: n.to_string(),
    }
}

fn sentry(issue: &str) -> Source {
    Source::Sentry {
        project: "checkout".into(),
        issue_id: issue.into(),
        event_id: "e1".into(),
    }
}

fn run(observed: &[Observed]) -> (ClusterBatch, Vec<Option<Fingerprint>>) {
    let redactor = Redactor::default();
    let limits = ClusterLimits::default();
    let mut clusterer = Clusterer::new(
        TemplateMiner::new(),
        ClusterIndex::default(),
        &redactor,
        &limits,
    );
    let ids = observed.iter().map(|o| clusterer.add(o)).collect();
    (clusterer.take_batch(), ids)
}

const NULL_DEREF: &str = "Cannot read properties of undefined (reading 'id')";

#[test]
fn the_same_error_from_cloudwatch_and_sentry_lands_in_one_cluster() {
    let logged = event(
        "checkout",
        cloudwatch(1),
        NULL_DEREF,
        vec![frame("/app/src/cart.js", "total", 10)],
    );
    // Sentry's copy carries deeper frames the log line did not print.
    let reported = event(
        "checkout",
        sentry("4242"),
        NULL_DEREF,
        vec![
            frame("/app/src/cart.js", "total", 12),
            frame("/app/src/routes.js", "checkout", 80),
        ],
    );
    let (batch, ids) = run(&[
        Observed::one(logged, Some("web/1".into())),
        Observed::one(reported, None),
    ]);
    assert_eq!(ids[0], ids[1]);
    assert_eq!(batch.drafts.len(), 1);
    assert_eq!(batch.aliases.len(), 1, "the second fingerprint is an alias");
    let draft = &batch.drafts[&ids[0].unwrap()];
    assert_eq!(draft.events, 2);
    let keys: Vec<&str> = draft.stats.source_keys.iter().map(String::as_str).collect();
    assert_eq!(keys, ["cloudwatch:/ecs/checkout", "sentry:checkout/4242"]);
    assert_eq!(draft.identity.kind, ClusterKind::Stack);
    assert!(
        draft
            .identity
            .title
            .starts_with("TypeError: Cannot read properties")
    );
}

#[test]
fn the_same_exception_in_different_code_is_two_clusters() {
    let a = event(
        "checkout",
        cloudwatch(1),
        NULL_DEREF,
        vec![frame("/app/a.js", "a", 1)],
    );
    let b = event(
        "checkout",
        cloudwatch(2),
        NULL_DEREF,
        vec![frame("/app/b.js", "b", 1)],
    );
    let (batch, ids) = run(&[Observed::one(a, None), Observed::one(b, None)]);
    assert_ne!(ids[0], ids[1]);
    assert_eq!(batch.new_clusters, 2);
    assert!(batch.aliases.is_empty());
}

#[test]
fn messages_without_a_stack_merge_by_template_within_a_service_only() {
    let obs = [
        event(
            "payments",
            cloudwatch(1),
            "gateway timeout after 3012 ms for order 991",
            vec![],
        ),
        event(
            "payments",
            sentry("7"),
            "gateway timeout after 15 ms for order 12",
            vec![],
        ),
        event(
            "search",
            cloudwatch(2),
            "gateway timeout after 77 ms for order 5",
            vec![],
        ),
    ]
    .map(|e| Observed::one(e, None));
    let (batch, ids) = run(&obs);
    assert_eq!(ids[0], ids[1]);
    assert_ne!(ids[0], ids[2]);
    assert_eq!(batch.drafts.len(), 2);
    let draft = &batch.drafts[&ids[0].unwrap()];
    assert_eq!(draft.identity.kind, ClusterKind::Template);
    assert!(
        !draft.identity.template.contains("3012"),
        "{}",
        draft.identity.template
    );
}

#[test]
fn hourly_counts_from_a_source_land_in_their_hours() {
    let e = event(
        "checkout",
        sentry("1"),
        "boom",
        vec![frame("/app/x.py", "f", 1)],
    );
    let h0 = t0() - Duration::hours(2);
    let observed = Observed {
        event: e,
        counts: vec![(h0, 5), (t0(), 3), (t0() - Duration::hours(1), 0)],
        reported_users: Some(9),
        host: None,
    };
    let (batch, ids) = run(std::slice::from_ref(&observed));
    let draft = &batch.drafts[&ids[0].unwrap()];
    assert_eq!(draft.events, 8);
    assert_eq!(draft.hours.values().copied().collect::<Vec<_>>(), [5, 3]);
    assert_eq!(draft.stats.users_since(h0), 9);
    assert_eq!(draft.stats.samples.len(), 1, "one sample per observation");

    let unchanged = Observed {
        counts: vec![(t0(), 0)],
        ..observed
    };
    let (batch, ids) = run(&[unchanged]);
    assert_eq!(ids, [None], "no new events, nothing recorded");
    assert!(batch.drafts.is_empty());
}

#[test]
fn secrets_never_reach_titles_templates_or_samples() {
    let key = "AKIAIOSFODNN7EXAMPLE";
    let e = event(
        "checkout",
        cloudwatch(1),
        &format!("auth failed for key {key} user bob@example.com"),
        vec![],
    );
    let (batch, ids) = run(&[Observed::one(e, None)]);
    let draft = &batch.drafts[&ids[0].unwrap()];
    let stored = serde_json::to_string(&draft.stats).unwrap();
    for text in [&draft.identity.title, &draft.identity.template, &stored] {
        assert!(!text.contains(key), "{text}");
        assert!(!text.contains("bob@example.com"), "{text}");
    }
}

#[test]
fn titles_are_bounded() {
    let long = "x".repeat(5000);
    let e = event(
        "web",
        cloudwatch(1),
        &long,
        vec![frame("/app/a.js", "a", 1)],
    );
    let (batch, ids) = run(&[Observed::one(e, None)]);
    let draft = &batch.drafts[&ids[0].unwrap()];
    assert!(draft.identity.title.chars().count() <= TITLE_MAX + 1);
    assert!(draft.stats.samples[0].message.len() <= SAMPLE_MAX + '…'.len_utf8());
}

#[test]
fn a_rolled_back_source_leaves_nothing_behind() {
    let redactor = Redactor::default();
    let limits = ClusterLimits::default();
    let mut clusterer = Clusterer::new(
        TemplateMiner::new(),
        ClusterIndex::default(),
        &redactor,
        &limits,
    );
    let boom = |n| {
        Observed::one(
            event(
                "web",
                cloudwatch(n),
                "boom",
                vec![frame("/app/a.js", "a", 1)],
            ),
            None,
        )
    };
    clusterer.add(&boom(1));
    clusterer.commit();
    clusterer.add(&boom(2));
    clusterer.add(&boom(3));
    assert_eq!(clusterer.rollback(), 2);
    clusterer.add(&boom(4));
    let batch = clusterer.take_batch();
    assert_eq!(batch.events, 2);
    assert_eq!(batch.drafts.values().map(|d| d.events).sum::<u64>(), 2);
    assert_eq!(batch.new_clusters, 1);
}

#[test]
fn a_cluster_first_seen_in_a_rolled_back_read_is_new_when_read_again() {
    let redactor = Redactor::default();
    let limits = ClusterLimits::default();
    let mut clusterer = Clusterer::new(
        TemplateMiner::new(),
        ClusterIndex::default(),
        &redactor,
        &limits,
    );
    let a = Observed::one(
        event(
            "web",
            cloudwatch(1),
            "boom",
            vec![frame("/app/a.js", "a", 1)],
        ),
        None,
    );
    let merged = Observed::one(
        event(
            "web",
            sentry("9"),
            "boom",
            vec![frame("/app/a.js", "a", 2), frame("/app/r.js", "r", 1)],
        ),
        None,
    );
    clusterer.add(&a);
    clusterer.add(&merged);
    clusterer.rollback();
    clusterer.add(&a);
    clusterer.add(&merged);
    let batch = clusterer.take_batch();
    assert_eq!(batch.new_clusters, 1);
    assert_eq!(
        batch.aliases.len(),
        1,
        "the merge is recorded by the read that is kept"
    );
    assert_eq!(batch.events, 2);
}

/// The choke point: a secret in any field an event carries (message, frames, release,
/// exception type, service, host) reaches no draft and no mined template, whatever the
/// masking would have done to it first.
#[test]
fn no_planted_secret_reaches_a_draft_or_the_template_table() {
    let redactor = Redactor::default();
    let limits = ClusterLimits::default();
    let mut clusterer = Clusterer::new(
        TemplateMiner::new(),
        ClusterIndex::default(),
        &redactor,
        &limits,
    );
    let cases = crate::redact::testing::planted();
    for (n, case) in cases.iter().enumerate() {
        let first_line = case.line.lines().next().unwrap_or_default();
        let mut logged = event("checkout", cloudwatch(n as u32), &case.line, vec![]);
        // Each field holds the whole planted line: a secret is known by its context.
        logged.release = Some(case.line.clone());
        let mut traced = event(
            "checkout",
            sentry(&n.to_string()),
            &case.line,
            vec![frame(&case.line, &case.line, 3)],
        );
        traced.exception_type = Some(case.line.clone());
        if let Ok(service) = Service::new(first_line.chars().take(190).collect::<String>().as_str())
        {
            traced.service = service;
        }
        clusterer.add(&Observed::one(logged, Some(case.line.clone())));
        clusterer.add(&Observed::one(traced, Some(first_line.to_owned())));
    }
    let templates = clusterer.miner.export();
    let batch = clusterer.take_batch();
    let stored = format!(
        "{:?}\n{:?}",
        batch.drafts.values().collect::<Vec<_>>(),
        templates
    );
    let leaked: Vec<_> = cases
        .iter()
        .filter(|c| stored.contains(&c.secret))
        .map(|c| format!("{}: {}", c.kind, c.secret))
        .collect();
    assert!(
        leaked.is_empty(),
        "{} leaked:\n{}",
        leaked.len(),
        leaked.join("\n")
    );
    assert!(batch.drafts.len() > 10, "the events were clustered");
}
