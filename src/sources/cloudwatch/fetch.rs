//! The SDK calls behind the source: listing groups by prefix (`DescribeLogGroups`) and
//! reading one group's time window page by page (`FilterLogEvents`).

use aws_sdk_cloudwatchlogs::Client;

use super::{
    CloudWatchConfig, CloudWatchError, CloudWatchRecord, GroupBatch, GroupCursor, ResolvedGroup,
};

/// Names of every log group starting with `prefix`, all pages.
pub(super) async fn groups_with_prefix(
    client: &Client,
    prefix: &str,
) -> Result<Vec<String>, CloudWatchError> {
    let label = format!("{prefix}*");
    let mut pages = client
        .describe_log_groups()
        .log_group_name_prefix(prefix)
        .into_paginator()
        .send();
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| CloudWatchError::from_sdk(&label, e))?;
        names.extend(
            page.log_groups()
                .iter()
                .filter_map(|g| g.log_group_name().map(str::to_string)),
        );
    }
    Ok(names)
}

/// Reads `[read_from, now]` of `group` completely, dropping events the cursor has seen.
pub(super) async fn read_group(
    client: &Client,
    config: &CloudWatchConfig,
    group: &ResolvedGroup,
    cursor: Option<&GroupCursor>,
    now_ms: i64,
) -> Result<GroupBatch, CloudWatchError> {
    let overlap_ms = millis(config.overlap);
    let start = GroupCursor::read_from(cursor, now_ms, millis(config.lookback), overlap_ms);
    let end = now_ms.max(start);
    let mut request = client
        .filter_log_events()
        .log_group_name(&group.name)
        .start_time(start)
        .end_time(end)
        .limit(config.page_limit);
    if !group.filter_pattern.trim().is_empty() {
        request = request.filter_pattern(&group.filter_pattern);
    }
    // Ignored by AWS since 2019 (always interleaved) but still documented as the way to ask.
    #[allow(deprecated)]
    let request = request.interleaved(true);
    let mut pages = request.into_paginator().send();

    let mut batch = GroupBatch {
        log_group: group.name.clone(),
        service: group.service.clone(),
        records: Vec::new(),
        cursor: cursor.cloned().unwrap_or_default(),
        pages: 0,
        already_seen: 0,
        skipped: 0,
    };
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| CloudWatchError::from_sdk(&group.name, e))?;
        batch.pages += 1;
        for event in page.events() {
            let (Some(event_id), Some(timestamp_ms)) = (event.event_id(), event.timestamp()) else {
                batch.skipped += 1;
                tracing::warn!(log_group = %group.name, "CloudWatch event without eventId or timestamp skipped");
                continue;
            };
            if !batch.cursor.first_sighting(timestamp_ms, event_id) {
                batch.already_seen += 1;
                continue;
            }
            batch.records.push(CloudWatchRecord {
                log_group: group.name.clone(),
                log_stream: event.log_stream_name().unwrap_or_default().to_string(),
                event_id: event_id.to_string(),
                timestamp_ms,
                ingestion_time_ms: event.ingestion_time().unwrap_or(timestamp_ms),
                message: event.message().unwrap_or_default().to_string(),
            });
        }
    }
    batch.cursor.advance(end, overlap_ms);
    Ok(batch)
}

fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
