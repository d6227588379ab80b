//! Writes a deterministic generated log corpus to stdout, for `scripts/bench-compare.sh`.
//!
//! The same generator (`tests/support/corpus.rs`) feeds the labelled-corpus test and the criterion
//! benchmarks, so the script times the binary on the same kind of text. Built only with the
//! `corpus-tool` feature, so it is not installed with logscrub.
//!
//! ```text
//! logscrub-corpus text 100000000 1 > text-1pct.log     # kind, bytes, percent of lines with PII
//! logscrub-corpus json 100000000 30 > json-30pct.log
//! ```

#[path = "../../tests/support/corpus.rs"]
mod corpus;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: logscrub-corpus text|json BYTES PII_PERCENT [SEED]";
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
