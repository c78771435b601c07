//! Investigation hypotheses on newly created tickets (optional, `agent.hypotheses`): one
//! model call per ticket through the forced `suggest_hypotheses` tool, within the day's
//! spend budget, recorded in `agent_runs`; the answer goes on the ticket as a comment
//! marked model-written and unverified. The claim row keeps it to one call per ticket and
//! keeps the comment until it has landed (a deterministic comment id makes the post
//! idempotent). A model failure is reported, never an error of the triage run.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::agent::hypotheses::{
    Authorship, SUGGEST_HYPOTHESES_TOOL, hypotheses_comment, hypotheses_prompt, parse_hypotheses,
};
use crate::agent::{Prices, Provider, StopReason};
use crate::domain::draft::day_start;
use crate::domain::fingerprint::Fingerprint;
use crate::domain::lifecycle::stable_uuid;
use crate::redact::Redactor;
use crate::store::{AgentRun, Fence, HypothesesState, Store, StoreError};
use crate::tracker::Tracker;

/// Tickets created this recently are asked about: a run that died after a create is
/// caught up by the next one.
const NEW_TICKET_HOURS: i64 = 24;

/// The `purpose` of the calls in `agent_runs`.
pub const PURPOSE: &str = "hypotheses";

/// What hypotheses are configured with.
#[derive(Debug, Clone)]
pub struct HypothesesSettings {
    pub prices: Prices,
    pub redactor: Redactor,
    /// The day's model spend cap shared with fix drafts (`agent.drafts.max_spend_per_day_usd`).
    pub max_spend_per_day_usd: f64,
}

/// The adapters hypotheses use.
pub struct HypothesesDeps<'a> {
    pub store: &'a Store,
    pub model: &'a dyn Provider,
    pub tracker: &'a dyn Tracker,
    /// The run's job lock, checked before each ticket is claimed (`None`: no lock held).
    pub fence: Option<&'a Fence>,
}

/// What one pass did, for the run ledger.
#[derive(Debug, Default, Clone, Serialize)]
pub struct HypothesesReport {
    /// `ticket key` of each ticket that got its hypotheses.
    pub posted: Vec<String>,
    /// `ticket key: why no comment` (not asked again).
    pub failed: Vec<String>,
    /// `ticket key: why` left for the next run (the model or the tracker was unreachable).
    pub retry: Vec<String>,
    /// Set when the day's spend cap stopped the asking.
    pub budget_stop: Option<String>,
}

/// Asks for (or finishes posting) hypotheses on every ticket created recently.
pub async fn run_hypotheses(
    deps: &HypothesesDeps<'_>,
    settings: &HypothesesSettings,
    now: DateTime<Utc>,
) -> Result<HypothesesReport, StoreError> {
    let mut report = HypothesesReport::default();
    let created: BTreeSet<String> = deps
        .store
        .ticket_events_since(now - Duration::hours(NEW_TICKET_HOURS))
        .await?
        .into_iter()
        .filter(|e| e.kind == "create")
        .map(|e| e.fingerprint)
        .collect();
    for fp in created {
        let Ok(fp) = Fingerprint::from_str(&fp) else {
            continue;
        };
        let Some(ticket) = deps.store.ticket(fp).await? else {
            continue;
        };
        let (ticket_id, key) = (ticket.record.ticket_id, ticket.record.key);
        if ticket_id.is_empty() {
            continue;
        }
        if let Some(existing) = deps.store.hypotheses(fp).await? {
            match existing.state {
                HypothesesState::Posted | HypothesesState::Failed => {}
                HypothesesState::Ready => {
                    let comment = existing.comment.unwrap_or_default();
                    post(deps, fp, &ticket_id, &key, &comment, now, &mut report).await?;
                }
                HypothesesState::Asking => {
                    let why = "the run asking stopped before the answer was kept; not asked twice";
                    fail(deps, fp, &key, why, None, now, &mut report).await?;
                }
            }
            continue;
        }
        let spent = deps.store.spend_since(day_start(now)).await?;
        if spent >= settings.max_spend_per_day_usd {
            report.budget_stop = Some(format!(
                "${spent:.2} spent today (max_spend_per_day_usd {})",
                settings.max_spend_per_day_usd
            ));
            break;
        }
        let Some(cluster) = deps.store.cluster(fp).await? else {
            continue;
        };
        let Some(severity) = cluster.severity.clone() else {
            continue;
        };
        deps.store.check_fence(deps.fence, now).await?;
        if !deps.store.claim_hypotheses(fp, &ticket_id, now).await? {
            continue;
        }
        let facts = super::facts::cluster_facts(deps.store, &cluster, severity, now).await?;
        let prompt = hypotheses_prompt(&facts, &settings.redactor);
        let started = Instant::now();
        let answer = deps.model.complete(&prompt.request).await;
        let latency_ms = started.elapsed().as_millis() as u64;
        let run_id = stable_uuid(&[
            "agent-run",
            PURPOSE,
            &fp.to_string(),
            &now.timestamp_millis().to_string(),
            &prompt.digest,
        ]);
        let (response, usage, outcome) = match &answer {
            Ok(reply) => (
                serde_json::to_string(reply).unwrap_or_default(),
                reply.usage,
                match reply.stop {
                    StopReason::Refusal => "refused".to_owned(),
                    StopReason::MaxTokens => "max_tokens".to_owned(),
                    _ => "ok".to_owned(),
                },
            ),
            Err(e) => (
                e.to_string(),
                e.usage().unwrap_or_default(),
                format!("error: {e}"),
            ),
        };
        deps.store
            .record_agent_run(&AgentRun {
                id: run_id.clone(),
                fingerprint: Some(fp.to_string()),
                purpose: PURPOSE.into(),
                provider: deps.model.name().into(),
                model: deps.model.model().into(),
                prompt: format!("{}\n\n{}", prompt.request.system, prompt.request.user),
                response: settings.redactor.redact(&response).into_owned(),
                tokens_in: usage.input_tokens,
                tokens_out: usage.output_tokens,
                cost_usd: settings.prices.cost(&usage),
                latency_ms,
                outcome: outcome.clone(),
                created_at: now,
            })
            .await?;
        let reply = match answer {
            Ok(reply) => reply,
            Err(e) if e.is_retryable() => {
                tracing::warn!(fingerprint = %fp, error = %e, "the model could not be asked for hypotheses");
                deps.store.release_hypotheses(fp).await?;
                report.retry.push(format!("{key}: {e}"));
                continue;
            }
            Err(e) => {
                let why = format!("the model's answer was unusable: {e}");
                fail(deps, fp, &key, &why, Some(&run_id), now, &mut report).await?;
                continue;
            }
        };
        let items = match (&reply.stop, reply.tool_input(SUGGEST_HYPOTHESES_TOOL)) {
            (StopReason::Refusal | StopReason::MaxTokens, _) | (_, None) => {
                Err(format!("the model suggested no hypotheses ({outcome})"))
            }
            (_, Some(input)) => parse_hypotheses(input),
        };
        let items = match items {
            Ok(items) => items,
            Err(why) => {
                fail(deps, fp, &key, &why, Some(&run_id), now, &mut report).await?;
                continue;
            }
        };
        let author = Authorship {
            provider: deps.model.name(),
            model: deps.model.model(),
            run_id: &run_id,
        };
        let comment = hypotheses_comment(&items, &author, &settings.redactor);
        deps.store
            .save_hypotheses(
                fp,
                HypothesesState::Ready,
                Some(&run_id),
                Some(&comment),
                None,
                now,
            )
            .await?;
        post(deps, fp, &ticket_id, &key, &comment, now, &mut report).await?;
    }
    Ok(report)
}

/// Posts the kept comment (its id is the ticket's, so a repeat lands once).
async fn post(
    deps: &HypothesesDeps<'_>,
    fp: Fingerprint,
    ticket_id: &str,
    key: &str,
    comment: &str,
    now: DateTime<Utc>,
    report: &mut HypothesesReport,
) -> Result<(), StoreError> {
    let comment_id = stable_uuid(&["hypotheses", &fp.to_string()]);
    match deps.tracker.comment(ticket_id, &comment_id, comment).await {
        Ok(()) => {
            deps.store
                .save_hypotheses(fp, HypothesesState::Posted, None, None, None, now)
                .await?;
            report.posted.push(key.to_owned());
        }
        Err(e) => {
            tracing::warn!(fingerprint = %fp, error = %e, "the hypotheses comment failed");
            report.retry.push(format!("{key}: {e}"));
        }
    }
    Ok(())
}

async fn fail(
    deps: &HypothesesDeps<'_>,
    fp: Fingerprint,
    key: &str,
    why: &str,
    run_id: Option<&str>,
    now: DateTime<Utc>,
    report: &mut HypothesesReport,
) -> Result<(), StoreError> {
    tracing::warn!(fingerprint = %fp, %why, "no hypotheses for a new ticket");
    deps.store
        .save_hypotheses(fp, HypothesesState::Failed, run_id, None, Some(why), now)
        .await?;
    report.failed.push(format!("{key}: {why}"));
    Ok(())
}
