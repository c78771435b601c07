//! The ingest pipeline end to end on a real store: file records → parse → cluster → store,
//! with bad input counted and skipped, a failing source isolated, and exact counts.

use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use tokio_util::sync::CancellationToken;
use triaged::clock::{DrivenClock, SharedClock};
use triaged::domain::cluster::ClusterKind;
use triaged::domain::event::{Environment, Service, UserSalt};
use triaged::pipeline::ingest::{IngestReport, IngestSettings, run_ingest};
use triaged::redact::Redactor;
use triaged::scheduler::{JobName, RunContext};
use triaged::sources::EventSource;
use triaged::sources::file::FileSource;
use triaged::store::{Store, Trigger};

use crate::both_backends;
use crate::support::TestDb;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap()
}

fn settings() -> IngestSettings {
    triaged::app::settings::ingest(&triaged::config::Config::default(), &Redactor::default())
}

fn file_source(path: &std::path::Path) -> Box<dyn EventSource> {
    Box::new(FileSource {
        path: path.to_path_buf(),
        service: Service::new("checkout").unwrap(),
        environment: Environment::new("production").unwrap(),
        salt: UserSalt::new(b"test-salt-0123456789".to_vec()).unwrap(),
        redactor: triaged::redact::Redactor::default(),
    })
}

async fn ingest(store: &Store, sources: &[Box<dyn EventSource>]) -> IngestReport {
    let clock: SharedClock = Arc::new(DrivenClock::new(now()));
    let ctx = RunContext::new(
        JobName::Ingest,
        now(),
        Trigger::Manual,
        clock,
        CancellationToken::new(),
    );
    run_ingest(store, sources, &settings(), now(), &ctx)
        .await
        .unwrap()
}

const JAVA_TRACE: &str = "2026-11-20 09:12:01,123 ERROR [http-8080] c.s.Checkout: checkout failed
java.lang.NullPointerException: Cannot invoke \"Cart.total()\" because \"cart\" is null
\tat com.shop.checkout.CheckoutService.pay(CheckoutService.java:42)
\tat com.shop.checkout.CheckoutController.post(CheckoutController.java:17)
\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)
";

both_backends!(
    file_records_become_clusters_and_bad_input_is_counted,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let store = Store::open(&url).await.unwrap();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("app.log");
            let mut f = std::fs::File::create(&path).unwrap();
            f.write_all(JAVA_TRACE.as_bytes()).unwrap();
            // The same bug again, on other lines of the file and another deploy.
            f.write_all(JAVA_TRACE.replace(":42)", ":47)").as_bytes())
                .unwrap();
            f.write_all(br#"{"level":"error","msg":"payment gateway timeout after 3012 ms","user_id":"u-1","route":"/pay"}"#).unwrap();
            f.write_all(b"\n").unwrap();
            f.write_all(br#"{"level":"error","msg":"payment gateway timeout after 95 ms","user_id":"u-2","route":"/pay"}"#).unwrap();
            f.write_all(b"\n").unwrap();
            f.write_all(b"{\"level\":\"error\",\"msg\":\"cut sh\n")
                .unwrap(); // truncated JSON
            f.write_all(b"[1, 2, 3]\n").unwrap(); // JSON, not an object
            f.write_all(b"bad bytes \xff\xfe in a line\n").unwrap();
            f.write_all(&[b'x'; 1_100_000]).unwrap(); // a 1.1 MB line: skipped, counted
            f.write_all(b"\n").unwrap();
            drop(f);

            let sources = [file_source(&path)];
            let report = ingest(&store, &sources).await;
            assert!(report.failed_sources.is_empty(), "{report:?}");
            let bad = &report.bad_input[&format!("file:{}", path.display())];
            for reason in [
                "truncated_json",
                "json_not_an_object",
                "invalid_utf8",
                "line_too_long",
            ] {
                assert_eq!(bad.get(reason), Some(&1), "{reason} in {bad:?}");
            }
            // Every record but the over-long line became an event (degraded ones included):
            // 2 traces + 2 JSON + 3 bad.
            assert_eq!(report.events, 7, "{report:?}");

            let clusters = store
                .clusters_seen_since(now() - chrono::Duration::days(1))
                .await
                .unwrap();
            let npe: Vec<_> = clusters
                .iter()
                .filter(|c| {
                    c.identity.exception_type.as_deref() == Some("java.lang.NullPointerException")
                })
                .collect();
            assert_eq!(npe.len(), 1, "one cluster for the trace across line shifts");
            assert_eq!(npe[0].events_total, 2);
            assert_eq!(npe[0].identity.kind, ClusterKind::Stack);
            let timeout = clusters
                .iter()
                .find(|c| c.identity.template.contains("gateway timeout"))
                .expect("a template cluster for the timeouts");
            assert_eq!(timeout.events_total, 2);
            assert_eq!(
                timeout.stats.users_since(now() - chrono::Duration::days(1)),
                2
            );
            // Raw user ids are never stored.
            let stored = serde_json::to_string(&timeout.stats).unwrap();
            assert!(!stored.contains("u-1"), "{stored}");
            assert!(
                clusters.iter().all(|c| c.severity.is_some()),
                "touched clusters are scored"
            );

            // A second run reads nothing new and counts nothing twice.
            let again = ingest(&store, &sources).await;
            assert_eq!(again.events, 0, "{again:?}");
            let npe_again = store
                .cluster(npe[0].identity.fingerprint)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(npe_again.events_total, 2);
        }
    }
);

both_backends!(
    a_failing_source_does_not_stop_the_others_or_move_its_cursor,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let store = Store::open(&url).await.unwrap();
            let dir = tempfile::tempdir().unwrap();
            let good = dir.path().join("good.log");
            std::fs::write(&good, "ERROR disk full on /dev/sda1\n").unwrap();
            let missing = dir.path().join("missing.log");
            let sources = [file_source(&missing), file_source(&good)];
            let report = ingest(&store, &sources).await;
            assert_eq!(
                report.failed_sources,
                [format!("file:{}", missing.display())]
            );
            assert_eq!((report.sources_read, report.events), (1, 1));
            assert_eq!(
                store
                    .cursor(&format!("file:{}", missing.display()))
                    .await
                    .unwrap(),
                None
            );
            // Once it appears, it is read from the start.
            std::fs::write(&missing, "ERROR disk full on /dev/sdb1\n").unwrap();
            let report = ingest(&store, &sources).await;
            assert_eq!((report.sources_read, report.events), (2, 1));
        }
    }
);
