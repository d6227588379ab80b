#!/usr/bin/env bash
# What the rule catalog costs, in instructions: the same binary scrubs the same generated corpus with
# the full built-in catalog and with the default pack alone (the rules of patterns/credentials.toml
# and patterns/identifiers.toml switched off), under callgrind, which counts instructions and so gives
# the same figure on a busy machine as on an idle one (wall-clock ratios on a shared 2-core VM move by
# a fifth between runs). The start-up cost (loading and compiling the rules) is measured on an empty
# input and subtracted, so the ratio is the scanning cost alone, as in `cargo bench --bench engine`.
#
#   bash scripts/catalog-cost.sh            # 5 MB per corpus: text and JSON lines at 1% PII, text at 30%
#   bash scripts/catalog-cost.sh 2000000    # another size, in bytes
#
# Needs valgrind. Prints, per corpus, the instructions per byte of each and
# "default pack / full catalog", the throughput ratio the instructions predict.
set -euo pipefail
cd "$(dirname "$0")/.."

bytes=${1:-5000000}
cargo build --release --quiet --features corpus-tool --bin logscrub --bin logscrub-corpus
bin=target/release/logscrub
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ids() { sed -n 's/^id = "\(.*\)"$/\1/p' "$@" | paste -sd, -; }
catalog_only=$(ids patterns/credentials.toml patterns/identifiers.toml)

target/release/logscrub-corpus text "$bytes" 1 > "$work/text.log"
target/release/logscrub-corpus json "$bytes" 1 > "$work/json.log"
target/release/logscrub-corpus text "$bytes" 30 > "$work/text30.log"
: > "$work/empty.log"

# Instructions of one run: `instructions FILE [logscrub options...]`.
instructions() {
    local file=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --threads 1 "$@" "$file" \
        2>&1 >/dev/null | sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}

full_init=$(instructions "$work/empty.log")
default_init=$(instructions "$work/empty.log" --disable "$catalog_only")
printf '%-6s %14s %14s %10s\n' corpus "full instr/B" "default instr/B" "ratio"
for corpus in text json text30; do
    file="$work/$corpus.log"
    size=$(stat -c %s "$file")
    full=$(($(instructions "$file") - full_init))
    default=$(($(instructions "$file" --disable "$catalog_only") - default_init))
    awk -v c="$corpus" -v f="$full" -v d="$default" -v s="$size" \
        'BEGIN { printf "%-6s %14.1f %14.1f %9.3fx\n", c, f / s, d / s, d / f }'
done
