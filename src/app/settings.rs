//! From the configuration to each stage's settings: the one translation the daemon, the
//! tests and the benches all use, so none of them builds settings of its own.

use crate::config::Config;
use crate::pipeline::draft::DraftSettings;
use crate::pipeline::facts::LinkSettings;
use crate::pipeline::hypotheses::HypothesesSettings;
use crate::pipeline::ingest::IngestSettings;
use crate::pipeline::triage::TriageSettings;
use crate::redact::Redactor;

/// The region console links point at when neither `links.aws_region` nor a CloudWatch
/// source names one.
pub const DEFAULT_LINK_REGION: &str = "us-east-1";

/// Ingest: cluster limits, severity and tiers for scoring, redaction, retention.
pub fn ingest(config: &Config, redactor: &Redactor) -> IngestSettings {
    IngestSettings {
        limits: config.clusters.clone(),
        severity: config.severity.clone(),
        tiers: config.tiers.clone(),
        redactor: redactor.clone(),
        hourly_retention: config.retention.hourly,
        daily_retention: config.retention.daily,
    }
}

/// Triage and verify: the ticket policies, scoring, and where tickets link to.
pub fn triage(config: &Config) -> TriageSettings {
    let region = config
        .links
        .aws_region
        .clone()
        .or_else(|| {
            config
                .sources
                .cloudwatch
                .as_ref()
                .map(|c| c.region.clone())
                .filter(|r| !r.is_empty())
        })
        .unwrap_or_else(|| DEFAULT_LINK_REGION.into());
    TriageSettings {
        triage: config.triage.clone(),
        verify: config.verify.clone(),
        severity: config.severity.clone(),
        tiers: config.tiers.clone(),
        links: LinkSettings {
            public_url: config.links.public_url.clone(),
            sentry: config
                .sources
                .sentry
                .as_ref()
                .map(|s| (s.base_url.clone(), s.org.clone())),
            aws_region: region,
        },
    }
}

/// Fix drafts: the policy, the patch rules, model prices, redaction.
pub fn drafts(config: &Config, redactor: &Redactor) -> DraftSettings {
    DraftSettings {
        policy: config.agent.drafts.clone(),
        patch: config.agent.patch.clone(),
        prices: config.agent.prices,
        redactor: redactor.clone(),
    }
}

/// Hypotheses on new tickets: model prices, redaction, and the day's spend cap they share
/// with fix drafts.
pub fn hypotheses(config: &Config, redactor: &Redactor) -> HypothesesSettings {
    HypothesesSettings {
        prices: config.agent.prices,
        redactor: redactor.clone(),
        max_spend_per_day_usd: config.agent.drafts.max_spend_per_day_usd,
    }
}
