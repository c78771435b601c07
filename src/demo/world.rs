//! The demo's world: a small shop (`checkout`, `payments`, `search`, `web`) over three
//! days, as pure functions of time — which log lines CloudWatch holds, which events Sentry
//! counts, which release each service runs, and what people do (deploy, merge, file a
//! ticket). Nothing here talks to anything; `vendors` puts it into the emulators.

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use serde_json::json;

/// Monday 2026-11-16 09:00 UTC: the demo starts with the first morning summary.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0)
        .single()
        .expect("a valid date")
}

/// Thursday 09:00: the morning after day 3, whose summary closes the story.
pub fn end() -> DateTime<Utc> {
    start() + Duration::hours(72)
}

/// The Friday before, when an engineer filed a ticket by hand.
pub fn human_ticket_filed() -> DateTime<Utc> {
    start() - Duration::hours(70)
}

/// The null dereference ships in checkout 1.4.2 (Monday 10:00).
pub fn bug_shipped() -> DateTime<Utc> {
    start() + Duration::hours(1)
}

/// A reviewer merges the drafted fix (Tuesday 10:00) …
pub fn reviewer_merges() -> DateTime<Utc> {
    start() + Duration::hours(25)
}

/// … and checkout 1.4.3 with the fix is deployed an hour later.
pub fn fix_deployed() -> DateTime<Utc> {
    start() + Duration::hours(26)
}

/// Wednesday 15:00: 1.4.4 brings the bug back.
pub fn regression_shipped() -> DateTime<Utc> {
    start() + Duration::hours(54)
}

/// The payments gateway times out for 90 minutes on Monday afternoon.
pub fn gateway_outage() -> (DateTime<Utc>, DateTime<Utc>) {
    let from = start() + Duration::hours(5);
    (from, from + Duration::minutes(90))
}

/// The services and their CloudWatch log groups.
pub const SERVICES: [(&str, &str); 4] = [
    ("checkout", "/ecs/checkout"),
    ("payments", "/ecs/payments"),
    ("search", "/ecs/search"),
    ("web", "/ecs/web"),
];

/// The repository the checkout fix is drafted in, and the file the bug lives in.
pub const REPO: &str = "acme/shop";
pub const CART_PATH: &str = "src/checkout/cart.py";
pub const CART_SOURCE: &str = "def total(cart):\n    lines = cart.get(\"lines\")\n    return sum(line[\"price\"] for line in lines)\n";
/// The fix the scripted model proposes, as a unified diff of `CART_PATH`.
pub const CART_FIX: &str = "--- a/src/checkout/cart.py\n+++ b/src/checkout/cart.py\n@@ -1,3 +1,3 @@\n def total(cart):\n-    lines = cart.get(\"lines\")\n+    lines = cart.get(\"lines\") or []\n     return sum(line[\"price\"] for line in lines)\n";

/// The ticket an engineer filed by hand on Friday, before triaged ran: it describes the
/// web error and must be linked, not duplicated.
pub const HUMAN_TICKET_TITLE: &str =
    "TypeError: Cannot read properties of undefined (reading 'price')";
pub const HUMAN_TICKET_BODY: &str = "Product pages of items without a price render blank; the server log shows this error on /products/:id. Filed by hand while looking into a support request.";

/// The checkout release at `at`.
pub fn checkout_release(at: DateTime<Utc>) -> &'static str {
    if at < bug_shipped() {
        "1.4.1"
    } else if at < fix_deployed() {
        "1.4.2"
    } else if at < regression_shipped() {
        "1.4.3"
    } else {
        "1.4.4"
    }
}

/// Whether the checkout release at `at` has the null dereference.
fn cart_bug_live(at: DateTime<Utc>) -> bool {
    matches!(checkout_release(at), "1.4.2" | "1.4.4")
}

/// One line in a CloudWatch log group.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub group: &'static str,
    pub stream: &'static str,
    pub at: DateTime<Utc>,
    pub message: String,
}

/// The Sentry issues of the world (created when the emulator starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SentryIssue {
    /// The checkout null dereference, as the Python SDK reports it.
    CartTotal,
    /// A browser chunk that fails to load now and then: noise.
    ChunkLoad,
}

impl SentryIssue {
    pub const ALL: [SentryIssue; 2] = [SentryIssue::CartTotal, SentryIssue::ChunkLoad];

    /// (project, title, platform)
    pub fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SentryIssue::CartTotal => (
                "checkout",
                "TypeError: 'NoneType' object is not iterable",
                "python",
            ),
            SentryIssue::ChunkLoad => (
                "web",
                "ChunkLoadError: Loading chunk 7 failed",
                "javascript",
            ),
        }
    }
}

/// Events Sentry counts for one issue in one minute.
#[derive(Debug, Clone, PartialEq)]
pub struct SentryBatch {
    pub issue: SentryIssue,
    pub at: DateTime<Utc>,
    pub count: u64,
    pub user: String,
    pub release: String,
}

/// Everything that happens in `[from, to)`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Traffic {
    pub logs: Vec<LogLine>,
    pub sentry: Vec<SentryBatch>,
}

impl Traffic {
    /// The same traffic `by` later (the sandbox replays the world on the real clock).
    pub fn shifted(mut self, by: Duration) -> Traffic {
        for line in &mut self.logs {
            line.at += by;
        }
        for batch in &mut self.sentry {
            batch.at += by;
        }
        self
    }
}

/// One kind of log line: its group, how many per hour at a given time, and the line.
struct Stream {
    group: &'static str,
    stream: &'static str,
    per_hour: fn(DateTime<Utc>) -> u32,
    line: fn(DateTime<Utc>, u32) -> serde_json::Value,
}

const STREAMS: [Stream; 7] = [
    Stream {
        group: "/ecs/checkout",
        stream: "checkout/7d1e",
        per_hour: |at| if cart_bug_live(at) { 36 } else { 0 },
        line: cart_total_line,
    },
    Stream {
        group: "/ecs/checkout",
        stream: "checkout/7d1e",
        per_hour: |at| u32::from(at.hour() % 3 == 1),
        line: |at, k| {
            json!({
                "level": "warning", "service": "checkout", "release": checkout_release(at),
                "msg": "card declined by issuer",
                "error": {"type": "CardDeclined", "message": format!("issuer declined card ending {:04}", 1000 + k * 7 % 9000)},
                "route": "/checkout/:id/pay", "method": "POST", "user_id": user(k, 400),
            })
        },
    },
    Stream {
        group: "/ecs/payments",
        stream: "payments/a9c0",
        per_hour: |at| {
            let (from, to) = gateway_outage();
            if at >= from && at < to { 420 } else { 0 }
        },
        line: |_, k| {
            json!({
                "level": "critical", "service": "payments", "release": "3.2.0",
                "msg": "charge failed",
                "error": {"type": "GatewayTimeout", "message": format!("upstream card-gateway did not answer within 30000 ms (attempt {})", k % 3 + 1)},
                "route": "/payments/charge", "method": "POST", "status": 504, "user_id": user(k, 900),
            })
        },
    },
    Stream {
        group: "/ecs/payments",
        stream: "payments/a9c0",
        per_hour: |at| u32::from(at.hour() % 4 == 2),
        line: |_, k| {
            json!({
                "level": "warning", "service": "payments", "release": "3.2.0",
                "msg": "refund rejected",
                "error": {"type": "RefundWindowClosed", "message": format!("refund for order {} is outside the 90-day window", 50_000 + k)},
                "route": "/payments/refunds", "method": "POST", "status": 422, "user_id": user(k, 50),
            })
        },
    },
    Stream {
        group: "/ecs/search",
        stream: "search/41bb",
        per_hour: |at| 50 + (at.hour() % 5) * 4,
        line: |_, k| {
            json!({
                "level": "warning", "service": "search", "release": "0.9.12",
                "msg": format!("replica search-{} lagging by {} ms; retrying query after a transient error", k % 3, 800 + (k * 37) % 900),
                "route": "/search", "method": "GET",
            })
        },
    },
    Stream {
        group: "/ecs/web",
        stream: "web/e310",
        per_hour: |_| 12,
        line: |_, k| {
            json!({
                "level": "error", "service": "web", "release": "2026.11.13",
                "msg": "TypeError: Cannot read properties of undefined (reading 'price')",
                "stack": "TypeError: Cannot read properties of undefined (reading 'price')\n    at ProductPrice (/app/web/components/ProductPrice.js:14:27)\n    at renderWithHooks (/app/web/node_modules/react-dom/cjs/react-dom-server.node.development.js:5658:16)",
                "route": "/products/:id", "method": "GET", "user_id": user(k, 300),
            })
        },
    },
    Stream {
        group: "/ecs/web",
        stream: "web/e310",
        per_hour: |at| u32::from(at.hour() % 3 == 0),
        line: |_, k| {
            json!({
                "level": "error", "service": "web", "release": "2026.11.13",
                "msg": "upstream error from search",
                "error": {"type": "UpstreamError", "message": "search answered 503"},
                "route": "/search", "method": "GET", "user_id": user(k, 300),
            })
        },
    },
];

/// The checkout bug as its Python service logs it (the traceback Sentry also reports).
fn cart_total_line(at: DateTime<Utc>, k: u32) -> serde_json::Value {
    json!({
        "level": "error", "service": "checkout", "release": checkout_release(at),
        "msg": "computing the cart total failed",
        "exc_info": "Traceback (most recent call last):\n  File \"/app/checkout/views.py\", line 88, in checkout_total\n    amount = cart.total(session_cart)\n  File \"/app/checkout/cart.py\", line 3, in total\n    return sum(line[\"price\"] for line in lines)\nTypeError: 'NoneType' object is not iterable",
        "route": "/checkout/:id/total", "method": "POST", "user_id": user(k, 700),
    })
}

/// A user id among `population` (hashed by the source before it is stored).
fn user(k: u32, population: u32) -> String {
    format!("u-{}", (k.wrapping_mul(2_654_435_761) >> 7) % population)
}

/// Everything that happens in `[from, to)`: the same answer however the range is cut.
pub fn traffic(from: DateTime<Utc>, to: DateTime<Utc>) -> Traffic {
    let mut out = Traffic::default();
    let mut hour = from
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(from);
    while hour < to {
        for (index, stream) in STREAMS.iter().enumerate() {
            let n = (stream.per_hour)(hour);
            for k in 0..n {
                // Spread evenly over the hour; each stream offset so lines interleave.
                let offset_ms = (i64::from(k) * 3_600_000) / i64::from(n.max(1))
                    + i64::try_from(index).unwrap_or(0) * 1_013;
                let at = hour + Duration::milliseconds(offset_ms);
                if at >= from && at < to && (stream.per_hour)(at) > 0 {
                    out.logs.push(LogLine {
                        group: stream.group,
                        stream: stream.stream,
                        at,
                        message: (stream.line)(at, k + hour.hour() * 1_000).to_string(),
                    });
                }
            }
        }
        for minute in (0..60).step_by(10) {
            let at = hour + Duration::minutes(minute);
            if at < from || at >= to {
                continue;
            }
            if cart_bug_live(at) {
                out.sentry.push(SentryBatch {
                    issue: SentryIssue::CartTotal,
                    at,
                    count: 4,
                    user: user(u32::try_from(minute).unwrap_or(0) + hour.hour() * 60, 700),
                    release: checkout_release(at).to_owned(),
                });
            }
            if minute == 30 && hour.hour().is_multiple_of(3) {
                out.sentry.push(SentryBatch {
                    issue: SentryIssue::ChunkLoad,
                    at,
                    count: 1,
                    user: user(hour.hour(), 300),
                    release: "2026.11.13".to_owned(),
                });
            }
        }
        hour += Duration::hours(1);
    }
    out.logs.sort_by_key(|l| l.at);
    out
}

/// Something a person does in the story, at its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// Release 1.4.2 of checkout goes out, with the null dereference.
    BugShipped,
    /// The card gateway starts timing out.
    GatewayDown,
    /// A reviewer merges triaged's draft pull request.
    ReviewerMerges,
    /// Release 1.4.3, with the fix, goes out.
    FixDeployed,
    /// Release 1.4.4 brings the bug back.
    RegressionShipped,
}

impl Moment {
    pub const ALL: [Moment; 5] = [
        Moment::BugShipped,
        Moment::GatewayDown,
        Moment::ReviewerMerges,
        Moment::FixDeployed,
        Moment::RegressionShipped,
    ];

    pub fn at(self) -> DateTime<Utc> {
        match self {
            Moment::BugShipped => bug_shipped(),
            Moment::GatewayDown => gateway_outage().0,
            Moment::ReviewerMerges => reviewer_merges(),
            Moment::FixDeployed => fix_deployed(),
            Moment::RegressionShipped => regression_shipped(),
        }
    }

    /// What the narrative says when it happens.
    pub fn describe(self) -> &'static str {
        match self {
            Moment::BugShipped => {
                "checkout 1.4.2 is deployed; carts restored from old sessions have no lines"
            }
            Moment::GatewayDown => "the card gateway stops answering payments in time",
            Moment::ReviewerMerges => "a reviewer approves and merges triaged's draft PR",
            Moment::FixDeployed => "checkout 1.4.3, with the fix, is deployed",
            Moment::RegressionShipped => {
                "checkout 1.4.4 is deployed; a refactor drops the fix again"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traffic_is_the_same_however_the_range_is_cut() {
        let from = start();
        let to = from + Duration::hours(7);
        let whole = traffic(from, to);
        let mut pieces = Traffic::default();
        let mut t = from;
        while t < to {
            let next = t + Duration::minutes(15);
            let part = traffic(t, next);
            pieces.logs.extend(part.logs);
            pieces.sentry.extend(part.sentry);
            t = next;
        }
        pieces.logs.sort_by_key(|l| l.at);
        assert_eq!(whole.logs.len(), pieces.logs.len());
        assert_eq!(whole, pieces);
    }

    #[test]
    fn the_cart_bug_lives_in_1_4_2_and_1_4_4_only() {
        let count = |from: DateTime<Utc>| {
            traffic(from, from + Duration::hours(1))
                .logs
                .iter()
                .filter(|l| l.message.contains("NoneType"))
                .count()
        };
        assert_eq!(count(start()), 0, "1.4.1");
        assert_eq!(count(bug_shipped()), 36, "1.4.2");
        assert_eq!(count(fix_deployed()), 0, "1.4.3");
        assert_eq!(count(regression_shipped()), 36, "1.4.4");
        let sentry = traffic(bug_shipped(), bug_shipped() + Duration::hours(1)).sentry;
        assert!(
            sentry
                .iter()
                .any(|b| b.issue == SentryIssue::CartTotal && b.release == "1.4.2")
        );
    }

    #[test]
    fn the_gateway_spike_lasts_ninety_minutes() {
        let (from, to) = gateway_outage();
        let spike = traffic(from - Duration::hours(1), to + Duration::hours(1))
            .logs
            .into_iter()
            .filter(|l| l.message.contains("GatewayTimeout"))
            .collect::<Vec<_>>();
        assert!(spike.iter().all(|l| l.at >= from && l.at < to));
        assert_eq!(spike.len(), 420 + 210);
    }

    #[test]
    fn every_line_is_json_with_a_level_and_a_release() {
        for line in traffic(start(), end()).logs.iter().step_by(97) {
            let v: serde_json::Value = serde_json::from_str(&line.message).unwrap();
            assert!(v["level"].is_string() && v["release"].is_string(), "{v}");
        }
    }
}
