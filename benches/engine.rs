//! Engine throughput on generated CloudWatch-style logs, next to the naive baseline and a memchr newline
//! scan (the practical upper bound) measured in the same run.
//!
//! `cargo bench --bench engine` reports MB/s of input for each; a summary line with the ratios is printed
//! first. Corpora come from `tests/support/corpus.rs` (deterministic, nothing downloaded).

#[path = "../tests/support/corpus.rs"]
mod corpus;
mod naive;
#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use logscrub::{JsonMode, Options, Pack, Scrubber};
use timing::{best_of, best_of_interleaved};

const CORPUS_BYTES: usize = 16 << 20;

fn corpora() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("text_1pct", corpus::text(1, CORPUS_BYTES, 1)),
        ("text_30pct", corpus::text(2, CORPUS_BYTES, 30)),
        ("json_1pct", corpus::json_lines(3, CORPUS_BYTES, 1)),
    ]
}

fn newline_count(data: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', data).count()
}

/// Scrubs line by line, as the Lambda does per event. Lines are cut with memchr: `split_inclusive`
/// tests one byte at a time and alone took a sixth of this measurement.
fn scrub_lines(s: &Scrubber, data: &[u8], out: &mut Vec<u8>) {
    let mut findings = logscrub::Findings::default();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', data) {
        s.scrub_into(&data[start..=nl], out, &mut findings);
        start = nl + 1;
    }
    if start < data.len() {
        s.scrub_into(&data[start..], out, &mut findings);
    }
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The rules of `patterns/default.toml` alone, without the vendor credential catalog: what the
/// full catalog's cost is measured against.
fn default_pack_only() -> Scrubber {
    let mut pack = Pack::empty();
    pack.merge_str(logscrub::pack::DEFAULT_PACK, "patterns/default.toml")
        .expect("default pack");
    Scrubber::new(&pack, &Options::default()).expect("scrubber")
}

/// A quick side-by-side before criterion's detailed runs, so the ratios are on one screen.
fn summary(
    s: &Scrubber,
    text_only: &Scrubber,
    default_only: &Scrubber,
    naive: &naive::Naive,
    corpora: &[(&str, Vec<u8>)],
) {
    eprintln!(
        "\n{:<12} {:>10} {:>10} {:>10} {:>10} {:>9} {:>11}",
        "corpus", "memchr", "engine", "per-line", "naive", "vs naive", "vs memchr"
    );
    for (name, data) in corpora {
        let mut out = Vec::with_capacity(data.len() * 2);
        let t_memchr = best_of(5, || {
            black_box(newline_count(data));
        });
        // The full catalog and the default pack alone, in turn: their ratio is issue 13's figure.
        let mut out2 = Vec::with_capacity(data.len() * 2);
        let (t_engine, t_default) = best_of_interleaved(
            7,
            || {
                out.clear();
                s.scrub(data, &mut out);
            },
            || {
                out2.clear();
                default_only.scrub(data, &mut out2);
            },
        );
        let t_lines = best_of(3, || {
            out.clear();
            scrub_lines(s, data, &mut out);
        });
        let t_naive = best_of(1, || {
            black_box(naive.scrub(data));
        });
        let t_text = best_of(5, || {
            out.clear();
            text_only.scrub(data, &mut out);
        });
        eprintln!(
            "{name:<12} text mode (JSON off): {:.0} MB/s; JSON mode costs {:.2}x",
            mbps(data.len(), t_text),
            t_engine.as_secs_f64() / t_text.as_secs_f64()
        );
        eprintln!(
            "{name:<12} full catalog ({} rules) vs default pack alone ({} rules): {:.2}x the throughput",
            s.rules().len(),
            default_only.rules().len(),
            t_default.as_secs_f64() / t_engine.as_secs_f64()
        );
        let (m, e, l, n) = (
            mbps(data.len(), t_memchr),
            mbps(data.len(), t_engine),
            mbps(data.len(), t_lines),
            mbps(data.len(), t_naive),
        );
        eprintln!(
            "{name:<12} {m:>8.0}MB/s {e:>6.0}MB/s {l:>6.0}MB/s {n:>6.1}MB/s {:>8.1}x {:>10.1}x",
            e / n,
            m / e
        );
    }
    eprintln!();
}

fn bench(c: &mut Criterion) {
    let scrubber = Scrubber::builtin().expect("built-in pack");
    let text_only = Scrubber::new(
        &Pack::builtin().expect("built-in pack"),
        &Options {
            json: JsonMode::Off,
            ..Options::default()
        },
    )
    .expect("scrubber");
    let default_only = default_pack_only();
    let naive = naive::Naive::new();
    let corpora = corpora();
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--profile-time") {
        summary(&scrubber, &text_only, &default_only, &naive, &corpora);
    }
    for (name, data) in &corpora {
        let mut g = c.benchmark_group(*name);
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.sample_size(10);
        g.measurement_time(Duration::from_secs(3));
        let mut out = Vec::with_capacity(data.len() * 2);
        g.bench_function("memchr_newlines", |b| {
            b.iter(|| newline_count(black_box(data)))
        });
        g.bench_function("engine", |b| {
            b.iter(|| {
                out.clear();
                scrubber.scrub(black_box(data), &mut out)
            })
        });
        g.bench_function("engine_json_off", |b| {
            b.iter(|| {
                out.clear();
                text_only.scrub(black_box(data), &mut out)
            })
        });
        g.bench_function("engine_default_pack", |b| {
            b.iter(|| {
                out.clear();
                default_only.scrub(black_box(data), &mut out)
            })
        });
        g.bench_function("engine_per_line", |b| {
            b.iter(|| {
                out.clear();
                scrub_lines(&scrubber, black_box(data), &mut out)
            })
        });
        g.bench_function("naive_regex", |b| b.iter(|| naive.scrub(black_box(data))));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
