//! Scrubbing one log event, failing closed, and counting what was done.
//!
//! The engine has no error path, but a bug could still panic on some input. A panic must neither lose
//! the event (one event out per event in) nor let it through raw, so each call runs under
//! `catch_unwind` and a panicking event is replaced whole by [`INTERNAL_ERROR_MARKER`], the same text
//! the CLI writes. The counts kept here ([`Tally`]) are all the function ever reports about content.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::{Findings, Scrubber};

/// What an event becomes when scrubbing it failed: nothing of the original is kept.
pub const INTERNAL_ERROR_MARKER: &str = "[REDACTED: internal error]";

/// Counts for one log group in one invocation: what went in, what came out, what was replaced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Log events scrubbed.
    pub events: u64,
    /// Bytes of the messages as received.
    pub bytes_in: u64,
    /// Bytes of the messages as forwarded.
    pub bytes_out: u64,
    /// Replacements per rule, indexed by [`RuleId::index`](crate::RuleId::index).
    pub findings: Vec<u64>,
    /// Events replaced by [`INTERNAL_ERROR_MARKER`].
    pub internal_errors: u64,
    /// Events replaced by the oversize marker (see `batch`).
    pub oversize: u64,
    /// Events CloudWatch Logs refused (too old, too new, expired).
    pub rejected: u64,
    /// Events that could not be delivered (the invocation failed and will be retried).
    pub undelivered: u64,
    /// Records (Firehose, Kinesis) or payloads refused as malformed.
    pub refused: u64,
    /// Detected values the policy's `[[allow]]` entries kept.
    pub allowed: u64,
}

impl Tally {
    /// Total replacements over all rules.
    pub fn total_findings(&self) -> u64 {
        self.findings.iter().sum()
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &Tally) {
        self.events += other.events;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        self.internal_errors += other.internal_errors;
        self.oversize += other.oversize;
        self.rejected += other.rejected;
        self.undelivered += other.undelivered;
        self.refused += other.refused;
        self.allowed += other.allowed;
        if self.findings.len() < other.findings.len() {
            self.findings.resize(other.findings.len(), 0);
        }
        for (mine, theirs) in self.findings.iter_mut().zip(&other.findings) {
            *mine += theirs;
        }
    }
}

/// Scrubs one message with `scrubber`, counting into `tally`.
pub fn scrub_message(scrubber: &Scrubber, message: &str, tally: &mut Tally) -> String {
    guarded(message, tally, |input, out| scrubber.scrub(input, out))
}

/// Runs `scrub` on `message` under `catch_unwind`: the scrubbed text, or the marker if it panicked.
fn guarded(
    message: &str,
    tally: &mut Tally,
    scrub: impl FnOnce(&[u8], &mut Vec<u8>) -> Findings,
) -> String {
    let mut out = Vec::with_capacity(message.len() + 16);
    tally.events += 1;
    tally.bytes_in += message.len() as u64;
    let text = match catch_unwind(AssertUnwindSafe(|| scrub(message.as_bytes(), &mut out))) {
        Ok(findings) => {
            findings.tally_into(&mut tally.findings);
            tally.allowed += findings.allowed().len() as u64;
            // Replacements are ASCII and land on detected values, which start and end on ASCII, so
            // this is valid UTF-8; should it ever not be, the lossy form still holds only scrubbed
            // bytes.
            match String::from_utf8(out) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }
        }
        Err(_) => {
            tally.internal_errors += 1;
            INTERNAL_ERROR_MARKER.to_string()
        }
    };
    tally.bytes_out += text.len() as u64;
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_and_counts_per_rule() {
        let scrubber = Scrubber::builtin().unwrap();
        let mut tally = Tally {
            findings: vec![0; scrubber.rules().len()],
            ..Tally::default()
        };
        let out = scrub_message(&scrubber, "mail jane@example.com now", &mut tally);
        assert_eq!(out, "mail [EMAIL] now");
        let email = scrubber.rule_id("EMAIL").unwrap();
        assert_eq!(tally.findings[email.index()], 1);
        assert_eq!(tally.total_findings(), 1);
        assert_eq!((tally.events, tally.bytes_in, tally.bytes_out), (1, 25, 16));
    }

    #[test]
    fn a_panic_masks_the_whole_event() {
        let mut tally = Tally::default();
        let out = guarded("card 4111 1111 1111 1111", &mut tally, |input, out| {
            out.extend_from_slice(&input[..4]);
            panic!("engine bug");
        });
        assert_eq!(out, INTERNAL_ERROR_MARKER);
        assert_eq!(tally.internal_errors, 1);
        assert_eq!(tally.events, 1);
    }

    #[test]
    fn tallies_add_up() {
        let mut a = Tally {
            events: 1,
            findings: vec![1],
            ..Tally::default()
        };
        let b = Tally {
            events: 2,
            findings: vec![0, 3],
            rejected: 4,
            ..Tally::default()
        };
        a.add(&b);
        assert_eq!(a.events, 3);
        assert_eq!(a.findings, vec![1, 3]);
        assert_eq!(a.rejected, 4);
    }
}
