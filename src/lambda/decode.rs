//! Turning the bytes AWS hands the function into a [`LogData`]: base64, then gunzip with a cap on the
//! inflated size, then the CloudWatch Logs JSON schema.
//!
//! Every way this can fail is a [`DecodeError`] that names the problem, and none of them quotes the
//! input: a decoder's message can carry a piece of the payload (serde_json's "invalid type: string
//! \"...\"" does), and the payload is exactly the unscrubbed log text this function exists to keep out
//! of logs. Errors carry offsets, sizes and field names instead.
//!
//! aws_lambda_events' own `LogsEvent` decodes the same payload, but inflates without any limit (a
//! 100 KB gzip bomb becomes gigabytes before the JSON parser sees it), drops fields it does not know
//! (so Firehose output would lose them), and reports serde's messages as they are. Hence this module.

use std::fmt;
use std::io::{Read, Write};

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Serialize};

mod reader;

/// Default cap on the inflated size of one payload. CloudWatch Logs sends at most about 1 MB of
/// compressed data per invocation, which real logs inflate to a few MB; 64 MiB leaves room for very
/// repetitive logs while keeping a bomb from taking the function's memory.
pub const DEFAULT_MAX_INFLATED_BYTES: usize = 64 << 20;

/// `messageType` of a payload that carries log events.
pub const DATA_MESSAGE: &str = "DATA_MESSAGE";
/// `messageType` of the health checks CloudWatch Logs sends when a subscription is created.
pub const CONTROL_MESSAGE: &str = "CONTROL_MESSAGE";

/// Padded or not: CloudWatch Logs pads, hand-made payloads (and some SDKs) do not.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The decompressed payload of a CloudWatch Logs subscription (the same for Lambda, Firehose and
/// Kinesis destinations).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogData {
    #[serde(default)]
    pub owner: String,
    pub log_group: String,
    pub log_stream: String,
    #[serde(default)]
    pub subscription_filters: Vec<String>,
    pub message_type: String,
    pub log_events: Vec<LogEvent>,
    /// Fields added by newer payloads (e.g. `policyLevel`), kept so Firehose output loses nothing.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// One log event of a [`LogData`]. CloudWatch Logs events have exactly these three fields; unlike the
/// payload's top level, unknown event fields are not kept (serde's `flatten` buffers every field of
/// every event and cost a tenth of the whole Lambda path).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct LogEvent {
    #[serde(default)]
    pub id: String,
    pub timestamp: i64,
    pub message: String,
}

impl LogData {
    /// True for the health checks CloudWatch Logs sends to a new destination.
    pub fn is_control(&self) -> bool {
        self.message_type == CONTROL_MESSAGE
    }
}

/// Why a payload could not be decoded. The `Display` text never quotes the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not valid base64; the detail says where.
    Base64(String),
    /// Not gzip, or a corrupt or truncated gzip stream.
    Gzip(String),
    /// Inflates past the configured cap (a decompression bomb, or a payload this deployment is not
    /// sized for).
    TooLarge { limit: usize },
    /// Inflated to something that is not JSON.
    NotJson(String),
    /// JSON, but not a CloudWatch Logs payload.
    Schema(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Base64(d) => write!(f, "bad base64 ({d})"),
            DecodeError::Gzip(d) => write!(f, "bad gzip ({d})"),
            DecodeError::TooLarge { limit } => write!(
                f,
                "payload inflates past {limit} bytes (LOGSCRUB_MAX_INFLATED_BYTES); refused as a \
                 decompression bomb"
            ),
            DecodeError::NotJson(d) => write!(f, "gzip content is not JSON ({d})"),
            DecodeError::Schema(d) => write!(f, "not a CloudWatch Logs payload ({d})"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes standard base64, padded or not.
pub fn base64(text: &str) -> Result<Vec<u8>, DecodeError> {
    BASE64.decode(text.trim()).map_err(|e| {
        DecodeError::Base64(match e {
            base64::DecodeError::InvalidByte(at, _) => format!("invalid character at offset {at}"),
            base64::DecodeError::InvalidLength(n) => format!("invalid length {n}"),
            base64::DecodeError::InvalidLastSymbol(at, _) => {
                format!("invalid last symbol at offset {at}")
            }
            base64::DecodeError::InvalidPadding => "invalid padding".to_string(),
        })
    })
}

/// True when `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Inflates one gzip stream, refusing to produce more than `limit` bytes.
pub fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Gzip("empty input".into()));
    }
    if !is_gzip(bytes) {
        return Err(DecodeError::Gzip("no gzip header".into()));
    }
    match gunzip_sized(bytes, limit) {
        Some(out) => Ok(out),
        None => gunzip_streaming(bytes, limit),
    }
}

/// Inflates with flate2's streaming reader, which takes every header field and stops reading one
/// byte past `limit`.
fn gunzip_streaming(bytes: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(8).min(limit));
    // One byte past the limit is enough to know the limit was passed, and reading stops there: the
    // bomb is never inflated further.
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    // The `bufread` decoder reads the slice in place; the `read` one copies it through a buffer.
    flate2::bufread::GzDecoder::new(bytes)
        .take(cap)
        .read_to_end(&mut out)
        // flate2's messages are fixed texts ("corrupt deflate stream", "invalid gzip header").
        .map_err(|e| DecodeError::Gzip(e.to_string()))?;
    if out.len() > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    Ok(out)
}

/// The common case of [`gunzip`] in one call: a member with the plain 10-byte header (what
/// CloudWatch Logs and Firehose write) that ends the input, inflated straight into a buffer of the
/// size its trailer states. That skips the streaming reader's zero-filled growth, reallocation and
/// window copies (a tenth of the inflate time). `None` for anything else — header fields, bytes
/// after the member, a stated size over `limit` or one the data does not match, a bad checksum, a
/// corrupt stream — and the streaming reader then decides (and words the error) exactly as before.
fn gunzip_sized(bytes: &[u8], limit: usize) -> Option<Vec<u8>> {
    const HEADER: usize = 10;
    // Deflate (8), no flags.
    if bytes.get(2..4)? != [8, 0] || bytes.len() < HEADER + 8 {
        return None;
    }
    let (body, trailer) = bytes[HEADER..].split_at(bytes.len() - HEADER - 8);
    let crc = u32::from_le_bytes(trailer.get(..4)?.try_into().ok()?);
    let size = usize::try_from(u32::from_le_bytes(trailer.get(4..)?.try_into().ok()?)).ok()?;
    if size > limit {
        return None;
    }
    let mut out = Vec::with_capacity(size);
    let mut inflater = flate2::Decompress::new(false);
    let status = inflater
        .decompress_vec(body, &mut out, flate2::FlushDecompress::Finish)
        .ok()?;
    let whole = status == flate2::Status::StreamEnd
        && usize::try_from(inflater.total_in()).ok() == Some(body.len())
        && out.len() == size;
    if !whole {
        return None;
    }
    let mut check = flate2::Crc::new();
    check.update(&out);
    (check.sum() == crc).then_some(out)
}

/// Compresses `bytes` as one gzip stream (the format Firehose records arrive in).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    // The default level, as CloudWatch Logs compresses: `fast` made a 4.42 MB Firehose request
    // into a 5.89 MB response, close to Lambda's 6 MB cap.
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4 + 64),
        flate2::Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Parses inflated JSON as a [`LogData`]: the compact shape CloudWatch Logs writes by a reader
/// made for it ([`reader`]), anything else (and every error) by serde.
pub fn log_data(json: &[u8]) -> Result<LogData, DecodeError> {
    let data = match reader::log_data(json) {
        Some(data) => data,
        None => serde_json::from_slice(json).map_err(|e| json_error(&e))?,
    };
    if data.message_type == DATA_MESSAGE && data.log_group.is_empty() {
        return Err(DecodeError::Schema(
            "DATA_MESSAGE with an empty logGroup".into(),
        ));
    }
    if data.message_type != DATA_MESSAGE && data.message_type != CONTROL_MESSAGE {
        return Err(DecodeError::Schema(
            "messageType is neither DATA_MESSAGE nor CONTROL_MESSAGE".into(),
        ));
    }
    Ok(data)
}

/// Base64, gunzip and parse: the whole decoding of a subscription's `awslogs.data`.
pub fn subscription_data(text: &str, limit: usize) -> Result<LogData, DecodeError> {
    log_data(&gunzip(&base64(text)?, limit)?)
}

/// A serde_json error as a message with no payload text in it.
fn json_error(e: &serde_json::Error) -> DecodeError {
    use serde_json::error::Category;
    let at = format!("line {} column {}", e.line(), e.column());
    match e.classify() {
        Category::Eof => DecodeError::NotJson(format!("truncated at {at}")),
        Category::Syntax | Category::Io => DecodeError::NotJson(format!("syntax error at {at}")),
        Category::Data => {
            // serde_json renders "<message> at line L column C"; the message is one of serde's
            // fixed forms. Those about fields name only the field; "invalid type/value" ones quote
            // the offending value, so only what was expected is kept.
            let full = e.to_string();
            let message = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m);
            let safe = ["missing field", "unknown field", "duplicate field"]
                .iter()
                .any(|p| message.starts_with(p));
            let detail = if safe {
                message.to_string()
            } else {
                match message.rsplit_once(", expected ") {
                    Some((_, expected)) => format!("a value is not {expected}"),
                    None => "a value has the wrong type".to_string(),
                }
            };
            DecodeError::Schema(format!("{detail} at {at}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(json: &str) -> String {
        BASE64.encode(gzip(json.as_bytes()))
    }

    const GOOD: &str = r#"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/app","logStream":"s1","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1700000000000,"message":"hello"}],"policyLevel":"ACCOUNT_LEVEL_POLICY"}"#;

    #[test]
    fn decodes_a_subscription_payload_and_keeps_unknown_fields() {
        let data = subscription_data(&payload(GOOD), 1 << 20).unwrap();
        assert_eq!(data.log_group, "/app");
        assert_eq!(data.log_events[0].message, "hello");
        assert_eq!(
            data.other.get("policyLevel"),
            Some(&serde_json::Value::from("ACCOUNT_LEVEL_POLICY"))
        );
        let again: LogData = serde_json::from_slice(&serde_json::to_vec(&data).unwrap()).unwrap();
        assert_eq!(again, data);
    }

    #[test]
    fn unpadded_base64_is_accepted() {
        let text = payload(GOOD);
        let unpadded = text.trim_end_matches('=');
        assert!(subscription_data(unpadded, 1 << 20).is_ok());
    }

    #[test]
    fn bad_base64_names_the_offset() {
        let err = subscription_data("H4sI$$$$", 1 << 20).unwrap_err();
        assert!(matches!(err, DecodeError::Base64(_)), "{err}");
        assert!(err.to_string().contains("offset 4"), "{err}");
    }

    #[test]
    fn bad_gzip() {
        let err = subscription_data(&BASE64.encode(b"plain text"), 1 << 20).unwrap_err();
        assert_eq!(err, DecodeError::Gzip("no gzip header".into()));
        let mut truncated = gzip(GOOD.as_bytes());
        truncated.truncate(truncated.len() / 2);
        let err = subscription_data(&BASE64.encode(truncated), 1 << 20).unwrap_err();
        assert!(matches!(err, DecodeError::Gzip(_)), "{err}");
        let err = subscription_data("", 1 << 20).unwrap_err();
        assert_eq!(err, DecodeError::Gzip("empty input".into()));
    }

    #[test]
    fn sized_inflate_agrees_with_the_streaming_reader() {
        let json = GOOD.as_bytes();
        let plain = gzip(json);
        let mut named = flate2::GzBuilder::new()
            .filename("payload.json")
            .write(Vec::new(), flate2::Compression::default());
        named.write_all(json).unwrap();
        let named = named.finish().unwrap();
        let mut trailing = plain.clone();
        trailing.extend_from_slice(b"junk after the member");
        let n = plain.len();
        let with = |at: usize, byte: u8| {
            let mut v = plain.clone();
            v[at] ^= byte;
            v
        };
        let cases = [
            plain.clone(),
            named,
            trailing,
            with(n - 8, 1),    // checksum
            with(n - 4, 1),    // stated size one more or less
            with(n - 1, 0x80), // stated size far too large
            with(n / 2, 0x55), // deflate data
            with(3, 0x10),     // a comment flag with no comment
            plain[..n - 1].to_vec(),
            plain[..n - 9].to_vec(),
            gzip(b""),
            gzip(&[7; 100]),
            gzip(&[7; 101]),
        ];
        for (i, case) in cases.iter().enumerate() {
            for limit in [100, 1 << 20] {
                assert_eq!(
                    gunzip(case, limit),
                    gunzip_streaming(case, limit),
                    "case {i}, limit {limit}"
                );
            }
        }
        // The common case takes the sized path.
        assert_eq!(gunzip_sized(&plain, 1 << 20).as_deref(), Some(json));
        assert_eq!(gunzip_sized(&cases[3], 1 << 20), None);
    }

    #[test]
    fn gzip_that_is_not_json() {
        let err = subscription_data(&payload("secret=hunter2 not json"), 1 << 20).unwrap_err();
        assert!(matches!(err, DecodeError::NotJson(_)), "{err}");
        assert!(!err.to_string().contains("hunter2"));
        let err = subscription_data(&payload(r#"{"messageType":"#), 1 << 20).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }

    #[test]
    fn bomb_is_refused_without_inflating_it() {
        // 65 MiB of zeros compresses to about 65 KB; a real bomb is larger, and stops at the same
        // byte.
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..65 {
            encoder.write_all(&zeros).unwrap();
        }
        let bomb = encoder.finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        let err = gunzip(&bomb, DEFAULT_MAX_INFLATED_BYTES).unwrap_err();
        assert_eq!(
            err,
            DecodeError::TooLarge {
                limit: DEFAULT_MAX_INFLATED_BYTES
            }
        );
        // Exactly at the limit is fine.
        assert_eq!(gunzip(&gzip(&[7; 100]), 100).unwrap().len(), 100);
        assert!(matches!(
            gunzip(&gzip(&[7; 101]), 100),
            Err(DecodeError::TooLarge { limit: 100 })
        ));
    }

    #[test]
    fn wrong_schema_never_quotes_the_value() {
        let cases = [
            (
                r#"{"logGroup":"/a","logStream":"s","messageType":"DATA_MESSAGE"}"#,
                "missing field `logEvents`",
            ),
            (
                r#"{"logGroup":"/a","logStream":"s","messageType":"DATA_MESSAGE","logEvents":[{"timestamp":"jane@example.com","message":"x"}]}"#,
                "a value is not i64",
            ),
            (
                r#"{"logGroup":"/a","logStream":"s","messageType":"DATA_MESSAGE","logEvents":{"ssn":"123-45-6789"}}"#,
                "a value is not a sequence",
            ),
            (r#""jane@example.com""#, "a value is not struct LogData"),
            (
                r#"{"logGroup":"","logStream":"s","messageType":"DATA_MESSAGE","logEvents":[]}"#,
                "empty logGroup",
            ),
            (
                r#"{"logGroup":"/a","logStream":"s","messageType":"jane@example.com","logEvents":[]}"#,
                "neither DATA_MESSAGE nor CONTROL_MESSAGE",
            ),
        ];
        for (json, expected) in cases {
            let err = subscription_data(&payload(json), 1 << 20).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, DecodeError::Schema(_)), "{text}");
            assert!(text.contains(expected), "{text} lacks {expected}");
            assert!(
                !text.contains("example.com") && !text.contains("6789"),
                "{text}"
            );
        }
    }

    #[test]
    fn control_message() {
        let json = r#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1700000000000,"message":"CWL CONTROL MESSAGE: Checking health of destination Lambda."}]}"#;
        assert!(
            subscription_data(&payload(json), 1 << 20)
                .unwrap()
                .is_control()
        );
    }
}
