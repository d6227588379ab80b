//! Failing closed, in one place: how every front end runs the engine and counts what it did.
//!
//! The engine has no error path, but a bug could still panic on some input. A front end must then
//! neither lose the input (one line or event out per one in) nor pass it through raw. So the CLI's
//! filter and audit, and the Lambda's three modes, all scrub through [`scrub_into`]: under
//! `catch_unwind`, and on a panic whatever was written for the input is taken back and each of its
//! lines is replaced by [`INTERNAL_ERROR_MARKER`]. They count through [`RuleTally`], per rule,
//! redacted and allowed apart. Neither ever holds a matched value.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::{Findings, Scrubber, Span};

/// What a line (or event) becomes when the engine failed on it: nothing of the original is kept.
pub const INTERNAL_ERROR_MARKER: &str = "[REDACTED: internal error]";

/// The engine panicked; what it was given was replaced by the marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panicked;

/// Runs `f`, turning a panic into [`Panicked`]. The panic hook the front ends install reports
/// where it happened, never its message (which could quote log content).
pub fn run<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| Panicked)
}

/// Scrubs `input` into `out` (appending) with `findings` as scratch, failing closed: on a panic,
/// what was appended is removed and each line of `input` is written as the marker instead, its
/// line break kept, so the line count is unchanged and none of `input` is written.
pub fn scrub_into(
    scrubber: &Scrubber,
    input: &[u8],
    out: &mut Vec<u8>,
    findings: &mut Findings,
) -> Result<(), Panicked> {
    fail_closed(input, out, findings, |input, out, findings| {
        scrubber.scrub_into(input, out, findings)
    })
}

/// [`scrub_into`] with any `scrub` in place of the engine: runs it under `catch_unwind` and, if
/// it panics, takes back what it appended to `out`, clears `findings`, and writes the markers.
pub fn fail_closed(
    input: &[u8],
    out: &mut Vec<u8>,
    findings: &mut Findings,
    scrub: impl FnOnce(&[u8], &mut Vec<u8>, &mut Findings),
) -> Result<(), Panicked> {
    let mark = out.len();
    run(|| scrub(input, out, findings)).inspect_err(|_| {
        out.truncate(mark);
        findings.clear();
        write_markers(input, out);
    })
}

/// Writes [`INTERNAL_ERROR_MARKER`] once per line of `input`, keeping each line's terminator
/// (`\n` or `\r\n`); an input without a final line break gets none.
pub fn write_markers(input: &[u8], out: &mut Vec<u8>) {
    if input.is_empty() {
        out.extend_from_slice(INTERNAL_ERROR_MARKER.as_bytes());
        return;
    }
    for line in input.split_inclusive(|&b| b == b'\n') {
        out.extend_from_slice(INTERNAL_ERROR_MARKER.as_bytes());
        if line.ends_with(b"\r\n") {
            out.extend_from_slice(b"\r\n");
        } else if line.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
}

/// Per rule (indexed by [`RuleId::index`](crate::RuleId::index)): how many values were redacted,
/// and how many a pack's `[[allow]]` entries kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleTally {
    pub redacted: Vec<u64>,
    pub allowed: Vec<u64>,
}

impl RuleTally {
    /// An empty tally for `rules` rules.
    pub fn new(rules: usize) -> RuleTally {
        RuleTally {
            redacted: vec![0; rules],
            allowed: vec![0; rules],
        }
    }

    /// Counts what one scrub found.
    pub fn add_findings(&mut self, findings: &Findings) {
        self.add_spans(findings.spans(), findings.allowed());
    }

    /// Counts `redacted` and `allowed` spans by their rule.
    pub fn add_spans(&mut self, redacted: &[Span], allowed: &[Span]) {
        for (counts, spans) in [(&mut self.redacted, redacted), (&mut self.allowed, allowed)] {
            for s in spans {
                let i = s.rule.index();
                if counts.len() <= i {
                    counts.resize(i + 1, 0);
                }
                counts[i] += 1;
            }
        }
    }

    /// Adds `other` in.
    pub fn add(&mut self, other: &RuleTally) {
        for (mine, theirs) in [
            (&mut self.redacted, &other.redacted),
            (&mut self.allowed, &other.allowed),
        ] {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }

    /// Back to zero, keeping the length.
    pub fn clear(&mut self) {
        self.redacted.iter_mut().for_each(|c| *c = 0);
        self.allowed.iter_mut().for_each(|c| *c = 0);
    }

    /// Values redacted, all rules.
    pub fn redacted_total(&self) -> u64 {
        self.redacted.iter().sum()
    }

    /// Values kept by allow entries, all rules.
    pub fn allowed_total(&self) -> u64 {
        self.allowed.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_keep_the_line_structure() {
        let mut out = b"before|".to_vec();
        write_markers(b"a\r\nb\nc", &mut out);
        assert_eq!(
            out,
            b"before|[REDACTED: internal error]\r\n[REDACTED: internal error]\n[REDACTED: internal error]"
        );
        let mut out = Vec::new();
        write_markers(b"", &mut out);
        assert_eq!(out, INTERNAL_ERROR_MARKER.as_bytes());
    }

    #[test]
    fn a_panic_takes_back_what_was_written() {
        let scrubber = Scrubber::builtin().unwrap();
        let mut out = b"kept\n".to_vec();
        let mut findings = scrubber.find(b"a@b.co");
        let r = fail_closed(
            b"a 4111111111111111\r\nb",
            &mut out,
            &mut findings,
            |input, out, _| {
                out.extend_from_slice(&input[..4]);
                panic!("engine bug");
            },
        );
        assert_eq!(r, Err(Panicked));
        assert_eq!(
            out,
            b"kept\n[REDACTED: internal error]\r\n[REDACTED: internal error]"
        );
        assert!(findings.is_empty(), "no count for what was not scrubbed");
        // Without a panic, the engine's output as it is.
        assert_eq!(
            scrub_into(
                &scrubber,
                b"mail jane@example.com\n",
                &mut out,
                &mut findings
            ),
            Ok(())
        );
        assert!(out.ends_with(b"error]mail [EMAIL]\n"));
    }

    #[test]
    fn tallies_count_and_add_up() {
        let scrubber = Scrubber::builtin().unwrap();
        let mut t = RuleTally::new(scrubber.rules().len());
        let findings = scrubber.find(b"a@b.co c@d.co +14155550132");
        t.add_findings(&findings);
        let email = scrubber.rule_id("EMAIL").unwrap().index();
        assert_eq!(t.redacted[email], 2);
        assert_eq!(t.redacted_total(), 3);
        let mut sum = RuleTally::default();
        sum.add(&t);
        sum.add(&t);
        assert_eq!(sum.redacted[email], 4);
        sum.clear();
        assert_eq!(sum.redacted_total() + sum.allowed_total(), 0);
    }
}
