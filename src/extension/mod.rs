//! The Lambda extension (`logscrub-extension`): a function's own log lines, scrubbed before
//! CloudWatch stores them.
//!
//! The subscription Lambda scrubs a copy; the raw events stay in the source group. An extension
//! runs inside the function's execution environment instead: Lambda hands it the function's log
//! lines through the Telemetry API, it scrubs them with the same engine and policy as every other
//! front end ([`crate::policy`]), and delivers only the clean copy, with PutLogEvents, to
//! `LOGSCRUB_DESTINATION_LOG_GROUP` (one stream per execution environment). With the function's
//! role denied its default log group, the raw lines are stored nowhere.
//!
//! The steps: [`api`] (register for `INVOKE` and `SHUTDOWN`, subscribe to the Telemetry API, the
//! listener Lambda posts batches to), [`telemetry`] (a batch into scrubbed events), [`outbox`]
//! (bounded waiting room, delivery in batches through the subscription Lambda's
//! [`deliver`](crate::lambda::deliver) and [`batch`](crate::lambda::batch) code).
//!
//! Timing: the engine's own thread loads and checks the policy's packs while init registers with
//! Lambda (a bad pack fails init), then compiles the engine while the function's runtime starts;
//! telemetry is scrubbed as it arrives (the first batch waits for the engine if it must); delivery
//! runs in the background, kicked by each `INVOKE` (so the previous invocation's lines go out while
//! the function runs, and the extension answers Lambda at once: it never holds an invocation), and
//! once more at `SHUTDOWN` within its two-second budget.
//!
//! Fail closed: a line the engine fails on is delivered as the marker; a batch that cannot be
//! delivered waits for the next flush, and past the outbox's cap the oldest events are dropped and
//! counted. Nothing unscrubbed is ever written, to the destination or to the extension's output,
//! which holds counts only.

pub mod api;
pub mod outbox;
pub mod telemetry;

use std::fmt;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::Scrubber;
use crate::lambda::deliver::CloudWatchSink;
use crate::lambda::metrics::{DEFAULT_NAMESPACE, Field, emf, log, print_lines};
use crate::policy::Policy;

use api::{Buffering, NextEvent};
use outbox::Outbox;
use telemetry::BatchCounts;

/// The extension's own settings, beyond the policy's [`crate::policy::VARIABLES`].
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "LOGSCRUB_DESTINATION_LOG_GROUP",
        "log group the scrubbed lines go to (required)",
    ),
    (
        "LOGSCRUB_TELEMETRY_MAX_ITEMS",
        "Telemetry API buffering: records per batch, 1000-10000 (default 1000)",
    ),
    (
        "LOGSCRUB_TELEMETRY_MAX_BYTES",
        "Telemetry API buffering: bytes per batch, 262144-1048576 (default 262144)",
    ),
    (
        "LOGSCRUB_TELEMETRY_TIMEOUT_MS",
        "Telemetry API buffering: longest wait before a batch, 25-30000 ms (default 100)",
    ),
    (
        "LOGSCRUB_TELEMETRY_PORT",
        "port of the listener Lambda posts telemetry to (default 4243)",
    ),
    (
        "LOGSCRUB_EXTENSION_MAX_BUFFERED_BYTES",
        "cap on scrubbed events waiting for delivery; past it the oldest are dropped (default 16 MiB)",
    ),
    (
        "LOGSCRUB_METRICS_NAMESPACE",
        "CloudWatch namespace of the extension's EMF counts (default logscrub)",
    ),
];

/// Default buffering: small batches often (100 ms), so lines reach the extension while the
/// invocation runs and leave with the next flush.
pub const DEFAULT_BUFFERING: Buffering = Buffering {
    max_items: 1000,
    max_bytes: 262_144,
    timeout_ms: 100,
};

/// Time kept back from the `SHUTDOWN` deadline for the process to exit.
const SHUTDOWN_MARGIN: Duration = Duration::from_millis(200);

/// How long one background flush may retry before its events wait for the next.
const FLUSH_BUDGET: Duration = Duration::from_secs(10);

/// How long after an `INVOKE` the background flush starts: time for the extension's next `next`
/// call to go out first.
const KICK_DELAY: Duration = Duration::from_millis(2);

/// How often the background flusher looks at the outbox when nothing kicks it.
const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

/// The extension's configuration. `Debug` never shows the hash key (it is the policy's).
#[derive(Clone, Debug)]
pub struct Config {
    pub destination: String,
    /// The log stream of this execution environment: the function's own stream name
    /// (`AWS_LAMBDA_LOG_STREAM_NAME`), so the clean copy mirrors the layout it replaces.
    pub stream: String,
    pub policy: Policy,
    pub buffering: Buffering,
    pub port: u16,
    pub max_buffered_bytes: usize,
    pub metrics_namespace: String,
}

/// A configuration error, naming the variable (the subscription Lambda's type: the settings are
/// shared).
pub use crate::lambda::ConfigError;

impl Config {
    /// Reads variables through `get`; `fallback_stream` names the stream when Lambda sets no
    /// `AWS_LAMBDA_LOG_STREAM_NAME`.
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        fallback_stream: &str,
    ) -> Result<Config, ConfigError> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let number =
            |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| match var(name) {
                None => Ok(default),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) if range.contains(&n) => Ok(n),
                    _ => Err(ConfigError(format!(
                        "{name}={v:?} is not a number in {}..={}",
                        range.start(),
                        range.end()
                    ))),
                },
            };
        let destination = var("LOGSCRUB_DESTINATION_LOG_GROUP")
            .map(|d| d.trim().to_string())
            .ok_or_else(|| {
                ConfigError(
                    "set LOGSCRUB_DESTINATION_LOG_GROUP: where the scrubbed lines go".into(),
                )
            })?;
        let buffering = Buffering {
            max_items: number(
                "LOGSCRUB_TELEMETRY_MAX_ITEMS",
                u64::from(DEFAULT_BUFFERING.max_items),
                1000..=10_000,
            )? as u32,
            max_bytes: number(
                "LOGSCRUB_TELEMETRY_MAX_BYTES",
                u64::from(DEFAULT_BUFFERING.max_bytes),
                262_144..=1_048_576,
            )? as u32,
            timeout_ms: number(
                "LOGSCRUB_TELEMETRY_TIMEOUT_MS",
                u64::from(DEFAULT_BUFFERING.timeout_ms),
                25..=30_000,
            )? as u32,
        };
        let stream = var("AWS_LAMBDA_LOG_STREAM_NAME").unwrap_or_else(|| fallback_stream.into());
        Ok(Config {
            destination,
            stream,
            policy: Policy::from_lookup(&get).map_err(|e| ConfigError(e.to_string()))?,
            buffering,
            port: number("LOGSCRUB_TELEMETRY_PORT", 4243, 1024..=65_535)? as u16,
            max_buffered_bytes: number(
                "LOGSCRUB_EXTENSION_MAX_BUFFERED_BYTES",
                16 << 20,
                1 << 20..=1 << 30,
            )? as usize,
            metrics_namespace: var("LOGSCRUB_METRICS_NAMESPACE")
                .map_or_else(|| DEFAULT_NAMESPACE.to_string(), |n| n.trim().to_string()),
        })
    }
}

/// Counts of what the telemetry listener saw, for the final report.
#[derive(Default)]
struct Seen {
    batches: u64,
    counts: BatchCounts,
}

/// Runs the extension: registers, subscribes, serves telemetry and delivers until `SHUTDOWN`.
/// Returns the process's exit status; every failure is said on one log line first.
pub async fn main() -> ExitCode {
    let started = Instant::now();
    let fail = |what: &str, error: &dyn fmt::Display| {
        let text = format!("{what}: {error}");
        log("ERROR", "extension", &[("error", Field::Text(&text))]);
        ExitCode::FAILURE
    };
    let Ok(address) = std::env::var("AWS_LAMBDA_RUNTIME_API") else {
        return fail(
            "init",
            &"AWS_LAMBDA_RUNTIME_API is not set (not running in Lambda?)",
        );
    };
    // Loading the packs is most of init's own work, and registering is a wait on Lambda: the two
    // overlap, on two threads.
    let engine = Arc::new(Engine::default());
    let checked = prepare(Arc::clone(&engine));
    let client = api::Client::new(&address);
    // Time spent waiting on the Extensions and Telemetry APIs, reported apart from our own.
    let calling = Instant::now();
    let id = match client.register().await {
        Ok(id) => id,
        Err(e) => return fail("register", &e),
    };
    let mut api_time = calling.elapsed();
    let config = match Config::from_lookup(|n| std::env::var(n).ok(), &format!("extension/{id}")) {
        Ok(c) => c,
        Err(e) => {
            client
                .init_error(Some(&id), "Extension.ConfigError", &e.to_string())
                .await;
            return fail("configuration", &e);
        }
    };
    // The packs were loading while we registered (see `prepare`); a policy that cannot work
    // fails init here. The engine compiles on after that, while the function's runtime starts.
    let waiting = Instant::now();
    let checked = checked.await;
    let pack_wait = waiting.elapsed();
    let pack_loaded = match checked {
        Ok(Ok(took)) => took,
        Ok(Err(text)) => {
            client
                .init_error(Some(&id), "Extension.RulePackError", &text)
                .await;
            return fail("rule pack", &text);
        }
        Err(_) => {
            let text = "the rule packs could not be loaded (internal error)";
            client
                .init_error(Some(&id), "Extension.RulePackError", text)
                .await;
            return fail("rule pack", &text);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("0.0.0.0", config.port)).await {
        Ok(l) => l,
        Err(e) => {
            let text = format!(
                "cannot listen on port {}: {}",
                config.port,
                crate::policy::io_reason(&e)
            );
            client
                .init_error(Some(&id), "Extension.ListenError", &text)
                .await;
            return fail("init", &text);
        }
    };
    let outbox = Arc::new(Outbox::new(config.max_buffered_bytes));
    let seen = Arc::new(Mutex::new(Seen::default()));
    tokio::spawn(api::serve(
        listener,
        on_batch(Arc::clone(&engine), Arc::clone(&outbox), Arc::clone(&seen)),
    ));
    let calling = Instant::now();
    let subscribed = client
        .subscribe(
            &id,
            &["platform", "function"],
            config.buffering,
            config.port,
        )
        .await;
    api_time += calling.elapsed();
    if let Err(e) = subscribed {
        client
            .init_error(
                Some(&id),
                "Extension.TelemetrySubscribeError",
                &e.to_string(),
            )
            .await;
        return fail("telemetry subscription", &e);
    }
    // The AWS client is built by the flusher, after init: nothing is delivered before the first
    // invocation anyway, and init stays short.
    let sink = Arc::new(tokio::sync::OnceCell::new());
    log(
        "INFO",
        "extension init",
        &[
            // Loading the packs, on the engine's thread, and how much of that init waited for
            // (the rest overlapped registering).
            ("packMs", Field::Millis(pack_loaded.as_secs_f64() * 1000.0)),
            (
                "packWaitMs",
                Field::Millis(pack_wait.as_secs_f64() * 1000.0),
            ),
            ("apiMs", Field::Millis(api_time.as_secs_f64() * 1000.0)),
            (
                "initMs",
                Field::Millis(started.elapsed().as_secs_f64() * 1000.0),
            ),
        ],
    );
    let kick = Arc::new(tokio::sync::Notify::new());
    tokio::spawn(flusher(
        Arc::clone(&outbox),
        Arc::clone(&sink),
        config.clone(),
        Arc::clone(&kick),
    ));
    loop {
        match client.next(&id).await {
            // The previous invocation's lines go out while this one runs; Lambda gets its answer
            // (the next `next` call) first: the flush starts a moment later, so on this one thread
            // its CPU work (sorting, signing a large batch) never delays that call.
            Ok(NextEvent::Invoke { .. }) => {
                let kick = Arc::clone(&kick);
                tokio::spawn(async move {
                    tokio::time::sleep(KICK_DELAY).await;
                    kick.notify_one();
                });
            }
            Ok(NextEvent::Shutdown { deadline_ms }) => {
                let sink = sink.get_or_init(CloudWatchSink::from_env).await;
                shutdown(&outbox, sink, &config, deadline_ms).await;
                report(&outbox, &seen, &config);
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                report(&outbox, &seen, &config);
                return fail("next event", &e);
            }
        }
    }
}

/// Starts the engine's thread: it reads the policy, loads and checks its packs (every reason the
/// engine could refuse them, [`Scrubber::check`]), answers through the returned channel (how long
/// that took, or why the policy cannot work), then compiles the engine into `engine`. Init waits
/// for the answer only; the compile runs on while the function's runtime starts, and a telemetry
/// batch that comes first waits for it. Whatever goes wrong, `engine` is set, to `None` if there is
/// no engine, so nothing waits forever and nothing is delivered unscrubbed.
fn prepare(engine: Arc<Engine>) -> tokio::sync::oneshot::Receiver<Result<Duration, String>> {
    let (answer, checked) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let loading = Instant::now();
        let loaded = crate::guard::run(|| {
            let policy =
                Policy::from_lookup(|n| std::env::var(n).ok()).map_err(|e| e.to_string())?;
            let options = policy.options();
            let pack = policy.pack().map_err(|e| e.to_string())?;
            Scrubber::check(&pack, &options).map_err(|e| e.to_string())?;
            Ok::<_, String>((pack, options))
        });
        let (pack, options) = match loaded {
            Ok(Ok(loaded)) => {
                let _ = answer.send(Ok(loading.elapsed()));
                loaded
            }
            Ok(Err(text)) => {
                engine.set(None);
                let _ = answer.send(Err(text));
                return;
            }
            Err(_) => {
                // Dropping `answer` says so to init.
                engine.set(None);
                return;
            }
        };
        let compiling = Instant::now();
        let built = crate::guard::run(|| Scrubber::new(&pack, &options));
        let ms = compiling.elapsed().as_secs_f64() * 1000.0;
        match built {
            Ok(Ok(scrubber)) => {
                let rules = scrubber.rules().len() as u64;
                engine.set(Some(Arc::new(scrubber)));
                log(
                    "INFO",
                    "extension engine",
                    &[
                        ("rules", Field::Count(rules)),
                        ("compileMs", Field::Millis(ms)),
                    ],
                );
            }
            // `check` passed, so this is a bug: no batch is scrubbed, none is kept.
            _ => {
                engine.set(None);
                log(
                    "ERROR",
                    "extension engine",
                    &[(
                        "error",
                        Field::Text("the engine did not compile; telemetry is dropped"),
                    )],
                );
            }
        }
    });
    checked
}

/// The engine, compiled after init on its own thread: `None` inside until then, then the engine
/// (or `None` for good if it did not compile).
#[derive(Default)]
struct Engine {
    state: Mutex<Option<Option<Arc<Scrubber>>>>,
    ready: std::sync::Condvar,
}

impl Engine {
    fn set(&self, engine: Option<Arc<Scrubber>>) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = Some(engine);
        self.ready.notify_all();
    }

    /// The engine, waiting for its compile (a few milliseconds, only at a cold start).
    fn wait(&self) -> Option<Arc<Scrubber>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(engine) = &*state {
                return engine.clone();
            }
            state = self.ready.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// What the listener does with one post: scrub, count, queue.
fn on_batch(
    engine: Arc<Engine>,
    outbox: Arc<Outbox>,
    seen: Arc<Mutex<Seen>>,
) -> impl Fn(Vec<u8>) + Clone + Send + 'static {
    move |body| {
        let mut events = Vec::new();
        let c = match engine.wait() {
            Some(scrubber) => telemetry::scrub_batch(&scrubber, &body, &mut events),
            // Fail closed: without an engine nothing is delivered, and the batch is counted.
            None => BatchCounts {
                malformed: 1,
                ..BatchCounts::default()
            },
        };
        outbox.push(events);
        let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.batches += 1;
        seen.counts.add(&c);
    }
}

/// Delivers in the background: when kicked (each `INVOKE`) and every [`FLUSH_INTERVAL`].
async fn flusher(
    outbox: Arc<Outbox>,
    sink: Arc<tokio::sync::OnceCell<CloudWatchSink>>,
    config: Config,
    kick: Arc<tokio::sync::Notify>,
) {
    let sink = sink.get_or_init(CloudWatchSink::from_env).await;
    loop {
        tokio::select! {
            _ = kick.notified() => {}
            _ = tokio::time::sleep(FLUSH_INTERVAL) => {}
        }
        if outbox.is_empty() {
            continue;
        }
        let deadline = Instant::now() + FLUSH_BUDGET;
        if let Err(e) = outbox
            .flush(sink, &config.destination, &config.stream, deadline)
            .await
        {
            let text = e.to_string();
            let c = outbox.counts();
            log(
                "WARN",
                "delivery failed",
                &[
                    ("error", Field::Text(&text)),
                    ("waiting", Field::Count(outbox.len() as u64)),
                    ("dropped", Field::Count(c.dropped)),
                ],
            );
        }
    }
}

/// The last flush, within the `SHUTDOWN` deadline. Telemetry posted just before the event may
/// still be on its way: a short pause lets it land first.
async fn shutdown(outbox: &Outbox, sink: &CloudWatchSink, config: &Config, deadline_ms: u64) {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let left = if deadline_ms > now_ms {
        Duration::from_millis(deadline_ms - now_ms)
    } else {
        // No usable deadline: Lambda's documented budget for external extensions.
        Duration::from_millis(2000)
    };
    let deadline = Instant::now() + left.saturating_sub(SHUTDOWN_MARGIN);
    let settle = Duration::from_millis(u64::from(config.buffering.timeout_ms).min(150));
    tokio::time::sleep(settle.min(left / 4)).await;
    if let Err(e) = outbox
        .flush(sink, &config.destination, &config.stream, deadline)
        .await
    {
        let text = e.to_string();
        log(
            "WARN",
            "delivery failed at shutdown",
            &[("error", Field::Text(&text))],
        );
    }
}

/// The extension's counts: one EMF line and one plain count line on standard error.
fn report(outbox: &Outbox, seen: &Mutex<Seen>, config: &Config) {
    let c = outbox.counts();
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    let lost = c.dropped + outbox.len() as u64;
    let metrics = [
        ("ExtensionLines", "Count", seen.counts.lines.into()),
        ("ExtensionFindings", "Count", seen.counts.findings.into()),
        ("ExtensionDelivered", "Count", c.delivered.into()),
        ("ExtensionDropped", "Count", lost.into()),
        ("ExtensionRejected", "Count", c.rejected.into()),
        (
            "ExtensionInternalErrors",
            "Count",
            seen.counts.internal_errors.into(),
        ),
        ("ExtensionFailedFlushes", "Count", c.failed_flushes.into()),
    ];
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    print_lines(&[emf(&config.metrics_namespace, now_ms, &[], &metrics, false)]);
    eprintln!(
        "logscrub-extension: {} batches, {} lines scrubbed ({} values), {} delivered, {} dropped, \
         {} rejected, {} internal errors, {} failed flushes, {} records skipped, {} malformed batches",
        seen.batches,
        seen.counts.lines,
        seen.counts.findings,
        c.delivered,
        lost,
        c.rejected,
        seen.counts.internal_errors,
        c.failed_flushes,
        seen.counts.skipped,
        seen.counts.malformed
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(
            |n| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()),
            "extension/x",
        )
    }

    #[test]
    fn settings_and_their_errors() {
        let c = read(&[("LOGSCRUB_DESTINATION_LOG_GROUP", "/clean/app")]).unwrap();
        assert_eq!(c.buffering, DEFAULT_BUFFERING);
        assert_eq!((c.port, c.stream.as_str()), (4243, "extension/x"));
        let c = read(&[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", "/clean/app"),
            ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/04/[$LATEST]abc"),
            ("LOGSCRUB_TELEMETRY_TIMEOUT_MS", "500"),
            ("LOGSCRUB_STYLE", "mask"),
        ])
        .unwrap();
        assert_eq!(c.buffering.timeout_ms, 500);
        assert_eq!(c.stream, "2026/12/04/[$LATEST]abc");
        assert_eq!(c.policy.style, Some(crate::Style::Mask));
        let e = read(&[]).unwrap_err();
        assert!(e.0.contains("LOGSCRUB_DESTINATION_LOG_GROUP"), "{e}");
        let e = read(&[
            ("LOGSCRUB_DESTINATION_LOG_GROUP", "/clean/app"),
            ("LOGSCRUB_TELEMETRY_MAX_BYTES", "1000"),
        ])
        .unwrap_err();
        assert!(
            e.0.starts_with("LOGSCRUB_TELEMETRY_MAX_BYTES=\"1000\""),
            "{e}"
        );
    }
}
