//! What each job's run says, read from its ledger detail into the few fields the narrative
//! tells: lines told before the ticket changes a tick made, and lines told after.

use serde::Deserialize;

use crate::store::{RunRecord, RunStatus};

/// The narrative lines of one tick's runs.
#[derive(Default)]
pub struct RunLines {
    pub before: Vec<String>,
    pub after: Vec<String>,
    /// An ingest run triaged critical clusters at once (its ticket changes are told so).
    pub triaged_at_ingest: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IngestDetail {
    events: u64,
    new_clusters: u64,
    merged_across_sources: u64,
    failed_sources: Vec<String>,
    immediate_triage: Option<ImmediateTriage>,
}

/// The tickets acted on at ingest, or why that failed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ImmediateTriage {
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TriageDetail {
    hypotheses: Option<HypothesesDetail>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HypothesesDetail {
    posted: Vec<String>,
    failed: Vec<String>,
    retry: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VerifyDetail {
    fixes: Option<FixesDetail>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FixesDetail {
    merged: Vec<String>,
    released: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SummaryDetail {
    events: u64,
    previous_events: u64,
    posted: Vec<String>,
    paragraph_by: String,
    paragraph_fallback: Option<String>,
}

/// A run's detail as `T`; a missing or unreadable detail tells nothing.
fn detail<T: for<'de> Deserialize<'de> + Default>(run: &RunRecord) -> T {
    run.detail
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default()
}

impl RunLines {
    /// Adds what `run` says.
    pub fn tell(&mut self, run: &RunRecord) {
        if run.status == RunStatus::Failed {
            let error = run.error.as_deref().unwrap_or_default();
            self.before.push(format!("{} FAILED: {error}", run.job));
            return;
        }
        match run.job.as_str() {
            "ingest" => self.ingest(detail(run)),
            "triage" => self.triage(detail(run)),
            "verify" => self.verify(detail(run)),
            "summary" => self.summary(detail(run)),
            _ => {}
        }
    }

    fn ingest(&mut self, run: IngestDetail) {
        if let Some(immediate) = &run.immediate_triage {
            self.triaged_at_ingest = true;
            if let Some(error) = &immediate.error {
                self.before
                    .push(format!("ingest: triage at ingest failed: {error}"));
            }
        }
        for source in &run.failed_sources {
            self.before.push(format!("ingest: could not read {source}"));
        }
        if run.new_clusters > 0 {
            let merged = match run.merged_across_sources {
                0 => String::new(),
                n => format!(", {n} merged across CloudWatch and Sentry"),
            };
            self.before.push(format!(
                "ingest: {} events, {} new cluster(s){merged}",
                run.events, run.new_clusters
            ));
        }
    }

    fn triage(&mut self, run: TriageDetail) {
        let hypotheses = run.hypotheses.unwrap_or_default();
        for key in &hypotheses.posted {
            self.after.push(format!(
                "triage: the model's investigation hypotheses added to {key} (marked unverified)"
            ));
        }
        for why in hypotheses.failed.iter().chain(&hypotheses.retry) {
            self.after.push(format!("triage: no hypotheses for {why}"));
        }
    }

    fn verify(&mut self, run: VerifyDetail) {
        let fixes = run.fixes.unwrap_or_default();
        for fix in &fixes.merged {
            self.after.push(format!(
                "verify: {fix} is merged; the ticket closes after a quiet window"
            ));
        }
        for fix in &fixes.released {
            self.after.push(format!(
                "verify: {fix} is the first release carrying the fix; events from older releases no longer count toward a reopen"
            ));
        }
    }

    fn summary(&mut self, run: SummaryDetail) {
        let fallback = match &run.paragraph_fallback {
            Some(why) => format!(": {why}"),
            None => String::new(),
        };
        let by = if run.paragraph_by.is_empty() {
            "?"
        } else {
            &run.paragraph_by
        };
        self.after.push(format!(
            "summary: {} events in 24 h (previous 24 h: {}), posted to {} (paragraph by {by}{fallback})",
            run.events,
            run.previous_events,
            run.posted.join(" and "),
        ));
    }
}
