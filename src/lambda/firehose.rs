//! `firehose` mode: the function is a Firehose data-transformation Lambda.
//!
//! Firehose sends records and expects every record back, by `recordId`, with a result:
//!
//! * `Ok`: the record's CloudWatch Logs payload with every message scrubbed, in the encoding it came
//!   in (gzipped stays gzipped, so what is downstream of Firehose sees the same format);
//! * `Dropped`: a control message (nothing to deliver), or a record of the function's own or
//!   destination group (dropped unread: see `Config::loops`);
//! * `ProcessingFailed`: a record that could not be decoded. Firehose writes the
//!   original to its error output (the `processing-failed` S3 prefix); the response carries no data
//!   for it, so nothing unscrubbed is ever passed on by this function.
//!
//! Records fail one by one: a bad record does not fail the others.
//!
//! A synchronous Lambda response is at most 6 MB, and a response that does not fit fails the whole
//! invocation (Firehose then retries, and after its retries writes *every* record raw to
//! `processing-failed/`). Scrubbed records are re-gzipped at the default level, so they are rarely
//! larger than they came; should the records still not fit, each record past [`RESPONSE_BUDGET`] is
//! answered `ProcessingFailed` (with no data) and counted, so only those few reach the error
//! output, and the rest are delivered.

use aws_lambda_events::event::firehose::{
    KinesisFirehoseEventRecord, KinesisFirehoseResponse, KinesisFirehoseResponseRecord,
};
use serde_json::Value;

use super::decode::{self, DecodeError};
use super::deliver::Sink;
use super::metrics::{Field, Metrics, UNKNOWN_GROUP, log};
use super::scrub::scrub_events;
use super::{Handler, HandlerError};

/// `result` of a record delivered scrubbed.
pub const OK: &str = "Ok";
/// `result` of a record with nothing to deliver (control messages).
pub const DROPPED: &str = "Dropped";
/// `result` of a record that could not be processed.
pub const PROCESSING_FAILED: &str = "ProcessingFailed";

/// Bytes of response the records may take: Lambda's 6 MiB synchronous response cap, less room
/// for the envelope and each record's id and result (counted per record as well).
pub const RESPONSE_BUDGET: usize = 6 * 1024 * 1024 - 64 * 1024;

/// JSON bytes one response record takes: its base64 data, its id, its result and punctuation.
fn response_size(record_id: &str, result: &str, data: &[u8]) -> usize {
    data.len().div_ceil(3) * 4 + record_id.len() + result.len() + 48
}

/// Transforms every record of a Firehose event; the response has one record per input record.
pub fn handle<S: Sink>(
    handler: &Handler<S>,
    payload: &Value,
    metrics: &mut Metrics,
) -> Result<Value, HandlerError> {
    let records = payload
        .get("records")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut response = KinesisFirehoseResponse::default();
    let mut size = 0;
    for (index, raw) in records.iter().enumerate() {
        let record_id = raw
            .get("recordId")
            .and_then(Value::as_str)
            .ok_or(HandlerError::NoRecordId { index })?;
        let (result, data) = match transform(handler, raw, metrics) {
            Ok(Some(data)) => (OK, data),
            Ok(None) => (DROPPED, Vec::new()),
            Err((group, error)) => {
                metrics
                    .group(group.as_deref().unwrap_or(UNKNOWN_GROUP))
                    .refused += 1;
                let text = error.to_string();
                log(
                    "ERROR",
                    "record failed",
                    &[
                        ("recordId", Field::Id(record_id)),
                        (
                            "logGroup",
                            Field::Id(group.as_deref().unwrap_or(UNKNOWN_GROUP)),
                        ),
                        ("error", Field::Text(&text)),
                    ],
                );
                (PROCESSING_FAILED, Vec::new())
            }
        };
        let (result, data) = if size + response_size(record_id, result, &data) > RESPONSE_BUDGET {
            // Over Lambda's response cap the whole invocation would fail: this record alone fails.
            metrics.group(UNKNOWN_GROUP).refused += 1;
            log(
                "ERROR",
                "record failed",
                &[
                    ("recordId", Field::Id(record_id)),
                    (
                        "error",
                        Field::Text("the response would pass Lambda's 6 MB limit"),
                    ),
                ],
            );
            (PROCESSING_FAILED, Vec::new())
        } else {
            (result, data)
        };
        size += response_size(record_id, result, &data);
        let mut out = KinesisFirehoseResponseRecord::default();
        out.record_id = Some(record_id.to_string());
        out.result = Some(result.to_string());
        out.data.0 = data;
        response.records.push(out);
    }
    serde_json::to_value(response).map_err(|_| HandlerError::Internal)
}

/// One record: its scrubbed data, `None` for a control message, or why it failed (with its log
/// group when known).
fn transform<S: Sink>(
    handler: &Handler<S>,
    raw: &Value,
    metrics: &mut Metrics,
) -> Result<Option<Vec<u8>>, (Option<String>, HandlerError)> {
    let malformed = |group: Option<&str>, error: DecodeError| {
        (
            group.map(str::to_string),
            HandlerError::Malformed {
                group: group.map(str::to_string),
                error,
            },
        )
    };
    // The record's own fields through aws_lambda_events' type (which decodes the base64); its error
    // text could quote the record, so only the fact is kept.
    let record: KinesisFirehoseEventRecord = serde_json::from_value(raw.clone()).map_err(|_| {
        malformed(
            None,
            DecodeError::Schema(
                "not a Firehose record (recordId, approximateArrivalTimestamp, base64 data)".into(),
            ),
        )
    })?;
    let bytes = record.data.0;
    let gzipped = decode::is_gzip(&bytes);
    let json = if gzipped {
        decode::gunzip(&bytes, handler.config.max_inflated_bytes).map_err(|e| malformed(None, e))?
    } else {
        bytes
    };
    let mut data = decode::log_data(&json).map_err(|e| malformed(None, e))?;
    if data.is_control() {
        return Ok(None);
    }
    if handler.config.loops(&data.log_group) {
        // `Dropped`, not `ProcessingFailed`: Firehose would write the raw record to S3.
        metrics.looped();
        return Ok(None);
    }
    let tally = metrics.group(&data.log_group);
    scrub_events(&handler.scrubber, &mut data.log_events, tally);
    let out = serde_json::to_vec(&data)
        .map_err(|_| (Some(data.log_group.clone()), HandlerError::Internal))?;
    Ok(Some(if gzipped { decode::gzip(&out) } else { out }))
}
