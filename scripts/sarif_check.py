"""The audit's SARIF output, validated against the SARIF 2.1.0 JSON schema (called by scripts/test.sh).

    python scripts/sarif_check.py LOGSCRUB_BINARY SCHEMA_JSON

The schema is the OASIS one as the `serde-sarif` crate ships it (scripts/test.sh has cargo fetch that
crate, pinned, into its registry; nothing is compiled). The binary audits inputs chosen to produce
every part of the report: findings in several files, multi-byte characters before a value (UTF-16
columns), a value over two lines (no endColumn), an unreadable file (a notification), and a
--max-locations cut (a notification and omittedResults). Each report must validate, and must hold
what it was made to hold, so a report that validates because it is empty fails too.
"""

import json
import os
import subprocess
import sys
import tempfile

import jsonschema


def fail(message):
    print(f"sarif check: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def audit(binary, *args):
    out = subprocess.run([binary, "audit", "--format", "sarif", *args], capture_output=True)
    if out.returncode not in (1, 3):
        fail(f"audit {args} exited {out.returncode}: {out.stderr.decode(errors='replace')}")
    return json.loads(out.stdout)


def main():
    binary, schema_path = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    with tempfile.TemporaryDirectory() as work:
        a = os.path.join(work, "a.log")
        b = os.path.join(work, "b.log")
        with open(a, "w", encoding="utf-8") as f:
            f.write("é 😀 mail jane@example.com\n")
            f.write("card 4111 1111 1111 1111 and ssn 123-45-6789\n")
            f.write("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7Vx\n-----END RSA PRIVATE KEY-----\n")
        with open(b, "w", encoding="utf-8") as f:
            f.write("sms +14155550132 key AKIAIOSFODNN7EXAMPLE\n")
        missing = os.path.join(work, "missing.log")
        reports = {
            "two files": audit(binary, a, b),
            "an unreadable file": audit(binary, a, missing),
            "cut by --max-locations": audit(binary, "--max-locations", "2", a, b),
        }
    for name, report in reports.items():
        errors = sorted(validator.iter_errors(report), key=lambda e: list(e.path))
        for e in errors[:10]:
            print(f"sarif check: {name}: {'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
        if errors:
            fail(f"{name}: {len(errors)} schema violations")
        run = report["runs"][0]
        if not run["results"]:
            fail(f"{name}: no results, so nothing was checked")
        if run.get("columnKind") != "utf16CodeUnits":
            fail(f"{name}: columnKind is {run.get('columnKind')!r}")
    first = reports["two files"]["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    if (first.get("startColumn"), first.get("endColumn")) != (11, 27):
        fail(f"the first value's UTF-16 columns are {first}, not 11..27")
    notes = reports["an unreadable file"]["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    if not any("missing.log" in n["message"]["text"] for n in notes):
        fail("the unreadable file has no notification")
    if reports["cut by --max-locations"]["runs"][0]["properties"]["omittedResults"] < 1:
        fail("the cut report does not say results were omitted")
    total = sum(len(r["runs"][0]["results"]) for r in reports.values())
    print(f"sarif check: {len(reports)} reports, {total} results, valid SARIF 2.1.0")


if __name__ == "__main__":
    main()
