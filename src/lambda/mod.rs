//! The CloudWatch Logs subscription Lambda: configuration, and the handler that ties the steps together.
//!
//! A subscription filter sends batches of a log group's events to this function; it scrubs every
//! event with the engine and delivers the clean events on. Three ways in, chosen by `LOGSCRUB_MODE` or, when
//! that is unset, by the event's shape:
//!
//! * `cloudwatch`: the subscription invokes the function directly (`{"awslogs":{"data":…}}`); the
//!   events go to `LOGSCRUB_DESTINATION_LOG_GROUP` with PutLogEvents ([`subscription`]).
//! * `firehose`: the function is a Firehose data-transformation; records come back scrubbed, still
//!   gzipped ([`firehose`]).
//! * `kinesis`: the subscription writes to a Kinesis stream that invokes the function; each record is
//!   delivered like a subscription payload, and failures are reported per record ([`kinesis`]).
//!
//! The steps, each in its own module: [`decode`] (base64, capped gunzip, schema), [`scrub`] (the engine,
//! under `catch_unwind`), [`batch`] (PutLogEvents limits), [`deliver`] (the SDK, retries within the
//! deadline), [`metrics`] (EMF and log lines, counts only).
//!
//! What holds throughout:
//! * Fail closed. An event is forwarded scrubbed or not at all; if scrubbing one panics it is replaced
//!   whole by a marker; if a batch cannot be delivered the invocation fails, so Lambda retries it and
//!   then hands it to the on-failure destination. Malformed input is an error that names the problem
//!   and the log group, never a panic and never a pass-through.
//! * One event out per event in, byte-identical outside the redacted spans (oversize events excepted:
//!   see [`batch`]).
//! * The function's own output holds counts, sizes, durations, ids and log group names, never a
//!   message.
//! * Loop guard: events from the destination group or the function's own log group are acknowledged
//!   and dropped without a word (no event, no log line, no metric), so a mis-wired subscription
//!   cannot feed the function its own output, not even its own complaints ([`Config::loops`]).
//!
//! The rule pack is compiled once, before the runtime loop starts ([`Handler::from_env`]), and
//! shared by every invocation.
//!
//! ```
//! use logscrub::lambda::Config;
//!
//! let config = Config::from_lookup(|name| match name {
//!     "LOGSCRUB_DESTINATION_LOG_GROUP" => Some("/scrubbed/app".to_string()),
//!     "LOGSCRUB_STYLE" => Some("mask".to_string()),
//!     _ => None,
//! })
//! .unwrap();
//! assert_eq!(config.destination.as_deref(), Some("/scrubbed/app"));
//! let scrubber = config.scrubber().unwrap();
//! let mut out = Vec::new();
//! scrubber.scrub(b"to jane@example.com", &mut out);
//! assert_eq!(out, b"to ****@*******.***");
//! ```

pub mod batch;
pub mod decode;
pub mod deliver;
pub mod firehose;
pub mod kinesis;
pub mod metrics;
pub mod scrub;
pub mod subscription;

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lambda_runtime::LambdaEvent;
use serde_json::Value;

use crate::policy::Policy;
use crate::{BuildError, Scrubber};

use decode::{DEFAULT_MAX_INFLATED_BYTES, DecodeError, LogData};
use deliver::{CloudWatchSink, DeliverError, Sink};
use metrics::{DEFAULT_NAMESPACE, Field, Metrics, log};
use scrub::Tally;

/// Time kept back from the invocation deadline so a failing delivery still returns its error
/// before Lambda kills the invocation.
pub const DEADLINE_MARGIN: Duration = Duration::from_millis(1500);

/// Budget of an invocation whose context carries no deadline (local runs).
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(60);

/// Where events come from, and so where they go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A subscription filter invokes the function; events go to `LOGSCRUB_DESTINATION_LOG_GROUP`.
    CloudWatch,
    /// Firehose data transformation: records in, scrubbed records out.
    Firehose,
    /// Kinesis Data Streams: records delivered to `LOGSCRUB_DESTINATION_LOG_GROUP`, failures per record.
    Kinesis,
}

impl Mode {
    /// Parses `LOGSCRUB_MODE`'s value.
    pub fn parse(name: &str) -> Option<Mode> {
        match name.to_ascii_lowercase().as_str() {
            "cloudwatch" | "cloudwatchlogs" | "subscription" => Some(Mode::CloudWatch),
            "firehose" => Some(Mode::Firehose),
            "kinesis" => Some(Mode::Kinesis),
            _ => None,
        }
    }

    /// The name used in `LOGSCRUB_MODE`, logs and responses.
    pub fn name(self) -> &'static str {
        match self {
            Mode::CloudWatch => "cloudwatch",
            Mode::Firehose => "firehose",
            Mode::Kinesis => "kinesis",
        }
    }

    /// The mode an event's shape calls for, if it has one of the three shapes.
    pub fn of_event(payload: &Value) -> Option<Mode> {
        if payload.get("awslogs").is_some() {
            Some(Mode::CloudWatch)
        } else if payload.get("records").is_some_and(Value::is_array) {
            Some(Mode::Firehose)
        } else if payload.get("Records").is_some_and(Value::is_array) {
            Some(Mode::Kinesis)
        } else {
            None
        }
    }
}

/// The function's configuration, from environment variables: the policy every front end reads
/// ([`Policy`], `LOGSCRUB_RULES`, `LOGSCRUB_STYLE`, …) and the function's own settings, all named
/// `LOGSCRUB_*`. `Debug` never shows the hash key.
#[derive(Clone, Default)]
pub struct Config {
    /// `LOGSCRUB_MODE`: unset means "by the event's shape".
    pub mode: Option<Mode>,
    /// `LOGSCRUB_DESTINATION_LOG_GROUP`: where `cloudwatch` and `kinesis` modes deliver.
    pub destination: Option<String>,
    /// The rule packs, rule switches, style, JSON mode and hash key (see [`crate::policy`]).
    pub policy: Policy,
    /// `LOGSCRUB_MAX_INFLATED_BYTES`: cap on one payload's inflated size.
    pub max_inflated_bytes: usize,
    /// `LOGSCRUB_METRICS_NAMESPACE`: CloudWatch namespace of the EMF metrics.
    pub metrics_namespace: String,
    /// `LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES`: the Kinesis event source mapping declares
    /// `FunctionResponseTypes: [ReportBatchItemFailures]`, so failures may be reported per record.
    /// Without it Lambda ignores `batchItemFailures` and counts the batch as done, so a failure
    /// must fail the whole invocation instead.
    pub kinesis_item_failures: bool,
    /// `LOGSCRUB_DEDUPE_KEY=event-id`: every event delivered to the destination starts with its
    /// source event id and a space, a key that stays the same when a payload is delivered again
    /// (see [`batch::add_key`]). Off by default: the copy then stays byte-identical to the source
    /// outside the redacted values.
    pub dedupe_key: bool,
    /// Log groups never processed (loop guard): the function's own, from `AWS_LAMBDA_LOG_GROUP_NAME`
    /// and `/aws/lambda/$AWS_LAMBDA_FUNCTION_NAME`. The destination is guarded too.
    pub own_log_groups: Vec<String>,
}

/// The function's own settings, beyond the policy's [`crate::policy::VARIABLES`].
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "LOGSCRUB_MODE",
        "cloudwatch, firehose or kinesis; unset: by each event's shape",
    ),
    (
        "LOGSCRUB_DESTINATION_LOG_GROUP",
        "log group the cloudwatch and kinesis modes deliver to",
    ),
    (
        "LOGSCRUB_MAX_INFLATED_BYTES",
        "cap on one payload's inflated size (default 64 MiB)",
    ),
    (
        "LOGSCRUB_METRICS_NAMESPACE",
        "CloudWatch namespace of the EMF metrics (default logscrub)",
    ),
    (
        "LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES",
        "true when the Kinesis mapping declares ReportBatchItemFailures (else a failed record fails the batch)",
    ),
    (
        "LOGSCRUB_DEDUPE_KEY",
        "event-id: each delivered event starts with its source event id and a space, to find duplicates; off (default): unchanged",
    ),
];

/// Names the function read before every setting was `LOGSCRUB_*`, and what replaced them. A
/// deployment that still sets one is stopped at init rather than silently ignored: a style or a
/// destination that quietly stops applying is worse than a failed start.
const RENAMED: &[(&str, &str)] = &[
    ("MODE", "LOGSCRUB_MODE"),
    ("DESTINATION_LOG_GROUP", "LOGSCRUB_DESTINATION_LOG_GROUP"),
    ("STYLE", "LOGSCRUB_STYLE"),
    ("MAX_INFLATED_BYTES", "LOGSCRUB_MAX_INFLATED_BYTES"),
    ("METRICS_NAMESPACE", "LOGSCRUB_METRICS_NAMESPACE"),
];

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("mode", &self.mode)
            .field("destination", &self.destination)
            .field("policy", &self.policy)
            .field("max_inflated_bytes", &self.max_inflated_bytes)
            .field("metrics_namespace", &self.metrics_namespace)
            .field("kinesis_item_failures", &self.kinesis_item_failures)
            .field("dedupe_key", &self.dedupe_key)
            .field("own_log_groups", &self.own_log_groups)
            .finish()
    }
}

/// A configuration error, naming the variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `get` (the environment, or a test's map). Empty values count as
    /// unset.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        for (old, new) in RENAMED {
            if var(old).is_some() {
                return Err(ConfigError(format!(
                    "{old} is set, but the setting is now named {new} (every setting is \
                     LOGSCRUB_*, as in the CLI): rename it"
                )));
            }
        }
        let mode = match var("LOGSCRUB_MODE") {
            None => None,
            Some(m) => Some(Mode::parse(m.trim()).ok_or_else(|| {
                ConfigError(format!(
                    "LOGSCRUB_MODE={m:?} is not one of cloudwatch, firehose, kinesis"
                ))
            })?),
        };
        let destination = var("LOGSCRUB_DESTINATION_LOG_GROUP").map(|d| d.trim().to_string());
        if destination.is_none() && matches!(mode, Some(Mode::CloudWatch | Mode::Kinesis)) {
            return Err(ConfigError(format!(
                "LOGSCRUB_MODE={} delivers to a log group: set LOGSCRUB_DESTINATION_LOG_GROUP",
                mode.map_or("", Mode::name)
            )));
        }
        let policy = Policy::from_lookup(&get).map_err(|e| ConfigError(e.to_string()))?;
        let max_inflated_bytes = match var("LOGSCRUB_MAX_INFLATED_BYTES") {
            None => DEFAULT_MAX_INFLATED_BYTES,
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(ConfigError(format!(
                        "LOGSCRUB_MAX_INFLATED_BYTES={v:?} is not a positive number of bytes"
                    )));
                }
            },
        };
        let metrics_namespace = var("LOGSCRUB_METRICS_NAMESPACE")
            .map_or_else(|| DEFAULT_NAMESPACE.to_string(), |n| n.trim().to_string());
        let kinesis_item_failures = match var("LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES") {
            None => false,
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" => false,
                _ => {
                    return Err(ConfigError(format!(
                        "LOGSCRUB_KINESIS_BATCH_ITEM_FAILURES={v:?} is not true or false"
                    )));
                }
            },
        };
        let dedupe_key = match var("LOGSCRUB_DEDUPE_KEY") {
            None => false,
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "event-id" => true,
                "off" => false,
                _ => {
                    return Err(ConfigError(format!(
                        "LOGSCRUB_DEDUPE_KEY={v:?} is not event-id or off"
                    )));
                }
            },
        };
        let mut own_log_groups = Vec::new();
        if let Some(group) = var("AWS_LAMBDA_LOG_GROUP_NAME") {
            own_log_groups.push(group);
        }
        if let Some(name) = var("AWS_LAMBDA_FUNCTION_NAME") {
            let group = format!("/aws/lambda/{name}");
            if !own_log_groups.contains(&group) {
                own_log_groups.push(group);
            }
        }
        Ok(Config {
            mode,
            destination,
            policy,
            max_inflated_bytes,
            metrics_namespace,
            kinesis_item_failures,
            dedupe_key,
            own_log_groups,
        })
    }

    /// Loads the policy's packs and compiles the engine, as every front end does.
    pub fn scrubber(&self) -> Result<Scrubber, BuildError> {
        self.policy.scrubber()
    }

    /// Whether events of `group` must not be processed: it is the destination or the function's
    /// own log group, so scrubbing it would feed the function its own output.
    ///
    /// Such a payload is acknowledged and nothing is written for it — no events, no log line, no
    /// metric. Failing it (as before) wrote an error line into the function's own group, which, if
    /// that group is the one subscribed, came straight back as the next payload: a loop with no
    /// end. The templates also refuse to subscribe those groups, and run the function's logging at
    /// WARN so the platform's own lines do not feed such a loop either.
    pub(crate) fn loops(&self, group: &str) -> bool {
        self.destination.as_deref() == Some(group) || self.own_log_groups.iter().any(|g| g == group)
    }
}

/// Why the function could not start.
#[derive(Debug)]
pub enum InitError {
    Config(ConfigError),
    Build(BuildError),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Config(e) => write!(f, "configuration: {e}"),
            InitError::Build(e) => write!(f, "rule pack: {e}"),
        }
    }
}

impl std::error::Error for InitError {}

/// Why an invocation failed. Lambda logs the text and retries (then uses the on-failure
/// destination), so it names the problem and the log group and holds no log content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandlerError {
    /// The event has none of the three shapes, or not the configured `LOGSCRUB_MODE`'s.
    Shape(String),
    /// A payload could not be decoded.
    Malformed {
        group: Option<String>,
        error: DecodeError,
    },
    /// Events that need `LOGSCRUB_DESTINATION_LOG_GROUP` arrived while it is unset.
    NoDestination,
    /// Delivery failed; `undelivered` events of `group` were not stored.
    Deliver {
        group: String,
        undelivered: usize,
        error: DeliverError,
    },
    /// A record that cannot be reported back because it has no id.
    NoRecordId { index: usize },
    /// A bug (a panic outside the per-event guard); the message is withheld.
    Internal,
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandlerError::Shape(what) => write!(f, "unexpected event: {what}"),
            HandlerError::Malformed {
                group: Some(group),
                error,
            } => write!(f, "malformed payload from log group {group}: {error}"),
            HandlerError::Malformed { group: None, error } => {
                write!(f, "malformed payload (log group unknown): {error}")
            }
            HandlerError::NoDestination => f.write_str(
                "a subscription event arrived but LOGSCRUB_DESTINATION_LOG_GROUP is not set",
            ),
            HandlerError::Deliver {
                group,
                undelivered,
                error,
            } => write!(
                f,
                "{undelivered} events of log group {group} not delivered: {error}"
            ),
            HandlerError::NoRecordId { index } => {
                write!(f, "record {index} has no id to report its result by")
            }
            HandlerError::Internal => {
                f.write_str("internal error while scrubbing (message withheld; nothing forwarded)")
            }
        }
    }
}

impl std::error::Error for HandlerError {}

/// The function: configuration, the compiled engine, and the destination.
pub struct Handler<S = CloudWatchSink> {
    config: Config,
    scrubber: Scrubber,
    sink: S,
    rule_names: Vec<String>,
}

impl Handler<CloudWatchSink> {
    /// Reads the configuration, compiles the rule pack and sets up the AWS client: everything done
    /// once per container, before the first invocation. Logs how long it took.
    pub async fn from_env() -> Result<Handler<CloudWatchSink>, InitError> {
        let started = Instant::now();
        let built = Config::from_env()
            .map_err(InitError::Config)
            .and_then(|c| c.scrubber().map(|s| (c, s)).map_err(InitError::Build));
        let (config, scrubber) = match built {
            Ok(built) => built,
            Err(e) => {
                // One JSON line the log group and its metric filter see; Lambda then reports the
                // init failure (Runtime.ExitError) and the errors alarm fires. The text names the
                // variable or the pack's file and line, never log content.
                let text = e.to_string();
                log("ERROR", "init", &[("error", Field::Text(&text))]);
                return Err(e);
            }
        };
        let compiled = started.elapsed();
        let sink = CloudWatchSink::from_env().await;
        let handler = Handler::new(config, scrubber, sink);
        log(
            "INFO",
            "init",
            &[
                (
                    "mode",
                    Field::Id(handler.config.mode.map_or("auto", Mode::name)),
                ),
                ("rules", Field::Count(handler.scrubber.rules().len() as u64)),
                ("compileMs", Field::Millis(millis(compiled))),
                ("initMs", Field::Millis(millis(started.elapsed()))),
            ],
        );
        Ok(handler)
    }
}

impl<S: Sink> Handler<S> {
    /// A handler on an already compiled engine and a sink of the caller's choice.
    pub fn new(config: Config, scrubber: Scrubber, sink: S) -> Handler<S> {
        let rule_names = scrubber.rules().iter().map(|r| r.id.clone()).collect();
        Handler {
            config,
            scrubber,
            sink,
            rule_names,
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Handles one invocation from the runtime: the deadline comes from the context.
    ///
    /// A panic anywhere in it (there should be none: each event is scrubbed under its own guard)
    /// fails the invocation as [`HandlerError::Internal`]. Left to the runtime, the panic's message
    /// — which could quote log content — would become the invocation's `errorMessage`.
    pub async fn handle(&self, event: LambdaEvent<Value>) -> Result<Value, HandlerError> {
        let deadline = deadline_from_epoch_ms(event.context.deadline);
        // Boxed: the SDK's futures nest deeply, and inside the runtime's own they would pass the
        // compiler's layout depth limit.
        PanicFree(Box::pin(self.handle_payload(
            event.payload,
            deadline,
            &event.context.request_id,
        )))
        .await
    }

    /// Handles one event, finishing (or failing) before `deadline`. Emits the metrics and one log
    /// line for the invocation.
    pub async fn handle_payload(
        &self,
        payload: Value,
        deadline: Instant,
        request_id: &str,
    ) -> Result<Value, HandlerError> {
        let started = Instant::now();
        let budget = deadline.saturating_duration_since(started);
        let mut metrics = Metrics::new(self.rule_names.len());
        let mode = Mode::of_event(&payload);
        let result = match (self.config.mode, mode) {
            (_, None) => Err(HandlerError::Shape(
                "expected a CloudWatch Logs subscription ({\"awslogs\":…}), a Firehose \
                 transformation ({\"records\":[…]}) or a Kinesis batch ({\"Records\":[…]})"
                    .into(),
            )),
            (Some(configured), Some(seen)) if configured != seen => {
                Err(HandlerError::Shape(format!(
                    "LOGSCRUB_MODE={} but this is a {} event",
                    configured.name(),
                    seen.name()
                )))
            }
            (_, Some(Mode::CloudWatch)) => {
                subscription::handle(self, &payload, deadline, &mut metrics).await
            }
            (_, Some(Mode::Firehose)) => firehose::handle(self, &payload, &mut metrics),
            (_, Some(Mode::Kinesis)) => {
                kinesis::handle(self, &payload, deadline, &mut metrics).await
            }
        };
        let elapsed = started.elapsed();
        if result.is_ok() && metrics.only_looped() {
            // Payloads of the function's own (or destination) group and nothing else: anything
            // written now would land in that group and come back (see `Config::loops`).
            return result;
        }
        let names: Vec<&str> = self.rule_names.iter().map(String::as_str).collect();
        metrics.emit(&self.config.metrics_namespace, &names, elapsed);
        let total = metrics.total();
        let mut fields = vec![
            ("requestId", Field::Id(request_id)),
            ("mode", Field::Id(mode.map_or("unknown", Mode::name))),
            ("events", Field::Count(total.events)),
            ("findings", Field::Count(total.total_findings())),
            ("bytesIn", Field::Count(total.bytes_in)),
            ("ms", Field::Millis(millis(elapsed))),
            ("budgetMs", Field::Millis(millis(budget))),
        ];
        match &result {
            Ok(_) => log("INFO", "invocation", &fields),
            Err(e) => {
                let text = e.to_string();
                fields.push(("error", Field::Text(&text)));
                log("ERROR", "invocation", &fields);
            }
        }
        result
    }

    /// Scrubs and delivers one decoded payload to the destination group. The caller has checked it
    /// is a data message; the loop guard is checked here.
    async fn deliver(
        &self,
        data: &mut LogData,
        deadline: Instant,
        tally: &mut Tally,
    ) -> Result<Delivery, HandlerError> {
        let destination = self
            .config
            .destination
            .as_deref()
            .ok_or(HandlerError::NoDestination)?;
        let mut events = self.scrub_events(data, tally)?;
        if self.config.dedupe_key {
            for (event, source) in events.iter_mut().zip(&data.log_events) {
                tally.oversize += u64::from(batch::add_key(event, &source.id));
            }
        }
        tally.oversize += batch::prepare(&mut events);
        let stream = deliver::stream_name(&data.log_group, &data.log_stream);
        let mut delivery = Delivery::default();
        for range in batch::split(&events) {
            let start = range.start;
            match self
                .sink
                .put(destination, &stream, &events[range], deadline)
                .await
            {
                Ok(done) => {
                    delivery.batches += 1;
                    delivery.delivered += done.accepted;
                    delivery.rejected += done.rejected;
                }
                Err(error) => {
                    let undelivered = events.len() - start;
                    tally.undelivered += undelivered as u64;
                    return Err(HandlerError::Deliver {
                        group: data.log_group.clone(),
                        undelivered,
                        error,
                    });
                }
            }
        }
        tally.rejected += delivery.rejected as u64;
        if delivery.rejected > 0 {
            log(
                "WARN",
                "rejected",
                &[
                    ("logGroup", Field::Id(&data.log_group)),
                    ("rejected", Field::Count(delivery.rejected as u64)),
                    (
                        "reason",
                        Field::Text("timestamps outside what the destination accepts"),
                    ),
                ],
            );
        }
        Ok(delivery)
    }

    /// Every event of `data`, scrubbed, as sendable events; the messages are moved out of `data`
    /// (an event with nothing found is forwarded without a copy), its ids and timestamps stay. A
    /// panic outside the per-event guard (there should be none) fails the payload rather than
    /// forwarding anything.
    fn scrub_events(
        &self,
        data: &mut LogData,
        tally: &mut Tally,
    ) -> Result<Vec<batch::Event>, HandlerError> {
        crate::guard::run(|| {
            scrub::scrub_events(&self.scrubber, &mut data.log_events, tally);
            data.log_events
                .iter_mut()
                .map(|e| batch::Event {
                    timestamp: e.timestamp,
                    message: std::mem::take(&mut e.message),
                })
                .collect()
        })
        .map_err(|_| HandlerError::Internal)
    }
}

/// A handler future whose panics become [`HandlerError::Internal`]: each poll runs under
/// [`crate::guard::run`], and after a panic the future is never polled again (it has answered).
struct PanicFree<F>(std::pin::Pin<Box<F>>);

impl<F: std::future::Future<Output = Result<Value, HandlerError>>> std::future::Future
    for PanicFree<F>
{
    type Output = Result<Value, HandlerError>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let inner = self.get_mut().0.as_mut();
        crate::guard::run(|| inner.poll(cx))
            .unwrap_or(std::task::Poll::Ready(Err(HandlerError::Internal)))
    }
}

/// The runtime reports a failed invocation as `errorType` and `errorMessage`. The type is a
/// stable kind (`Logscrub.Malformed`, …) an alarm or a query can match, rather than the Rust type
/// path the runtime would derive; the message is the error's text, which names the problem and
/// the log group and never holds log content.
impl From<HandlerError> for lambda_runtime::Diagnostic {
    fn from(e: HandlerError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: format!("Logscrub.{}", e.kind()),
            error_message: e.to_string(),
        }
    }
}

impl HandlerError {
    /// The error's kind, as reported in `errorType` (after `Logscrub.`).
    pub fn kind(&self) -> &'static str {
        match self {
            HandlerError::Shape(_) => "Shape",
            HandlerError::Malformed { .. } => "Malformed",
            HandlerError::NoDestination => "NoDestination",
            HandlerError::Deliver { .. } => "Deliver",
            HandlerError::NoRecordId { .. } => "NoRecordId",
            HandlerError::Internal => "Internal",
        }
    }
}

/// What [`Handler::deliver`] did with one payload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Delivery {
    batches: usize,
    delivered: usize,
    rejected: usize,
}

/// Deadlines below this (September 2001 in milliseconds since the epoch) cannot be real ones.
const EPOCH_MS_FLOOR: u64 = 1_000_000_000_000;

/// The instant to finish by, from the context's deadline (milliseconds since the epoch), less
/// [`DEADLINE_MARGIN`]. A context without one (0) gets [`DEFAULT_BUDGET`]. Local emulators send a
/// duration instead (`cargo lambda watch` sends its 600,000 ms time-out): a value too small to be
/// an epoch time is read as milliseconds from now.
pub fn deadline_from_epoch_ms(deadline_ms: u64) -> Instant {
    let now = Instant::now();
    if deadline_ms == 0 {
        return now + DEFAULT_BUDGET;
    }
    let left = if deadline_ms < EPOCH_MS_FLOOR {
        Duration::from_millis(deadline_ms)
    } else {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Duration::from_millis(deadline_ms.saturating_sub(now_ms))
    };
    now + left.saturating_sub(DEADLINE_MARGIN)
}

/// A panic hook for the bootstrap: where the panic happened, never its message (which could quote
/// log content), as one JSON log line.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        log(
            "ERROR",
            "panic",
            &[
                ("at", Field::Id(&at)),
                (
                    "message",
                    Field::Text("withheld: it could quote log content"),
                ),
            ],
        );
    }));
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests;
