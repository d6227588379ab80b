//! Scrubbing log events, failing closed, and counting what was done.
//!
//! Every event goes through [`crate::guard`], as every front end's input does: a panicking event is
//! replaced whole by [`INTERNAL_ERROR_MARKER`] (one per line of the event), so it is neither lost
//! (one event out per event in) nor let through raw. The counts kept here ([`Tally`]) are all the
//! function ever reports about content.
//!
//! A payload's events are searched together ([`scrub_events`]): one search over the messages
//! joined by line breaks costs what the engine costs on a buffer, where a search per event paid
//! the engine's set-up per event (a third of the Lambda path's scanning time). `crate::joined`
//! says when the spans cannot be read back per event (a span across an event's end, a private key
//! block); then every event of the run is searched on its own. Each event is written back from
//! its own spans: one with none keeps its message, uncopied. `tests/corpus.rs` checks that every
//! event comes out as searched alone.

use crate::guard::{self, RuleTally};
use crate::joined::Joined;
use crate::lambda::decode::LogEvent;
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
/// are rewritten into a new string. The search and the rewrite run under the guard: a panic in
/// either replaces the event by [`INTERNAL_ERROR_MARKER`].
pub fn scrub_owned(scrubber: &Scrubber, message: String, tally: &mut Tally) -> String {
    owned(scrubber, message, tally)
}

/// Scrubs the message of every event in `events` in place (see the module doc: one search for
/// them all), counting into `tally`.
pub fn scrub_events(scrubber: &Scrubber, events: &mut [LogEvent], tally: &mut Tally) {
    events_with(scrubber, events, tally)
}

/// What this module asks of the engine: a search, and a rewrite of part of what was searched. The
/// scrubber is the one implementation outside tests, which put a panicking engine here to show
/// that every path fails closed.
trait Engine {
    fn find(&self, input: &[u8], findings: &mut Findings);
    fn rewrite(&self, input: &[u8], part: Part<'_>, out: &mut Vec<u8>);
    /// Whether events may be searched joined (`crate::joined`).
    fn may_join(&self) -> bool;
}

/// One event's place in what was searched: its range and the spans found in it.
#[derive(Clone)]
struct Part<'a> {
    range: std::ops::Range<usize>,
    spans: &'a [crate::Span],
    findings: &'a Findings,
}

impl Engine for Scrubber {
    fn find(&self, input: &[u8], findings: &mut Findings) {
        self.find_into(input, findings)
    }
    fn rewrite(&self, input: &[u8], part: Part<'_>, out: &mut Vec<u8>) {
        self.rewrite_part(input, part.range, part.spans, part.findings, out)
    }
    fn may_join(&self) -> bool {
        Scrubber::may_join(self)
    }
}

fn owned(engine: &impl Engine, message: String, tally: &mut Tally) -> String {
    let mut findings = Findings::default();
    let whole = 0..message.len();
    match guard::run(|| engine.find(message.as_bytes(), &mut findings)) {
        Ok(()) => {
            // Values an allow-list kept are counted even where nothing was replaced.
            tally.rules.add_findings(&findings);
            let part = Part {
                range: whole,
                spans: findings.spans(),
                findings: &findings,
            };
            write_back(engine, message.as_bytes(), part, tally).unwrap_or(message)
        }
        Err(guard::Panicked) => {
            tally.internal_errors += 1;
            let text = markers(message.as_bytes());
            count(tally, message.len(), text.len());
            text
        }
    }
}

/// The text of the event at `part` of `input`, counted: `None` when nothing in it is replaced
/// (the event keeps its message), else its rewrite, or the markers if rewriting panicked.
fn write_back(
    engine: &impl Engine,
    input: &[u8],
    part: Part<'_>,
    tally: &mut Tally,
) -> Option<String> {
    let len = part.range.len();
    if part.spans.is_empty() {
        count(tally, len, len);
        return None;
    }
    let mut out = Vec::with_capacity(len + 16);
    let text = match guard::run(|| engine.rewrite(input, part.clone(), &mut out)) {
        Ok(()) => text_of(out),
        Err(guard::Panicked) => {
            tally.internal_errors += 1;
            markers(&input[part.range])
        }
    };
    count(tally, len, text.len());
    Some(text)
}

/// Counts one event in and out.
fn count(tally: &mut Tally, bytes_in: usize, bytes_out: usize) {
    tally.events += 1;
    tally.bytes_in += bytes_in as u64;
    tally.bytes_out += bytes_out as u64;
}

fn events_with(engine: &impl Engine, events: &mut [LogEvent], tally: &mut Tally) {
    // Runs of events of at most `JOINED_MAX` bytes (one longer event is a run alone), so the
    // joined copy adds at most that much memory to a payload of any size.
    let mut rest = events;
    while !rest.is_empty() {
        let mut bytes = 0;
        let n = rest
            .iter()
            .take_while(|e| {
                bytes += e.message.len() + 1;
                bytes <= JOINED_MAX
            })
            .count()
            .max(1);
        let (run, after) = rest.split_at_mut(n);
        run_with(engine, run, tally);
        rest = after;
    }
}

/// The most message bytes searched as one: enough that the engine's set-up per search is paid
/// once for hundreds of events.
const JOINED_MAX: usize = 1 << 20;

/// [`scrub_events`] for one run of events.
fn run_with(engine: &impl Engine, events: &mut [LogEvent], tally: &mut Tally) {
    if events.len() < 2 || !engine.may_join() {
        return each_alone(engine, events, tally);
    }
    let mut joined =
        Joined::with_capacity(events.iter().map(|e| e.message.len()).sum(), events.len());
    for e in events.iter() {
        joined.push(e.message.as_bytes());
    }
    let mut findings = Findings::default();
    let searched = guard::run(|| engine.find(joined.bytes(), &mut findings));
    if searched.is_err() || joined.apart(findings.spans()) {
        return each_alone(engine, events, tally);
    }
    tally.rules.add_findings(&findings);
    for (e, (range, spans)) in events.iter_mut().zip(joined.split(findings.spans())) {
        let part = Part {
            range,
            spans,
            findings: &findings,
        };
        if let Some(text) = write_back(engine, joined.bytes(), part, tally) {
            e.message = text;
        }
    }
}

/// Every event searched on its own.
fn each_alone(engine: &impl Engine, events: &mut [LogEvent], tally: &mut Tally) {
    for e in events {
        e.message = owned(engine, std::mem::take(&mut e.message), tally);
    }
}

/// Scrubbed bytes as text. Replacements are ASCII and land on detected values, which start and
/// end on ASCII, so this is valid UTF-8; should it ever not be, the lossy form still holds only
/// scrubbed bytes.
fn text_of(out: Vec<u8>) -> String {
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// What a message becomes when the engine failed on it.
fn markers(message: &[u8]) -> String {
    let mut out = Vec::new();
    guard::write_markers(message, &mut out);
    text_of(out)
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
    match guard::fail_closed(message.as_bytes(), &mut out, &mut findings, scrub) {
        Ok(()) => tally.rules.add_findings(&findings),
        Err(guard::Panicked) => tally.internal_errors += 1,
    }
    let text = text_of(out);
    count(tally, message.len(), text.len());
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

    /// A payload past `JOINED_MAX` is searched in runs, and every event still comes out as
    /// searched alone, counts included; so does one event longer than a run.
    #[test]
    fn large_payloads_are_searched_in_runs() {
        let scrubber = Scrubber::builtin().unwrap();
        let filler = "x".repeat(1000);
        let mut messages: Vec<String> = (0..2500)
            .map(|i| format!("event {i} {filler} mail user{i}@example.com card 4111111111111111"))
            .collect();
        messages.insert(1200, "y ".repeat(JOINED_MAX));
        let total: usize = messages.iter().map(|m| m.len() + 1).sum();
        assert!(total > 3 * JOINED_MAX);
        let mut events: Vec<LogEvent> = messages
            .iter()
            .map(|m| LogEvent {
                message: m.clone(),
                ..LogEvent::default()
            })
            .collect();
        let (mut together, mut alone) = (Tally::default(), Tally::default());
        scrub_events(&scrubber, &mut events, &mut together);
        for (e, m) in events.iter().zip(&messages) {
            assert_eq!(e.message, scrub_message(&scrubber, m, &mut alone));
        }
        assert_eq!(together, alone);
        assert_eq!(together.total_findings(), 5000);
    }

    /// The scrubber, but panicking when it searches an input holding `BOOM` or rewrites an event
    /// holding `BANG`.
    struct Faulty(Scrubber);

    impl Engine for Faulty {
        fn find(&self, input: &[u8], findings: &mut Findings) {
            assert!(memchr::memmem::find(input, b"BOOM").is_none(), "injected");
            Engine::find(&self.0, input, findings)
        }
        fn rewrite(&self, input: &[u8], part: Part<'_>, out: &mut Vec<u8>) {
            let event = &input[part.range.clone()];
            assert!(memchr::memmem::find(event, b"BANG").is_none(), "injected");
            Engine::rewrite(&self.0, input, part, out)
        }
        fn may_join(&self) -> bool {
            Engine::may_join(&self.0)
        }
    }

    fn events(messages: &[&str]) -> Vec<LogEvent> {
        messages
            .iter()
            .map(|m| LogEvent {
                message: m.to_string(),
                ..LogEvent::default()
            })
            .collect()
    }

    /// A panic in the joined search, in an event's own search, or in an event's rewrite masks that
    /// event and no other, one event out per event in, and is counted.
    #[test]
    fn every_path_fails_closed() {
        let engine = Faulty(Scrubber::builtin().unwrap());
        let marker = INTERNAL_ERROR_MARKER.to_string();
        // The joined search panics (`BOOM`), so each event is searched alone: the one holding
        // `BOOM` panics in its search, the one holding `BANG` in its rewrite.
        let mut alone = events(&[
            "mail a@example.com",
            "BOOM mail b@example.com",
            "BANG mail c@example.com\nsecond line",
            "BANG nothing found here",
        ]);
        let mut tally = Tally::default();
        events_with(&engine, &mut alone, &mut tally);
        let got: Vec<&str> = alone.iter().map(|e| e.message.as_str()).collect();
        let two = format!("{marker}\n{marker}");
        assert_eq!(
            got,
            [
                "mail [EMAIL]",
                marker.as_str(),
                two.as_str(),
                "BANG nothing found here"
            ]
        );
        assert_eq!((tally.events, tally.internal_errors), (4, 2));
        // The joined search succeeds; one event's rewrite panics.
        let mut joined = events(&["mail x@example.com", "BANG mail d@example.com", "plain"]);
        let mut tally = Tally::default();
        events_with(&engine, &mut joined, &mut tally);
        let got: Vec<&str> = joined.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(got, ["mail [EMAIL]", marker.as_str(), "plain"]);
        assert_eq!((tally.events, tally.internal_errors), (3, 1));
    }

    /// A user regex that asks where the searched text begins or ends (`\A`, `\z`) matches at
    /// every event's edges only when each event is searched alone, so such a pack never joins
    /// events; `^` and `$` are line anchors, which joining keeps. Either way every event comes
    /// out as searched alone (joined with `\A`, only the first event's start matched).
    #[test]
    fn text_edge_patterns_keep_events_apart() {
        let mut pack = crate::Pack::builtin().unwrap();
        pack.merge_str(
            "[[rule]]\nid = \"LEADING\"\nregex = '\\Asecret=\\w+'\n[[rule]]\nid = \"TRAILING\"\nregex = 'pin \\d{4}\\z'\n",
            "edges.toml",
        )
        .unwrap();
        let scrubber = Scrubber::new(&pack, &crate::Options::default()).unwrap();
        assert!(!scrubber.may_join() && Scrubber::builtin().unwrap().may_join());
        let messages = [
            "secret=abc",
            "secret=def x",
            "ok pin 1234",
            "pin 5678 ok",
            "plain",
        ];
        let mut together = events(&messages);
        scrub_events(&scrubber, &mut together, &mut Tally::default());
        for (e, m) in together.iter().zip(messages) {
            assert_eq!(
                e.message,
                scrub_message(&scrubber, m, &mut Tally::default())
            );
        }
        assert_eq!(together[1].message, "[LEADING] x");
        assert_eq!(together[2].message, "ok [TRAILING]");
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
