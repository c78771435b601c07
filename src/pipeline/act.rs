//! The act stage: executes lifecycle actions against the tracker with crash safety — the
//! intent is written before the call and completed after; intents left pending (a crash,
//! a tracker outage) are replayed first, and every call is idempotent by the id it carries,
//! so a replay finds what already landed instead of doing it twice.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::fingerprint::Fingerprint;
use crate::domain::lifecycle::{Action, ActionKind, TicketRecord};
use crate::domain::ticket::{Ticket, TicketChange, TicketPhase};
use crate::store::{Claim, Fence, Store, StoreError};
use crate::tracker::{Tracker, TrackerError};

/// An action with the version of the ticket record it was decided on.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    #[serde(flatten)]
    pub action: Action,
    #[serde(skip)]
    pub base_version: Option<i64>,
}

/// What the act stage did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ActReport {
    /// `kind ticket: evidence` of each action that landed.
    pub done: Vec<String>,
    /// Pending intents from earlier runs that were completed now.
    pub replayed: usize,
    /// Actions not taken because another run holds the cluster or it changed meanwhile.
    pub skipped: Vec<String>,
    /// Actions that failed; `retry` ones stay pending for the next run.
    pub failed: Vec<ActFailure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActFailure {
    pub fingerprint: String,
    pub action: &'static str,
    pub error: String,
    pub retry: bool,
}

impl ActReport {
    /// Counts of landed actions by kind (`create`, `comment`, …).
    pub fn count(&self, kind: &str) -> usize {
        self.done
            .iter()
            .filter(|d| d.starts_with(&format!("{kind} ")))
            .count()
    }
}

/// Replays every pending intent. Returns the clusters whose intent is still pending (no
/// new decision is taken for them this run).
pub async fn replay_pending(
    store: &Store,
    tracker: &dyn Tracker,
    fence: Option<&Fence>,
    now: DateTime<Utc>,
    report: &mut ActReport,
) -> Result<HashSet<Fingerprint>, StoreError> {
    let mut still_pending = HashSet::new();
    for action in store.pending_actions().await? {
        store.check_fence(fence, now).await?;
        if complete(store, tracker, &action, now, report)
            .await?
            .is_some()
        {
            report.replayed += 1;
        } else {
            still_pending.insert(action.fingerprint);
        }
    }
    Ok(still_pending)
}

/// Executes planned actions in order; one cluster's failure does not stop the others.
pub async fn act(
    store: &Store,
    tracker: &dyn Tracker,
    planned: Vec<Planned>,
    fence: Option<&Fence>,
    now: DateTime<Utc>,
    report: &mut ActReport,
) -> Result<(), StoreError> {
    let mut blocked: HashSet<Fingerprint> = HashSet::new();
    // Each step of a cluster's plan builds on the record the previous one stored.
    let mut versions: std::collections::HashMap<Fingerprint, Option<i64>> = Default::default();
    for Planned {
        action,
        base_version,
    } in planned
    {
        let fp = action.fingerprint;
        if blocked.contains(&fp) {
            report.skipped.push(format!(
                "{} {}: an earlier step did not land",
                action.kind.name(),
                fp
            ));
            continue;
        }
        let base = versions.get(&fp).copied().unwrap_or(base_version);
        if matches!(action.kind, ActionKind::Observe) {
            match store.observe(&action, base.unwrap_or(-1), now).await? {
                Some(version) => {
                    report.done.push(line(&action, &action.record_after.key));
                    versions.insert(fp, Some(version));
                }
                None => {
                    report
                        .skipped
                        .push(format!("observe {fp}: the record changed meanwhile"));
                    blocked.insert(fp);
                }
            }
            continue;
        }
        // A run that lost its job lock stops before its next tracker call.
        store.check_fence(fence, now).await?;
        match store.begin_action(&action, base, now).await? {
            Claim::Busy(why) => {
                report
                    .skipped
                    .push(format!("{} {fp}: {why}", action.kind.name()));
                blocked.insert(fp);
            }
            Claim::Started => match complete(store, tracker, &action, now, report).await? {
                Some(version) => {
                    versions.insert(fp, Some(version));
                }
                None => {
                    blocked.insert(fp);
                }
            },
        }
    }
    Ok(())
}

/// Calls the tracker for an intent already written and records the outcome: the record's
/// new version when it landed.
async fn complete(
    store: &Store,
    tracker: &dyn Tracker,
    action: &Action,
    now: DateTime<Utc>,
    report: &mut ActReport,
) -> Result<Option<i64>, StoreError> {
    match execute(tracker, action).await {
        Ok(landed) => {
            let version = store.finish_action(action, &landed, now).await?;
            report.done.push(line(action, &landed.key));
            Ok(Some(version))
        }
        Err(e) => {
            let retry = e.is_retryable();
            let error = e.to_string();
            tracing::warn!(fingerprint = %action.fingerprint, action = action.kind.name(), retry, %error, "tracker action failed");
            store.fail_action(action, &error, retry, now).await?;
            report.failed.push(ActFailure {
                fingerprint: action.fingerprint.to_string(),
                action: action.kind.name(),
                error,
                retry,
            });
            Ok(None)
        }
    }
}

/// The tracker calls of one action; each is idempotent by the id it carries.
async fn execute(tracker: &dyn Tracker, action: &Action) -> Result<TicketRecord, TrackerError> {
    let mut landed = action.record_after.clone();
    match &action.kind {
        ActionKind::Create { ticket } => {
            let created = tracker.create(ticket).await?;
            adopt(&mut landed, &created);
        }
        ActionKind::Link {
            ticket,
            link,
            comment_id,
            body,
            ..
        } => {
            tracker.attach(&ticket.id, link).await?;
            if let Some(body) = body {
                tracker.comment(&ticket.id, comment_id, body).await?;
            }
        }
        ActionKind::Comment {
            ticket_id,
            comment_id,
            body,
            priority,
        } => {
            tracker.comment(ticket_id, comment_id, body).await?;
            if let Some(priority) = priority {
                let change = TicketChange {
                    priority: Some(*priority),
                    ..TicketChange::default()
                };
                let after = tracker.update(ticket_id, &change).await?;
                landed.labels = after.labels;
            }
        }
        ActionKind::Reopen {
            ticket_id,
            comment_id,
            body,
        } => {
            let change = TicketChange {
                phase: Some(TicketPhase::Open),
                ..TicketChange::default()
            };
            let after = tracker.update(ticket_id, &change).await?;
            tracker.comment(ticket_id, comment_id, body).await?;
            adopt(&mut landed, &after);
        }
        ActionKind::Close {
            ticket_id,
            comment_id,
            body,
            ..
        } => {
            tracker.comment(ticket_id, comment_id, body).await?;
            let change = TicketChange {
                phase: Some(TicketPhase::Done),
                ..TicketChange::default()
            };
            let after = tracker.update(ticket_id, &change).await?;
            adopt(&mut landed, &after);
        }
        ActionKind::Label { ticket_id, label } => {
            let change = TicketChange {
                add_labels: vec![label.clone()],
                ..TicketChange::default()
            };
            let after = tracker.update(ticket_id, &change).await?;
            landed.labels = after.labels;
        }
        ActionKind::Observe => {}
    }
    Ok(landed)
}

/// The tracker's word on id, key, URL and labels; the phase stays what triaged decided
/// unless the tracker shows otherwise after the call.
fn adopt(record: &mut TicketRecord, ticket: &Ticket) {
    record.ticket_id = ticket.id.clone();
    record.key = ticket.key.clone();
    record.url = ticket.url.clone();
    record.labels = ticket.labels.clone();
    record.phase = ticket.phase;
}

fn line(action: &Action, key: &str) -> String {
    format!(
        "{} {} {}: {}",
        action.kind.name(),
        key,
        action.fingerprint,
        action.evidence
    )
}
