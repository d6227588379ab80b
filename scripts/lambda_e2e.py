"""Payloads and checks for scripts/lambda-e2e.sh (the bootstrap under `cargo lambda watch`).

Subcommands:
  payloads DIR                 write the invocation payloads (JSON files) into DIR; the Kinesis
                               one holds records put into and read back from a moto stream
  create-group GROUP           create a log group on the endpoint in AWS_ENDPOINT_URL (moto)
  check NAME RESPONSE_FILE     check the function's answer to payload NAME
  check-delivered GROUP        check what reached GROUP on the endpoint: every event, scrubbed, in order

Payloads are built the way AWS builds them (JSON, gzip, base64) with current timestamps, and hold
PII values that must never come back. Each check exits non-zero with a message saying what is wrong.
"""

import base64
import gzip
import json
import os
import sys
import time

PII = [
    "jane.doe@example.com",
    "4111 1111 1111 1111",
    "+14155550132",
    "AKIAIOSFODNN7EXAMPLE",
]
SOURCE_GROUP = "/app/checkout"
SOURCE_STREAM = "2024/05/01/[$LATEST]0123456789abcdef"
EVENTS = 300


def fail(message):
    print(f"lambda e2e: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def message(i):
    return (
        f'{{"req":{i},"user":"{PII[0]}","card":"{PII[1]}",'
        f'"msg":"sms {PII[2]}","key":"{PII[3]}","status":"ok"}}'
    )


def log_data(group, stream, n, message_type="DATA_MESSAGE"):
    base = int(time.time() * 1000) - 60_000
    return {
        "messageType": message_type,
        "owner": "123456789012",
        "logGroup": group,
        "logStream": stream,
        "subscriptionFilters": ["logscrub"],
        # Out of order, as subscriptions may deliver them; the function sorts.
        "logEvents": [
            {"id": str(i), "timestamp": base + (i * 7919) % n, "message": message(i)}
            for i in range(n)
        ],
    }


def packed(data):
    return base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()


def kinesis_event(directory, blobs):
    """The Kinesis event Lambda's event source mapping would send for `blobs`: each is put into a
    stream on moto (as a CloudWatch Logs subscription puts its payloads), read back with GetRecords,
    and wrapped the way the mapping wraps records. The sequence numbers are moto's, and the one the
    function must report failed (the second record's) is saved for the check."""
    import boto3

    kinesis = boto3.client(
        "kinesis",
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
    )
    stream = f"logscrub-e2e-{os.getpid()}"
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    for _ in range(50):
        described = kinesis.describe_stream(StreamName=stream)["StreamDescription"]
        if described["StreamStatus"] == "ACTIVE":
            break
        time.sleep(0.2)
    else:
        fail(f"kinesis stream {stream} never became ACTIVE on moto")
    arn = described["StreamARN"]
    shard = described["Shards"][0]["ShardId"]
    for blob in blobs:
        kinesis.put_record(StreamName=stream, Data=blob, PartitionKey="logscrub")
    iterator = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator, Limit=100)["Records"]
    if [r["Data"] for r in records] != blobs:
        fail(f"kinesis: read back {len(records)} records, not the {len(blobs)} put into {stream}")
    with open(os.path.join(directory, "kinesis.expect.json"), "w") as f:
        json.dump({"failed": [records[1]["SequenceNumber"]]}, f)
    return {
        "Records": [
            {
                "eventSource": "aws:kinesis",
                "eventID": f"{shard}:{r['SequenceNumber']}",
                "eventName": "aws:kinesis:record",
                "eventVersion": "1.0",
                "awsRegion": os.environ.get("AWS_REGION", "us-east-1"),
                "eventSourceARN": arn,
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/logscrub",
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": r["PartitionKey"],
                    "sequenceNumber": r["SequenceNumber"],
                    "approximateArrivalTimestamp": r["ApproximateArrivalTimestamp"].timestamp(),
                    "data": base64.b64encode(r["Data"]).decode(),
                },
            }
            for r in records
        ]
    }


def payloads(directory):
    os.makedirs(directory, exist_ok=True)
    control = {
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [
            {
                "id": "",
                "timestamp": int(time.time() * 1000),
                "message": "CWL CONTROL MESSAGE: Checking health of destination Lambda.",
            }
        ],
    }
    now_ms = int(time.time() * 1000)
    files = {
        "subscription": {"awslogs": {"data": packed(log_data(SOURCE_GROUP, SOURCE_STREAM, EVENTS))}},
        "control": {"awslogs": {"data": packed(control)}},
        "bad-gzip": {"awslogs": {"data": base64.b64encode(b"not gzip " + PII[0].encode()).decode()}},
        "loop": {"awslogs": {"data": packed(log_data("/aws/lambda/bootstrap", "s", 3))}},
        "firehose": {
            "invocationId": "e2e-invocation",
            "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/logs",
            "region": "us-east-1",
            "records": [
                {
                    "recordId": "rec-1",
                    "approximateArrivalTimestamp": now_ms,
                    "data": packed(log_data(SOURCE_GROUP, "fh", 25)),
                },
                {"recordId": "rec-2", "approximateArrivalTimestamp": now_ms, "data": packed(control)},
                {
                    "recordId": "rec-3",
                    "approximateArrivalTimestamp": now_ms,
                    "data": base64.b64encode(b"\x1f\x8b broken " + PII[0].encode()).decode(),
                },
            ],
        },
        "kinesis": kinesis_event(
            directory,
            [gzip.compress(json.dumps(log_data("/app/kinesis", "k1", 40)).encode()), b"not gzip"],
        ),
    }
    for name, body in files.items():
        with open(os.path.join(directory, f"{name}.json"), "w") as f:
            json.dump(body, f)


def no_pii(text, where):
    for value in PII:
        if value in text:
            fail(f"{value!r} (raw PII) appears in {where}")


def check(name, response_file):
    with open(response_file) as f:
        raw = f.read()
    no_pii(raw, f"the {name} response")
    try:
        answer = json.loads(raw)
    except json.JSONDecodeError:
        fail(f"the {name} response is not JSON: {raw[:200]!r}")
    if name == "subscription":
        if answer.get("delivered") != EVENTS or answer.get("events") != EVENTS:
            fail(f"subscription: expected {EVENTS} events delivered, got {answer}")
        if answer.get("findings") != 4 * EVENTS:
            fail(f"subscription: expected {4 * EVENTS} findings, got {answer}")
    elif name == "control":
        if answer.get("control") is not True:
            fail(f"control message not acknowledged: {answer}")
    elif name == "firehose":
        results = {r["recordId"]: r for r in answer.get("records", [])}
        got = {k: r["result"] for k, r in results.items()}
        want = {"rec-1": "Ok", "rec-2": "Dropped", "rec-3": "ProcessingFailed"}
        if got != want:
            fail(f"firehose results: expected {want}, got {got}")
        data = json.loads(gzip.decompress(base64.b64decode(results["rec-1"]["data"])))
        if len(data["logEvents"]) != 25 or data["logGroup"] != SOURCE_GROUP:
            fail("firehose: record rec-1 does not hold the 25 events of its source")
        first = data["logEvents"][0]["message"]
        if "[EMAIL]" not in first or "[CARD]" not in first:
            fail(f"firehose: rec-1 is not scrubbed: {first!r}")
        for failed in ("rec-2", "rec-3"):
            if results[failed]["data"] != "":
                fail(f"firehose: {failed} carries data back")
    elif name == "loop":
        if answer.get("looped") is not True or "delivered" in answer:
            fail(f"loop: expected an acknowledgement that delivers nothing, got {answer}")
    elif name == "kinesis":
        failures = [f["itemIdentifier"] for f in answer.get("batchItemFailures", [])]
        with open(os.path.join(os.path.dirname(response_file), "kinesis.expect.json")) as f:
            expected = json.load(f)["failed"]
        if failures != expected:
            fail(f"kinesis: expected the second record ({expected}) to fail, got {answer}")
    else:
        fail(f"unknown check {name}")
    print(f"lambda e2e: {name}: ok")


def client():
    import boto3

    return boto3.client(
        "logs",
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
    )


def create_group(group):
    logs = client()
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass


def check_delivered(group):
    logs = client()
    stream = f"{SOURCE_GROUP}|{SOURCE_STREAM}"
    events, token = [], None
    while True:
        args = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
        if token:
            args["nextToken"] = token
        page = logs.get_log_events(**args)
        events += page["events"]
        if not page["events"] or page.get("nextForwardToken") in (None, token):
            break
        token = page["nextForwardToken"]
    if len(events) != EVENTS:
        fail(f"{group}/{stream}: expected {EVENTS} events, found {len(events)}")
    stamps = [e["timestamp"] for e in events]
    if stamps != sorted(stamps):
        fail(f"{group}/{stream}: events are not in chronological order")
    for e in events:
        no_pii(e["message"], f"{group} (destination)")
        if "[EMAIL]" not in e["message"]:
            fail(f"{group}: an event was not scrubbed as expected: {e['message']!r}")
    kinesis = logs.get_log_events(
        logGroupName=group, logStreamName="/app/kinesis|k1", startFromHead=True
    )["events"]
    if len(kinesis) != 40:
        fail(f"{group}: expected the 40 events of the Kinesis record, found {len(kinesis)}")
    print(f"lambda e2e: {group}: {EVENTS} + 40 events delivered, scrubbed, in order")


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "payloads":
        payloads(args[0])
    elif command == "create-group":
        create_group(args[0])
    elif command == "check":
        check(args[0], args[1])
    elif command == "check-delivered":
        check_delivered(args[0])
    else:
        fail(f"unknown command {command}")


if __name__ == "__main__":
    main()
