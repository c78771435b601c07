//! The dashboard over a real loopback socket, on a store filled by the real ingest and
//! triage against the Linear emulator: every page and API route, sort links, charts,
//! escaping of planted markup, 404s and the security headers. Runs on both backends.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use triaged::clock::DrivenClock;
use triaged::domain::cluster::ClusterLimits;
use triaged::domain::fingerprint::Fingerprint;
use triaged::http::Dashboard;
use triaged::metrics::Metrics;
use triaged::shutdown::Shutdown;
use triaged::store::{
    AgentRun, DraftState, FailedPost, IngestWrite, PostedSummary, RunOutcome, Store, Trigger,
};
use triaged_sandbox::linear::IssueSeed;

use crate::both_backends;
use crate::lifecycle::{World, day0};
use crate::support::TestDb;

const CRASH: &str = "TypeError: <script>alert('pwned')</script> reading 'id' of undefined";
const GATEWAY: &str = "GatewayTimeout: upstream payments-gateway timed out after 30000 ms";
const SEARCH: &str = "IndexError: shard 3 unavailable";
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

fn at(hour: i64, minute: i64) -> DateTime<Utc> {
    day0() + Duration::hours(hour) + Duration::minutes(minute)
}

/// A store with three clusters (search most events and oldest, payments newest), two
/// created tickets and a linked one, a drafted PR, ledger runs, a model call, a summary.
async fn seeded(url: &str) -> (World, Fingerprint) {
    let mut w = World::new(url).await;
    w.settings.triage.min_events = 30;
    w.settings.triage.link_title_similarity = 0.85;
    w.linear
        .add_issue(IssueSeed::new(
            "ENG",
            "GatewayTimeout: upstream payments-gateway timed out",
        ))
        .unwrap();
    for h in 8..11 {
        w.log("search", at(h, 0), 40, SEARCH, "3.0");
    }
    for h in 9..11 {
        w.log("checkout", at(h, 0), 30, CRASH, "1.4.2");
    }
    w.log("payments", at(10, 0), 35, GATEWAY, "7.1");
    w.ingest(at(11, 0)).await;
    let report = w.triage(at(11, 5)).await;
    assert!(report.act.failed.is_empty(), "{report:#?}");
    let checkout = w.fingerprint("TypeError", at(11, 5)).await;
    let store = &w.store;
    store
        .claim_draft(checkout, "acme/shop", "triaged/fix-checkout", at(11, 10))
        .await
        .unwrap();
    store
        .finish_draft(
            checkout,
            DraftState::Opened,
            Some((42, "https://github.com/acme/shop/pull/42")),
            None,
            Some("run-1"),
            at(11, 12),
        )
        .await
        .unwrap();
    store
        .record_agent_run(&AgentRun {
            id: "run-1".into(),
            fingerprint: Some(checkout.to_string()),
            purpose: "fix".into(),
            provider: "anthropic".into(),
            model: "claude-test".into(),
            prompt: "the prompt is never shown".into(),
            response: "{}".into(),
            tokens_in: 1200,
            tokens_out: 300,
            cost_usd: 0.0123,
            latency_ms: 2400,
            outcome: "ok".into(),
            created_at: at(11, 11),
        })
        .await
        .unwrap();
    for (job, minute, outcome) in [
        ("ingest", 0, RunOutcome::Succeeded { detail: None }),
        (
            "triage",
            5,
            RunOutcome::Failed {
                error: "linear said <b>no</b>".into(),
            },
        ),
    ] {
        store
            .claim_run(
                job,
                at(11, minute),
                Trigger::Schedule,
                "t",
                at(11, minute),
                at(12, 0),
            )
            .await
            .unwrap();
        store
            .finish_run(job, at(11, minute), "t", at(11, minute + 1), &outcome)
            .await
            .unwrap();
    }
    let summary = triaged::pipeline::report::health_summary(store, at(9, 0), None)
        .await
        .unwrap();
    store
        .record_summary(&PostedSummary {
            window_end: at(9, 0),
            posted_at: at(9, 1),
            paragraph: "Checkout broke after 1.4.2 <i>shipped</i>.".into(),
            paragraph_author: "template".into(),
            summary,
            posted_to: vec!["eng".into()],
            failed: vec![FailedPost {
                destination: "ops".into(),
                error: "slack answered 500".into(),
            }],
        })
        .await
        .unwrap();
    (w, checkout)
}

struct Served {
    base: String,
    client: reqwest::Client,
    stop: tokio_util::sync::CancellationToken,
}

impl Served {
    async fn start(store: Store, now: DateTime<Utc>) -> Served {
        let dashboard = Dashboard::new(store, Arc::new(DrivenClock::new(now)));
        let router =
            triaged::http::router(Shutdown::new(), Arc::new(Metrics::new()), Some(dashboard));
        let stop = tokio_util::sync::CancellationToken::new();
        let stopped = stop.clone();
        let (addr, _server) =
            triaged::http::serve("127.0.0.1:0".parse().unwrap(), router, async move {
                stopped.cancelled().await
            })
            .await
            .unwrap();
        Served {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            stop,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// A page that must answer 200 with the security headers; its HTML.
    async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_guarded(&response, path);
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        response.text().await.unwrap()
    }

    async fn api(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_guarded(&response, path);
        response.json().await.unwrap()
    }
}

fn assert_guarded(response: &reqwest::Response, path: &str) {
    let headers = response.headers();
    assert_eq!(headers["content-security-policy"], CSP, "{path}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
}

/// The fingerprints of the table's rows, top to bottom.
fn row_order(html: &str) -> Vec<String> {
    html.split("data-fingerprint=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

fn api_order(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["fingerprint"].as_str().unwrap().to_owned())
        .collect()
}

both_backends!(every_page_and_route, |db: &TestDb| {
    let url = db.url.clone();
    every_page(url)
});

async fn every_page(url: String) {
    let (w, checkout) = seeded(&url).await;
    let served = Served::start(w.store.clone(), at(11, 30)).await;

    // The clusters table: one row per cluster, by score, each with a 7-day sparkline.
    let rows = served.api("/api/clusters").await;
    let list = rows.as_array().unwrap();
    assert_eq!(list.len(), 3, "{rows:#}");
    let scores: Vec<f64> = list.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|p| p[0] >= p[1]), "{scores:?}");
    for r in list {
        assert_eq!(r["hourly_7d"].as_array().unwrap().len(), 168);
        for key in [
            "title",
            "service",
            "level",
            "events_24h",
            "users_24h",
            "status",
            "first_seen",
            "last_seen",
        ] {
            assert!(!r[key].is_null(), "{key} in {r:#}");
        }
    }
    let by_fp = |fp: &Fingerprint| {
        list.iter()
            .find(|r| r["fingerprint"] == fp.to_string())
            .unwrap()
            .clone()
    };
    let crash = by_fp(&checkout);
    assert_eq!(crash["events_24h"], 60);
    assert_eq!(crash["status"], "open");
    assert!(
        crash["ticket"]["key"].as_str().unwrap().starts_with("ENG-"),
        "{crash:#}"
    );
    assert_eq!(crash["pr"]["number"], 42);
    let html = served.page("/").await;
    assert_eq!(row_order(&html), api_order(&rows));
    assert_eq!(html.matches("<polyline points=\"").count(), 3);
    let points = html
        .split("<polyline points=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(points.split(' ').count(), 168);
    assert!(html.contains("role=\"img\"") && html.contains("aria-label=\"168 hours: "));
    assert!(html.contains("href=\"https://github.com/acme/shop/pull/42\""));
    assert!(!html.contains("<script>"), "planted markup is escaped");
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains("<th scope=\"col\" aria-sort=\"descending\"><a href=\"/?sort=score\">"));

    // Sort links change the order: most events first is oldest first seen last.
    let by_events = served.page("/?sort=events").await;
    let by_first_seen = served.page("/?sort=first_seen").await;
    let events_order = row_order(&by_events);
    let mut reversed = row_order(&by_first_seen);
    reversed.reverse();
    assert_eq!(
        events_order, reversed,
        "search most and first, payments least and last"
    );
    assert_eq!(events_order[1], checkout.to_string());
    assert!(by_events.contains("aria-sort=\"descending\"><a href=\"/?sort=events\">"));
    assert_eq!(
        events_order,
        api_order(&served.api("/api/clusters?sort=events").await)
    );
    assert_eq!(
        row_order(&served.page("/?sort=bogus").await),
        row_order(&html)
    );

    // A cluster's page: nine labelled severity bars, 168 hourly bars, the timeline.
    let detail = served.api(&format!("/api/clusters/{checkout}")).await;
    let dimensions = detail["severity"]["dimensions"].as_array().unwrap();
    assert_eq!(dimensions.len(), 9);
    assert_eq!(detail["hourly"].as_array().unwrap().len(), 168);
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["create", "pr_opened"], "{detail:#}");
    let page = served.page(&format!("/clusters/{checkout}")).await;
    assert_eq!(page.matches("class=\"sev-bar\"").count(), 9);
    for d in dimensions {
        let name = d["kind"].as_str().unwrap();
        assert!(
            page.contains(&format!("<th scope=\"row\">{name}</th>")),
            "{name}"
        );
        let reason = d["reason"].as_str().unwrap();
        assert!(!reason.is_empty());
        assert!(
            page.contains(&maud::html! { (reason) }.into_string()),
            "{reason}"
        );
    }
    assert_eq!(page.matches("<rect ").count(), 168);
    assert!(page.contains(crash["ticket"]["key"].as_str().unwrap()));
    assert!(page.contains("draft PR #42 opened on acme/shop"));
    assert!(!page.contains("<script>") && page.contains("&lt;script&gt;alert("));
    assert!(page.contains("1.4.2"), "releases");

    // The linked human ticket shows in the timeline of the payments cluster.
    let payments = w.fingerprint("GatewayTimeout", at(11, 30)).await;
    let linked = served.api(&format!("/api/clusters/{payments}")).await;
    assert_eq!(linked["timeline"][0]["kind"], "link", "{linked:#}");

    // An alias goes to its cluster; unknown fingerprints are 404 pages with the headers.
    let alias: Fingerprint = "00000000000000aa".parse().unwrap();
    w.store
        .apply_ingest(IngestWrite {
            drafts: vec![],
            aliases: &[(alias, checkout)],
            templates: vec![],
            cursors: &[],
            fence: None,
            limits: &ClusterLimits::default(),
            now: at(11, 30),
        })
        .await
        .unwrap();
    let followed = served.get(&format!("/clusters/{alias}")).await;
    assert_eq!(followed.url().path(), format!("/clusters/{checkout}"));
    assert_eq!(
        row_order(&served.page("/").await).len(),
        3,
        "no row for the alias"
    );
    assert_eq!(
        served.api(&format!("/api/clusters/{alias}")).await["cluster"]["fingerprint"],
        checkout.to_string()
    );
    for path in [
        "/clusters/0123456789abcdef",
        "/clusters/not-a-fingerprint",
        "/favicon.ico",
    ] {
        let missing = served.get(path).await;
        assert_eq!(missing.status(), 404, "{path}");
        assert_guarded(&missing, path);
        assert!(missing.text().await.unwrap().contains("<h1>Not found</h1>"));
    }
    let missing = served.get("/api/clusters/0123456789abcdef").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["error"],
        "unknown cluster"
    );

    // Runs: the ledger newest first with its error escaped, and the model call.
    let runs = served.api("/api/runs").await;
    assert_eq!(runs["jobs"][0]["job"], "triage");
    assert_eq!(runs["jobs"][0]["duration_ms"], 60_000);
    assert_eq!(runs["agent"][0]["model"], "claude-test");
    assert!(
        runs["agent"][0].get("prompt").is_none(),
        "prompts stay in the store"
    );
    let html = served.page("/runs").await;
    assert!(html.contains("linear said &lt;b&gt;no&lt;/b&gt;"));
    assert!(html.contains("claude-test") && html.contains("1200") && html.contains("0.0123"));
    assert!(!html.contains("the prompt is never shown"));

    // Summaries: the paragraph (escaped), the numbers, where it went.
    let summaries = served.api("/api/summaries").await;
    assert_eq!(summaries[0]["posted_to"][0], "eng");
    assert_eq!(summaries[0]["summary"]["events"], 40, "search's 08:00 hour");
    let html = served.page("/summaries").await;
    assert!(html.contains("Checkout broke after 1.4.2 &lt;i&gt;shipped&lt;/i&gt;."));
    assert!(html.contains("Posted to: eng") && html.contains("ops: slack answered 500"));

    // Read-only: nothing but GET.
    let post = served
        .client
        .post(format!("{}/", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    // Every page has the nav, a main and one h1.
    for path in ["/", "/runs", "/summaries"] {
        let html = served.page(path).await;
        assert!(html.contains("<html lang=\"en\">") && html.contains("<main>"));
        assert_eq!(html.matches("<h1>").count(), 1, "{path}");
        assert!(html.contains("aria-current=\"page\""), "{path}");
    }
    served.stop.cancel();
}
