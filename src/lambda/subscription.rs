//! `cloudwatch` mode: a subscription filter invokes the function with `{"awslogs":{"data":…}}`.
//!
//! One payload holds events of one log stream. Control messages (the health check CloudWatch Logs
//! sends when the subscription is created) are acknowledged and skipped; data messages are scrubbed
//! and delivered to `LOGSCRUB_DESTINATION_LOG_GROUP`. CloudWatch Logs invokes the function asynchronously, so
//! an error here makes Lambda retry the payload and then hand it to the on-failure destination.

use std::time::Instant;

use serde_json::{Value, json};

use super::decode::{self, DecodeError};
use super::deliver::Sink;
use super::metrics::{Field, Metrics, UNKNOWN_GROUP, log};
use super::{Handler, HandlerError, Mode};

/// Decodes, scrubs and delivers one subscription payload; answers with counts.
pub async fn handle<S: Sink>(
    handler: &Handler<S>,
    payload: &Value,
    deadline: Instant,
    metrics: &mut Metrics,
) -> Result<Value, HandlerError> {
    let refuse = |metrics: &mut Metrics, group: Option<&str>, error: DecodeError| {
        metrics.group(group.unwrap_or(UNKNOWN_GROUP)).refused += 1;
        HandlerError::Malformed {
            group: group.map(str::to_string),
            error,
        }
    };
    let Some(text) = payload
        .get("awslogs")
        .and_then(|a| a.get("data"))
        .and_then(Value::as_str)
    else {
        return Err(refuse(
            metrics,
            None,
            DecodeError::Schema("the event has no awslogs.data string".into()),
        ));
    };
    let mut data = decode::subscription_data(text, handler.config.max_inflated_bytes)
        .map_err(|e| refuse(metrics, None, e))?;
    if data.is_control() {
        log(
            "INFO",
            "control message",
            &[("mode", Field::Id(Mode::CloudWatch.name()))],
        );
        return Ok(json!({"mode": Mode::CloudWatch.name(), "control": true}));
    }
    if handler.config.loops(&data.log_group) {
        metrics.looped();
        return Ok(json!({"mode": Mode::CloudWatch.name(), "looped": true}));
    }
    let tally = metrics.group(&data.log_group);
    let delivery = handler.deliver(&mut data, deadline, tally).await?;
    Ok(json!({
        "mode": Mode::CloudWatch.name(),
        "logGroup": data.log_group,
        "events": data.log_events.len(),
        "delivered": delivery.delivered,
        "rejected": delivery.rejected,
        "oversize": tally.oversize,
        "batches": delivery.batches,
        "findings": tally.total_findings(),
    }))
}
