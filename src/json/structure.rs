//! Where a line's quotes are, found 64 bytes at a time: the structural index the JSON path reads
//! instead of searching for each string's end.
//!
//! A JSON log line is mostly short strings (`"level":"info","ts":…`), and finding each one's closing
//! quote with its own `memchr2` call paid a search set-up per string — about as much as the rest of
//! the parse. Like simdjson's first stage, this classifies the whole line once: one bit per `"`, and
//! whether any `\` occurs. In a line without backslashes every `"` delimits a string, so a string's
//! end is the next quote bit and a key is the string before a quote followed by `:`; a line with a
//! backslash takes the escape-aware path (`parse::string_end`) instead.
//!
//! On x86_64 the bits come from AVX2 (when the CPU has it) or SSE2 compares and movemask; the byte
//! loop is the portable path and the reference both SIMD paths are tested against on every byte
//! value.

use crate::scan::Isa;

const BLOCK: usize = 64;

/// One bit per `"` of a line, and whether the line holds a `\`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Quotes {
    bits: Vec<u64>,
    len: usize,
    backslash: bool,
}

impl Quotes {
    /// Indexes `line`, reusing this index's buffer.
    pub fn index(&mut self, line: &[u8]) {
        self.bits.clear();
        self.len = line.len();
        let isa = Isa::detect();
        let mut backslash = 0;
        let mut blocks = line.chunks_exact(BLOCK);
        for block in blocks.by_ref() {
            // `chunks_exact` yields exactly `BLOCK` bytes.
            let block: &[u8; BLOCK] = block.try_into().unwrap_or(&[0; BLOCK]);
            let (q, b) = masks_of(block, isa);
            self.bits.push(q);
            backslash |= b;
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            // The tail padded with a byte that is neither class.
            let mut block = [0u8; BLOCK];
            block[..rest.len()].copy_from_slice(rest);
            let (q, b) = masks_of(&block, isa);
            self.bits.push(q);
            backslash |= b;
        }
        self.backslash = backslash != 0;
    }

    /// Whether the indexed line holds a backslash (an escape, so not every `"` delimits a string).
    pub fn has_backslash(&self) -> bool {
        self.backslash
    }

    /// The first `"` at or after `from`.
    pub fn next(&self, from: usize) -> Option<usize> {
        if from >= self.len {
            return None;
        }
        let mut word = from / BLOCK;
        let mut bits = self.bits.get(word)? & (!0u64 << (from % BLOCK));
        loop {
            if bits != 0 {
                return Some(word * BLOCK + bits.trailing_zeros() as usize);
            }
            word += 1;
            bits = *self.bits.get(word)?;
        }
    }

    /// The index itself: bit `i` of word `w` is byte `64 * w + i`, set for a `"`.
    pub fn words(&self) -> &[u64] {
        &self.bits
    }

    /// Every `"`, in order (the reference [`Quotes::words`] is tested against).
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().enumerate().flat_map(|(word, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let at = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    word * BLOCK + at
                })
            })
        })
    }
}

/// The `"` and `\\` among the 64 bytes of `bytes` from `from` on, as one mask (bit `i` is byte
/// `from + i`; bytes past the end are neither): the same classification for readers that walk a
/// buffer block by block instead of indexing a line (the Lambda's payload reader).
#[cfg_attr(not(feature = "lambda"), allow(dead_code))]
pub(crate) fn specials_at(bytes: &[u8], from: usize, isa: Isa) -> u64 {
    let (quotes, backslashes) = match bytes.get(from..from.saturating_add(BLOCK)) {
        Some(block) => masks_of(block.try_into().unwrap_or(&[0; BLOCK]), isa),
        None => {
            let rest = bytes.get(from..).unwrap_or_default();
            let mut block = [0u8; BLOCK];
            block[..rest.len()].copy_from_slice(rest);
            masks_of(&block, isa)
        }
    };
    quotes | backslashes
}

/// SSE2 masks (quotes, backslashes), 16 bytes per compare, from the steps in `scan::sse2`; the
/// only `unsafe` is the call itself (see [`masks_of`]).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn block_masks(block: &[u8; BLOCK]) -> (u64, u64) {
    use crate::scan::sse2::*;
    let (mut quotes, mut backslashes) = (0u64, 0u64);
    for i in 0..BLOCK / 16 {
        let v = lane(block, i);
        quotes |= bits(eq(v, b'"'), i);
        backslashes |= bits(eq(v, b'\\'), i);
    }
    (quotes, backslashes)
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn block_masks(block: &[u8; BLOCK]) -> (u64, u64) {
    byte_loop_masks(block)
}

/// The masks one byte at a time: the portable path, and the reference the SSE2 path is tested
/// against.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline(always)]
fn byte_loop_masks(block: &[u8; BLOCK]) -> (u64, u64) {
    let (mut quotes, mut backslashes) = (0u64, 0u64);
    for (i, &b) in block.iter().enumerate() {
        quotes |= u64::from(b == b'"') << i;
        backslashes |= u64::from(b == b'\\') << i;
    }
    (quotes, backslashes)
}

/// The same masks with AVX2, 32 bytes per compare.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn block_masks_avx2(block: &[u8; BLOCK]) -> (u64, u64) {
    use crate::scan::avx2::*;
    let (mut quotes, mut backslashes) = (0u64, 0u64);
    for i in 0..BLOCK / 32 {
        let v = lane(block, i);
        quotes |= bits(eq(v, b'"'), i);
        backslashes |= bits(eq(v, b'\\'), i);
    }
    (quotes, backslashes)
}

#[inline(always)]
fn masks_of(block: &[u8; BLOCK], isa: Isa) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    if isa == Isa::Avx2 {
        #[allow(unsafe_code)]
        // SAFETY: `Isa::Avx2` is only ever the answer of `Isa::detect`, which checked that this CPU
        // has AVX2.
        return unsafe { block_masks_avx2(block) };
    }
    let _ = isa;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[allow(unsafe_code)]
    // SAFETY: `block_masks` only needs SSE2, and this code is compiled only when SSE2 is enabled for
    // the whole build (it is part of the x86_64 baseline), so the CPU running it has SSE2.
    unsafe {
        block_masks(block)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    block_masks(block)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SIMD masks (SSE2, and AVX2 where the CPU has it) equal the byte loop's for every byte
    /// value in every lane position (Miri runs it over the `unsafe` calls: `cargo +nightly miri
    /// test --lib json::structure`).
    #[test]
    fn simd_masks_match_the_byte_loop() {
        for isa in Isa::all_available() {
            for rotate in 0..32 {
                for first in (0..=255u8).step_by(BLOCK) {
                    let mut block = [0u8; BLOCK];
                    for (i, b) in block.iter_mut().enumerate() {
                        *b = first.wrapping_add(((i + rotate) % BLOCK) as u8);
                    }
                    let want = byte_loop_masks(&block);
                    assert_eq!(masks_of(&block, isa), want, "{isa:?} {block:?}");
                }
            }
        }
    }

    #[test]
    fn specials_at_any_offset_and_at_the_end() {
        let bytes: Vec<u8> = (0..300u32)
            .map(|i| match i % 7 {
                0 => b'"',
                3 => b'\\',
                _ => b'a' + (i % 26) as u8,
            })
            .collect();
        for isa in Isa::all_available() {
            for from in 0..=bytes.len() + 1 {
                let want = (0..64)
                    .filter(|&i| matches!(bytes.get(from + i), Some(b'"' | b'\\')))
                    .fold(0u64, |m, i| m | 1 << i);
                assert_eq!(specials_at(&bytes, from, isa), want, "{isa:?} from {from}");
            }
        }
    }

    #[test]
    fn finds_every_quote_across_blocks() {
        for len in [0, 1, 63, 64, 65, 127, 128, 200] {
            for step in [1, 3, 7, 64] {
                let line: Vec<u8> = (0..len)
                    .map(|i| if i % step == 0 { b'"' } else { b'a' })
                    .collect();
                let want: Vec<usize> = (0..len).filter(|i| i % step == 0).collect();
                let mut q = Quotes::default();
                q.index(&line);
                assert_eq!(q.iter().collect::<Vec<_>>(), want, "len {len} step {step}");
                for from in 0..=len + 1 {
                    assert_eq!(
                        q.next(from),
                        want.iter().copied().find(|&w| w >= from),
                        "len {len} step {step} from {from}"
                    );
                }
                assert!(!q.has_backslash());
            }
        }
        let mut q = Quotes::default();
        q.index(&[b'a'; 70]);
        assert!(!q.has_backslash() && q.next(0).is_none());
        let mut line = vec![b'a'; 130];
        line[129] = b'\\';
        q.index(&line);
        assert!(q.has_backslash());
        // Reusing the index for a shorter line forgets the longer one.
        q.index(b"\"x\"");
        assert_eq!(q.iter().collect::<Vec<_>>(), [0, 2]);
        assert!(!q.has_backslash());
    }
}
