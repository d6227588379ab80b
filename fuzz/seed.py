#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/<target>/, git-ignored) from the project's own test data.

Run by scripts/fuzz.sh before fuzzing; safe to run again (files are named by content, so nothing is
duplicated). Seeds matter: libFuzzer mutates what it is given, and valid log lines, JSON lines, rule
packs and gzipped CloudWatch payloads get it to the deep paths in seconds instead of hours.

Input formats (the same ones tests/fuzz_regressions.rs replays):
  engine         any bytes
  json           one mode byte (even: the rest is the line; odd: the rest drives `arbitrary`)
  pack           UTF-8 TOML
  lambda_decode  one mode byte (0 awslogs.data text, 1 gzip bytes, 2 JSON, 3 JSON in an envelope,
                 4 Firehose record: a second byte, odd = gzip it, then the JSON)
"""

import base64
import gzip
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def write(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def corpus_lines():
    with open(os.path.join(ROOT, "tests", "data", "labeled-corpus.jsonl"), encoding="utf-8") as f:
        return [json.loads(l)["line"] for l in f if l.strip()]


def sample():
    with open(os.path.join(ROOT, "tests", "data", "sample.log"), "rb") as f:
        return f.read()


def payload(lines, group="/app/api", control=False):
    events = [
        {"id": str(36000000000000000000000000000000000000000000000000000000 + i),
         "timestamp": 1700000000000 + i, "message": m}
        for i, m in enumerate(lines)
    ]
    return json.dumps({
        "messageType": "CONTROL_MESSAGE" if control else "DATA_MESSAGE",
        "owner": "123456789012", "logGroup": "" if control else group,
        "logStream": "2026/11/23/[$LATEST]abc", "subscriptionFilters": ["scrub"],
        "logEvents": events, "policyLevel": "ACCOUNT_LEVEL_POLICY",
    }, separators=(",", ":")).encode()


def main():
    lines = corpus_lines()
    raw = sample()
    # engine: every corpus line, the sample log, a few multi-line and CRLF groups, adversarial bits.
    for l in lines:
        write("engine", l.encode())
    write("engine", raw)
    for i in range(0, len(lines), 7):
        write("engine", "\r\n".join(lines[i:i + 7]).encode())
    for s in [b"phone phone phone 4155550132", b"%40" * 50, b"@" * 200, b"eyJ" * 50,
              b"password=" * 30, b"-----BEGIN PRIVATE KEY-----\nabc", b"\xff\xfe jane@example.com \xc3",
              b"[EMAIL] [PHONE:0123abcd] ****-****-****-1111"]:
        write("engine", s)
    # json: the JSON lines, raw (mode 0), and a few structured starts (mode 1).
    for l in lines:
        if "{" in l or l.startswith("["):
            write("json", b"\x00" + l.encode())
    for b in [b"\x01", b"\x01\x01\x09\x00\x02\x05", b"\x01" + bytes(range(64))]:
        write("json", b)
    # pack: the built-in pack, the README's example and single rules of each kind.
    with open(os.path.join(ROOT, "patterns", "default.toml"), "rb") as f:
        write("pack", f.read())
    for p in [
        '[[rule]]\nid = "CARD"\nstyle = "last4"\n',
        '[[rule]]\nid = "PHONE"\nenabled = false\n',
        '[[rule]]\nid = "EMPLOYEE_ID"\nregex = \'EMP-[0-9]{6}\'\ntriggers = ["EMP-"]\n',
        '[[rule]]\nid = "LOYALTY"\nregex = \'loyalty=(?P<value>[0-9]{12,19})\'\nvalidator = "luhn"\nstyle = "mask"\n',
        '[[rule]]\nid = "MEMBER_PIN"\ndetector = "key_value"\nkey_names = ["member_pin"]\n',
        '[[rule]]\nid = "PATIENT"\ndetector = "json_key"\njson_keys = ["patient_id"]\njson_paths = ["patient.name"]\n',
        '[settings]\nkeyword_window = 64\n[[rule]]\nid = "EIN"\nkeywords = ["employer"]\nstyle = "hash"\n',
        '[[rule]]\nid = "X"\nregex = \'(?s)BEGIN.*END\'\nlabel = "BLOCK"\n',
    ]:
        write("pack", p.encode())
    # lambda_decode: payloads of corpus lines through every path, a control message, a bomb, a
    # truncated stream.
    for i in range(0, 200, 20):
        p = payload(lines[i:i + 20])
        z = gzip.compress(p)
        write("lambda_decode", b"\x00" + base64.b64encode(z))
        write("lambda_decode", b"\x01" + z)
        write("lambda_decode", b"\x02" + p)
        write("lambda_decode", b"\x03" + p)
        write("lambda_decode", b"\x04\x00" + p)
        write("lambda_decode", b"\x04\x01" + p)
    control = payload(["CWL CONTROL MESSAGE: Checking health of destination Lambda."], control=True)
    write("lambda_decode", b"\x00" + base64.b64encode(gzip.compress(control)))
    write("lambda_decode", b"\x04\x01" + control)
    write("lambda_decode", b"\x01" + gzip.compress(b"\x00" * (2 << 20)))
    z = gzip.compress(payload(lines[:5]))
    write("lambda_decode", b"\x01" + z[: len(z) // 2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
