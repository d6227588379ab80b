//! The Lambda path as the benchmarks run it: a subscription payload built the way CloudWatch Logs
//! builds one (JSON, gzip, base64), and what the function does with it — decode, scrub every
//! event, sort and cut into PutLogEvents batches — short of the network call.

use base64::Engine as _;
use logscrub::Scrubber;
use logscrub::lambda::{batch, decode, scrub};

/// A subscription payload's `awslogs.data` holding `lines` of `text` as events, and the bytes of the
/// messages it holds.
pub fn payload(text: &[u8]) -> (String, usize) {
    let events: Vec<serde_json::Value> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            serde_json::json!({
                "id": format!("{:056}", i),
                "timestamp": 1_763_900_000_000i64 + i as i64,
                "message": String::from_utf8_lossy(line),
            })
        })
        .collect();
    let bytes = events
        .iter()
        .map(|e| e["message"].as_str().map_or(0, str::len))
        .sum();
    let doc = serde_json::json!({
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/aws/lambda/payouts",
        "logStream": "2026/11/23/[$LATEST]0123456789abcdef",
        "subscriptionFilters": ["logscrub"],
        "logEvents": events,
    });
    let json = serde_json::to_vec(&doc).unwrap_or_default();
    (
        base64::engine::general_purpose::STANDARD.encode(decode::gzip(&json)),
        bytes,
    )
}

/// Base64 and gunzip alone: the inflated payload's length.
#[allow(dead_code)] // The lambda bench does not measure it.
pub fn decode_only(data: &str) -> usize {
    decode::base64(data)
        .and_then(|gz| decode::gunzip(&gz, decode::DEFAULT_MAX_INFLATED_BYTES))
        .map_or(0, |json| json.len())
}

pub fn end_to_end(scrubber: &Scrubber, data: &str) -> usize {
    let Ok(mut log) = decode::subscription_data(data, decode::DEFAULT_MAX_INFLATED_BYTES) else {
        return 0;
    };
    let mut tally = scrub::Tally::default();
    scrub::scrub_events(scrubber, &mut log.log_events, &mut tally);
    let mut events: Vec<batch::Event> = log
        .log_events
        .into_iter()
        .map(|e| batch::Event {
            timestamp: e.timestamp,
            message: e.message,
        })
        .collect();
    batch::prepare(&mut events);
    batch::split(&events).len()
}
