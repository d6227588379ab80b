//! The first pass: find the few positions worth a detector's attention, 64 bytes at a time.
//!
//! Nearly every PII value that has a shape starts at a digit run (phones, cards, bank and tax numbers,
//! IBAN check digits) or at one of three bytes: `@` (emails, handles, URL credentials), `%` (URL-encoded
//! `@` and `+`) and `$` (cashtags). This module turns each 64-byte block into two bitmasks, "is a digit"
//! and "is a trigger byte", and yields the positions where a digit run *starts* plus every trigger byte.
//! On x86_64 the masks come from AVX2 compares and movemask (32 bytes per instruction) when the CPU
//! has AVX2, else SSE2 (16 bytes, the x86_64 baseline), decided once per search ([`Isa`]); that is
//! what lets the engine skip the 99% of log text that holds nothing, even though a third of log bytes
//! are digits.
//!
//! Secret prefixes (`sk_live_`, `AKIA`, `eyJ`, ...) are found separately by a case-sensitive
//! multi-substring search; see `detect::secrets`.

const BLOCK: usize = 64;

/// Which vector instructions classify 64-byte blocks: AVX2 (32 bytes per compare) when the CPU has
/// it, else the build's baseline (SSE2 on x86_64, 16 bytes per compare; a byte loop elsewhere).
/// Decided once per search, not per block, and shared by every block classifier (these masks, the
/// token prefixes' word starts, JSON quotes), each of which is tested equal to its byte loop on
/// every byte value for every path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    Baseline,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl Isa {
    /// The best this CPU runs (std caches the CPUID answer, so this is a load and a test).
    #[inline]
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            return Isa::Avx2;
        }
        Isa::Baseline
    }

    /// Every path this CPU can run, for tests that compare them.
    #[cfg(test)]
    pub fn all_available() -> Vec<Isa> {
        let mut all = vec![Isa::Baseline];
        if Isa::detect() != Isa::Baseline {
            all.push(Isa::detect());
        }
        all
    }
}

/// The vector steps every block classifier is made of (this module's masks, the token prefixes'
/// word starts, the JSON quote index), written once per instruction set. Lanes are built from plain
/// integers, so the only `unsafe` is the call of a classifier from code not compiled for its
/// features.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) mod sse2 {
    use std::arch::x86_64::*;

    /// Bytes 16 × `lane` to 16 × `lane` + 15 of `block`.
    #[target_feature(enable = "sse2")]
    pub(crate) fn lane(block: &[u8; 64], lane: usize) -> __m128i {
        let word = |i: usize| {
            block
                .get(lane * 16 + i * 8..lane * 16 + i * 8 + 8)
                .and_then(|w| w.try_into().ok())
                .map_or(0, i64::from_le_bytes)
        };
        _mm_set_epi64x(word(1), word(0))
    }
    /// Bytes in `lo..lo + len`: `v - lo <= len - 1` as unsigned bytes, min(t, len - 1) == t.
    #[target_feature(enable = "sse2")]
    pub(crate) fn in_range(v: __m128i, lo: u8, len: u8) -> __m128i {
        let t = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((len - 1) as i8)), t)
    }
    #[target_feature(enable = "sse2")]
    pub(crate) fn eq(v: __m128i, b: u8) -> __m128i {
        _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8))
    }
    #[target_feature(enable = "sse2")]
    pub(crate) fn or(a: __m128i, b: __m128i) -> __m128i {
        _mm_or_si128(a, b)
    }
    /// The bytes of `v` that are set, as bits `16 × lane` up of a block's mask.
    #[target_feature(enable = "sse2")]
    pub(crate) fn bits(v: __m128i, lane: usize) -> u64 {
        u64::from(_mm_movemask_epi8(v) as u16) << (lane * 16)
    }
}

/// The same steps with AVX2, 32 bytes per instruction.
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    use std::arch::x86_64::*;

    /// Bytes 32 × `lane` to 32 × `lane` + 31 of `block` (`lane` 0 or 1), in one unaligned load:
    /// built from four 8-byte words, as safe code can, each lane took four instructions more, and
    /// every byte of the input goes through two or three of these passes.
    #[target_feature(enable = "avx2")]
    pub(crate) fn lane(block: &[u8; 64], lane: usize) -> __m256i {
        let half: &[u8; 32] = match block.get(lane * 32..lane * 32 + 32) {
            Some(bytes) => bytes.try_into().unwrap_or(&[0; 32]),
            None => &[0; 32],
        };
        #[allow(unsafe_code)]
        // SAFETY: `half` is a reference to 32 initialised bytes, exactly what the load reads;
        // `_mm256_loadu_si256` has no alignment requirement, and AVX2 is enabled for this function
        // (only called after `Isa::detect` found it).
        unsafe {
            _mm256_loadu_si256(half.as_ptr().cast::<__m256i>())
        }
    }
    #[target_feature(enable = "avx2")]
    pub(crate) fn in_range(v: __m256i, lo: u8, len: u8) -> __m256i {
        let t = _mm256_sub_epi8(v, _mm256_set1_epi8(lo as i8));
        _mm256_cmpeq_epi8(_mm256_min_epu8(t, _mm256_set1_epi8((len - 1) as i8)), t)
    }
    #[target_feature(enable = "avx2")]
    pub(crate) fn eq(v: __m256i, b: u8) -> __m256i {
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b as i8))
    }
    #[target_feature(enable = "avx2")]
    pub(crate) fn or(a: __m256i, b: __m256i) -> __m256i {
        _mm256_or_si256(a, b)
    }
    #[target_feature(enable = "avx2")]
    pub(crate) fn bits(v: __m256i, lane: usize) -> u64 {
        u64::from(_mm256_movemask_epi8(v) as u32) << (lane * 32)
    }
}

/// Per-byte classes of one 64-byte block, one bit per byte.
#[derive(Clone, Copy, Default)]
struct Masks {
    digit: u64,
    /// Letters, and `]` and `*`, which end logscrub's own replacements (`[EMAIL]`, `****`): a digit run
    /// after a replacement must be judged as it was after the replaced word, or a second pass would
    /// find what the first did not.
    alpha: u64,
    upper: u64,
    /// `.` or `-`
    dot_dash: u64,
    /// `@`, `%` or `$`
    special: u64,
}

/// SSE2 masks, 16 bytes per compare, from the steps in [`sse2`]; the only `unsafe` is the call
/// itself (see [`masks_of`]).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn block_masks(block: &[u8; BLOCK]) -> Masks {
    use sse2::*;
    let mut m = Masks::default();
    for i in 0..BLOCK / 16 {
        let v = lane(block, i);
        m.digit |= bits(in_range(v, b'0', 10), i);
        let letters = in_range(or(v, std::arch::x86_64::_mm_set1_epi8(0x20)), b'a', 26);
        m.alpha |= bits(or(letters, or(eq(v, b']'), eq(v, b'*'))), i);
        m.upper |= bits(in_range(v, b'A', 26), i);
        m.dot_dash |= bits(or(eq(v, b'.'), eq(v, b'-')), i);
        m.special |= bits(or(or(eq(v, b'@'), eq(v, b'%')), eq(v, b'$')), i);
    }
    m
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn block_masks(block: &[u8; BLOCK]) -> Masks {
    byte_loop_masks(block)
}

/// The same masks with AVX2, 32 bytes per compare.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn block_masks_avx2(block: &[u8; BLOCK]) -> Masks {
    use avx2::*;
    let mut m = Masks::default();
    for i in 0..BLOCK / 32 {
        let v = lane(block, i);
        m.digit |= bits(in_range(v, b'0', 10), i);
        let letters = in_range(or(v, std::arch::x86_64::_mm256_set1_epi8(0x20)), b'a', 26);
        m.alpha |= bits(or(letters, or(eq(v, b']'), eq(v, b'*'))), i);
        m.upper |= bits(in_range(v, b'A', 26), i);
        m.dot_dash |= bits(or(eq(v, b'.'), eq(v, b'-')), i);
        m.special |= bits(or(or(eq(v, b'@'), eq(v, b'%')), eq(v, b'$')), i);
    }
    m
}

/// The masks one byte at a time: the portable path, and the reference the SSE2 path is tested against.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline(always)]
fn byte_loop_masks(block: &[u8; BLOCK]) -> Masks {
    let mut m = Masks::default();
    for (i, &b) in block.iter().enumerate() {
        let bit = 1u64 << i;
        if b.is_ascii_digit() {
            m.digit |= bit;
        }
        if b.is_ascii_alphabetic() || b == b']' || b == b'*' {
            m.alpha |= bit;
        }
        if b.is_ascii_uppercase() {
            m.upper |= bit;
        }
        if b == b'.' || b == b'-' {
            m.dot_dash |= bit;
        }
        if matches!(b, b'@' | b'%' | b'$') {
            m.special |= bit;
        }
    }
    m
}

#[inline(always)]
fn masks_of(block: &[u8; BLOCK], isa: Isa) -> Masks {
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
    // SAFETY: `block_masks` only needs SSE2, and this code is compiled only when SSE2 is enabled for the
    // whole build (it is part of the x86_64 baseline), so the CPU running it has SSE2.
    unsafe {
        block_masks(block)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    block_masks(block)
}

fn word_like(b: &u8) -> bool {
    b.is_ascii_alphabetic() || *b == b']' || *b == b'*'
}

/// `mask` moved `by` (1 to 3) positions later, with the bits of the bytes before the block shifted
/// in from `before`, the same class's mask of the block before (or of [`masks_before`]).
#[inline]
fn later(mask: u64, by: u32, before: u64) -> u64 {
    (mask << by) | (before >> (64 - by))
}

/// The masks of the three bytes before `at` (fewer at the input's start), in the top bits where
/// the block before would have them: for a block not loaded right after the one before it.
fn masks_before(hay: &[u8], at: usize) -> Masks {
    let mut m = Masks::default();
    for k in 1..=at.min(3) {
        let b = hay[at - k];
        let bit = 1u64 << (64 - k);
        let set = |mask: &mut u64, yes: bool| *mask |= u64::from(yes) * bit;
        set(&mut m.digit, b.is_ascii_digit());
        set(&mut m.alpha, word_like(&b));
        set(&mut m.upper, b.is_ascii_uppercase());
        set(&mut m.dot_dash, b == b'.' || b == b'-');
    }
    m
}

/// Positions of digit-run starts and trigger bytes, in increasing order.
pub(crate) struct Triggers<'a> {
    hay: &'a [u8],
    /// Start of the block whose pending bits are in `bits`.
    block_at: usize,
    /// Start of the next block to load.
    next_block: usize,
    bits: u64,
    /// The masks of the block last loaded, and where that block ends: the next block, when it is
    /// the one after, takes the classes of the bytes before it from them.
    last: Masks,
    last_end: usize,
    /// Positions below this are not reported (set by [`Triggers::skip_to`]).
    floor: usize,
    isa: Isa,
}

impl<'a> Triggers<'a> {
    pub fn new(hay: &'a [u8]) -> Triggers<'a> {
        Triggers {
            hay,
            block_at: 0,
            next_block: 0,
            bits: 0,
            last: Masks::default(),
            last_end: 0,
            floor: 0,
            isa: Isa::detect(),
        }
    }

    /// The same, classifying blocks with `isa` (tests compare the paths).
    #[cfg(test)]
    fn with_isa(hay: &'a [u8], isa: Isa) -> Triggers<'a> {
        Triggers {
            isa,
            ..Triggers::new(hay)
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
            // Never back: with the floor past the input's end, inside the block last loaded,
            // going back to that block's start loaded it again and again.
            self.next_block = self.next_block.max(self.floor - self.floor % BLOCK);
        }
        if self.next_block >= self.hay.len() {
            return false;
        }
        let at = self.next_block;
        let end = (at + BLOCK).min(self.hay.len());
        let m = match self.hay[at..end].try_into() {
            Ok(block) => masks_of(block, self.isa),
            Err(_) => {
                let mut padded = [0u8; BLOCK];
                padded[..end - at].copy_from_slice(&self.hay[at..end]);
                masks_of(&padded, self.isa)
            }
        };
        // Classes of the bytes before the block: the last block's, when this one follows it.
        let p = if at > 0 && at == self.last_end {
            self.last
        } else {
            masks_before(self.hay, at)
        };
        let starts = m.digit & !later(m.digit, 1, p.digit);
        // A digit run glued to a letter (`a55d`, `v2`, hex digests) is not a number; one after two capitals
        // may still be an IBAN's check digits. A run after `.`/`-` that follows an alphanumeric is a
        // decimal fraction or an id segment (`0.5227`, `8046-1297901`). Dropping these here, 64 bytes at
        // a time, keeps UUIDs and hashes from costing a detector call per digit run.
        let after_alpha = starts & later(m.alpha, 1, p.alpha);
        let upper1 = later(m.upper, 1, p.upper);
        let upper2 = later(m.upper, 2, p.upper);
        let iban = starts & upper1 & upper2;
        let alnum2 = later(m.digit | m.alpha, 2, p.digit | p.alpha);
        let dotted = starts & later(m.dot_dash, 1, p.dot_dash) & alnum2;
        // One capital at a word start before the run may begin an identifier (`S1234567D`,
        // `X1234567L`, `A12345678`).
        let lone_capital = starts & upper1 & !alnum2;
        // Two small letters that start a word: a lower-case IBAN's country (`de89 3704 ...`);
        // `iban` checks the rest. After a longer word (`sha256`, `req42`, `utf8`: a quarter of all
        // digit runs in the generated logs) no detector can start at the run, so it is dropped here.
        let lower = m.alpha & !m.upper;
        let lower_before = p.alpha & !p.upper;
        let alnum3 = later(m.digit | m.alpha, 3, p.digit | p.alpha);
        let lower_pair =
            starts & later(lower, 1, lower_before) & later(lower, 2, lower_before) & !alnum3;
        // A capital and a dash before the run may open an identifier (`X-2482300-W`,
        // `AB-12-34-56-C`); the digit-run handler asks those layouts alone.
        let dash_capital = dotted & upper2;
        self.bits = (starts & !after_alpha & !dotted)
            | iban
            | lone_capital
            | lower_pair
            | dash_capital
            | m.special;
        self.block_at = at;
        self.next_block = end;
        self.last = m;
        self.last_end = end;
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
        let at = |i: usize, k: usize| if i >= k { hay[i - k] } else { b' ' };
        (floor..hay.len())
            .filter(|&i| {
                let b = hay[i];
                let start = b.is_ascii_digit() && !at(i, 1).is_ascii_digit();
                let glued = word_like(&at(i, 1));
                let iban = at(i, 1).is_ascii_uppercase() && at(i, 2).is_ascii_uppercase();
                let alnum = |c: u8| c.is_ascii_digit() || word_like(&c);
                let lone_capital = at(i, 1).is_ascii_uppercase() && !alnum(at(i, 2));
                let small = |c: u8| word_like(&c) && !c.is_ascii_uppercase();
                let lower_pair = small(at(i, 1)) && small(at(i, 2)) && !alnum(at(i, 3));
                let dotted = matches!(at(i, 1), b'.' | b'-')
                    && (at(i, 2).is_ascii_digit() || word_like(&at(i, 2)));
                let dash_capital = dotted && at(i, 2).is_ascii_uppercase();
                matches!(b, b'@' | b'%' | b'$')
                    || start
                        && (iban || lone_capital || lower_pair || dash_capital || !glued && !dotted)
            })
            .collect()
    }

    #[test]
    fn matches_naive_scan() {
        let mut hay = Vec::new();
        for i in 0..700u32 {
            hay.extend_from_slice(
                format!(
                    "ab{}c@%$ {} x DE{} 0.{} a-{} --{} S{} *{} X-{} AB-{} 5.{}",
                    i * 7919,
                    i % 13,
                    i,
                    i,
                    i,
                    i,
                    i,
                    i,
                    i,
                    i,
                    i
                )
                .as_bytes(),
            );
        }
        for isa in Isa::all_available() {
            assert_eq!(
                Triggers::with_isa(&hay, isa).collect::<Vec<_>>(),
                naive(&hay, 0),
                "{isa:?}"
            );
        }
        // A digit run crossing a block boundary yields one start only.
        let mut hay = vec![b' '; 60];
        hay.extend_from_slice(b"12345678");
        assert_eq!(Triggers::new(&hay).collect::<Vec<_>>(), vec![60]);
    }

    /// The SIMD masks (SSE2, and AVX2 where the CPU has it) equal the byte loop's for every byte
    /// value in every lane position (this is the test Miri runs over the `unsafe` calls: `cargo
    /// +nightly miri test --lib scan::`).
    #[test]
    fn simd_masks_match_the_byte_loop() {
        for (isa, rotate) in Isa::all_available()
            .into_iter()
            .flat_map(|isa| (0..32).map(move |r| (isa, r)))
        {
            for first in (0..=255u8).step_by(BLOCK) {
                let mut block = [0u8; BLOCK];
                for (i, b) in block.iter_mut().enumerate() {
                    *b = first.wrapping_add(((i + rotate) % BLOCK) as u8);
                }
                let (got, want) = (masks_of(&block, isa), byte_loop_masks(&block));
                assert_eq!(
                    (got.digit, got.alpha, got.upper, got.dot_dash, got.special),
                    (
                        want.digit,
                        want.alpha,
                        want.upper,
                        want.dot_dash,
                        want.special
                    ),
                    "{isa:?} block {block:?}"
                );
            }
        }
    }

    /// Blocks loaded one after another take the classes of the bytes before them from the last
    /// block's masks, a block reached by `skip_to` from the bytes themselves: both agree with the
    /// byte loop, on random text of the bytes that decide the classes, skipping to every offset,
    /// past the input's end too (which once loaded the last block forever).
    #[test]
    fn blocks_after_a_skip_match_the_naive_scan() {
        let alphabet = b"09AZaz.-]*@%$ _x";
        let mut rng = crate::test_rand::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut rand = |n: usize| rng.below(n);
        for round in 0..3_000 {
            let len = 1 + rand(400);
            let hay: Vec<u8> = (0..len).map(|_| alphabet[rand(alphabet.len())]).collect();
            let all = naive(&hay, 0);
            for isa in Isa::all_available() {
                let mut t = Triggers::with_isa(&hay, isa);
                let taken: Vec<usize> = t.by_ref().take(round % 5).collect();
                let floor = taken.last().map_or(0, |&p| p + 1) + rand(130);
                t.skip_to(floor);
                let rest: Vec<usize> = t.collect();
                let want: Vec<usize> = all.iter().copied().filter(|&p| p >= floor).collect();
                assert_eq!(taken, all[..taken.len()], "{isa:?} {hay:?}");
                assert_eq!(rest, want, "{isa:?} {floor} {hay:?}");
            }
        }
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
