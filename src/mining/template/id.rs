//! Template ids: a fixed hash (FNV-1a) of the first masked message, printed as 16 hex digits.

use std::fmt;

/// Stable id of a template: a fixed hash of the first masked message of the template.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct TemplateId(pub u64);

impl TemplateId {
    /// The id as 16 lower-case hex digits, as `Display` prints it, without allocating.
    pub fn to_hex(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (pair, &byte) in out.chunks_exact_mut(2).zip(&self.0.to_be_bytes()) {
            pair.copy_from_slice(&HEX_PAIRS[byte as usize]);
        }
        out
    }
}

/// `HEX_PAIRS[b]` is `b` as two lower-case hex digits.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 0xf]];
        i += 1;
    }
    t
};

impl fmt::Display for TemplateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// FNV-1a, 64 bit: a fixed, documented hash, so ids agree across builds and replicas.
pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}
