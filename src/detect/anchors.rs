//! Token prefixes, looked up where a word starts instead of searched for everywhere.
//!
//! A vendor credential begins a word: [`token::at_prefix`](super::token::at_prefix) refuses a prefix
//! glued to a letter, digit or `_` before it (`xghp_…`). So the only places worth checking are word
//! starts, and there a table keyed by the first two bytes says which prefixes may begin. Finding word
//! starts is one pass of SIMD compares, 64 bytes at a time, whatever the number of prefixes, where a
//! multi-substring search (Teddy) handles a few dozen patterns per pass: with 180 prefixes that was six
//! passes over every line, and the catalog cost a quarter of the engine's speed. Adding a rule now
//! costs a table entry.

use crate::scan::Isa;

/// A byte that continues a word for the purpose of token boundaries: letters, digits, `_`, and `]`
/// and `*`, which end logscrub's own replacements (see [`super::word_before`]).
pub(crate) fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b']' | b'*')
}

/// A byte a credential may be made of (with its prefix): printable ASCII but for spaces, quotes and
/// the brackets and separators that end a value in logs and JSON.
fn token_byte(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
        && !matches!(
            b,
            b'"' | b'\''
                | b','
                | b';'
                | b'('
                | b')'
                | b'<'
                | b'>'
                | b'['
                | b'\\'
                | b']'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
        )
}

const BLOCK: usize = 64;

/// Per 64-byte block, one bit per byte: word bytes, token bytes and digits.
#[derive(Clone, Copy, Default)]
struct Masks {
    word: u64,
    token: u64,
    digit: u64,
}

/// The masks a byte at a time: the portable path and the reference for SSE2.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn masks_scalar(block: &[u8; BLOCK]) -> Masks {
    let mut m = Masks::default();
    for (i, &b) in block.iter().enumerate() {
        m.word |= u64::from(word_byte(b)) << i;
        m.token |= u64::from(token_byte(b)) << i;
        m.digit |= u64::from(b.is_ascii_digit()) << i;
    }
    m
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn masks_sse2(block: &[u8; BLOCK]) -> Masks {
    use crate::scan::sse2::*;
    let mut m = Masks::default();
    for i in 0..BLOCK / 16 {
        let v = lane(block, i);
        let letter = in_range(or(v, std::arch::x86_64::_mm_set1_epi8(0x20)), b'a', 26);
        let digit = in_range(v, b'0', 10);
        let punct = or(or(eq(v, b'_'), eq(v, b']')), eq(v, b'*'));
        let word = or(or(letter, digit), punct);
        // Printable, less `"` `'` `,` `;` `(` `)` `<` `>` `[` `\` `]` `` ` `` `{` `|` `}`.
        let excluded = or(
            or(or(eq(v, b'"'), eq(v, b'\'')), or(eq(v, b','), eq(v, b';'))),
            or(
                or(in_range(v, b'(', 2), or(eq(v, b'<'), eq(v, b'>'))),
                or(or(in_range(v, b'[', 3), eq(v, b'`')), in_range(v, b'{', 3)),
            ),
        );
        let token = std::arch::x86_64::_mm_andnot_si128(excluded, in_range(v, 0x21, 94));
        m.word |= bits(word, i);
        m.token |= bits(token, i);
        m.digit |= bits(digit, i);
    }
    m
}

/// The classes as bits of a byte's two nibbles, for the AVX2 path: a byte has class bit `c` when
/// both its low nibble's entry in [`LOW_NIBBLE`] and its high nibble's in [`HIGH_NIBBLE`] have it, so
/// each bit stands for a product of nibble sets. Word bytes are bits 0-4 (with `]`, which no free
/// bit's product can hold, compared on its own); token bytes are all eight:
///
/// | bit | high nibbles | low nibbles | bytes |
/// | --- | --- | --- | --- |
/// | 0 | 3 | 0-9 | digits |
/// | 1 | 4, 6 | 1-F | `A`-`O`, `a`-`o` |
/// | 2 | 5, 7 | 0-A | `P`-`Z`, `p`-`z` |
/// | 3 | 5 | F | `_` |
/// | 4 | 2 | A | `*` |
/// | 5 | 2 | 1 3 4 5 6 B D E F | `!#$%&+-./` |
/// | 6 | 3 | A D F | `:=?` |
/// | 7 | 4, 5, 7 | 0 E | `@ N P ^ p ~` |
///
/// A byte from 0x80 has a high nibble whose entry is 0: no class.
#[cfg(target_arch = "x86_64")]
const LOW_NIBBLE: [u8; 16] = {
    let mut t = [0u8; 16];
    let mut lo = 0;
    while lo < 16 {
        let mut bits = 0u8;
        if lo <= 9 {
            bits |= 1;
        }
        if lo >= 1 {
            bits |= 2;
        }
        if lo <= 0xA {
            bits |= 4;
        }
        if lo == 0xF {
            bits |= 8;
        }
        if lo == 0xA {
            bits |= 16;
        }
        if matches!(lo, 1 | 3 | 4 | 5 | 6 | 0xB | 0xD | 0xE | 0xF) {
            bits |= 32;
        }
        if matches!(lo, 0xA | 0xD | 0xF) {
            bits |= 64;
        }
        if matches!(lo, 0 | 0xE) {
            bits |= 128;
        }
        t[lo] = bits;
        lo += 1;
    }
    t
};

/// See [`LOW_NIBBLE`].
#[cfg(target_arch = "x86_64")]
const HIGH_NIBBLE: [u8; 16] = {
    let mut t = [0u8; 16];
    t[2] = 16 | 32;
    t[3] = 1 | 64;
    t[4] = 2 | 128;
    t[5] = 4 | 8 | 128;
    t[6] = 2;
    t[7] = 4 | 128;
    t
};

/// Word bytes among the nibble classes (bits 0-4; `]` apart).
#[cfg(target_arch = "x86_64")]
const WORD_CLASSES: u8 = 0x1F;

/// The same masks with AVX2: two table lookups (one per nibble) classify 32 bytes at once, where
/// comparing them class by class took five times the instructions, and this pass runs over every
/// byte of the input.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn masks_avx2(block: &[u8; BLOCK]) -> Masks {
    use crate::scan::avx2::*;
    use std::arch::x86_64::*;
    // The table in both 128-bit halves: the shuffle looks up within each half.
    let table = |t: [u8; 16]| {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&t[i * 8..i * 8 + 8]);
            i64::from_le_bytes(w)
        };
        _mm256_set_epi64x(word(1), word(0), word(1), word(0))
    };
    let low_table = table(LOW_NIBBLE);
    let high_table = table(HIGH_NIBBLE);
    let nibble = _mm256_set1_epi8(0x0F);
    let zero = _mm256_setzero_si256();
    let mut m = Masks::default();
    for i in 0..BLOCK / 32 {
        let v = lane(block, i);
        let low = _mm256_shuffle_epi8(low_table, _mm256_and_si256(v, nibble));
        let high = _mm256_shuffle_epi8(
            high_table,
            _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble),
        );
        let classes = _mm256_and_si256(low, high);
        let word = _mm256_and_si256(classes, _mm256_set1_epi8(WORD_CLASSES as i8));
        // Not-zero is the complement of the zero compare: the bits are inverted after moving them.
        let not_word = bits(_mm256_cmpeq_epi8(word, zero), i);
        let not_token = bits(_mm256_cmpeq_epi8(classes, zero), i);
        // Digits are class 0 alone: its bit moved to each byte's top, where the mask reads it
        // (a 16-bit shift, but the bit a byte's top receives is its own bit 0).
        let digit = bits(_mm256_slli_epi16(classes, 7), i);
        let lane_bits = u64::from(u32::MAX) << (i * 32);
        m.word |= (!not_word & lane_bits) | bits(eq(v, b']'), i);
        m.token |= !not_token & lane_bits;
        m.digit |= digit;
    }
    m
}

#[inline(always)]
fn masks(block: &[u8; BLOCK], isa: Isa) -> Masks {
    #[cfg(target_arch = "x86_64")]
    if isa == Isa::Avx2 {
        #[allow(unsafe_code)]
        // SAFETY: `Isa::Avx2` is only ever the answer of `Isa::detect`, which checked that this CPU
        // has AVX2.
        return unsafe { masks_avx2(block) };
    }
    let _ = isa;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[allow(unsafe_code)]
    // SAFETY: `masks_sse2` needs only SSE2, which this code is compiled with (part of the x86_64
    // baseline), so the CPU running it has it.
    unsafe {
        masks_sse2(block)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    masks_scalar(block)
}

fn masks_at(hay: &[u8], at: usize, isa: Isa) -> Masks {
    let end = (at + BLOCK).min(hay.len());
    if at >= end {
        return Masks::default();
    }
    match hay[at..end].try_into() {
        Ok(block) => masks(block, isa),
        Err(_) => {
            let mut padded = [0u8; BLOCK];
            padded[..end - at].copy_from_slice(&hay[at..end]);
            let m = masks(&padded, isa);
            let keep = u64::MAX >> (BLOCK - (end - at));
            Masks {
                word: m.word & keep,
                token: m.token & keep,
                digit: m.digit & keep,
            }
        }
    }
}

/// Runs of set bits in a block's mask (then the next block's), for the run lengths a candidate is
/// sorted by: runs of a power of two built by doubling, once per block, and a run of `len` is a run
/// of the largest power of two `p` not above it that another starts `len - p` bits later.
/// Measuring each length on its own took 13 double-width shifts per block where this takes six, a
/// seventh of the word-start search.
#[derive(Clone, Copy)]
struct Runs {
    /// Bit `i` of `pow[k]`: the `2^k` bits from `i` are all set.
    pow: [u128; 6],
}

impl Runs {
    #[inline]
    fn new(this: u64, next: u64) -> Runs {
        let r1 = u128::from(this) | u128::from(next) << 64;
        let r2 = r1 & r1 >> 1;
        let r4 = r2 & r2 >> 2;
        let r8 = r4 & r4 >> 4;
        let r16 = r8 & r8 >> 8;
        let r32 = r16 & r16 >> 16;
        Runs {
            pow: [r1, r2, r4, r8, r16, r32],
        }
    }

    /// Bit `i` set when the `len` bits from `i` (1 to 32) are all set.
    #[inline]
    fn of(&self, len: usize) -> u64 {
        let len = len.clamp(1, 32);
        let k = (usize::BITS - 1 - len.leading_zeros()) as usize;
        let p = self.pow[k];
        (p & p >> (len - (1 << k))) as u64
    }
}

/// Bit `i` set when the `len` bits from `i` are all set in `bits` (this block, then the next): the
/// reference [`Runs`] is tested against.
#[cfg(test)]
fn runs_of(this: u64, next: u64, len: usize) -> u64 {
    let mut r = u128::from(this) | u128::from(next) << 64;
    let mut have = 1;
    while have < len {
        let step = have.min(len - have);
        r &= r >> step;
        have += step;
    }
    r as u64
}

/// How many token bytes follow a candidate: at least the table's `short`, at least [`LONG`], or at
/// least [`VERY_LONG`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Run {
    Short,
    Long,
    VeryLong,
}

/// Calls `f(i, run)` for every `i` in `hay` where a word starts (a word byte after a non-word
/// byte) and at least `short` token bytes follow from `i` — at least `digit_short` when the word
/// starts with a digit, none when that is `None`; `run` says whether [`LONG`] or [`VERY_LONG`] do.
///
/// Half the word starts of a log that have the token bytes for a prefix are numbers (timestamps,
/// durations, ids), and the prefixes that start with a digit (a Bitcoin address's `1`, `0x`)
/// belong to long tokens: a number is looked up only where such a token could be.
fn each_candidate(
    hay: &[u8],
    short: usize,
    digit_short: Option<usize>,
    mut f: impl FnMut(usize, Run),
) {
    let isa = Isa::detect();
    let mut prev_word = false;
    let mut at = 0;
    let mut cur = masks_at(hay, 0, isa);
    while at < hay.len() {
        let next = masks_at(hay, at + BLOCK, isa);
        let starts = cur.word & !(cur.word << 1 | u64::from(prev_word));
        prev_word = cur.word >> 63 != 0;
        let runs = Runs::new(cur.token, next.token);
        let digit_ok = digit_short.map_or(0, |n| runs.of(n));
        let mut cands = starts & runs.of(short) & (!cur.digit | digit_ok);
        if cands != 0 {
            let long_runs = runs.of(LONG);
            let very_long_runs = runs.of(VERY_LONG);
            while cands != 0 {
                let bit = cands.trailing_zeros();
                let run = if very_long_runs >> bit & 1 != 0 {
                    Run::VeryLong
                } else if long_runs >> bit & 1 != 0 {
                    Run::Long
                } else {
                    Run::Short
                };
                f(at + bit as usize, run);
                cands &= cands - 1;
            }
        }
        cur = next;
        at += BLOCK;
    }
}

/// Longest run a candidate is required to have: prefixes of tokens at least this long are only
/// looked up where this many token bytes follow, which leaves out ordinary words and numbers.
const LONG: usize = 16;
/// The same for tokens at least this long (a Bitcoin address after its one-byte prefix `1` or `3`,
/// most vendor keys): a word that starts with `1` is common, one with 32 token bytes after it is not.
/// At most 64, the length of the next block `runs_of` looks into.
const VERY_LONG: usize = 32;

/// Every prefix with its token rule, indexed by its first two bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct PrefixTable {
    /// One bit per first-two-bytes key that begins some prefix, for candidates with a very long run.
    very_long_keys: Vec<u64>,
    /// The same for candidates with a long run.
    long_keys: Vec<u64>,
    /// The same for prefixes of shorter tokens.
    short_keys: Vec<u64>,
    /// Where each key's entries start in `entries` (65,537 offsets).
    index: Vec<u32>,
    /// `(prefix, token rule)`, by key, then in the pack's order.
    entries: Vec<(Box<[u8]>, usize)>,
    /// The fewest token bytes any prefix needs after its word start.
    short: usize,
    /// The same for the prefixes that start with a digit; `None` when none does.
    digit_short: Option<usize>,
    /// Prefixes that do not start with a word byte, or hold a byte that ends a token (a header
    /// name, `X-Auth-Key: `, `SSWS `), with their token rules: the caller searches for them where
    /// they occur (at word starts they would need candidates with only a few token bytes, nearly
    /// every word of a log), in the one search it runs anyway, and hands their matches to `each`.
    others: Vec<(Box<[u8]>, usize)>,
}

fn key(a: u8, b: u8) -> u16 {
    u16::from(a) << 8 | u16::from(b)
}

fn has(bits: &[u64], k: u16) -> bool {
    bits[usize::from(k >> 6)] & 1 << (k & 63) != 0
}

impl PrefixTable {
    /// `prefixes`: each prefix with the token rule (index) it belongs to and the fewest bytes a
    /// whole token has (prefix and shortest body).
    pub fn new(prefixes: &[(&str, usize, usize)]) -> PrefixTable {
        let mut very_long_keys = vec![0u64; 1024];
        let mut long_keys = vec![0u64; 1024];
        let mut short_keys = vec![0u64; 1024];
        let mut keyed: Vec<(u16, Box<[u8]>, usize)> = Vec::new();
        let mut others = Vec::new();
        let mut short = VERY_LONG;
        let mut digit_short: Option<usize> = None;
        for &(p, token, min_total) in prefixes {
            let bytes = p.as_bytes();
            let Some(&first) = bytes.first() else {
                continue;
            };
            if !word_byte(first) || !bytes.iter().all(|&b| token_byte(b)) {
                others.push((Box::from(bytes), token));
                continue;
            }
            // Token bytes the whole token is made of.
            let run = min_total.clamp(1, VERY_LONG);
            short = short.min(run);
            if first.is_ascii_digit() {
                digit_short = Some(digit_short.map_or(run, |d| d.min(run)));
            }
            let bits = if run >= VERY_LONG {
                &mut very_long_keys
            } else if run >= LONG {
                &mut long_keys
            } else {
                &mut short_keys
            };
            let seconds: Vec<u8> = match bytes.get(1) {
                Some(&b) => vec![b],
                // A one-byte prefix is filed under every second byte, 0 included (for the last
                // byte of the input).
                None => (0..=255).collect(),
            };
            for second in seconds {
                let k = key(first, second);
                bits[usize::from(k >> 6)] |= 1 << (k & 63);
                keyed.push((k, bytes.into(), token));
            }
        }
        // Stable: prefixes under one key stay in the pack's order.
        keyed.sort_by_key(|&(k, _, _)| k);
        // Where each key's entries start: one sweep over the sorted entries (a binary search per
        // key, 65,537 of them, was 7% of the whole start-up).
        let mut index = vec![0u32; 65_537];
        let mut next = 0;
        for (k, slot) in index.iter_mut().enumerate() {
            while keyed.get(next).is_some_and(|&(e, _, _)| usize::from(e) < k) {
                next += 1;
            }
            *slot = next as u32;
        }
        PrefixTable {
            very_long_keys,
            long_keys,
            short_keys,
            index,
            entries: keyed.into_iter().map(|(_, p, t)| (p, t)).collect(),
            short,
            digit_short,
            others,
        }
    }

    /// The prefixes the caller searches for wherever they occur, each with its token rule; their
    /// matches go to [`PrefixTable::each`] as `(start, end, index into this list)`.
    pub fn others(&self) -> &[(Box<[u8]>, usize)] {
        &self.others
    }

    /// Calls `f(start, end, token)` for each prefix that begins at a word start of `input`, and for
    /// each match in `others_found` (of [`PrefixTable::others`], in input order), merged in input
    /// order: the caller skips a prefix that starts inside the last token of its rule.
    pub fn each(
        &self,
        input: &[u8],
        others_found: &[(usize, usize, usize)],
        mut f: impl FnMut(usize, usize, usize),
    ) {
        let mut pending = others_found.iter().peekable();
        let mut drain_before = |limit: usize, f: &mut dyn FnMut(usize, usize, usize)| {
            while let Some(&(start, end, other)) = pending.next_if(|m| m.0 < limit) {
                if let Some(&(_, token)) = self.others.get(other) {
                    f(start, end, token);
                }
            }
        };
        if !self.entries.is_empty() {
            each_candidate(input, self.short, self.digit_short, |i, run| {
                // At the last byte only a one-byte prefix can match; those are filed under every
                // second byte, 0 included.
                let k = key(input[i], input.get(i + 1).copied().unwrap_or(0));
                let known = has(&self.short_keys, k)
                    || run >= Run::Long && has(&self.long_keys, k)
                    || run == Run::VeryLong && has(&self.very_long_keys, k);
                if !known {
                    return;
                }
                let from = self.index[usize::from(k)] as usize;
                let to = self.index[usize::from(k) + 1] as usize;
                drain_before(i + 1, &mut f);
                for (prefix, token) in &self.entries[from..to] {
                    if input[i..].starts_with(prefix) {
                        f(i, i + prefix.len(), *token);
                    }
                }
            });
        }
        drain_before(usize::MAX, &mut f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SIMD masks (SSE2, and AVX2 where the CPU has it) equal the byte loop's for every byte
    /// value in every lane position.
    #[test]
    fn masks_match_the_byte_loop_on_every_byte() {
        for isa in Isa::all_available() {
            for rotate in 0..BLOCK {
                for first in (0..=255u8).step_by(BLOCK) {
                    let mut block = [0u8; BLOCK];
                    for (i, b) in block.iter_mut().enumerate() {
                        *b = first.wrapping_add(((i + rotate) % BLOCK) as u8);
                    }
                    let (simd, scalar) = (masks(&block, isa), masks_scalar(&block));
                    assert_eq!(simd.word, scalar.word, "{isa:?} word bytes from {first}");
                    assert_eq!(simd.token, scalar.token, "{isa:?} token bytes from {first}");
                    assert_eq!(simd.digit, scalar.digit, "{isa:?} digits from {first}");
                }
            }
        }
    }

    #[test]
    fn runs_reach_into_the_next_block() {
        assert_eq!(runs_of(u64::MAX, 0, 16) >> 48, 1, "bit 48 has 16 set bits");
        assert_eq!(
            runs_of(u64::MAX, 0xff, 16) >> 56,
            1,
            "bit 56 reaches bit 71, bit 57 does not"
        );
        assert_eq!(runs_of(0b1110_1111, 0, 3), 0b0010_0011);
    }

    /// [`Runs`] measures every length from 1 to 32 as measuring it on its own does, on random
    /// masks of every density, asked in any order.
    #[test]
    fn runs_built_by_doubling_match_runs_measured_alone() {
        let mut rng = crate::test_rand::XorShift::new(0x9E37_79B9_7F4A_7C15);
        let mut rand = || rng.next_u64();
        for round in 0..20_000 {
            // Denser masks have longer runs: OR several random words together.
            let dense = |r: &mut dyn FnMut() -> u64| (0..round % 6).fold(r(), |m, _| m | r());
            let (this, next) = (dense(&mut rand), dense(&mut rand));
            let runs = Runs::new(this, next);
            let start = (round * 7) % 32;
            for len in (start..32).chain(0..start).map(|l| l + 1) {
                assert_eq!(
                    runs.of(len),
                    runs_of(this, next, len),
                    "{this:#x} {next:#x} {len}"
                );
            }
        }
    }

    fn candidates(hay: &[u8], short: usize) -> Vec<(usize, bool)> {
        let mut got = Vec::new();
        each_candidate(hay, short, Some(short), |i, run| {
            got.push((i, run >= Run::Long))
        });
        got
    }

    /// Words that start with a digit are candidates only with `digit_short` token bytes, and not
    /// at all without it; a digit inside a word changes nothing.
    #[test]
    fn numbers_need_the_token_bytes_of_a_prefix_that_starts_with_a_digit() {
        let hay = b"1234567890 a123456789 0x12345678901234567890123456789012345678";
        let got = |digit_short| {
            let mut got = Vec::new();
            each_candidate(hay, 4, digit_short, |i, _| got.push(i));
            got
        };
        assert_eq!(got(Some(4)), vec![0, 11, 22]);
        assert_eq!(got(Some(32)), vec![11, 22]);
        assert_eq!(got(None), vec![11]);
        // A table without a prefix that starts with a digit looks up no number; with `0x`, only
        // those long enough.
        let letters = PrefixTable::new(&[("ab", 0, 10)]);
        assert_eq!(letters.digit_short, None);
        let eth = PrefixTable::new(&[("ab", 0, 10), ("0x", 1, 42)]);
        assert_eq!(eth.digit_short, Some(VERY_LONG));
    }

    #[test]
    fn word_starts_with_their_runs_across_blocks() {
        let mut hay = vec![b' '; 63];
        hay.extend_from_slice(b"ab cdefghijklmnopqrstu");
        assert_eq!(candidates(&hay, 1), vec![(63, false), (66, true)]);
        assert_eq!(candidates(&hay, 3), vec![(66, true)]);
        assert_eq!(candidates(b"a_b.c]d", 1), vec![(0, false), (4, false)]);
    }

    #[test]
    fn very_long_tokens_are_looked_up_only_where_their_run_is() {
        // A one-byte prefix of 33-byte tokens (a Bitcoin address): a word starting with `1` and
        // 31 token bytes is not looked up, one with 32 is, across a block boundary too.
        let table = PrefixTable::new(&[("1", 0, 33)]);
        for pad in [0, 40] {
            let short = format!("{} 1{} x", " ".repeat(pad), "a".repeat(30));
            let long = format!("{} 1{} x", " ".repeat(pad), "a".repeat(31));
            let mut got = Vec::new();
            table.each(short.as_bytes(), &[], |s, _, _| got.push(s));
            assert!(got.is_empty(), "{got:?}");
            table.each(long.as_bytes(), &[], |s, _, _| got.push(s));
            assert_eq!(got, vec![pad + 1]);
        }
    }

    #[test]
    fn prefixes_are_found_at_word_starts_only() {
        let table = PrefixTable::new(&[
            ("ghp_", 0, 20),
            ("sk-", 1, 20),
            ("sk-proj-", 2, 20),
            ("x", 3, 1),
            ("X-Key: ", 4, 20),
        ]);
        let text = b"a ghp_1234567890123456 xghp_2 sk-proj-3456789012345 =x X-Key: abc";
        // `X-Key: ` is not a word-start prefix: the caller finds it (at 55) and hands it over.
        assert_eq!(table.others(), &[(Box::from(&b"X-Key: "[..]), 4)]);
        let mut got = Vec::new();
        table.each(text, &[(55, 62, 0)], |s, e, t| got.push((s, e, t)));
        assert_eq!(
            got,
            vec![
                (2, 6, 0),
                (23, 24, 3),
                (30, 33, 1),
                (30, 38, 2),
                (53, 54, 3),
                (55, 62, 4)
            ]
        );
        // Handed-over matches come out in input order among the word-start ones.
        let mut got = Vec::new();
        table.each(text, &[(1, 8, 0), (40, 47, 0)], |s, _, t| got.push((s, t)));
        assert_eq!(
            got,
            vec![(1, 4), (2, 0), (23, 3), (30, 1), (30, 2), (40, 4), (53, 3)]
        );
    }
}
