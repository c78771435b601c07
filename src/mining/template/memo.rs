//! The bounded exact-line memo (masked line → template index) and its fast seeded hash.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

/// Most memo entries (the memo is cleared when full), and the longest masked line memoised.
pub(super) const MEMO_CAP: usize = 1 << 15;
const MEMO_MAX_LINE: usize = 1 << 10;

/// Masked line → template index: the fast path of the miner. Holds at most `MEMO_CAP`
/// lines of at most `MEMO_MAX_LINE` bytes.
pub(super) struct Memo(HashMap<Box<[u8]>, u32, SeededState>);

impl Memo {
    pub(super) fn new() -> Self {
        Memo(HashMap::with_hasher(SeededState::new()))
    }

    pub(super) fn get(&self, line: &[u8]) -> Option<usize> {
        self.0.get(line).map(|&i| i as usize)
    }

    /// Remembers `line` → `index` if the line is short enough; clears the memo when full.
    pub(super) fn insert(&mut self, line: &[u8], index: usize) {
        if line.len() <= MEMO_MAX_LINE {
            if self.0.len() >= MEMO_CAP {
                self.0.clear();
            }
            self.0.insert(line.into(), index as u32);
        }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

/// Seeded multiply-fold hash for the memo: much faster than SipHash on ~100-byte keys, and
/// the per-process random seed keeps crafted lines from colliding on purpose.
#[derive(Clone, Copy)]
struct SeededState(u64);

impl SeededState {
    fn new() -> Self {
        SeededState(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64) | 1)
    }
}

impl BuildHasher for SeededState {
    type Hasher = SeededHasher;
    fn build_hasher(&self) -> SeededHasher {
        SeededHasher(self.0)
    }
}

struct SeededHasher(u64);

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

fn fold(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

impl Hasher for SeededHasher {
    fn write(&mut self, bytes: &[u8]) {
        // two independent lanes over 16-byte blocks, folded together at the end
        let word = |b: &[u8]| b.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
        let (mut h1, mut h2) = (self.0 ^ bytes.len() as u64, self.0.rotate_left(32) ^ MUL);
        let mut chunks = bytes.chunks_exact(16);
        for c in &mut chunks {
            h1 = fold(word(&c[..8]) ^ h1, MUL);
            h2 = fold(word(&c[8..]) ^ h2, MUL ^ 0x5851_f42d_4c95_7f2d);
        }
        let mut buf = [0u8; 16];
        buf[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.0 = fold(word(&buf[..8]) ^ h1, word(&buf[8..]) ^ h2);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = fold(self.0 ^ i as u64, MUL);
    }
    fn finish(&self) -> u64 {
        fold(self.0, MUL ^ 0x2d35_8dcc_aa6c_78a5)
    }
}
