//! Replays every input the fuzz targets (`fuzz/`) ever failed on, from `tests/data/fuzz-regressions/`,
//! against the same checks the targets run (`tests/fuzz_support/checks.rs`).
//!
//! Fuzzing itself is too slow for CI (`scripts/fuzz.sh` runs it by hand); this keeps what it found fixed
//! under plain `cargo test`. Every file is replayed even after one fails, and the failures are listed by
//! file name. Each target's replay also asserts how many inputs it replayed (at least the ones checked
//! in), so a moved or emptied directory fails instead of passing on nothing.

#[path = "fuzz_support/checks.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz-regressions")
        .join(target);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    files
}

/// Runs `check` on every input of `target`; fails listing each file whose check panicked, and fails
/// if there were fewer than `at_least` inputs (the ones checked in when the test was written).
fn replay(target: &str, at_least: usize, check: impl Fn(&[u8])) {
    let files = inputs(target);
    assert!(
        files.len() >= at_least,
        "{target}: {} regression inputs in tests/data/fuzz-regressions/{target}, expected at least {at_least}",
        files.len()
    );
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let bytes = std::fs::read(path).expect("readable regression input");
            catch_unwind(AssertUnwindSafe(|| check(&bytes))).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: {} of {} regression inputs fail (panic messages above):\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn engine_regressions() {
    replay("engine", 35, checks::engine);
}

#[test]
fn json_regressions() {
    replay("json", 10, checks::json_line);
}

#[test]
fn pack_regressions() {
    replay("pack", 4, |bytes| {
        // The pack target only ever feeds UTF-8.
        let src = std::str::from_utf8(bytes).expect("pack regressions are UTF-8");
        checks::pack(src);
    });
}

#[cfg(feature = "lambda")]
#[test]
fn lambda_decode_regressions() {
    replay("lambda_decode", 5, checks::lambda_decode);
}

/// The checks themselves catch what they claim to: a scrubber that leaves bytes changed outside its
/// spans, or reports a replacement again, must fail them.
#[test]
fn checks_reject_broken_output() {
    let s = logscrub::Scrubber::builtin().expect("built-in pack");
    let input = b"mail jane@example.com now";
    let mut out = Vec::new();
    let f = s.scrub(input, &mut out);
    assert_eq!(checks::rebuild(&s, input, &f), out);
    // Pretend the engine reported nothing: the rebuilt output is the input, not what was written.
    let none = logscrub::Findings::default();
    assert_ne!(checks::rebuild(&s, input, &none), out);
}
