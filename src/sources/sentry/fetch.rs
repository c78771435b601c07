//! The Sentry source's run (list, read latest events, advance the cursor), the paginated
//! issue list, and the status update.

use std::collections::HashSet;

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde_json::Value;

use super::cursor::{Listing, Resume};
use super::latest::read_latest_events;
use super::link::next_cursor;
use super::wire::{ApiIssue, hourly_series};
use super::{
    IssueStatus, SentryBatch, SentryCursor, SentryError, SentryObservation, SentryPullReport,
    SentrySource,
};
use crate::http_client::HttpError;

/// Issues are listed from this long before the previous listing, for events that
/// arrive late (the issue's `lastSeen` is the event's own time).
const LATE_EVENT_MARGIN: Duration = Duration::minutes(15);
/// Sentry's largest page.
const PAGE_SIZE: usize = 100;

pub(super) async fn pull(
    source: &SentrySource,
    cursor: &SentryCursor,
    now: DateTime<Utc>,
) -> Result<SentryBatch, SentryError> {
    let lookback = Duration::from_std(source.config.lookback).unwrap_or(Duration::hours(24));
    let window_start = hour_of(now - lookback);
    let fresh = Resume {
        since: cursor.listing_since(window_start, LATE_EVENT_MARGIN),
        page_cursor: String::new(),
        started_at: now,
    };
    let mut report = SentryPullReport::default();
    let listed = match cursor.resume() {
        Some(resume) => {
            match list_issues(source, now, window_start, resume, &mut report).await {
                // The saved page cursor is no longer accepted: start the listing over.
                Err(SentryError::ListPage { source: e, .. }) if e.status() == Some(400) => {
                    report = SentryPullReport::default();
                    list_issues(source, now, window_start, &fresh, &mut report).await
                }
                other => other,
            }
        }
        None => list_issues(source, now, window_start, &fresh, &mut report).await,
    };
    let (issues, listing) = listed?;
    let levels: Vec<Option<String>> = issues.iter().map(|i| i.level.clone()).collect();
    let mut observations: Vec<SentryObservation> = issues
        .into_iter()
        .map(|issue| observe(issue, window_start, now, &mut report))
        .collect();
    let wanted: Vec<usize> = (0..observations.len())
        .filter(|&i| {
            let issue = &observations[i];
            !cursor.knows(&issue.issue_id) || cursor.has_grown(issue)
        })
        .collect();
    let wanted: Vec<(usize, Option<String>)> = wanted
        .into_iter()
        .map(|i| (i, levels.get(i).cloned().flatten()))
        .collect();
    read_latest_events(source, &mut observations, &wanted, now, &mut report).await;
    let next = cursor.advanced(&observations, window_start, listing);
    Ok(SentryBatch {
        observations,
        cursor: next,
        report,
    })
}

fn hour_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::hours(1)).unwrap_or(t)
}

/// `ApiIssue` → observation with the hourly buckets inside `[window_start, now]`.
fn observe(
    issue: ApiIssue,
    window_start: DateTime<Utc>,
    now: DateTime<Utc>,
    report: &mut SentryPullReport,
) -> SentryObservation {
    let (series, bad) = hourly_series(issue.stats.as_ref().and_then(|s| s.get("24h")));
    if bad > 0 {
        report.buckets_skipped += bad;
        report.problem(format!(
            "sentry: issue {}: {bad} malformed stats bucket(s)",
            issue.id
        ));
    }
    let mut hourly: Vec<(DateTime<Utc>, u64)> = series
        .into_iter()
        .filter(|(hour, count)| *hour >= window_start && *hour <= now && *count > 0)
        .collect();
    hourly.sort_by_key(|(hour, _)| *hour);
    hourly.dedup_by_key(|(hour, _)| *hour);
    SentryObservation {
        project: issue.project.slug,
        short_id: issue.short_id.unwrap_or_default(),
        title: issue.title.unwrap_or_default(),
        culprit: issue.culprit.unwrap_or_default(),
        permalink: issue.permalink.unwrap_or_default(),
        first_seen: issue.first_seen,
        last_seen: issue.last_seen,
        user_count: issue.user_count.unwrap_or(0),
        hourly,
        latest: None,
        issue_id: issue.id,
    }
}

fn is_issue_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The pages of `is:unresolved … lastSeen:>=since` from `from.page_cursor` (empty = the
/// first page) until the end, or until `max_issues_per_run` or `max_pages_per_run` is
/// reached at a page end. A next-page cursor already followed is a cycle: an error.
async fn list_issues(
    source: &SentrySource,
    now: DateTime<Utc>,
    window_start: DateTime<Utc>,
    from: &Resume,
    report: &mut SentryPullReport,
) -> Result<(Vec<ApiIssue>, Listing), SentryError> {
    let since = from.since;
    let config = &source.config;
    let url = format!(
        "{}/api/0/organizations/{}/issues/",
        config.base_url, config.org
    );
    let period_hours = (now - window_start).num_hours().max(1) + 1;
    let query = format!(
        "{} lastSeen:>={}",
        config.query.trim(),
        since.format("%Y-%m-%dT%H:%M:%S")
    );
    let mut params: Vec<(&str, String)> = vec![
        ("query", query.trim().to_owned()),
        ("statsPeriod", format!("{period_hours}h")),
        ("groupStatsPeriod", "24h".to_owned()),
        ("sort", "date".to_owned()),
        ("limit", PAGE_SIZE.to_string()),
    ];
    params.extend(config.projects.iter().map(|p| ("project", p.clone())));
    params.extend(
        config
            .environment
            .iter()
            .map(|e| ("environment", e.clone())),
    );
    let mut issues: Vec<ApiIssue> = Vec::new();
    let mut page_cursor = Some(from.page_cursor.clone()).filter(|c| !c.is_empty());
    let mut followed: HashSet<String> = page_cursor.iter().cloned().collect();
    let mut pages_this_listing = 0u32;
    let listing = loop {
        pages_this_listing += 1;
        report.pages += 1;
        let page = report.pages;
        let (head, items) = source
            .client
            .send_json::<Vec<Value>>(|c| {
                let mut request = c
                    .get(&url)
                    .bearer_auth(source.token.expose())
                    .query(&params);
                if let Some(cursor) = &page_cursor {
                    request = request.query(&[("cursor", cursor)]);
                }
                request
            })
            .await
            .map_err(|e| list_error(source, page, e))?;
        for (index, item) in items.into_iter().enumerate() {
            match serde_path_to_error::deserialize::<_, ApiIssue>(item) {
                Ok(issue) if is_issue_id(&issue.id) => {
                    if !issues.iter().any(|known| known.id == issue.id) {
                        issues.push(issue);
                    }
                }
                Ok(issue) => {
                    report.issues_skipped += 1;
                    report.problem(format!(
                        "sentry: issue list page {page} item {index}: bad issue id {:?}",
                        issue.id.chars().take(40).collect::<String>()
                    ));
                }
                Err(e) => {
                    report.issues_skipped += 1;
                    report.problem(format!(
                        "sentry: issue list page {page} item {index}: at `{}`: {}",
                        e.path(),
                        e.inner()
                    ));
                }
            }
        }
        let next = head
            .headers
            .get("link")
            .and_then(|l| l.to_str().ok())
            .and_then(next_cursor);
        if let Some(next) = &next
            && !followed.insert(next.clone())
        {
            return Err(SentryError::CursorCycle {
                page,
                cursor: next.chars().take(80).collect(),
            });
        }
        match next {
            Some(next)
                if issues.len() >= config.max_issues_per_run
                    || pages_this_listing >= config.max_pages_per_run =>
            {
                report.truncated = true;
                break Listing::Partial(Resume {
                    since,
                    page_cursor: next,
                    started_at: from.started_at,
                });
            }
            Some(next) => page_cursor = Some(next),
            None => {
                break Listing::Complete {
                    started_at: from.started_at,
                };
            }
        }
    };
    report.issues_listed = issues.len();
    Ok((issues, listing))
}

fn list_error(source: &SentrySource, page: u32, error: HttpError) -> SentryError {
    match error.status() {
        Some(status @ (401 | 403)) => SentryError::Unauthorized { status },
        Some(404) => SentryError::OrgNotFound {
            org: source.config.org.clone(),
        },
        _ => SentryError::ListPage {
            page,
            source: error,
        },
    }
}

pub(super) async fn set_issue_status(
    source: &SentrySource,
    issue_id: &str,
    status: IssueStatus,
) -> Result<(), SentryError> {
    if !is_issue_id(issue_id) {
        return Err(SentryError::BadIssueId(issue_id.to_owned()));
    }
    let url = format!(
        "{}/api/0/organizations/{}/issues/{issue_id}/",
        source.config.base_url, source.config.org
    );
    let status = match status {
        IssueStatus::Resolved => "resolved",
        IssueStatus::Unresolved => "unresolved",
    };
    let body = serde_json::json!({ "status": status });
    source
        .client
        .send_json::<Value>(|c| c.put(&url).bearer_auth(source.token.expose()).json(&body))
        .await
        .map(|_| ())
        .map_err(|e| match e.status() {
            Some(status @ (401 | 403)) => SentryError::Unauthorized { status },
            _ => SentryError::UpdateIssue {
                issue_id: issue_id.to_owned(),
                source: e,
            },
        })
}
