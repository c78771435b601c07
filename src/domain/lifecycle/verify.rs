//! `verify`: the hourly re-check of a cluster with a ticket — auto-close once the error has
//! stopped (a merged fix and a quiet window with the service still logging, or nothing at
//! all for `stale_days`), reopen when it came back.

use chrono::{DateTime, Duration, Utc};

use super::content::stamp;
use super::human::{fix_ref, sync};
use super::reconcile::{action, reopen_if_regressed};
use super::{
    Action, ActionKind, CloseReason, Closer, Closure, ClusterFacts, TicketRecord, TriagePolicy,
    VerifyPolicy, stable_uuid,
};
use crate::domain::ticket::{Ticket, TicketPhase};

/// Evidence that the service was running and reporting during the quiet window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traffic {
    /// Events of the service's other clusters in the last `quiet_hours`.
    pub service_events: u64,
}

/// The verify decisions for one cluster with a ticket.
pub fn verify(
    facts: &ClusterFacts,
    record: &TicketRecord,
    live: Option<&Ticket>,
    traffic: Traffic,
    triage: &TriagePolicy,
    policy: &VerifyPolicy,
    now: DateTime<Utc>,
) -> Vec<Action> {
    let (record, observed) = sync(facts, record, live, now);
    let ignored = record
        .labels
        .iter()
        .any(|l| l.eq_ignore_ascii_case(&triage.ignore_label));
    let mut actions = match record.phase {
        TicketPhase::Open => close_if_quiet(facts, &record, traffic, policy, now)
            .into_iter()
            .collect(),
        TicketPhase::Done | TicketPhase::Canceled => {
            reopen_if_regressed(facts, &record, ignored, triage, now)
        }
    };
    if actions.is_empty()
        && let Some(evidence) = observed
    {
        actions.push(action(
            facts,
            &record,
            ActionKind::Observe,
            evidence,
            record.clone(),
        ));
    }
    actions
}

fn close_if_quiet(
    facts: &ClusterFacts,
    record: &TicketRecord,
    traffic: Traffic,
    policy: &VerifyPolicy,
    now: DateTime<Utc>,
) -> Option<Action> {
    if record.flapping {
        return None;
    }
    if record.human_reopened_after_fix.as_deref() == Some(fix_ref(record).as_str()) {
        return None;
    }
    let quiet_start = now - Duration::hours(i64::from(policy.quiet_hours));
    let stale_start = now - Duration::days(i64::from(policy.stale_days));
    let (reason, evidence) = if facts.last_seen <= stale_start {
        (
            CloseReason::Stale,
            format!(
                "no occurrence for {} days (last seen {}; stale_days {})",
                (now - facts.last_seen).num_days(),
                stamp(facts.last_seen),
                policy.stale_days
            ),
        )
    } else {
        let fix = record.fix.as_ref()?;
        let quiet = fix.merged_at <= quiet_start && facts.last_seen < quiet_start;
        if !quiet || traffic.service_events < policy.min_service_events {
            return None;
        }
        (
            CloseReason::FixQuiet,
            format!(
                "fix {} merged {}; no occurrence in the last {} h (last seen {}) while the service {} logged {} other error events, so it was running and reporting",
                fix.reference,
                stamp(fix.merged_at),
                policy.quiet_hours,
                stamp(facts.last_seen),
                facts.service,
                traffic.service_events
            ),
        )
    };
    let body = format!(
        "**Closed by triaged**: {evidence}.\n\nIf the error comes back (at least the configured number of events after this close, from a release at or after the fix), triaged reopens this ticket with the evidence."
    );
    let mut after = record.clone();
    after.phase = TicketPhase::Done;
    after.closure = Some(Closure::now(facts, Closer::Triaged, TicketPhase::Done, now));
    after.comments += 1;
    let kind = ActionKind::Close {
        ticket_id: record.ticket_id.clone(),
        comment_id: stable_uuid(&["comment", &record.ticket_id, &record.comments.to_string()]),
        body,
        reason,
    };
    Some(action(facts, record, kind, evidence, after))
}
