//! The runs page: the job ledger and the model calls.

use maud::{Markup, html};

use super::{Section, layout, when, when_opt};
use crate::store::RunsView;

pub fn runs_page(view: &RunsView) -> Markup {
    let content = html! {
        table #jobs {
            caption { "Job runs, newest first (at most " (crate::http::dashboard::RUNS_SHOWN) " shown)" }
            thead { tr {
                th scope="col" { "Job" } th scope="col" { "Scheduled for" } th scope="col" { "Trigger" }
                th scope="col" { "Outcome" } th scope="col" class="num" { "Duration" }
                th scope="col" class="num" { "Attempt" } th scope="col" { "Finished" } th scope="col" { "Error" }
            } }
            tbody {
                @for r in &view.jobs {
                    tr {
                        th scope="row" { (r.job) }
                        td { (when(r.scheduled_for)) }
                        td { (r.trigger) }
                        td { (r.status) }
                        td.num { @match r.duration_ms { Some(ms) => (duration(ms)), None => "—" } }
                        td.num { (r.attempt) }
                        td { (when_opt(r.finished_at)) }
                        td { @if let Some(e) = &r.error { pre { (e) } } }
                    }
                }
            }
        }
        @if view.jobs.is_empty() { p { "No job has run yet." } }
        table #agent {
            caption { "Model calls, newest first" }
            thead { tr {
                th scope="col" { "Time" } th scope="col" { "Purpose" } th scope="col" { "Model" }
                th scope="col" class="num" { "Tokens in" } th scope="col" class="num" { "Tokens out" }
                th scope="col" class="num" { "Cost (USD)" } th scope="col" class="num" { "Latency" }
                th scope="col" { "Outcome" } th scope="col" { "Cluster" }
            } }
            tbody {
                @for r in &view.agent {
                    tr {
                        th scope="row" { (when(r.at)) }
                        td { (r.purpose) }
                        td { (r.provider) " / " (r.model) }
                        td.num { (r.tokens_in) }
                        td.num { (r.tokens_out) }
                        td.num { (format!("{:.4}", r.cost_usd)) }
                        td.num { (duration(r.latency_ms)) }
                        td { (r.outcome) }
                        td { @if let Some(fp) = &r.fingerprint { a href={ "/clusters/" (fp) } { code { (fp) } } } }
                    }
                }
            }
        }
        @if view.agent.is_empty() { p { "No model calls recorded." } }
    };
    layout("Runs", Some(Section::Runs), content)
}

/// `850 ms`, `12.3 s`, `4 min 5 s`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}
