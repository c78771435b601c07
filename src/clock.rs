//! Time as the rest of the crate sees it: the system clock in production, a driven clock in
//! tests and the demo. Nothing else in the crate reads the system time.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

/// A source of "now" and a way to wait until a moment arrives.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;

    /// Resolves once `now() >= deadline`.
    fn sleep_until(
        &self,
        deadline: DateTime<Utc>,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// Shared handle to a clock.
pub type SharedClock = Arc<dyn Clock>;

/// Wall-clock time, for production.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(
        &self,
        deadline: DateTime<Utc>,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            // Sleep in bounded steps so a wall-clock jump (NTP, suspend) is noticed.
            loop {
                let remaining = deadline - Utc::now();
                let Ok(remaining) = remaining.to_std() else {
                    return;
                };
                if remaining.is_zero() {
                    return;
                }
                tokio::time::sleep(remaining.min(std::time::Duration::from_secs(30))).await;
            }
        })
    }
}

/// A clock that only moves when told to: `advance` or `set`. Sleepers wake as soon as the
/// driven time reaches their deadline, so days of schedules can be played in milliseconds.
#[derive(Debug, Clone)]
pub struct DrivenClock {
    now: Arc<watch::Sender<DateTime<Utc>>>,
}

impl DrivenClock {
    /// A clock standing still at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(watch::Sender::new(start)),
        }
    }

    /// Moves time forward by `step` and wakes every sleeper whose deadline has come.
    pub fn advance(&self, step: chrono::Duration) {
        self.now.send_modify(|now| *now += step);
    }

    /// Sets the time; moving backwards is allowed (to test clock jumps).
    pub fn set(&self, to: DateTime<Utc>) {
        self.now.send_replace(to);
    }
}

impl Clock for DrivenClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.borrow()
    }

    fn sleep_until(
        &self,
        deadline: DateTime<Utc>,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let mut rx = self.now.subscribe();
        Box::pin(async move {
            // `wait_for` checks the current value first, then every change.
            let _ = rx.wait_for(|now| *now >= deadline).await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[tokio::test]
    async fn driven_clock_wakes_sleepers_only_when_deadline_reached() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let clock = DrivenClock::new(start);
        let deadline = start + chrono::Duration::minutes(5);
        let sleeper = {
            let clock = clock.clone();
            tokio::spawn(async move { clock.sleep_until(deadline).await })
        };
        clock.advance(chrono::Duration::minutes(4));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished(), "woke before the deadline");
        clock.advance(chrono::Duration::minutes(1));
        tokio::time::timeout(std::time::Duration::from_secs(5), sleeper)
            .await
            .expect("sleeper did not wake at the deadline")
            .unwrap();
        assert_eq!(clock.now(), deadline);
    }
}
