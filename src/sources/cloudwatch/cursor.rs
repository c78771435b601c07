//! Where a log group was read up to: the high-water time plus the event ids already
//! returned inside the overlap window, so re-reading that window (to catch late events)
//! counts nothing twice.
//!
//! Ids are kept as 64-bit FNV-1a digests with their event timestamps (compact when stored
//! as JSON), at most `MAX_SEEN_IDS` of them. When more arrive within one window, the oldest
//! timestamps are dropped and `floor_ms` rises past them: the next read starts at the floor,
//! so such an event may be missed if it arrives very late, but is never counted twice.
//!
//! A read stopped by `max_pages_per_run` leaves a `WindowResume`: the window it was
//! reading and the page token to continue it with. The next run finishes that window
//! before it starts a new one; the ids seen so far in it stay remembered, so a token the
//! service no longer accepts is recovered by reading the window again from its start.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// Most event ids a cursor remembers.
pub const MAX_SEEN_IDS: usize = 100_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCursor {
    /// End (inclusive, epoch ms) of the last time range read completely.
    pub high_water_ms: i64,
    /// Reads never start before this (raised when the id set overflowed).
    #[serde(default)]
    pub floor_ms: i64,
    /// (event timestamp, id digest) of events returned at or after `high_water - overlap`.
    #[serde(default)]
    seen: BTreeSet<(i64, u64)>,
    /// A window read part-way (the page cap was reached), to be finished first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<WindowResume>,
}

/// Where a window read stopped: the same query continues with `next_token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowResume {
    /// The window's start and end (inclusive, epoch ms), as first requested.
    pub start_ms: i64,
    pub end_ms: i64,
    /// `FilterLogEvents`' token for the next page of that window.
    pub next_token: String,
}

impl GroupCursor {
    /// The JSON text the daemon stores.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<GroupCursor, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Start (inclusive) of the next read: the overlap window behind the high-water mark,
    /// but no further back than `lookback` from now, nor before the floor.
    pub fn read_from(
        cursor: Option<&GroupCursor>,
        now_ms: i64,
        lookback_ms: i64,
        overlap_ms: i64,
    ) -> i64 {
        let oldest = now_ms.saturating_sub(lookback_ms);
        let start = match cursor {
            Some(cursor) => cursor
                .high_water_ms
                .saturating_sub(overlap_ms)
                .max(cursor.floor_ms)
                .max(oldest),
            None => oldest,
        };
        start.max(0)
    }

    /// How many ids are remembered.
    pub fn seen_len(&self) -> usize {
        self.seen.len()
    }

    /// Records an event; false when it was returned before.
    pub fn first_sighting(&mut self, timestamp_ms: i64, event_id: &str) -> bool {
        self.seen.insert((timestamp_ms, digest(event_id)))
    }

    /// Marks `[.., read_until_ms]` as read: raises the high-water mark, forgets ids that
    /// fell out of the overlap window, and bounds the id set.
    pub fn advance(&mut self, read_until_ms: i64, overlap_ms: i64) {
        self.resume = None;
        self.high_water_ms = self.high_water_ms.max(read_until_ms);
        let keep_from = self.high_water_ms.saturating_sub(overlap_ms);
        self.seen = self.seen.split_off(&(keep_from, 0));
        self.bound_seen();
    }

    /// Keeps a window read part-way to be continued: the high-water mark stays, every id
    /// seen in the window is kept (bounded like `advance` does).
    pub fn pause(&mut self, resume: WindowResume) {
        self.resume = Some(resume);
        self.bound_seen();
    }

    /// At most `MAX_SEEN_IDS` ids: the oldest timestamps go, and the floor rises past them.
    fn bound_seen(&mut self) {
        while self.seen.len() > MAX_SEEN_IDS {
            let Some(&(oldest, _)) = self.seen.first() else {
                break;
            };
            // Drop every id of the oldest timestamp, and never read that timestamp again.
            self.seen = self.seen.split_off(&(oldest.saturating_add(1), 0));
            self.floor_ms = self.floor_ms.max(oldest.saturating_add(1));
        }
    }
}

fn digest(event_id: &str) -> u64 {
    event_id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    #[test]
    fn first_read_goes_back_the_lookback_then_the_overlap() {
        let now = 1_000 * MINUTE;
        assert_eq!(
            GroupCursor::read_from(None, now, 60 * MINUTE, 10 * MINUTE),
            now - 60 * MINUTE
        );
        let cursor = GroupCursor {
            high_water_ms: now - 5 * MINUTE,
            ..GroupCursor::default()
        };
        assert_eq!(
            GroupCursor::read_from(Some(&cursor), now, 60 * MINUTE, 10 * MINUTE),
            now - 15 * MINUTE
        );
        let stale = GroupCursor {
            high_water_ms: now - 600 * MINUTE,
            ..GroupCursor::default()
        };
        assert_eq!(
            GroupCursor::read_from(Some(&stale), now, 60 * MINUTE, 10 * MINUTE),
            now - 60 * MINUTE
        );
        let floored = GroupCursor {
            floor_ms: now - MINUTE,
            ..cursor.clone()
        };
        assert_eq!(
            GroupCursor::read_from(Some(&floored), now, 60 * MINUTE, 10 * MINUTE),
            now - MINUTE
        );
        assert_eq!(
            GroupCursor::read_from(None, 5, 60 * MINUTE, 0),
            0,
            "never before the epoch"
        );
    }

    #[test]
    fn ids_are_remembered_through_the_overlap_window_only() {
        let mut cursor = GroupCursor::default();
        assert!(cursor.first_sighting(100 * MINUTE, "a"));
        assert!(cursor.first_sighting(95 * MINUTE, "b"));
        assert!(!cursor.first_sighting(100 * MINUTE, "a"));
        cursor.advance(103 * MINUTE, 5 * MINUTE);
        assert_eq!(cursor.high_water_ms, 103 * MINUTE);
        assert_eq!(cursor.seen_len(), 1, "b at 95 fell out of [98, 103]");
        assert!(!cursor.first_sighting(100 * MINUTE, "a"));
        cursor.advance(90 * MINUTE, 5 * MINUTE);
        assert_eq!(cursor.high_water_ms, 103 * MINUTE, "never moves back");
    }

    #[test]
    fn the_id_set_is_bounded_by_raising_the_floor() {
        let mut cursor = GroupCursor::default();
        for i in 0..(MAX_SEEN_IDS as i64 + 10) {
            cursor.first_sighting(i / 2, &format!("id-{i}"));
        }
        cursor.advance(MAX_SEEN_IDS as i64, i64::MAX / 2);
        assert!(cursor.seen_len() <= MAX_SEEN_IDS);
        assert_eq!(
            cursor.floor_ms, 5,
            "timestamps 0..=4 (10 ids) dropped whole"
        );
        assert!(!cursor.first_sighting(5, "id-10"));
    }

    #[test]
    fn survives_a_json_round_trip_and_rejects_garbage() {
        let mut cursor = GroupCursor {
            high_water_ms: 42,
            ..GroupCursor::default()
        };
        cursor.first_sighting(41, "x");
        let text = cursor.to_json();
        assert_eq!(GroupCursor::from_json(&text).ok(), Some(cursor));
        assert!(GroupCursor::from_json("{\"high_water_ms\":\"soon\"}").is_err());
        assert_eq!(
            GroupCursor::from_json("{\"high_water_ms\":7}")
                .map(|c| c.high_water_ms)
                .ok(),
            Some(7)
        );
    }
}
