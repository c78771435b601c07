//! The SDK calls behind the source: listing groups by prefix (`DescribeLogGroups`) and
//! reading one group's time window page by page (`FilterLogEvents`).

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::FilteredLogEvent;

use super::{
    CloudWatchConfig, CloudWatchError, CloudWatchRecord, GroupBatch, GroupCursor, ResolvedGroup,
    WindowResume,
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

/// Reads `group` from its cursor: first the rest of a window a capped run left, else
/// `[read_from, now]`; at most `max_pages_per_run` pages, dropping events the cursor has
/// seen. A read stopped by the cap returns a cursor that continues it (`truncated`).
pub(super) async fn read_group(
    client: &Client,
    config: &CloudWatchConfig,
    group: &ResolvedGroup,
    cursor: Option<&GroupCursor>,
    now_ms: i64,
) -> Result<GroupBatch, CloudWatchError> {
    let overlap_ms = millis(config.overlap);
    let mut batch = GroupBatch {
        log_group: group.name.clone(),
        service: group.service.clone(),
        records: Vec::new(),
        cursor: cursor.cloned().unwrap_or_default(),
        pages: 0,
        already_seen: 0,
        skipped: 0,
        truncated: false,
    };
    let (window, token) = match batch.cursor.resume.take() {
        Some(resume) => ((resume.start_ms, resume.end_ms), Some(resume.next_token)),
        None => {
            let start = GroupCursor::read_from(cursor, now_ms, millis(config.lookback), overlap_ms);
            ((start, now_ms.max(start)), None)
        }
    };
    let resuming = token.is_some();
    let stopped_at = match read_pages(client, config, group, window, token, &mut batch).await {
        // The service no longer takes the saved token: read the window again from its
        // start; the ids seen so far keep the count exact.
        Err(CloudWatchError::InvalidRequest { message, .. }) if resuming && batch.pages == 0 => {
            tracing::warn!(log_group = %group.name, %message, "saved page token refused: reading the window again");
            let start = window.0.max(batch.cursor.floor_ms);
            read_pages(client, config, group, (start, window.1), None, &mut batch).await?
        }
        other => other?,
    };
    match stopped_at {
        Some(next_token) => {
            batch.truncated = true;
            batch.cursor.pause(WindowResume {
                start_ms: window.0,
                end_ms: window.1,
                next_token,
            });
        }
        None => batch.cursor.advance(window.1, overlap_ms),
    }
    Ok(batch)
}

/// Reads `window` page by page from `token` (none: its first page) until its last page
/// or `max_pages_per_run` pages; returns the next page's token when the cap stopped it.
async fn read_pages(
    client: &Client,
    config: &CloudWatchConfig,
    group: &ResolvedGroup,
    (start, end): (i64, i64),
    mut token: Option<String>,
    batch: &mut GroupBatch,
) -> Result<Option<String>, CloudWatchError> {
    let mut pages_read = 0;
    loop {
        let mut request = client
            .filter_log_events()
            .log_group_name(&group.name)
            .start_time(start)
            .end_time(end)
            .limit(config.page_limit)
            .set_next_token(token.clone());
        if !group.filter_pattern.trim().is_empty() {
            request = request.filter_pattern(&group.filter_pattern);
        }
        // Ignored by AWS since 2019 (always interleaved) but still documented as the way to ask.
        #[allow(deprecated)]
        let request = request.interleaved(true);
        let page = request
            .send()
            .await
            .map_err(|e| CloudWatchError::from_sdk(&group.name, e))?;
        batch.pages += 1;
        pages_read += 1;
        for event in page.events() {
            take_event(group, event, batch);
        }
        // As the SDK's paginator does, a token handed back unchanged ends the listing.
        let next = page
            .next_token()
            .filter(|next| Some(*next) != token.as_deref())
            .map(str::to_owned);
        match next {
            None => return Ok(None),
            Some(next) if pages_read >= config.max_pages_per_run => return Ok(Some(next)),
            Some(next) => token = Some(next),
        }
    }
}

/// Keeps `event` unless it lacks an id or timestamp or the cursor has seen it.
fn take_event(group: &ResolvedGroup, event: &FilteredLogEvent, batch: &mut GroupBatch) {
    let (Some(event_id), Some(timestamp_ms)) = (event.event_id(), event.timestamp()) else {
        batch.skipped += 1;
        tracing::warn!(log_group = %group.name, "CloudWatch event without eventId or timestamp skipped");
        return;
    };
    if !batch.cursor.first_sighting(timestamp_ms, event_id) {
        batch.already_seen += 1;
        return;
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

fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
