//! Scrubbing one log event, failing closed, and counting what was done.
//!
//! The event goes through [`crate::guard`], as every front end's input does: a panicking event is
//! replaced whole by [`INTERNAL_ERROR_MARKER`] (one per line of the event), so it is neither lost
//! (one event out per event in) nor let through raw. The counts kept here ([`Tally`]) are all the
//! function ever reports about content.

use crate::guard::{self, RuleTally};
use crate::{Findings, Scrubber};

pub use crate::guard::INTERNAL_ERROR_MARKER;

/// Counts for one log group in one invocation: what went in, what came out, what was replaced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Log events scrubbed.
    pub events: u64,
    /// Bytes of the messages as received.
    pub bytes_in: u64,
    /// Bytes of the messages as forwarded.
    pub bytes_out: u64,
    /// Per rule: values replaced, and values the policy's `[[allow]]` entries kept.
    pub rules: RuleTally,
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
}

impl Tally {
    /// Total replacements over all rules.
    pub fn total_findings(&self) -> u64 {
        self.rules.redacted_total()
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
        self.rules.add(&other.rules);
    }
}

/// Scrubs one message with `scrubber`, counting into `tally`.
pub fn scrub_message(scrubber: &Scrubber, message: &str, tally: &mut Tally) -> String {
    guarded(message, tally, |input, out, findings| {
        scrubber.scrub_into(input, out, findings)
    })
}

/// [`scrub_message`] for a message the caller owns: one in which nothing is found (nearly every
/// event) is returned as it is, neither copied nor checked as UTF-8 again, and only the others
/// are rewritten into a new string. The search runs through the same guard: a panic in it
/// replaces the event by [`INTERNAL_ERROR_MARKER`] as before.
pub fn scrub_owned(scrubber: &Scrubber, message: String, tally: &mut Tally) -> String {
    let mut findings = Findings::default();
    match guard::run(|| scrubber.find_into(message.as_bytes(), &mut findings)) {
        Ok(()) if findings.spans().is_empty() => {
            tally.events += 1;
            tally.bytes_in += message.len() as u64;
            tally.bytes_out += message.len() as u64;
            // Values an allow-list kept are counted even where nothing was replaced.
            tally.rules.add_findings(&findings);
            message
        }
        // Something to replace: rewritten through the guard with what was found.
        Ok(()) => guarded(&message, tally, |input, out, scratch| {
            std::mem::swap(scratch, &mut findings);
            scrubber.rewrite_into(input, scratch, out)
        }),
        // The search panicked: the markers, as the guard writes them for a panicking rewrite.
        Err(guard::Panicked) => {
            tally.events += 1;
            tally.bytes_in += message.len() as u64;
            tally.internal_errors += 1;
            let mut out = Vec::new();
            guard::write_markers(message.as_bytes(), &mut out);
            // The markers are ASCII.
            let text = String::from_utf8_lossy(&out).into_owned();
            tally.bytes_out += text.len() as u64;
            text
        }
    }
}

/// Runs `scrub` on `message` through [`guard::fail_closed`]: the scrubbed text, or the markers if
/// it panicked.
fn guarded(
    message: &str,
    tally: &mut Tally,
    scrub: impl FnOnce(&[u8], &mut Vec<u8>, &mut Findings),
) -> String {
    let mut out = Vec::with_capacity(message.len() + 16);
    let mut findings = Findings::default();
    tally.events += 1;
    tally.bytes_in += message.len() as u64;
    match guard::fail_closed(message.as_bytes(), &mut out, &mut findings, scrub) {
        Ok(()) => tally.rules.add_findings(&findings),
        Err(guard::Panicked) => tally.internal_errors += 1,
    }
    // Replacements are ASCII and land on detected values, which start and end on ASCII, so this
    // is valid UTF-8; should it ever not be, the lossy form still holds only scrubbed bytes.
    let text = match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
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
        let mut tally = Tally::default();
        let out = scrub_message(&scrubber, "mail jane@example.com now", &mut tally);
        assert_eq!(out, "mail [EMAIL] now");
        let email = scrubber.rule_id("EMAIL").unwrap();
        assert_eq!(tally.rules.redacted[email.index()], 1);
        assert_eq!(tally.total_findings(), 1);
        assert_eq!((tally.events, tally.bytes_in, tally.bytes_out), (1, 25, 16));
    }

    /// The owned path gives what the borrowed one gives, text and counts, and hands an event with
    /// nothing found back in its own allocation.
    #[test]
    fn owned_messages_scrub_as_borrowed_ones() {
        let scrubber = Scrubber::builtin().unwrap();
        let messages = [
            "nothing here, took 12 ms, id=8f14e45f",
            "mail jane@example.com now",
            r#"{"level":"info","password":"hunter22","amount":12}"#,
            "card 4111 1111 1111 1111 and ssn 123-45-6789\nsecond line",
            "",
            "ünïcödé text with no value",
        ];
        let (mut borrowed, mut owned) = (Tally::default(), Tally::default());
        for m in messages {
            let want = scrub_message(&scrubber, m, &mut borrowed);
            let given = m.to_string();
            let at = given.as_ptr();
            let got = scrub_owned(&scrubber, given, &mut owned);
            assert_eq!(got, want, "{m}");
            if want == m {
                assert_eq!(got.as_ptr(), at, "not copied: {m}");
            }
        }
        assert_eq!(owned, borrowed);
        assert!(owned.total_findings() >= 4);
    }

    #[test]
    fn a_panic_masks_the_whole_event() {
        let mut tally = Tally::default();
        let out = guarded("card 4111 1111 1111 1111", &mut tally, |input, out, _| {
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
            rules: RuleTally {
                redacted: vec![1],
                allowed: vec![],
            },
            ..Tally::default()
        };
        let b = Tally {
            events: 2,
            rules: RuleTally {
                redacted: vec![0, 3],
                allowed: vec![2],
            },
            rejected: 4,
            ..Tally::default()
        };
        a.add(&b);
        assert_eq!(a.events, 3);
        assert_eq!(a.rules.redacted, vec![1, 3]);
        assert_eq!(a.rules.allowed, vec![2]);
        assert_eq!(a.rejected, 4);
    }
}
