//! Writes a deterministic generated log corpus to stdout, for `scripts/bench-compare.sh`.
//!
//! The same generator (`tests/support/corpus.rs`) feeds the labelled-corpus test and the criterion
//! benchmarks, so the script times the binary on the same kind of text. Built only with the
//! `corpus-tool` feature, so it is not installed with logscrub.
//!
//! ```text
//! logscrub-corpus text 100000000 1 > text-1pct.log     # kind, bytes, percent of lines with PII
//! logscrub-corpus json 100000000 30 > json-30pct.log
//! logscrub-corpus mixed 100000000 1 > mixed-1pct.log   # a quarter of the lines JSON
//! logscrub-corpus combined < in.log > out.log          # the combined-regex baseline, as a filter
//! ```
//!
//! `combined` runs the baseline of `tests/support/combined.rs` (one regex alternation plus
//! validators, `replace_all` per line) over stdin, so the script can time it as a process next to
//! `logscrub`, `sed` and `rg`.

#[path = "../../tests/support/combined.rs"]
mod combined;
#[path = "../../tests/support/corpus.rs"]
mod corpus;

use std::io::Read;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("combined") {
        return run_combined();
    }
    let usage = "usage: logscrub-corpus text|json|mixed BYTES PII_PERCENT [SEED] | combined";
    let (Some(kind), Some(bytes), Some(pii)) = (
        args.first(),
        args.get(1).and_then(|b| b.parse::<usize>().ok()),
        args.get(2).and_then(|p| p.parse::<u64>().ok()),
    ) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut n: u64 = 0;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    // Generate in 8 MB pieces so memory stays small for large corpora.
    let piece = 8 << 20;
    let mut written = 0;

    while written < bytes {
        let want = piece.min(bytes - written);
        let data = match kind.as_str() {
            "text" => corpus::text(seed.wrapping_add(n), want, pii),
            "json" => corpus::json_lines(seed.wrapping_add(n), want, pii),
            "mixed" => corpus::mixed(seed.wrapping_add(n), want, pii, 25),
            _ => {
                eprintln!("{usage}");
                return ExitCode::from(2);
            }
        };
        if let Err(e) = out.write_all(&data) {
            eprintln!("logscrub-corpus: cannot write: {e}");
            return ExitCode::from(1);
        }
        written += data.len();
        n += 1;
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("logscrub-corpus: cannot write: {e}");
            ExitCode::from(1)
        }
    }
}

/// The combined-regex baseline over stdin, to stdout, in 8 MB pieces cut at line ends.
fn run_combined() -> ExitCode {
    let baseline = combined::Combined::new();
    let mut input = std::io::stdin().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let mut buf: Vec<u8> = Vec::with_capacity(9 << 20);
    let mut scrubbed = Vec::with_capacity(9 << 20);
    loop {
        let start = buf.len();
        buf.resize(start + (8 << 20), 0);
        let n = match input.read(&mut buf[start..]) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("logscrub-corpus: cannot read: {e}");
                return ExitCode::from(1);
            }
        };
        buf.truncate(start + n);
        let cut = if n == 0 {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => continue,
            }
        };
        scrubbed.clear();
        baseline.scrub(&buf[..cut], &mut scrubbed);
        if let Err(e) = out.write_all(&scrubbed) {
            eprintln!("logscrub-corpus: cannot write: {e}");
            return ExitCode::from(1);
        }
        buf.drain(..cut);
        if n == 0 {
            break;
        }
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("logscrub-corpus: cannot write: {e}");
            ExitCode::from(1)
        }
    }
}
