#!/usr/bin/env bash
# Fuzzing logscrub with cargo-fuzz (libFuzzer), by hand: too slow for CI, so neither scripts/test.sh
# nor .ci/run calls it. CI replays what fuzzing found (tests/fuzz_regressions.rs) instead.
#
#   bash scripts/fuzz.sh                      # every target, 10 minutes each, one after the other
#   bash scripts/fuzz.sh engine json          # some targets
#   FUZZ_SECONDS=60 bash scripts/fuzz.sh pack # another duration per target
#   FUZZ_KEEP_GOING=1 bash scripts/fuzz.sh    # record every failure instead of stopping at the first
#
# Targets (fuzz/fuzz_targets/, checks in tests/fuzz_support/checks.rs): engine, json, pack,
# lambda_decode. Each runs niced (the machine is shared) on one core, seeded from the test data by
# fuzz/seed.py, with its dictionary from fuzz/dict/. A crash input lands in fuzz/artifacts/TARGET/;
# copy it into tests/data/fuzz-regressions/TARGET/ (see the README there) once it is fixed.
#
# Needs the nightly toolchain and cargo-fuzz (installed here if missing). Exits 1 if any target found
# something, after running the others.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-600}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(engine json pack lambda_decode)
fi

if ! command -v cargo-fuzz >/dev/null; then
    cargo install cargo-fuzz --locked
fi
python3 fuzz/seed.py

status=0
for target in "${targets[@]}"; do
    features=()
    extra=()
    case "$target" in
        engine | json) extra=(-max_len=16384) ;;
        pack) extra=(-max_len=8192 -timeout=30) ;;
        # The Lambda code prints one JSON log line per failed record: stdout is closed (fd mask 1).
        lambda_decode) features=(--features lambda) extra=(-max_len=65536 -close_fd_mask=1) ;;
        *) echo "unknown target $target (engine, json, pack, lambda_decode)" >&2; exit 2 ;;
    esac
    if [ -n "${FUZZ_KEEP_GOING:-}" ]; then
        # libFuzzer's fork mode (one worker) survives a failure, saves it and goes on.
        extra+=(-fork=1 -ignore_crashes=1)
    fi
    echo "== fuzz $target for ${seconds}s"
    # -malloc_limit_mb: any single allocation over 256 MB is a failure (bounded memory);
    # -rss_limit_mb: so is the whole process passing 2 GB.
    if ! nice -n 19 cargo +nightly fuzz run "${features[@]}" "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -dict="fuzz/dict/$target.dict" \
        -malloc_limit_mb=256 -rss_limit_mb=2048 -print_final_stats=1 "${extra[@]}"; then
        echo "== $target FAILED: see fuzz/artifacts/$target/" >&2
        status=1
    fi
done
exit $status
