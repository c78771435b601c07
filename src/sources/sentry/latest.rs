//! Latest events of the issues a run wants them for, read concurrently (the client's
//! cap bounds how many at once) and converted; failures degrade the issue, never the run.

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::task::JoinSet;

use super::convert::{EventContext, convert_event};
use super::{SentryObservation, SentryPullReport, SentrySource};

/// Reads and converts the latest event of `observations[i]` for each `(i, issue level)`
/// in `wanted`, up to the client's concurrency at once.
pub(super) async fn read_latest_events(
    source: &SentrySource,
    observations: &mut [SentryObservation],
    wanted: &[(usize, Option<String>)],
    now: DateTime<Utc>,
    report: &mut SentryPullReport,
) {
    let mut tasks = JoinSet::new();
    for (index, level) in wanted.iter().cloned() {
        let client = source.client.clone();
        let url = format!(
            "{}/api/0/organizations/{}/issues/{}/events/latest/",
            source.config.base_url, source.config.org, observations[index].issue_id
        );
        let token = source.token.clone();
        let environment = source.config.environment.clone();
        tasks.spawn(async move {
            let result = client
                .send_json::<Value>(|c| {
                    let request = c.get(&url).bearer_auth(token.expose());
                    match &environment {
                        Some(env) => request.query(&[("environment", env)]),
                        None => request,
                    }
                })
                .await;
            (index, level, result.map(|(_, body)| body))
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let Ok((index, level, result)) = joined else {
            report.events_unreadable += 1;
            report.problem("sentry: a latest-event task failed".to_owned());
            continue;
        };
        let issue = &mut observations[index];
        let body = match result {
            Ok(body) => body,
            Err(e) => {
                report.events_unreadable += 1;
                report.problem(format!(
                    "sentry: issue {}: latest event: {e}",
                    issue.issue_id
                ));
                continue;
            }
        };
        let service = source
            .config
            .services
            .get(&issue.project)
            .map_or(issue.project.as_str(), String::as_str);
        let ctx = EventContext {
            project: &issue.project,
            issue_id: &issue.issue_id,
            issue_level: level.as_deref(),
            issue_title: &issue.title,
            fallback_time: issue.last_seen.unwrap_or(now),
            permalink: Some(issue.permalink.as_str()).filter(|p| !p.is_empty()),
            service,
            salt: &source.salt,
        };
        match convert_event(&ctx, body) {
            Ok(converted) => {
                report.events_read += 1;
                if let Some(why) = converted.degraded {
                    report.events_degraded += 1;
                    report.problem(format!(
                        "sentry: issue {}: latest event: {why}",
                        issue.issue_id
                    ));
                }
                issue.latest = Some(converted.event);
            }
            Err(why) => {
                report.events_unreadable += 1;
                report.problem(format!(
                    "sentry: issue {}: latest event: {why}",
                    issue.issue_id
                ));
            }
        }
    }
}
