//! `--faults throttle=0.2,5xx=0.1,timeout=0.05,truncate=0.02,malformed=0.05`: the share of
//! requests each emulator fails, and how; `retry_after=0s` sets the `Retry-After` a throttle
//! answers with (1 s unless given).

use triaged_sandbox::FaultKnobs;

/// The names `--faults` accepts, in the order the emulators draw them.
pub const FAULT_NAMES: [&str; 5] = ["throttle", "5xx", "timeout", "truncate", "malformed"];

/// Parses a fault spec; an empty spec means no faults. Each name may appear once.
pub fn parse_faults(spec: &str) -> Result<FaultKnobs, String> {
    let mut knobs = FaultKnobs::none();
    let mut seen = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, share) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}`: expected name=share, e.g. throttle=0.2"))?;
        let (name, share) = (name.trim(), share.trim());
        if name == "retry_after" {
            if seen.contains(&name) {
                return Err(format!("`{name}` is given twice"));
            }
            knobs.retry_after = humantime::parse_duration(share)
                .ok()
                .filter(|d| d.as_secs() <= 3600)
                .ok_or_else(|| format!("`{part}`: expected a duration up to 1h, e.g. 0s or 2s"))?;
            seen.push(name);
            continue;
        }
        let share: f64 = share
            .parse()
            .ok()
            .filter(|s: &f64| (0.0..=1.0).contains(s))
            .ok_or_else(|| format!("`{part}`: the share must be a number from 0 to 1"))?;
        if seen.contains(&name) {
            return Err(format!("`{name}` is given twice"));
        }
        let slot = match name {
            "throttle" => &mut knobs.throttle,
            "5xx" => &mut knobs.server_error,
            "timeout" => &mut knobs.delay,
            "truncate" => &mut knobs.truncate,
            "malformed" => &mut knobs.malformed,
            _ => {
                return Err(format!(
                    "`{name}` is not a fault (one of {})",
                    FAULT_NAMES.join(", ")
                ));
            }
        };
        *slot = share;
        seen.push(name);
    }
    Ok(knobs)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn every_fault_is_read_into_its_knob() {
        let knobs =
            parse_faults("throttle=0.2, 5xx=0.1,timeout=0.05,truncate=0.02,malformed=1").unwrap();
        assert_eq!(knobs.throttle, 0.2);
        assert_eq!(knobs.server_error, 0.1);
        assert_eq!(knobs.delay, 0.05);
        assert_eq!(knobs.truncate, 0.02);
        assert_eq!(knobs.malformed, 1.0);
        assert_eq!(knobs.retry_after, FaultKnobs::none().retry_after);
        let quick = parse_faults("throttle=0.1,retry_after=0s").unwrap();
        assert_eq!((quick.throttle, quick.retry_after), (0.1, Duration::ZERO));
        let slow = parse_faults("retry_after=3s").unwrap();
        assert_eq!(slow.retry_after, Duration::from_secs(3));
    }

    #[test]
    fn an_empty_spec_means_no_faults() {
        assert_eq!(parse_faults("").unwrap(), FaultKnobs::none());
        assert_eq!(parse_faults(" , ").unwrap(), FaultKnobs::none());
        assert_eq!(parse_faults("throttle=0").unwrap(), FaultKnobs::none());
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let cases = [
            ("throttle", "expected name=share"),
            ("throttle=lots", "from 0 to 1"),
            ("throttle=1.5", "from 0 to 1"),
            ("throttle=-0.1", "from 0 to 1"),
            ("throttle=NaN", "from 0 to 1"),
            (
                "jitter=0.1",
                "`jitter` is not a fault (one of throttle, 5xx",
            ),
            ("5xx=0.1,5xx=0.2", "`5xx` is given twice"),
            ("retry_after=soon", "expected a duration up to 1h"),
            ("retry_after=2h", "expected a duration up to 1h"),
            (
                "retry_after=0s,retry_after=1s",
                "`retry_after` is given twice",
            ),
        ];
        for (spec, expected) in cases {
            let err = parse_faults(spec).unwrap_err();
            assert!(err.contains(expected), "{spec}: {err}");
        }
    }
}
