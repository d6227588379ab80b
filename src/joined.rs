//! Searching many pieces of text as one: the pieces joined by line breaks, one search, and each
//! piece's spans read back from it.
//!
//! A search has a set-up cost (the literal searches, the block classifiers, the JSON check) of
//! about what a 150-byte line's own search costs, so callers with many small pieces search them
//! joined: the Lambda a payload's events, `settle` the rewritten lines it checks. Detection is
//! line-local (keyword windows, JSON documents, trigger lines stop at line breaks), so the spans
//! within a piece are those a search of the piece alone finds — with three exceptions, after which
//! the caller searches each piece on its own instead. Two show in what a search found, and
//! [`Joined::apart`] reports them: a span that reaches across a piece's end (a user pattern that
//! matches line breaks), and a private key block, the one detector that reads on over lines (its
//! END may be lines later, and one left open takes the lines after it). The third is known when
//! the rules are compiled (`Scrubber::may_join`): a user regex that asks where the searched text
//! begins or ends (`^`, `$` outside multi-line mode), which matches at every piece's edge when the
//! pieces are searched alone and only at the joined text's edges when they are not.

use std::ops::Range;

use crate::findings::Span;

/// What starts a private key block (see `detect::secrets`).
const KEY_BLOCK: &[u8] = b"-----BEGIN ";

/// Pieces joined by line breaks, and where each starts.
#[derive(Debug, Default)]
pub(crate) struct Joined {
    bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl Joined {
    /// Room for `bytes` of pieces and `pieces` line breaks.
    // The Lambda's (`settle` reuses one `Joined`, and writes its pieces with `push_with`).
    #[cfg_attr(not(feature = "lambda"), allow(dead_code))]
    pub fn with_capacity(bytes: usize, pieces: usize) -> Joined {
        Joined {
            bytes: Vec::with_capacity(bytes + pieces),
            starts: Vec::with_capacity(pieces),
        }
    }

    /// Frees the buffers when they hold room for more than `keep` bytes.
    pub fn release_over(&mut self, keep: usize) {
        if self.bytes.capacity() > keep {
            *self = Joined::default();
        }
    }

    pub fn clear(&mut self) {
        self.bytes.clear();
        self.starts.clear();
    }

    /// What to search.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Appends the piece `write` writes, and a line break.
    pub fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        self.starts.push(self.bytes.len());
        write(&mut self.bytes);
        self.bytes.push(b'\n');
    }

    /// Appends `piece` and a line break.
    #[cfg_attr(not(feature = "lambda"), allow(dead_code))]
    pub fn push(&mut self, piece: &[u8]) {
        self.push_with(|bytes| bytes.extend_from_slice(piece));
    }

    /// The range of piece `i` in [`Joined::bytes`], without its line break.
    pub fn range(&self, i: usize) -> Range<usize> {
        let start = self.starts[i];
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.bytes.len(), |&next| next)
            - 1;
        start..end
    }

    /// Whether `spans`, found by searching [`Joined::bytes`], cannot be read back piece by piece
    /// (see the module doc).
    pub fn apart(&self, spans: &[Span]) -> bool {
        let crosses = spans.iter().any(|s| {
            let i = self
                .starts
                .partition_point(|&start| start <= s.start)
                .saturating_sub(1);
            s.end() > self.range(i).end
        });
        crosses || memchr::memmem::find(&self.bytes, KEY_BLOCK).is_some()
    }

    /// Each piece's range with its spans, in order: `spans` sorted, disjoint and none across a
    /// piece's end (not [`Joined::apart`]).
    pub fn split<'a>(
        &'a self,
        spans: &'a [Span],
    ) -> impl Iterator<Item = (Range<usize>, &'a [Span])> + 'a {
        let mut next = 0;
        (0..self.starts.len()).map(move |i| {
            let range = self.range(i);
            let first = next;
            while next < spans.len() && spans[next].start < range.end {
                next += 1;
            }
            (range, &spans[first..next])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(start: usize, len: usize) -> Span {
        Span::at(start, len)
    }

    #[test]
    fn pieces_and_their_spans() {
        let mut j = Joined::default();
        j.push(b"abc");
        j.push(b"");
        j.push_with(|b| b.extend_from_slice(b"de"));
        assert_eq!(j.bytes(), b"abc\n\nde\n");
        assert_eq!((j.range(0), j.range(1), j.range(2)), (0..3, 4..4, 5..7));
        let spans = [s(0, 1), s(2, 1), s(5, 2)];
        assert!(!j.apart(&spans));
        let split: Vec<_> = j.split(&spans).collect();
        assert_eq!(
            split,
            [
                (0..3, &spans[..2]),
                (4..4, &spans[2..2]),
                (5..7, &spans[2..])
            ]
        );
        // Over a piece's line break, or up to the next piece's first byte.
        assert!(j.apart(&[s(2, 2)]));
        assert!(j.apart(&[s(6, 2)]));
        assert!(!j.apart(&[s(6, 1)]));
        j.clear();
        j.push(b"x -----BEGIN RSA");
        assert!(j.apart(&[]));
        j.release_over(1 << 20);
        assert!(j.bytes().len() == 17);
        j.release_over(4);
        assert!(j.bytes().is_empty() && j.starts.capacity() == 0);
    }
}
