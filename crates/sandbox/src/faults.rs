//! Fault injection shared by every emulator: what share of requests fail, and how.
//!
//! An emulator asks `Faults::next()` once per request; each emulator renders the fault in
//! its vendor's own shape (a CloudWatch `ThrottlingException`, a Sentry 429 with
//! `Retry-After`, …). Draws come from a seeded generator, so a test's fault sequence is
//! repeatable.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How often each fault happens (shares in 0.0–1.0, checked in this order) and its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultKnobs {
    /// Rate-limited: 429 (or the vendor's throttling error) with `Retry-After`.
    pub throttle: f64,
    pub retry_after: Duration,
    /// A 5xx (500/502/503 in turn).
    pub server_error: f64,
    /// The response is held for `delay_for` before it is sent (past a client's timeout).
    pub delay: f64,
    pub delay_for: Duration,
    /// A correct response whose body is cut short.
    pub truncate: f64,
    /// A 200 whose body is not what the contract says (HTML from a proxy).
    pub malformed: f64,
}

impl FaultKnobs {
    /// No faults at all.
    pub fn none() -> FaultKnobs {
        FaultKnobs {
            throttle: 0.0,
            retry_after: Duration::from_secs(1),
            server_error: 0.0,
            delay: 0.0,
            delay_for: Duration::from_secs(30),
            truncate: 0.0,
            malformed: 0.0,
        }
    }
}

impl Default for FaultKnobs {
    fn default() -> Self {
        FaultKnobs::none()
    }
}

/// The fault chosen for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Throttle { retry_after: Duration },
    ServerError { status: u16 },
    Delay(Duration),
    Truncate,
    Malformed,
}

impl Fault {
    /// The fault's kind, as the `--faults` spec names it (`throttle`, `5xx`, `timeout`,
    /// `truncate`, `malformed`).
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Throttle { .. } => "throttle",
            Fault::ServerError { .. } => "5xx",
            Fault::Delay(_) => "timeout",
            Fault::Truncate => "truncate",
            Fault::Malformed => "malformed",
        }
    }

    /// Applies a body fault (`Truncate`, `Malformed`) to a response body; other faults
    /// leave it alone.
    pub fn mangle_body(self, body: Vec<u8>) -> Vec<u8> {
        match self {
            Fault::Truncate => {
                let keep = body.len() / 2;
                body[..keep].to_vec()
            }
            Fault::Malformed => b"<html><body>502 Bad Gateway</body></html>".to_vec(),
            _ => body,
        }
    }
}

/// The knobs plus a seeded generator; shared by an emulator's handlers.
pub struct Faults {
    state: Mutex<Draws>,
}

struct Draws {
    knobs: FaultKnobs,
    rng: StdRng,
    injected: u64,
    by_kind: BTreeMap<&'static str, u64>,
}

impl Faults {
    pub fn new(seed: u64) -> Faults {
        Faults {
            state: Mutex::new(Draws {
                knobs: FaultKnobs::none(),
                rng: StdRng::seed_from_u64(seed),
                injected: 0,
                by_kind: BTreeMap::new(),
            }),
        }
    }

    /// Replaces the knobs (e.g. `FaultKnobs { throttle: 0.3, ..FaultKnobs::none() }`).
    pub fn set(&self, knobs: FaultKnobs) {
        self.lock().knobs = knobs;
    }

    /// Back to no faults.
    pub fn clear(&self) {
        self.set(FaultKnobs::none());
    }

    /// How many faults were injected so far.
    pub fn injected(&self) -> u64 {
        self.lock().injected
    }

    /// How many faults of each kind were injected so far.
    pub fn injected_by_kind(&self) -> BTreeMap<&'static str, u64> {
        self.lock().by_kind.clone()
    }

    /// Draws the fault for one request, if any.
    pub fn next(&self) -> Option<Fault> {
        let mut state = self.lock();
        let Draws {
            knobs,
            rng,
            injected,
            by_kind,
        } = &mut *state;
        let fault = if rng.random_bool(knobs.throttle.clamp(0.0, 1.0)) {
            Some(Fault::Throttle {
                retry_after: knobs.retry_after,
            })
        } else if rng.random_bool(knobs.server_error.clamp(0.0, 1.0)) {
            let status = [500, 502, 503][(*injected % 3) as usize];
            Some(Fault::ServerError { status })
        } else if rng.random_bool(knobs.delay.clamp(0.0, 1.0)) {
            Some(Fault::Delay(knobs.delay_for))
        } else if rng.random_bool(knobs.truncate.clamp(0.0, 1.0)) {
            Some(Fault::Truncate)
        } else if rng.random_bool(knobs.malformed.clamp(0.0, 1.0)) {
            Some(Fault::Malformed)
        } else {
            None
        };
        if let Some(fault) = &fault {
            *injected += 1;
            *by_kind.entry(fault.kind()).or_default() += 1;
        }
        fault
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Draws> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_knobs_no_faults() {
        let faults = Faults::new(7);
        assert!((0..1000).all(|_| faults.next().is_none()));
        assert_eq!(faults.injected(), 0);
    }

    #[test]
    fn shares_are_roughly_honoured_and_repeatable() {
        let draw = || {
            let faults = Faults::new(42);
            faults.set(FaultKnobs {
                throttle: 0.25,
                ..FaultKnobs::none()
            });
            (0..4000).map(|_| faults.next()).collect::<Vec<_>>()
        };
        let first = draw();
        assert_eq!(first, draw(), "same seed, same sequence");
        let throttled = first.iter().filter(|f| f.is_some()).count();
        assert!((800..1200).contains(&throttled), "{throttled} of 4000");
        let faults = Faults::new(42);
        faults.set(FaultKnobs {
            throttle: 0.25,
            malformed: 0.5,
            ..FaultKnobs::none()
        });
        let drawn: Vec<Fault> = (0..4000).filter_map(|_| faults.next()).collect();
        let by_kind = faults.injected_by_kind();
        assert_eq!(by_kind.values().sum::<u64>(), faults.injected());
        assert_eq!(
            by_kind.keys().copied().collect::<Vec<_>>(),
            ["malformed", "throttle"]
        );
        let malformed = drawn.iter().filter(|f| **f == Fault::Malformed).count() as u64;
        assert_eq!(by_kind["malformed"], malformed);
    }

    #[test]
    fn body_faults_break_the_body() {
        let body = br#"{"events":[1,2,3]}"#.to_vec();
        let cut = Fault::Truncate.mangle_body(body.clone());
        assert!(cut.len() < body.len());
        assert!(serde_json::from_slice::<serde_json::Value>(&cut).is_err());
        let html = Fault::Malformed.mangle_body(body.clone());
        assert!(serde_json::from_slice::<serde_json::Value>(&html).is_err());
        assert_eq!(Fault::Delay(Duration::ZERO).mangle_body(body.clone()), body);
    }
}
