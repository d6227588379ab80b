//! Token prefixes, looked up where a word starts instead of searched for everywhere.
//!
//! A vendor credential begins a word: [`token::at_prefix`](super::token::at_prefix) refuses a prefix
//! glued to a letter, digit or `_` before it (`xghp_…`). So the only places worth checking are word
//! starts, and there a table keyed by the first two bytes says which prefixes may begin. Finding word
//! starts is one pass of SIMD compares, 64 bytes at a time, whatever the number of prefixes, where a
//! multi-substring search (Teddy) handles a few dozen patterns per pass: with 180 prefixes that was six
//! passes over every line, and the catalog cost a quarter of the engine's speed. Adding a rule now
//! costs a table entry.

/// A byte that continues a word for the purpose of token boundaries: letters, digits, `_`, and `]`
/// and `*`, which end logscrub's own replacements (see [`super::word_before`]).
pub(crate) fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b']' | b'*')
}

const BLOCK: usize = 64;

/// The word bytes of a 64-byte block, one bit each: the portable path and the reference for SSE2.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn word_mask_scalar(block: &[u8; BLOCK]) -> u64 {
    block
        .iter()
        .enumerate()
        .fold(0, |m, (i, &b)| m | u64::from(word_byte(b)) << i)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn word_mask_sse2(block: &[u8; BLOCK]) -> u64 {
    use std::arch::x86_64::*;

    #[target_feature(enable = "sse2")]
    fn in_range(v: __m128i, lo: u8, len: u8) -> __m128i {
        let t = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((len - 1) as i8)), t)
    }
    #[target_feature(enable = "sse2")]
    fn eq(v: __m128i, b: u8) -> __m128i {
        _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8))
    }

    let mut mask = 0u64;
    for (lane, chunk) in block.chunks_exact(16).enumerate() {
        let lo = u64::from_le_bytes(chunk[..8].try_into().unwrap_or_default());
        let hi = u64::from_le_bytes(chunk[8..].try_into().unwrap_or_default());
        let v = _mm_set_epi64x(hi as i64, lo as i64);
        let letter = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
        let digit = in_range(v, b'0', 10);
        let punct = _mm_or_si128(_mm_or_si128(eq(v, b'_'), eq(v, b']')), eq(v, b'*'));
        let word = _mm_or_si128(_mm_or_si128(letter, digit), punct);
        mask |= u64::from(_mm_movemask_epi8(word) as u16) << (lane * 16);
    }
    mask
}

#[inline(always)]
fn word_mask(block: &[u8; BLOCK]) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[allow(unsafe_code)]
    // SAFETY: `word_mask_sse2` needs only SSE2, which this code is compiled with (part of the x86_64
    // baseline), so the CPU running it has it.
    unsafe {
        word_mask_sse2(block)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    word_mask_scalar(block)
}

/// Calls `f(i)` for every `i` in `hay` where a word starts: a word byte after a non-word byte (or
/// at the start).
fn each_word_start(hay: &[u8], mut f: impl FnMut(usize)) {
    let mut prev_word = false;
    let mut at = 0;
    while at < hay.len() {
        let end = (at + BLOCK).min(hay.len());
        let words = match hay[at..end].try_into() {
            Ok(block) => word_mask(block),
            Err(_) => {
                let mut padded = [0u8; BLOCK];
                padded[..end - at].copy_from_slice(&hay[at..end]);
                word_mask(&padded) & (u64::MAX >> (BLOCK - (end - at)))
            }
        };
        let mut starts = words & !(words << 1 | u64::from(prev_word));
        prev_word = words >> 63 != 0;
        while starts != 0 {
            f(at + starts.trailing_zeros() as usize);
            starts &= starts - 1;
        }
        at = end;
    }
}

/// Every prefix with its token rule, indexed by its first two bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct PrefixTable {
    /// One bit per first-two-bytes key that begins some prefix.
    present: Vec<u64>,
    /// `(key, prefix, token rule)`, sorted by key (then in the pack's order).
    entries: Vec<(u16, Box<[u8]>, usize)>,
    /// Prefixes that do not start with a word byte: these cannot be found at word starts and are
    /// searched for where they occur (none in the built-in pack).
    others: Option<(aho_corasick::AhoCorasick, Vec<usize>)>,
}

fn key(a: u8, b: u8) -> u16 {
    u16::from(a) << 8 | u16::from(b)
}

impl PrefixTable {
    /// `prefixes` with the token rule (index) of each.
    pub fn new(prefixes: &[(&str, usize)]) -> PrefixTable {
        let mut table = PrefixTable {
            present: vec![0; 1024],
            ..PrefixTable::default()
        };
        let mut others = Vec::new();
        for &(p, token) in prefixes {
            let bytes = p.as_bytes();
            match bytes {
                [] => {}
                [first, ..] if !word_byte(*first) => others.push((p, token)),
                [first] => {
                    for second in 0..=255u8 {
                        table.add(key(*first, second), bytes, token);
                    }
                }
                [first, second, ..] => table.add(key(*first, *second), bytes, token),
            }
        }
        // Stable: prefixes under one key stay in the pack's order.
        table.entries.sort_by_key(|&(k, _, _)| k);
        if !others.is_empty()
            && let Ok(ac) = aho_corasick::AhoCorasick::new(others.iter().map(|(p, _)| p))
        {
            table.others = Some((ac, others.iter().map(|&(_, t)| t).collect()));
        }
        table
    }

    fn add(&mut self, k: u16, prefix: &[u8], token: usize) {
        self.present[usize::from(k >> 6)] |= 1 << (k & 63);
        self.entries.push((k, prefix.into(), token));
    }

    /// Calls `f(start, end, token)` for each prefix that begins at a word start of `input` (and for
    /// each of `others` wherever it occurs), in input order.
    pub fn each(&self, input: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        if !self.entries.is_empty() {
            each_word_start(input, |i| {
                // At the last byte only a one-byte prefix can match; those are filed under every
                // second byte, 0 included.
                let k = key(input[i], input.get(i + 1).copied().unwrap_or(0));
                if self.present[usize::from(k >> 6)] & 1 << (k & 63) == 0 {
                    return;
                }
                let from = self.entries.partition_point(|&(e, _, _)| e < k);
                for (e, prefix, token) in &self.entries[from..] {
                    if *e != k {
                        break;
                    }
                    if input[i..].starts_with(prefix) {
                        f(i, i + prefix.len(), *token);
                    }
                }
            });
        }
        if let Some((ac, tokens)) = &self.others {
            for m in ac.find_iter(input) {
                f(m.start(), m.end(), tokens[m.pattern().as_usize()]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SIMD mask equals the byte loop's for every byte value in every lane position.
    #[test]
    fn word_mask_matches_the_byte_loop_on_every_byte() {
        for rotate in 0..BLOCK {
            for first in (0..=255u8).step_by(BLOCK) {
                let mut block = [0u8; BLOCK];
                for (i, b) in block.iter_mut().enumerate() {
                    *b = first.wrapping_add(((i + rotate) % BLOCK) as u8);
                }
                assert_eq!(word_mask(&block), word_mask_scalar(&block));
            }
        }
    }

    #[test]
    fn word_starts_across_blocks_and_at_the_ends() {
        let mut hay = vec![b' '; 63];
        hay.extend_from_slice(b"ab cd");
        hay.extend(std::iter::repeat_n(b'x', 70));
        let mut got = Vec::new();
        each_word_start(&hay, |i| got.push(i));
        assert_eq!(got, vec![63, 66]);
        let mut got = Vec::new();
        each_word_start(b"a_b.c]d", |i| got.push(i));
        assert_eq!(got, vec![0, 4]);
    }

    #[test]
    fn prefixes_are_found_at_word_starts_only() {
        let table = PrefixTable::new(&[("ghp_", 0), ("sk-", 1), ("sk-proj-", 2), ("x", 3)]);
        let mut got = Vec::new();
        table.each(b"a ghp_1 xghp_2 sk-proj-3 =x", |s, e, t| {
            got.push((s, e, t))
        });
        assert_eq!(
            got,
            vec![(2, 6, 0), (8, 9, 3), (15, 18, 1), (15, 23, 2), (26, 27, 3)]
        );
    }
}
