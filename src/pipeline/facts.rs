//! From the store's cluster to what the lifecycle decisions need: `ClusterFacts` (counts
//! over 24 h and 7 days, users, hours since the oldest relevant close) and the ticket's
//! `TicketLinks` (the cluster's stable URL, Sentry issues, Logs Insights queries).

use chrono::{DateTime, Duration, Utc};

use crate::domain::cluster::hour_of;
use crate::domain::lifecycle::{ClusterFacts, TicketLinks};
use crate::domain::score::Severity;
use crate::store::{ClusterRecord, Store, StoreError};

/// Settings for the links a ticket carries.
#[derive(Debug, Clone, Default)]
pub struct LinkSettings {
    /// `links.public_url`, no trailing slash.
    pub public_url: String,
    /// Sentry web base URL and organization, when the Sentry source is configured.
    pub sentry: Option<(String, String)>,
    /// AWS region for console links.
    pub aws_region: String,
}

/// Hours of counts read for decisions: the scoring week plus the longest close window
/// that still matters (a stale close is at most `stale_days` old when it is checked).
pub const FACT_DAYS: i64 = 15;

/// The facts about `cluster` now, with `severity` from the latest scoring.
pub async fn cluster_facts(
    store: &Store,
    cluster: &ClusterRecord,
    severity: Severity,
    now: DateTime<Utc>,
) -> Result<ClusterFacts, StoreError> {
    let fp = cluster.identity.fingerprint;
    let since = now - Duration::days(FACT_DAYS);
    let hourly = store.hourly_counts(fp, since, now).await?;
    let day = hour_of(now - Duration::hours(23));
    let week = hour_of(now - Duration::hours(24 * 7 - 1));
    let sum_from = |from: i64| -> u64 {
        hourly
            .iter()
            .filter(|(h, _)| h.timestamp_millis() >= from)
            .map(|(_, n)| *n)
            .sum()
    };
    let stats = &cluster.stats;
    Ok(ClusterFacts {
        fingerprint: fp,
        service: cluster.identity.service.as_str().to_owned(),
        title: cluster.identity.title.clone(),
        exception_type: cluster.identity.exception_type.clone(),
        severity,
        first_seen: cluster.first_seen,
        last_seen: cluster.last_seen,
        events_24h: sum_from(day),
        events_7d: sum_from(week),
        users_24h: stats.users_since(now - Duration::hours(24)),
        endpoints: stats.endpoints.clone(),
        releases: stats.releases.clone(),
        samples: stats.samples.clone(),
        source_keys: stats.source_keys.iter().cloned().collect(),
        hours: hourly
            .iter()
            .map(|(h, n)| (h.timestamp_millis(), *n))
            .collect(),
    })
}

/// The links of a cluster's ticket.
pub fn ticket_links(facts: &ClusterFacts, settings: &LinkSettings) -> TicketLinks {
    let mut links = TicketLinks {
        cluster_url: format!("{}/clusters/{}", settings.public_url, facts.fingerprint),
        ..TicketLinks::default()
    };
    for key in &facts.source_keys {
        if let Some(rest) = key.strip_prefix("sentry:")
            && let Some((base, org)) = &settings.sentry
            && let Some((_, issue)) = rest.rsplit_once('/')
        {
            links.sentry.push(format!(
                "{}/organizations/{}/issues/{}/",
                base.trim_end_matches('/'),
                urlencode(org),
                urlencode(issue)
            ));
        } else if let Some(group) = key.strip_prefix("cloudwatch:") {
            links.insights.push((
                group.to_owned(),
                insights_url(facts, group, &settings.aws_region),
            ));
        }
    }
    links
}

/// A CloudWatch Logs Insights console link: the group, the cluster's time span (an hour
/// either side) and a query for its most telling literal text.
fn insights_url(facts: &ClusterFacts, group: &str, region: &str) -> String {
    let needle = facts
        .exception_type
        .clone()
        .unwrap_or_else(|| longest_literal(&facts.title));
    let needle: String = needle
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '.' | ':' | '-'))
        .collect();
    let query = format!(
        "fields @timestamp, @logStream, @message\n| filter @message like \"{needle}\"\n| sort @timestamp desc\n| limit 100"
    );
    let start = (facts.first_seen - Duration::hours(1)).to_rfc3339();
    let end = (facts.last_seen + Duration::hours(1)).to_rfc3339();
    // The console reads a JSURL object after `?queryDetail=` (written `$3FqueryDetail$3D`:
    // percent-encoding with `$` for `%`); JSURL itself only uses URL-safe characters.
    let detail = format!(
        "~(end~'{}~start~'{}~timeType~'ABSOLUTE~tz~'UTC~editorString~'{}~source~(~'{}))",
        jsurl(&end),
        jsurl(&start),
        jsurl(&query),
        jsurl(group)
    );
    format!(
        "https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logsV2:logs-insights$3FqueryDetail$3D{detail}"
    )
}

fn longest_literal(title: &str) -> String {
    title
        .split("<*>")
        .map(str::trim)
        .max_by_key(|s| s.len())
        .unwrap_or("")
        .to_owned()
}

/// JSURL string escaping: anything but `[A-Za-z0-9_.-]` becomes `*xx` (`**xxxx` beyond
/// one byte), as the console writes it.
fn jsurl(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("*{:02x}", c as u32));
        } else {
            out.push_str(&format!("**{:04x}", (c as u32).min(0xFFFF)));
        }
    }
    out
}

fn urlencode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::score::{ScoreInput, Severity, SeverityPolicy, Tier};

    #[test]
    fn tickets_link_to_the_cluster_sentry_and_logs_insights() {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
        let input = ScoreInput {
            events_24h: 1,
            hourly_counts: vec![],
            users_24h: 0,
            endpoints: 0,
            services: 1,
            hosts: 0,
            tier: Tier::Normal,
            worst_level: crate::domain::event::LogLevel::Error,
            unhandled: false,
            first_seen: at,
            new_in_latest_release: false,
            regressed: false,
        };
        let facts = ClusterFacts {
            fingerprint: "00112233aabbccdd".parse().unwrap(),
            service: "checkout".into(),
            title: "KeyError: 'coupon'".into(),
            exception_type: Some("KeyError".into()),
            severity: Severity::assess(&input, at, &SeverityPolicy::default()),
            first_seen: at,
            last_seen: at,
            events_24h: 1,
            events_7d: 1,
            users_24h: 0,
            endpoints: vec![],
            releases: vec![],
            samples: vec![],
            source_keys: vec!["sentry:web/4711".into(), "cloudwatch:/ecs/checkout".into()],
            hours: vec![],
        };
        let settings = LinkSettings {
            public_url: "https://triaged.acme.dev".into(),
            sentry: Some(("https://sentry.io/".into(), "acme".into())),
            aws_region: "eu-west-1".into(),
        };
        let links = ticket_links(&facts, &settings);
        assert_eq!(
            links.cluster_url,
            "https://triaged.acme.dev/clusters/00112233aabbccdd"
        );
        assert_eq!(
            links.sentry,
            ["https://sentry.io/organizations/acme/issues/4711/"]
        );
        let (group, url) = &links.insights[0];
        assert_eq!(group, "/ecs/checkout");
        assert!(url.starts_with("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D"), "{url}");
        assert!(url.ends_with("~source~(~'*2fecs*2fcheckout))"), "{url}");
        assert!(
            url.contains("~start~'2026-11-20T08*3a00*3a00*2b00*3a00~"),
            "{url}"
        );
        assert!(url.contains("KeyError"), "{url}");
        assert!(!url.contains(' ') && !url.contains('%'), "{url}");
    }
}
