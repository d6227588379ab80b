//! The Lambda path end to end — base64, gunzip, JSON parse, scrub every event, batch building — per
//! MB of uncompressed log messages, and the cold-start work (compiling the built-in rule pack).
//!
//! `cargo bench --bench lambda`. The payload is a CloudWatch Logs subscription payload built from the
//! same generated logs as the engine benchmark (1% of lines with PII), gzipped and base64-encoded the
//! way CloudWatch Logs sends it.

#[path = "../tests/support/corpus.rs"]
mod corpus;
#[path = "support/lambda_path.rs"]
mod lambda_path;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lambda_path::{end_to_end, payload};
use logscrub::{Options, Pack, Scrubber};

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
