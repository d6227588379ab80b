//! The catalog corpus: a second labelled corpus, made apart from logscrub, that measures the rule catalog.
//!
//! `tests/data/catalog-corpus.jsonl` is written by `python3 scripts/gen_catalog_corpus.py` (Python standard
//! library, fixed seed), which builds every value from the format's own specification in
//! `shared/reference/catalog.md` (structure, IIN ranges, IBAN registry, check digits) without using any of
//! logscrub's code or patterns. Its first line is `{"meta": {...}}` with the generator's seed and line counts;
//! every other line is `{"line", "family", "pii": [{"kind", "value"}], "keep": [...]}`. About 60 % of the
//! lines hold PII; the rest are PII-free hard negatives (HDFS, Hadoop, Spark, logcat, macOS, sshd, Windows,
//! access and ALB logs, CloudTrail, Lambda, Kubernetes, Postgres, Java and Python traces) whose risky tokens
//! are all in `keep`.
//!
//! Measured on `Scrubber::builtin()`, one line at a time:
//! * a `pii` value is caught when it no longer occurs in the output line; recall per family and per kind;
//! * a `keep` token is altered when it no longer occurs in the output line;
//! * a PII-free line is altered when its output differs from its input (reported, with the change).
//!
//! The file cannot be regenerated from Rust, so `corpus_is_complete` checks it against its own `meta` line
//! (seed, line counts, values per family) and its labels against its lines. A full report (every miss and
//! every alteration) is written to `$CARGO_TARGET_TMPDIR/catalog-corpus-report.txt`.
//! Run `cargo test --test catalog_corpus -- --nocapture` to see the tables.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use logscrub::Scrubber;

const CORPUS_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/catalog-corpus.jsonl"
);
/// The generator's seed (`SEED` in `scripts/gen_catalog_corpus.py`).
const SEED: u64 = 20260517;
const MIN_LINES: usize = 5_000;
const MIN_VALUES_PER_FAMILY: usize = 100;
/// The goal for every family's recall, in percent (issue 13), met by every family since 2026-12-04;
/// the test holds each family to the floor below, which only ever goes up, and prints any gap.
const GOAL_FAMILY_RECALL: f64 = 99.5;
/// Per family, the recall (percent) measured when the floor was last raised (2026-12-04): a change
/// that loses recall fails here.
const FLOORS: [(&str, f64); 9] = [
    ("payment", 99.6),
    ("bank", 100.0),
    ("us_id", 100.0),
    ("national_id", 100.0),
    ("phone", 100.0),
    ("email", 100.0),
    ("crypto", 100.0),
    ("personal", 100.0),
    ("credential", 100.0),
];
/// Share of `keep` tokens that may be altered, in percent.
const MAX_KEEP_ALTERED: f64 = 0.05;
const FAMILIES: [&str; 9] = [
    "payment",
    "bank",
    "us_id",
    "national_id",
    "phone",
    "email",
    "crypto",
    "personal",
    "credential",
];

struct Row {
    /// 1-based line number in the file (the meta line is line 1).
    n: usize,
    line: String,
    family: String,
    pii: Vec<(String, String)>,
    keep: Vec<String>,
}

struct Corpus {
    meta: serde_json::Value,
    rows: Vec<Row>,
}

fn load() -> Corpus {
    let text = std::fs::read_to_string(CORPUS_PATH).unwrap_or_else(|e| {
        panic!("{CORPUS_PATH}: {e}; run `python3 scripts/gen_catalog_corpus.py > tests/data/catalog-corpus.jsonl`")
    });
    let mut lines = text.lines();
    let first: serde_json::Value =
        serde_json::from_str(lines.next().expect("a meta line")).expect("meta line is JSON");
    let meta = first
        .get("meta")
        .cloned()
        .expect("the first line is {\"meta\": ...}");
    let rows = lines
        .enumerate()
        .map(|(i, raw)| {
            let v: serde_json::Value = serde_json::from_str(raw)
                .unwrap_or_else(|e| panic!("line {}: not JSON: {e}", i + 2));
            let s = |v: &serde_json::Value| v.as_str().expect("a string").to_string();
            Row {
                n: i + 2,
                line: s(&v["line"]),
                family: s(&v["family"]),
                pii: v["pii"]
                    .as_array()
                    .expect("pii array")
                    .iter()
                    .map(|p| (s(&p["kind"]), s(&p["value"])))
                    .collect(),
                keep: v["keep"]
                    .as_array()
                    .expect("keep array")
                    .iter()
                    .map(s)
                    .collect(),
            }
        })
        .collect();
    Corpus { meta, rows }
}

fn pct(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// `…context[-removed +added]context…` around the one changed region of `a` → `b`.
fn change(a: &str, b: &str) -> String {
    let pre = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map(|((i, _), _)| i)
        .unwrap_or(a.len().min(b.len()));
    let (ra, rb) = (&a[pre..], &b[pre..]);
    let suf = ra
        .chars()
        .rev()
        .zip(rb.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum::<usize>();
    let (old, new) = (&ra[..ra.len() - suf], &rb[..rb.len() - suf]);
    let before: String = a[..pre]
        .chars()
        .rev()
        .take(24)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = ra[ra.len() - suf..].chars().take(24).collect();
    format!("…{before}[-{old} +{new}]{after}…")
}

#[test]
fn corpus_is_complete() {
    let c = load();
    assert_eq!(
        c.meta["seed"].as_u64(),
        Some(SEED),
        "the corpus comes from the generator's fixed seed"
    );
    assert_eq!(
        c.meta["lines"].as_u64(),
        Some(c.rows.len() as u64),
        "meta.lines is the number of corpus lines after the meta line"
    );
    assert!(c.rows.len() >= MIN_LINES, "at least {MIN_LINES} lines");
    let positive = c.rows.iter().filter(|r| !r.pii.is_empty()).count();
    assert_eq!(c.meta["positive_lines"].as_u64(), Some(positive as u64));
    assert_eq!(
        c.meta["negative_lines"].as_u64(),
        Some((c.rows.len() - positive) as u64)
    );
    let mut per_family: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &c.rows {
        if r.pii.is_empty() {
            assert_eq!(
                r.family, "negative",
                "line {}: a PII-free line is a negative",
                r.n
            );
        } else {
            assert!(
                FAMILIES.contains(&r.family.as_str()),
                "line {}: unknown family {}",
                r.n,
                r.family
            );
            *per_family.entry(&r.family).or_default() += r.pii.len();
        }
        for (kind, v) in &r.pii {
            assert_eq!(
                r.line.matches(v.as_str()).count(),
                1,
                "line {}: {kind} {v:?} occurs once in its line",
                r.n
            );
        }
        for k in &r.keep {
            assert!(
                r.line.contains(k.as_str()),
                "line {}: keep {k:?} is in its line",
                r.n
            );
        }
    }
    for f in FAMILIES {
        let n = per_family.get(f).copied().unwrap_or(0);
        assert!(
            n >= MIN_VALUES_PER_FAMILY,
            "family {f} has {n} values, fewer than {MIN_VALUES_PER_FAMILY}"
        );
        assert_eq!(
            c.meta["values_per_family"][f].as_u64(),
            Some(n as u64),
            "meta.values_per_family.{f}"
        );
    }
}

#[derive(Default)]
struct Tally {
    caught: usize,
    total: usize,
}

#[test]
fn catalog_recall_and_survival() {
    let c = load();
    let scrubber = Scrubber::builtin().expect("builtin pack");

    // The whole file in one call gives one output line per input line.
    let joined: String = c
        .rows
        .iter()
        .map(|r| r.line.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let mut batch = Vec::new();
    scrubber.scrub(joined.as_bytes(), &mut batch);
    let batch = String::from_utf8(batch).expect("utf-8 output");
    let batch_lines = batch.split('\n').count();

    let mut kinds: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut families: BTreeMap<String, Tally> = BTreeMap::new();
    let mut missed: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let (mut keep_total, mut keep_altered) = (0usize, 0usize);
    let mut keep_log = Vec::new();
    let (mut negatives, mut neg_altered) = (0usize, Vec::new());
    let mut multi_line = Vec::new();

    let mut out = Vec::new();
    for r in &c.rows {
        out.clear();
        scrubber.scrub(r.line.as_bytes(), &mut out);
        let got = String::from_utf8_lossy(&out).into_owned();
        if got.contains('\n') {
            multi_line.push(r.n);
        }
        for (kind, v) in &r.pii {
            let caught = !got.contains(v.as_str());
            for t in [
                kinds.entry((r.family.clone(), kind.clone())).or_default(),
                families.entry(r.family.clone()).or_default(),
            ] {
                t.total += 1;
                t.caught += caught as usize;
            }
            if !caught {
                missed
                    .entry((r.family.clone(), kind.clone()))
                    .or_default()
                    .push(format!(
                        "line {}: {v:?}\n      in:  {}\n      out: {got}",
                        r.n, r.line
                    ));
            }
        }
        for k in &r.keep {
            keep_total += 1;
            if !got.contains(k.as_str()) {
                keep_altered += 1;
                keep_log.push(format!(
                    "line {} ({}): keep {k:?} altered: {}",
                    r.n,
                    r.family,
                    change(&r.line, &got)
                ));
            }
        }
        if r.pii.is_empty() {
            negatives += 1;
            if got != r.line {
                neg_altered.push(format!(
                    "line {}: {}\n      in:  {}\n      out: {got}",
                    r.n,
                    change(&r.line, &got),
                    r.line
                ));
            }
        }
    }

    // Tables.
    let mut table = String::new();
    writeln!(
        table,
        "\ncatalog corpus: {} lines ({} PII-free), seed {SEED}",
        c.rows.len(),
        negatives
    )
    .unwrap();
    writeln!(
        table,
        "{:<12} {:<24} {:>13} {:>8}",
        "family", "kind", "caught/total", "recall"
    )
    .unwrap();
    for ((family, kind), t) in &kinds {
        writeln!(
            table,
            "{family:<12} {kind:<24} {:>13} {:>7.1}%",
            format!("{}/{}", t.caught, t.total),
            pct(t.caught, t.total)
        )
        .unwrap();
    }
    writeln!(
        table,
        "\n{:<12} {:>13} {:>8}",
        "family", "caught/total", "recall"
    )
    .unwrap();
    for (family, t) in &families {
        writeln!(
            table,
            "{family:<12} {:>13} {:>7.2}%",
            format!("{}/{}", t.caught, t.total),
            pct(t.caught, t.total)
        )
        .unwrap();
    }
    let keep_rate = pct(keep_altered, keep_total);
    writeln!(
        table,
        "\nmust-survive tokens altered: {keep_altered}/{keep_total} = {keep_rate:.3}% (limit {MAX_KEEP_ALTERED}%)"
    )
    .unwrap();
    writeln!(
        table,
        "PII-free lines altered: {}/{negatives} = {:.2}%",
        neg_altered.len(),
        pct(neg_altered.len(), negatives)
    )
    .unwrap();
    println!("{table}");

    let mut samples = String::from("missed kinds, 2 samples each:\n");
    for ((family, kind), v) in &missed {
        writeln!(samples, "  {family}/{kind}: {} missed", v.len()).unwrap();
        for s in v.iter().take(2) {
            writeln!(samples, "    {s}").unwrap();
        }
    }
    println!("{samples}");
    println!("PII-free lines altered ({}), first 40:", neg_altered.len());
    for s in neg_altered.iter().take(40) {
        println!("  {s}");
    }
    println!("altered keep tokens ({keep_altered}), first 40:");
    for s in keep_log.iter().take(40) {
        println!("  {s}");
    }

    // Full report for reading at leisure.
    let mut report = table.clone();
    writeln!(report, "\nevery miss:").unwrap();
    for ((family, kind), v) in &missed {
        for s in v {
            writeln!(report, "  {family}/{kind} {s}").unwrap();
        }
    }
    writeln!(report, "\nevery altered PII-free line:").unwrap();
    for s in &neg_altered {
        writeln!(report, "  {s}").unwrap();
    }
    writeln!(report, "\nevery altered keep token:").unwrap();
    for s in &keep_log {
        writeln!(report, "  {s}").unwrap();
    }
    let report_path =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("catalog-corpus-report.txt");
    std::fs::write(&report_path, report).expect("write report");
    println!("full report: {}", report_path.display());

    // Checks.
    let mut failures = Vec::new();
    if batch_lines != c.rows.len() {
        failures.push(format!(
            "scrubbing the whole corpus gave {batch_lines} lines for {} input lines",
            c.rows.len()
        ));
    }
    if !multi_line.is_empty() {
        failures.push(format!("lines scrubbed into several lines: {multi_line:?}"));
    }
    if c.rows.len() < MIN_LINES {
        failures.push(format!("{} lines, fewer than {MIN_LINES}", c.rows.len()));
    }
    for f in FAMILIES {
        let t = families.get(f);
        let (caught, total) = t.map_or((0, 0), |t| (t.caught, t.total));
        if total < MIN_VALUES_PER_FAMILY {
            failures.push(format!(
                "family {f}: {total} values, fewer than {MIN_VALUES_PER_FAMILY}"
            ));
        }
        let floor = FLOORS
            .iter()
            .find(|(name, _)| *name == f)
            .map_or(GOAL_FAMILY_RECALL, |&(_, floor)| floor);
        if pct(caught, total) < floor {
            failures.push(format!(
                "family {f}: recall {caught}/{total} = {:.2}% fell below its floor {floor}%",
                pct(caught, total)
            ));
        }
        if pct(caught, total) < GOAL_FAMILY_RECALL {
            println!(
                "family {f}: recall {:.2}% is short of the {GOAL_FAMILY_RECALL}% goal",
                pct(caught, total)
            );
        }
    }
    if keep_rate > MAX_KEEP_ALTERED {
        failures.push(format!(
            "{keep_altered}/{keep_total} = {keep_rate:.3}% of must-survive tokens altered (limit {MAX_KEEP_ALTERED}%)"
        ));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
