//! `reconcile`: one cluster, its ticket record and the tracker's view → the actions of a
//! triage run (find before create, create, link, comment on a material change, reopen on
//! a regression, flapping label, and noticing what humans changed).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::content::stamp;
use super::first_ticket::find_or_create;
use super::human::sync;
use super::regression::events_after_close;
use super::{
    Action, ActionKind, ClusterFacts, Posted, TicketLinks, TicketRecord, TriagePolicy, stable_uuid,
};
use crate::domain::ticket::{Ticket, TicketPhase};

/// How an existing ticket was recognised as the cluster's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// It carries the cluster's stable URL as an attachment.
    Attachment,
    /// Its description carries the fingerprint line.
    Fingerprint,
    /// An open ticket whose title is close to the cluster's.
    Title,
}

/// What the tracker said when asked for an existing ticket (only gathered for a cluster
/// without a record that is worth a ticket).
#[derive(Debug, Default, Clone, Copy)]
pub struct Lookup<'a> {
    pub by_link: Option<&'a Ticket>,
    pub by_text: Option<&'a Ticket>,
    /// Open tickets not linked to another cluster.
    pub open: &'a [Ticket],
}

/// Whether a cluster is worth a ticket.
pub fn worth_a_ticket(facts: &ClusterFacts, policy: &TriagePolicy) -> bool {
    facts.severity.score >= policy.min_score && facts.events_24h >= policy.min_events
}

/// The triage decisions for one cluster. `live` is the tracker's current view of the
/// recorded ticket (`None` when there is no record, or the ticket is gone).
pub fn reconcile(
    facts: &ClusterFacts,
    record: Option<&TicketRecord>,
    live: Option<&Ticket>,
    lookup: &Lookup<'_>,
    links: &TicketLinks,
    policy: &TriagePolicy,
    now: DateTime<Utc>,
) -> Vec<Action> {
    let Some(record) = record else {
        return find_or_create(facts, lookup, links, policy, now)
            .into_iter()
            .collect();
    };
    let (record, observed) = sync(facts, record, live, now);
    let mut actions = Vec::new();
    let ignored = record
        .labels
        .iter()
        .any(|l| l.eq_ignore_ascii_case(&policy.ignore_label));
    match record.phase {
        TicketPhase::Open if !ignored => {
            if let Some(action) = update_if_material(facts, &record, policy, now) {
                actions.push(action);
            }
        }
        TicketPhase::Open => {}
        TicketPhase::Done | TicketPhase::Canceled => {
            actions.extend(reopen_if_regressed(facts, &record, ignored, policy, now));
        }
    }
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

pub(super) fn posted_now(
    facts: &ClusterFacts,
    before: Option<&Posted>,
    now: DateTime<Utc>,
) -> Posted {
    let mut endpoints = before.map(|p| p.endpoints.clone()).unwrap_or_default();
    let mut releases = before.map(|p| p.releases.clone()).unwrap_or_default();
    for e in facts.endpoint_names() {
        if !endpoints.contains(&e) {
            endpoints.push(e);
        }
    }
    for r in &facts.releases {
        if !releases.contains(&r.release) {
            releases.push(r.release.clone());
        }
    }
    Posted {
        at: now,
        events_24h: facts.events_24h,
        level: facts.severity.level,
        endpoints,
        releases,
    }
}

fn update_if_material(
    facts: &ClusterFacts,
    record: &TicketRecord,
    policy: &TriagePolicy,
    now: DateTime<Utc>,
) -> Option<Action> {
    let posted = &record.posted;
    let mut changes = Vec::new();
    let floor = posted.events_24h.max(policy.min_events).max(1);
    if facts.events_24h as f64 >= floor as f64 * policy.volume_factor {
        changes.push(format!(
            "24 h volume ×{:.1} ({} → {})",
            facts.events_24h as f64 / posted.events_24h.max(1) as f64,
            posted.events_24h,
            facts.events_24h
        ));
    }
    for r in facts
        .releases
        .iter()
        .filter(|r| !posted.releases.contains(&r.release))
    {
        changes.push(format!(
            "new release affected: `{}` ({} events)",
            r.release, r.events
        ));
    }
    for e in facts
        .endpoint_names()
        .iter()
        .take(5)
        .filter(|e| !posted.endpoints.contains(e))
    {
        changes.push(format!("new endpoint: `{e}`"));
    }
    let priority = (facts.severity.level > posted.level).then(|| {
        changes.push(format!(
            "severity rose from {} to {}",
            posted.level.as_str(),
            facts.severity.level.as_str()
        ));
        facts.severity.level.linear_priority()
    });
    if changes.is_empty() {
        return None;
    }
    let body = format!(
        "**Update from triaged**: {}.\n\nNow {} events in 24 h, {} in 7 days, {} users in 24 h; score {:.0} ({}). Last seen {}.",
        changes.join("; "),
        facts.events_24h,
        facts.events_7d,
        facts.users_24h,
        facts.severity.score,
        facts.severity.level.as_str(),
        stamp(facts.last_seen)
    );
    let mut after = record.clone();
    after.posted = posted_now(facts, Some(posted), now);
    after.comments += 1;
    let kind = ActionKind::Comment {
        ticket_id: record.ticket_id.clone(),
        comment_id: stable_uuid(&["comment", &record.ticket_id, &record.comments.to_string()]),
        body,
        priority,
    };
    Some(action(facts, record, kind, changes.join("; "), after))
}

pub(super) fn reopen_if_regressed(
    facts: &ClusterFacts,
    record: &TicketRecord,
    ignored: bool,
    policy: &TriagePolicy,
    now: DateTime<Utc>,
) -> Vec<Action> {
    let Some(closure) = &record.closure else {
        return Vec::new();
    };
    let after = events_after_close(facts, closure, record.fix.as_ref());
    if after.counted() < policy.reopen_min_events || facts.last_seen <= closure.at {
        return Vec::new();
    }
    let human_said_no = ignored || record.phase == TicketPhase::Canceled;
    if human_said_no && facts.severity.score < policy.escalation_score {
        return Vec::new();
    }
    let mut evidence = format!(
        "{} events since it was closed on {} (at least {} reopen it)",
        after.counted(),
        stamp(closure.at),
        policy.reopen_min_events
    );
    if !after.releases.is_empty() {
        let list: Vec<String> = after
            .releases
            .iter()
            .map(|(r, n)| format!("`{r}` ({n})"))
            .collect();
        evidence.push_str(&format!("; releases: {}", list.join(", ")));
    }
    if after.old_release_events > 0 {
        evidence.push_str(&format!(
            "; {} more from releases older than the fix were not counted",
            after.old_release_events
        ));
    }
    if let Some(fix) = &record.fix {
        evidence.push_str(&format!(
            "; fix {} merged {}",
            fix.reference,
            stamp(fix.merged_at)
        ));
    }
    if human_said_no {
        evidence.push_str(&format!(
            "; reopened despite a human's decision because the score {:.0} ≥ the escalation threshold {:.0}",
            facts.severity.score, policy.escalation_score
        ));
    }
    let mut after_record = record.clone();
    after_record.phase = TicketPhase::Open;
    after_record.closure = None;
    after_record.reopens += 1;
    after_record.comments += 1;
    after_record.posted = posted_now(facts, Some(&record.posted), now);
    let body = format!(
        "**Reopened by triaged**: the error is back. {evidence}.\n\nLast seen {}; {} events in 24 h, {} users.",
        stamp(facts.last_seen),
        facts.events_24h,
        facts.users_24h
    );
    let reopen = ActionKind::Reopen {
        ticket_id: record.ticket_id.clone(),
        comment_id: stable_uuid(&["comment", &record.ticket_id, &record.comments.to_string()]),
        body,
    };
    let mut actions = vec![action(
        facts,
        record,
        reopen,
        evidence,
        after_record.clone(),
    )];
    if after_record.reopens >= policy.max_reopens && !record.flapping {
        let mut flapping = after_record.clone();
        flapping.flapping = true;
        flapping.labels.push(policy.flapping_label.clone());
        let kind = ActionKind::Label {
            ticket_id: record.ticket_id.clone(),
            label: policy.flapping_label.clone(),
        };
        let why = format!(
            "reopened {} times (max_reopens {}): labelled and no longer auto-closed",
            after_record.reopens, policy.max_reopens
        );
        actions.push(action(facts, &after_record, kind, why, flapping));
    }
    actions
}

pub(super) fn action(
    facts: &ClusterFacts,
    record: &TicketRecord,
    kind: ActionKind,
    evidence: String,
    record_after: TicketRecord,
) -> Action {
    Action {
        fingerprint: facts.fingerprint,
        title: facts.title.clone(),
        ticket_key: record.key.clone(),
        kind,
        evidence,
        record_after,
    }
}
