//! The demo's narrative: after each scheduled tick, what triaged decided and why, read
//! back from the store (run ledger, ticket timeline, drafts) — never from the driver's
//! own expectations — plus what the people of the story did.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use chrono::{DateTime, Utc};

mod runs;

use runs::RunLines;

use super::report::DemoReport;
use super::vendors::Vendors;
use super::world::{self, Moment};
use crate::scheduler::{CronSchedule, JobName};
use crate::store::{DraftState, Store};

/// What has been told so far.
#[derive(Default)]
pub struct Story {
    told_drafts: BTreeSet<(String, String)>,
    titles: BTreeMap<String, String>,
}

/// `Mon 16 Nov 14:05`
fn when(at: DateTime<Utc>) -> String {
    at.format("%a %d %b %H:%M").to_string()
}

pub fn header(
    out: &mut dyn Write,
    vendors: &Vendors,
    dashboard: &str,
    schedules: &[(JobName, CronSchedule)],
) -> std::io::Result<()> {
    writeln!(
        out,
        "triaged demo: three days of a small shop (checkout, payments, search, web), played in seconds."
    )?;
    writeln!(
        out,
        "Emulated vendors on 127.0.0.1 (held to their published contracts): CloudWatch Logs {}, Sentry {}, Linear {}, Anthropic {}, GitHub {}, Slack and Teams webhooks.",
        vendors.urls.cloudwatch,
        vendors.urls.sentry,
        vendors.urls.linear,
        vendors.urls.model,
        vendors.urls.github
    )?;
    writeln!(
        out,
        "Everything else is the real triaged: the daemon, its store (temporary SQLite), its clients and its jobs, on a simulated clock."
    )?;
    let jobs: Vec<String> = schedules
        .iter()
        .map(|(name, s)| format!("{name} `{}`", s.source()))
        .collect();
    writeln!(out, "Schedules: {}.", jobs.join(", "))?;
    writeln!(out, "Dashboard: {dashboard}/")?;
    writeln!(
        out,
        "\n{}  [world] an engineer files {} by hand: \"{}\"",
        when(world::human_ticket_filed()),
        vendors.human_ticket,
        world::HUMAN_TICKET_TITLE
    )?;
    Ok(())
}

pub fn footer(out: &mut dyn Write, report: &DemoReport) -> std::io::Result<()> {
    let t = &report.tickets;
    writeln!(
        out,
        "\nDone: {} clusters ({} seen in both CloudWatch and Sentry), tickets {} created / {} linked / {} updated / {} closed / {} reopened, {} draft PR(s), summaries posted {} to Slack and {} to Teams, {} duplicate tickets, in {:.1} s.",
        report.clusters,
        report.merged_across_sources.len(),
        t.created,
        t.linked,
        t.updated,
        t.closed,
        t.reopened,
        report.prs_drafted,
        report.summaries_posted.slack,
        report.summaries_posted.teams,
        report.duplicate_tickets,
        report.wall_time_ms as f64 / 1000.0
    )?;
    writeln!(out, "Dashboard: {}/", report.dashboard)?;
    Ok(())
}

impl Story {
    /// A person's move in the story, and what came of it.
    pub fn moment(
        &mut self,
        out: &mut dyn Write,
        moment: Moment,
        outcome: &str,
    ) -> std::io::Result<()> {
        writeln!(
            out,
            "{}  [world] {}{outcome}",
            when(moment.at()),
            moment.describe()
        )
    }

    /// What the runs of `tick` did: what they say, the ticket changes they made, then the
    /// drafts.
    pub async fn step(
        &mut self,
        out: &mut dyn Write,
        store: &Store,
        tick: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let stamp = when(tick);
        let mut lines = RunLines::default();
        for name in [
            JobName::Ingest,
            JobName::Triage,
            JobName::Verify,
            JobName::Summary,
        ] {
            if let Some(run) = store.run(name.as_str(), tick).await? {
                lines.tell(&run);
            }
        }
        for line in &lines.before {
            writeln!(out, "{stamp}  {line}")?;
        }
        self.tell_ticket_events(out, store, tick, lines.triaged_at_ingest)
            .await?;
        for line in &lines.after {
            writeln!(out, "{stamp}  {line}")?;
        }
        self.tell_drafts(out, store, &stamp).await
    }

    /// Every ticket change since `tick`, with the cluster's title and the first line of
    /// the evidence.
    async fn tell_ticket_events(
        &mut self,
        out: &mut dyn Write,
        store: &Store,
        tick: DateTime<Utc>,
        at_ingest: bool,
    ) -> anyhow::Result<()> {
        let stamp = when(tick);
        let events = store.ticket_events_since(tick).await?;
        if events
            .iter()
            .any(|e| !self.titles.contains_key(&e.fingerprint))
        {
            self.remember_titles(store, tick).await?;
        }
        let at_once = if at_ingest {
            " at ingest (critical: not left for the next triage run)"
        } else {
            ""
        };
        for event in events {
            let title = self
                .titles
                .get(&event.fingerprint)
                .cloned()
                .unwrap_or_else(|| event.fingerprint.clone());
            let why = event.evidence.lines().next().unwrap_or("").trim();
            let verb = match event.kind.as_str() {
                "create" => "opened",
                "link" => "linked (not duplicated)",
                "comment" => "updated",
                "reopen" => "REOPENED",
                "close" => "closed",
                "label" => "labelled",
                "observe" => "noted a human change on",
                other => other,
            };
            writeln!(
                out,
                "{stamp}  {verb} {}{at_once} — {title}: {why}",
                event.ticket_key
            )?;
        }
        Ok(())
    }

    /// Drafts opened or rejected since they were last told.
    async fn tell_drafts(
        &mut self,
        out: &mut dyn Write,
        store: &Store,
        stamp: &str,
    ) -> anyhow::Result<()> {
        for draft in store.drafts().await? {
            let key = (draft.fingerprint.to_string(), format!("{:?}", draft.state));
            if self.told_drafts.contains(&key) {
                continue;
            }
            let told = match draft.state {
                DraftState::Opened => format!(
                    "draft PR {} opened on {} ({}) — a human reviews and merges",
                    draft.pr_url.as_deref().unwrap_or("?"),
                    draft.repo,
                    draft.branch
                ),
                DraftState::Rejected => format!(
                    "no PR: the model's patch failed a check ({})",
                    draft.reason.as_deref().unwrap_or("?")
                ),
                _ => continue,
            };
            self.told_drafts.insert(key);
            writeln!(out, "{stamp}  {told}")?;
        }
        Ok(())
    }

    async fn remember_titles(&mut self, store: &Store, tick: DateTime<Utc>) -> anyhow::Result<()> {
        for cluster in store
            .clusters_seen_since(tick - chrono::Duration::days(30))
            .await?
        {
            self.titles.insert(
                cluster.identity.fingerprint.to_string(),
                format!("[{}] {}", cluster.identity.service, cluster.identity.title),
            );
        }
        Ok(())
    }
}
