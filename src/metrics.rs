//! Prometheus metrics of the daemon itself, rendered in the text exposition format.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobOutcomeLabels {
    job: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BadInputLabels {
    source: String,
    reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
}

/// Every metric the daemon exports.
pub struct Metrics {
    registry: Registry,
    job_runs: Family<JobOutcomeLabels, Counter>,
    job_duration: Family<JobLabels, Histogram>,
    job_last_success: Family<JobLabels, Gauge<f64, AtomicU64>>,
    events_ingested: Counter,
    source_failures: Family<SourceLabels, Counter>,
    bad_input: Family<BadInputLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("triaged");
        let job_runs = Family::<JobOutcomeLabels, Counter>::default();
        registry.register(
            "job_runs",
            "Job runs by job and outcome (succeeded, failed, interrupted)",
            job_runs.clone(),
        );
        let job_duration = Family::<JobLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0])
        });
        registry.register(
            "job_run_duration_seconds",
            "Wall time of job runs",
            job_duration.clone(),
        );
        let job_last_success = Family::<JobLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "job_last_success_timestamp_seconds",
            "Unix time of the last successful run of each job",
            job_last_success.clone(),
        );
        let build_info = Family::<BuildLabels, Gauge>::default();
        build_info
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION").to_string(),
            })
            .set(1);
        registry.register("build_info", "Build information", build_info);
        let events_ingested = Counter::default();
        registry.register(
            "ingested_events",
            "Error events read from every source and clustered",
            events_ingested.clone(),
        );
        let source_failures = Family::<SourceLabels, Counter>::default();
        registry.register(
            "source_failures",
            "Ingest runs in which a source (or part of one) could not be read",
            source_failures.clone(),
        );
        let bad_input = Family::<BadInputLabels, Counter>::default();
        registry.register(
            "source_bad_input",
            "Bad input skipped or degraded, by source and reason",
            bad_input.clone(),
        );
        Self {
            registry,
            job_runs,
            job_duration,
            job_last_success,
            events_ingested,
            source_failures,
            bad_input,
        }
    }

    /// Records a finished run.
    pub fn job_finished(&self, job: &str, outcome: &str, took: Duration, now: DateTime<Utc>) {
        self.job_runs
            .get_or_create(&JobOutcomeLabels {
                job: job.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
        let labels = JobLabels {
            job: job.to_string(),
        };
        self.job_duration
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
        if outcome == "succeeded" {
            self.job_last_success
                .get_or_create(&labels)
                .set(now.timestamp_millis() as f64 / 1000.0);
        }
    }

    /// Records what one ingest run read: events, failed sources, bad input by reason.
    pub fn ingested<'a>(
        &self,
        events: u64,
        failed_sources: impl IntoIterator<Item = &'a str>,
        bad_input: impl IntoIterator<Item = (&'a str, &'a str, u64)>,
    ) {
        self.events_ingested.inc_by(events);
        for source in failed_sources {
            self.source_failures
                .get_or_create(&SourceLabels {
                    source: source.to_string(),
                })
                .inc();
        }
        for (source, reason, n) in bad_input {
            self.bad_input
                .get_or_create(&BadInputLabels {
                    source: source.to_string(),
                    reason: reason.to_string(),
                })
                .inc_by(n);
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingest_counters_render_with_their_labels() {
        let metrics = Metrics::new();
        metrics.ingested(
            42,
            ["cloudwatch"],
            [
                ("file:/x.log", "truncated_json", 3),
                ("file:/x.log", "truncated_json", 2),
            ],
        );
        let text = metrics.render();
        assert!(text.contains("triaged_ingested_events_total 42"), "{text}");
        assert!(
            text.contains("triaged_source_failures_total{source=\"cloudwatch\"} 1"),
            "{text}"
        );
        assert!(
            text.contains(
                "triaged_source_bad_input_total{source=\"file:/x.log\",reason=\"truncated_json\"} 5"
            ),
            "{text}"
        );
    }
}
