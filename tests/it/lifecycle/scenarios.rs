//! Days of traffic through ingest → triage → verify against the Linear emulator. Each
//! step states the lifecycle rule it checks.

use chrono::{DateTime, Duration};
use triaged::domain::lifecycle::Fix;
use triaged_sandbox::FaultKnobs;
use triaged_sandbox::linear::IssueSeed;

use super::{World, day0};
use crate::both_backends;
use crate::support::TestDb;

const CRASH: &str = "TypeError: Cannot read properties of undefined (reading 'id')";
const NOISE: &str = "slow query on carts took 812 ms";
const GATEWAY: &str = "GatewayTimeout: upstream payments-gateway timed out after 30000 ms";
const SEARCH: &str = "IndexError: shard 3 unavailable";

fn at(day: i64, hour: i64, minute: i64) -> DateTime<chrono::Utc> {
    day0() + Duration::days(day) + Duration::hours(hour) + Duration::minutes(minute)
}

/// Hourly checkout noise below the ticket threshold: the service is up and logging.
fn noise(world: &mut World, from: DateTime<chrono::Utc>, to: DateTime<chrono::Utc>) {
    let mut hour = from;
    while hour < to {
        world.log("checkout", hour, 1, NOISE, "1.4");
        hour += Duration::hours(1);
    }
}

both_backends!(a_week_of_tickets, |db: &TestDb| {
    let url = db.url.clone();
    a_week(url)
});

async fn a_week(url: String) {
    let mut w = World::new(&url).await;
    w.settings.triage.min_events = 30;
    w.settings.triage.max_reopens = 2;
    w.settings.triage.link_title_similarity = 0.85;
    let human = w
        .linear
        .add_issue(IssueSeed::new(
            "ENG",
            "GatewayTimeout: upstream payments-gateway timed out",
        ))
        .unwrap();

    // Day 0: a new error → one ticket; a human's ticket with a close title → linked.
    for h in 8..11 {
        w.log("checkout", at(0, h, 0), 20, CRASH, "1.4");
        w.log("payments", at(0, h, 0), 15, GATEWAY, "7.1");
        w.log("search", at(0, h, 0), 20, SEARCH, "3.0");
    }
    noise(&mut w, at(0, 0, 0), at(0, 11, 0));
    w.ingest(at(0, 11, 0)).await;
    let report = w.triage(at(0, 11, 5)).await;
    assert_eq!(report.act.failed.len(), 0, "{report:#?}");
    let created = w.created();
    assert_eq!(
        created.len(),
        2,
        "checkout and search get tickets: {created:#?}"
    );
    let crash = w.issue("Cannot read properties");
    assert!(
        crash.title.starts_with("[checkout] TypeError"),
        "{}",
        crash.title
    );
    assert!(
        crash
            .description
            .as_deref()
            .unwrap()
            .contains("triaged-fingerprint: ")
    );
    assert_eq!(crash.attachments.len(), 1);
    let linked = w.linear.issue(&human).unwrap();
    assert_eq!(
        linked.attachments.len(),
        1,
        "the human's ticket carries the cluster link"
    );
    assert!(
        linked.comments[0].contains("linked this ticket"),
        "{:?}",
        linked.comments
    );
    assert_eq!(
        w.linear.issues().len(),
        3,
        "no duplicate of the human's ticket"
    );

    // Day 1: the same error at the same volume → no new ticket, no comment.
    for h in 8..11 {
        w.log("checkout", at(1, h, 0), 20, CRASH, "1.4");
    }
    noise(&mut w, at(0, 11, 0), at(1, 11, 0));
    w.ingest(at(1, 11, 0)).await;
    w.triage(at(1, 11, 5)).await;
    assert_eq!(w.linear.issues().len(), 3);
    assert!(w.issue("Cannot read properties").comments.is_empty());

    // Day 2: four times the volume → exactly one comment.
    for h in 8..11 {
        w.log("checkout", at(2, h, 0), 80, CRASH, "1.4");
    }
    noise(&mut w, at(1, 11, 0), at(2, 11, 0));
    w.ingest(at(2, 11, 0)).await;
    w.triage(at(2, 11, 5)).await;
    w.triage(at(2, 11, 10)).await;
    let comments = w.issue("Cannot read properties").comments;
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert!(comments[0].contains("volume"), "{comments:?}");

    // A human cancels the gateway ticket; the errors go on below the escalation score.
    w.linear.set_state(&human, "Canceled").unwrap();

    // Fixes merged at 12:00 for checkout (release 1.5) and search.
    let crash_fp = w.fingerprint("Cannot read properties", at(2, 12, 0)).await;
    let search_fp = w.fingerprint("IndexError", at(2, 12, 0)).await;
    for (fp, reference) in [(crash_fp, "acme/shop#42"), (search_fp, "acme/search#7")] {
        let fix = Fix {
            reference: reference.into(),
            merged_at: at(2, 12, 0),
            release: Some("1.5".into()),
        };
        assert!(w.store.record_fix(fp, &fix, at(2, 12, 0)).await.unwrap());
    }

    // Day 3 13:00: checkout quiet for 24 h while still logging → closed with evidence;
    // search quiet with no traffic at all → not closed.
    noise(&mut w, at(2, 11, 0), at(3, 13, 0));
    for h in 0..24 {
        w.log(
            "payments",
            at(2, 11, 0) + Duration::hours(h),
            15,
            GATEWAY,
            "7.1",
        );
    }
    w.ingest(at(3, 13, 0)).await;
    let report = w.verify(at(3, 13, 5)).await;
    let crash = w.issue("Cannot read properties");
    assert_eq!(crash.state_type, "completed", "{report:#?}");
    let closing = crash.comments.last().unwrap();
    assert!(
        closing.contains("Closed by triaged") && closing.contains("acme/shop#42"),
        "{closing}"
    );
    assert!(closing.contains("other error events"), "{closing}");
    assert_eq!(
        w.issue("IndexError").state_type,
        "backlog",
        "no traffic: silence proves nothing"
    );
    assert_eq!(
        w.linear.issue(&human).unwrap().state_type,
        "canceled",
        "the human's cancel stands"
    );

    // Day 3 20:00: old pods on 1.4 log the error again → not a regression of the fix in 1.5.
    w.log("checkout", at(3, 20, 0), 10, CRASH, "1.4");
    noise(&mut w, at(3, 13, 0), at(3, 21, 0));
    w.ingest(at(3, 21, 0)).await;
    w.verify(at(3, 21, 5)).await;
    assert_eq!(w.issue("Cannot read properties").state_type, "completed");

    // Day 4: the error is back on 1.5 → reopened with the evidence.
    for h in 9..11 {
        w.log("checkout", at(4, h, 0), 10, CRASH, "1.5");
    }
    noise(&mut w, at(3, 21, 0), at(4, 11, 0));
    w.ingest(at(4, 11, 0)).await;
    w.verify(at(4, 11, 5)).await;
    let crash = w.issue("Cannot read properties");
    assert_ne!(crash.state_type, "completed");
    let reopening = crash.comments.last().unwrap();
    assert!(
        reopening.contains("Reopened by triaged") && reopening.contains("`1.5` (20)"),
        "{reopening}"
    );
    assert!(
        reopening.contains("10 more from releases older than the fix"),
        "{reopening}"
    );

    // Another fix, another quiet day, closed again; back again → flapping: labelled.
    let fix = Fix {
        reference: "acme/shop#57".into(),
        merged_at: at(4, 12, 0),
        release: Some("1.6".into()),
    };
    assert!(
        w.store
            .record_fix(crash_fp, &fix, at(4, 12, 0))
            .await
            .unwrap()
    );
    noise(&mut w, at(4, 11, 0), at(5, 13, 0));
    w.ingest(at(5, 13, 0)).await;
    w.verify(at(5, 13, 5)).await;
    assert_eq!(w.issue("Cannot read properties").state_type, "completed");
    for h in 9..11 {
        w.log("checkout", at(6, h, 0), 10, CRASH, "1.6");
    }
    noise(&mut w, at(5, 13, 0), at(6, 11, 0));
    w.ingest(at(6, 11, 0)).await;
    w.verify(at(6, 11, 5)).await;
    let crash = w.issue("Cannot read properties");
    assert_ne!(crash.state_type, "completed");
    assert!(
        crash.labels.iter().any(|l| l == "triaged:flapping"),
        "{:?}",
        crash.labels
    );
    // … and is no longer auto-closed, even after a fix and a quiet day.
    let fix = Fix {
        reference: "acme/shop#60".into(),
        merged_at: at(6, 12, 0),
        release: Some("1.7".into()),
    };
    assert!(
        w.store
            .record_fix(crash_fp, &fix, at(6, 12, 0))
            .await
            .unwrap()
    );
    noise(&mut w, at(6, 11, 0), at(7, 14, 0));
    w.ingest(at(7, 14, 0)).await;
    w.verify(at(7, 14, 5)).await;
    assert_ne!(w.issue("Cannot read properties").state_type, "completed");
    assert_eq!(w.linear.issue(&human).unwrap().state_type, "canceled");

    // Linear down: nothing created, nothing lost; back up: created exactly once.
    for h in 8..11 {
        w.log("checkout", at(8, h, 0), 40, "KeyError: 'coupon'", "1.7");
    }
    noise(&mut w, at(7, 14, 0), at(8, 11, 0));
    w.ingest(at(8, 11, 0)).await;
    w.linear.set_outage(true);
    let down = w.triage(at(8, 11, 5)).await;
    assert!(
        !down.unreadable.is_empty() || !down.act.failed.is_empty(),
        "{down:#?}"
    );
    w.linear.set_outage(false);
    // The create itself fails (a 5xx the client must not blindly repeat) → left pending.
    w.linear.limit_faults_to(&["issueCreate"]);
    w.linear.faults().set(FaultKnobs {
        server_error: 1.0,
        ..FaultKnobs::none()
    });
    let failing = w.triage(at(8, 11, 35)).await;
    assert!(failing.act.failed.iter().all(|f| f.retry), "{failing:#?}");
    w.linear.faults().clear();
    let recovered = w.triage(at(8, 12, 5)).await;
    assert_eq!(recovered.act.failed.len(), 0, "{recovered:#?}");
    w.triage(at(8, 13, 5)).await;
    let coupons: Vec<_> = w
        .linear
        .issues()
        .into_iter()
        .filter(|i| i.title.contains("coupon"))
        .collect();
    assert_eq!(coupons.len(), 1, "{coupons:#?}");

    // Never two tickets for one cluster, over the whole week.
    let created = w.created();
    let mut titles: Vec<&str> = created.iter().map(|i| i.title.as_str()).collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), created.len(), "{created:#?}");
}
