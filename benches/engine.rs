//! Engine throughput on generated CloudWatch-style logs, next to what it is judged against,
//! measured in the same run: a memchr newline scan (the practical upper bound), the combined-regex
//! baseline (one alternation plus validators, `replace_all` per line: the simplest fast thing a
//! user would write, `tests/support/combined.rs`), the naive one-regex-per-rule baseline, and, with
//! `--features lambda`, the Lambda path on the same messages.
//!
//! `cargo bench --bench engine -- nomatch` prints only the summary of ratios (engine ÷ memchr,
//! engine ÷ combined, text mode ÷ default mode, full catalog ÷ default pack, and Lambda ÷ engine
//! with `--features lambda`); without the filter criterion's detailed runs follow. Corpora come
//! from `tests/support/corpus.rs` (deterministic, nothing downloaded).

#[path = "../tests/support/combined.rs"]
mod combined;
#[path = "../tests/support/corpus.rs"]
mod corpus;
#[cfg(feature = "lambda")]
#[path = "support/lambda_path.rs"]
mod lambda_path;
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
        // A quarter of the lines JSON, as in issue 14's measurements.
        ("mixed_1pct", corpus::mixed(4, CORPUS_BYTES, 1, 25)),
        ("mixed_30pct", corpus::mixed(5, CORPUS_BYTES, 30, 25)),
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

/// The ratios, on one screen, before criterion's detailed runs. Every figure is the best of a few
/// runs made in this process, so the ratios hold on any machine.
fn summary(
    s: &Scrubber,
    text_only: &Scrubber,
    default_only: &Scrubber,
    combined: &combined::Combined,
    naive: &naive::Naive,
    corpora: &[(&str, Vec<u8>)],
) {
    eprintln!(
        "\nMB/s of input, one thread (engine: the full catalog, {} rules, default mode = JSON auto)",
        s.rules().len()
    );
    eprintln!(
        "{:<12} {:>8} {:>8} {:>8} {:>9} {:>7} | {:>9} {:>11} {:>9} {:>11} {:>14}",
        "corpus",
        "memchr",
        "engine",
        "text",
        "combined",
        "naive",
        "÷ memchr",
        "÷ combined",
        "text ÷ eng",
        "cat ÷ dflt",
        "λ ÷ engine"
    );
    for (name, data) in corpora {
        let mut out = Vec::with_capacity(data.len() * 2);
        let mut out2 = Vec::with_capacity(data.len() * 2);
        let t_memchr = best_of(5, || {
            black_box(newline_count(data));
        });
        // The full catalog and the default pack alone, in turn: their ratio is issue 13's figure.
        let (t_engine, t_default) = best_of_interleaved(
            5,
            || {
                out.clear();
                s.scrub(data, &mut out);
            },
            || {
                out2.clear();
                default_only.scrub(data, &mut out2);
            },
        );
        let t_text = best_of(3, || {
            out.clear();
            text_only.scrub(data, &mut out);
        });
        let t_combined = best_of(2, || {
            out.clear();
            combined.scrub(data, &mut out);
        });
        let t_naive = best_of(1, || {
            black_box(naive.scrub(data));
        });
        let rate = |t: Duration| mbps(data.len(), t);
        let engine = rate(t_engine);
        eprintln!(
            "{name:<12} {:>8.0} {:>8.0} {:>8.0} {:>9.0} {:>7.1} | {:>8.3}x {:>10.2}x {:>9.2}x {:>10.3}x {:>14}",
            rate(t_memchr),
            engine,
            rate(t_text),
            rate(t_combined),
            rate(t_naive),
            engine / rate(t_memchr),
            engine / rate(t_combined),
            rate(t_text) / engine,
            engine / rate(t_default),
            lambda_ratio(s, data),
        );
    }
    eprintln!(
        "(÷ memchr, ÷ combined: the engine's throughput over theirs; text ÷ eng: JSON off over JSON \
         auto; cat ÷ dflt: the full catalog over patterns/default.toml alone; λ ÷ engine: the \
         Lambda path, base64 + gunzip + parse + scrub + batch, over the engine on the same 4 MB of \
         messages; ≤: its ceiling with base64 + gunzip as its only cost besides the engine's)\n"
    );
}

/// The Lambda path's throughput over the engine's on the same messages (the first 4 MB of `data`,
/// a large subscription payload), as text for the summary.
#[cfg(feature = "lambda")]
fn lambda_ratio(s: &Scrubber, data: &[u8]) -> String {
    let mut end = data.len().min(4 << 20);
    while end < data.len() && data[end - 1] != b'\n' {
        end += 1;
    }
    let messages = &data[..end];
    let (payload, message_bytes) = lambda_path::payload(messages);
    let mut out = Vec::with_capacity(messages.len() * 2);
    let (t_engine, t_lambda) = best_of_interleaved(
        5,
        || {
            out.clear();
            s.scrub(messages, &mut out);
        },
        || {
            black_box(lambda_path::end_to_end(s, &payload));
        },
    );
    let engine = mbps(messages.len(), t_engine);
    let lambda = mbps(message_bytes, t_lambda);
    // What base64 and gunzip alone cost, the part of the path no scanning work can remove: with
    // every other cost at zero the path runs at engine ÷ (engine + decode), its ceiling.
    let t_decode = best_of(5, || {
        black_box(lambda_path::decode_only(&payload));
    });
    let ceiling = t_engine.as_secs_f64() / (t_engine.as_secs_f64() + t_decode.as_secs_f64());
    format!("{:.2}x ≤{ceiling:.2}", lambda / engine)
}

#[cfg(not(feature = "lambda"))]
fn lambda_ratio(_: &Scrubber, _: &[u8]) -> String {
    "(--features lambda)".into()
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
    let combined = combined::Combined::new();
    let corpora = corpora();
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--profile-time") {
        summary(
            &scrubber,
            &text_only,
            &default_only,
            &combined,
            &naive,
            &corpora,
        );
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
        g.bench_function("combined_regex", |b| {
            b.iter(|| {
                out.clear();
                combined.scrub(black_box(data), &mut out)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
