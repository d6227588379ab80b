//! The Lambda path end to end — base64, gunzip, JSON parse, scrub every event, batch building — per
//! MB of uncompressed log messages, and the cold-start work (compiling the built-in rule pack).
//!
//! `cargo bench --bench lambda`. The payload is a CloudWatch Logs subscription payload built from the
//! same generated logs as the engine benchmark (1% of lines with PII), gzipped and base64-encoded the
//! way CloudWatch Logs sends it.

#[path = "../tests/support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use logscrub::lambda::{batch, decode, scrub};
use logscrub::{Options, Pack, Scrubber};

/// A subscription payload's `awslogs.data` holding `lines` of `text` as events, and the bytes of the
/// messages it holds.
fn payload(text: &[u8]) -> (String, usize) {
    let events: Vec<serde_json::Value> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            serde_json::json!({
                "id": format!("{:056}", i),
                "timestamp": 1_763_900_000_000i64 + i as i64,
                "message": String::from_utf8_lossy(line),
            })
        })
        .collect();
    let bytes = events
        .iter()
        .map(|e| e["message"].as_str().map_or(0, str::len))
        .sum();
    let doc = serde_json::json!({
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/aws/lambda/payouts",
        "logStream": "2026/11/23/[$LATEST]0123456789abcdef",
        "subscriptionFilters": ["logscrub"],
        "logEvents": events,
    });
    let json = serde_json::to_vec(&doc).unwrap_or_default();
    (
        base64::engine::general_purpose::STANDARD.encode(decode::gzip(&json)),
        bytes,
    )
}

fn end_to_end(scrubber: &Scrubber, data: &str) -> usize {
    let Ok(log) = decode::subscription_data(data, decode::DEFAULT_MAX_INFLATED_BYTES) else {
        return 0;
    };
    let mut tally = scrub::Tally::default();
    let mut events: Vec<batch::Event> = log
        .log_events
        .iter()
        .map(|e| batch::Event {
            timestamp: e.timestamp,
            message: scrub::scrub_message(scrubber, &e.message, &mut tally),
        })
        .collect();
    batch::prepare(&mut events);
    batch::split(&events).len()
}

fn bench(c: &mut Criterion) {
    let scrubber = Scrubber::builtin().expect("built-in pack");
    // CloudWatch Logs delivers at most ~1 MB compressed per invocation; 4 MB of messages is a large one.
    let (data, message_bytes) = payload(&corpus::text(11, 4 << 20, 1));
    let mut g = c.benchmark_group("lambda");
    g.throughput(Throughput::Bytes(message_bytes as u64));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("subscription_end_to_end", |b| {
        b.iter(|| end_to_end(&scrubber, black_box(&data)))
    });
    g.finish();

    let mut g = c.benchmark_group("init");
    // What a front end does at init before compiling: load the built-in packs (as embedded, the
    // rules' examples cut at build time) and check the policy. The second case is the same packs
    // with their examples, as parsed at start before the cut.
    g.bench_function("load_builtin_pack", |b| {
        b.iter(|| {
            let pack = Pack::builtin().expect("built-in pack");
            Scrubber::check(&pack, &Options::default()).map(|()| pack.rules().len())
        })
    });
    g.bench_function("load_builtin_pack_with_examples", |b| {
        b.iter(|| Pack::builtin_with_examples().map(|p| p.rules().len()))
    });
    g.bench_function("compile_builtin_pack", |b| {
        b.iter(|| Scrubber::builtin().map(|s| s.rules().len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
