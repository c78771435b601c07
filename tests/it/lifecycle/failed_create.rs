//! A create the tracker refused for good is decided again by the next triage and then
//! lands: a failed intent never blocks its action forever.

use chrono::Duration;
use triaged_sandbox::faults::Fault;

use super::{World, day0};
use crate::both_backends;
use crate::support::TestDb;

both_backends!(
    a_create_refused_for_good_is_made_by_the_next_run,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let mut w = World::new(&url).await;
            w.settings.triage.min_events = 30;
            for h in 8..11 {
                w.log(
                    "checkout",
                    day0() + Duration::hours(h),
                    20,
                    "KeyError: 'coupon'",
                    "1.7",
                );
            }
            w.ingest(day0() + Duration::hours(11)).await;
            // Linear answers the create with a 4xx: not worth retrying within the run.
            w.linear.limit_faults_to(&["issueCreate"]);
            w.linear.inject(Fault::ServerError { status: 400 });
            let refused = w.triage(day0() + Duration::hours(11)).await;
            assert_eq!(refused.act.failed.len(), 1, "{refused:#?}");
            assert!(!refused.act.failed[0].retry, "{refused:#?}");
            assert!(w.created().is_empty());

            let next = w
                .triage(day0() + Duration::hours(11) + Duration::minutes(5))
                .await;
            assert!(next.act.failed.is_empty(), "{next:#?}");
            assert!(next.act.skipped.is_empty(), "nothing blocked: {next:#?}");
            let created = w.created();
            assert_eq!(created.len(), 1, "{created:#?}");
            assert!(created[0].title.contains("coupon"), "{created:#?}");
            assert!(w.store.pending_actions().await.unwrap().is_empty());

            // Done stays done: the run after creates nothing more.
            w.triage(day0() + Duration::hours(11) + Duration::minutes(10))
                .await;
            assert_eq!(w.created().len(), 1);
        }
    }
);
