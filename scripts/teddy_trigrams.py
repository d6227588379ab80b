#!/usr/bin/env python3
"""Prints the table of frequent log trigrams that src/detect/buckets.rs weighs Teddy buckets with.

    python3 scripts/teddy_trigrams.py FILE...

The table in the source was made from three generated corpora and the test sample:

    for kind in "text 2000000 1" "json 2000000 1" "mixed 2000000 30"; do
        target/release/logscrub-corpus $kind > /tmp/${kind%% *}.log
    done
    python3 scripts/teddy_trigrams.py /tmp/text.log /tmp/json.log /tmp/mixed.log tests/data/sample.log

Each file counts equally (its trigrams as shares of its own length), so a big file does not drown
the others. The most frequent trigrams are printed as Rust, with their share in millionths.
"""
import sys
from collections import Counter

TOP = 192

shares = Counter()
files = sys.argv[1:]
for path in files:
    data = open(path, "rb").read()
    counts = Counter(data[i : i + 3] for i in range(len(data) - 2))
    total = max(1, len(data) - 2)
    for gram, n in counts.items():
        shares[gram] += n / total / len(files)

def byte(b):
    c = chr(b)
    if c == "\\" or c == "'":
        return "b'\\" + c + "'"
    if 0x20 <= b < 0x7F:
        return "b'" + c + "'"
    return "0x%02x" % b

covered = sum(s for _, s in shares.most_common(TOP))
print("/// The %d most frequent trigrams (%.1f%% of positions), in millionths of positions." % (TOP, 100 * covered))
print("const TRIGRAMS: &[([u8; 3], u32)] = &[")
for gram, share in shares.most_common(TOP):
    print("    ([%s], %d)," % (", ".join(byte(b) for b in gram), round(share * 1e6)))
print("];")
