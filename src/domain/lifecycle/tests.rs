//! The ticket lifecycle rules, one behaviour per test.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;

mod content;
mod verify;
use crate::domain::cluster::ReleaseSeen;
use crate::domain::event::LogLevel;
use crate::domain::score::{ScoreInput, SeverityPolicy, Tier};
use crate::domain::ticket::{Ticket, TicketPhase};

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 10, 0, 0).unwrap()
}

pub(super) fn severity(score: f64) -> Severity {
    let input = ScoreInput {
        events_24h: 100,
        hourly_counts: vec![],
        users_24h: 3,
        endpoints: 1,
        services: 1,
        hosts: 1,
        tier: Tier::Normal,
        worst_level: LogLevel::Error,
        unhandled: false,
        first_seen: now() - Duration::days(3),
        new_in_latest_release: false,
        regressed: false,
    };
    let mut s = Severity::assess(&input, now(), &SeverityPolicy::default());
    s.score = score;
    s.level = Level::from_score(score, &SeverityPolicy::default().thresholds);
    s
}

/// A cluster with `per_hour` events in each of the last 24 hours, release 1.0.
pub(super) fn facts(per_hour: u64, score: f64) -> ClusterFacts {
    let hours: Vec<(i64, u64)> = (0..24)
        .map(|i| (hour_of(now() - Duration::hours(i)), per_hour))
        .collect();
    ClusterFacts {
        fingerprint: "00112233aabbccdd".parse().unwrap(),
        service: "checkout".into(),
        title: "TypeError: Cannot read properties of undefined (reading 'id')".into(),
        exception_type: Some("TypeError".into()),
        severity: severity(score),
        first_seen: now() - Duration::days(3),
        last_seen: now() - Duration::minutes(5),
        events_24h: per_hour * 24,
        events_7d: per_hour * 24 * 3,
        users_24h: 7,
        endpoints: vec![],
        releases: vec![release("1.0", now() - Duration::days(3), per_hour * 24)],
        samples: vec![],
        source_keys: vec![],
        hours,
    }
}

pub(super) fn release(name: &str, first: DateTime<Utc>, events: u64) -> ReleaseSeen {
    ReleaseSeen {
        release: name.into(),
        first_seen: first,
        last_seen: now() - Duration::minutes(5),
        events,
    }
}

pub(super) fn links() -> TicketLinks {
    TicketLinks {
        cluster_url: "http://triaged.local/clusters/00112233aabbccdd".into(),
        ..TicketLinks::default()
    }
}

pub(super) fn ticket(id: &str, title: &str, phase: TicketPhase) -> Ticket {
    Ticket {
        id: id.into(),
        key: format!("ENG-{id}"),
        url: format!("https://linear.app/acme/issue/ENG-{id}"),
        title: title.into(),
        phase,
        state_name: "Todo".into(),
        labels: vec![],
    }
}

/// A triage decision about a cluster with a ticket (no lookups needed).
pub(super) fn triage(
    f: &ClusterFacts,
    record: &TicketRecord,
    live: &Ticket,
    policy: &TriagePolicy,
) -> Vec<Action> {
    reconcile(
        f,
        Some(record),
        Some(live),
        &Lookup::default(),
        &links(),
        policy,
        now(),
    )
}

/// A verify decision with `service_events` of traffic in the quiet window.
pub(super) fn check(
    f: &ClusterFacts,
    record: &TicketRecord,
    live: &Ticket,
    service_events: u64,
    triage: &TriagePolicy,
    policy: &VerifyPolicy,
) -> Vec<Action> {
    verify(
        f,
        record,
        Some(live),
        Traffic { service_events },
        triage,
        policy,
        now(),
    )
}

pub(super) fn created(f: &ClusterFacts) -> (TicketRecord, Ticket) {
    let actions = reconcile(
        f,
        None,
        None,
        &Lookup::default(),
        &links(),
        &TriagePolicy::default(),
        now() - Duration::days(2),
    );
    let mut record = actions[0].record_after.clone();
    record.key = "ENG-1".into();
    let mut live = ticket(&record.ticket_id, "t", TicketPhase::Open);
    live.labels = record.labels.clone();
    record.key = live.key.clone();
    record.url = live.url.clone();
    (record, live)
}

#[test]
fn a_cluster_below_the_thresholds_gets_no_ticket() {
    let policy = TriagePolicy::default();
    let low_score = facts(10, policy.min_score - 1.0);
    assert!(
        reconcile(
            &low_score,
            None,
            None,
            &Lookup::default(),
            &links(),
            &policy,
            now()
        )
        .is_empty()
    );
    let mut few = facts(10, 70.0);
    few.events_24h = policy.min_events - 1;
    assert!(
        reconcile(
            &few,
            None,
            None,
            &Lookup::default(),
            &links(),
            &policy,
            now()
        )
        .is_empty()
    );
}

#[test]
fn a_new_cluster_gets_one_ticket_with_its_evidence_and_fingerprint() {
    let f = facts(10, 70.0);
    let actions = reconcile(
        &f,
        None,
        None,
        &Lookup::default(),
        &links(),
        &TriagePolicy::default(),
        now(),
    );
    assert_eq!(actions.len(), 1);
    let ActionKind::Create { ticket } = &actions[0].kind else {
        panic!("{actions:?}")
    };
    assert!(
        ticket
            .title
            .starts_with("[checkout] TypeError: Cannot read"),
        "{}",
        ticket.title
    );
    assert_eq!(ticket.priority, 2, "high → Linear priority 2");
    assert!(
        ticket
            .description
            .contains("triaged-fingerprint: 00112233aabbccdd")
    );
    assert!(ticket.description.contains("| volume |"));
    assert_eq!(ticket.link.url, links().cluster_url);
    // The id is the same on every attempt, so a create that landed before a crash is found.
    let again = reconcile(
        &f,
        None,
        None,
        &Lookup::default(),
        &links(),
        &TriagePolicy::default(),
        now(),
    );
    assert_eq!(again[0].intent_id(), actions[0].intent_id());
}

#[test]
fn an_existing_ticket_is_found_before_creating() {
    let f = facts(10, 70.0);
    let policy = TriagePolicy::default();
    let ours = ticket("9", "[checkout] TypeError: whatever", TicketPhase::Open);
    let by_link = Lookup {
        by_link: Some(&ours),
        ..Lookup::default()
    };
    let actions = reconcile(&f, None, None, &by_link, &links(), &policy, now());
    assert!(
        matches!(
            &actions[0].kind,
            ActionKind::Link {
                matched_by: MatchedBy::Attachment,
                body: None,
                ..
            }
        ),
        "{actions:?}"
    );

    let human = [ticket(
        "7",
        "TypeError: cannot read properties of undefined (reading 'id')",
        TicketPhase::Open,
    )];
    let by_title = Lookup {
        open: &human,
        ..Lookup::default()
    };
    let actions = reconcile(&f, None, None, &by_title, &links(), &policy, now());
    let ActionKind::Link {
        matched_by, body, ..
    } = &actions[0].kind
    else {
        panic!("{actions:?}")
    };
    assert_eq!(*matched_by, MatchedBy::Title);
    assert!(body.as_deref().unwrap().contains("00112233aabbccdd"));

    // Alike words about another exception are not this error.
    let other = [ticket(
        "8",
        "RangeError: cannot read properties of undefined (reading 'id')",
        TicketPhase::Open,
    )];
    let actions = reconcile(
        &f,
        None,
        None,
        &Lookup {
            open: &other,
            ..Lookup::default()
        },
        &links(),
        &policy,
        now(),
    );
    assert!(
        matches!(actions[0].kind, ActionKind::Create { .. }),
        "{actions:?}"
    );
}

#[test]
fn an_open_ticket_is_updated_only_on_a_material_change() {
    let f = facts(10, 70.0);
    let (record, live) = created(&f);
    let policy = TriagePolicy::default();
    let same = triage(&f, &record, &live, &policy);
    assert!(same.is_empty(), "{same:?}");
    let louder = facts(30, 70.0);
    let actions = triage(&louder, &record, &live, &policy);
    assert!(
        matches!(&actions[0].kind, ActionKind::Comment { priority: None, .. }),
        "{actions:?}"
    );
    assert!(
        actions[0].evidence.contains("×3.0"),
        "{}",
        actions[0].evidence
    );
    assert_eq!(actions[0].record_after.comments, record.comments + 1);
    let mut new_release = facts(10, 70.0);
    new_release
        .releases
        .push(release("1.1", now() - Duration::hours(2), 4));
    let actions = triage(&new_release, &record, &live, &policy);
    assert!(
        actions[0].evidence.contains("new release affected: `1.1`"),
        "{actions:?}"
    );
    let worse = facts(10, 90.0);
    let actions = triage(&worse, &record, &live, &policy);
    assert!(
        matches!(
            &actions[0].kind,
            ActionKind::Comment {
                priority: Some(1),
                ..
            }
        ),
        "{actions:?}"
    );
}

pub(super) fn closed(
    f: &ClusterFacts,
    at: DateTime<Utc>,
    by: Closer,
    phase: TicketPhase,
) -> (TicketRecord, Ticket) {
    let (mut record, mut live) = created(f);
    record.phase = phase;
    record.closure = Some(Closure::now(f, by, phase, at));
    live.phase = phase;
    (record, live)
}

/// `before` events an hour from release 1.0 until `close_at`, then `after` an hour from
/// `after_release`; the closure remembers the counts at the close.
pub(super) fn across_close(
    close_at: DateTime<Utc>,
    after: u64,
    after_release: &str,
) -> (ClusterFacts, Closure) {
    let mut f = facts(10, 70.0);
    f.hours.retain(|(h, _)| *h <= hour_of(close_at));
    f.releases[0].events = f.hours.iter().map(|(_, n)| n).sum();
    let closure = Closure::now(&f, Closer::Triaged, TicketPhase::Done, close_at);
    let later: Vec<(i64, u64)> = (1..)
        .map(|i| hour_of(close_at) + i * HOUR_MS)
        .take_while(|h| *h <= hour_of(now()))
        .map(|h| (h, after))
        .collect();
    let grown: u64 = later.iter().map(|(_, n)| n).sum();
    f.hours.extend(later);
    match f.releases.iter_mut().find(|r| r.release == after_release) {
        Some(r) => r.events += grown,
        None => f
            .releases
            .push(release(after_release, close_at + Duration::hours(1), grown)),
    }
    (f, closure)
}

#[test]
fn a_regression_reopens_with_evidence_but_old_release_events_do_not() {
    let policy = TriagePolicy::default();
    let close_at = now() - Duration::hours(12);
    let (after, closure) = across_close(close_at, 6, "1.1");
    let (mut record, mut live) = created(&after);
    record.phase = TicketPhase::Done;
    record.closure = Some(closure.clone());
    live.phase = TicketPhase::Done;
    record.fix = Some(Fix {
        reference: "acme/shop#42".into(),
        merged_at: close_at - Duration::hours(30),
        release: Some("1.1".into()),
    });
    let actions = triage(&after, &record, &live, &policy);
    let ActionKind::Reopen { body, .. } = &actions[0].kind else {
        panic!("{actions:?}")
    };
    assert!(body.contains("72 events since"), "{body}");
    assert!(body.contains("`1.1` (72)"), "{body}");
    assert_eq!(actions[0].record_after.reopens, 1);

    // The same volume from the old release 1.0 after a fix in 1.1 is old pods draining.
    let (old_only, closure) = across_close(close_at, 6, "1.0");
    record.closure = Some(closure);
    let actions = triage(&old_only, &record, &live, &policy);
    assert!(actions.is_empty(), "{actions:?}");
    // Below reopen_min_events nothing happens either.
    let (trickle, closure) = across_close(now() - Duration::hours(2), 2, "1.1");
    record.closure = Some(closure);
    let actions = triage(&trickle, &record, &live, &policy);
    assert!(actions.is_empty(), "{actions:?}");
}

#[test]
fn humans_win_cancel_and_ignore_below_the_escalation_threshold() {
    let policy = TriagePolicy::default();
    let close_at = now() - Duration::hours(12);
    let before = facts(10, 70.0);
    let (record, live) = closed(&before, close_at, Closer::Human, TicketPhase::Canceled);
    let mut back = before.clone();
    for (h, n) in back.hours.iter_mut() {
        if *h > hour_of(close_at) {
            *n += 20;
        }
    }
    back.releases[0].events += 220;
    assert!(triage(&back, &record, &live, &policy).is_empty());
    let mut critical = back.clone();
    critical.severity = severity(policy.escalation_score + 5.0);
    let actions = triage(&critical, &record, &live, &policy);
    assert!(
        actions[0].evidence.contains("escalation threshold"),
        "{actions:?}"
    );

    // An ignore label silences updates on an open ticket.
    let (mut record, mut live) = created(&before);
    live.labels = vec!["triaged:ignore".into()];
    record.labels = live.labels.clone();
    assert!(
        reconcile(
            &facts(40, 70.0),
            Some(&record),
            Some(&live),
            &Lookup::default(),
            &links(),
            &policy,
            now()
        )
        .is_empty()
    );
}

#[test]
fn a_human_close_is_observed_not_undone() {
    let f = facts(10, 70.0);
    let (record, mut live) = created(&f);
    live.phase = TicketPhase::Done;
    live.state_name = "Done".into();
    let actions = triage(&f, &record, &live, &TriagePolicy::default());
    assert_eq!(actions[0].kind, ActionKind::Observe);
    let closure = actions[0].record_after.closure.as_ref().unwrap();
    assert_eq!(closure.by, Closer::Human);
    assert_eq!(
        closure.close_hour_events, 10,
        "counts at the close are remembered"
    );
}

#[test]
fn a_ticket_gone_from_the_tracker_counts_as_canceled_by_a_human() {
    let f = facts(10, 70.0);
    let (record, _) = created(&f);
    let actions = reconcile(
        &f,
        Some(&record),
        None,
        &Lookup::default(),
        &links(),
        &TriagePolicy::default(),
        now(),
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0].kind, ActionKind::Observe);
    let after = &actions[0].record_after;
    assert_eq!(after.phase, TicketPhase::Canceled);
    assert_eq!(after.closure.as_ref().map(|c| c.by), Some(Closer::Human));
    // … and is then left alone: no second observation, no new ticket.
    assert!(
        reconcile(
            &facts(40, 90.0),
            Some(after),
            None,
            &Lookup::default(),
            &links(),
            &TriagePolicy::default(),
            now()
        )
        .is_empty()
    );
}
