//! Issue bodies in the shapes of the Sentry contract: an issue in a list (with its stats
//! series) and one issue.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::state::{IssueRecord, hour_of};

/// Which stats an issue list carries (`groupStatsPeriod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StatsPeriod {
    None,
    Hours24,
    Days14,
    /// Hourly over the query period when it is at most 48 h, else daily.
    Auto(Duration),
}

/// The query window and stats choice of one list request.
pub(super) struct ListView {
    pub(super) now: DateTime<Utc>,
    pub(super) from: DateTime<Utc>,
    pub(super) to: DateTime<Utc>,
    pub(super) stats: StatsPeriod,
}

pub(super) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn opt_ts(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(ts(t)))
}

/// `[[epoch_seconds, count], …]`, `n` buckets of `step`, the last one holding `now`.
fn buckets(issue: &IssueRecord, now: DateTime<Utc>, step: Duration, n: i64) -> Value {
    let last = if step == Duration::hours(1) {
        hour_of(now)
    } else {
        hour_of(now) - Duration::hours(i64::from(chrono::Timelike::hour(&now)))
    };
    let series: Vec<Value> = (0..n)
        .rev()
        .map(|back| {
            let start = last - step * i32::try_from(back).unwrap_or(0);
            let count: u64 = issue.hours.range(start..start + step).map(|(_, c)| c).sum();
            json!([start.timestamp(), count])
        })
        .collect();
    Value::Array(series)
}

fn stats(issue: &IssueRecord, view: &ListView) -> Value {
    match view.stats {
        StatsPeriod::None => json!({}),
        StatsPeriod::Hours24 => json!({ "24h": buckets(issue, view.now, Duration::hours(1), 24) }),
        StatsPeriod::Days14 => json!({ "14d": buckets(issue, view.now, Duration::days(1), 14) }),
        StatsPeriod::Auto(period) if period <= Duration::hours(48) => {
            let hours = period.num_hours().max(1);
            json!({ "auto": buckets(issue, view.now, Duration::hours(1), hours) })
        }
        StatsPeriod::Auto(period) => {
            let days = period.num_days().max(1);
            json!({ "auto": buckets(issue, view.now, Duration::days(1), days) })
        }
    }
}

fn permalink(org: &str, issue: &IssueRecord) -> String {
    format!("https://{org}.sentry.io/issues/{}/", issue.id)
}

/// Fields shared by every issue shape.
fn issue_base(org: &str, issue: &IssueRecord) -> serde_json::Map<String, Value> {
    let seed = &issue.seed;
    let latest_type = issue
        .latest
        .as_ref()
        .and_then(|(_, _, latest)| match latest {
            super::LatestEvent::Event(e) => e.exceptions.last().map(|x| x.exception_type.clone()),
            super::LatestEvent::RawBody(_) => None,
        });
    let body = json!({
        "id": issue.id_str,
        "shareId": null,
        "shortId": issue.short_id,
        "title": seed.title,
        "culprit": seed.culprit,
        "permalink": permalink(org, issue),
        "logger": null,
        "level": seed.level,
        "status": issue.status,
        "statusDetails": {},
        "substatus": if issue.status == "unresolved" { json!("ongoing") } else { Value::Null },
        "isPublic": false,
        "platform": seed.platform,
        "priority": "high",
        "priorityLockedAt": null,
        "seerFixabilityScore": null,
        "seerAutofixLastTriggered": null,
        "seerExplorerAutofixLastTriggered": null,
        "project": {
            "id": issue.project_id.to_string(),
            "name": seed.project,
            "slug": seed.project,
            "platform": seed.platform,
        },
        "type": "error",
        "issueType": "error",
        "issueCategory": "error",
        "metadata": { "title": seed.title, "type": latest_type },
        "numComments": 0,
        "assignedTo": null,
        "isBookmarked": false,
        "isSubscribed": false,
        "subscriptionDetails": null,
        "hasSeen": false,
        "annotations": [],
        "isUnhandled": false,
        "firstSeen": opt_ts(issue.first_seen),
        "lastSeen": opt_ts(issue.last_seen),
    });
    match body {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// An issue as `GET …/issues/` lists it.
pub(super) fn issue_list_item(org: &str, issue: &IssueRecord, view: &ListView) -> Value {
    let mut map = issue_base(org, issue);
    let total: u64 = issue.hours.values().sum();
    let first = opt_ts(issue.first_seen);
    let extra = json!({
        "count": issue.count_between(view.from, view.to).to_string(),
        "userCount": issue.users_between(view.from, view.to),
        "derivedData": {
            "blocker": "none", "progress": "none", "status": "open", "viewCount": 0,
            "hasOpenFixPr": false, "isAssigned": false, "hasRootCause": false,
            "lastCompletedAutofixStep": "none", "lastProgressedAt": null,
        },
        "stats": stats(issue, view),
        "lifetime": {
            "count": total.to_string(),
            "userCount": issue.users.len(),
            "firstSeen": first,
            "lastSeen": opt_ts(issue.last_seen),
        },
        "filtered": null,
        "sessionCount": 0,
        "inbox": { "reason": 0, "reason_details": null, "date_added": ts(issue.first_seen.unwrap_or(view.now)) },
        "owners": { "type": "ownershipRule", "owner": "team:1", "date_added": ts(issue.first_seen.unwrap_or(view.now)) },
        "integrationIssues": [],
        "sentryAppIssues": [],
        "latestEventHasAttachments": false,
        "matchingEventId": null,
        "matchingEventEnvironment": null,
    });
    if let Value::Object(extra) = extra {
        map.extend(extra);
    }
    Value::Object(map)
}

/// An issue as `GET …/issues/{id}/` (and the status update) returns it.
pub(super) fn issue_detail(org: &str, issue: &IssueRecord, now: DateTime<Utc>) -> Value {
    let mut map = issue_base(org, issue);
    let total: u64 = issue.hours.values().sum();
    let extra = json!({
        "count": total.to_string(),
        "userCount": issue.users.len(),
        "derivedData": {
            "blocker": "none", "progress": "none", "status": "open", "viewCount": 0,
            "hasOpenFixPr": false, "isAssigned": false, "hasRootCause": false,
            "lastCompletedAutofixStep": "none", "lastProgressedAt": null,
        },
        "firstRelease": null,
        "lastRelease": null,
        "tags": [],
        "stats": {
            "24h": buckets(issue, now, Duration::hours(1), 24),
            "30d": buckets(issue, now, Duration::days(1), 30),
        },
        "inbox": null,
        "owners": null,
        "forecast": {},
        "integrationIssues": [],
        "sentryAppIssues": [],
        "latestEventHasAttachments": false,
        "activity": [],
        "seenBy": [],
        "userReportCount": 0,
        "participants": [],
    });
    if let Value::Object(extra) = extra {
        map.extend(extra);
    }
    Value::Object(map)
}
