#!/usr/bin/env bash
# The README's test command: every test of the project, on a fresh machine.
#
#   bash scripts/test.sh
#
# Installs what the tests need that cargo does not (kept in .venv: moto, cargo-lambda, cfn-lint, zig),
# builds, runs all tests, and checks that the benchmarks compile (they are never a timed gate).
#
# Needs: Rust (cargo), python3 with venv (Debian: python3-venv), network to crates.io and PyPI, and
# about 9 GB of disk (target/ and .venv/). Outside the project it writes only the aarch64 standard
# library into ~/.rustup (`rustup target add aarch64-unknown-linux-gnu`, for the arm64 build that
# template.yaml deploys); LOGSCRUB_SKIP_ARM64=1 skips that step.
#
# The Lambda's tests run against real AWS APIs served by moto on 127.0.0.1 (never a real account):
# moto is started here, the cargo tests and scripts/lambda-e2e.sh are pointed at it, and it is stopped
# on exit whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
REQUIREMENTS=scripts/requirements-test.txt
started=$SECONDS

step() {
    echo "== $* ($((SECONDS - started)) s)"
}

step "python tools in $VENV ($REQUIREMENTS)"
stamp="$VENV/.requirements"
if ! cmp -s "$REQUIREMENTS" "$stamp" 2>/dev/null; then
    echo "installing $(grep -cv '^#' "$REQUIREMENTS") pinned packages and their dependencies into $VENV" \
        "(moto, cargo-lambda, cfn-lint, zig; about a minute the first time)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --disable-pip-version-check --progress-bar off -r "$REQUIREMENTS" |
        { grep --line-buffered -E '^(Collecting|Successfully installed)' || true; } | sed 's/^/  /'
    cp "$REQUIREMENTS" "$stamp"
fi

step "cfn-lint template.yaml deploy/*.yaml examples/*/template.yaml"
"$VENV/bin/cfn-lint" template.yaml deploy/*.yaml examples/*/template.yaml

moto_pid=""
cleanup() {
    if [ -n "$moto_pid" ]; then
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

moto_port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
step "moto_server on 127.0.0.1:$moto_port"
moto_log=$(mktemp)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$moto_log" 2>&1 &
moto_pid=$!
endpoint="http://127.0.0.1:$moto_port"
if ! "$VENV/bin/python" - "$endpoint" <<'EOF'; then
import sys, time, urllib.request
for _ in range(60):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=2)
        sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(1)
EOF
    cat "$moto_log" >&2
    echo "moto_server did not answer on $endpoint within 30 s" >&2
    exit 1
fi

# Standard AWS configuration, pointing at moto: the code under test finds it exactly as it finds AWS.
export AWS_ENDPOINT_URL="$endpoint" LOGSCRUB_MOTO_ENDPOINT="$endpoint"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE

step "cargo test --features lambda (unit, integration, property, CLI and Lambda end-to-end against moto, doc tests)"
cargo test --locked --features lambda

step "the audit's SARIF against the SARIF 2.1.0 JSON schema (scripts/sarif_check.py)"
# The OASIS schema as the serde-sarif crate ships it: fetched by cargo from crates.io (pinned and
# checksummed like every crate), never compiled; jsonschema comes with cfn-lint in .venv.
schema_dir=target/sarif-schema
mkdir -p "$schema_dir/src"
cat >"$schema_dir/Cargo.toml" <<'EOF'
[package]
name = "sarif-schema-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
serde-sarif = "=0.8.0"

[workspace]
EOF
touch "$schema_dir/src/lib.rs"
cargo fetch --quiet --manifest-path "$schema_dir/Cargo.toml"
schema=$(cargo metadata --quiet --format-version 1 --manifest-path "$schema_dir/Cargo.toml" |
    "$VENV/bin/python" -c 'import json, os, sys
meta = json.load(sys.stdin)
crate = next(p for p in meta["packages"] if p["name"] == "serde-sarif")
print(os.path.join(os.path.dirname(crate["manifest_path"]), "src", "schema.json"))')
"$VENV/bin/python" scripts/sarif_check.py target/debug/logscrub "$schema"

# Built in the test profile, which shares every dependency with the step above: a release build of
# the benches would compile the AWS SDK once more for nothing (they are never a timed gate).
step "benchmarks compile (cargo test --benches --no-run)"
cargo test --locked --features lambda --benches --no-run

step "the CLI builds alone, without the AWS SDK (what the README's first command builds)"
cargo build --locked --bin logscrub
if cargo tree --locked -e normal --prefix none | grep -qE '^(aws-|lambda_runtime|tokio )'; then
    echo "the default build pulls in the Lambda stack:" >&2
    cargo tree --locked -e normal --prefix none | grep -E '^(aws-|lambda_runtime|tokio )' | sort -u >&2
    exit 1
fi
echo "default features: $(cargo tree --locked -e normal --prefix none | sort -u | wc -l) crates, no AWS SDK"

step "the bootstrap through the Lambda runtime (cargo lambda watch / invoke)"
VENV="$VENV" bash scripts/lambda-e2e.sh

# No --features flag: cargo lambda takes `lambda` from [package.metadata.lambda.build] in Cargo.toml,
# as `sam build` does.
step "cargo lambda build --release (the deployable bootstrap)"
PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/cargo-lambda" lambda build --release --locked --bin bootstrap
artifact=target/lambda/bootstrap/bootstrap
[ -x "$artifact" ] || { echo "cargo lambda build did not produce $artifact" >&2; exit 1; }
echo "built $artifact ($(du -h "$artifact" | cut -f1))"
# The deployable artefact is stripped (Cargo.toml's release profile): no .symtab section.
"$VENV/bin/python" - "$artifact" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
def section(i):
    return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
names_at = section(shstrndx)[4]
names = []
for i in range(shnum):
    start = names_at + section(i)[0]
    names.append(data[start:data.index(b"\0", start)].decode())
if ".symtab" in names:
    sys.exit(sys.argv[1] + " still has a symbol table: the release profile should strip it")
print("stripped: no .symtab in", sys.argv[1])
EOF
# The release binary starts, compiles the rule pack and says how long init took, then fails to reach
# the (absent) runtime API; only the init line matters here.
init_line=$(AWS_LAMBDA_RUNTIME_API=127.0.0.1:9 AWS_LAMBDA_FUNCTION_NAME=init-probe \
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 AWS_LAMBDA_FUNCTION_VERSION=1 LOGSCRUB_MODE=firehose \
    timeout 20 "$artifact" 2>/dev/null | grep '"event":"init"' || true)
[ -n "$init_line" ] || { echo "the release bootstrap did not start (no init line)" >&2; exit 1; }
echo "release init: $init_line"
# A user pack that does not load stops the function at init: one ERROR line naming the file and the
# line, a non-zero exit (Lambda reports the init failure and the errors alarm fires), and no content.
bad_pack=$(mktemp --suffix=.toml)
printf '[[rule]]\nid = "TEAM"\n\nregex = "("\n' >"$bad_pack"
set +e
init_out=$(AWS_LAMBDA_RUNTIME_API=127.0.0.1:9 AWS_LAMBDA_FUNCTION_NAME=init-probe \
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 AWS_LAMBDA_FUNCTION_VERSION=1 LOGSCRUB_MODE=firehose \
    LOGSCRUB_RULES="$bad_pack" timeout 20 "$artifact" 2>&1)
init_status=$?
set -e
rm -f "$bad_pack"
if [ "$init_status" = 0 ] || ! grep -q '"event":"init"' <<<"$init_out" ||
    ! grep -q "\"level\":\"ERROR\"" <<<"$init_out" || ! grep -q "$bad_pack:4: invalid regex" <<<"$init_out"; then
    echo "a bad pack did not stop the release bootstrap at init with its file and line:" >&2
    echo "$init_out" >&2
    exit 1
fi
echo "bad pack at init: exit $init_status, $(grep '"event":"init"' <<<"$init_out")"

# The extension as a layer ships it: extensions/logscrub-extension (examples/extension/template.yaml
# takes target/extension-layer as the layer's content).
step "cargo lambda build --release --extension (the logscrub-extension layer)"
PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/cargo-lambda" lambda build --release --locked --extension \
    --bin logscrub-extension --lambda-dir target/extension-layer
extension=target/extension-layer/extensions/logscrub-extension
[ -x "$extension" ] || { echo "cargo lambda build --extension did not produce $extension" >&2; exit 1; }
echo "built $extension ($(du -h "$extension" | cut -f1))"

step "the extension through an emulator of the Extensions and Telemetry APIs, into moto (tests/extension_e2e.py)"
"$VENV/bin/python" tests/extension_e2e.py "$extension" target/extension-e2e.json

# The template deploys arm64. Its std target comes from rustup, which may not reach its server: the
# build is attempted when the target is installed or can be added, and skipped with a notice if not.
if [ "${LOGSCRUB_SKIP_ARM64:-}" = 1 ]; then
    echo "SKIPPED arm64 build (LOGSCRUB_SKIP_ARM64=1)"
elif command -v rustup >/dev/null &&
    echo "rustup target add aarch64-unknown-linux-gnu (the arm64 std library, into ~/.rustup)" &&
    timeout 300 rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1; then
    step "cargo lambda build --release --arm64 (what template.yaml deploys)"
    PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/cargo-lambda" lambda build --release --locked --arm64 --bin bootstrap
    # The extension layer for arm64 too (examples/extension/template.yaml deploys arm64).
    PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/cargo-lambda" lambda build --release --locked --arm64 \
        --extension --bin logscrub-extension --lambda-dir target/extension-layer
    # ELF, 64-bit, e_machine 183 (AArch64).
    for built in "$artifact" "$extension"; do
        "$VENV/bin/python" -c '
import sys
header = open(sys.argv[1], "rb").read(20)
if header[:4] != b"\x7fELF" or header[4] != 2 or int.from_bytes(header[18:20], "little") != 183:
    sys.exit(sys.argv[1] + " is not an aarch64 ELF executable")
print("built", sys.argv[1], "for arm64")
' "$built"
    done
else
    echo "SKIPPED arm64 build: the aarch64-unknown-linux-gnu std target is not installed and rustup" \
        "could not add it (rustup target add aarch64-unknown-linux-gnu; see README.md)"
fi

step "all tests passed"
