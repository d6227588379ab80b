//! The scrubbed events waiting for delivery: bounded, in arrival order, delivered in batches.
//!
//! Telemetry arrives while the function runs; delivery happens in the background, on each
//! `INVOKE` and at `SHUTDOWN`. If the destination is down the events wait here and are tried again
//! at the next flush, up to a byte cap: past it the oldest are dropped and counted. Memory stays
//! bounded whatever the destination does, and nothing unscrubbed is ever held: events are scrubbed
//! before they get here.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use crate::lambda::batch::{self, Event};
use crate::lambda::deliver::{DeliverError, Sink};

/// Counts since the extension started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Events stored by the destination.
    pub delivered: u64,
    /// Events dropped because the outbox was full (the destination was down or slow too long).
    pub dropped: u64,
    /// Events the destination refused for their timestamps.
    pub rejected: u64,
    /// Events replaced by the oversize marker.
    pub oversize: u64,
    /// Flushes that failed (their events were kept for the next one, up to the cap).
    pub failed_flushes: u64,
}

struct Inner {
    events: VecDeque<Event>,
    bytes: usize,
    counts: OutboxCounts,
}

/// See the module documentation.
pub struct Outbox {
    inner: Mutex<Inner>,
    cap: usize,
    /// One flush at a time, so batches go out in order.
    flushing: tokio::sync::Mutex<()>,
}

impl Outbox {
    /// An outbox holding at most `cap` bytes of events (counted as PutLogEvents counts them).
    pub fn new(cap: usize) -> Outbox {
        Outbox {
            inner: Mutex::new(Inner {
                events: VecDeque::new(),
                bytes: 0,
                counts: OutboxCounts::default(),
            }),
            cap,
            flushing: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind: go on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds events at the back, then drops from the front (the oldest) while over the cap.
    pub fn push(&self, events: impl IntoIterator<Item = Event>) {
        let mut inner = self.lock();
        for e in events {
            inner.bytes += e.size();
            inner.events.push_back(e);
        }
        self.enforce_cap(&mut inner);
    }

    fn enforce_cap(&self, inner: &mut Inner) {
        while inner.bytes > self.cap {
            let Some(old) = inner.events.pop_front() else {
                break;
            };
            inner.bytes -= old.size();
            inner.counts.dropped += 1;
        }
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.lock().events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn counts(&self) -> OutboxCounts {
        self.lock().counts
    }

    /// Delivers everything waiting to `stream` of `group`, in batches within the service limits,
    /// retrying until `deadline`. On failure the undelivered events go back to the front, for the
    /// next flush.
    pub async fn flush<S: Sink>(
        &self,
        sink: &S,
        group: &str,
        stream: &str,
        deadline: Instant,
    ) -> Result<usize, DeliverError> {
        let _one_at_a_time = self.flushing.lock().await;
        let mut events: Vec<Event> = {
            let mut inner = self.lock();
            inner.bytes = 0;
            inner.events.drain(..).collect()
        };
        if events.is_empty() {
            return Ok(0);
        }
        let oversize = batch::prepare(&mut events);
        let mut delivered = 0;
        for range in batch::split(&events) {
            let start = range.start;
            match sink.put(group, stream, &events[range], deadline).await {
                Ok(done) => {
                    delivered += done.accepted;
                    let mut inner = self.lock();
                    inner.counts.delivered += done.accepted as u64;
                    inner.counts.rejected += done.rejected as u64;
                }
                Err(error) => {
                    let mut inner = self.lock();
                    inner.counts.failed_flushes += 1;
                    inner.counts.oversize += oversize;
                    // Back in front of what arrived meanwhile, in their order.
                    for e in events.drain(start..).rev() {
                        inner.bytes += e.size();
                        inner.events.push_front(e);
                    }
                    self.enforce_cap(&mut inner);
                    return Err(error);
                }
            }
        }
        self.lock().counts.oversize += oversize;
        Ok(delivered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::deliver::Delivered;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[derive(Default)]
    struct Memory {
        down: AtomicBool,
        stored: Mutex<Vec<Event>>,
    }

    impl Sink for Memory {
        async fn put(
            &self,
            group: &str,
            _stream: &str,
            events: &[Event],
            _deadline: Instant,
        ) -> Result<Delivered, DeliverError> {
            if self.down.load(Ordering::SeqCst) {
                return Err(DeliverError::GaveUp {
                    group: group.into(),
                    error: "down".into(),
                    attempts: 1,
                });
            }
            self.stored.lock().unwrap().extend_from_slice(events);
            Ok(Delivered {
                accepted: events.len(),
                rejected: 0,
            })
        }
    }

    fn event(t: i64, m: &str) -> Event {
        Event {
            timestamp: t,
            message: m.into(),
        }
    }

    #[tokio::test]
    async fn waits_while_the_destination_is_down_then_delivers_in_order_within_the_cap() {
        let sink = Memory::default();
        // Room for three 10-byte events (26 bytes of overhead each).
        let outbox = Outbox::new(3 * 36);
        let soon = Instant::now() + std::time::Duration::from_secs(1);
        sink.down.store(true, Ordering::SeqCst);
        outbox.push([event(1, "aaaaaaaaaa"), event(2, "bbbbbbbbbb")]);
        assert!(outbox.flush(&sink, "g", "s", soon).await.is_err());
        assert_eq!(outbox.len(), 2, "kept for the next flush");
        outbox.push([event(3, "cccccccccc"), event(4, "dddddddddd")]);
        assert_eq!(outbox.len(), 3, "the oldest dropped past the cap");
        sink.down.store(false, Ordering::SeqCst);
        assert_eq!(outbox.flush(&sink, "g", "s", soon).await.unwrap(), 3);
        let stored: Vec<i64> = sink
            .stored
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.timestamp)
            .collect();
        assert_eq!(stored, [2, 3, 4]);
        let c = outbox.counts();
        assert_eq!((c.delivered, c.dropped, c.failed_flushes), (3, 1, 1));
        assert!(outbox.is_empty());
    }
}
