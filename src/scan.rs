//! The first pass: find the few positions worth a detector's attention, 64 bytes at a time.
//!
//! Nearly every PII value that has a shape starts at a digit run (phones, cards, bank and tax numbers,
//! IBAN check digits) or at one of three bytes: `@` (emails, handles, URL credentials), `%` (URL-encoded
//! `@` and `+`) and `$` (cashtags). This module turns each 64-byte block into two bitmasks, "is a digit"
//! and "is a trigger byte", and yields the positions where a digit run *starts* plus every trigger byte.
//! The mask loop is written so the compiler vectorises it (compare + movemask), which is what lets the
//! engine skip the 99% of log text that holds nothing, even though a third of log bytes are digits.
//!
//! Secret prefixes (`sk_live_`, `AKIA`, `eyJ`, ...) are found separately by a case-sensitive
//! multi-substring search; see `detect::secrets`.

const BLOCK: usize = 64;

/// Bit `i` of the first mask is set when `block[i]` is an ASCII digit; of the second when it is `@`, `%`
/// or `$`.
#[inline(always)]
fn block_masks(block: &[u8; BLOCK]) -> (u64, u64) {
    let mut digits = 0u64;
    let mut specials = 0u64;
    // Two 32-byte halves keep the shifts in u32 lanes, which vectorises better than one 64-wide loop.
    for half in 0..2 {
        let mut d = 0u32;
        let mut s = 0u32;
        for i in 0..32 {
            let b = block[half * 32 + i];
            d |= u32::from(b.wrapping_sub(b'0') < 10) << i;
            s |= u32::from((b == b'@') | (b == b'%') | (b == b'$')) << i;
        }
        digits |= u64::from(d) << (half * 32);
        specials |= u64::from(s) << (half * 32);
    }
    (digits, specials)
}

/// Positions of digit-run starts and trigger bytes, in increasing order.
pub(crate) struct Triggers<'a> {
    hay: &'a [u8],
    /// Start of the block whose pending bits are in `bits`.
    block_at: usize,
    /// Start of the next block to load.
    next_block: usize,
    bits: u64,
    /// Positions below this are not reported (set by [`Triggers::skip_to`]).
    floor: usize,
}

impl<'a> Triggers<'a> {
    pub fn new(hay: &'a [u8]) -> Triggers<'a> {
        Triggers {
            hay,
            block_at: 0,
            next_block: 0,
            bits: 0,
            floor: 0,
        }
    }

    /// Drops every position below `pos`: the caller has already examined those bytes.
    pub fn skip_to(&mut self, pos: usize) {
        if pos > self.floor {
            self.floor = pos;
        }
    }

    fn load(&mut self) -> bool {
        if self.next_block < self.floor {
            self.next_block = self.floor - self.floor % BLOCK;
        }
        if self.next_block >= self.hay.len() {
            return false;
        }
        let at = self.next_block;
        let end = (at + BLOCK).min(self.hay.len());
        let (digits, specials) = match self.hay[at..end].try_into() {
            Ok(block) => block_masks(block),
            Err(_) => {
                let mut padded = [0u8; BLOCK];
                padded[..end - at].copy_from_slice(&self.hay[at..end]);
                block_masks(&padded)
            }
        };
        let carry = u64::from(at > 0 && self.hay[at - 1].is_ascii_digit());
        let starts = digits & !((digits << 1) | carry);
        self.bits = starts | specials;
        self.block_at = at;
        self.next_block = end;
        true
    }
}

impl Iterator for Triggers<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            while self.bits != 0 {
                let pos = self.block_at + self.bits.trailing_zeros() as usize;
                self.bits &= self.bits - 1;
                if pos >= self.floor {
                    return Some(pos);
                }
            }
            if !self.load() {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(hay: &[u8], floor: usize) -> Vec<usize> {
        (floor..hay.len())
            .filter(|&i| {
                let b = hay[i];
                matches!(b, b'@' | b'%' | b'$')
                    || (b.is_ascii_digit() && (i == 0 || !hay[i - 1].is_ascii_digit()))
            })
            .collect()
    }

    #[test]
    fn matches_naive_scan() {
        let mut hay = Vec::new();
        for i in 0..700u32 {
            hay.extend_from_slice(format!("ab{}c@%$ {} x", i * 7919, i % 13).as_bytes());
        }
        assert_eq!(Triggers::new(&hay).collect::<Vec<_>>(), naive(&hay, 0));
        // A digit run crossing a block boundary yields one start only.
        let mut hay = vec![b'x'; 60];
        hay.extend_from_slice(b"12345678");
        assert_eq!(Triggers::new(&hay).collect::<Vec<_>>(), vec![60]);
    }

    #[test]
    fn skip_to_drops_earlier_positions() {
        let hay: Vec<u8> = (0..1000)
            .map(|i| if i % 3 == 0 { b'@' } else { b'a' })
            .collect();
        let mut t = Triggers::new(&hay);
        assert_eq!(t.next(), Some(0));
        t.skip_to(500);
        let rest: Vec<usize> = t.collect();
        assert_eq!(rest, naive(&hay, 500));
    }
}
