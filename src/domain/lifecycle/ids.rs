//! Deterministic ids for what triaged creates in the tracker: the same cluster and purpose
//! always give the same id, so a create or comment that may have landed before a crash is
//! recognised when it is retried, even if the intent row was lost.

use sha2::{Digest, Sha256};

/// A UUID (version 4 layout, as trackers expect) derived from `parts`.
pub fn stable_uuid(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let mut b: [u8; 16] = hasher.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_parts_same_id_and_a_valid_v4_layout() {
        let a = stable_uuid(&["create", "00aa11bb22cc33dd", "0"]);
        assert_eq!(a, stable_uuid(&["create", "00aa11bb22cc33dd", "0"]));
        assert_ne!(a, stable_uuid(&["create", "00aa11bb22cc33dd", "1"]));
        // Length-prefixed: moving a boundary changes the id.
        assert_ne!(stable_uuid(&["ab", "c"]), stable_uuid(&["a", "bc"]));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }
}
