//! FxHash (as in rustc) for the engine's small lookup tables keyed by pack data (JSON key names,
//! trigger literals).
//!
//! The standard library's SipHash is keyed to resist collision attacks on tables that hold
//! attacker-chosen keys; these tables hold only the pack's keys, so an input can make a lookup
//! miss, never crowd the table, and a multiply-rotate hash does the job at a fraction of the
//! cost (SipHash was 1.3% of a scan that looked up trigger literals).

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// What a `HashMap` takes to hash with [`FxHasher`].
pub(crate) type FxBuildHasher = BuildHasherDefault<FxHasher>;
