//! A cluster worth a ticket that has no record yet: find the ticket before creating one
//! (by the cluster's attachment, by its fingerprint line, then by a close open title), and
//! link it, or create a new one.

use chrono::{DateTime, Utc};

use super::content::{ticket_content, ticket_title};
use super::reconcile::{Lookup, MatchedBy, action, posted_now, worth_a_ticket};
use super::title_match::best_title_match;
use super::{
    Action, ActionKind, Closer, Closure, ClusterFacts, Origin, TicketLinks, TicketRecord,
    TriagePolicy, stable_uuid,
};
use crate::domain::ticket::{NewTicket, Ticket, TicketLink, TicketPhase};

pub(super) fn find_or_create(
    facts: &ClusterFacts,
    lookup: &Lookup<'_>,
    links: &TicketLinks,
    policy: &TriagePolicy,
    now: DateTime<Utc>,
) -> Option<Action> {
    if !worth_a_ticket(facts, policy) {
        return None;
    }
    let found = lookup
        .by_link
        .map(|t| {
            (
                t,
                MatchedBy::Attachment,
                "it already carries this cluster's link".to_owned(),
            )
        })
        .or_else(|| {
            lookup.by_text.map(|t| {
                (
                    t,
                    MatchedBy::Fingerprint,
                    "its description carries this cluster's fingerprint".to_owned(),
                )
            })
        })
        .or_else(|| {
            best_title_match(facts, lookup.open, policy).map(|(t, similarity)| {
                (
                    t,
                    MatchedBy::Title,
                    format!(
                        "its title is {:.0} % similar to the cluster's",
                        similarity * 100.0
                    ),
                )
            })
        });
    if let Some((ticket, matched_by, why)) = found {
        let body = (matched_by == MatchedBy::Title).then(|| {
            format!(
                "triaged linked this ticket to the error cluster `{}` ({} events in 24 h, {} users, {} severity) because {why}.\n\nDetails: {}",
                facts.fingerprint, facts.events_24h, facts.users_24h, facts.severity.level.as_str(), links.cluster_url
            )
        });
        let mut record = new_record(facts, ticket, Origin::Linked(matched_by), now);
        if ticket.phase != TicketPhase::Open {
            record.closure = Some(Closure::now(facts, Closer::Human, ticket.phase, now));
        }
        record.comments = u32::from(body.is_some());
        let kind = ActionKind::Link {
            ticket: ticket.clone(),
            link: cluster_link(facts, links),
            matched_by,
            comment_id: stable_uuid(&["comment", &ticket.id, "0"]),
            body,
        };
        return Some(action(
            facts,
            &record,
            kind,
            format!("{} matches: {why}", ticket.key),
            record.clone(),
        ));
    }
    let id = stable_uuid(&["ticket", &facts.fingerprint.to_string()]);
    let ticket = NewTicket {
        id: id.clone(),
        title: ticket_title(facts),
        description: ticket_content(facts, links),
        priority: facts.severity.level.linear_priority(),
        labels: policy.labels.clone(),
        link: cluster_link(facts, links),
    };
    let placeholder = Ticket {
        id,
        key: String::new(),
        url: String::new(),
        title: ticket.title.clone(),
        phase: TicketPhase::Open,
        state_name: String::new(),
        labels: ticket.labels.clone(),
    };
    let record = new_record(facts, &placeholder, Origin::Created, now);
    let evidence = format!(
        "score {:.0} ≥ {:.0} and {} events in 24 h ≥ {}; no ticket found by link, fingerprint or title",
        facts.severity.score, policy.min_score, facts.events_24h, policy.min_events
    );
    Some(action(
        facts,
        &record,
        ActionKind::Create { ticket },
        evidence,
        record.clone(),
    ))
}

/// The attachment that marks a ticket as the cluster's (Linear keeps one per URL).
fn cluster_link(facts: &ClusterFacts, links: &TicketLinks) -> TicketLink {
    TicketLink {
        url: links.cluster_url.clone(),
        title: format!("triaged cluster {}", facts.fingerprint),
        subtitle: Some(format!("{}: {}", facts.service, facts.title)),
    }
}

fn new_record(
    facts: &ClusterFacts,
    ticket: &Ticket,
    origin: Origin,
    now: DateTime<Utc>,
) -> TicketRecord {
    TicketRecord {
        ticket_id: ticket.id.clone(),
        key: ticket.key.clone(),
        url: ticket.url.clone(),
        origin,
        phase: ticket.phase,
        labels: ticket.labels.clone(),
        posted: posted_now(facts, None, now),
        comments: 0,
        closure: None,
        fix: None,
        reopens: 0,
        flapping: false,
        human_reopened_after_fix: None,
        created_at: now,
    }
}
