//! Cutting scrubbed events into PutLogEvents batches that CloudWatch Logs accepts.
//!
//! The service's limits for one PutLogEvents call: at most 1,048,576 bytes, counted as each message's
//! UTF-8 length plus 26 bytes; at most 10,000 events; events in chronological order; no more than
//! 24 hours between the first and the last event. One event may be as large as one call: since
//! April 2025 PutLogEvents takes events up to 1 MB (it was 256 KiB), so an event CloudWatch Logs
//! stored in the source group fits the destination too, unless scrubbing grew it past the limit.
//!
//! An event over that size cannot be forwarded as it is. Truncating or splitting it would forward
//! a mangled event (half a JSON document) and break the one-event-out-per-event-in rule, so it is
//! replaced whole by a marker that says how big it was, and counted (`OversizeEvents` metric). Its
//! scrubbed text is not lost to an attacker, only to the destination: the source group still holds
//! it. Scrubbing rarely grows an event (labels are shorter than most values), so this happens only
//! to events that were at the limit already and grew by a hash token.

use std::ops::Range;

/// Most bytes in one PutLogEvents call (messages plus overhead).
pub const MAX_BATCH_BYTES: usize = 1_048_576;
/// Bytes CloudWatch Logs counts for each event on top of its message.
pub const EVENT_OVERHEAD: usize = 26;
/// Most events in one PutLogEvents call.
pub const MAX_BATCH_EVENTS: usize = 10_000;
/// Largest single event, overhead included: one event alone in a call.
pub const MAX_EVENT_BYTES: usize = MAX_BATCH_BYTES;
/// Longest time between the first and last event of one call, in milliseconds.
pub const MAX_BATCH_SPAN_MS: i64 = 24 * 60 * 60 * 1000;

/// A scrubbed log event, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Milliseconds since the Unix epoch, as in the source event.
    pub timestamp: i64,
    pub message: String,
}

impl Event {
    /// Bytes this event counts for in a batch.
    pub fn size(&self) -> usize {
        self.message.len() + EVENT_OVERHEAD
    }
}

/// The text that stands for an event too big to forward.
pub fn oversize_marker(bytes: usize) -> String {
    format!("[logscrub: event of {bytes} bytes over the CloudWatch limit, not forwarded]")
}

/// What stands for an empty event, which PutLogEvents refuses (messages have at least one character).
pub const EMPTY_MARKER: &str = "[logscrub: empty event]";

/// Longest source event id used as a dedupe key. CloudWatch Logs ids are 56 decimal digits.
const MAX_KEY_LEN: usize = 128;

/// Puts `id` (the source event's id) and a space in front of `event`'s scrubbed message, so that
/// copies of one source event stored twice (see README, "duplicates") share a key a query can group
/// by. An id that is not all ASCII digits, or is empty or longer than [`MAX_KEY_LEN`], is written
/// as `-`: the id is not scrubbed, so only a shape that cannot hold a value is trusted.
///
/// Runs before [`prepare`]: an event the key would push over the size limit becomes the oversize
/// marker, keyed, so even a replaced event can be matched to its duplicates. Returns whether it
/// was replaced.
pub fn add_key(event: &mut Event, id: &str) -> bool {
    let id = if !id.is_empty() && id.len() <= MAX_KEY_LEN && id.bytes().all(|b| b.is_ascii_digit())
    {
        id
    } else {
        "-"
    };
    let body = if event.message.is_empty() {
        EMPTY_MARKER.to_string()
    } else {
        std::mem::take(&mut event.message)
    };
    let oversize = id.len() + 1 + body.len() + EVENT_OVERHEAD > MAX_EVENT_BYTES;
    let body = if oversize {
        oversize_marker(body.len())
    } else {
        body
    };
    let mut message = String::with_capacity(id.len() + 1 + body.len());
    message.push_str(id);
    message.push(' ');
    message.push_str(&body);
    event.message = message;
    oversize
}

/// Makes every event sendable, then orders them: oversize events become [`oversize_marker`], empty
/// ones [`EMPTY_MARKER`], and the list is sorted by timestamp, stably, so events with the same
/// timestamp keep their order. Returns how many events were replaced as oversize.
pub fn prepare(events: &mut [Event]) -> u64 {
    let mut oversize = 0;
    for event in events.iter_mut() {
        if event.size() > MAX_EVENT_BYTES {
            event.message = oversize_marker(event.message.len());
            oversize += 1;
        } else if event.message.is_empty() {
            event.message = EMPTY_MARKER.to_string();
        }
    }
    events.sort_by_key(|e| e.timestamp);
    oversize
}

/// Splits `events` (already [`prepare`]d) into ranges that each fit one PutLogEvents call.
pub fn split(events: &[Event]) -> Vec<Range<usize>> {
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, event) in events.iter().enumerate() {
        let size = event.size();
        let full = i > start
            && (i - start >= MAX_BATCH_EVENTS
                || bytes + size > MAX_BATCH_BYTES
                || event.timestamp - events[start].timestamp >= MAX_BATCH_SPAN_MS);
        if full {
            batches.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < events.len() {
        batches.push(start..events.len());
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(timestamp: i64, len: usize) -> Event {
        Event {
            timestamp,
            message: "x".repeat(len),
        }
    }

    fn check(events: &[Event], batches: &[Range<usize>]) {
        let mut next = 0;
        for b in batches {
            assert_eq!(b.start, next, "batches cover every event once, in order");
            assert!(!b.is_empty());
            let slice = &events[b.clone()];
            assert!(slice.len() <= MAX_BATCH_EVENTS);
            assert!(slice.iter().map(Event::size).sum::<usize>() <= MAX_BATCH_BYTES);
            assert!(slice.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
            assert!(slice[slice.len() - 1].timestamp - slice[0].timestamp < MAX_BATCH_SPAN_MS);
            next = b.end;
        }
        assert_eq!(next, events.len());
    }

    #[test]
    fn count_limit() {
        let events: Vec<Event> = (0..25_001).map(|i| event(i, 10)).collect();
        let batches = split(&events);
        check(&events, &batches);
        assert_eq!(batches, vec![0..10_000, 10_000..20_000, 20_000..25_001]);
    }

    #[test]
    fn byte_limit_counts_the_overhead() {
        // Four events of exactly a quarter of the limit fill one batch; a fifth starts the next.
        let quarter = MAX_BATCH_BYTES / 4 - EVENT_OVERHEAD;
        let events: Vec<Event> = (0..5).map(|i| event(i, quarter)).collect();
        let batches = split(&events);
        check(&events, &batches);
        assert_eq!(batches, vec![0..4, 4..5]);
        // One byte more each and only three fit.
        let events: Vec<Event> = (0..5).map(|i| event(i, quarter + 1)).collect();
        assert_eq!(split(&events), vec![0..3, 3..5]);
    }

    #[test]
    fn a_day_apart_is_a_new_batch() {
        let day = MAX_BATCH_SPAN_MS;
        let events = vec![
            event(0, 1),
            event(day - 1, 1),
            event(day, 1),
            event(day + 5, 1),
        ];
        let batches = split(&events);
        check(&events, &batches);
        assert_eq!(batches, vec![0..2, 2..4]);
    }

    #[test]
    fn prepare_sorts_stably_and_replaces_oversize_and_empty() {
        let mut events = vec![
            Event {
                timestamp: 5,
                message: "b".into(),
            },
            event(3, MAX_EVENT_BYTES - EVENT_OVERHEAD + 1),
            Event {
                timestamp: 5,
                message: "c".into(),
            },
            event(1, MAX_EVENT_BYTES - EVENT_OVERHEAD),
            event(2, 0),
        ];
        assert_eq!(prepare(&mut events), 1);
        let ts: Vec<i64> = events.iter().map(|e| e.timestamp).collect();
        assert_eq!(ts, vec![1, 2, 3, 5, 5]);
        assert_eq!(events[0].size(), MAX_EVENT_BYTES, "at the limit is kept");
        assert_eq!(events[1].message, EMPTY_MARKER);
        assert_eq!(
            events[2].message,
            "[logscrub: event of 1048551 bytes over the CloudWatch limit, not forwarded]"
        );
        assert_eq!(
            (events[3].message.as_str(), events[4].message.as_str()),
            ("b", "c")
        );
    }

    #[test]
    fn mixed_sizes_respect_every_limit() {
        // Deterministic pseudo-random sizes and timestamps spread over three days.
        let mut rng = crate::test_rand::XorShift::new(0x9e37_79b9);
        let mut events: Vec<Event> = (0..3_000)
            .map(|_| {
                let x = rng.next_u64();
                event(
                    (x % (3 * MAX_BATCH_SPAN_MS as u64)) as i64,
                    (x % 4_000) as usize,
                )
            })
            .collect();
        prepare(&mut events);
        check(&events, &split(&events));
    }

    #[test]
    fn nothing_to_send() {
        assert!(split(&[]).is_empty());
    }

    #[test]
    fn keys_lead_every_event_and_survive_replacement() {
        let mut e = Event {
            timestamp: 1,
            message: "card [CARD]".into(),
        };
        assert!(!add_key(&mut e, "3759"));
        assert_eq!(e.message, "3759 card [CARD]");
        let mut empty = Event {
            timestamp: 1,
            message: String::new(),
        };
        add_key(&mut empty, "12");
        assert_eq!(empty.message, format!("12 {EMPTY_MARKER}"));
        // An id that is not digits is not trusted: it is never scrubbed.
        let mut odd = Event {
            timestamp: 1,
            message: "m".into(),
        };
        add_key(&mut odd, "jane@example.com");
        assert_eq!(odd.message, "- m");
        // At the limit without the key, over it with the key: replaced, keyed.
        let mut big = event(1, MAX_EVENT_BYTES - EVENT_OVERHEAD);
        assert!(!big.message.is_empty());
        assert!(add_key(&mut big, "77"));
        assert_eq!(
            big.message,
            format!("77 {}", oversize_marker(MAX_EVENT_BYTES - EVENT_OVERHEAD))
        );
        let mut events = vec![big];
        assert_eq!(prepare(&mut events), 0, "counted once, by add_key");
    }
}
