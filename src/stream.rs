//! Lines too long to hold: scrubbing one line piece by piece with bounded memory.
//!
//! A front end normally hands the engine whole lines, but a log can hold a 100 MB line (a dumped
//! payload, a base64 blob) or a line with no end (an endless pipe without newlines). [`LongLine`] scans
//! such a line in overlapping windows: each round scans `SEGMENT + LOOKAHEAD` bytes plus some already
//! written bytes before them (so keyword windows and email local parts still see their context), writes
//! out the first `SEGMENT` bytes, and extends that cut to the end of any value that straddles it. A value
//! shorter than `LOOKAHEAD` is therefore seen whole whatever the cut, and memory stays near
//! `SEGMENT + LOOKAHEAD` however long the line is.

use crate::Scrubber;
use crate::findings::{Findings, Span};

/// Bytes written out per round.
const SEGMENT: usize = 1 << 20;
/// Bytes scanned past the cut, so values crossing it are found whole.
const LOOKAHEAD: usize = 64 << 10;
/// Already-written bytes kept in front of the next round for context.
const CONTEXT: usize = 256;

/// Scrubs one line fed in pieces; see the module documentation.
///
/// ```
/// use logscrub::{LongLine, Scrubber};
/// let scrubber = Scrubber::builtin().unwrap();
/// let mut line = LongLine::new(&scrubber);
/// let (mut out, mut spans) = (Vec::new(), Vec::new());
/// line.feed(b"mail jane.doe@exa", &mut out, &mut spans);
/// line.feed(b"mple.com done", &mut out, &mut spans);
/// line.finish(&mut out, &mut spans);
/// assert_eq!(out, b"mail [EMAIL] done");
/// assert_eq!(spans[0].start, 5);
/// ```
pub struct LongLine<'s> {
    scrubber: &'s Scrubber,
    /// Context (already written) followed by pending bytes.
    buf: Vec<u8>,
    /// How many bytes at the front of `buf` were already written.
    written: usize,
    /// Offset in the line of `buf[0]`.
    base: usize,
    findings: Findings,
    /// Values kept by allow entries in what was written, offsets from the start of the line.
    allowed: Vec<Span>,
}

impl<'s> LongLine<'s> {
    pub fn new(scrubber: &'s Scrubber) -> LongLine<'s> {
        LongLine {
            scrubber,
            buf: Vec::new(),
            written: 0,
            base: 0,
            findings: Findings::default(),
            allowed: Vec::new(),
        }
    }

    /// Feeds the next piece of the line (which should hold no line break). Appends the output that is
    /// final to `out`, and the spans found to `spans`, with offsets from the start of the line.
    pub fn feed(&mut self, mut piece: &[u8], out: &mut Vec<u8>, spans: &mut Vec<Span>) {
        while !piece.is_empty() {
            let room = (self.written + SEGMENT + LOOKAHEAD).saturating_sub(self.buf.len());
            let take = room.min(piece.len());
            self.buf.extend_from_slice(&piece[..take]);
            piece = &piece[take..];
            if self.buf.len() >= self.written + SEGMENT + LOOKAHEAD {
                self.round(self.written + SEGMENT, out, spans);
            }
        }
    }

    /// Ends the line: writes everything still held back and resets for the next line.
    pub fn finish(&mut self, out: &mut Vec<u8>, spans: &mut Vec<Span>) {
        if self.buf.len() > self.written {
            self.round(self.buf.len(), out, spans);
        }
        self.buf.clear();
        self.written = 0;
        self.base = 0;
    }

    /// The values allow entries kept in the output written so far (offsets from the start of the
    /// line), each once; draining them leaves the next ones to come.
    pub fn drain_allowed(&mut self) -> std::vec::Drain<'_, Span> {
        self.allowed.drain(..)
    }

    fn round(&mut self, cut: usize, out: &mut Vec<u8>, spans: &mut Vec<Span>) {
        // A window of a line is not a whole JSON document: text detection only.
        self.scrubber.find_text_into(&self.buf, &mut self.findings);
        let mut copied = self.written;
        for span in self.findings.spans() {
            if span.end() <= self.written {
                continue; // written in an earlier round
            }
            if span.start >= cut {
                break; // found again, with more context, next round
            }
            // A span reaching back into written bytes was not seen then; redact its unwritten part.
            let start = span.start.max(copied);
            out.extend_from_slice(&self.buf[copied..start]);
            let whole = self.findings.is_whole(span);
            self.scrubber
                .write_replacement(out, &self.buf[start..span.end()], span.rule, whole);
            spans.push(Span {
                start: self.base + start,
                len: span.end() - start,
                rule: span.rule,
            });
            copied = span.end();
        }
        let end = cut.max(copied);
        out.extend_from_slice(&self.buf[copied..end]);
        for a in self.findings.allowed() {
            if a.start >= self.written && a.start < end {
                self.allowed.push(Span {
                    start: self.base + a.start,
                    ..*a
                });
            }
        }
        let keep_from = end.saturating_sub(CONTEXT);
        self.buf.drain(..keep_from);
        self.base += keep_from;
        self.written = end - keep_from;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrub_in_pieces(line: &[u8], piece: usize) -> (Vec<u8>, Vec<Span>) {
        let s = Scrubber::builtin().unwrap();
        let mut ll = LongLine::new(&s);
        let (mut out, mut spans) = (Vec::new(), Vec::new());
        for p in line.chunks(piece) {
            ll.feed(p, &mut out, &mut spans);
        }
        ll.finish(&mut out, &mut spans);
        (out, spans)
    }

    #[test]
    fn values_across_every_cut_are_found() {
        // Emails placed so that some straddle the 1 MiB cuts.
        let mut line = Vec::new();
        let mut expected = Vec::new();
        let mut n = 0;
        while line.len() < 3 * SEGMENT + 100_000 {
            line.extend_from_slice(b"x ");
            expected.extend_from_slice(b"x ");
            if n % 997 == 0 {
                line.extend_from_slice(
                    format!("user{n}@example.com phone +1415555{:04} ", n % 10_000).as_bytes(),
                );
                expected.extend_from_slice(b"[EMAIL] phone [PHONE] ");
            } else {
                line.extend_from_slice(b"ordinary text 12345 ");
                expected.extend_from_slice(b"ordinary text 12345 ");
            }
            n += 1;
        }
        let s = Scrubber::builtin().unwrap();
        let mut whole = Vec::new();
        s.scrub(&line, &mut whole);
        assert_eq!(whole, expected);
        for piece in [7, 4096, 1 << 20, 5 << 20] {
            let (out, spans) = scrub_in_pieces(&line, piece);
            assert!(
                out == expected,
                "piece size {piece}: output differs from whole-line scrub"
            );
            let want = s.find(&line);
            assert_eq!(spans, want.spans(), "piece size {piece}");
        }
    }

    #[test]
    fn every_cut_position_around_a_value() {
        // Force a cut at each offset across one card number.
        for shift in 0..24 {
            let mut line = vec![b'a'; SEGMENT - 10 + shift];
            line.extend_from_slice(b" 4111111111111111 ");
            line.extend(vec![b'b'; LOOKAHEAD + 10]);
            let (out, spans) = scrub_in_pieces(&line, 1 << 16);
            assert_eq!(spans.len(), 1, "shift {shift}");
            assert!(
                memchr::memmem::find(&out, b"4111111111111111").is_none(),
                "shift {shift}"
            );
            assert_eq!(out.len(), line.len() - 16 + "[CARD]".len());
        }
    }
}
