//! The summary job: the health summary of the 24 h ending at the scheduled tick, posted to
//! every destination and recorded. The run ledger makes it once per tick, and each
//! destination is claimed in the store before it is posted to, so a run that takes over an
//! interrupted one posts a window to a chat at most once. A destination that fails does
//! not stop the others, and its error (with the chat's answer) is the run's error.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::detail;
use crate::agent::Provider;
use crate::domain::summary::{HealthSummary, Paragraph, ParagraphAuthor};
use crate::notify::{Destination, post_all};
use crate::pipeline::report::{health_summary, write_paragraph};
use crate::scheduler::{Job, JobError, JobFuture, RunContext};
use crate::store::{FailedPost, PostOutcome, PostedSummary, Store};

pub struct SummaryJob {
    pub store: Store,
    /// Writes the opening paragraph when configured; the template otherwise.
    pub model: Option<Arc<dyn Provider>>,
    pub destinations: Vec<Destination>,
    pub dashboard_url: String,
}

/// What one summary run posted.
#[derive(Debug, Serialize)]
pub struct SummaryJobReport {
    pub window_end: DateTime<Utc>,
    pub events: u64,
    pub previous_events: u64,
    pub quiet: bool,
    /// `template`, or the model that wrote the paragraph.
    pub paragraph_by: String,
    /// Why the model's paragraph was not used, when it was not.
    pub paragraph_fallback: Option<String>,
    /// The destinations posted to.
    pub posted: Vec<String>,
    /// Destinations an earlier run of this window posted to (or may have): left alone.
    pub already_posted: Vec<String>,
    /// Whether the posted summary was recorded in the store.
    pub recorded: bool,
}

impl Job for SummaryJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let summary =
                health_summary(&self.store, ctx.scheduled_for, Some(&self.dashboard_url)).await?;
            let choice = write_paragraph(&summary, self.model.as_deref()).await;
            if let Some(why) = &choice.fallback {
                tracing::warn!(%why, "the summary paragraph falls back to the template");
            }
            let paragraph = choice.paragraph;
            // A run that lost its lock to another run of this tick posts nothing.
            ctx.hold_lock(&self.store).await?;
            let (to_post, already_posted) = self.claim_destinations(ctx).await?;
            let results = post_all(&to_post, &summary, &paragraph).await;
            let mut posted = Vec::new();
            let mut failed = Vec::new();
            for (name, result) in results {
                let outcome = match &result {
                    Ok(()) => PostOutcome::Posted,
                    Err(e) if e.may_have_posted() => PostOutcome::Unknown,
                    Err(_) => PostOutcome::NotPosted,
                };
                self.finish_post(ctx, &name, outcome).await;
                match result {
                    Ok(()) => posted.push(name),
                    Err(e) => failed.push(FailedPost {
                        error: if outcome == PostOutcome::Unknown {
                            format!("{e} (it may have been posted; it is not posted again)")
                        } else {
                            e.to_string()
                        },
                        destination: name,
                    }),
                }
            }
            if to_post.is_empty() {
                return detail(&SummaryJobReport {
                    window_end: ctx.scheduled_for,
                    events: summary.events,
                    previous_events: summary.previous_events,
                    quiet: summary.is_quiet(),
                    paragraph_by: "none".to_owned(),
                    paragraph_fallback: None,
                    posted,
                    already_posted,
                    recorded: false,
                });
            }
            let author = match &paragraph.author {
                ParagraphAuthor::Template => "template".to_owned(),
                ParagraphAuthor::Model { model } => model.clone(),
            };
            let recorded = self
                .record(ctx, &summary, &paragraph, &author, &posted, &failed)
                .await;
            if !failed.is_empty() {
                let errors: Vec<&str> = failed.iter().map(|f| f.error.as_str()).collect();
                return Err(format!(
                    "posted to [{}]; failed: {}",
                    posted.join(", "),
                    errors.join("; ")
                )
                .into());
            }
            detail(&SummaryJobReport {
                window_end: ctx.scheduled_for,
                events: summary.events,
                previous_events: summary.previous_events,
                quiet: summary.is_quiet(),
                paragraph_by: author,
                paragraph_fallback: choice.fallback,
                posted,
                already_posted,
                recorded,
            })
        })
    }
}

impl SummaryJob {
    /// Claims each destination for this window before anything is posted; those an
    /// earlier run of the window posted to, or may have, are returned apart.
    async fn claim_destinations(
        &self,
        ctx: &RunContext,
    ) -> Result<(Vec<Destination>, Vec<String>), JobError> {
        let mut to_post = Vec::new();
        let mut already_posted = Vec::new();
        for destination in &self.destinations {
            let claimed = self
                .store
                .claim_summary_post(ctx.scheduled_for, destination.name(), ctx.clock.now())
                .await?;
            if claimed {
                to_post.push(destination.clone());
            } else {
                already_posted.push(destination.name().to_owned());
            }
        }
        Ok((to_post, already_posted))
    }

    /// Records how a post ended. A store hiccup leaves the claim in place, so the
    /// destination is not posted again: logged, not the run's failure.
    async fn finish_post(&self, ctx: &RunContext, destination: &str, outcome: PostOutcome) {
        let finished = self
            .store
            .finish_summary_post(ctx.scheduled_for, destination, outcome, ctx.clock.now())
            .await;
        if let Err(error) = finished {
            tracing::warn!(%error, destination, "how the summary post ended could not be recorded");
        }
    }

    /// Records what was posted. What was posted stays posted: a store hiccup here is
    /// logged, not the run's failure.
    async fn record(
        &self,
        ctx: &RunContext,
        summary: &HealthSummary,
        paragraph: &Paragraph,
        author: &str,
        posted: &[String],
        failed: &[FailedPost],
    ) -> bool {
        let record = PostedSummary {
            window_end: ctx.scheduled_for,
            posted_at: ctx.clock.now(),
            paragraph: paragraph.text.clone(),
            paragraph_author: author.to_owned(),
            summary: summary.clone(),
            posted_to: posted.to_vec(),
            failed: failed.to_vec(),
        };
        match self.store.record_summary(&record).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "the posted summary could not be recorded");
                false
            }
        }
    }
}
