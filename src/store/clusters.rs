//! Cluster state: the clusters, their aliases and hourly counts, and the mined templates.
//!
//! `apply_ingest` writes one ingest run — every touched cluster, the new aliases and
//! templates, and the sources' cursors — in one transaction, so a crash either keeps the
//! whole run or none of it: a re-read after a crash never counts an event twice.
//! Ingest is the only writer of counts, one run at a time under its job lock, and the write
//! first checks that the run still holds that lock (its fence) and moves each cursor only
//! from the position the run read; so the read-merge-write of a cluster's bounded
//! collections needs no row locks, and a run that lost the race commits nothing.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{CursorAdvance, Fence, Store, StoreError, ms, parse_json, time};
use crate::domain::cluster::{
    ClusterDraft, ClusterIdentity, ClusterIndex, ClusterKind, ClusterLimits, ClusterStats,
};
use crate::domain::event::{LogLevel, Service};
use crate::domain::fingerprint::Fingerprint;
use crate::domain::score::Severity;
use crate::mining::{TemplateId, TemplateRecord};

/// A cluster as the store holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterRecord {
    pub identity: ClusterIdentity,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub events_total: u64,
    pub worst_level: LogLevel,
    pub unhandled: bool,
    pub stats: ClusterStats,
    pub regressed_at: Option<DateTime<Utc>>,
    pub severity: Option<Severity>,
}

/// Everything one ingest run writes, applied atomically.
pub struct IngestWrite<'a> {
    pub drafts: Vec<&'a ClusterDraft>,
    /// `(alias, cluster)`.
    pub aliases: &'a [(Fingerprint, Fingerprint)],
    /// Templates that are new or whose count changed, with their creation position.
    pub templates: Vec<(i64, &'a TemplateRecord)>,
    /// Each source's cursor move, checked against what the run read.
    pub cursors: &'a [CursorAdvance],
    /// The run's lock on its job: checked first, so a run that lost it commits nothing.
    /// `None` only outside the scheduler (tests, tools that hold no lock).
    pub fence: Option<&'a Fence>,
    pub limits: &'a ClusterLimits,
    pub now: DateTime<Utc>,
}

impl Store {
    /// Every known cluster and alias, for resolving a run's events.
    pub async fn cluster_index(&self) -> Result<ClusterIndex, StoreError> {
        let mut index = ClusterIndex::default();
        let rows = sqlx::query("SELECT fingerprint, merge_key FROM clusters")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let fp = fingerprint(row.try_get(0)?)?;
            index.insert(fp, row.try_get::<Option<String>, _>(1)?);
        }
        let rows = sqlx::query("SELECT alias, fingerprint FROM cluster_aliases")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            index.alias(fingerprint(row.try_get(0)?)?, fingerprint(row.try_get(1)?)?);
        }
        Ok(index)
    }

    /// The mined templates in creation order.
    pub async fn templates(&self) -> Result<Vec<TemplateRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, template, events FROM templates ORDER BY position")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get(0)?;
                let id = u64::from_str_radix(&id, 16).map_err(|_| StoreError::Corrupt {
                    table: "templates",
                    reason: format!("bad template id {id:?}"),
                })?;
                Ok(TemplateRecord {
                    id: TemplateId(id),
                    template: row.try_get(1)?,
                    count: row.try_get::<i64, _>(2)?.max(0) as u64,
                })
            })
            .collect()
    }

    /// Writes one ingest run atomically (see the module doc).
    pub async fn apply_ingest(&self, write: IngestWrite<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(fence) = write.fence {
            super::job_locks::hold_fence_in(&mut tx, fence, write.now).await?;
        }
        for draft in &write.drafts {
            merge_cluster(&mut tx, draft, write.limits, write.now).await?;
        }
        for (alias, into) in write.aliases {
            sqlx::query(
                "INSERT INTO cluster_aliases (alias, fingerprint) VALUES ($1, $2) \
                 ON CONFLICT (alias) DO NOTHING",
            )
            .bind(alias.to_string())
            .bind(into.to_string())
            .execute(&mut *tx)
            .await?;
        }
        for (position, t) in &write.templates {
            sqlx::query(
                "INSERT INTO templates (id, position, template, events) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET template = excluded.template, \
                     events = excluded.events",
            )
            .bind(t.id.to_string())
            .bind(*position)
            .bind(&t.template)
            .bind(t.count.min(i64::MAX as u64) as i64)
            .execute(&mut *tx)
            .await?;
        }
        for advance in write.cursors {
            super::cursors::advance_cursor_in(&mut tx, advance, write.now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One cluster by fingerprint (an alias resolves to its cluster).
    pub async fn cluster(&self, fp: Fingerprint) -> Result<Option<ClusterRecord>, StoreError> {
        let sql = concat!(
            "SELECT fingerprint, service, kind, exception_type, merge_key, title, template, ",
            "first_seen, last_seen, events_total, worst_level, unhandled, stats, regressed_at, ",
            "severity FROM clusters WHERE fingerprint = $1 OR fingerprint = ",
            "(SELECT fingerprint FROM cluster_aliases WHERE alias = $1)"
        );
        let row = sqlx::query(sql)
            .bind(fp.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(record).transpose()
    }

    /// Clusters with an event at or after `since`, most recent first.
    pub async fn clusters_seen_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<ClusterRecord>, StoreError> {
        let sql = concat!(
            "SELECT fingerprint, service, kind, exception_type, merge_key, title, template, ",
            "first_seen, last_seen, events_total, worst_level, unhandled, stats, regressed_at, ",
            "severity FROM clusters WHERE last_seen >= $1 ORDER BY last_seen DESC, fingerprint"
        );
        let rows = sqlx::query(sql)
            .bind(ms(since))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record).collect()
    }

    /// Hourly counts of a cluster for hours starting in `[from, to]`, oldest first, as
    /// `(hour start, events)`; hours without events are absent.
    pub async fn hourly_counts(
        &self,
        fp: Fingerprint,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT hour, events FROM cluster_hours \
             WHERE fingerprint = $1 AND hour >= $2 AND hour <= $3 ORDER BY hour",
        )
        .bind(fp.to_string())
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((time(r.try_get(0)?), r.try_get::<i64, _>(1)?.max(0) as u64)))
            .collect()
    }

    /// Records the latest severity of a cluster.
    pub async fn save_severity(
        &self,
        fp: Fingerprint,
        severity: &Severity,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(severity).map_err(|e| StoreError::Corrupt {
            table: "clusters",
            reason: format!("severity does not serialize: {e}"),
        })?;
        sqlx::query(
            "UPDATE clusters SET score = $2, level = $3, severity = $4, scored_at = $5 \
             WHERE fingerprint = $1",
        )
        .bind(fp.to_string())
        .bind(severity.score)
        .bind(severity.level.as_str())
        .bind(json)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

async fn merge_cluster(
    tx: &mut Transaction<'static, Any>,
    draft: &ClusterDraft,
    limits: &ClusterLimits,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let fp = draft.identity.fingerprint.to_string();
    let existing = sqlx::query(concat!(
        "SELECT first_seen, last_seen, events_total, worst_level, unhandled, stats ",
        "FROM clusters WHERE fingerprint = $1"
    ))
    .bind(&fp)
    .fetch_optional(&mut **tx)
    .await?;
    let mut stats = ClusterStats::default();
    let (mut first, mut last, mut events) = (draft.first_seen, draft.last_seen, 0u64);
    let (mut worst, mut unhandled) = (draft.worst_level, draft.unhandled);
    if let Some(row) = existing {
        first = first.min(time(row.try_get(0)?));
        last = last.max(time(row.try_get(1)?));
        events = row.try_get::<i64, _>(2)?.max(0) as u64;
        worst = worst.max(level(row.try_get(3)?)?);
        unhandled |= row.try_get::<i64, _>(4)? != 0;
        stats = parse_json("clusters", &row.try_get::<String, _>(5)?)?;
    }
    stats.merge(draft.stats.clone(), limits);
    let stats = serde_json::to_string(&stats).map_err(|e| StoreError::Corrupt {
        table: "clusters",
        reason: format!("stats do not serialize: {e}"),
    })?;
    let id = &draft.identity;
    sqlx::query(concat!(
        "INSERT INTO clusters (fingerprint, service, kind, exception_type, merge_key, title, ",
        "template, first_seen, last_seen, events_total, worst_level, unhandled, stats, ",
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ",
        "ON CONFLICT (fingerprint) DO UPDATE SET template = excluded.template, ",
        "first_seen = excluded.first_seen, last_seen = excluded.last_seen, ",
        "events_total = excluded.events_total, worst_level = excluded.worst_level, ",
        "unhandled = excluded.unhandled, stats = excluded.stats, updated_at = excluded.updated_at"
    ))
    .bind(&fp)
    .bind(id.service.as_str())
    .bind(id.kind.as_str())
    .bind(id.exception_type.as_deref())
    .bind(id.merge_key.as_deref())
    .bind(&id.title)
    .bind(&id.template)
    .bind(ms(first))
    .bind(ms(last))
    .bind(events.saturating_add(draft.events).min(i64::MAX as u64) as i64)
    .bind(worst.as_str())
    .bind(i64::from(unhandled))
    .bind(stats)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    for (hour, n) in &draft.hours {
        sqlx::query(
            "INSERT INTO cluster_hours (fingerprint, hour, events) VALUES ($1, $2, $3) \
             ON CONFLICT (fingerprint, hour) DO UPDATE \
                 SET events = cluster_hours.events + excluded.events",
        )
        .bind(&fp)
        .bind(*hour)
        .bind((*n).min(i64::MAX as u64) as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A `clusters` row selected as in `cluster`: fingerprint … severity, in that order.
pub(super) fn record(row: &AnyRow) -> Result<ClusterRecord, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        table: "clusters",
        reason,
    };
    let kind = match row.try_get::<String, _>(2)?.as_str() {
        "stack" => ClusterKind::Stack,
        "template" => ClusterKind::Template,
        other => return Err(corrupt(format!("unknown kind {other:?}"))),
    };
    let service: String = row.try_get(1)?;
    let severity: Option<String> = row.try_get(14)?;
    Ok(ClusterRecord {
        identity: ClusterIdentity {
            fingerprint: fingerprint(row.try_get(0)?)?,
            service: Service::new(&service).map_err(|e| corrupt(e.to_string()))?,
            kind,
            exception_type: row.try_get(3)?,
            merge_key: row.try_get(4)?,
            title: row.try_get(5)?,
            template: row.try_get(6)?,
        },
        first_seen: time(row.try_get(7)?),
        last_seen: time(row.try_get(8)?),
        events_total: row.try_get::<i64, _>(9)?.max(0) as u64,
        worst_level: level(row.try_get(10)?)?,
        unhandled: row.try_get::<i64, _>(11)? != 0,
        stats: parse_json("clusters", &row.try_get::<String, _>(12)?)?,
        regressed_at: row.try_get::<Option<i64>, _>(13)?.map(time),
        severity: severity
            .as_deref()
            .map(|s| parse_json("clusters", s))
            .transpose()?,
    })
}

fn fingerprint(raw: String) -> Result<Fingerprint, StoreError> {
    raw.parse().map_err(|e| StoreError::Corrupt {
        table: "clusters",
        reason: format!("{e}"),
    })
}

fn level(raw: String) -> Result<LogLevel, StoreError> {
    raw.parse().map_err(|_| StoreError::Corrupt {
        table: "clusters",
        reason: format!("unknown level {raw:?}"),
    })
}
