//! Verify: auto-close after a quiet window with traffic or when stale, never for a flapping
//! ticket or one a human reopened for the same fix.

use super::*;

#[test]
fn flapping_gets_a_label_and_no_more_auto_close() {
    let policy = TriagePolicy {
        max_reopens: 2,
        ..TriagePolicy::default()
    };
    let close_at = now() - Duration::hours(12);
    let mut f = facts(10, 70.0);
    let (mut record, live) = closed(&f, close_at, Closer::Triaged, TicketPhase::Done);
    record.reopens = 1;
    for (h, n) in f.hours.iter_mut() {
        if *h > hour_of(close_at) {
            *n += 5;
        }
    }
    f.releases[0].events += 55;
    let actions = triage(&f, &record, &live, &policy);
    assert_eq!(
        actions.iter().map(|a| a.kind.name()).collect::<Vec<_>>(),
        ["reopen", "label"]
    );
    let flapping = &actions[1].record_after;
    assert!(flapping.flapping);
    // Verify never auto-closes it, even quiet and stale.
    let mut quiet = f.clone();
    quiet.last_seen = now() - Duration::days(30);
    let mut open = live.clone();
    open.phase = TicketPhase::Open;
    open.labels = flapping.labels.clone();
    let v = verify(
        &quiet,
        flapping,
        Some(&open),
        Traffic {
            service_events: 100,
        },
        &policy,
        &VerifyPolicy::default(),
        now(),
    );
    assert!(v.is_empty(), "{v:?}");
}

#[test]
fn verify_closes_after_a_quiet_window_with_traffic_only() {
    let triage = TriagePolicy::default();
    let policy = VerifyPolicy::default();
    let mut f = facts(10, 70.0);
    f.last_seen = now() - Duration::hours(30);
    let (mut record, live) = created(&f);
    record.fix = Some(Fix {
        reference: "acme/shop#42".into(),
        merged_at: now() - Duration::hours(31),
        release: None,
    });
    let actions = check(&f, &record, &live, 50, &triage, &policy);
    let ActionKind::Close { reason, body, .. } = &actions[0].kind else {
        panic!("{actions:?}")
    };
    assert_eq!(*reason, CloseReason::FixQuiet);
    assert!(body.contains("50 other error events"), "{body}");
    assert_eq!(actions[0].record_after.phase, TicketPhase::Done);
    // Silence with no traffic from the service proves nothing.
    assert!(check(&f, &record, &live, 0, &triage, &policy).is_empty());
    // Without a fix it waits for stale_days.
    record.fix = None;
    assert!(check(&f, &record, &live, 50, &triage, &policy).is_empty());
    f.last_seen = now() - Duration::days(i64::from(policy.stale_days) + 1);
    let actions = check(&f, &record, &live, 0, &triage, &policy);
    assert!(
        matches!(
            &actions[0].kind,
            ActionKind::Close {
                reason: CloseReason::Stale,
                ..
            }
        ),
        "{actions:?}"
    );
}

#[test]
fn a_ticket_a_human_reopened_is_not_auto_closed_again_for_that_fix() {
    let triage = TriagePolicy::default();
    let mut f = facts(10, 70.0);
    f.last_seen = now() - Duration::hours(30);
    let (mut record, live) = closed(
        &f,
        now() - Duration::hours(3),
        Closer::Triaged,
        TicketPhase::Done,
    );
    record.fix = Some(Fix {
        reference: "acme/shop#42".into(),
        merged_at: now() - Duration::hours(40),
        release: None,
    });
    let mut reopened = live.clone();
    reopened.phase = TicketPhase::Open;
    let actions = check(
        &f,
        &record,
        &reopened,
        50,
        &triage,
        &VerifyPolicy::default(),
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0].kind, ActionKind::Observe);
    let after = &actions[0].record_after;
    assert_eq!(
        after.human_reopened_after_fix.as_deref(),
        Some("acme/shop#42")
    );
    let again = check(&f, after, &reopened, 50, &triage, &VerifyPolicy::default());
    assert!(again.is_empty(), "{again:?}");
    // A new fix makes it eligible again.
    let mut new_fix = after.clone();
    new_fix.fix = Some(Fix {
        reference: "acme/shop#57".into(),
        merged_at: now() - Duration::hours(35),
        release: None,
    });
    let closes = check(
        &f,
        &new_fix,
        &reopened,
        50,
        &triage,
        &VerifyPolicy::default(),
    );
    assert!(
        matches!(closes[0].kind, ActionKind::Close { .. }),
        "{closes:?}"
    );
}
