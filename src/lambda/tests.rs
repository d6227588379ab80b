//! The handler end to end without a network: decode → scrub → batch → a sink that records what it
//! was given (or fails on demand), for every mode and every malformed input.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::batch::{self, Event};
use super::decode::{self, LogData};
use super::deliver::{DeliverError, Delivered, Sink};
use super::metrics::LogCapture;
use super::*;

/// Records every batch; fails every call when `fail` is set.
#[derive(Default)]
struct MemorySink {
    batches: Mutex<Vec<(String, String, Vec<Event>)>>,
    fail: Option<DeliverError>,
}

impl MemorySink {
    fn batches(&self) -> Vec<(String, String, Vec<Event>)> {
        self.batches.lock().unwrap().clone()
    }

    fn events(&self) -> Vec<Event> {
        self.batches().into_iter().flat_map(|(_, _, e)| e).collect()
    }
}

impl Sink for MemorySink {
    async fn put(
        &self,
        group: &str,
        stream: &str,
        events: &[Event],
        _deadline: Instant,
    ) -> Result<Delivered, DeliverError> {
        if let Some(e) = &self.fail {
            return Err(e.clone());
        }
        self.batches
            .lock()
            .unwrap()
            .push((group.into(), stream.into(), events.to_vec()));
        Ok(Delivered {
            accepted: events.len(),
            rejected: 0,
        })
    }
}

const DEST: &str = "/scrubbed/app";
const SOURCE: &str = "/app/api";

fn config(vars: &[(&str, &str)]) -> Config {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
        .unwrap()
}

fn handler_with(vars: &[(&str, &str)], sink: MemorySink) -> Handler<MemorySink> {
    let config = config(vars);
    let scrubber = config.scrubber().unwrap();
    Handler::new(config, scrubber, sink)
}

fn handler() -> Handler<MemorySink> {
    handler_with(
        &[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", DEST),
            ("AWS_LAMBDA_FUNCTION_NAME", "scrubber"),
        ],
        MemorySink::default(),
    )
}

fn log_data(group: &str, events: &[(i64, &str)]) -> Value {
    json!({
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": group,
        "logStream": "2024/01/01/[$LATEST]abc",
        "subscriptionFilters": ["scrub"],
        "logEvents": events
            .iter()
            .enumerate()
            .map(|(i, (ts, m))| json!({"id": i.to_string(), "timestamp": ts, "message": m}))
            .collect::<Vec<_>>(),
    })
}

fn awslogs(data: &[u8]) -> Value {
    json!({"awslogs": {"data": STANDARD.encode(data)}})
}

fn subscription(log_data: &Value) -> Value {
    awslogs(&decode::gzip(log_data.to_string().as_bytes()))
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(10)
}

const PII: [&str; 4] = [
    "jane.doe@example.com",
    "4111 1111 1111 1111",
    "+14155550132",
    "AKIAIOSFODNN7EXAMPLE",
];

fn pii_message(i: usize) -> String {
    format!(
        "req={i} user={} card={} sms {} key {} done",
        PII[0], PII[1], PII[2], PII[3]
    )
}

/// With `LOGSCRUB_DEDUPE_KEY=event-id` each delivered event is its source event id, a space and its
/// scrubbed message: no value gets through beside the key, and scrubbing a delivered event again
/// changes nothing (the 56-digit id is not taken for a number of any kind, even next to a message
/// that starts with digits).
#[tokio::test]
async fn keyed_events_hold_no_value_and_scrub_to_themselves() {
    let h = handler_with(
        &[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", DEST),
            ("AWS_LAMBDA_FUNCTION_NAME", "scrubber"),
            ("LOGSCRUB_DEDUPE_KEY", "event-id"),
        ],
        MemorySink::default(),
    );
    let mut messages: Vec<String> = (0..40).map(pii_message).collect();
    messages.push(format!("{} charged", PII[1]));
    messages.push("415 555 0132 called back".into());
    messages.push(String::new());
    // CloudWatch Logs event ids: 56 decimal digits.
    let id = |i: usize| format!("3619128765037106322781293291326242442472771182991343{i:04}");
    let data = json!({
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": SOURCE,
        "logStream": "s",
        "subscriptionFilters": ["scrub"],
        "logEvents": messages
            .iter()
            .enumerate()
            .map(|(i, m)| json!({"id": id(i), "timestamp": 1_700_000_000_000i64 + i as i64, "message": m}))
            .collect::<Vec<_>>(),
    });
    let out = h
        .handle_payload(subscription(&data), soon(), "r1")
        .await
        .unwrap();
    assert_eq!(out["delivered"], messages.len());
    let delivered = h.sink.events();
    assert_eq!(delivered.len(), messages.len());
    for (i, event) in delivered.iter().enumerate() {
        let (key, body) = event.message.split_once(' ').expect("key, space, message");
        assert_eq!(key, id(i));
        let mut scrubbed = Vec::new();
        h.scrubber.scrub(messages[i].as_bytes(), &mut scrubbed);
        let want = if messages[i].is_empty() {
            batch::EMPTY_MARKER.as_bytes().to_vec()
        } else {
            scrubbed
        };
        assert_eq!(body.as_bytes(), want.as_slice(), "event {i}");
        for value in PII {
            assert!(!event.message.contains(value), "event {i}");
        }
        let mut again = Vec::new();
        h.scrubber.scrub(event.message.as_bytes(), &mut again);
        assert_eq!(again, event.message.as_bytes(), "event {i} scrubbed again");
    }
}

#[tokio::test]
async fn subscription_scrubs_everything_in_order_and_changes_nothing_else() {
    let h = handler();
    let messages: Vec<String> = (0..300).map(pii_message).collect();
    // Timestamps out of order, with ties, as a subscription may deliver them.
    let events: Vec<(i64, &str)> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                1_700_000_000_000 + ((i * 7919) % 300) as i64 / 2,
                m.as_str(),
            )
        })
        .collect();
    let out = h
        .handle_payload(subscription(&log_data(SOURCE, &events)), soon(), "r1")
        .await
        .unwrap();
    assert_eq!(out["events"], 300);
    assert_eq!(out["delivered"], 300);
    assert_eq!(out["findings"], 1200);
    let batches = h.sink.batches();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].0, DEST);
    assert_eq!(batches[0].1, "/app/api|2024/01/01/[$LATEST]abc");
    let delivered = h.sink.events();
    assert_eq!(delivered.len(), 300);
    assert!(
        delivered
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp)
    );
    // Stable: among equal timestamps the input order is kept; and each event is its input scrubbed
    // by the engine, byte for byte.
    let mut expected: Vec<(i64, String)> = events
        .iter()
        .map(|(ts, m)| {
            let mut out = Vec::new();
            h.scrubber.scrub(m.as_bytes(), &mut out);
            (*ts, String::from_utf8(out).unwrap())
        })
        .collect();
    expected.sort_by_key(|e| e.0);
    let got: Vec<(i64, String)> = delivered
        .into_iter()
        .map(|e| (e.timestamp, e.message))
        .collect();
    assert_eq!(got, expected);
    for (_, message) in &got {
        for value in PII {
            assert!(!message.contains(value), "{value} leaked");
        }
    }
}

#[tokio::test]
async fn control_message_is_acknowledged_and_skipped() {
    let h = handler();
    let control = json!({
        "messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "",
        "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": 1_700_000_000_000i64,
        "message": "CWL CONTROL MESSAGE: Checking health of destination Lambda."}]
    });
    let out = h
        .handle_payload(subscription(&control), soon(), "r")
        .await
        .unwrap();
    assert_eq!(out["control"], true);
    assert!(h.sink.batches().is_empty());
}

/// Every malformed input: an error naming the problem (and the group when known), nothing
/// delivered, no payload text in the error.
#[tokio::test]
async fn malformed_inputs_fail_clearly_and_forward_nothing() {
    let h = handler_with(
        &[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", DEST),
            ("LOGSCRUB_MAX_INFLATED_BYTES", "100000"),
        ],
        MemorySink::default(),
    );
    let secret = "jane.doe@example.com";
    let not_json = decode::gzip(format!("user={secret} plain text").as_bytes());
    let bomb = decode::gzip(&vec![b' '; 200_000]);
    let mut truncated = decode::gzip(log_data(SOURCE, &[(1, secret)]).to_string().as_bytes());
    truncated.truncate(truncated.len() - 10);
    let wrong_type = json!({"messageType": "DATA_MESSAGE", "logGroup": SOURCE, "logStream": "s",
        "logEvents": [{"timestamp": secret, "message": "x"}]});
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"awslogs": {"data": format!("{secret}!!")}}),
            "bad base64",
        ),
        (json!({"awslogs": {"data": 42}}), "no awslogs.data string"),
        (json!({"awslogs": {}}), "no awslogs.data string"),
        (awslogs(secret.as_bytes()), "bad gzip (no gzip header)"),
        (awslogs(&truncated), "bad gzip"),
        (awslogs(&not_json), "not JSON"),
        (awslogs(&bomb), "inflates past 100000 bytes"),
        (subscription(&json!({"logGroup": SOURCE})), "missing field"),
        (subscription(&wrong_type), "a value is not i64"),
        (
            subscription(&json!([secret])),
            "not a CloudWatch Logs payload",
        ),
    ];
    for (payload, expected) in cases {
        let err = h.handle_payload(payload, soon(), "r").await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, HandlerError::Malformed { .. }), "{text}");
        assert!(text.contains(expected), "{text:?} should say {expected:?}");
        assert!(!text.contains("example.com"), "{text}");
    }
    assert!(h.sink.batches().is_empty());
}

#[tokio::test]
async fn unknown_shapes_and_mode_mismatches_are_refused() {
    let h = handler();
    let err = h
        .handle_payload(json!({"hello": "world"}), soon(), "r")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a CloudWatch Logs subscription"),
        "{err}"
    );
    let h = handler_with(&[("LOGSCRUB_MODE", "firehose")], MemorySink::default());
    let err = h
        .handle_payload(subscription(&log_data(SOURCE, &[(1, "x")])), soon(), "r")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unexpected event: LOGSCRUB_MODE=firehose but this is a cloudwatch event"
    );
}

/// A payload of the destination or the function's own group is acknowledged and nothing is
/// written for it: no events, and no log or metric line (which would land in that group and come
/// back as the next payload). This failed before: the invocation errored and logged an ERROR line.
#[tokio::test]
async fn payloads_of_its_own_groups_are_acknowledged_without_writing_anything() {
    let h = handler_with(
        &[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", DEST),
            ("AWS_LAMBDA_FUNCTION_NAME", "scrubber"),
            ("AWS_LAMBDA_LOG_GROUP_NAME", "/custom/own"),
        ],
        MemorySink::default(),
    );
    for group in [DEST, "/aws/lambda/scrubber", "/custom/own"] {
        let payload = subscription(&log_data(group, &[(1_700_000_000_000, "hello")]));
        let capture = LogCapture::start();
        let out = h.handle_payload(payload, soon(), "r").await.unwrap();
        assert_eq!(out["looped"], true, "{group}");
        assert!(
            capture.lines().is_empty(),
            "{group}: wrote {:?}",
            capture.lines()
        );
    }
    assert!(h.sink.batches().is_empty());
    // The same in a Kinesis batch (the record is acknowledged, not reported failed) and in
    // Firehose (Dropped, not ProcessingFailed, which Firehose would store raw in S3).
    let record = |group: &str| {
        let data = STANDARD.encode(decode::gzip(
            log_data(group, &[(1, "x")]).to_string().as_bytes(),
        ));
        json!({"kinesis": {"data": data, "sequenceNumber": "1", "partitionKey": "p",
               "kinesisSchemaVersion": "1.0", "approximateArrivalTimestamp": 1.0},
               "eventSource": "aws:kinesis", "eventID": "e", "eventName": "aws:kinesis:record",
               "eventVersion": "1.0", "awsRegion": "us-east-1",
               "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
               "invokeIdentityArn": "arn:aws:iam::123456789012:role/r"})
    };
    let capture = LogCapture::start();
    let out = h
        .handle_payload(json!({"Records": [record(DEST)]}), soon(), "r")
        .await
        .unwrap();
    assert_eq!(out, json!({"batchItemFailures": []}));
    assert!(capture.lines().is_empty(), "wrote {:?}", capture.lines());
    let firehose = json!({"records": [{"recordId": "1", "approximateArrivalTimestamp": 1,
        "data": STANDARD.encode(decode::gzip(log_data("/custom/own", &[(1, "x")]).to_string().as_bytes()))}]});
    let capture = LogCapture::start();
    let out = h.handle_payload(firehose, soon(), "r").await.unwrap();
    assert_eq!(out["records"][0]["result"], "Dropped");
    assert!(capture.lines().is_empty(), "wrote {:?}", capture.lines());
    assert!(h.sink.batches().is_empty());
}

#[tokio::test]
async fn no_destination_is_an_error() {
    let h = handler_with(&[], MemorySink::default());
    let err = h
        .handle_payload(subscription(&log_data(SOURCE, &[(1, "x")])), soon(), "r")
        .await
        .unwrap_err();
    assert_eq!(err, HandlerError::NoDestination);
}

#[tokio::test]
async fn oversize_events_become_a_marker_and_the_rest_is_delivered() {
    let h = handler();
    // 300 KB: over the old 256 KiB event limit, within today's 1 MiB, so delivered whole (it was
    // replaced by the marker before). 1.1 MB: over any limit, so the marker.
    let big = format!("{} {}", PII[0], "x".repeat(300_000));
    let huge = format!("{} {}", PII[0], "x".repeat(1_100_000));
    let payload = subscription(&log_data(
        SOURCE,
        &[
            (1_700_000_000_000, "before"),
            (1_700_000_000_001, &big),
            (1_700_000_000_002, &huge),
            (1_700_000_000_003, "after"),
        ],
    ));
    let out = h.handle_payload(payload, soon(), "r").await.unwrap();
    assert_eq!(
        (out["events"].as_u64(), out["oversize"].as_u64()),
        (Some(4), Some(1))
    );
    let messages: Vec<String> = h.sink.events().into_iter().map(|e| e.message).collect();
    assert_eq!(
        messages,
        vec![
            "before".to_string(),
            format!("[EMAIL] {}", "x".repeat(300_000)),
            batch::oversize_marker(1_100_008),
            "after".to_string()
        ]
    );
}

#[tokio::test]
async fn large_payloads_are_split_within_the_limits() {
    let h = handler();
    let line = format!("{} {}", PII[0], "y".repeat(1_000));
    let events: Vec<(i64, &str)> = (0..2_500)
        .map(|i| (1_700_000_000_000 + i, line.as_str()))
        .collect();
    let payload = subscription(&log_data(SOURCE, &events));
    let out = h.handle_payload(payload, soon(), "r").await.unwrap();
    assert_eq!(out["delivered"], 2_500);
    let batches = h.sink.batches();
    assert!(batches.len() >= 3, "{} batches", batches.len());
    for (_, _, events) in &batches {
        assert!(events.iter().map(Event::size).sum::<usize>() <= batch::MAX_BATCH_BYTES);
    }
}

#[tokio::test]
async fn delivery_failure_fails_the_invocation() {
    let sink = MemorySink {
        fail: Some(DeliverError::GroupMissing { group: DEST.into() }),
        ..MemorySink::default()
    };
    let h = handler_with(&[("LOGSCRUB_DESTINATION_LOG_GROUP", DEST)], sink);
    let payload = subscription(&log_data(SOURCE, &[(1, "a"), (2, "b")]));
    let err = h.handle_payload(payload, soon(), "r").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 events of log group /app/api not delivered: destination log group /scrubbed/app does \
         not exist"
    );
}

#[tokio::test]
async fn hash_style_from_config() {
    let h = handler_with(
        &[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", DEST),
            ("LOGSCRUB_STYLE", "hash"),
            ("LOGSCRUB_HASH_KEY", "0123456789abcdef0123"),
        ],
        MemorySink::default(),
    );
    let payload = subscription(&log_data(SOURCE, &[(1, "to jane.doe@example.com")]));
    h.handle_payload(payload, soon(), "r").await.unwrap();
    let message = &h.sink.events()[0].message;
    assert!(message.starts_with("to [EMAIL:"), "{message}");
}

fn firehose_record(id: &str, data: &[u8]) -> Value {
    json!({"recordId": id, "approximateArrivalTimestamp": 1_700_000_000_000i64, "data": STANDARD.encode(data)})
}

#[tokio::test]
async fn firehose_records_come_back_scrubbed_dropped_or_failed() {
    let h = handler_with(
        &[("AWS_LAMBDA_FUNCTION_NAME", "scrubber")],
        MemorySink::default(),
    );
    let good = log_data(SOURCE, &[(1, &pii_message(1)), (2, "plain")]);
    let control = json!({"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "",
        "logStream": "", "subscriptionFilters": [], "logEvents": []});
    let own = log_data("/aws/lambda/scrubber", &[(1, "x")]);
    let payload = json!({
        "invocationId": "inv-1",
        "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/logs",
        "region": "us-east-1",
        "records": [
            firehose_record("r-gz", &decode::gzip(good.to_string().as_bytes())),
            firehose_record("r-plain", good.to_string().as_bytes()),
            firehose_record("r-control", &decode::gzip(control.to_string().as_bytes())),
            firehose_record("r-bad", b"\x1f\x8b not really gzip jane.doe@example.com"),
            firehose_record("r-loop", &decode::gzip(own.to_string().as_bytes())),
            {"recordId": "r-schema", "data": "not base64 at all!"},
        ]
    });
    let out = h.handle_payload(payload, soon(), "r").await.unwrap();
    let records = out["records"].as_array().unwrap();
    let results: Vec<(&str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["recordId"].as_str().unwrap(),
                r["result"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        results,
        vec![
            ("r-gz", "Ok"),
            ("r-plain", "Ok"),
            ("r-control", "Dropped"),
            ("r-bad", "ProcessingFailed"),
            ("r-loop", "Dropped"),
            ("r-schema", "ProcessingFailed"),
        ]
    );
    for r in &records[2..] {
        assert_eq!(
            r["data"], "",
            "no data is passed back for {}",
            r["recordId"]
        );
    }
    let gz = STANDARD
        .decode(records[0]["data"].as_str().unwrap())
        .unwrap();
    assert!(decode::is_gzip(&gz));
    let data: LogData = serde_json::from_slice(&decode::gunzip(&gz, 1 << 20).unwrap()).unwrap();
    let plain: LogData = serde_json::from_slice(
        &STANDARD
            .decode(records[1]["data"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(data, plain);
    assert_eq!(data.log_group, SOURCE);
    assert_eq!(data.log_events[1].message, "plain");
    assert_eq!(
        data.log_events[0].message,
        "req=1 user=[EMAIL] card=[CARD] sms [PHONE] key [AWS_ACCESS_KEY] done"
    );
    assert!(
        h.sink.batches().is_empty(),
        "firehose mode delivers nothing itself"
    );
}

/// Lambda refuses a synchronous response over 6 MB, which fails the whole invocation (and, after
/// Firehose's retries, sends every record raw to S3). Records that would pass the cap are answered
/// `ProcessingFailed` one by one instead, and the response stays under it.
#[tokio::test]
async fn firehose_response_stays_under_lambdas_6_mb() {
    let h = handler_with(&[], MemorySink::default());
    // Nearly incompressible text (a xorshift stream over letters, spaced so no rule reads a token
    // in it): gzip keeps about three quarters of it, so ten 0.9 MB records cannot all come back.
    let mut rng = crate::test_rand::XorShift::new(0x9E37_79B9_7F4A_7C15);
    let mut noise = |n: usize| -> String {
        (0..n)
            .map(|i| {
                let x = rng.below(16);
                if i % 8 == 7 {
                    ' '
                } else {
                    b"0123456789abcdef"[x] as char
                }
            })
            .collect()
    };
    let records: Vec<Value> = (0..10)
        .map(|i| {
            let data = log_data(SOURCE, &[(1, &noise(900_000))]);
            firehose_record(&format!("r{i}"), &decode::gzip(data.to_string().as_bytes()))
        })
        .collect();
    let capture = LogCapture::start();
    let out = h
        .handle_payload(json!({"records": records}), soon(), "r")
        .await
        .unwrap();
    let size = out.to_string().len();
    assert!(size < 6 * 1024 * 1024, "response of {size} bytes");
    let results: Vec<&str> = out["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    assert_eq!(results.len(), 10);
    // The first records fit and are delivered; from the first that does not, none is.
    let ok = results.iter().take_while(|r| **r == "Ok").count();
    assert!((4..10).contains(&ok), "{results:?}");
    assert!(
        results[ok..].iter().all(|r| *r == "ProcessingFailed"),
        "{results:?}"
    );
    assert!(
        capture.lines().iter().any(|l| l.contains("6 MB limit")),
        "the failed record is logged"
    );
}

#[tokio::test]
async fn firehose_record_without_id_fails_the_invocation() {
    let h = handler_with(&[], MemorySink::default());
    let payload = json!({"records": [{"data": ""}]});
    let err = h.handle_payload(payload, soon(), "r").await.unwrap_err();
    assert_eq!(err, HandlerError::NoRecordId { index: 0 });
}

fn kinesis_record(seq: &str, data: &[u8]) -> Value {
    json!({
        "eventSource": "aws:kinesis", "eventID": format!("shardId-000:{seq}"), "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/logs",
        "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "p", "sequenceNumber": seq,
            "approximateArrivalTimestamp": 1_700_000_000.5, "data": STANDARD.encode(data)}
    })
}

#[tokio::test]
async fn kinesis_delivers_in_order_and_reports_failures_from_the_first_bad_record() {
    let h = handler_with(
        &[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", DEST),
            ("LOGSCRUB_MODE", "kinesis"),
            ("LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES", "true"),
        ],
        MemorySink::default(),
    );
    let a = log_data("/app/a", &[(1, &pii_message(1))]);
    let b = log_data("/app/b", &[(2, "b")]);
    let control = json!({"messageType": "CONTROL_MESSAGE", "logGroup": "", "logStream": "",
        "logEvents": []});
    let gz = |v: &Value| decode::gzip(v.to_string().as_bytes());
    let payload = json!({"Records": [
        kinesis_record("1", &gz(&a)),
        kinesis_record("2", &gz(&control)),
        kinesis_record("3", b"not gzip"),
        kinesis_record("4", &gz(&b)),
    ]});
    let out = h.handle_payload(payload, soon(), "r").await.unwrap();
    assert_eq!(
        out,
        json!({"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "4"}]})
    );
    let batches = h.sink.batches();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].1, "/app/a|2024/01/01/[$LATEST]abc");
    assert!(!batches[0].2[0].message.contains("example.com"));

    // All good: no failures.
    let payload = json!({"Records": [kinesis_record("5", &gz(&b))]});
    let out = h.handle_payload(payload, soon(), "r").await.unwrap();
    assert_eq!(out, json!({"batchItemFailures": []}));
}

#[tokio::test]
async fn kinesis_delivery_failure_is_a_batch_item_failure() {
    let sink = MemorySink {
        fail: Some(DeliverError::GaveUp {
            group: DEST.into(),
            error: "ThrottlingException (HTTP 400)".into(),
            attempts: 5,
        }),
        ..MemorySink::default()
    };
    let h = handler_with(
        &[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", DEST),
            ("LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES", "true"),
        ],
        sink,
    );
    let b = log_data("/app/b", &[(2, "b")]);
    let payload =
        json!({"Records": [kinesis_record("9", &decode::gzip(b.to_string().as_bytes()))]});
    let out = h.handle_payload(payload, soon(), "r").await.unwrap();
    assert_eq!(out, json!({"batchItemFailures": [{"itemIdentifier": "9"}]}));
}

/// Without `ReportBatchItemFailures` on the mapping Lambda ignores `batchItemFailures` and treats
/// the batch as processed, so a failed record would be dropped: the whole batch fails instead.
#[tokio::test]
async fn kinesis_without_partial_batch_reporting_fails_the_whole_batch() {
    let h = handler_with(
        &[("LOGSCRUB_DESTINATION_LOG_GROUP", DEST)],
        MemorySink::default(),
    );
    let gz = |v: &Value| decode::gzip(v.to_string().as_bytes());
    let payload = json!({"Records": [
        kinesis_record("1", &gz(&log_data("/app/a", &[(1, "a")]))),
        kinesis_record("2", b"not gzip"),
    ]});
    let err = h.handle_payload(payload, soon(), "r").await.unwrap_err();
    assert!(matches!(err, HandlerError::Malformed { .. }), "{err}");
}

#[test]
fn config_errors_name_the_variable() {
    let err = |vars: &[(&str, &str)]| {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|n| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
            .unwrap_err()
            .to_string()
    };
    assert!(err(&[("LOGSCRUB_MODE", "sqs")]).starts_with("LOGSCRUB_MODE=\"sqs\""));
    assert!(err(&[("LOGSCRUB_MODE", "cloudwatch")]).contains("set LOGSCRUB_DESTINATION_LOG_GROUP"));
    assert!(err(&[("LOGSCRUB_STYLE", "blur")]).starts_with("LOGSCRUB_STYLE=\"blur\""));
    assert!(
        err(&[("LOGSCRUB_MAX_INFLATED_BYTES", "0")]).starts_with("LOGSCRUB_MAX_INFLATED_BYTES")
    );
    // A hash style without a key is refused when the engine is built, naming the variable.
    let c = config(&[("LOGSCRUB_STYLE", "hash")]);
    assert!(
        c.scrubber()
            .unwrap_err()
            .to_string()
            .contains("LOGSCRUB_HASH_KEY")
    );
    let c = config(&[
        ("LOGSCRUB_MODE", "Firehose"),
        ("LOGSCRUB_METRICS_NAMESPACE", "ns"),
    ]);
    assert_eq!(
        (c.mode, c.metrics_namespace.as_str()),
        (Some(Mode::Firehose), "ns")
    );
    assert_eq!(c.max_inflated_bytes, decode::DEFAULT_MAX_INFLATED_BYTES);
    assert!(
        err(&[("LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES", "maybe")])
            .starts_with("LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES=\"maybe\"")
    );
    assert!(err(&[("LOGSCRUB_DEDUPE_KEY", "yes")]).starts_with("LOGSCRUB_DEDUPE_KEY=\"yes\""));
    assert!(config(&[("LOGSCRUB_DEDUPE_KEY", "Event-ID")]).dedupe_key);
    assert!(!config(&[]).dedupe_key);
    // The names used before every setting was LOGSCRUB_* stop the function rather than being
    // silently ignored.
    for old in [
        "MODE",
        "DESTINATION_LOG_GROUP",
        "STYLE",
        "MAX_INFLATED_BYTES",
        "METRICS_NAMESPACE",
    ] {
        let e = err(&[(old, "x")]);
        assert!(
            e.starts_with(&format!(
                "{old} is set, but the setting is now named LOGSCRUB_{old}"
            )),
            "{e}"
        );
    }
}

/// The Lambda reads the same policy as the CLI: user packs (rules, switches, allow entries) from
/// LOGSCRUB_RULES, LOGSCRUB_DISABLE, LOGSCRUB_JSON; a pack that does not load stops it at init
/// with the file and line.
#[test]
fn the_policy_comes_from_the_same_variables_as_the_cli() {
    let dir = std::env::temp_dir().join(format!("logscrub-lambda-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pack = dir.join("team.toml");
    std::fs::write(
        &pack,
        "[[rule]]\nid = \"EMP\"\nregex = 'EMP-[0-9]{6}'\ntriggers = [\"EMP-\"]\n\
         [[allow]]\nvalues = [\"support@clicki.com\"]\n",
    )
    .unwrap();
    let p = pack.to_str().unwrap();
    let c = config(&[
        ("LOGSCRUB_RULES", p),
        ("LOGSCRUB_DISABLE", "PHONE"),
        ("LOGSCRUB_JSON", "off"),
    ]);
    let s = c.scrubber().unwrap();
    let mut out = Vec::new();
    s.scrub(
        br#"{"email":"jane@corp.io","from":"support@clicki.com","id":"EMP-123456","tel":"+1 415 555 0132"}"#,
        &mut out,
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"email":"[EMAIL]","from":"support@clicki.com","id":"[EMP]","tel":"+1 415 555 0132"}"#
    );
    std::fs::write(&pack, "[[rule]]\nid = \"EMP\"\n\nregex = '('\n").unwrap();
    let e = config(&[("LOGSCRUB_RULES", p)])
        .scrubber()
        .unwrap_err()
        .to_string();
    assert!(e.starts_with(&format!("{p}:4: invalid regex")), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deadline_keeps_a_margin() {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let d = deadline_from_epoch_ms(now_ms + 10_000);
    let left = d.saturating_duration_since(Instant::now());
    assert!(
        left <= Duration::from_millis(8_500) && left >= Duration::from_millis(7_000),
        "{left:?}"
    );
    assert!(deadline_from_epoch_ms(now_ms - 5) <= Instant::now());
    assert!(deadline_from_epoch_ms(0) > Instant::now() + Duration::from_secs(30));
    // A duration, as cargo lambda watch sends it.
    let left = deadline_from_epoch_ms(600_000).saturating_duration_since(Instant::now());
    assert!(
        left > Duration::from_secs(590) && left < Duration::from_secs(600),
        "{left:?}"
    );
}

/// The cold-start cost that matters: compiling the rule pack. Printed, not asserted (timings vary).
#[test]
fn init_time_is_printed() {
    let started = Instant::now();
    let scrubber = Config::default().scrubber().unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "init: rule pack compiled ({} rules) in {:.1} ms (this build's profile)",
        scrubber.rules().len(),
        elapsed.as_secs_f64() * 1000.0
    );
}

mod never_panics {
    //! Invariant 3: any bytes, in any of the three envelopes, give an answer or an error, never a
    //! panic, and nothing unscrubbed reaches the sink.
    use super::*;
    use proptest::prelude::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// A valid payload with some bytes overwritten: mostly schema and syntax errors deep inside.
    fn mutated(seed: &[(usize, u8)]) -> Vec<u8> {
        let mut json = log_data(
            SOURCE,
            &[(1_700_000_000_000, "mail jane.doe@example.com"), (2, "x")],
        )
        .to_string()
        .into_bytes();
        for &(at, byte) in seed {
            let i = at % json.len();
            json[i] = byte;
        }
        json
    }

    fn envelopes(data: &[u8]) -> Vec<Value> {
        let gz = decode::gzip(data);
        vec![
            awslogs(&gz),
            awslogs(data),
            json!({"awslogs": {"data": String::from_utf8_lossy(data)}}),
            json!({"records": [firehose_record("r", &gz), firehose_record("s", data)]}),
            json!({"Records": [kinesis_record("1", &gz), kinesis_record("2", data)]}),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let h = handler_with(
                &[("LOGSCRUB_DESTINATION_LOG_GROUP", DEST), ("LOGSCRUB_MAX_INFLATED_BYTES", "4096")],
                MemorySink::default(),
            );
            let rt = runtime();
            for payload in envelopes(&data) {
                let _ = rt.block_on(h.handle_payload(payload, soon(), "p"));
            }
        }

        #[test]
        fn mutated_payloads(seed in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
            let h = handler_with(&[("LOGSCRUB_DESTINATION_LOG_GROUP", DEST)], MemorySink::default());
            let rt = runtime();
            for payload in envelopes(&mutated(&seed)) {
                let _ = rt.block_on(h.handle_payload(payload, soon(), "p"));
            }
            for event in h.sink.events() {
                prop_assert!(!event.message.contains("jane.doe@example.com"), "{}", event.message);
            }
        }
    }
}

/// A sink that panics: a fault outside the per-event guard.
struct PanickingSink;

impl Sink for PanickingSink {
    async fn put(
        &self,
        _group: &str,
        _stream: &str,
        events: &[Event],
        _deadline: Instant,
    ) -> Result<Delivered, DeliverError> {
        // The message quotes content, as a careless panic could.
        panic!("cannot deliver {}", events[0].message);
    }
}

/// A panic outside the per-event guard fails the invocation as `Logscrub.Internal`; its message
/// (which could quote log content) never reaches the runtime's error report.
#[tokio::test]
async fn a_panic_outside_the_guard_is_an_internal_error_without_its_message() {
    let config = config(&[("LOGSCRUB_DESTINATION_LOG_GROUP", DEST)]);
    let scrubber = config.scrubber().unwrap();
    let h = Handler::new(config, scrubber, PanickingSink);
    let payload = subscription(&log_data(SOURCE, &[(1, "secret-ish text")]));
    let err = h
        .handle(LambdaEvent::new(
            payload,
            lambda_runtime::Context::default(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err, HandlerError::Internal);
    let report = lambda_runtime::Diagnostic::from(err);
    assert_eq!(report.error_type, "Logscrub.Internal");
    assert!(
        !report.error_message.contains("secret-ish"),
        "{}",
        report.error_message
    );
    // Other failures keep a stable kind too.
    let report = lambda_runtime::Diagnostic::from(HandlerError::NoDestination);
    assert_eq!(report.error_type, "Logscrub.NoDestination");
}
