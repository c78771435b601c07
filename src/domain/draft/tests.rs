//! Draft eligibility and the pull request's text.

use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::domain::cluster::Sample;
use crate::domain::event::LogLevel;
use crate::domain::score::{ScoreInput, Severity, SeverityPolicy, Tier};

fn facts(title: &str, frame_file: &str, score: f64) -> ClusterFacts {
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
    let input = ScoreInput {
        events_24h: 100,
        hourly_counts: vec![],
        users_24h: 4,
        endpoints: 1,
        services: 1,
        hosts: 1,
        tier: Tier::Normal,
        worst_level: LogLevel::Error,
        unhandled: true,
        first_seen: now - Duration::days(1),
        new_in_latest_release: false,
        regressed: false,
    };
    let mut severity = Severity::assess(&input, now, &SeverityPolicy::default());
    severity.score = score;
    ClusterFacts {
        fingerprint: "a1b2c3d4e5f60718".parse().unwrap(),
        service: "checkout".into(),
        title: title.into(),
        exception_type: title.split(':').next().map(str::to_owned),
        severity,
        first_seen: now - Duration::days(1),
        last_seen: now,
        events_24h: 100,
        events_7d: 300,
        users_24h: 4,
        endpoints: vec![],
        releases: vec![],
        samples: vec![Sample {
            at: now,
            source_key: "sentry:web/1".into(),
            message: title.into(),
            frames: vec![
                StackFrame {
                    file: "/usr/lib/python3/json.py".into(),
                    function: "loads".into(),
                    line: Some(3),
                    in_app: false,
                    ..StackFrame::default()
                },
                StackFrame {
                    file: frame_file.into(),
                    function: "total".into(),
                    line: Some(42),
                    in_app: true,
                    ..StackFrame::default()
                },
            ],
            release: None,
            link: None,
        }],
        source_keys: vec![],
        hours: vec![],
    }
}

fn policy() -> DraftPolicy {
    DraftPolicy {
        repos: vec![RepoMapping {
            repo: "acme/shop".into(),
            services: vec!["checkout".into()],
            path_mappings: vec![PathMapping {
                from: "/app/".into(),
                to: "src/".into(),
            }],
        }],
        ..DraftPolicy::default()
    }
}

#[test]
fn the_top_in_app_frame_maps_into_the_repository() {
    let f = facts(
        "TypeError: 'NoneType' object is not subscriptable",
        "/app/checkout/cart.py",
        80.0,
    );
    let target = eligibility(&f, &policy(), Budget::default()).unwrap();
    assert_eq!(
        (target.repo.as_str(), target.path.as_str()),
        ("acme/shop", "src/checkout/cart.py")
    );
    assert_eq!(target.frame.function, "total");
    assert_eq!(branch_name(&f), "triaged/fix-a1b2c3d4");
}

#[test]
fn what_is_not_eligible_says_why() {
    let p = policy();
    let low = facts("TypeError: x", "/app/checkout/cart.py", 20.0);
    assert!(matches!(
        eligibility(&low, &p, Budget::default()),
        Err(NotEligible::BelowThreshold(_))
    ));
    let unmapped = facts("TypeError: x", "/opt/vendor/lib.py", 80.0);
    assert_eq!(
        eligibility(&unmapped, &p, Budget::default()),
        Err(NotEligible::NoMappedFrame)
    );
    let escape = facts("TypeError: x", "/app/../../etc/passwd", 80.0);
    assert_eq!(
        eligibility(&escape, &p, Budget::default()),
        Err(NotEligible::NoMappedFrame)
    );
    let timeout = facts(
        "ReadTimeout: upstream timed out",
        "/app/checkout/cart.py",
        80.0,
    );
    assert!(matches!(
        eligibility(&timeout, &p, Budget::default()),
        Err(NotEligible::Infrastructure(_))
    ));
    let mut other_service = facts("TypeError: x", "/app/checkout/cart.py", 80.0);
    other_service.service = "search".into();
    assert_eq!(
        eligibility(&other_service, &p, Budget::default()),
        Err(NotEligible::NoMappedFrame)
    );
    let f = facts("TypeError: x", "/app/checkout/cart.py", 80.0);
    let spent = Budget {
        prs_today: 0,
        spend_today_usd: 5.0,
    };
    assert!(
        eligibility(&f, &p, spent)
            .unwrap_err()
            .to_string()
            .contains("$5.00 spent today")
    );
    let opened = Budget {
        prs_today: 3,
        spend_today_usd: 0.0,
    };
    assert!(matches!(
        eligibility(&f, &p, opened),
        Err(NotEligible::Budget(_))
    ));
}

#[test]
fn the_pull_body_carries_evidence_ticket_and_provenance() {
    let f = facts(
        "TypeError: 'NoneType' object is not subscriptable",
        "/app/checkout/cart.py",
        80.0,
    );
    let e = DraftEvidence {
        summary: "Guard against a cart without lines.".into(),
        root_cause: "`cart.lines` is None for carts restored from the old session store.".into(),
        test_plan: "Unit test with an empty restored cart.".into(),
        risk: "Low".into(),
        confidence: 0.7,
        ticket_key: "ENG-4".into(),
        ticket_url: "https://linear.app/acme/issue/ENG-4".into(),
    };
    let p = Provenance {
        provider: "anthropic".into(),
        model: "claude-test".into(),
        agent_run_id: "run-1".into(),
        prompt_digest: "ab".repeat(32),
        checks: vec!["applies".into(), "allowed_paths".into()],
        changed_lines: 4,
    };
    let body = pull_body(&f, &e, &p);
    for needle in [
        "[ENG-4](https://linear.app/acme/issue/ENG-4)",
        "100 events in the last 24 h",
        "4 users",
        "sha256:abab",
        "applies, allowed_paths",
        "A human must review",
        "never approves or merges",
    ] {
        assert!(body.contains(needle), "{needle} missing from\n{body}");
    }
    let title = pull_title(&f, &"very long summary ".repeat(10));
    assert!(
        title.starts_with("fix(checkout): very long") && title.chars().count() <= 72,
        "{title}"
    );
}
