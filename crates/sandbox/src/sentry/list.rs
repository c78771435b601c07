//! The issue list (filters, sort, cursor pagination with Sentry's `Link` header) and the
//! issue status update.

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::SentrySandbox;
use super::render::{self, ListView, StatsPeriod};
use super::search::{self, Filter, SeenField};
use super::serve::{Answer, Incoming};
use super::state::IssueRecord;

/// Sentry's page size cap.
const MAX_LIMIT: usize = 100;
/// Sentry's default period for the issue list.
const DEFAULT_PERIOD_DAYS: i64 = 14;

fn bad(detail: &str) -> Answer {
    Answer::detail(StatusCode::BAD_REQUEST, detail)
}

/// A page position: `value:offset:is_prev` as Sentry writes it (`0:100:0`).
fn parse_cursor(raw: &str) -> Option<(usize, bool)> {
    let mut parts = raw.split(':');
    let _value: i64 = parts.next()?.parse().ok()?;
    let offset: usize = parts.next()?.parse().ok()?;
    let is_prev = match parts.next()? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    parts.next().is_none().then_some((offset, is_prev))
}

pub(super) fn list_issues(sandbox: &SentrySandbox, req: &Incoming) -> Answer {
    let now = sandbox.now();
    let sort = req.one("sort").unwrap_or("date");
    if ![
        "date",
        "freq",
        "inbox",
        "new",
        "recommended",
        "trends",
        "user",
    ]
    .contains(&sort)
    {
        return bad("Invalid sort");
    }
    let limit = match req.one("limit").map(str::parse::<usize>) {
        None => MAX_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => return bad("Invalid limit: must be an integer from 1 to 100"),
    };
    let window = match time_window(req, now) {
        Ok(w) => w,
        Err(detail) => return bad(&detail),
    };
    let stats = match req.one("groupStatsPeriod").unwrap_or("24h") {
        "" => StatsPeriod::None,
        "24h" => StatsPeriod::Hours24,
        "14d" => StatsPeriod::Days14,
        "auto" => StatsPeriod::Auto(window.1 - window.0),
        _ => return bad("Invalid groupStatsPeriod"),
    };
    let stats = if req.all("collapse").contains(&"stats") {
        StatsPeriod::None
    } else {
        stats
    };
    let filters = match search::parse_query(req.one("query").unwrap_or("is:unresolved"), now) {
        Ok(f) => f,
        Err(detail) => return bad(&detail),
    };
    let (offset, is_prev) = match req.one("cursor").map(parse_cursor) {
        None => (0, false),
        Some(Some(c)) => c,
        Some(None) => return bad("Invalid cursor parameter."),
    };
    let inner = sandbox.lock();
    let projects = req.all("project");
    if let Some(unknown) = projects.iter().find(|p| {
        **p != "-1"
            && !inner
                .issues
                .iter()
                .any(|i| i.project_id.to_string() == **p || i.seed.project == **p)
    }) {
        return Answer::detail(
            StatusCode::FORBIDDEN,
            &format!("You do not have permission to perform this action. ({unknown})"),
        );
    }
    let environments = req.all("environment");
    let mut matching: Vec<&IssueRecord> = inner
        .issues
        .iter()
        .filter(|i| {
            projects.is_empty()
                || projects.contains(&"-1")
                || projects
                    .iter()
                    .any(|p| i.project_id.to_string() == *p || i.seed.project == *p)
        })
        .filter(|i| {
            environments.is_empty() || environments.iter().any(|e| i.environments.contains(*e))
        })
        .filter(|i| i.count_between(window.0, window.1) > 0)
        .filter(|i| filters.iter().all(|f| matches(i, f)))
        .collect();
    sort_issues(&mut matching, sort, window);
    let (start, end) = if is_prev {
        (offset.saturating_sub(limit), offset)
    } else {
        (offset, offset.saturating_add(limit))
    };
    let end = end.min(matching.len());
    let start = start.min(end);
    let view = ListView {
        now,
        from: window.0,
        to: window.1,
        stats,
    };
    let page: Vec<Value> = matching[start..end]
        .iter()
        .map(|i| render::issue_list_item(&sandbox.org, i, &view))
        .collect();
    let mut answer = Answer::json(StatusCode::OK, &Value::Array(page));
    answer.link = Some(link_header(req, start, end, matching.len()));
    answer
}

/// `[from, to]` from `statsPeriod` (wins), else `start`/`end`, else the last 14 days.
fn time_window(
    req: &Incoming,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    if let Some(period) = req.one("statsPeriod").filter(|p| !p.is_empty()) {
        let span = search::parse_period(period).ok_or("Invalid statsPeriod")?;
        return Ok((now - span, now));
    }
    let parse = |name: &str| -> Result<Option<DateTime<Utc>>, String> {
        req.one(name)
            .map(|raw| search::parse_instant(raw).ok_or(format!("Invalid {name}: {raw:?}")))
            .transpose()
    };
    match (parse("start")?, parse("end")?) {
        (Some(from), Some(to)) if from <= to => Ok((from, to)),
        (None, None) => Ok((now - Duration::days(DEFAULT_PERIOD_DAYS), now)),
        _ => Err("start and end must be given together, start first".into()),
    }
}

fn matches(issue: &IssueRecord, filter: &Filter) -> bool {
    match filter {
        Filter::Status(status) => issue.status == *status,
        Filter::Level(level) => issue.seed.level == *level,
        Filter::Seen { field, op, at } => {
            let seen = match field {
                SeenField::First => issue.first_seen,
                SeenField::Last => issue.last_seen,
            };
            seen.is_some_and(|t| op.holds(t, *at))
        }
    }
}

fn sort_issues(
    issues: &mut [&IssueRecord],
    sort: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) {
    issues.sort_by(|a, b| {
        let key = |i: &IssueRecord| -> i64 {
            match sort {
                "new" => i.first_seen.map_or(0, |t| t.timestamp_micros()),
                "freq" => i64::try_from(i.count_between(from, to)).unwrap_or(i64::MAX),
                "user" => i64::try_from(i.users_between(from, to)).unwrap_or(i64::MAX),
                _ => i.last_seen.map_or(0, |t| t.timestamp_micros()),
            }
        };
        key(b).cmp(&key(a)).then(b.id.cmp(&a.id))
    });
}

/// Sentry's `Link` header: a previous and a next link, each saying whether it has results.
fn link_header(req: &Incoming, start: usize, end: usize, total: usize) -> String {
    let host = req
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let kept: Vec<(String, String)> = req
        .query
        .iter()
        .filter(|(k, _)| k != "cursor")
        .cloned()
        .collect();
    let base_query = serde_urlencoded::to_string(&kept).unwrap_or_default();
    let url = |cursor: &str| {
        format!(
            "http://{host}{}?{base_query}&cursor={cursor}",
            req.uri.path()
        )
    };
    let prev = format!("0:{start}:1");
    let next = format!("0:{end}:0");
    format!(
        "<{}>; rel=\"previous\"; results=\"{}\"; cursor=\"{prev}\", <{}>; rel=\"next\"; results=\"{}\"; cursor=\"{next}\"",
        url(&prev),
        start > 0,
        url(&next),
        end < total,
    )
}

/// `PUT …/issues/{id}/`: applies `status`; other known fields are accepted and ignored.
pub(super) fn update_issue(sandbox: &SentrySandbox, issue_id: &str, body: &[u8]) -> Answer {
    const FIELDS: [&str; 12] = [
        "inbox",
        "status",
        "statusDetails",
        "substatus",
        "hasSeen",
        "isBookmarked",
        "isPublic",
        "isSubscribed",
        "merge",
        "discard",
        "assignedTo",
        "priority",
    ];
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return bad("JSON parse error: the body must be a JSON object");
    };
    if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Answer::json(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({ unknown.as_str(): ["Unknown field."] }),
        );
    }
    let status = match fields.get("status") {
        None => None,
        Some(Value::String(s)) => match s.as_str() {
            "resolved" | "resolvedInNextRelease" => Some("resolved"),
            "unresolved" => Some("unresolved"),
            "ignored" | "muted" => Some("ignored"),
            other => {
                return Answer::json(
                    StatusCode::BAD_REQUEST,
                    &serde_json::json!({ "status": [format!("\"{other}\" is not a valid choice.")] }),
                );
            }
        },
        Some(_) => return bad("status must be a string"),
    };
    let now = sandbox.now();
    let mut inner = sandbox.lock();
    let Some(issue) = inner.issues.iter_mut().find(|i| i.id_str == issue_id) else {
        return Answer::not_found();
    };
    if let Some(status) = status {
        status.clone_into(&mut issue.status);
    }
    Answer::json(
        StatusCode::OK,
        &render::issue_detail(&sandbox.org, issue, now),
    )
}
