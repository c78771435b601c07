//! The triage and verify runs: score → reconcile (or verify) → act. Pending intents are
//! replayed first; a dry run gathers the same facts, decides the same way, and prints the
//! plan without writing anything anywhere.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::act::{ActReport, Planned, act, replay_pending};
use super::facts::{LinkSettings, cluster_facts, ticket_links};
use super::score::{assess_clusters, score_clusters};
use crate::domain::fingerprint::Fingerprint;
use crate::domain::lifecycle::{
    ActionKind, Lookup, Traffic, TriagePolicy, VerifyPolicy, fingerprint_line, reconcile, verify,
    worth_a_ticket,
};
use crate::domain::score::{SeverityPolicy, TierRules};
use crate::domain::ticket::Ticket;
use crate::store::{Fence, Store, StoreError, StoredTicket};
use crate::tracker::{Tracker, TrackerError};

/// Everything the triage and verify runs are configured with.
#[derive(Debug, Clone)]
pub struct TriageSettings {
    pub triage: TriagePolicy,
    pub verify: VerifyPolicy,
    pub severity: SeverityPolicy,
    pub tiers: TierRules,
    pub links: LinkSettings,
}

/// Why a run could not proceed at all (one cluster's tracker trouble does not stop it).
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("tracker: {0}")]
    Tracker(#[from] TrackerError),
}

/// What a triage or verify run decided and did.
#[derive(Debug, Default, Serialize)]
pub struct TriageReport {
    pub dry_run: bool,
    pub clusters_considered: usize,
    /// The decisions, in order.
    pub plan: Vec<Planned>,
    /// Creates left for the next run by `max_new_tickets`.
    pub deferred: Vec<String>,
    /// Clusters skipped because the tracker could not be read for them.
    pub unreadable: Vec<String>,
    /// Clusters left alone because an earlier action is still pending.
    pub pending: Vec<String>,
    pub act: ActReport,
}

/// Whether a reconcile pass acts, and under which job lock.
#[derive(Debug, Clone, Copy)]
pub enum Effects<'a> {
    /// Plan only: nothing is written anywhere.
    DryRun,
    /// Act. Before each tracker call the run's job lock is checked, so a run that lost it
    /// stops (`None`: no lock is held, as when a test runs the stage directly).
    Act(Option<&'a Fence>),
}

/// Triage: score, reconcile every recent cluster (or `only` these), act.
pub async fn run_triage(
    store: &Store,
    tracker: &dyn Tracker,
    settings: &TriageSettings,
    now: DateTime<Utc>,
    only: Option<&[Fingerprint]>,
    effects: Effects<'_>,
) -> Result<TriageReport, TriageError> {
    let dry_run = matches!(effects, Effects::DryRun);
    let mut report = TriageReport {
        dry_run,
        ..TriageReport::default()
    };
    tracker.prepare().await?;
    let pending = before_deciding(store, tracker, now, effects, &mut report).await?;
    let scored = if dry_run {
        assess_clusters(store, &settings.severity, &settings.tiers, now, only).await?
    } else {
        score_clusters(store, &settings.severity, &settings.tiers, now, only).await?
    };
    let tickets: HashMap<Fingerprint, StoredTicket> = store
        .tickets()
        .await?
        .into_iter()
        .map(|t| (t.fingerprint, t))
        .collect();
    let claimed: HashSet<&str> = tickets
        .values()
        .map(|t| t.record.ticket_id.as_str())
        .collect();
    let mut open_tickets: Option<Vec<Ticket>> = None;
    let mut creates = 0usize;
    for (cluster, severity) in scored {
        let fp = cluster.identity.fingerprint;
        if pending.contains(&fp) {
            report.pending.push(fp.to_string());
            continue;
        }
        report.clusters_considered += 1;
        let facts = cluster_facts(store, &cluster, severity, now).await?;
        let links = ticket_links(&facts, &settings.links);
        let stored = tickets.get(&fp);
        let outcome: Result<_, TrackerError> = async {
            match stored {
                Some(t) => {
                    let live = tracker.ticket(&t.record.ticket_id).await?;
                    Ok(reconcile(
                        &facts,
                        Some(&t.record),
                        live.as_ref(),
                        &Lookup::default(),
                        &links,
                        &settings.triage,
                        now,
                    ))
                }
                None if worth_a_ticket(&facts, &settings.triage) => {
                    let by_link = tracker.find_by_link(&links.cluster_url).await?;
                    let by_text = match by_link {
                        Some(_) => None,
                        None => tracker.find_by_text(&fingerprint_line(&facts)).await?,
                    };
                    if open_tickets.is_none() {
                        let open = tracker
                            .open_tickets(settings.triage.link_scan_limit)
                            .await?;
                        open_tickets = Some(
                            open.into_iter()
                                .filter(|t| !claimed.contains(t.id.as_str()))
                                .collect(),
                        );
                    }
                    let lookup = Lookup {
                        by_link: by_link.as_ref(),
                        by_text: by_text.as_ref(),
                        open: open_tickets.as_deref().unwrap_or(&[]),
                    };
                    Ok(reconcile(
                        &facts,
                        None,
                        None,
                        &lookup,
                        &links,
                        &settings.triage,
                        now,
                    ))
                }
                None => Ok(Vec::new()),
            }
        }
        .await;
        let actions = match outcome {
            Ok(actions) => actions,
            Err(e) => {
                report.unreadable.push(format!("{fp}: {e}"));
                continue;
            }
        };
        for action in actions {
            if let ActionKind::Create { .. } = action.kind {
                if creates >= settings.triage.max_new_tickets {
                    report.deferred.push(format!(
                        "{fp} (score {:.0}): max_new_tickets {} reached this run",
                        facts.severity.score, settings.triage.max_new_tickets
                    ));
                    continue;
                }
                creates += 1;
            }
            // A linked ticket is no longer a candidate for another cluster.
            if let ActionKind::Link { ticket, .. } = &action.kind
                && let Some(open) = open_tickets.as_mut()
            {
                open.retain(|t| t.id != ticket.id);
            }
            report.plan.push(Planned {
                action,
                base_version: stored.map(|t| t.version),
            });
        }
    }
    if let Effects::Act(fence) = effects {
        act(
            store,
            tracker,
            report.plan.clone(),
            fence,
            now,
            &mut report.act,
        )
        .await?;
    }
    Ok(report)
}

/// Verify: every cluster with a ticket — auto-close when the error stopped, reopen when
/// it came back, notice what humans changed.
pub async fn run_verify(
    store: &Store,
    tracker: &dyn Tracker,
    settings: &TriageSettings,
    now: DateTime<Utc>,
    effects: Effects<'_>,
) -> Result<TriageReport, TriageError> {
    let mut report = TriageReport {
        dry_run: matches!(effects, Effects::DryRun),
        ..TriageReport::default()
    };
    tracker.prepare().await?;
    let pending = before_deciding(store, tracker, now, effects, &mut report).await?;
    let tickets = store.tickets().await?;
    // Only clusters with a ticket are verified: score those alone.
    let ticketed: Vec<Fingerprint> = tickets.iter().map(|t| t.fingerprint).collect();
    let scored: HashMap<Fingerprint, _> = assess_clusters(
        store,
        &settings.severity,
        &settings.tiers,
        now,
        Some(&ticketed),
    )
    .await?
    .into_iter()
    .map(|(c, s)| (c.identity.fingerprint, s))
    .collect();
    let quiet_since = now - Duration::hours(i64::from(settings.verify.quiet_hours));
    for stored in tickets {
        let fp = stored.fingerprint;
        if pending.contains(&fp) {
            report.pending.push(fp.to_string());
            continue;
        }
        let Some(cluster) = store.cluster(fp).await? else {
            continue;
        };
        let severity = match scored.get(&fp).or(cluster.severity.as_ref()) {
            Some(s) => s.clone(),
            None => continue,
        };
        report.clusters_considered += 1;
        let facts = cluster_facts(store, &cluster, severity, now).await?;
        let traffic = Traffic {
            service_events: store
                .service_events_since(&facts.service, fp, quiet_since)
                .await?,
        };
        let live = match tracker.ticket(&stored.record.ticket_id).await {
            Ok(live) => live,
            Err(e) => {
                report.unreadable.push(format!("{fp}: {e}"));
                continue;
            }
        };
        let actions = verify(
            &facts,
            &stored.record,
            live.as_ref(),
            traffic,
            &settings.triage,
            &settings.verify,
            now,
        );
        report
            .plan
            .extend(actions.into_iter().map(|action| Planned {
                action,
                base_version: Some(stored.version),
            }));
    }
    if let Effects::Act(fence) = effects {
        act(
            store,
            tracker,
            report.plan.clone(),
            fence,
            now,
            &mut report.act,
        )
        .await?;
    }
    Ok(report)
}

/// Replays pending intents (or, in a dry run, only lists their clusters).
async fn before_deciding(
    store: &Store,
    tracker: &dyn Tracker,
    now: DateTime<Utc>,
    effects: Effects<'_>,
    report: &mut TriageReport,
) -> Result<HashSet<Fingerprint>, StoreError> {
    match effects {
        Effects::DryRun => Ok(store
            .pending_actions()
            .await?
            .into_iter()
            .map(|a| a.fingerprint)
            .collect()),
        Effects::Act(fence) => replay_pending(store, tracker, fence, now, &mut report.act).await,
    }
}

impl TriageReport {
    /// The plan as a table a person reads in a terminal.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let mode = if self.dry_run {
            "dry run: nothing was written"
        } else {
            "done"
        };
        let _ = writeln!(
            out,
            "{} action(s) for {} cluster(s) ({mode})",
            self.plan.len(),
            self.clusters_considered
        );
        if !self.plan.is_empty() {
            let _ = writeln!(
                out,
                "{:<8} {:<16} {:<10} {:<48} why",
                "action", "cluster", "ticket", "title"
            );
        }
        for p in &self.plan {
            let a = &p.action;
            let key = if a.ticket_key.is_empty() {
                "(new)"
            } else {
                a.ticket_key.as_str()
            };
            let _ = writeln!(
                out,
                "{:<8} {:<16} {:<10} {:<48} {}",
                a.kind.name(),
                a.fingerprint.to_string(),
                key,
                crate::domain::lifecycle::truncate(&a.title, 48),
                a.evidence
            );
        }
        for (label, list) in [
            ("deferred", &self.deferred),
            ("unreadable", &self.unreadable),
            ("pending", &self.pending),
        ] {
            for line in list {
                let _ = writeln!(out, "{label}: {line}");
            }
        }
        out
    }
}
