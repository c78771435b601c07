//! The draft stage: for clusters with an open ticket, eligible under `DraftPolicy` and
//! within the day's budgets, ask the model for a fix through one tool, check the patch,
//! and only then write to the forge — a branch of its own, one commit, a DRAFT pull
//! request — and comment on the ticket. Every model call is recorded. The checked plan is
//! saved before the branch is made, so a run that stopped half-way resumes without asking
//! the model again, reusing the branch and finding the PR instead of opening another.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::agent::patch::{PROPOSE_FIX_TOOL, PatchRules, Proposal, check_patch_with};
use crate::agent::prompt::fix_prompt;
use crate::agent::untrusted::{first_hidden, inert_markdown, neutralise};
use crate::agent::{Prices, Provider, StopReason};
use crate::domain::draft::{
    Budget, DraftEvidence, DraftPolicy, NotEligible, Provenance, Target, branch_name, day_start,
    eligibility, pull_body, pull_title,
};
use crate::domain::lifecycle::{ClusterFacts, TicketRecord, stable_uuid};
use crate::forge::{CodeHost, FileChange, ForgeError, NewPull, RepoName};
use crate::redact::Redactor;
use crate::store::{AgentRun, DraftState, Fence, Store, StoreError};
use crate::tracker::Tracker;

/// What drafting is configured with.
#[derive(Debug, Clone)]
pub struct DraftSettings {
    pub policy: DraftPolicy,
    pub patch: PatchRules,
    pub prices: Prices,
    pub redactor: Redactor,
}

/// The adapters drafting uses.
pub struct DraftDeps<'a> {
    pub store: &'a Store,
    pub model: &'a dyn Provider,
    pub forge: &'a dyn CodeHost,
    pub tracker: &'a dyn Tracker,
    /// The run's job lock, checked before each draft is claimed (`None`: no lock held).
    pub fence: Option<&'a Fence>,
}

/// What one drafting pass did, for the run ledger.
#[derive(Debug, Default, Clone, Serialize)]
pub struct DraftReport {
    /// `fingerprint: PR url`.
    pub opened: Vec<String>,
    /// `fingerprint: why no PR`.
    pub rejected: Vec<String>,
    /// `fingerprint: why it was not tried`.
    pub skipped: Vec<String>,
    /// Left pending for the next run (a vendor failed).
    pub retry: Vec<String>,
    /// Set when a daily budget stopped drafting.
    pub budget_stop: Option<String>,
}

/// The checked patch and the PR's text, saved before anything is written to the forge.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Plan {
    repo: String,
    base_branch: String,
    base_sha: String,
    path: String,
    file_sha: String,
    files: Vec<(String, String)>,
    title: String,
    body: String,
    analysis: String,
}

/// Drafts fixes for `candidates` (each with its ticket), highest score first.
pub async fn run_drafts(
    deps: &DraftDeps<'_>,
    settings: &DraftSettings,
    now: DateTime<Utc>,
    mut candidates: Vec<(ClusterFacts, TicketRecord)>,
) -> Result<DraftReport, StoreError> {
    candidates.sort_by(|a, b| b.0.severity.score.total_cmp(&a.0.severity.score));
    let mut report = DraftReport::default();
    for (facts, ticket) in &candidates {
        let fp = facts.fingerprint;
        let existing = deps.store.draft(fp).await?;
        if let Some(d) = &existing
            && d.state != DraftState::Pending
        {
            continue; // drafted before (opened or rejected): once per cluster
        }
        let since = day_start(now);
        let budget = Budget {
            prs_today: deps.store.drafts_opened_since(since).await?,
            spend_today_usd: deps.store.spend_since(since).await?,
        };
        let target = match eligibility(facts, &settings.policy, budget) {
            Ok(target) => target,
            Err(NotEligible::Budget(why)) => {
                report.budget_stop = Some(why);
                break;
            }
            Err(why) => {
                report.skipped.push(format!("{fp}: {why}"));
                continue;
            }
        };
        let branch = branch_name(facts);
        deps.store.check_fence(deps.fence, now).await?;
        if !deps
            .store
            .claim_draft(fp, &target.repo, &branch, now)
            .await?
        {
            continue;
        }
        let plan = match existing.and_then(|d| d.plan) {
            Some(saved) => serde_json::from_str::<Plan>(&saved).ok(),
            None => None,
        };
        let plan = match plan {
            Some(plan) => plan,
            None => {
                match propose(deps, settings, facts, ticket, &target, now, &mut report).await? {
                    Some(plan) => plan,
                    None => continue,
                }
            }
        };
        match publish(deps, facts, &branch, &plan, &settings.policy.labels).await {
            Ok((number, url)) => {
                deps.store
                    .finish_draft(
                        fp,
                        DraftState::Opened,
                        Some((number, &url)),
                        None,
                        None,
                        now,
                    )
                    .await?;
                let body = format!(
                    "triaged drafted a fix: {url} (a **draft** pull request: a human must review, test and merge it).\n\n{}",
                    plan.analysis
                );
                let comment_id = stable_uuid(&["draft", &fp.to_string(), "opened"]);
                if let Err(e) = deps
                    .tracker
                    .comment(&ticket.ticket_id, &comment_id, &body)
                    .await
                {
                    tracing::warn!(fingerprint = %fp, error = %e, "the ticket comment on a drafted PR failed");
                }
                report.opened.push(format!("{fp}: {url}"));
            }
            Err(e) => report.retry.push(format!("{fp}: {e}")),
        }
    }
    Ok(report)
}

/// Asks the model, records the call, checks the answer. `Some(plan)` when it passed
/// (and was saved); `None` when the draft was rejected or must be retried.
async fn propose(
    deps: &DraftDeps<'_>,
    settings: &DraftSettings,
    facts: &ClusterFacts,
    ticket: &TicketRecord,
    target: &Target,
    now: DateTime<Utc>,
    report: &mut DraftReport,
) -> Result<Option<Plan>, StoreError> {
    let fp = facts.fingerprint;
    let repo = match RepoName::parse(&target.repo) {
        Ok(repo) => repo,
        Err(e) => {
            reject(deps, fp, now, &format!("drafts.repos: {e}"), None, report).await?;
            return Ok(None);
        }
    };
    let head = match deps.forge.default_branch(&repo).await {
        Ok(head) => head,
        Err(e) => {
            report.retry.push(format!("{fp}: {e}"));
            return Ok(None);
        }
    };
    let file = match deps.forge.file(&repo, &target.path, &head.sha).await {
        Ok(Some(file)) => file,
        Ok(None) => {
            reject(
                deps,
                fp,
                now,
                &format!("{} is not in {} at {}", target.path, target.repo, head.name),
                None,
                report,
            )
            .await?;
            return Ok(None);
        }
        Err(e) => {
            report.retry.push(format!("{fp}: {e}"));
            return Ok(None);
        }
    };
    let too_big = file.content.len() > settings.policy.max_file_bytes;
    // The model sees the file as it is (the patch applies to it): one holding secret-like
    // or invisible text is not sent at all. CRLF line ends are ordinary text.
    let unsafe_text = first_hidden(&file.content.replace("\r\n", "\n")).is_some()
        || settings.redactor.redact(&file.content) != file.content;
    if too_big || unsafe_text {
        let why = if too_big {
            format!(
                "{} is larger than max_file_bytes ({} bytes)",
                target.path, settings.policy.max_file_bytes
            )
        } else {
            format!(
                "{} holds secret-like or invisible text: it is not sent to a model",
                target.path
            )
        };
        reject(deps, fp, now, &why, None, report).await?;
        return Ok(None);
    }
    let prompt = fix_prompt(
        facts,
        target,
        &file.content,
        &format!("{}@{}", head.name, &head.sha[..head.sha.len().min(12)]),
        &settings.redactor,
    );
    let started = Instant::now();
    let answer = deps.model.complete(&prompt.request).await;
    let latency_ms = started.elapsed().as_millis() as u64;
    let run_id = stable_uuid(&[
        "agent-run",
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
            purpose: "fix".into(),
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
            report.retry.push(format!("{fp}: {e}"));
            return Ok(None);
        }
        Err(e) => {
            reject(
                deps,
                fp,
                now,
                &format!("the model's answer was unusable: {e}"),
                Some(&run_id),
                report,
            )
            .await?;
            return Ok(None);
        }
    };
    let proposal = match (&reply.stop, reply.tool_input(PROPOSE_FIX_TOOL)) {
        (StopReason::Refusal | StopReason::MaxTokens, _) | (_, None) => {
            reject(
                deps,
                fp,
                now,
                &format!("the model did not propose a fix ({outcome})"),
                Some(&run_id),
                report,
            )
            .await?;
            return Ok(None);
        }
        (_, Some(input)) => match serde_json::from_value::<Proposal>(input.clone()) {
            Ok(p) => p,
            Err(e) => {
                reject(
                    deps,
                    fp,
                    now,
                    &format!("the proposal does not fit the tool's schema: {e}"),
                    Some(&run_id),
                    report,
                )
                .await?;
                return Ok(None);
            }
        },
    };
    // What the model wrote goes into Linear comments and the PR body: redacted, and inert
    // as markdown there (no link or image the model slipped in renders or loads).
    let clean = |text: &str, max: usize| inert_markdown(&neutralise(text, &settings.redactor, max));
    let analysis = format!(
        "**Root cause (model's analysis)**: {}\n\n**Proposed change**: {}",
        clean(&proposal.root_cause, 2_000),
        clean(&proposal.summary, 1_000)
    );
    let originals = BTreeMap::from([(target.path.clone(), file.content.clone())]);
    let checked = match check_patch_with(&proposal, &originals, &settings.patch, &settings.redactor)
    {
        Ok(checked) => checked,
        Err(rejection) => {
            let why = format!(
                "the proposed patch failed the `{}` check: {}",
                rejection.check, rejection.reason
            );
            reject(deps, fp, now, &why, Some(&run_id), report).await?;
            let comment_id = stable_uuid(&["draft", &fp.to_string(), "analysis"]);
            let body = format!(
                "triaged analysed this error but opened no pull request: {}.\n\n{analysis}",
                inert_markdown(&settings.redactor.redact(&why))
            );
            let _ = deps
                .tracker
                .comment(&ticket.ticket_id, &comment_id, &body)
                .await;
            return Ok(None);
        }
    };
    let evidence = DraftEvidence {
        summary: clean(&proposal.summary, 1_000),
        root_cause: clean(&proposal.root_cause, 2_000),
        test_plan: clean(&proposal.test_plan, 2_000),
        risk: clean(&proposal.risk, 500),
        confidence: proposal.confidence.clamp(0.0, 1.0),
        ticket_key: ticket.key.clone(),
        ticket_url: ticket.url.clone(),
    };
    let provenance = Provenance {
        provider: deps.model.name().into(),
        model: deps.model.model().into(),
        agent_run_id: run_id.clone(),
        prompt_digest: prompt.digest.clone(),
        checks: checked.checks.iter().map(|c| (*c).to_owned()).collect(),
        changed_lines: checked.changed_lines,
    };
    let body = settings
        .redactor
        .redact(&pull_body(facts, &evidence, &provenance))
        .into_owned();
    let plan = Plan {
        repo: target.repo.clone(),
        base_branch: head.name.clone(),
        base_sha: head.sha.clone(),
        path: target.path.clone(),
        file_sha: file.sha.clone(),
        files: checked.files.clone(),
        title: settings
            .redactor
            .redact(&pull_title(facts, &evidence.summary))
            .into_owned(),
        body,
        analysis,
    };
    let saved = serde_json::to_string(&plan).unwrap_or_default();
    deps.store.save_draft_plan(fp, &saved, &run_id, now).await?;
    Ok(Some(plan))
}

/// Branch (its own, reused on a rerun), one commit, a draft PR (found again on a rerun).
async fn publish(
    deps: &DraftDeps<'_>,
    facts: &ClusterFacts,
    branch: &str,
    plan: &Plan,
    labels: &[String],
) -> Result<(u64, String), ForgeError> {
    let repo = RepoName::parse(&plan.repo)?;
    deps.forge
        .ensure_branch(&repo, branch, &plan.base_sha)
        .await?;
    let changes: Vec<FileChange> = plan
        .files
        .iter()
        .map(|(path, content)| FileChange {
            path: path.clone(),
            content: content.clone(),
            base_sha: (path == &plan.path).then(|| plan.file_sha.clone()),
        })
        .collect();
    let message = format!(
        "{}\n\nDrafted by triaged for cluster {}.",
        plan.title, facts.fingerprint
    );
    deps.forge
        .commit_files(&repo, branch, &message, &changes)
        .await?;
    let pull = match deps.forge.find_pull(&repo, branch).await? {
        Some(pull) => pull,
        None => {
            deps.forge
                .open_draft_pull(
                    &repo,
                    &NewPull {
                        title: plan.title.clone(),
                        body: plan.body.clone(),
                        head: branch.to_owned(),
                        base: plan.base_branch.clone(),
                        labels: labels.to_vec(),
                    },
                )
                .await?
        }
    };
    Ok((pull.number, pull.url))
}

async fn reject(
    deps: &DraftDeps<'_>,
    fp: crate::domain::fingerprint::Fingerprint,
    now: DateTime<Utc>,
    why: &str,
    run_id: Option<&str>,
    report: &mut DraftReport,
) -> Result<(), StoreError> {
    deps.store
        .finish_draft(fp, DraftState::Rejected, None, Some(why), run_id, now)
        .await?;
    report.rejected.push(format!("{fp}: {why}"));
    Ok(())
}

/// Clusters with an open ticket and a recorded severity, not drafted before.
pub async fn draft_candidates(
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Vec<(ClusterFacts, TicketRecord)>, StoreError> {
    let mut out = Vec::new();
    for stored in store.tickets().await? {
        let record = stored.record;
        if record.phase != crate::domain::ticket::TicketPhase::Open || record.key.is_empty() {
            continue;
        }
        if store
            .draft(stored.fingerprint)
            .await?
            .is_some_and(|d| d.state != DraftState::Pending)
        {
            continue;
        }
        let Some(cluster) = store.cluster(stored.fingerprint).await? else {
            continue;
        };
        let Some(severity) = cluster.severity.clone() else {
            continue;
        };
        let facts = super::facts::cluster_facts(store, &cluster, severity, now).await?;
        out.push((facts, record));
    }
    Ok(out)
}
