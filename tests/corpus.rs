//! The labelled corpus: per-type recall must be 100% and no PII-free line may change.
//!
//! `tests/data/labeled-corpus.jsonl` holds 2,400 generated lines (about half with PII, each value
//! labelled with its rule); it is produced by `tests/support/corpus.rs` and this test checks the file is
//! exactly what the generator gives, so it can be read and diffed but never drifts from the code. Run with
//! `LOGSCRUB_REGENERATE=1` to rewrite it after changing the generator.

mod support;

use std::collections::BTreeMap;

use logscrub::Scrubber;
use support::corpus;

const CORPUS_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/labeled-corpus.jsonl"
);
const SEED: u64 = 20261123;
const LINES: usize = 2400;

fn render() -> String {
    let mut out = String::new();
    for l in corpus::labeled(SEED, LINES) {
        let pii: Vec<serde_json::Value> = l
            .pii
            .iter()
            .map(|(rule, value)| serde_json::json!({"rule": rule, "value": value}))
            .collect();
        out.push_str(&serde_json::json!({"line": l.line, "pii": pii}).to_string());
        out.push('\n');
    }
    out
}

#[test]
fn committed_corpus_matches_generator() {
    let fresh = render();
    if std::env::var_os("LOGSCRUB_REGENERATE").is_some() {
        std::fs::write(CORPUS_PATH, &fresh).expect("write corpus");
    }
    let committed =
        std::fs::read_to_string(CORPUS_PATH).expect("tests/data/labeled-corpus.jsonl exists");
    assert!(
        committed == fresh,
        "corpus file is stale: run LOGSCRUB_REGENERATE=1 cargo test --test corpus"
    );
}

#[test]
fn recall_is_total_and_negatives_are_untouched() {
    let text = std::fs::read_to_string(CORPUS_PATH).expect("corpus file");
    let scrubber = Scrubber::builtin().expect("builtin pack");
    let mut per_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut negatives = 0;
    let mut failures = Vec::new();
    for (n, row) in text.lines().enumerate() {
        let row: serde_json::Value = serde_json::from_str(row).expect("valid JSON line");
        let line = row["line"].as_str().expect("line");
        let pii = row["pii"].as_array().expect("pii");
        let mut out = Vec::new();
        let findings = scrubber.scrub(line.as_bytes(), &mut out);
        let out = String::from_utf8(out).expect("utf-8");
        if pii.is_empty() {
            negatives += 1;
            if out != line {
                failures.push(format!(
                    "line {}: negative changed\n  in:  {line}\n  out: {out}",
                    n + 1
                ));
            }
            continue;
        }
        for p in pii {
            let (rule, value) = (
                p["rule"].as_str().expect("rule"),
                p["value"].as_str().expect("value"),
            );
            let entry = per_rule.entry(rule.to_string()).or_default();
            entry.0 += 1;
            let at = line.find(value).expect("value is in its line");
            let covered = findings.spans().iter().any(|s| {
                s.start <= at && s.end() >= at + value.len() && scrubber.rule_name(s.rule) == rule
            });
            if covered && !out.contains(value) {
                entry.1 += 1;
            } else {
                failures.push(format!(
                    "line {}: {rule} {value:?} not caught\n  in:  {line}\n  out: {out}",
                    n + 1
                ));
            }
        }
    }
    for (rule, (total, caught)) in &per_rule {
        println!("{rule:16} recall {caught}/{total}");
    }
    println!(
        "negatives untouched: {}/{negatives}",
        negatives - failures.iter().filter(|f| f.contains("negative")).count()
    );
    assert!(
        per_rule.len() >= 18,
        "every detector family is exercised: {:?}",
        per_rule.keys()
    );
    assert!(negatives >= 1000, "at least 1,000 PII-free lines");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The Lambda searches a payload's events together (`lambda::scrub::scrub_events`); every event
/// must come out exactly as searched alone (`scrub_message`), with the same counts: events of one
/// to four lines cut from the generated corpora at 30% PII (text, JSON lines, mixed), the catalog
/// corpus and the fuzz regression inputs, some ending in a line break or CRLF, some empty, and
/// private key blocks left open at an event's end (which fall back to one search per event).
#[cfg(feature = "lambda")]
#[test]
fn events_searched_together_come_out_as_searched_alone() {
    use logscrub::lambda::decode::LogEvent;
    use logscrub::lambda::scrub::{Tally, scrub_events, scrub_message};

    let mut lines: Vec<String> = Vec::new();
    for data in [
        corpus::text(7, 300_000, 30),
        corpus::json_lines(8, 300_000, 30),
        corpus::mixed(9, 300_000, 30, 25),
    ] {
        lines.extend(String::from_utf8_lossy(&data).lines().map(str::to_string));
    }
    let catalog = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/catalog-corpus.jsonl"
    ))
    .expect("catalog corpus");
    for l in catalog.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("catalog corpus line");
        if let Some(line) = v["line"].as_str() {
            lines.push(line.to_string());
        }
    }
    let mut fuzzed = 0;
    for target in ["engine", "json"] {
        let dir = format!(
            "{}/tests/data/fuzz-regressions/{target}",
            env!("CARGO_MANIFEST_DIR")
        );
        for entry in std::fs::read_dir(dir).expect("fuzz regressions") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("fuzz input");
            lines.push(String::from_utf8_lossy(&bytes).into_owned());
            fuzzed += 1;
        }
    }
    assert!(lines.len() > 5_000 && fuzzed > 30, "{} lines", lines.len());

    let mut r = corpus::Rng::new(14);
    let mut messages: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let n = r.range(1, 4) as usize;
        let mut m = lines[i..(i + n).min(lines.len())].join("\n");
        match r.below(10) {
            0 => m.push('\n'),
            1 => m.push_str("\r\n"),
            2 => m.clear(),
            // A key block left open, rarely, so most payloads take the joined search.
            3 if r.chance(5) => {
                m.push_str("\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC")
            }
            _ => {}
        }
        messages.push(m);
        i += n;
    }

    let s = Scrubber::builtin().expect("built-in pack");
    let mut together_tally = Tally::default();
    let mut alone_tally = Tally::default();
    let (mut changed, mut joined) = (0, 0);
    for payload in messages.chunks(100) {
        // Payloads without a key block are searched joined (the others event by event).
        joined += usize::from(!payload.iter().any(|m| m.contains("-----BEGIN ")));
        let mut events: Vec<LogEvent> = payload
            .iter()
            .map(|m| LogEvent {
                message: m.clone(),
                ..LogEvent::default()
            })
            .collect();
        scrub_events(&s, &mut events, &mut together_tally);
        for (e, m) in events.iter().zip(payload) {
            let alone = scrub_message(&s, m, &mut alone_tally);
            assert_eq!(e.message, alone, "event {m:?}");
            changed += usize::from(alone != *m);
        }
    }
    assert_eq!(together_tally, alone_tally);
    assert!(changed > 1_000, "{changed} events changed");
    assert!(joined > 20, "{joined} payloads searched joined");
}
