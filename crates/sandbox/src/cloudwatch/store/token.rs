//! Opaque page tokens: a `FilterLogEvents` token holds the last consumed position and a
//! fingerprint of the query it belongs to (a token replayed with other parameters is
//! rejected, as AWS does); a `DescribeLogGroups` token holds the last group name.

use crate::cloudwatch::wire::{ApiError, FilterLogEventsRequest};

const EVENTS_TAG: &str = "e1";
const GROUPS_TAG: &str = "g1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageToken {
    /// (timestamp, arrival sequence) of the last event the previous page consumed.
    pub after: (i64, u64),
    pub fingerprint: u64,
}

impl PageToken {
    pub fn encode(self) -> String {
        format!(
            "{EVENTS_TAG}{:016x}{:016x}{:016x}",
            self.after.0 as u64, self.after.1, self.fingerprint
        )
    }

    pub fn decode(text: &str, fingerprint: u64) -> Result<PageToken, ApiError> {
        let invalid = || ApiError::invalid("The specified nextToken is invalid.");
        let hex = text.strip_prefix(EVENTS_TAG).ok_or_else(invalid)?;
        if hex.len() != 48 || !hex.is_ascii() {
            return Err(invalid());
        }
        let field =
            |i: usize| u64::from_str_radix(&hex[i * 16..(i + 1) * 16], 16).map_err(|_| invalid());
        let token = PageToken {
            after: (field(0)? as i64, field(1)?),
            fingerprint: field(2)?,
        };
        if token.fingerprint != fingerprint {
            return Err(invalid());
        }
        Ok(token)
    }
}

/// A stable hash of the parameters that define a `FilterLogEvents` result set.
pub fn query_fingerprint(group: &str, request: &FilterLogEventsRequest) -> u64 {
    let canonical = format!(
        "{group}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{:?}",
        request.log_stream_names,
        request.log_stream_name_prefix,
        request.start_time,
        request.end_time,
        request.filter_pattern,
    );
    fnv1a(canonical.as_bytes())
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub fn encode_name(name: &str) -> String {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{GROUPS_TAG}{hex}")
}

pub fn decode_name(text: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::invalid("The specified nextToken is invalid.");
    let hex = text.strip_prefix(GROUPS_TAG).ok_or_else(invalid)?;
    if hex.len() % 2 != 0 || !hex.is_ascii() {
        return Err(invalid());
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| invalid()))
        .collect::<Result<Vec<u8>, ApiError>>()?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_tokens_round_trip_and_bind_to_their_query() {
        let token = PageToken {
            after: (1_700_000_000_123, 42),
            fingerprint: 7,
        };
        assert_eq!(PageToken::decode(&token.encode(), 7), Ok(token));
        assert!(PageToken::decode(&token.encode(), 8).is_err());
        for bad in [
            "",
            "e1",
            "e1zz",
            "x",
            "e1é",
            &format!("{}0", token.encode()),
        ] {
            assert!(PageToken::decode(bad, 7).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn group_tokens_round_trip() {
        let name = "/aws/lambda/checkout-é";
        assert_eq!(decode_name(&encode_name(name)).as_deref(), Ok(name));
        for bad in ["g1f", "g1zz", "nope", "g1ff"] {
            assert!(decode_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn fingerprint_depends_on_the_query() {
        let base = FilterLogEventsRequest {
            start_time: Some(1),
            ..FilterLogEventsRequest::default()
        };
        let other = FilterLogEventsRequest {
            start_time: Some(2),
            ..base.clone()
        };
        assert_eq!(query_fingerprint("g", &base), query_fingerprint("g", &base));
        assert_ne!(
            query_fingerprint("g", &base),
            query_fingerprint("g", &other)
        );
        assert_ne!(query_fingerprint("g", &base), query_fingerprint("h", &base));
    }
}
