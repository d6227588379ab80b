//! A deterministic pseudo-random stream for tests (xorshift64): generated inputs are the same on
//! every run and every machine, so a failure names an input that can be replayed, and no test
//! depends on a random-number crate.

/// Marsaglia's xorshift64 (shifts 13, 7, 17). Not for anything but test data.
pub(crate) struct XorShift(u64);

impl XorShift {
    /// A stream from `seed`, which must not be 0 (the stream would stay 0).
    pub(crate) fn new(seed: u64) -> XorShift {
        XorShift(seed)
    }

    /// The next value.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// The next value below `n` (not 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}
