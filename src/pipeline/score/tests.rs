use chrono::TimeZone;

use super::*;
use crate::domain::cluster::{
    ClusterIdentity, ClusterKind, ClusterLimits, ClusterStats, Occurrence,
};
use crate::domain::event::{Endpoint, LogLevel, Service};
use crate::domain::score::Tier;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 40, 0).unwrap()
}

fn hours_ago(h: i64) -> DateTime<Utc> {
    now() - Duration::hours(h)
}

fn record(service: &str, releases: &[(&str, i64)], endpoints: &[&str]) -> ClusterRecord {
    let mut stats = ClusterStats::default();
    let limits = ClusterLimits::default();
    let base = Occurrence {
        at: now(),
        events: 1,
        level: LogLevel::Error,
        unhandled: false,
        user: None,
        reported_users: Some(7),
        endpoint: None,
        release: None,
        host: Some("web-1".into()),
        source_key: "file:x".into(),
        sample: None,
    };
    stats.record(&base, &limits);
    for (release, age) in releases {
        stats.record(
            &Occurrence {
                at: hours_ago(*age),
                release: Some((*release).into()),
                ..base.clone()
            },
            &limits,
        );
    }
    for route in endpoints {
        stats.record(
            &Occurrence {
                endpoint: Some(Endpoint::new("POST", route).unwrap()),
                ..base.clone()
            },
            &limits,
        );
    }
    ClusterRecord {
        identity: ClusterIdentity {
            fingerprint: "00000000000000aa".parse().unwrap(),
            service: Service::new(service).unwrap(),
            kind: ClusterKind::Stack,
            exception_type: Some("TypeError".into()),
            merge_key: None,
            title: "TypeError: x".into(),
            template: "x".into(),
        },
        first_seen: hours_ago(30),
        last_seen: now(),
        events_total: 100,
        worst_level: LogLevel::Error,
        unhandled: true,
        stats,
        regressed_at: None,
        severity: None,
    }
}

fn ctx<'a>(tiers: &'a TierRules, latest: &'a HashMap<String, String>) -> ScoreContext<'a> {
    static POLICY: std::sync::LazyLock<SeverityPolicy> =
        std::sync::LazyLock::new(SeverityPolicy::default);
    ScoreContext {
        policy: &POLICY,
        tiers,
        latest_releases: latest,
        now: now(),
    }
}

#[test]
fn the_windows_end_at_the_current_hour() {
    let cluster = record("checkout", &[], &[]);
    let hourly = [
        (hours_ago(200), 1000), // outside the 7-day baseline: ignored
        (hours_ago(30), 50),    // baseline, not the last 24 h
        (hours_ago(23), 4),
        (hours_ago(1), 5),
        (now(), 6),
    ];
    let tiers = TierRules::default();
    let latest = HashMap::new();
    let input = score_input(&cluster, &hourly, &ctx(&tiers, &latest));
    assert_eq!(input.hourly_counts.len(), HISTORY_HOURS);
    assert_eq!(input.hourly_counts.iter().sum::<u64>(), 65);
    assert_eq!(input.events_24h, 15);
    assert_eq!(
        *input.hourly_counts.last().unwrap(),
        6,
        "the latest hour is last"
    );
    assert_eq!(input.users_24h, 7);
    assert_eq!((input.hosts, input.services), (1, 1));
    assert!(input.unhandled);
}

#[test]
fn tiers_come_from_the_service_and_its_routes() {
    let tiers = TierRules {
        routes: [("POST /checkout".to_owned(), Tier::Critical)].into(),
        ..TierRules::default()
    };
    let latest = HashMap::new();
    let on_checkout = record("web", &[], &["/checkout", "/cart"]);
    assert_eq!(
        score_input(&on_checkout, &[], &ctx(&tiers, &latest)).tier,
        Tier::Critical
    );
    let elsewhere = record("web", &[], &["/cart"]);
    let input = score_input(&elsewhere, &[], &ctx(&tiers, &latest));
    assert_eq!((input.tier, input.endpoints), (Tier::Normal, 1));
}

#[test]
fn new_in_the_latest_release_means_first_seen_in_the_services_newest_release() {
    let old_bug = record("checkout", &[("1.4.1", 40), ("1.4.2", 2)], &[]);
    let new_bug = record("checkout", &[("1.4.2", 1)], &[]);
    let latest = latest_releases(&[old_bug.clone(), new_bug.clone()]);
    assert_eq!(latest["checkout"], "1.4.2");
    let tiers = TierRules::default();
    assert!(score_input(&new_bug, &[], &ctx(&tiers, &latest)).new_in_latest_release);
    assert!(!score_input(&old_bug, &[], &ctx(&tiers, &latest)).new_in_latest_release);
}

#[test]
fn more_recent_events_never_lower_the_severity() {
    let tiers = TierRules::default();
    let latest = HashMap::new();
    let cluster = record("checkout", &[], &[]);
    let c = ctx(&tiers, &latest);
    let quiet = Severity::assess(&score_input(&cluster, &[(now(), 1)], &c), now(), c.policy);
    let loud = Severity::assess(&score_input(&cluster, &[(now(), 500)], &c), now(), c.policy);
    assert!(
        loud.score > quiet.score,
        "{} vs {}",
        loud.score,
        quiet.score
    );
}
