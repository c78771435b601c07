//! The Sentry web API's JSON as this source reads it: only the fields it uses, every one
//! optional or defaulted, so that a vendor-side addition or a null never fails a run.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

/// An issue in `GET /api/0/organizations/{org}/issues/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApiIssue {
    pub(super) id: String,
    #[serde(default)]
    pub(super) short_id: Option<String>,
    #[serde(default)]
    pub(super) title: Option<String>,
    #[serde(default)]
    pub(super) culprit: Option<String>,
    #[serde(default)]
    pub(super) permalink: Option<String>,
    #[serde(default)]
    pub(super) level: Option<String>,
    pub(super) project: ApiProject,
    #[serde(default)]
    pub(super) first_seen: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) last_seen: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) user_count: Option<u64>,
    /// `{"24h": [[epoch_seconds, count], …]}`; read leniently by `hourly_series`.
    #[serde(default)]
    pub(super) stats: Option<BTreeMap<String, Value>>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ApiProject {
    pub(super) slug: String,
}

/// An event from `…/issues/{id}/events/latest/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApiEvent {
    #[serde(rename = "eventID")]
    pub(super) event_id: String,
    #[serde(default)]
    pub(super) date_created: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) message: Option<String>,
    #[serde(default)]
    pub(super) title: Option<String>,
    #[serde(default)]
    pub(super) tags: Option<Vec<ApiTag>>,
    #[serde(default)]
    pub(super) user: Option<BTreeMap<String, Value>>,
    /// Entries by `type`; each is decoded on its own so one odd entry spoils nothing else.
    #[serde(default)]
    pub(super) entries: Option<Vec<Value>>,
    #[serde(default)]
    pub(super) release: Option<ApiRelease>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ApiTag {
    pub(super) key: String,
    #[serde(default)]
    pub(super) value: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ApiRelease {
    #[serde(default)]
    pub(super) version: Option<String>,
}

/// `entries[type = "exception"].data`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ApiExceptions {
    #[serde(default)]
    pub(super) values: Option<Vec<ApiException>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ApiException {
    #[serde(default, rename = "type")]
    pub(super) exception_type: Option<String>,
    #[serde(default)]
    pub(super) value: Option<String>,
    #[serde(default)]
    pub(super) mechanism: Option<ApiMechanism>,
    #[serde(default)]
    pub(super) stacktrace: Option<ApiStacktrace>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ApiMechanism {
    #[serde(default)]
    pub(super) handled: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ApiStacktrace {
    #[serde(default)]
    pub(super) frames: Option<Vec<ApiFrame>>,
}

/// A frame with the web API's camelCase keys.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApiFrame {
    #[serde(default)]
    pub(super) filename: Option<String>,
    #[serde(default)]
    pub(super) abs_path: Option<String>,
    #[serde(default)]
    pub(super) function: Option<String>,
    #[serde(default)]
    pub(super) module: Option<String>,
    #[serde(default)]
    pub(super) line_no: Option<Value>,
    #[serde(default)]
    pub(super) in_app: Option<bool>,
}

/// `entries[type = "request"].data`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ApiRequest {
    #[serde(default)]
    pub(super) url: Option<String>,
    #[serde(default)]
    pub(super) method: Option<String>,
}

/// `entries[type = "message"].data`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ApiMessage {
    #[serde(default)]
    pub(super) formatted: Option<String>,
}

/// The `[[epoch_seconds, count], …]` series under `stats[key]`; malformed buckets are
/// skipped and counted in the second value.
pub(super) fn hourly_series(stats: Option<&Value>) -> (Vec<(DateTime<Utc>, u64)>, usize) {
    let Some(Value::Array(buckets)) = stats else {
        return (Vec::new(), 0);
    };
    let mut series = Vec::with_capacity(buckets.len());
    let mut bad = 0;
    for bucket in buckets {
        let pair = bucket.as_array().filter(|p| p.len() == 2);
        let parsed = pair.and_then(|p| {
            let at = p[0]
                .as_f64()
                .filter(|f| f.is_finite() && f.fract() == 0.0)?;
            let count = p[1].as_f64().filter(|f| f.is_finite() && *f >= 0.0)?;
            let at = DateTime::from_timestamp(at as i64, 0)?;
            Some((at, count.round() as u64))
        });
        match parsed {
            Some(bucket) => series.push(bucket),
            None => bad += 1,
        }
    }
    (series, bad)
}

/// A JSON scalar as text (`"42"`, `42` → `42`); other values are no id.
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
