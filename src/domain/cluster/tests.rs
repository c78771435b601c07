use chrono::{Duration, TimeZone};

use super::*;
use crate::domain::event::UserSalt;

fn t(hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap() + Duration::hours(hour)
}

fn user(n: u32) -> UserHash {
    let salt = UserSalt::new(b"0123456789abcdef".to_vec()).unwrap();
    UserHash::from_raw(&salt, &format!("user-{n}")).unwrap()
}

fn occurrence(at: DateTime<Utc>) -> Occurrence {
    Occurrence {
        at,
        events: 1,
        level: LogLevel::Error,
        unhandled: false,
        user: None,
        reported_users: None,
        endpoint: None,
        release: None,
        host: None,
        source_key: "cloudwatch:/ecs/checkout".into(),
        sample: None,
    }
}

fn sample(at: DateTime<Utc>, message: &str) -> Sample {
    Sample {
        at,
        source_key: "file:x".into(),
        message: message.into(),
        frames: vec![StackFrame::default(); 40],
        release: None,
        link: None,
    }
}

#[test]
fn users_are_counted_distinctly_and_by_window() {
    let limits = ClusterLimits::default();
    let mut stats = ClusterStats::default();
    for (n, hour) in [(1, 0), (2, 1), (1, 30), (3, 40)] {
        stats.record(
            &Occurrence {
                user: Some(user(n)),
                ..occurrence(t(hour))
            },
            &limits,
        );
    }
    assert_eq!(stats.users_since(t(0)), 3);
    // user 1 was seen again at hour 30, so it counts in the last 24 h; user 2 does not.
    assert_eq!(stats.users_since(t(40) - Duration::hours(24)), 2);
}

#[test]
fn the_user_set_is_capped_by_evicting_the_stalest() {
    let limits = ClusterLimits {
        max_users: 10,
        ..ClusterLimits::default()
    };
    let mut stats = ClusterStats::default();
    for n in 0..100 {
        stats.record(
            &Occurrence {
                user: Some(user(n)),
                ..occurrence(t(i64::from(n)))
            },
            &limits,
        );
    }
    assert_eq!(stats.users.len(), 10);
    assert!(stats.users_capped);
    // The ten most recent users survive.
    assert_eq!(stats.users_since(t(90)), 10);
    assert!(stats.users.contains_key(&user(99)));
    assert!(!stats.users.contains_key(&user(0)));
}

#[test]
fn a_source_reported_user_count_wins_when_larger() {
    let mut stats = ClusterStats::default();
    stats.record(
        &Occurrence {
            reported_users: Some(412),
            user: Some(user(1)),
            ..occurrence(t(0))
        },
        &ClusterLimits::default(),
    );
    assert_eq!(stats.users_since(t(0)), 412);
}

#[test]
fn endpoints_keep_the_busiest_up_to_the_cap() {
    let limits = ClusterLimits {
        max_endpoints: 2,
        ..ClusterLimits::default()
    };
    let mut stats = ClusterStats::default();
    for (route, events) in [("/a", 5), ("/b", 1), ("/c", 3), ("/a", 1)] {
        stats.record(
            &Occurrence {
                endpoint: Some(Endpoint::new("get", route).unwrap()),
                events,
                ..occurrence(t(0))
            },
            &limits,
        );
    }
    let kept: Vec<(&str, u64)> = stats
        .endpoints
        .iter()
        .map(|e| (e.endpoint.route.as_str(), e.events))
        .collect();
    assert_eq!(kept, vec![("/a", 6), ("/c", 3)]);
}

#[test]
fn releases_track_first_and_last_seen_and_the_newest() {
    let limits = ClusterLimits::default();
    let mut stats = ClusterStats::default();
    for (release, hour) in [("1.4.1", 0), ("1.4.2", 5), ("1.4.1", 6)] {
        stats.record(
            &Occurrence {
                release: Some(release.into()),
                ..occurrence(t(hour))
            },
            &limits,
        );
    }
    let old = stats
        .releases
        .iter()
        .find(|r| r.release == "1.4.1")
        .unwrap();
    assert_eq!((old.first_seen, old.last_seen, old.events), (t(0), t(6), 2));
    assert_eq!(stats.newest_release().unwrap().release, "1.4.2");
}

#[test]
fn samples_keep_the_first_and_the_latest_distinct_messages() {
    let limits = ClusterLimits {
        max_samples: 3,
        ..ClusterLimits::default()
    };
    let mut stats = ClusterStats::default();
    for (hour, msg) in [(0, "first"), (1, "b"), (2, "b"), (3, "c"), (4, "d")] {
        stats.record(
            &Occurrence {
                sample: Some(sample(t(hour), msg)),
                ..occurrence(t(hour))
            },
            &limits,
        );
    }
    let kept: Vec<&str> = stats.samples.iter().map(|s| s.message.as_str()).collect();
    assert_eq!(kept, vec!["first", "c", "d"]);
    assert!(
        stats
            .samples
            .iter()
            .all(|s| s.frames.len() == SAMPLE_FRAMES)
    );
}

#[test]
fn merging_a_batch_equals_recording_its_occurrences() {
    let limits = ClusterLimits::default();
    let occurrences: Vec<Occurrence> = (0..20)
        .map(|n| Occurrence {
            user: Some(user(n % 7)),
            endpoint: Some(Endpoint::new("POST", &format!("/r{}", n % 3)).unwrap()),
            release: Some(format!("1.{}", n % 4)),
            host: Some(format!("host-{}", n % 5)),
            sample: Some(sample(t(i64::from(n)), &format!("m{}", n % 6))),
            ..occurrence(t(i64::from(n)))
        })
        .collect();
    let mut direct = ClusterStats::default();
    for o in &occurrences {
        direct.record(o, &limits);
    }
    let (first, second) = occurrences.split_at(9);
    let mut stored = ClusterStats::default();
    for o in first {
        stored.record(o, &limits);
    }
    let mut batch = ClusterStats::default();
    for o in second {
        batch.record(o, &limits);
    }
    stored.merge(batch, &limits);
    assert_eq!(stored.users, direct.users);
    assert_eq!(stored.endpoints, direct.endpoints);
    assert_eq!(stored.releases, direct.releases);
    assert_eq!(stored.hosts, direct.hosts);
    assert_eq!(stored.samples.len(), direct.samples.len());
}

#[test]
fn stats_round_trip_through_json() {
    let mut stats = ClusterStats::default();
    stats.record(
        &Occurrence {
            user: Some(user(1)),
            endpoint: Some(Endpoint::new("GET", "/carts/:id").unwrap()),
            release: Some("1.0".into()),
            sample: Some(sample(t(0), "boom")),
            ..occurrence(t(0))
        },
        &ClusterLimits::default(),
    );
    let json = serde_json::to_string(&stats).unwrap();
    assert_eq!(serde_json::from_str::<ClusterStats>(&json).unwrap(), stats);
}
