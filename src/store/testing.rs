//! Test seeding through the store's real write paths: a temp SQLite store, clusters through
//! the ingest write, tickets through the intent API, runs through the ledger.

use chrono::{DateTime, Duration, Utc};

use super::{Claim, IngestWrite, RunOutcome, Store, Trigger};
use crate::domain::cluster::{
    ClusterDraft, ClusterIdentity, ClusterKind, ClusterLimits, Occurrence,
};
use crate::domain::event::{LogLevel, Service, UserHash, UserSalt};
use crate::domain::fingerprint::Fingerprint;
use crate::domain::lifecycle::{Action, ActionKind, CloseReason, Origin, Posted, TicketRecord};
use crate::domain::score::{Level, ScoreInput, Severity, SeverityPolicy, Tier};
use crate::domain::ticket::{NewTicket, TicketLink, TicketPhase};

/// A migrated store on a fresh SQLite file, gone when the directory is dropped.
pub(crate) async fn temp_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("triaged.db").display());
    (Store::open(&url).await.expect("open store"), dir)
}

/// The fingerprint of test cluster `n`.
pub(crate) fn fp(n: u64) -> Fingerprint {
    format!("{n:016x}").parse().expect("16 hex digits")
}

/// Writes cluster `n` of `service` (title `Error n`) with `(at, events, user)` occurrences
/// through the ingest write, then its severity at `score` when given.
pub(crate) async fn cluster(
    store: &Store,
    n: u64,
    service: &str,
    score: Option<f64>,
    occurrences: &[(DateTime<Utc>, u64, Option<&str>)],
) -> Fingerprint {
    let salt = UserSalt::new(*b"summary-test-salt").expect("salt");
    let identity = ClusterIdentity {
        fingerprint: fp(n),
        service: Service::new(service).expect("service"),
        kind: ClusterKind::Template,
        exception_type: None,
        merge_key: None,
        title: format!("Error {n}"),
        template: format!("Error {n}"),
    };
    let limits = ClusterLimits::default();
    let occurrence = |&(at, events, user): &(DateTime<Utc>, u64, Option<&str>)| Occurrence {
        at,
        events,
        level: LogLevel::Error,
        unhandled: false,
        user: user.and_then(|u| UserHash::from_raw(&salt, u)),
        reported_users: None,
        endpoint: None,
        release: None,
        host: None,
        source_key: "file:test".into(),
        sample: None,
    };
    let occurrences: Vec<Occurrence> = occurrences.iter().map(occurrence).collect();
    let mut draft = ClusterDraft::new(identity, &occurrences[0]);
    for o in &occurrences {
        draft.record(o, &limits);
    }
    let now = draft.last_seen;
    store
        .apply_ingest(IngestWrite {
            drafts: vec![&draft],
            aliases: &[],
            templates: Vec::new(),
            cursors: &[],
            fence: None,
            limits: &limits,
            now,
        })
        .await
        .expect("ingest write");
    if let Some(score) = score {
        store
            .save_severity(fp(n), &severity(score, now), now)
            .await
            .expect("save severity");
    }
    fp(n)
}

/// A severity with the given score and the level the default thresholds give it.
pub(crate) fn severity(score: f64, now: DateTime<Utc>) -> Severity {
    let input = ScoreInput {
        events_24h: 10,
        hourly_counts: vec![],
        users_24h: 0,
        endpoints: 0,
        services: 1,
        hosts: 0,
        tier: Tier::Normal,
        worst_level: LogLevel::Error,
        unhandled: false,
        first_seen: now - Duration::days(3),
        new_in_latest_release: false,
        regressed: false,
    };
    let policy = SeverityPolicy::default();
    let mut s = Severity::assess(&input, now, &policy);
    s.score = score;
    s.level = Level::from_score(score, &policy.thresholds);
    s
}

/// A ticket action as the tracker would have carried it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A create whose intent is written but has not landed (no key yet).
    Claim,
    Create,
    Close,
    Reopen,
}

/// Takes `step` on cluster `fp`'s ticket `key` at `at`, through `begin_action` and (except
/// for `Claim`) `finish_action`.
pub(crate) async fn ticket(
    store: &Store,
    fp: Fingerprint,
    key: &str,
    step: Step,
    at: DateTime<Utc>,
) {
    let current = store.ticket(fp).await.expect("read ticket");
    let comment_id = format!("{key}-{step:?}-{}", at.timestamp());
    let (kind, phase) = match step {
        Step::Claim | Step::Create => {
            let ticket = NewTicket {
                id: format!("id-{fp}"),
                title: format!("Error in {fp}"),
                description: String::new(),
                priority: 2,
                labels: vec![],
                link: TicketLink {
                    url: format!("https://triaged.example/c/{fp}"),
                    title: "cluster".into(),
                    subtitle: None,
                },
            };
            (ActionKind::Create { ticket }, TicketPhase::Open)
        }
        Step::Close => (
            ActionKind::Close {
                ticket_id: format!("id-{fp}"),
                comment_id,
                body: "quiet".into(),
                reason: CloseReason::Stale,
            },
            TicketPhase::Done,
        ),
        Step::Reopen => (
            ActionKind::Reopen {
                ticket_id: format!("id-{fp}"),
                comment_id,
                body: "back".into(),
            },
            TicketPhase::Open,
        ),
    };
    let landed = TicketRecord {
        ticket_id: format!("id-{fp}"),
        key: key.into(),
        url: format!("https://linear.app/acme/issue/{key}"),
        origin: Origin::Created,
        phase,
        labels: vec![],
        posted: Posted {
            at,
            events_24h: 0,
            level: Level::High,
            endpoints: vec![],
            releases: vec![],
        },
        comments: 0,
        closure: None,
        fix: None,
        reopens: 0,
        flapping: false,
        human_reopened_after_fix: None,
        created_at: at,
    };
    let claimed = TicketRecord {
        key: String::new(),
        url: String::new(),
        ..landed.clone()
    };
    let action = Action {
        fingerprint: fp,
        title: format!("Error in {fp}"),
        ticket_key: key.into(),
        kind,
        evidence: format!("test {step:?}"),
        record_after: if step == Step::Claim {
            claimed
        } else {
            landed.clone()
        },
    };
    let claim = store
        .begin_action(&action, current.map(|t| t.version), at)
        .await
        .expect("begin action");
    assert_eq!(claim, Claim::Started, "{step:?} {key}");
    if step != Step::Claim {
        store
            .finish_action(&action, &landed, at)
            .await
            .expect("finish action");
    }
}

/// A run of `job` scheduled (and started) at `at` that ended a minute later with `outcome`.
pub(crate) async fn run(store: &Store, job: &str, at: DateTime<Utc>, outcome: RunOutcome) {
    let claimed = store
        .claim_run(
            job,
            at,
            Trigger::Schedule,
            "test",
            at,
            at + Duration::minutes(5),
        )
        .await
        .expect("claim run");
    assert_eq!(claimed, Some(1));
    let finished = store
        .finish_run(job, at, "test", at + Duration::minutes(1), &outcome)
        .await
        .expect("finish run");
    assert!(finished);
}
