#!/usr/bin/env bash
# Times the logscrub binary against the tools people would otherwise pick, on generated logs.
#
#   bash scripts/bench-compare.sh [MB]        # default 100 MB per corpus
#
# Builds release, generates the corpora (deterministic, under target/bench-corpora), installs hyperfine,
# ripgrep and GNU sed from Debian's packages if missing, and prints, for each tool, wall seconds,
# CPU seconds (user + sys: what a core-hour costs, and fair to a multi-threaded run) and MB per
# CPU-second, with ratios to `logscrub --threads 1`:
#   cat                      the floor: reading and writing the bytes
#   wc -l                    a newline count as a process (GNU wc counts with memchr-style SIMD)
#   logscrub --threads 1     the engine on one core (default mode: JSON auto), in text mode
#                            (--no-json), and with every core
#   combined regex           one regex alternation plus validators, replace_all per line
#                            (tests/support/combined.rs, run by `logscrub-corpus combined`)
#   sed -E                   one substitution per pattern (email, card, phone, SSN, EIN, IBAN, keys)
#   rg --passthru -r         the same patterns as one ripgrep alternation
# on text, JSON-lines and mixed (a quarter JSON) corpora, plus peak RSS of logscrub on the largest
# input. Results are appended to target/bench-compare.md.
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${1:-100}
BYTES=$((MB * 1000 * 1000))
OUT=target/bench-corpora
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need rg || ! need sed; then
  echo "== installing hyperfine, ripgrep, sed (Debian packages)"
  apt-get update -qq >/dev/null && apt-get install -y -qq hyperfine ripgrep sed >/dev/null
fi

echo "== building release"
cargo build --release --locked --bin logscrub
cargo build --release --locked --features corpus-tool --bin logscrub-corpus
BIN=target/release/logscrub

for spec in text:1 text:30 json:1 mixed:1 mixed:30; do
  kind=${spec%%:*}; pct=${spec##*:}
  f="$OUT/$kind-${pct}pct-${MB}MB.log"
  [ -s "$f" ] || target/release/logscrub-corpus "$kind" "$BYTES" "$pct" > "$f"
done

# The patterns a hand-rolled redactor uses (no validators: sed and rg cannot run Luhn or mod-97).
EMAIL='[A-Za-z0-9._%+-]+(@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}'
CARD='\b([0-9][ -]?){13,19}\b'
PHONE='\+[0-9][0-9 .-]{7,16}[0-9]|\(?\b[2-9][0-9]{2}\)?[-. ]?[2-9][0-9]{2}[-. ][0-9]{4}\b'
SSN='\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b'
EIN='\b[0-9]{2}-[0-9]{7}\b'
IBAN='\b[A-Z]{2}[0-9]{2}( ?[A-Z0-9]{4}){2,7}( ?[A-Z0-9]{1,4})?\b'
KEYS='(sk|rk)_(live|test)_[A-Za-z0-9]{8,}|AKIA[A-Z0-9]{16}|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|gh[pousr]_[A-Za-z0-9]{30,}|xox[baprs]-[A-Za-z0-9-]{10,}'
SED_ARGS=(-E -e "s/$EMAIL/[EMAIL]/g" -e "s/$CARD/[CARD]/g" -e "s/$PHONE/[PHONE]/g" -e "s/$SSN/[SSN]/g" -e "s/$EIN/[EIN]/g" -e "s/$IBAN/[IBAN]/g" -e "s/$KEYS/[SECRET]/g")
RG_PATTERN="$EMAIL|$CARD|$PHONE|$SSN|$EIN|$IBAN|$KEYS"
printf '%q ' sed "${SED_ARGS[@]}" > "$OUT/sed.cmd"
printf '%q ' rg --passthru --no-line-number --no-filename -r '[REDACTED]' -e "$RG_PATTERN" > "$OUT/rg.cmd"

REPORT=target/bench-compare.md
{
  echo "## bench-compare $(date -u +%Y-%m-%dT%H:%MZ) — $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "| corpus | tool | wall s | CPU s (user+sys) | MB/s wall | MB per CPU-s | CPU-s ÷ logscrub --threads 1 |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
} >> "$REPORT"

for f in "$OUT"/*-"${MB}"MB.log; do
  name=$(basename "$f" .log)
  size=$(stat -c %s "$f")
  json="$OUT/$name.json"
  hyperfine --style basic --warmup 1 --runs 3 --export-json "$json" \
    -n cat "cat $f > /dev/null" \
    -n "wc -l" "wc -l < $f > /dev/null" \
    -n "logscrub --threads 1" "$BIN --threads 1 $f > /dev/null" \
    -n "logscrub --threads 1 --no-json" "$BIN --threads 1 --no-json $f > /dev/null" \
    -n "logscrub (all cores)" "$BIN $f > /dev/null" \
    -n "combined regex" "target/release/logscrub-corpus combined < $f > /dev/null" \
    -n "sed -E" "$(cat "$OUT/sed.cmd") $f > /dev/null" \
    -n "rg --passthru -r" "$(cat "$OUT/rg.cmd") $f > /dev/null" >/dev/null
  python3 - "$json" "$size" "$name" >> "$REPORT" <<'PY'
import json, sys
data = json.load(open(sys.argv[1])); size = int(sys.argv[2]); name = sys.argv[3]
res = {r["command"]: (r["mean"], r["user"] + r["system"]) for r in data["results"]}
ref = res["logscrub --threads 1"][1]
for cmd, (wall, cpu) in res.items():
    print(f"| {name} | {cmd} | {wall:.3f} | {cpu:.3f} | {size / 1e6 / wall:,.0f} | "
          f"{size / 1e6 / cpu:,.0f} | {cpu / ref:.2f}x |")
PY
done

biggest=$(ls -S "$OUT"/*-"${MB}"MB.log | head -1)
rss=$( { /usr/bin/time -v "$BIN" "$biggest" > /dev/null; } 2>&1 | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')
echo >> "$REPORT"
echo "Peak RSS of \`logscrub $(basename "$biggest")\` (all cores): ${rss} KB" >> "$REPORT"
echo >> "$REPORT"
cat "$REPORT"
