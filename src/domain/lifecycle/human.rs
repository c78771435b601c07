//! Noticing what humans changed in the tracker: a ticket moved, reopened, relabelled or
//! deleted, brought into the record with a line saying what changed.

use chrono::{DateTime, Utc};

use super::content::stamp;
use super::{Closer, Closure, ClusterFacts, TicketRecord};
use crate::domain::ticket::{Ticket, TicketPhase};

/// Brings the record in line with what a human did in the tracker. Returns the record as
/// it now stands and, when something changed, a line saying what.
pub(super) fn sync(
    facts: &ClusterFacts,
    record: &TicketRecord,
    live: Option<&Ticket>,
    now: DateTime<Utc>,
) -> (TicketRecord, Option<String>) {
    let mut next = record.clone();
    let Some(live) = live else {
        if record.phase == TicketPhase::Canceled {
            return (next, None);
        }
        next.phase = TicketPhase::Canceled;
        next.closure = Some(Closure::now(
            facts,
            Closer::Human,
            TicketPhase::Canceled,
            now,
        ));
        return (
            next,
            Some(format!(
                "{} is gone from the tracker: treated as canceled by a human",
                record.key
            )),
        );
    };
    next.labels = live.labels.clone();
    next.key = live.key.clone();
    next.url = live.url.clone();
    if live.phase == record.phase {
        let changed = next.labels != record.labels;
        return (
            next,
            changed.then(|| format!("{} labels are now: {}", live.key, live.labels.join(", "))),
        );
    }
    next.phase = live.phase;
    let evidence = match live.phase {
        TicketPhase::Open => {
            next.closure = None;
            next.human_reopened_after_fix = Some(fix_ref(record));
            format!(
                "a human reopened {} ({}): it will not be auto-closed again for this fix",
                live.key, live.state_name
            )
        }
        phase => {
            next.closure = Some(Closure::now(facts, Closer::Human, phase, now));
            format!(
                "a human moved {} to {} ({}) at about {}",
                live.key,
                phase.as_str(),
                live.state_name,
                stamp(now)
            )
        }
    };
    (next, Some(evidence))
}

/// The fix a record is about, or `none` (a human reopen then blocks stale closes too).
pub(super) fn fix_ref(record: &TicketRecord) -> String {
    record
        .fix
        .as_ref()
        .map_or_else(|| "none".to_owned(), |f| f.reference.clone())
}
