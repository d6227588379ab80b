//! The Lambda handler against real CloudWatch Logs APIs: moto's server, and small fake endpoints.
//!
//! The moto tests need `LOGSCRUB_MOTO_ENDPOINT` (and `AWS_ENDPOINT_URL` set to the same URL, because
//! the handler must find the endpoint through standard AWS configuration, as it does in AWS).
//! `scripts/test.sh` starts moto and sets both; without them these tests print a SKIPPED notice on
//! stderr and do nothing — except under CI (`CI` set), where a missing endpoint fails them. They never
//! run against a real AWS account.
//!
//! The fake-endpoint tests always run: a thread on 127.0.0.1 answers PutLogEvents with throttling
//! errors or 503s, which moto cannot be asked to do, to prove the retries through the real SDK. A
//! throttling proxy in front of moto (`throttling_proxy`) then proves what the retries deliver: every
//! event, once, scrubbed and in order when throttling passes; and when it outlasts the deadline, an
//! error for the invocation after the batches that did land, none skipped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::config::{Credentials, Region};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lambda_runtime::{Context, LambdaEvent};
use logscrub::Scrubber;
use logscrub::lambda::deliver::{CloudWatchSink, stream_name};
use logscrub::lambda::metrics::LogCapture;
use logscrub::lambda::{Config, Handler, HandlerError, decode};
use serde_json::{Value, json};

const PII: [&str; 5] = [
    "jane.doe@example.com",
    "4111 1111 1111 1111",
    "+14155550132",
    "AKIAIOSFODNN7EXAMPLE",
    "078-05-1120",
];

/// Asserts that the function logged `count` lines of `level` for `event` (a test that provokes a
/// failure captures its log lines, so a green run stays quiet), and that no log line holds PII.
fn assert_logged(logs: &LogCapture, level: &str, event: &str, count: usize) {
    let lines = logs.lines();
    let matching = lines
        .iter()
        .filter(|l| {
            l.contains(&format!("\"level\":\"{level}\""))
                && l.contains(&format!("\"event\":\"{event}\""))
        })
        .count();
    assert_eq!(matching, count, "{level} {event} lines in {lines:#?}");
    for line in &lines {
        for pii in PII {
            assert!(!line.contains(pii), "a log line holds PII: {line}");
        }
        assert!(
            !line.contains("example.com"),
            "a log line holds PII: {line}"
        );
    }
}

/// The moto endpoint, or `None` after printing why the test is skipped.
fn moto_endpoint(test: &str) -> Option<String> {
    match std::env::var("LOGSCRUB_MOTO_ENDPOINT") {
        Ok(url) if !url.is_empty() => {
            assert_eq!(
                std::env::var("AWS_ENDPOINT_URL").ok().as_deref(),
                Some(url.as_str()),
                "set AWS_ENDPOINT_URL to the moto endpoint as well: the handler reaches it through \
                 standard AWS configuration"
            );
            Some(url)
        }
        _ => {
            // In CI a skip would pass without testing anything: there, a missing endpoint fails.
            assert!(
                std::env::var_os("CI").is_none(),
                "{test}: LOGSCRUB_MOTO_ENDPOINT is not set under CI; run the tests through \
                 scripts/test.sh, which starts moto"
            );
            // Straight to the stderr handle: the test harness captures eprintln! of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: LOGSCRUB_MOTO_ENDPOINT is not set (scripts/test.sh starts moto \
                 and sets it)"
            );
            None
        }
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// [`config`] plus further settings.
fn config_with(destination: &str, extra: &[(&str, &str)]) -> Config {
    let destination = destination.to_string();
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(move |name| match name {
        "LOGSCRUB_DESTINATION_LOG_GROUP" => Some(destination.clone()),
        "AWS_LAMBDA_FUNCTION_NAME" => Some("logscrub-e2e".into()),
        _ => extra
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone()),
    })
    .unwrap()
}

fn handler(destination: &str, sink: CloudWatchSink) -> Handler<CloudWatchSink> {
    handler_with(destination, sink, &[])
}

/// [`handler`] with further settings.
fn handler_with(
    destination: &str,
    sink: CloudWatchSink,
    extra: &[(&str, &str)],
) -> Handler<CloudWatchSink> {
    let config = config_with(destination, extra);
    let scrubber = config.scrubber().unwrap();
    Handler::new(config, scrubber, sink)
}

/// A subscription payload built the way CloudWatch Logs builds it: JSON, gzip, base64.
fn subscription(group: &str, stream: &str, events: &[(i64, String)]) -> Value {
    let data = json!({
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": group,
        "logStream": stream,
        "subscriptionFilters": ["logscrub"],
        "logEvents": events
            .iter()
            .enumerate()
            .map(|(i, (ts, m))| json!({"id": i.to_string(), "timestamp": ts, "message": m}))
            .collect::<Vec<_>>(),
    });
    json!({"awslogs": {"data": STANDARD.encode(decode::gzip(data.to_string().as_bytes()))}})
}

/// An invocation as the runtime makes it, with a deadline `secs` from now.
fn invocation(payload: Value, secs: u64) -> LambdaEvent<Value> {
    let mut context = Context::default();
    context.request_id = "e2e-request".into();
    context.deadline = (now_ms() as u64) + secs * 1000;
    LambdaEvent::new(payload, context)
}

/// Events with PII, `n` of them, about `len` bytes each, timestamps in the last minute and out of
/// order (ties included).
fn pii_events(n: usize, len: usize) -> Vec<(i64, String)> {
    let base = now_ms() - 60_000;
    (0..n)
        .map(|i| {
            let mut message = format!(
                "{{\"req\":{i},\"user\":\"{}\",\"card\":\"{}\",\"msg\":\"sms {}\",\"key\":\"{}\",\"ssn\":\"{}\",\"pad\":\"",
                PII[0], PII[1], PII[2], PII[3], PII[4]
            );
            while message.len() < len {
                message.push_str("lorem ipsum ");
            }
            message.push_str("\"}");
            (base + ((i * 7919) % n) as i64 / 2, message)
        })
        .collect()
}

async fn all_events(client: &Client, group: &str, stream: &str) -> Vec<(i64, String)> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .start_from_head(true)
            .set_next_token(token.clone())
            .send()
            .await
            .expect("GetLogEvents");
        let got = page.events();
        events.extend(got.iter().map(|e| {
            (
                e.timestamp().unwrap_or_default(),
                e.message().unwrap_or_default().to_string(),
            )
        }));
        let next = page.next_forward_token().map(str::to_string);
        if got.is_empty() || next.is_none() || next == token {
            return events;
        }
        token = next;
    }
}

/// What the destination must hold for one invocation's `events`: each scrubbed, in chronological
/// order (a stable sort, as the handler's, so ties keep their input order).
fn scrubbed_in_order(scrubber: &Scrubber, events: &[(i64, String)]) -> Vec<(i64, String)> {
    let mut scrubbed: Vec<(i64, String)> = events
        .iter()
        .map(|(ts, m)| {
            let mut out = Vec::new();
            scrubber.scrub(m.as_bytes(), &mut out);
            (*ts, String::from_utf8(out).unwrap())
        })
        .collect();
    scrubbed.sort_by_key(|e| e.0);
    scrubbed
}

#[tokio::test]
async fn moto_every_event_arrives_scrubbed_and_in_order() {
    if moto_endpoint("moto_every_event_arrives_scrubbed_and_in_order").is_none() {
        return;
    }
    let sink = CloudWatchSink::from_env().await;
    let client = sink.client().clone();
    let destination = "/logscrub/e2e/scrubbed";
    client
        .create_log_group()
        .log_group_name(destination)
        .send()
        .await
        .expect("CreateLogGroup on moto (is moto_server running?)");
    let h = handler(destination, sink);
    let (source, source_stream) = ("/app/payments", "i-0abc:eth0*worker");
    // 600 events of 2 KB: more than one PutLogEvents batch (1 MB).
    let events = pii_events(600, 2_000);
    let out = h
        .handle(invocation(subscription(source, source_stream, &events), 60))
        .await
        .expect("handler");
    assert_eq!(out["delivered"], 600, "{out}");
    assert!(out["batches"].as_u64().unwrap() >= 2, "{out}");
    assert_eq!(out["findings"], 3_000, "{out}");

    // A second invocation for the same source goes to the same, now existing, stream.
    let later: Vec<(i64, String)> = pii_events(50, 100)
        .into_iter()
        .map(|(ts, m)| (ts + 30_000, m))
        .collect();
    h.handle(invocation(subscription(source, source_stream, &later), 60))
        .await
        .expect("second invocation");

    let stream = stream_name(source, source_stream);
    assert_eq!(stream, "/app/payments|i-0abc%3Aeth0%2Aworker");
    let stored = all_events(&client, destination, &stream).await;
    let scrubber = h.config().scrubber().unwrap();
    let mut expected = scrubbed_in_order(&scrubber, &events);
    expected.extend(scrubbed_in_order(&scrubber, &later));
    assert_eq!(stored.len(), 650, "every event arrived");
    assert!(
        stored.windows(2).all(|w| w[0].0 <= w[1].0),
        "in chronological order"
    );
    assert_eq!(stored, expected, "each event is its input, scrubbed");
    for (_, message) in &stored {
        for value in PII {
            assert!(!message.contains(value), "{value} reached the destination");
        }
    }
}

#[tokio::test]
async fn moto_missing_or_deleted_destination_fails_the_invocation() {
    if moto_endpoint("moto_missing_or_deleted_destination_fails_the_invocation").is_none() {
        return;
    }
    let logs = LogCapture::start();
    let sink = CloudWatchSink::from_env().await;
    let client = sink.client().clone();
    let destination = "/logscrub/e2e/deleted";
    let h = handler(destination, sink);
    let events = pii_events(20, 100);

    // Never created.
    let err = h
        .handle(invocation(subscription("/app/a", "s", &events), 30))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            HandlerError::Deliver {
                undelivered: 20,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("does not exist"), "{err}");

    // Created, delivered to, then deleted: the next invocation fails rather than losing events.
    client
        .create_log_group()
        .log_group_name(destination)
        .send()
        .await
        .expect("CreateLogGroup");
    h.handle(invocation(subscription("/app/a", "s", &events), 30))
        .await
        .expect("delivery while the group exists");
    client
        .delete_log_group()
        .log_group_name(destination)
        .send()
        .await
        .expect("DeleteLogGroup");
    let err = h
        .handle(invocation(subscription("/app/a", "s", &events), 30))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(!err.to_string().contains("example.com"), "{err}");
    assert_logged(&logs, "ERROR", "invocation", 2);
}

#[tokio::test]
async fn moto_events_outside_the_accepted_window_are_counted_as_rejected() {
    if moto_endpoint("moto_events_outside_the_accepted_window_are_counted_as_rejected").is_none() {
        return;
    }
    let logs = LogCapture::start();
    let sink = CloudWatchSink::from_env().await;
    let client = sink.client().clone();
    let destination = "/logscrub/e2e/window";
    client
        .create_log_group()
        .log_group_name(destination)
        .send()
        .await
        .expect("CreateLogGroup");
    let h = handler(destination, sink);
    let now = now_ms();
    // moto reads the too-old end index as inclusive where AWS documents it exclusive, so only
    // the too-new side is checked against moto; `rejected_events_follow_the_aws_contract` checks
    // the too-old side against AWS's documented answer.
    let events = vec![
        (now - 1_000, "fine".to_string()),
        (now + 3 * 3_600_000, "too new".to_string()),
    ];
    let out = h
        .handle(invocation(subscription("/app/w", "s", &events), 30))
        .await
        .expect("handler");
    assert_eq!(
        (out["delivered"].as_u64(), out["rejected"].as_u64()),
        (Some(1), Some(1)),
        "{out}"
    );
    assert_logged(&logs, "WARN", "rejected", 1);
}

/// AWS's API reference: `tooOldLogEventEndIndex` is exclusive, `tooNewLogEventStartIndex`
/// inclusive. Of three events, 1 and 2 mean: event 0 too old, event 2 too new, event 1 stored.
#[tokio::test]
async fn rejected_events_follow_the_aws_contract() {
    let answer = r#"{"nextSequenceToken":"1","rejectedLogEventsInfo":{"tooOldLogEventEndIndex":1,"tooNewLogEventStartIndex":2}}"#;
    let (url, _) = fake_endpoint(vec![(200, answer.to_string())], 10);
    let h = handler("/dest", sink_at(&url).await);
    let out = h
        .handle(invocation(
            subscription("/app", "s", &pii_events(3, 50)),
            30,
        ))
        .await
        .expect("handler");
    assert_eq!(
        (out["delivered"].as_u64(), out["rejected"].as_u64()),
        (Some(1), Some(2)),
        "{out}"
    );
}

/// A CreateLogStream that is throttled did not create the stream: the next "stream not found"
/// creates it again, rather than retrying PutLogEvents into the same error until the deadline.
#[tokio::test]
async fn a_throttled_create_log_stream_is_tried_again() {
    let not_found = (
        400,
        r#"{"__type":"ResourceNotFoundException","message":"The specified log stream does not exist."}"#
            .to_string(),
    );
    let throttled = (
        400,
        r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_string(),
    );
    let ok = (200, "{}".to_string());
    let (url, _, ops) = scripted_endpoint(
        vec![not_found.clone(), throttled, not_found, ok.clone(), ok],
        10,
    );
    let h = handler("/dest", sink_at(&url).await);
    let out = h
        .handle(invocation(
            subscription("/app", "s", &pii_events(4, 50)),
            10,
        ))
        .await
        .expect("delivered once the stream exists");
    assert_eq!(out["delivered"], 4);
    assert_eq!(
        *ops.lock().unwrap(),
        [
            "PutLogEvents",
            "CreateLogStream",
            "PutLogEvents",
            "CreateLogStream",
            "PutLogEvents"
        ]
    );
}

/// A local endpoint that answers each request with the next of `answers` (the last one repeats),
/// for at most `limit` requests; counts the requests.
fn fake_endpoint(answers: Vec<(u16, String)>, limit: usize) -> (String, Arc<AtomicUsize>) {
    let (url, count, _) = scripted_endpoint(answers, limit);
    (url, count)
}

/// [`fake_endpoint`], also recording the operation of each request (`PutLogEvents`,
/// `CreateLogStream`, from its `X-Amz-Target`), in order.
fn scripted_endpoint(
    answers: Vec<(u16, String)>,
    limit: usize,
) -> (String, Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let served = Arc::clone(&count);
    let ops = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&ops);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(limit) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("x-amz-target:") {
                    let op = line.rsplit('.').next().unwrap_or("").trim().to_string();
                    seen.lock().unwrap().push(op);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let n = served.fetch_add(1, Ordering::SeqCst);
            let (status, body) = &answers[n.min(answers.len() - 1)];
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.1\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, count, ops)
}

async fn sink_at(endpoint: &str) -> CloudWatchSink {
    let config = CloudWatchSink::config_loader()
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .load()
        .await;
    CloudWatchSink::new(Client::new(&config))
}

#[tokio::test]
async fn throttling_is_retried_until_the_batch_lands() {
    let throttled = (
        400,
        r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_string(),
    );
    let (url, requests) = fake_endpoint(
        vec![throttled.clone(), throttled, (200, "{}".to_string())],
        10,
    );
    let h = handler("/dest", sink_at(&url).await);
    let out = h
        .handle(invocation(
            subscription("/app", "s", &pii_events(5, 50)),
            30,
        ))
        .await
        .expect("delivered after two throttled attempts");
    assert_eq!(out["delivered"], 5);
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn server_errors_until_the_deadline_fail_the_invocation() {
    let logs = LogCapture::start();
    let (url, requests) = fake_endpoint(vec![(503, "{}".to_string())], 1_000);
    let h = handler("/dest", sink_at(&url).await);
    let started = Instant::now();
    // 4 s to the deadline, less the handler's 1.5 s margin.
    let err = h
        .handle(invocation(subscription("/app", "s", &pii_events(5, 50)), 4))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("5 events of log group /app not delivered"),
        "{text}"
    );
    assert!(text.contains("HTTP 503"), "{text}");
    assert!(requests.load(Ordering::SeqCst) >= 2, "retried");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "gave up before the deadline"
    );
    assert_logged(&logs, "ERROR", "invocation", 1);
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_the_invocation() {
    let logs = LogCapture::start();
    // Bind and drop: a port on which nothing listens.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let h = handler("/dest", sink_at(&format!("http://127.0.0.1:{port}")).await);
    let err = h
        .handle(invocation(subscription("/app", "s", &pii_events(3, 50)), 3))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("could not connect or send"),
        "{err}"
    );
    assert_logged(&logs, "ERROR", "invocation", 1);
}

/// Reads one HTTP/1.1 message head and its `Content-Length` body from `reader`.
fn read_message(reader: &mut impl BufRead) -> Option<(Vec<String>, Vec<u8>)> {
    let mut head = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        head.push(line);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// Writes a message head (without its `Connection` header, which becomes `close`) and body.
fn write_message(out: &mut impl Write, head: &[String], body: &[u8]) -> std::io::Result<()> {
    for line in head {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.write_all(line.as_bytes())?;
        }
    }
    out.write_all(b"Connection: close\r\n\r\n")?;
    out.write_all(body)?;
    out.flush()
}

/// What the fault proxy does with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// Forward it to moto and relay moto's answer.
    Pass,
    /// Answer `ThrottlingException` without forwarding.
    Throttle,
    /// Forward it to moto (so it takes effect) but answer 500: a response lost on the way back.
    LoseResponse,
}

/// A proxy in front of moto: each request is forwarded unchanged unless `plan(operation, n)` says
/// otherwise (`operation` from `X-Amz-Target`, such as `PutLogEvents`; `n` counts that
/// operation's calls from 0). Returns the proxy's URL and the operations it saw, in order.
fn fault_proxy(
    moto: &str,
    plan: impl Fn(&str, usize) -> Fault + Send + 'static,
) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let moto_addr = moto
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut calls = std::collections::HashMap::<String, usize>::new();
        for stream in listener.incoming() {
            let Ok(mut client) = stream else { continue };
            let mut reader = BufReader::new(client.try_clone().unwrap());
            let Some((head, body)) = read_message(&mut reader) else {
                continue;
            };
            let operation = head
                .iter()
                .find(|l| l.to_ascii_lowercase().starts_with("x-amz-target:"))
                .and_then(|l| l.rsplit('.').next())
                .map(|op| op.trim().to_string())
                .unwrap_or_default();
            let n = calls.entry(operation.clone()).or_default();
            let fault = plan(&operation, *n);
            *n += 1;
            log.lock().unwrap().push(operation);
            let answer = |client: &mut std::net::TcpStream, status: &str, body: &str| {
                let _ = write!(
                    client,
                    "HTTP/1.1 {status}\r\nContent-Type: application/x-amz-json-1.1\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            };
            if fault == Fault::Throttle {
                let body = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
                answer(&mut client, "400 Bad Request", body);
                continue;
            }
            let Ok(mut upstream) = std::net::TcpStream::connect(&moto_addr) else {
                continue;
            };
            if write_message(&mut upstream, &head, &body).is_err() {
                continue;
            }
            let mut from_moto = BufReader::new(upstream);
            let Some((head, body)) = read_message(&mut from_moto) else {
                continue;
            };
            if fault == Fault::LoseResponse {
                let body = r#"{"__type":"ServiceUnavailableException","message":"lost"}"#;
                answer(&mut client, "500 Internal Server Error", body);
            } else {
                let _ = write_message(&mut client, &head, &body);
            }
        }
    });
    (url, seen)
}

/// [`fault_proxy`] throttling the PutLogEvents calls `throttle(n)` picks; returns the number of
/// PutLogEvents calls seen.
fn throttling_proxy(
    moto: &str,
    throttle: impl Fn(usize) -> bool + Send + 'static,
) -> (String, Arc<AtomicUsize>) {
    let puts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&puts);
    let (url, _) = fault_proxy(moto, move |op, n| {
        if op != "PutLogEvents" {
            return Fault::Pass;
        }
        counter.fetch_add(1, Ordering::SeqCst);
        if throttle(n) {
            Fault::Throttle
        } else {
            Fault::Pass
        }
    });
    (url, puts)
}

/// Creates `destination` and the stream for `source`/`stream` in it on moto (so every PutLogEvents
/// call is a delivery attempt), and returns a client that talks to moto directly.
async fn destination_stream(destination: &str, source: &str, stream: &str) -> Client {
    let direct = CloudWatchSink::from_env().await.client().clone();
    direct
        .create_log_group()
        .log_group_name(destination)
        .send()
        .await
        .expect("CreateLogGroup on moto");
    direct
        .create_log_stream()
        .log_group_name(destination)
        .log_stream_name(stream_name(source, stream))
        .send()
        .await
        .expect("CreateLogStream on moto");
    direct
}

#[tokio::test]
async fn moto_throttled_batches_arrive_once_each_after_retries() {
    let Some(moto) = moto_endpoint("moto_throttled_batches_arrive_once_each_after_retries") else {
        return;
    };
    let destination = "/logscrub/e2e/throttled";
    let direct = destination_stream(destination, "/app/throttled", "s1").await;
    // Every second PutLogEvents call is throttled: each batch lands on its second attempt.
    let (proxy, puts) = throttling_proxy(&moto, |n| n % 2 == 0);
    let h = handler(destination, sink_at(&proxy).await);
    let events = pii_events(700, 2_000);
    let out = h
        .handle(invocation(
            subscription("/app/throttled", "s1", &events),
            60,
        ))
        .await
        .expect("delivered despite throttling");
    let batches = out["batches"].as_u64().unwrap() as usize;
    assert!(batches >= 2, "{out}");
    assert_eq!(out["delivered"], 700, "{out}");
    assert_eq!(
        puts.load(Ordering::SeqCst),
        2 * batches,
        "one retry per batch"
    );

    let stored = all_events(&direct, destination, &stream_name("/app/throttled", "s1")).await;
    let expected = scrubbed_in_order(&h.config().scrubber().unwrap(), &events);
    assert_eq!(stored.len(), 700, "no event lost, none stored twice");
    assert_eq!(
        stored, expected,
        "each event is its input, scrubbed, in order"
    );
}

#[tokio::test]
async fn moto_a_batch_throttled_past_the_deadline_fails_the_invocation_after_earlier_ones_landed() {
    let Some(moto) = moto_endpoint(
        "moto_a_batch_throttled_past_the_deadline_fails_the_invocation_after_earlier_ones_landed",
    ) else {
        return;
    };
    let destination = "/logscrub/e2e/throttled-forever";
    let direct = destination_stream(destination, "/app/throttled", "s2").await;
    // The first batch lands; every call after it is throttled.
    let (proxy, _) = throttling_proxy(&moto, |n| n >= 1);
    let logs = LogCapture::start();
    let h = handler(destination, sink_at(&proxy).await);
    let events = pii_events(700, 2_000);
    let err = h
        .handle(invocation(subscription("/app/throttled", "s2", &events), 5))
        .await
        .expect_err("undelivered events fail the invocation, so Lambda retries the payload");
    let text = err.to_string();
    assert!(text.contains("not delivered"), "{text}");
    assert!(text.contains("/app/throttled"), "{text}");
    for value in PII {
        assert!(!text.contains(value), "{text}");
    }
    // What did land is scrubbed, and is a prefix of the chronological events: the retried payload
    // can repeat it, but nothing is skipped.
    let stored = all_events(&direct, destination, &stream_name("/app/throttled", "s2")).await;
    assert!(!stored.is_empty() && stored.len() < 700, "{}", stored.len());
    let mut sorted = events.clone();
    sorted.sort_by_key(|e| e.0);
    for ((ts, message), (want_ts, _)) in stored.iter().zip(&sorted) {
        assert_eq!(ts, want_ts);
        for value in PII {
            assert!(!message.contains(value), "{value} reached the destination");
        }
    }
    assert_logged(&logs, "ERROR", "invocation", 1);
}

/// Delivery fault 3, against moto: CreateLogStream throttled once. The stream does not exist, so
/// moto answers the first PutLogEvents "not found"; the throttled create did not create it, so the
/// next "not found" creates it again (before the fix the handler thought it created and retried
/// PutLogEvents into "not found" until the deadline), and every event lands once.
#[tokio::test]
async fn moto_a_throttled_create_log_stream_is_created_again() {
    let Some(moto) = moto_endpoint("moto_a_throttled_create_log_stream_is_created_again") else {
        return;
    };
    let destination = "/logscrub/e2e/create-throttled";
    let direct = CloudWatchSink::from_env().await.client().clone();
    direct
        .create_log_group()
        .log_group_name(destination)
        .send()
        .await
        .expect("CreateLogGroup on moto");
    let (proxy, seen) = fault_proxy(&moto, |op, n| {
        if op == "CreateLogStream" && n == 0 {
            Fault::Throttle
        } else {
            Fault::Pass
        }
    });
    let h = handler(destination, sink_at(&proxy).await);
    let events = pii_events(50, 100);
    let out = h
        .handle(invocation(subscription("/app/create", "s", &events), 20))
        .await
        .expect("delivered once the stream exists");
    assert_eq!(out["delivered"], 50, "{out}");
    let stored = all_events(&direct, destination, &stream_name("/app/create", "s")).await;
    assert_eq!(stored.len(), 50);
    let creates = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|op| *op == "CreateLogStream")
        .count();
    assert_eq!(creates, 2, "{:?}", seen.lock().unwrap());
}

/// Delivery fault 4, the duplicate scope, against moto. A PutLogEvents call that landed but whose
/// answer was lost is retried: that batch is stored twice, and nothing else is. A payload that
/// fails after its first batch landed is retried whole by Lambda: the landed batch is stored once
/// more per retry, the rest once. Within one invocation, a batch that landed is never sent again.
#[tokio::test]
async fn moto_duplicates_stay_within_their_documented_scope() {
    let Some(moto) = moto_endpoint("moto_duplicates_stay_within_their_documented_scope") else {
        return;
    };
    let destination = "/logscrub/e2e/duplicates";
    let direct = destination_stream(destination, "/app/dup", "lost").await;
    let (proxy, _) = fault_proxy(&moto, |op, n| {
        if op == "PutLogEvents" && n == 0 {
            Fault::LoseResponse
        } else {
            Fault::Pass
        }
    });
    let h = handler(destination, sink_at(&proxy).await);
    let events = pii_events(30, 100);
    let out = h
        .handle(invocation(subscription("/app/dup", "lost", &events), 20))
        .await
        .expect("the retry is answered");
    assert_eq!(out["batches"], 1, "{out}");
    let stored = all_events(&direct, destination, &stream_name("/app/dup", "lost")).await;
    assert_eq!(
        stored.len(),
        60,
        "the one batch whose answer was lost, twice; nothing more"
    );

    // Two batches; the second is throttled once (a transient fault within the invocation): the
    // first is not sent again.
    let stream = "transient";
    destination_stream_only(&direct, destination, "/app/dup", stream).await;
    let (proxy, seen) = fault_proxy(&moto, |op, n| {
        if op == "PutLogEvents" && n == 1 {
            Fault::Throttle
        } else {
            Fault::Pass
        }
    });
    let h = handler(destination, sink_at(&proxy).await);
    let events = pii_events(700, 2_000);
    let out = h
        .handle(invocation(subscription("/app/dup", stream, &events), 30))
        .await
        .expect("delivered");
    let batches = out["batches"].as_u64().unwrap() as usize;
    assert!(batches >= 2, "{out}");
    let puts = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|op| *op == "PutLogEvents")
        .count();
    assert_eq!(puts, batches + 1, "only the throttled batch is sent again");
    let stored = all_events(&direct, destination, &stream_name("/app/dup", stream)).await;
    assert_eq!(stored.len(), 700);
}

/// Delivery fault 4, the dedupe key: with `LOGSCRUB_DEDUPE_KEY=event-id` each stored event starts
/// with its source event id. A lost answer stores a batch twice and a failed payload retried by
/// Lambda stores its landed batches again; grouping the stored events by key gives back every
/// source event exactly once, each its input scrubbed.
#[tokio::test]
async fn moto_duplicates_carry_the_source_event_id_as_a_dedupe_key() {
    let Some(moto) = moto_endpoint("moto_duplicates_carry_the_source_event_id_as_a_dedupe_key")
    else {
        return;
    };
    let destination = "/logscrub/e2e/dedupe";
    let direct = destination_stream(destination, "/app/dedupe", "s").await;
    let keyed = |sink| handler_with(destination, sink, &[("LOGSCRUB_DEDUPE_KEY", "event-id")]);
    let events = pii_events(700, 2_000);
    let payload = subscription("/app/dedupe", "s", &events);
    // First attempt: the first answer is lost (that batch is stored twice), then everything after
    // the first batch is throttled until the deadline, so the invocation fails.
    let (proxy, _) = fault_proxy(&moto, |op, n| match (op, n) {
        ("PutLogEvents", 0) => Fault::LoseResponse,
        ("PutLogEvents", 1) => Fault::Pass,
        ("PutLogEvents", _) => Fault::Throttle,
        _ => Fault::Pass,
    });
    let h = keyed(sink_at(&proxy).await);
    h.handle(invocation(payload.clone(), 5))
        .await
        .expect_err("undelivered events fail the invocation");
    // Lambda's retry of the same payload: everything lands.
    let h = keyed(sink_at(&moto).await);
    h.handle(invocation(payload, 30))
        .await
        .expect("the retry is delivered");

    let stored = all_events(&direct, destination, &stream_name("/app/dedupe", "s")).await;
    assert!(
        stored.len() > 700,
        "this run stores duplicates: {}",
        stored.len()
    );
    let scrubber = h.config().scrubber().unwrap();
    let mut by_key: std::collections::BTreeMap<usize, Vec<&(i64, String)>> = Default::default();
    for event in &stored {
        let (key, _) = event
            .1
            .split_once(' ')
            .expect("every event starts with its key");
        let key: usize = key.parse().expect("the key is the source event id");
        by_key.entry(key).or_default().push(event);
    }
    assert_eq!(by_key.len(), 700, "every source event, under its own id");
    for (id, copies) in &by_key {
        let (ts, message) = &events[*id];
        let mut want = Vec::new();
        scrubber.scrub(message.as_bytes(), &mut want);
        let want = format!("{id} {}", String::from_utf8(want).unwrap());
        for copy in copies {
            assert_eq!((&copy.0, &copy.1), (ts, &want), "event {id}");
        }
    }
    assert!(by_key.values().any(|c| c.len() > 1));
}

/// Creates the stream for `source`/`stream` in an existing `destination` on moto.
async fn destination_stream_only(direct: &Client, destination: &str, source: &str, stream: &str) {
    direct
        .create_log_stream()
        .log_group_name(destination)
        .log_stream_name(stream_name(source, stream))
        .send()
        .await
        .expect("CreateLogStream on moto");
}
