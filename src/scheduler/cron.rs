//! Crontab-style schedules: standard 5-field expressions (days of week 0–7, Sunday = 0 or 7)
//! translated for the `cron` crate (6 fields, seconds first, Sunday = 1), read in a time zone,
//! with the repeated hour of a DST fall-back fired once.

use std::str::FromStr;

use chrono::{DateTime, LocalResult, TimeZone, Utc};
use chrono_tz::Tz;

/// Why a schedule expression was refused.
#[derive(Debug, thiserror::Error)]
pub enum CronError {
    #[error("expected 5 fields (minute hour day-of-month month day-of-week), got {0}: {1:?}")]
    FieldCount(usize, String),
    #[error("day-of-week {0:?}: {1}")]
    DayOfWeek(String, String),
    #[error("invalid cron expression {0:?}: {1}")]
    Invalid(String, String),
}

/// A parsed schedule in a time zone.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    source: String,
    /// One schedule, or two when both day fields are restricted: crontab fires when EITHER
    /// matches, while the `cron` crate requires both, so the union of two is taken.
    parts: Vec<cron::Schedule>,
    tz: Tz,
}

impl CronSchedule {
    /// Parses a crontab expression (`0 9 * * 1-5`, `*/5 * * * *`, `@daily`).
    pub fn parse(expr: &str, tz: Tz) -> Result<Self, CronError> {
        let expanded = match expr.trim() {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        let [minute, hour, dom, month, dow] = fields[..] else {
            return Err(CronError::FieldCount(fields.len(), expr.to_string()));
        };
        let dow = translate_day_of_week(dow)?;
        let build = |dom: &str, dow: &str| {
            cron::Schedule::from_str(&format!("0 {minute} {hour} {dom} {month} {dow}"))
                .map_err(|e| CronError::Invalid(expr.to_string(), e.to_string()))
        };
        let parts = if dom != "*" && dow != "*" {
            vec![build(dom, "*")?, build("*", &dow)?]
        } else {
            vec![build(dom, &dow)?]
        };
        Ok(Self {
            source: expr.to_string(),
            parts,
            tz,
        })
    }

    /// The expression as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The first fire time strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut from = t.with_timezone(&self.tz);
        loop {
            let next = self
                .parts
                .iter()
                .filter_map(|s| s.after(&from).next())
                .min()?;
            if !self.is_repeated_wall_time(&next) {
                return Some(next.with_timezone(&Utc));
            }
            from = next;
        }
    }

    /// The latest fire time at or before `t`.
    pub fn latest_at_or_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // Fire times are whole minutes: anything strictly before t + 1 s is at or before t.
        let before = (t + chrono::Duration::seconds(1)).with_timezone(&self.tz);
        let prev = self
            .parts
            .iter()
            .filter_map(|s| s.after(&before).next_back())
            .max()?;
        // Inside a repeated hour the tick that counts is the wall time's first occurrence,
        // which is earlier still.
        let prev = match self.tz.from_local_datetime(&prev.naive_local()) {
            LocalResult::Ambiguous(first, _) => first,
            _ => prev,
        };
        Some(prev.with_timezone(&Utc))
    }

    /// True for the second occurrence of a wall-clock time that a DST fall-back repeats.
    fn is_repeated_wall_time(&self, t: &DateTime<Tz>) -> bool {
        match self.tz.from_local_datetime(&t.naive_local()) {
            LocalResult::Ambiguous(first, _) => *t != first,
            _ => false,
        }
    }
}

/// Crontab numbers days 0–7 with Sunday = 0 and 7; the `cron` crate numbers 1–7 with
/// Sunday = 1 and rejects 0. Expands the field to the explicit set of days.
fn translate_day_of_week(field: &str) -> Result<String, CronError> {
    if field == "*" || field == "?" {
        return Ok("*".into());
    }
    let err = |reason: &str| CronError::DayOfWeek(field.to_string(), reason.to_string());
    let day = |s: &str| -> Result<u32, CronError> {
        const NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        if let Some(i) = NAMES.iter().position(|n| s.eq_ignore_ascii_case(n)) {
            return Ok(i as u32);
        }
        match s.parse::<u32>() {
            Ok(n) if n <= 7 => Ok(n),
            _ => Err(err("days are 0-7 (0 and 7 = Sunday) or sun..sat")),
        }
    };
    let mut days = [false; 7];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| err("bad step"))?,
            ),
            None => (item, 1),
        };
        let (start, end) = match range {
            "*" => (0, 6),
            r => match r.split_once('-') {
                Some((a, b)) => (day(a)?, day(b)?),
                None if step > 1 => (day(r)?, 6),
                None => (day(r)?, day(r)?),
            },
        };
        if start > end {
            return Err(err("range runs backwards"));
        }
        for d in (start..=end).step_by(step as usize) {
            days[(d % 7) as usize] = true;
        }
    }
    let list: Vec<String> = (0..7)
        .filter(|d| days[*d])
        .map(|d| (d + 1).to_string())
        .collect();
    Ok(list.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike, Weekday};

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn weekdays_fire_monday_to_friday_only() {
        let s = CronSchedule::parse("0 9 * * 1-5", chrono_tz::UTC).unwrap();
        // 2026-11-01 is a Sunday.
        let mut t = utc(2026, 11, 1, 0, 0);
        let mut seen = Vec::new();
        for _ in 0..10 {
            t = s.next_after(t).unwrap();
            assert_eq!((t.hour(), t.minute()), (9, 0));
            seen.push(t.weekday());
        }
        use Weekday::*;
        assert_eq!(seen, [Mon, Tue, Wed, Thu, Fri, Mon, Tue, Wed, Thu, Fri]);
    }

    #[test]
    fn sunday_is_zero_and_seven() {
        for expr in ["0 0 * * 0", "0 0 * * 7", "0 0 * * sun"] {
            let s = CronSchedule::parse(expr, chrono_tz::UTC).unwrap();
            let t = s.next_after(utc(2026, 11, 2, 0, 0)).unwrap();
            assert_eq!(t.weekday(), Weekday::Sun, "{expr}");
        }
        let s = CronSchedule::parse("0 0 * * 5-7", chrono_tz::UTC).unwrap();
        let mut t = utc(2026, 11, 2, 0, 0);
        let mut days = Vec::new();
        for _ in 0..3 {
            t = s.next_after(t).unwrap();
            days.push(t.weekday());
        }
        assert_eq!(days, [Weekday::Fri, Weekday::Sat, Weekday::Sun]);
    }

    #[test]
    fn both_day_fields_restricted_means_either() {
        // The 1st of the month OR any Monday.
        let s = CronSchedule::parse("0 0 1 * 1", chrono_tz::UTC).unwrap();
        let t = s.next_after(utc(2026, 11, 21, 0, 0)).unwrap();
        assert_eq!(t, utc(2026, 11, 23, 0, 0)); // Monday 23rd
        let t = s.next_after(utc(2026, 11, 30, 0, 0)).unwrap(); // after Monday 30th
        assert_eq!(t, utc(2026, 12, 1, 0, 0));
    }

    #[test]
    fn latest_at_or_before_includes_the_exact_tick() {
        let s = CronSchedule::parse("*/5 * * * *", chrono_tz::UTC).unwrap();
        assert_eq!(
            s.latest_at_or_before(utc(2026, 1, 1, 10, 5)),
            Some(utc(2026, 1, 1, 10, 5))
        );
        assert_eq!(
            s.latest_at_or_before(utc(2026, 1, 1, 10, 9)),
            Some(utc(2026, 1, 1, 10, 5))
        );
    }

    #[test]
    fn dst_fall_back_hour_fires_once() {
        // New York falls back at 2026-11-01 02:00 EDT → 01:00 EST: 01:30 happens twice.
        let s = CronSchedule::parse("30 1 * * *", chrono_tz::America::New_York).unwrap();
        let first = s.next_after(utc(2026, 11, 1, 0, 0)).unwrap();
        assert_eq!(first, utc(2026, 11, 1, 5, 30)); // 01:30 EDT
        let second = s.next_after(first).unwrap();
        assert_eq!(second, utc(2026, 11, 2, 6, 30)); // next day 01:30 EST, not 06:30 UTC today
        // Looking back from inside the repeated hour finds the first occurrence.
        assert_eq!(s.latest_at_or_before(utc(2026, 11, 1, 6, 45)), Some(first));
    }

    #[test]
    fn bad_expressions_are_refused_with_a_reason() {
        assert!(matches!(
            CronSchedule::parse("0 9 * *", chrono_tz::UTC),
            Err(CronError::FieldCount(4, _))
        ));
        assert!(matches!(
            CronSchedule::parse("0 9 * * 8", chrono_tz::UTC),
            Err(CronError::DayOfWeek(..))
        ));
        assert!(matches!(
            CronSchedule::parse("61 9 * * *", chrono_tz::UTC),
            Err(CronError::Invalid(..))
        ));
    }
}
