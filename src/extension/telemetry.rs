//! Telemetry API batches into scrubbed log events.
//!
//! A batch is a JSON array of `{"time", "type", "record"}`. Function records (`type: function`)
//! are the function's log lines: a string in text log format, an object in JSON log format (written
//! back as the one-line JSON Lambda would have stored). Each is scrubbed through [`crate::guard`],
//! so a line the engine fails on becomes the marker, never itself. `platform.report` becomes one
//! `REPORT` line built from its numbers and request id only, so what Lambda would have written to
//! the function's own group (now closed to it) is not lost. Every other type is skipped and
//! counted: a type this code does not know costs nothing but a count.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::lambda::batch::Event;
use crate::{Findings, Scrubber, guard};

/// What one batch held, besides the events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchCounts {
    /// Function records turned into events.
    pub lines: u64,
    /// Values redacted in them.
    pub findings: u64,
    /// Lines the engine failed on (written as the marker).
    pub internal_errors: u64,
    /// Records of other types, skipped (platform events other than the report, extension logs).
    pub skipped: u64,
    /// A batch that was not a JSON array of records: nothing of it is kept.
    pub malformed: u64,
}

impl BatchCounts {
    /// Adds `other` in.
    pub fn add(&mut self, other: &BatchCounts) {
        self.lines += other.lines;
        self.findings += other.findings;
        self.internal_errors += other.internal_errors;
        self.skipped += other.skipped;
        self.malformed += other.malformed;
    }
}

/// Scrubs the function records of `batch` (a Telemetry API post body) into `out`, in the order of
/// the batch.
pub fn scrub_batch(scrubber: &Scrubber, batch: &[u8], out: &mut Vec<Event>) -> BatchCounts {
    let mut counts = BatchCounts::default();
    let Ok(Value::Array(records)) = serde_json::from_slice::<Value>(batch) else {
        counts.malformed += 1;
        return counts;
    };
    let mut findings = Findings::default();
    let mut bytes = Vec::new();
    for record in &records {
        let timestamp = record
            .get("time")
            .and_then(Value::as_str)
            .and_then(rfc3339_ms)
            .unwrap_or_else(now_ms);
        let text = match (
            record.get("type").and_then(Value::as_str),
            record.get("record"),
        ) {
            (Some("function"), Some(Value::String(line))) => line.clone(),
            // JSON log format: the object as Lambda would have stored it, one line.
            (Some("function"), Some(object)) => object.to_string(),
            (Some("platform.report"), Some(report)) => report_line(report),
            _ => {
                counts.skipped += 1;
                continue;
            }
        };
        bytes.clear();
        match guard::scrub_into(scrubber, text.as_bytes(), &mut bytes, &mut findings) {
            Ok(()) => counts.findings += findings.len() as u64,
            Err(guard::Panicked) => counts.internal_errors += 1,
        }
        counts.lines += 1;
        out.push(Event {
            timestamp,
            // Replacements are ASCII on ASCII boundaries: valid UTF-8 in, valid UTF-8 out.
            message: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    counts
}

/// `platform.report` as the `REPORT` line Lambda writes in text format, from numbers and the
/// request id alone.
fn report_line(report: &Value) -> String {
    let id = report
        .get("requestId")
        .and_then(Value::as_str)
        .unwrap_or("");
    let metric = |name: &str| {
        report
            .get("metrics")
            .and_then(|m| m.get(name))
            .and_then(Value::as_f64)
    };
    let mut line = format!("REPORT RequestId: {id}");
    for (name, label, unit) in [
        ("durationMs", "Duration", "ms"),
        ("billedDurationMs", "Billed Duration", "ms"),
        ("memorySizeMB", "Memory Size", "MB"),
        ("maxMemoryUsedMB", "Max Memory Used", "MB"),
        ("initDurationMs", "Init Duration", "ms"),
    ] {
        if let Some(v) = metric(name) {
            line.push_str(&format!("\t{label}: {v} {unit}"));
        }
    }
    line
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Milliseconds since the epoch of an RFC 3339 UTC time as the Telemetry API writes it
/// (`2022-10-12T00:03:50.000Z`, any number of fraction digits, `Z` or `+00:00`); `None` otherwise.
pub fn rfc3339_ms(time: &str) -> Option<i64> {
    let b = time.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = time.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = &time[start..i];
        let padded: String = digits.chars().chain("000".chars()).take(3).collect();
        millis = padded.parse().ok()?;
    }
    match &time[i..] {
        "Z" | "z" | "+00:00" | "-00:00" => {}
        _ => return None,
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_as_the_telemetry_api_writes_them() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            rfc3339_ms("2022-10-12T00:03:50.000Z"),
            Some(1_665_533_030_000)
        );
        assert_eq!(
            rfc3339_ms("2022-10-12T00:03:50.123456Z"),
            Some(1_665_533_030_123)
        );
        assert_eq!(
            rfc3339_ms("2024-02-29T23:59:59.9+00:00"),
            Some(1_709_251_199_900)
        );
        for bad in [
            "",
            "2022-10-12",
            "2022-13-12T00:00:00Z",
            "2022-10-12T00:00:00+02:00",
            "x022-10-12T00:00:00Z",
        ] {
            assert_eq!(rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn function_records_are_scrubbed_and_others_counted() {
        let s = Scrubber::builtin().unwrap();
        let batch = serde_json::json!([
            {"time": "2022-10-12T00:03:50.000Z", "type": "function", "record": "mail jane@example.com\n"},
            {"time": "2022-10-12T00:03:50.001Z", "type": "function",
             "record": {"level": "INFO", "message": "card 4111 1111 1111 1111", "requestId": "r1"}},
            {"time": "2022-10-12T00:03:50.002Z", "type": "platform.start", "record": {"requestId": "r1"}},
            {"time": "2022-10-12T00:03:50.003Z", "type": "platform.restoreStart", "record": {}},
            {"time": "2022-10-12T00:03:50.004Z", "type": "platform.report",
             "record": {"requestId": "r1", "metrics": {"durationMs": 1.5, "billedDurationMs": 2,
                        "memorySizeMB": 128, "maxMemoryUsedMB": 40}, "status": "success"}},
        ]);
        let mut out = Vec::new();
        let counts = scrub_batch(&s, batch.to_string().as_bytes(), &mut out);
        assert_eq!((counts.lines, counts.skipped, counts.findings), (3, 2, 2));
        assert_eq!(out[0].message, "mail [EMAIL]\n");
        assert_eq!(out[0].timestamp, 1_665_533_030_000);
        assert!(
            out[1].message.contains("\"message\":\"card [CARD]\""),
            "{}",
            out[1].message
        );
        assert_eq!(
            out[2].message,
            "REPORT RequestId: r1\tDuration: 1.5 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"
        );
        let mut none = Vec::new();
        assert_eq!(
            scrub_batch(&s, b"{\"not\":\"an array\"}", &mut none).malformed,
            1
        );
        assert!(none.is_empty());
    }
}
