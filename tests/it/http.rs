//! The HTTP endpoints over a real loopback socket.

use std::sync::Arc;

use chrono::Utc;
use triaged::metrics::Metrics;
use triaged::shutdown::Shutdown;

crate::trial!(current_thread, health_readiness_and_metrics);
async fn health_readiness_and_metrics() {
    let shutdown = Shutdown::new();
    let metrics = Arc::new(Metrics::new());
    metrics.job_finished(
        "ingest",
        "succeeded",
        std::time::Duration::from_millis(40),
        Utc::now(),
    );
    metrics.job_finished(
        "ingest",
        "failed",
        std::time::Duration::from_millis(10),
        Utc::now(),
    );
    let router = triaged::http::router(shutdown.clone(), metrics, None);
    let stop = tokio_util::sync::CancellationToken::new();
    let stopped = stop.clone();
    let (addr, server) = triaged::http::serve("127.0.0.1:0".parse().unwrap(), router, async move {
        stopped.cancelled().await
    })
    .await
    .unwrap();
    let get = |path: &str| reqwest::get(format!("http://{addr}{path}"));

    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    assert_eq!(
        get("/").await.unwrap().status(),
        404,
        "no dashboard unless given one"
    );
    assert_eq!(
        get("/readyz").await.unwrap().status(),
        503,
        "ready before start-up finished"
    );
    shutdown.set_ready();
    assert_eq!(get("/readyz").await.unwrap().status(), 200);
    let text = get("/metrics").await.unwrap().text().await.unwrap();
    for needle in [
        "triaged_job_runs_total{job=\"ingest\",outcome=\"succeeded\"} 1",
        "triaged_job_runs_total{job=\"ingest\",outcome=\"failed\"} 1",
        "triaged_job_run_duration_seconds_count{job=\"ingest\"} 2",
        "triaged_job_last_success_timestamp_seconds{job=\"ingest\"}",
        "triaged_build_info{version=",
    ] {
        assert!(text.contains(needle), "missing {needle} in:\n{text}");
    }
    shutdown.begin_drain();
    assert_eq!(
        get("/readyz").await.unwrap().status(),
        503,
        "ready while draining"
    );
    stop.cancel();
    server.await.unwrap().unwrap();
}
