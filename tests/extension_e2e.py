"""The Lambda extension end to end, offline: an emulator of Lambda's Extensions and Telemetry APIs
drives the real `logscrub-extension` binary, and moto stands in for CloudWatch Logs.

    python tests/extension_e2e.py EXTENSION_BINARY [REPORT_JSON]

Needs AWS_ENDPOINT_URL pointing at a moto server (scripts/test.sh starts one) and boto3.

What the emulator does, the way Lambda does it:
* serves the Extensions API on 127.0.0.1 (`AWS_LAMBDA_RUNTIME_API`): register, event/next (a long
  poll answered with INVOKE or SHUTDOWN events), init/error; and the Telemetry API subscription;
* posts telemetry batches (JSON arrays of `function` and `platform.*` records) to the listener the
  extension subscribed, with the timing Lambda has: lines posted while the invocation runs, lines
  that arrive after the next INVOKE (late batches), bursts of thousands of lines in batches of
  1,000, two batches posted at once, a record type the extension does not know, JSON-format
  records, and a batch posted just before SHUTDOWN;
* puts a slow proxy between the extension and moto for some invocations (every PutLogEvents call
  delayed), so delivery overlaps invocations;
* sends SHUTDOWN with a two-second deadline and checks the process is gone in time.

Then, from moto: every function line arrived exactly once, scrubbed (no raw PII value anywhere in
the destination), in order; the REPORT lines were re-emitted; nothing raw reached the extension's
own output. It also measures what the extension costs: init time (start to first `next`),
time from writing each INVOKE event to the extension until its next `next` call is accepted (what
it adds to an invocation: Lambda completes an invocation when every extension has asked for the next
event; the emulator's own thread start and parsing after the accept are left out, and reported
apart), and peak RSS, and writes them to REPORT_JSON for BENCHMARKS.md.
"""

import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Invocations driven: 0-11 carry the special cases below, the rest are plain 100-line ones, so the
# median of what the extension adds is taken over 30 of them.
INVOCATIONS = 32
# The invocations whose deliveries go through the slow proxy: left out of the medians.
SLOW = (4, 5)

PII = ["jane.doe@example.com", "4111 1111 1111 1111", "+14155550132", "AKIAIOSFODNN7EXAMPLE"]


def fail(message):
    print(f"extension e2e: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server(ThreadingHTTPServer):
    """Python's threading HTTP server, noting when each connection was accepted."""

    def __init__(self, *args):
        self.accepted = {}  # socket fd -> monotonic time of its accept
        super().__init__(*args)

    def get_request(self):
        request, address = super().get_request()
        self.accepted[request.fileno()] = time.monotonic()
        return request, address


class Lambda:
    """The Extensions and Telemetry APIs of one execution environment."""

    def __init__(self):
        self.events = queue.Queue()  # what the next `next` call gets
        self.next_calls = []  # monotonic times of `next` calls
        self.next_parsed = []  # monotonic times the emulator had parsed each `next` call
        self.handed = {}  # request id -> monotonic time its INVOKE was written to the extension
        self.next_lock = threading.Condition()
        self.registered = None
        self.subscription = None
        self.init_errors = []
        lam = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def answer(self, status, body=b"", headers=()):
                # Head and body in one write on a socket without Nagle, as Lambda's own (Go)
                # server sends them: two small writes would wait on each other's ACK.
                head = [f"HTTP/1.1 {status} {self.responses[status][0]}",
                        f"Content-Length: {len(body)}"]
                head += [f"{k}: {v}" for k, v in headers]
                self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)

            def do_POST(self):
                body = self.body()
                if self.path == "/2020-01-01/extension/register":
                    if self.headers.get("Lambda-Extension-Name") != "logscrub-extension":
                        return self.answer(403, b'{"errorType":"Extension.Unknown"}')
                    lam.registered = json.loads(body)
                    info = {"functionName": "e2e", "functionVersion": "$LATEST", "handler": "h"}
                    return self.answer(200, json.dumps(info).encode(),
                                       [("Lambda-Extension-Identifier", "ext-" + uuid.uuid4().hex)])
                if self.path == "/2020-01-01/extension/init/error":
                    lam.init_errors.append(self.headers.get("Lambda-Extension-Function-Error-Type"))
                    return self.answer(202)
                self.answer(404)

            def do_PUT(self):
                body = self.body()
                if self.path == "/2022-07-01/telemetry":
                    lam.subscription = json.loads(body)
                    return self.answer(200, b"OK")
                self.answer(404)

            def do_GET(self):
                if self.path != "/2020-01-01/extension/event/next":
                    return self.answer(404)
                with lam.next_lock:
                    # When the call reached the emulator: its accept, before Python starts this
                    # request's thread and parses it (Lambda's own server does that in microseconds).
                    lam.next_calls.append(self.server.accepted.pop(self.connection.fileno(), None)
                                          or time.monotonic())
                    lam.next_parsed.append(time.monotonic())
                    lam.next_lock.notify_all()
                event = lam.events.get()
                body = json.dumps(event).encode()
                # When the extension is handed the event: what it adds to an invocation runs from
                # here to its next `next` call.
                lam.handed[event.get("requestId")] = time.monotonic()
                self.answer(200, body, [("Content-Type", "application/json")])

        self.server = Server(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.address = f"127.0.0.1:{self.server.server_address[1]}"

    def wait_next_calls(self, n, timeout=30):
        deadline = time.monotonic() + timeout
        with self.next_lock:
            while len(self.next_calls) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    fail(f"the extension made {len(self.next_calls)} next calls, expected {n}")
                self.next_lock.wait(left)
            return self.next_calls[n - 1]

    def telemetry_port(self):
        uri = self.subscription["destination"]["URI"]
        return int(uri.rsplit(":", 1)[1])


class SlowProxy:
    """TCP proxy to moto; while `slow` is set, each request waits `delay` seconds first."""

    def __init__(self, target, delay):
        host, port = target.replace("http://", "").rstrip("/").split(":")
        self.target = (host, int(port))
        self.delay = delay
        self.slow = threading.Event()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            threading.Thread(target=self.pipe, args=(client,), daemon=True).start()

    def pipe(self, client):
        if self.slow.is_set():
            time.sleep(self.delay)
        upstream = socket.create_connection(self.target)

        def copy(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    b.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        t = threading.Thread(target=copy, args=(upstream, client), daemon=True)
        t.start()
        copy(client, upstream)
        t.join()
        client.close()
        upstream.close()


def iso(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Lines:
    """The function's log lines: numbered, each holding PII, with increasing timestamps."""

    def __init__(self):
        self.next = 0
        self.base = int(time.time() * 1000) - 60_000

    def records(self, n, json_format=False):
        out = []
        for _ in range(n):
            i = self.next
            self.next += 1
            ts = self.base + i
            if json_format:
                record = {"timestamp": iso(ts), "level": "INFO", "requestId": "r",
                          "message": f"line {i} card {PII[1]} mail {PII[0]}"}
            else:
                record = f"line {i} user {PII[0]} card {PII[1]} sms {PII[2]} key {PII[3]}\n"
            out.append({"time": iso(ts), "type": "function", "record": record})
        return out


def post(port, records):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/", json.dumps(records), {"Content-Type": "application/json"})
    status = conn.getresponse().status
    conn.close()
    if status != 200:
        fail(f"the telemetry listener answered {status}")


def bad_pack_fails_init(binary):
    """A policy that does not load: the extension reports an init error to Lambda and exits, before
    any `next` call, so the function never runs unscrubbed."""
    import tempfile

    lam = Lambda()
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write('[[rule]]\nid = "TEAM"\n\nregex = "("\n')
        pack = f.name
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGSCRUB_")}
    env.update({
        "AWS_LAMBDA_RUNTIME_API": lam.address,
        "LOGSCRUB_DESTINATION_LOG_GROUP": "/never/used",
        "LOGSCRUB_RULES": pack,
        "LOGSCRUB_TELEMETRY_PORT": str(free_port()),
    })
    done = subprocess.run([binary], env=env, capture_output=True, timeout=20)
    os.unlink(pack)
    if done.returncode == 0:
        fail("a bad pack did not stop the extension")
    if lam.init_errors != ["Extension.RulePackError"] or lam.next_calls:
        fail(f"a bad pack: init errors {lam.init_errors}, {len(lam.next_calls)} next calls")
    if f"{pack}:4: invalid regex" not in done.stdout.decode(errors="replace"):
        fail("the init error line does not name the pack's file and line")
    print("extension e2e: a bad pack fails init (init/error Extension.RulePackError, no next call)")


def main():
    binary = sys.argv[1]
    bad_pack_fails_init(binary)
    report_file = sys.argv[2] if len(sys.argv) > 2 else None
    import boto3

    moto = os.environ["AWS_ENDPOINT_URL"]
    logs = boto3.client("logs", endpoint_url=moto, region_name=os.environ.get("AWS_REGION", "us-east-1"))
    destination = f"/logscrub/extension-e2e/{os.getpid()}-{uuid.uuid4().hex[:6]}"
    logs.create_log_group(logGroupName=destination)
    stream = "2026/12/04/[$LATEST]e2e"

    lam = Lambda()
    proxy = SlowProxy(moto, 0.3)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGSCRUB_")}
    env.update({
        "AWS_LAMBDA_RUNTIME_API": lam.address,
        "AWS_LAMBDA_FUNCTION_NAME": "e2e",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_ENDPOINT_URL": proxy.url,
        "LOGSCRUB_DESTINATION_LOG_GROUP": destination,
        "LOGSCRUB_TELEMETRY_PORT": str(free_port()),
    })
    started = time.monotonic()
    ext = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    init_done = lam.wait_next_calls(1)
    init_ms = (init_done - started) * 1000
    if lam.registered != {"events": ["INVOKE", "SHUTDOWN"]}:
        fail(f"registered for {lam.registered}")
    sub = lam.subscription or fail("no telemetry subscription")
    if sorted(sub["types"]) != ["function", "platform"] or sub["buffering"]["timeoutMs"] != 100:
        fail(f"subscription {sub}")
    port = lam.telemetry_port()

    lines = Lines()
    added = []
    queued = []
    late = []
    calls = 1
    for invocation in range(INVOCATIONS):
        slow = invocation in SLOW
        proxy.slow.set() if slow else proxy.slow.clear()
        t0 = time.monotonic()
        lam.events.put({"eventType": "INVOKE", "deadlineMs": int(time.time() * 1000) + 30_000,
                        "requestId": f"req-{invocation}", "invokedFunctionArn": "arn:aws:lambda:e2e"})
        calls += 1
        t1 = lam.wait_next_calls(calls)
        added.append((t1 - lam.handed[f"req-{invocation}"]) * 1000)
        # The same with the emulator's own side: from queueing the event to having parsed the call.
        queued.append((lam.next_parsed[calls - 1] - t0) * 1000)
        # Lines of the batches that were late for the previous invocation arrive now.
        for batch in late:
            post(port, batch)
        late = []
        if invocation == 3:
            # A burst: 5,000 lines in batches of 1,000, two of them posted at once.
            batches = [lines.records(1000) for _ in range(5)]
            both = [threading.Thread(target=post, args=(port, b)) for b in batches[:2]]
            for t in both:
                t.start()
            for t in both:
                t.join()
            for b in batches[2:]:
                post(port, b)
        else:
            post(port, lines.records(100, json_format=(invocation == 6)))
            # A record type this extension does not know, and the platform report.
            post(port, [
                {"time": iso(lines.base), "type": "platform.restoreStart", "record": {"x": 1}},
                {"time": iso(lines.base), "type": "platform.report",
                 "record": {"requestId": f"req-{invocation}", "status": "success",
                            "metrics": {"durationMs": 12.5, "billedDurationMs": 13,
                                        "memorySizeMB": 128, "maxMemoryUsedMB": 30}}},
            ])
            late.append(lines.records(7))
    proxy.slow.clear()
    for batch in late:
        post(port, batch)
    post(port, lines.records(25))  # just before SHUTDOWN
    with open(f"/proc/{ext.pid}/status") as f:
        rss_kb = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
    shutdown_at = time.monotonic()
    lam.events.put({"eventType": "SHUTDOWN", "shutdownReason": "spindown",
                    "deadlineMs": int(time.time() * 1000) + 2000})
    try:
        out, err = ext.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        ext.kill()
        fail("the extension did not exit after SHUTDOWN")
    exit_s = time.monotonic() - shutdown_at
    if ext.returncode != 0:
        fail(f"the extension exited {ext.returncode}: {err.decode(errors='replace')}")
    if exit_s > 2.0:
        fail(f"the extension took {exit_s:.2f} s after SHUTDOWN (budget 2 s)")
    own = out.decode(errors="replace") + err.decode(errors="replace")
    for value in PII:
        if value in own:
            fail(f"{value!r} appears in the extension's own output")

    events, token = [], None
    while True:
        args = {"logGroupName": destination, "logStreamName": stream, "startFromHead": True}
        if token:
            args["nextToken"] = token
        page = logs.get_log_events(**args)
        events += page["events"]
        if not page["events"] or page.get("nextForwardToken") in (None, token):
            break
        token = page["nextForwardToken"]
    seen = {}
    order = []
    reports = 0
    for e in events:
        for value in PII:
            if value in e["message"]:
                fail(f"raw {value!r} reached the destination: {e['message']!r}")
        if e["message"].startswith("REPORT RequestId: req-"):
            reports += 1
            continue
        words = e["message"].replace('"', " ").split()
        if "line" not in words:
            fail(f"an unexpected event in the destination: {e['message'][:80]!r}")
        i = int(words[words.index("line") + 1])
        if i in seen:
            fail(f"line {i} arrived twice")
        seen[i] = e["timestamp"]
        order.append(i)
        if e["timestamp"] != lines.base + i:
            fail(f"line {i} has timestamp {e['timestamp']}, not its record's {lines.base + i}")
        if "[EMAIL]" not in e["message"] or "[CARD]" not in e["message"]:
            fail(f"line {i} is not scrubbed as expected: {e['message']!r}")
    if sorted(seen) != list(range(lines.next)):
        missing = sorted(set(range(lines.next)) - set(seen))
        fail(f"{len(seen)} of {lines.next} lines arrived; missing e.g. {missing[:5]}")
    # CloudWatch Logs (and moto) return a stream's events by timestamp: with every record's own
    # time kept, the function's order is the stream's.
    if order != list(range(lines.next)):
        fail("lines are not in the function's order")
    # Every invocation but the burst (3) posts its REPORT.
    if reports != INVOCATIONS - 1:
        fail(f"{reports} REPORT lines re-emitted, expected {INVOCATIONS - 1}")
    def fast(times):
        return sorted(a for i, a in enumerate(times) if i not in SLOW)

    fast_added, fast_queued = fast(added), fast(queued)
    print("extension e2e: added per invoke (ms): " + " ".join(f"{a:.2f}" for a in added))
    def own(event):
        return next((json.loads(l) for l in out.decode(errors="replace").splitlines()
                     if f'"event":"{event}"' in l), {})
    own_init, engine = own("extension init"), own("extension engine")
    if engine.get("level") != "INFO":
        fail(f"the engine did not report compiling: {engine}")
    result = {
        "init_ms": round(init_ms, 1),
        "init_ms_own": own_init.get("initMs"),
        "pack_ms_own": own_init.get("packMs"),
        "pack_wait_ms_own": own_init.get("packWaitMs"),
        "api_ms_own": own_init.get("apiMs"),
        "engine_compile_ms_after_init": engine.get("compileMs"),
        "added_per_invoke_ms_median": round(fast_added[len(fast_added) // 2], 2),
        "added_per_invoke_ms_max": round(max(fast_added), 2),
        "added_per_invoke_ms_max_slow_destination": round(max(added), 2),
        "invocations": INVOCATIONS,
        # With the emulator's own side (its thread hand-overs, a thread per connection, parsing).
        "invoke_round_trip_ms_median_with_emulator": round(fast_queued[len(fast_queued) // 2], 2),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "shutdown_exit_s": round(exit_s, 2),
        "lines": lines.next,
        "reports": reports,
    }
    print("extension e2e: " + json.dumps(result))
    if report_file:
        with open(report_file, "w") as f:
            json.dump(result, f, indent=2)
    print(f"extension e2e: {lines.next} lines and {reports} reports delivered once, scrubbed, in order; "
          f"shutdown in {exit_s:.2f} s")


if __name__ == "__main__":
    main()
