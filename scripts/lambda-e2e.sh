#!/usr/bin/env bash
# The bootstrap binary through the real Lambda runtime: `cargo lambda watch` runs it behind a local
# Lambda control plane, `cargo lambda invoke` sends it real payloads, and the answers (and what reached
# the destination log group on moto) are checked.
#
#   bash scripts/lambda-e2e.sh        (called by scripts/test.sh, which starts moto first)
#
# Needs .venv (cargo-lambda, boto3) and AWS_ENDPOINT_URL pointing at a moto server, with dummy
# credentials and AWS_REGION in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY="$VENV/bin/python"
CARGO_LAMBDA="$VENV/bin/cargo-lambda"

fail() {
    echo "lambda e2e: FAIL: $*" >&2
    exit 1
}

[ -x "$CARGO_LAMBDA" ] || fail "$CARGO_LAMBDA is missing (scripts/test.sh installs it)"
[ -n "${AWS_ENDPOINT_URL:-}" ] || fail "AWS_ENDPOINT_URL is not set (it must point at moto)"

work=$(mktemp -d)
watch_pid=""
cleanup() {
    if [ -n "$watch_pid" ]; then
        # watch runs in its own process group (setsid): this ends it and the function it started.
        kill -- "-$watch_pid" 2>/dev/null || true
        wait "$watch_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A destination of its own, so a rerun against the same moto starts empty.
destination="/logscrub/e2e/watch-$$-$RANDOM"
"$PY" scripts/lambda_e2e.py payloads "$work"
"$PY" scripts/lambda_e2e.py create-group "$destination"

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== cargo lambda watch on 127.0.0.1:$port (LOGSCRUB_DESTINATION_LOG_GROUP=$destination on $AWS_ENDPOINT_URL)"
# PATH: cargo lambda finds its helpers (zig) next to itself.
PATH="$PWD/$VENV/bin:$PATH" setsid "$CARGO_LAMBDA" lambda watch \
    --bin bootstrap --features lambda --ignore-changes --quiet \
    --invoke-address 127.0.0.1 --invoke-port "$port" \
    --env-var "LOGSCRUB_DESTINATION_LOG_GROUP=$destination" \
    --env-var "LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES=true" \
    --env-var "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL" \
    --env-var "AWS_REGION=${AWS_REGION:-us-east-1}" \
    --env-var "AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test}" \
    --env-var "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}" \
    >"$work/watch.log" 2>&1 &
watch_pid=$!

invoke() { # NAME: invoke with payload NAME, answer in $work/NAME.out, errors in $work/NAME.err
    "$CARGO_LAMBDA" lambda invoke bootstrap --invoke-address 127.0.0.1 --invoke-port "$port" \
        --data-file "$work/$1.json" --output-format json >"$work/$1.out" 2>"$work/$1.err"
}

show_watch_log() {
    echo "---- cargo lambda watch output (last 40 lines) ----" >&2
    tail -n 40 "$work/watch.log" >&2 || true
}

# The first invocation compiles and starts the function; wait for it (up to 10 minutes).
echo "== waiting for the function to build and answer a control message"
ready=""
for _ in $(seq 1 120); do
    kill -0 "$watch_pid" 2>/dev/null || { show_watch_log; fail "cargo lambda watch exited"; }
    if invoke control; then
        ready=1
        break
    fi
    sleep 5
done
[ -n "$ready" ] || { show_watch_log; cat "$work/control.err" >&2; fail "the function never answered"; }
"$PY" scripts/lambda_e2e.py check control "$work/control.out"

for name in subscription firehose kinesis; do
    invoke "$name" || { show_watch_log; cat "$work/$name.err" >&2; fail "invoking with the $name payload failed"; }
    "$PY" scripts/lambda_e2e.py check "$name" "$work/$name.out"
done
"$PY" scripts/lambda_e2e.py check-delivered "$destination"

# Refused payloads: the invocation fails, with a message naming the problem, and never echoes input.
expect_error() { # NAME TEXT
    if invoke "$1"; then
        fail "the $1 payload was accepted: $(cat "$work/$1.out")"
    fi
    grep -q "$2" "$work/$1.err" || { cat "$work/$1.err" >&2; fail "the $1 error does not say '$2'"; }
    if grep -q "example.com" "$work/$1.err" "$work/watch.log"; then
        fail "raw PII from the $1 payload appears in an error or the function's log"
    fi
    echo "lambda e2e: $1: refused ($2)"
}
expect_error bad-gzip "bad gzip (no gzip header)"
# The function's own group: acknowledged and dropped without writing anything (a failure would log
# into that group and, were it subscribed, come straight back).
invoke loop || { cat "$work/loop.err" >&2; fail "the loop payload was not acknowledged"; }
"$PY" scripts/lambda_e2e.py check loop "$work/loop.out"

if grep -qE "jane\.doe@example\.com|4111 1111 1111 1111|AKIAIOSFODNN7EXAMPLE" "$work/watch.log"; then
    fail "raw PII appears in the function's own output"
fi
echo "== lambda e2e passed"
