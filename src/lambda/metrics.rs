//! What the function says about itself: CloudWatch Embedded Metric Format lines and log lines.
//!
//! Both go to standard output, which Lambda ships to the function's own log group; an EMF line there
//! becomes metrics with no API call. Everything written here is a count, a size, a duration, a rule
//! name, a request or record id, or a log group name: never message text, never a matched value
//! (invariant 4). Functions take those types only, so content cannot slip in by accident.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::scrub::Tally;
use crate::guard::RuleTally;

/// Default CloudWatch namespace of the metrics.
pub const DEFAULT_NAMESPACE: &str = "logscrub";

/// Dimension value for records whose log group could not be read.
pub const UNKNOWN_GROUP: &str = "(unknown)";

/// Counts of one invocation, per source log group.
#[derive(Debug, Default)]
pub struct Metrics {
    rules: usize,
    groups: BTreeMap<String, Tally>,
    /// Payloads or records acknowledged unread because they came from the function's own or
    /// destination group. Never emitted: see `Config::loops`.
    looped: u64,
}

impl Metrics {
    /// Metrics for an engine with `rules` rules.
    pub fn new(rules: usize) -> Metrics {
        Metrics {
            rules,
            groups: BTreeMap::new(),
            looped: 0,
        }
    }

    /// Counts a payload or record of the function's own (or destination) group, dropped unread.
    pub fn looped(&mut self) {
        self.looped += 1;
    }

    /// Whether this invocation saw only such payloads, so it must write nothing at all.
    pub fn only_looped(&self) -> bool {
        self.looped > 0 && self.groups.is_empty()
    }

    /// The tally of `group`, created empty on first use.
    pub fn group(&mut self, group: &str) -> &mut Tally {
        let rules = self.rules;
        self.groups
            .entry(group.to_string())
            .or_insert_with(|| Tally {
                rules: RuleTally::new(rules),
                ..Tally::default()
            })
    }

    /// All groups' counts added up.
    pub fn total(&self) -> Tally {
        let mut total = Tally {
            rules: RuleTally::new(self.rules),
            ..Tally::default()
        };
        for tally in self.groups.values() {
            total.add(tally);
        }
        total
    }

    /// The EMF lines for this invocation: per log group one line of counts (and the invocation's
    /// duration), and one line per rule that found something, dimensioned by group and rule.
    pub fn emf_lines(
        &self,
        namespace: &str,
        rule_names: &[&str],
        duration: Duration,
        timestamp_ms: u64,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        let ms = duration.as_secs_f64() * 1000.0;
        for (group, t) in &self.groups {
            let counts: [(&str, &str, Value); 11] = [
                ("Events", "Count", t.events.into()),
                ("BytesIn", "Bytes", t.bytes_in.into()),
                ("BytesOut", "Bytes", t.bytes_out.into()),
                ("Findings", "Count", t.total_findings().into()),
                ("OversizeEvents", "Count", t.oversize.into()),
                ("RejectedEvents", "Count", t.rejected.into()),
                ("InternalErrors", "Count", t.internal_errors.into()),
                ("UndeliveredEvents", "Count", t.undelivered.into()),
                ("RefusedPayloads", "Count", t.refused.into()),
                ("AllowedValues", "Count", t.rules.allowed_total().into()),
                ("DurationMs", "Milliseconds", json!(ms)),
            ];
            lines.push(emf(
                namespace,
                timestamp_ms,
                &[("LogGroup", group)],
                &counts,
                true,
            ));
            for (i, &n) in t.rules.redacted.iter().enumerate() {
                if n > 0 {
                    let rule = rule_names.get(i).copied().unwrap_or("?");
                    lines.push(emf(
                        namespace,
                        timestamp_ms,
                        &[("LogGroup", group), ("Rule", rule)],
                        &[("Findings", "Count", n.into())],
                        false,
                    ));
                }
            }
        }
        lines
    }

    /// Writes [`Metrics::emf_lines`] to standard output.
    pub fn emit(&self, namespace: &str, rule_names: &[&str], duration: Duration) {
        let lines = self.emf_lines(namespace, rule_names, duration, now_ms());
        print_lines(&lines);
    }
}

/// One EMF document: the `_aws` metadata plus the dimension and metric values as top-level members.
/// With `rollup`, the metrics are also published with no dimension at all (an empty dimension
/// set), so one alarm covers every log group, whichever groups a deployment subscribes.
pub(crate) fn emf(
    namespace: &str,
    timestamp_ms: u64,
    dimensions: &[(&str, &str)],
    metrics: &[(&str, &str, Value)],
    rollup: bool,
) -> String {
    let keys: Vec<&str> = dimensions.iter().map(|(k, _)| *k).collect();
    let sets = if rollup {
        json!([keys, []])
    } else {
        json!([keys])
    };
    let mut doc = Map::new();
    doc.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": sets,
                "Metrics": metrics
                    .iter()
                    .map(|(name, unit, _)| json!({"Name": name, "Unit": unit}))
                    .collect::<Vec<_>>(),
            }],
        }),
    );
    for (k, v) in dimensions {
        doc.insert((*k).into(), Value::from(*v));
    }
    for (name, _, value) in metrics {
        doc.insert((*name).into(), value.clone());
    }
    Value::Object(doc).to_string()
}

/// A field of a log line: only numbers and identifiers, by construction.
#[derive(Clone, Debug)]
pub enum Field<'a> {
    Count(u64),
    Millis(f64),
    /// A request id, record id, log group or stream name, rule name, mode.
    Id(&'a str),
    /// A fixed description or an error text built from the above (see the error types' docs).
    Text(&'a str),
}

/// Writes one JSON log line: `{"level":..,"event":.., fields..}`.
pub fn log(level: &str, event: &str, fields: &[(&str, Field<'_>)]) {
    print_lines(&[log_line(level, event, fields)]);
}

fn log_line(level: &str, event: &str, fields: &[(&str, Field<'_>)]) -> String {
    let mut doc = Map::new();
    doc.insert("level".into(), level.into());
    doc.insert("event".into(), event.into());
    for (k, v) in fields {
        let value = match v {
            Field::Count(n) => Value::from(*n),
            Field::Millis(ms) => json!((ms * 1000.0).round() / 1000.0),
            Field::Id(s) | Field::Text(s) => Value::from(*s),
        };
        doc.insert((*k).into(), value);
    }
    Value::Object(doc).to_string()
}

thread_local! {
    /// Lines kept instead of printed while a [`LogCapture`] lives on this thread.
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Keeps the log and metric lines this thread writes, instead of printing them, until dropped.
///
/// For callers that provoke failures on purpose (tests of delivery faults): the lines stay out of a
/// green run's output, and the caller can check them — that a failure was logged, and that no log
/// content was. The handler logs from the thread that polls it, so a current-thread runtime (as in
/// `#[tokio::test]`) captures everything it writes.
#[derive(Debug)]
pub struct LogCapture {
    _not_send: std::marker::PhantomData<*const ()>,
}

impl LogCapture {
    /// Starts keeping this thread's lines (dropping any kept before).
    pub fn start() -> LogCapture {
        CAPTURED.with_borrow_mut(|c| *c = Some(Vec::new()));
        LogCapture {
            _not_send: std::marker::PhantomData,
        }
    }

    /// The lines kept so far.
    pub fn lines(&self) -> Vec<String> {
        CAPTURED.with_borrow(|c| c.clone().unwrap_or_default())
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        let _ = CAPTURED.try_with(|c| c.borrow_mut().take());
    }
}

/// Writes lines to standard output (or to a [`LogCapture`]), in one write.
pub(crate) fn print_lines(lines: &[String]) {
    let kept = CAPTURED.with_borrow_mut(|c| match c {
        Some(kept) => {
            kept.extend(lines.iter().cloned());
            true
        }
        None => false,
    });
    if kept {
        return;
    }
    // One write per batch of lines so concurrent output does not interleave them; a failed write to
    // stdout has nowhere better to be reported and must not fail the invocation.
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    // Unit tests print through the harness, which keeps passing tests quiet.
    if cfg!(test) {
        print!("{text}");
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emf_line_shape() {
        let mut m = Metrics::new(2);
        let t = m.group("/app");
        t.events = 3;
        t.bytes_in = 100;
        t.rules.redacted[1] = 2;
        let lines = m.emf_lines(
            "logscrub",
            &["EMAIL", "PHONE"],
            Duration::from_millis(12),
            1_700_000_000_000,
        );
        assert_eq!(lines.len(), 2);
        let doc: Value = serde_json::from_str(&lines[0]).unwrap();
        let directive = &doc["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(doc["_aws"]["Timestamp"], 1_700_000_000_000u64);
        assert_eq!(directive["Namespace"], "logscrub");
        // By log group, and rolled up with no dimension for account-wide alarms.
        assert_eq!(directive["Dimensions"], json!([["LogGroup"], []]));
        // Every declared metric has a value member, and the dimension has its value.
        for metric in directive["Metrics"].as_array().unwrap() {
            let name = metric["Name"].as_str().unwrap();
            assert!(doc.get(name).is_some_and(Value::is_number), "{name}");
        }
        assert_eq!(doc["LogGroup"], "/app");
        assert_eq!(doc["Events"], 3);
        assert_eq!(doc["Findings"], 2);
        assert_eq!(doc["DurationMs"], 12.0);
        let rule: Value = serde_json::from_str(&lines[1]).unwrap();
        assert_eq!(
            rule["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["LogGroup", "Rule"]])
        );
        assert_eq!(
            (rule["Rule"].as_str(), rule["Findings"].as_u64()),
            (Some("PHONE"), Some(2))
        );
    }

    #[test]
    fn log_lines_are_json() {
        let line = log_line(
            "INFO",
            "delivered",
            &[
                ("requestId", Field::Id("r-1")),
                ("events", Field::Count(5)),
                ("ms", Field::Millis(1.23456)),
            ],
        );
        let doc: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(doc["event"], "delivered");
        assert_eq!(doc["events"], 5);
        assert_eq!(doc["ms"], 1.235);
    }

    #[test]
    fn totals() {
        let mut m = Metrics::new(1);
        m.group("/a").events = 2;
        m.group("/b").events = 3;
        m.group("/b").rules.redacted[0] = 1;
        let total = m.total();
        assert_eq!((total.events, total.total_findings()), (5, 1));
    }
}
