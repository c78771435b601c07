//! A merged draft's first deployed release: the service's releases since the merge are
//! mapped to tags and compared with the merge commit on GitHub. The release tagged before
//! the merge does not carry the fix, the later one does; once closed, events from the old
//! release do not reopen the ticket, and events from the fixed one do.

use chrono::Duration;
use triaged::domain::ticket::TicketPhase;
use triaged::pipeline::fixes::record_merged_fixes;
use triaged_sandbox::github::RouteKind;

use super::*;
use crate::both_backends;
use crate::support::TestDb;

const TEMPLATE: &str = "v{release}";

/// `count` events an hour of another checkout error (the service is up and reporting).
fn traffic(shop: &mut Shop, from: DateTime<Utc>, hours: i64, release: &str) {
    for h in 0..hours {
        shop.world.log(
            "checkout",
            from + Duration::hours(h),
            5,
            "KeyError: 'currency' in checkout.prices",
            release,
        );
    }
}

both_backends!(
    the_fix_is_first_released_in_the_earliest_tag_containing_its_merge_commit,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let mut shop = Shop::open(&url).await;
            shop.crash_in("total").await;
            shop.model_sandbox.script(good_proposal());
            assert_eq!(shop.draft().await.opened.len(), 1);
            let fp = shop.world.fingerprint("TypeError", now()).await;
            let store = shop.world.store.clone();
            let fix = || async {
                let stored = store.ticket(fp).await.unwrap().unwrap();
                (stored.record.fix, stored.record.phase)
            };

            // 2.0.1 is cut from main before the merge; 2.1 after it.
            let hotfix = shop
                .github
                .put_file(REPO, "main", "README.md", "2.0.1\n")
                .unwrap();
            shop.github.tag(REPO, "v2.0.1", &hotfix).unwrap();
            let merge = shop.github.merge(REPO, 1).unwrap();
            shop.github.tag(REPO, "v2.1", &merge).unwrap();

            // Merged, nothing deployed since: the fix is recorded without a release.
            let t1 = now() + Duration::hours(1);
            let report = record_merged_fixes(&shop.world.store, &shop.forge, TEMPLATE, t1)
                .await
                .unwrap();
            assert_eq!(report.merged, vec![format!("{REPO}#1")], "{report:?}");
            assert!(report.released.is_empty(), "{report:?}");
            let (recorded, _) = fix().await;
            assert_eq!(recorded.unwrap().release, None);

            // The service shows 2.0.1, then 2.1.
            traffic(&mut shop, t1 + Duration::hours(1), 1, "2.0.1");
            traffic(&mut shop, t1 + Duration::hours(2), 1, "2.1");
            let t2 = t1 + Duration::hours(3);
            shop.world.ingest(t2).await;
            let report = record_merged_fixes(&shop.world.store, &shop.forge, TEMPLATE, t2)
                .await
                .unwrap();
            assert_eq!(
                report.released,
                vec![format!("{REPO}#1: 2.1")],
                "{report:?}"
            );
            assert!(report.merged.is_empty(), "already recorded: {report:?}");
            let compares: Vec<String> = shop
                .github
                .requests()
                .into_iter()
                .filter(|r| r.kind == Some(RouteKind::Compare))
                .map(|r| r.path)
                .collect();
            assert_eq!(compares.len(), 2, "v2.0.1, then v2.1: {compares:?}");
            assert!(compares[0].ends_with(&format!("{merge}...v2.0.1")));
            assert!(compares[1].ends_with(&format!("{merge}...v2.1")));
            let (recorded, _) = fix().await;
            let recorded = recorded.unwrap();
            assert_eq!(recorded.release.as_deref(), Some("2.1"));
            assert_eq!(recorded.merged_at, t1);

            // Known: not asked again.
            let again = record_merged_fixes(&shop.world.store, &shop.forge, TEMPLATE, t2)
                .await
                .unwrap();
            assert!(again.released.is_empty() && again.merged.is_empty());

            // A quiet day on 2.1 closes the ticket.
            traffic(&mut shop, t2, 24, "2.1");
            let t3 = t2 + Duration::hours(24);
            shop.world.ingest(t3).await;
            let report = shop.world.verify(t3).await;
            assert!(report.act.failed.is_empty(), "{report:#?}");
            assert_eq!(fix().await.1, TicketPhase::Done, "{report:#?}");

            // A host still on 2.0.1 logs the error: old, not a regression.
            shop.log_crash("total", t3, 20, "2.0.1");
            let t4 = t3 + Duration::hours(2);
            shop.world.ingest(t4).await;
            let report = shop.world.verify(t4).await;
            assert_eq!(fix().await.1, TicketPhase::Done, "{report:#?}");
            assert_eq!(shop.world.issue("TypeError").state_type, "completed");

            // The fixed release logs it: that is a regression.
            shop.log_crash("total", t4, 20, "2.1");
            let t5 = t4 + Duration::hours(2);
            shop.world.ingest(t5).await;
            let report = shop.world.verify(t5).await;
            assert_eq!(fix().await.1, TicketPhase::Open, "{report:#?}");
            assert_ne!(shop.world.issue("TypeError").state_type, "completed");
        }
    }
);
