//! The filter: every input scrubbed to standard output, line for line, in order.
//!
//! This is the part that sits in a log pipeline (`app 2>&1 | logscrub | shipper`), so it promises what
//! a pipe stage must: one output line per input line, bytes outside redacted values unchanged (CRLF,
//! invalid UTF-8, a missing final newline), bounded memory, and output as soon as input arrives on a
//! live pipe. The reading and threading live in [`input`](super::input) and [`pool`](super::pool); this
//! module says what happens to a chunk and where it goes.
//!
//! It also fails closed. If the engine panics on a chunk (a bug), every line of that chunk is written
//! as `[REDACTED: internal error]` and counted in the stats: the line count stays right and the raw
//! text is never written.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Stdout, Write};
use std::time::Duration;

use crate::guard::{self, INTERNAL_ERROR_MARKER, RuleTally};
use crate::{Findings, JsonMode, LongLine, Scrubber, Span};

use super::pool::{Collector, LongLines, Task};

/// Output buffer for standard output; big writes (whole chunks) go straight through.
const OUTPUT_BUFFER: usize = 256 << 10;

/// The scrubbed form of one chunk, with its counts.
#[derive(Default)]
pub struct Scrubbed {
    bytes: Vec<u8>,
    stats: Stats,
}

/// Counts for `--stats`: how much was read and how many values of each rule were replaced. Never
/// values.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub lines: u64,
    pub bytes: u64,
    /// Per rule: values replaced, and values an `[[allow]]` entry kept.
    pub rules: RuleTally,
    /// Lines written as [`INTERNAL_ERROR_MARKER`] because the engine failed on them.
    pub failed_lines: u64,
    /// With `--json-mode on`: non-blank lines that held no valid JSON (scrubbed as text only).
    pub not_json_lines: u64,
}

impl Stats {
    pub fn clear(&mut self) {
        self.lines = 0;
        self.bytes = 0;
        self.rules.clear();
        self.failed_lines = 0;
        self.not_json_lines = 0;
    }

    pub fn add(&mut self, other: &Stats) {
        self.lines += other.lines;
        self.bytes += other.bytes;
        self.rules.add(&other.rules);
        self.failed_lines += other.failed_lines;
        self.not_json_lines += other.not_json_lines;
    }

    /// The `--stats` report: one `name value` pair per line, rules with no replacement left out.
    pub fn report(&self, scrubber: &Scrubber, elapsed: Duration) -> String {
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            self.bytes as f64 / 1e6 / secs
        } else {
            0.0
        };
        let mut s = String::from("logscrub stats:\n");
        let _ = writeln!(s, "  lines       {}", self.lines);
        let _ = writeln!(s, "  bytes       {}", self.bytes);
        let _ = writeln!(s, "  elapsed     {secs:.3} s");
        let _ = writeln!(s, "  throughput  {rate:.1} MB/s");
        let _ = writeln!(s, "  redacted    {}", self.rules.redacted_total());
        for (i, n) in self.rules.redacted.iter().enumerate() {
            if *n > 0 {
                let _ = writeln!(s, "    {:<20} {n}", scrubber.rules()[i].id);
            }
        }
        let allowed = self.rules.allowed_total();
        if allowed > 0 {
            let _ = writeln!(s, "  allowed     {allowed} (kept by [[allow]] entries)");
            for (i, n) in self.rules.allowed.iter().enumerate() {
                if *n > 0 {
                    let _ = writeln!(s, "    {:<20} {n}", scrubber.rules()[i].id);
                }
            }
        }
        if self.not_json_lines > 0 {
            let _ = writeln!(
                s,
                "  not JSON    {} lines (scrubbed as text)",
                self.not_json_lines
            );
        }
        if self.failed_lines > 0 {
            let _ = writeln!(s, "  internal errors: {} lines", self.failed_lines);
        }
        s
    }
}

/// Counts lines the way `wc -l` would, plus a last line that has no newline.
pub fn count_lines(input: &[u8]) -> u64 {
    let breaks = memchr::memchr_iter(b'\n', input).count() as u64;
    breaks + u64::from(input.last().is_some_and(|&b| b != b'\n'))
}

/// Scrubbing chunks of whole lines on the worker threads.
pub struct Scrub<'s> {
    pub scrubber: &'s Scrubber,
}

impl Task for Scrub<'_> {
    type Out = Scrubbed;
    type Scratch = Findings;

    fn chunk(&self, input: &[u8], out: &mut Scrubbed, findings: &mut Findings) {
        let lines = count_lines(input);
        out.stats.lines += lines;
        out.stats.bytes += input.len() as u64;
        match guard::scrub_into(self.scrubber, input, &mut out.bytes, findings) {
            Ok(()) => {
                out.stats.rules.add_findings(findings);
                out.stats.not_json_lines += findings.not_json_lines();
            }
            Err(guard::Panicked) => out.stats.failed_lines += lines,
        }
    }

    fn clear(out: &mut Scrubbed) {
        out.bytes.clear();
        out.stats.clear();
    }
}

/// Scrubbing a line too long to buffer, piece by piece, on the reader thread.
pub struct LongScrub<'s> {
    scrubber: &'s Scrubber,
    line: LongLine<'s>,
    spans: Vec<Span>,
    /// The engine failed earlier on this line: the rest of it is dropped (its replacement was written).
    failed: bool,
}

impl<'s> LongScrub<'s> {
    pub fn new(scrubber: &'s Scrubber) -> LongScrub<'s> {
        LongScrub {
            scrubber,
            line: LongLine::new(scrubber),
            spans: Vec::new(),
            failed: false,
        }
    }

    /// Runs one step of the line's scrub, failing closed if the engine panics.
    fn step(&mut self, out: &mut Scrubbed, piece: Option<&[u8]>) {
        let mark = out.bytes.len();
        let (line, spans, bytes) = (&mut self.line, &mut self.spans, &mut out.bytes);
        let stepped = guard::run(|| match piece {
            Some(piece) => line.feed(piece, bytes, spans),
            None => line.finish(bytes, spans),
        });
        if stepped.is_ok() {
            let allowed: Vec<Span> = self.line.drain_allowed().collect();
            out.stats.rules.add_spans(&self.spans, &allowed);
        } else {
            // What this step wrote may be incomplete; what earlier steps wrote is final and clean.
            out.bytes.truncate(mark);
            out.bytes
                .extend_from_slice(INTERNAL_ERROR_MARKER.as_bytes());
            out.stats.failed_lines += 1;
            self.failed = true;
            self.line = LongLine::new(self.scrubber);
        }
        self.spans.clear();
    }
}

impl LongLines<Scrubbed> for LongScrub<'_> {
    fn part(&mut self, piece: &[u8], out: &mut Scrubbed) {
        out.stats.bytes += piece.len() as u64;
        if !self.failed {
            self.step(out, Some(piece));
        }
    }

    fn end(&mut self, newline: bool, out: &mut Scrubbed) {
        if !self.failed {
            self.step(out, None);
        }
        self.failed = false;
        out.stats.lines += 1;
        // A line too long to hold is scrubbed in windows, as text: key rules did not apply to it.
        if self.scrubber.json_mode() == JsonMode::On {
            out.stats.not_json_lines += 1;
        }
        if newline {
            out.bytes.push(b'\n');
            out.stats.bytes += 1;
        }
    }
}

/// Standard output, plus the running totals.
pub struct Output {
    out: BufWriter<Stdout>,
    pub stats: Stats,
}

impl Output {
    pub fn stdout() -> Output {
        Output {
            out: BufWriter::with_capacity(OUTPUT_BUFFER, io::stdout()),
            stats: Stats::default(),
        }
    }
}

impl Collector<Scrubbed> for Output {
    fn accept(&mut self, _file: usize, chunk: &mut Scrubbed) -> io::Result<()> {
        self.out.write_all(&chunk.bytes)?;
        self.stats.add(&chunk.stats);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counts() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\n"), 1);
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(count_lines(b"\n\n"), 2);
    }
}
