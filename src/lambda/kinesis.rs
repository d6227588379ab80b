//! `kinesis` mode: CloudWatch Logs → Kinesis Data Streams → this function.
//!
//! Each Kinesis record holds one gzipped subscription payload; it is decoded and delivered to
//! `LOGSCRUB_DESTINATION_LOG_GROUP` like a direct subscription. Failures are reported as
//! `batchItemFailures` when the event source mapping declares `FunctionResponseTypes:
//! ReportBatchItemFailures` and `LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES=true` says so; otherwise Lambda
//! would ignore the list and drop the failed records, so a failure fails the whole batch (Lambda
//! retries it from the start, re-delivering the records before the failure). Lambda restarts a shard from the lowest failed sequence number, so
//! processing stops at the first failure and that record and every later one are reported: records
//! after it are not delivered now, which would only duplicate them on the retry. A record that can
//! never succeed (malformed) is retried until the mapping's retry limit sends it to its
//! on-failure destination, as any poison record is. A record of the function's own or destination
//! group is acknowledged and dropped unread (see `Config::loops`).

use std::time::Instant;

use aws_lambda_events::event::kinesis::KinesisEventRecord;
use aws_lambda_events::event::streams::KinesisEventResponse;
use serde_json::Value;

use super::decode::{self, DecodeError};
use super::deliver::Sink;
use super::metrics::{Field, Metrics, UNKNOWN_GROUP, log};
use super::{Handler, HandlerError};

/// Delivers the batch's records in order; answers with the failed ones.
pub async fn handle<S: Sink>(
    handler: &Handler<S>,
    payload: &Value,
    deadline: Instant,
    metrics: &mut Metrics,
) -> Result<Value, HandlerError> {
    let records = payload
        .get("Records")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    // Every record's identifier first: a failure must be reportable for all the records after it.
    let ids = records
        .iter()
        .enumerate()
        .map(|(index, r)| {
            r.get("kinesis")
                .and_then(|k| k.get("sequenceNumber"))
                .and_then(Value::as_str)
                .ok_or(HandlerError::NoRecordId { index })
        })
        .collect::<Result<Vec<&str>, _>>()?;
    let mut response = KinesisEventResponse::default();
    for (index, raw) in records.iter().enumerate() {
        if let Err((group, error)) = process(handler, raw, deadline, metrics).await {
            let group = group.as_deref().unwrap_or(UNKNOWN_GROUP);
            let text = error.to_string();
            log(
                "ERROR",
                "record failed",
                &[
                    ("sequenceNumber", Field::Id(ids[index])),
                    ("logGroup", Field::Id(group)),
                    ("error", Field::Text(&text)),
                    ("alsoRetried", Field::Count((ids.len() - index - 1) as u64)),
                ],
            );
            if !handler.config.kinesis_item_failures {
                // Without ReportBatchItemFailures on the mapping, Lambda would read the
                // response as success and move past the failed record: fail it all instead.
                return Err(error);
            }
            for id in &ids[index..] {
                response.add_failure(*id);
            }
            break;
        }
    }
    serde_json::to_value(response).map_err(|_| HandlerError::Internal)
}

/// One record: decoded, scrubbed and delivered, or why not (with its log group when known).
async fn process<S: Sink>(
    handler: &Handler<S>,
    raw: &Value,
    deadline: Instant,
    metrics: &mut Metrics,
) -> Result<(), (Option<String>, HandlerError)> {
    let mut malformed = |error: DecodeError| {
        metrics.group(UNKNOWN_GROUP).refused += 1;
        (None, HandlerError::Malformed { group: None, error })
    };
    let Ok(record) = serde_json::from_value::<KinesisEventRecord>(raw.clone()) else {
        return Err(malformed(DecodeError::Schema(
            "not a Kinesis record (kinesis.data base64, approximateArrivalTimestamp)".into(),
        )));
    };
    let mut data = match decode::gunzip(&record.kinesis.data.0, handler.config.max_inflated_bytes)
        .and_then(|json| decode::log_data(&json))
    {
        Ok(data) => data,
        Err(e) => return Err(malformed(e)),
    };
    if data.is_control() {
        return Ok(());
    }
    if handler.config.loops(&data.log_group) {
        // Acknowledged, not failed: a failure would be retried, and logged into the loop.
        metrics.looped();
        return Ok(());
    }
    let group = data.log_group.clone();
    let tally = metrics.group(&group);
    handler
        .deliver(&mut data, deadline, tally)
        .await
        .map(|_| ())
        .map_err(|e| (Some(group), e))
}
