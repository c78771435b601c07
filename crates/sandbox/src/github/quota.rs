//! The GitHub emulator's primary rate limit: a request count per window, reported in
//! GitHub's `x-ratelimit-*` headers.

use std::time::{Duration, Instant};

/// The primary rate limit: `limit` requests per `window`.
pub(super) struct Quota {
    limit: u32,
    window: Duration,
    used: u32,
    started: Instant,
}

pub(super) struct QuotaReport {
    pub(super) limit: u32,
    pub(super) remaining: u32,
    pub(super) used: u32,
    pub(super) reset_epoch: u64,
}

impl Quota {
    pub(super) fn new(limit: u32, window: Duration) -> Quota {
        Quota {
            limit,
            window,
            used: 0,
            started: Instant::now(),
        }
    }

    /// Counts one request; true when the quota is already spent (the request is refused).
    pub(super) fn admit(&mut self) -> bool {
        if self.started.elapsed() >= self.window {
            self.used = 0;
            self.started = Instant::now();
        }
        if self.used >= self.limit {
            return true;
        }
        self.used += 1;
        false
    }

    pub(super) fn report(&self) -> QuotaReport {
        let left = self.window.saturating_sub(self.started.elapsed());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        QuotaReport {
            limit: self.limit,
            remaining: self.limit.saturating_sub(self.used),
            used: self.used,
            reset_epoch: (now + left).as_secs_f64().ceil() as u64,
        }
    }
}
