//! Delivering batches to a CloudWatch Logs group: stream naming, stream creation, retries.
//!
//! [`Sink`] is the seam between the handler and the service, so the handler's tests run without a
//! network; [`CloudWatchSink`] is the real one, on the AWS SDK.
//!
//! Retries are this module's, not the SDK's (its retry layer is switched off): throttling, 5xx
//! answers, time-outs and connection failures are retried with exponential backoff and full jitter
//! ("sleep a random time up to base * 2^attempt", which spreads the retries of many concurrent
//! invocations), but only while the invocation's deadline leaves room for another attempt. Then the
//! batch fails, the invocation returns an error, and Lambda's own retries and the on-failure
//! destination take over: nothing is dropped quietly. Delivery is at least once: an attempt that
//! timed out may have landed, and its retry then writes the batch twice.
//!
//! Error texts carry the service's error code and HTTP status, never its message, which for some
//! errors can echo request content.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::config::http::HttpResponse;
use aws_sdk_cloudwatchlogs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use sha2::{Digest, Sha256};

use super::batch::Event;

/// Longest log stream name CloudWatch Logs accepts.
pub const MAX_STREAM_NAME: usize = 512;

/// What one successful PutLogEvents call did with a batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    /// Events stored.
    pub accepted: usize,
    /// Events the service refused as too old, too new or past the group's retention. Their
    /// timestamps are the source's, so retrying cannot help; they are counted and logged.
    pub rejected: usize,
}

/// Why a batch could not be delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliverError {
    /// The destination group does not exist (deleted, or never created).
    GroupMissing { group: String },
    /// The service refused the call in a way retrying will not fix (permissions, bad parameters).
    Refused {
        group: String,
        error: String,
        attempts: u32,
    },
    /// Every attempt failed with a transient error, and the deadline leaves no room for more.
    GaveUp {
        group: String,
        error: String,
        attempts: u32,
    },
}

impl fmt::Display for DeliverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliverError::GroupMissing { group } => {
                write!(f, "destination log group {group} does not exist")
            }
            DeliverError::Refused {
                group,
                error,
                attempts,
            } => write!(
                f,
                "PutLogEvents to {group} refused: {error} (attempt {attempts}, not retryable)"
            ),
            DeliverError::GaveUp {
                group,
                error,
                attempts,
            } => write!(
                f,
                "PutLogEvents to {group} failed after {attempts} attempts within the invocation \
                 deadline; last error: {error}"
            ),
        }
    }
}

impl std::error::Error for DeliverError {}

/// Where scrubbed batches go.
pub trait Sink: Sync {
    /// Delivers one batch (already within the service limits, in order) to `stream` of `group`,
    /// creating the stream if needed, retrying transient failures until `deadline`.
    fn put(
        &self,
        group: &str,
        stream: &str,
        events: &[Event],
        deadline: Instant,
    ) -> impl Future<Output = Result<Delivered, DeliverError>> + Send;
}

/// The destination stream for events of `source_stream` in `source_group`: both names, so sources
/// never share a stream. Characters PutLogEvents refuses in stream names (`:` and `*`) and `%` are
/// percent-escaped, which keeps distinct sources distinct; group names cannot hold `|`, so the
/// first `|` separates the two. A name over the 512-byte limit is cut and ends in a hash of the
/// full pair, which keeps it unique.
pub fn stream_name(source_group: &str, source_stream: &str) -> String {
    let mut name = String::with_capacity(source_group.len() + source_stream.len() + 1);
    escape_into(&mut name, source_group);
    name.push('|');
    escape_into(&mut name, source_stream);
    if name.len() <= MAX_STREAM_NAME {
        return name;
    }
    let digest = Sha256::new()
        .chain_update(source_group.as_bytes())
        .chain_update([0])
        .chain_update(source_stream.as_bytes())
        .finalize();
    let suffix: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let mut cut = MAX_STREAM_NAME - suffix.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    name.truncate(cut);
    name.push('~');
    name.push_str(&suffix);
    name
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            ':' => out.push_str("%3A"),
            '*' => out.push_str("%2A"),
            c => out.push(c),
        }
    }
}

/// How many of `n` events PutLogEvents refused, from its `rejectedLogEventsInfo` indices (a batch
/// is in time order, so they are a prefix and a suffix). AWS's API reference fixes two of the
/// three bounds: `tooOldLogEventEndIndex` is *exclusive* (events before it are too old) and
/// `tooNewLogEventStartIndex` inclusive (it and those after it are too new). It says nothing of
/// `expiredLogEventEndIndex`, which is read as inclusive, the reading that never counts an event
/// as stored when it may not be. (moto treats the too-old index as inclusive; AWS is followed.)
pub fn rejected_count(
    n: usize,
    too_new_start: Option<i32>,
    too_old_end: Option<i32>,
    expired_end: Option<i32>,
) -> usize {
    let index = |i: i32| usize::try_from(i).unwrap_or(0);
    let too_old = too_old_end.map_or(0, |i| index(i).min(n));
    let expired = expired_end.map_or(0, |i| (index(i) + 1).min(n));
    let old = too_old.max(expired);
    let new_from = too_new_start.map_or(n, |i| index(i).min(n)).max(old);
    old + (n - new_from)
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Transient: back off, then try again if the deadline allows.
    Retry,
    /// Something was fixed (the stream was created): try again at once.
    RetryNow,
    /// Retrying cannot help.
    Fatal,
    /// The destination group is missing.
    GroupMissing,
}

/// A failed attempt: what to do next, and a description safe to log (codes and statuses only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failed {
    pub next: Next,
    pub error: String,
}

/// Exponential backoff with full jitter.
#[derive(Clone, Debug)]
pub(crate) struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    /// Time one attempt needs at least; no attempt starts with less left before the deadline.
    pub min_attempt: Duration,
    rng: u64,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration, min_attempt: Duration) -> Backoff {
        // Seeded from the clock: invocations started together must not retry together.
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Backoff {
            base,
            cap,
            min_attempt,
            rng: seed | 1,
        }
    }

    /// The pause before retry number `retry` (1 for the first retry).
    pub fn delay(&mut self, retry: u32) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << retry.min(20))
            .min(self.cap);
        // xorshift64*: statistical quality is irrelevant here, only spread.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let r = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(r % nanos.saturating_add(1))
    }
}

/// Runs `attempt` until it succeeds, fails for good, or the deadline leaves no room for another
/// try. Each attempt is also cut off at the deadline. Returns the last failure and the number of
/// attempts made.
pub(crate) async fn retry<T, F, Fut>(
    deadline: Instant,
    backoff: &mut Backoff,
    mut attempt: F,
) -> Result<T, (Failed, u32)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failed>>,
{
    let mut attempts = 0;
    let mut retries = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        attempts += 1;
        let failed = match tokio::time::timeout(left, attempt()).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(failed)) => failed,
            Err(_) => Failed {
                next: Next::Retry,
                error: "no answer before the invocation deadline".into(),
            },
        };
        let pause = match failed.next {
            Next::Retry => {
                retries += 1;
                backoff.delay(retries)
            }
            Next::RetryNow => Duration::ZERO,
            Next::Fatal | Next::GroupMissing => return Err((failed, attempts)),
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if pause + backoff.min_attempt > left {
            return Err((failed, attempts));
        }
        tokio::time::sleep(pause).await;
    }
}

/// The CloudWatch Logs destination, through the AWS SDK.
#[derive(Clone, Debug)]
pub struct CloudWatchSink {
    client: Client,
}

impl CloudWatchSink {
    /// A sink on `client` (built by the caller, e.g. against a test endpoint).
    pub fn new(client: Client) -> CloudWatchSink {
        CloudWatchSink { client }
    }

    /// A client configured the standard AWS way (`AWS_REGION`, credentials from the environment or
    /// the execution role, `AWS_ENDPOINT_URL`, profiles): [`CloudWatchSink::config_loader`], loaded.
    pub async fn from_env() -> CloudWatchSink {
        CloudWatchSink::new(Client::new(&CloudWatchSink::config_loader().load().await))
    }

    /// The SDK configuration this sink is built with, before loading, for callers that add to it
    /// (a test endpoint, fixed credentials): standard AWS configuration, on rustls with the ring
    /// provider, with the SDK's retries off (see the module doc) and bounded connect and attempt
    /// times.
    pub fn config_loader() -> aws_config::ConfigLoader {
        use aws_smithy_http_client::tls;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(http)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .operation_attempt_timeout(Duration::from_secs(20))
                    .build(),
            )
    }

    /// The SDK client, for callers that need other calls on the same configuration.
    pub fn client(&self) -> &Client {
        &self.client
    }

    async fn put_once(
        &self,
        group: &str,
        stream: &str,
        events: &[InputLogEvent],
        created: &AtomicBool,
    ) -> Result<Delivered, Failed> {
        let result = self
            .client
            .put_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_log_events(Some(events.to_vec()))
            .send()
            .await;
        let error = match result {
            Ok(out) => {
                let n = events.len();
                let rejected = out.rejected_log_events_info().map_or(0, |r| {
                    rejected_count(
                        n,
                        r.too_new_log_event_start_index(),
                        r.too_old_log_event_end_index(),
                        r.expired_log_event_end_index(),
                    )
                });
                return Ok(Delivered {
                    accepted: n - rejected,
                    rejected,
                });
            }
            Err(e) => e,
        };
        // (No DataAlreadyAcceptedException branch: PutLogEvents ignores sequence tokens and never
        // returns it, so a retry of a call that landed is not recognised: see README, "duplicates".)
        let service = error.as_service_error();
        if service.is_some_and(|e| e.is_resource_not_found_exception()) {
            // The stream (or the group) is missing. Create the stream once; if the group is
            // missing that says so. A second "not found" after creating is the service catching
            // up, and is retried like any transient error.
            if created.load(Ordering::Relaxed) {
                return Err(Failed {
                    next: Next::Retry,
                    error: describe(&error),
                });
            }
            return self.create_stream(group, stream, created).await;
        }
        Err(Failed {
            next: classify(&error),
            error: describe(&error),
        })
    }

    /// Creates `stream`; `Ok` is never returned, only what to do next: put again at once, or why not.
    /// `created` is set only when the stream exists afterwards (created now, or already there): a
    /// throttled or failed create leaves it clear, so the next "not found" creates it again.
    async fn create_stream(
        &self,
        group: &str,
        stream: &str,
        created: &AtomicBool,
    ) -> Result<Delivered, Failed> {
        let result = self
            .client
            .create_log_stream()
            .log_group_name(group)
            .log_stream_name(stream)
            .send()
            .await;
        match result {
            Ok(_) => {
                created.store(true, Ordering::Relaxed);
                Err(Failed {
                    next: Next::RetryNow,
                    error: "log stream created".into(),
                })
            }
            Err(e) => {
                let service = e.as_service_error();
                let next = if service.is_some_and(|s| s.is_resource_already_exists_exception()) {
                    // Another invocation created it first.
                    created.store(true, Ordering::Relaxed);
                    Next::RetryNow
                } else if service.is_some_and(|s| s.is_resource_not_found_exception()) {
                    Next::GroupMissing
                } else {
                    classify(&e)
                };
                Err(Failed {
                    next,
                    error: describe(&e),
                })
            }
        }
    }
}

impl Sink for CloudWatchSink {
    async fn put(
        &self,
        group: &str,
        stream: &str,
        events: &[Event],
        deadline: Instant,
    ) -> Result<Delivered, DeliverError> {
        let input = events
            .iter()
            .map(|e| {
                InputLogEvent::builder()
                    .timestamp(e.timestamp)
                    .message(e.message.as_str())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| DeliverError::Refused {
                group: group.to_string(),
                error: "could not build the request".into(),
                attempts: 0,
            })?;
        let created = AtomicBool::new(false);
        let mut backoff = Backoff::new(
            Duration::from_millis(100),
            Duration::from_secs(5),
            Duration::from_millis(250),
        );
        let (this, input, created) = (self, &input, &created);
        retry(deadline, &mut backoff, move || async move {
            this.put_once(group, stream, input, created).await
        })
        .await
        .map_err(|(failed, attempts)| {
            let group = group.to_string();
            match failed.next {
                Next::GroupMissing => DeliverError::GroupMissing { group },
                Next::Fatal => DeliverError::Refused {
                    group,
                    error: failed.error,
                    attempts,
                },
                Next::Retry | Next::RetryNow => DeliverError::GaveUp {
                    group,
                    error: failed.error,
                    attempts,
                },
            }
        })
    }
}

/// Transient or not: throttling, 5xx, 429, time-outs and connection failures are worth retrying.
fn classify<E: ProvideErrorMetadata>(error: &SdkError<E, HttpResponse>) -> Next {
    match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            Next::Retry
        }
        SdkError::ServiceError(_) => {
            let code = error.code().unwrap_or("");
            let status = http_status(error);
            let transient = matches!(
                code,
                "ThrottlingException"
                    | "Throttling"
                    | "TooManyRequestsException"
                    | "RequestLimitExceeded"
                    | "ServiceUnavailableException"
                    | "InternalFailure"
                    | "InternalServerError"
                    | "InvalidSequenceTokenException"
            ) || status.is_some_and(|s| s == 429 || s >= 500);
            if transient { Next::Retry } else { Next::Fatal }
        }
        _ => Next::Fatal,
    }
}

fn http_status<E>(error: &SdkError<E, HttpResponse>) -> Option<u16> {
    match error {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            error.raw_response().map(|r| r.status().as_u16())
        }
        _ => None,
    }
}

/// The error code and HTTP status, or the kind of failure: never the service's message text.
fn describe<E: ProvideErrorMetadata>(error: &SdkError<E, HttpResponse>) -> String {
    let kind = match error {
        SdkError::ConstructionFailure(_) => "request construction failed",
        SdkError::TimeoutError(_) => "timed out",
        SdkError::DispatchFailure(_) => "could not connect or send",
        SdkError::ResponseError(_) => "unreadable response",
        SdkError::ServiceError(_) => error.code().unwrap_or("service error"),
        _ => "unknown SDK error",
    };
    match http_status(error) {
        Some(status) => format!("{kind} (HTTP {status})"),
        None => kind.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[test]
    fn stream_names_keep_sources_apart() {
        assert_eq!(
            stream_name("/aws/lambda/api", "2024/01/01/[$LATEST]ab"),
            "/aws/lambda/api|2024/01/01/[$LATEST]ab"
        );
        assert_eq!(stream_name("/app", "i-1:eth0*"), "/app|i-1%3Aeth0%2A");
        // Escaping keeps a literal "%3A" apart from ":".
        assert_ne!(stream_name("/app", "a%3Ab"), stream_name("/app", "a:b"));
        // Group names cannot contain "|", so moving a "/" across the boundary changes the name.
        assert_ne!(stream_name("/a/b", "c"), stream_name("/a", "b/c"));
        let name = stream_name("/app", "s");
        assert!(!name.contains(':') && !name.contains('*'));
    }

    #[test]
    fn long_stream_names_are_cut_and_stay_unique() {
        let group = format!("/{}", "g".repeat(511));
        let a = stream_name(&group, &"é".repeat(300));
        let b = stream_name(&group, &format!("{}x", "é".repeat(300)));
        assert!(a.len() <= MAX_STREAM_NAME && b.len() <= MAX_STREAM_NAME);
        assert_ne!(a, b);
        assert!(a.starts_with("/ggg"));
    }

    #[test]
    fn rejected_indices() {
        assert_eq!(rejected_count(10, None, None, None), 0);
        assert_eq!(rejected_count(10, Some(7), None, None), 3);
        // Too old: the end index is exclusive, so 1 means event 0 alone.
        assert_eq!(rejected_count(10, None, Some(1), None), 1);
        assert_eq!(rejected_count(10, None, Some(0), None), 0);
        // Expired: read inclusive.
        assert_eq!(rejected_count(10, None, None, Some(1)), 2);
        assert_eq!(rejected_count(10, None, Some(1), Some(3)), 4);
        assert_eq!(rejected_count(10, None, Some(6), Some(3)), 6);
        assert_eq!(rejected_count(10, Some(2), Some(4), None), 10);
        assert_eq!(rejected_count(10, Some(-1), Some(99), None), 10);
        assert_eq!(rejected_count(0, Some(0), None, None), 0);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let mut b = Backoff::new(
            Duration::from_millis(100),
            Duration::from_secs(1),
            Duration::ZERO,
        );
        for retry in 1..40 {
            let ceiling =
                Duration::from_millis(100 * (1u64 << retry.min(20))).min(Duration::from_secs(1));
            assert!(b.delay(retry) <= ceiling);
        }
        // Jitter: twenty draws are not all equal.
        let draws: Vec<Duration> = (0..20).map(|_| b.delay(5)).collect();
        assert!(draws.iter().any(|d| *d != draws[0]));
    }

    fn fast() -> Backoff {
        Backoff::new(
            Duration::from_millis(1),
            Duration::from_millis(4),
            Duration::from_millis(1),
        )
    }

    #[tokio::test]
    async fn transient_failures_are_retried_until_success() {
        let calls = AtomicU32::new(0);
        let calls = &calls;
        let deadline = Instant::now() + Duration::from_secs(5);
        let result = retry(deadline, &mut fast(), move || async move {
            if calls.fetch_add(1, Ordering::Relaxed) < 3 {
                Err(Failed {
                    next: Next::Retry,
                    error: "ThrottlingException (HTTP 400)".into(),
                })
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(result, Ok(7));
        assert_eq!(calls.load(Ordering::Relaxed), 4);
    }

    #[tokio::test]
    async fn fatal_failures_are_not_retried() {
        let calls = AtomicU32::new(0);
        let calls = &calls;
        let deadline = Instant::now() + Duration::from_secs(5);
        let result: Result<(), _> = retry(deadline, &mut fast(), move || async move {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(Failed {
                next: Next::Fatal,
                error: "AccessDeniedException (HTTP 400)".into(),
            })
        })
        .await;
        assert_eq!(result.unwrap_err().1, 1);
    }

    #[tokio::test]
    async fn retries_stop_at_the_deadline() {
        let deadline = Instant::now() + Duration::from_millis(200);
        let started = Instant::now();
        let result: Result<(), _> = retry(deadline, &mut fast(), || async {
            Err(Failed {
                next: Next::Retry,
                error: "ServiceUnavailableException (HTTP 503)".into(),
            })
        })
        .await;
        let (failed, attempts) = result.unwrap_err();
        assert!(attempts > 1);
        assert_eq!(failed.error, "ServiceUnavailableException (HTTP 503)");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn a_hung_attempt_is_cut_at_the_deadline() {
        let deadline = Instant::now() + Duration::from_millis(100);
        let result: Result<(), _> = retry(deadline, &mut fast(), || async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        })
        .await;
        let (failed, _) = result.unwrap_err();
        assert!(failed.error.contains("deadline"), "{}", failed.error);
    }
}
