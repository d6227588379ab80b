//! The properties the fuzz targets check, shared by the fuzz crate (`fuzz/`, through `#[path]`) and the
//! regression test (`tests/fuzz_regressions.rs`), so a crash input saved by a fuzzer is replayed by plain
//! `cargo test` against exactly the checks that found it.
//!
//! Each check panics, with a message naming the broken property, when the engine does something it
//! promises not to. Only what the engine guarantees is asserted:
//!
//! * [`engine`]: no panic; bytes outside the reported spans unchanged (the output is rebuilt from the
//!   input and the spans and compared); one output line per input line; scrubbing the output again
//!   changes nothing and finds nothing; valid UTF-8 stays valid UTF-8. In JSON mode and in text mode,
//!   and in text mode with every rule on.
//! * [`json_line`]: all of the above, plus every line that is a JSON object or array (serde_json parses
//!   it) is still one after scrubbing.
//! * [`pack`]: a user pack merged on the built-in one loads or is refused with its file and a line
//!   inside it, never a panic; a pack that loads builds a scrubber that scrubs without panicking and
//!   keeps the line count.
//! * [`lambda_decode`] (feature `lambda`): the Lambda's payload decoder never panics and never inflates
//!   past its cap; its errors never quote the payload; a payload that decodes decodes the same way
//!   through every path; a Firehose record comes back either scrubbed event for event or failed with
//!   no data, never passed through.

#![allow(dead_code)]

use std::sync::OnceLock;

use logscrub::{Findings, JsonMode, Options, Pack, Scrubber, Style};

/// The built-in engine in JSON mode (the default), in text mode, in forced JSON mode, and in text
/// mode with every rule on (the rules off by default, `IP`, are checked there).
fn scrubbers() -> &'static [Scrubber; 4] {
    static S: OnceLock<[Scrubber; 4]> = OnceLock::new();
    S.get_or_init(|| {
        let pack = Pack::builtin().expect("built-in pack loads");
        let mut all = pack.clone();
        let off: String = pack
            .rules()
            .iter()
            .filter(|r| !r.enabled)
            .map(|r| format!("[[rule]]\nid = \"{}\"\nenabled = true\n", r.id))
            .collect();
        assert!(
            !off.is_empty(),
            "the built-in pack has rules off by default"
        );
        all.merge_str(&off, "all.toml").expect("every rule on");
        let build = |pack: &Pack, json| {
            let options = Options {
                json,
                ..Options::default()
            };
            Scrubber::new(pack, &options).expect("built-in pack compiles")
        };
        [
            build(&pack, JsonMode::Auto),
            build(&pack, JsonMode::Off),
            build(&pack, JsonMode::On),
            build(&all, JsonMode::Off),
        ]
    })
}

fn builtin_pack() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| Pack::builtin().expect("built-in pack loads"))
}

fn scrub(s: &Scrubber, input: &[u8]) -> (Vec<u8>, Findings) {
    let mut out = Vec::new();
    let findings = s.scrub(input, &mut out);
    (out, findings)
}

/// What the output must be when only the reported spans changed and every rule writes `[LABEL]`: gaps
/// copied verbatim, `[LABEL]` (quoted when it replaced a bare JSON value) plus the span's own line
/// breaks for each span.
pub fn rebuild(s: &Scrubber, input: &[u8], f: &Findings) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut at = 0;
    for span in f.spans() {
        assert!(
            span.start >= at && span.len > 0 && span.end() <= input.len(),
            "spans must be non-empty, in bounds, sorted and disjoint: {:?} after {at} in {} bytes",
            span,
            input.len()
        );
        out.extend_from_slice(&input[at..span.start]);
        let quoted = f.is_quoted(span);
        if quoted {
            out.push(b'"');
        }
        out.push(b'[');
        out.extend_from_slice(s.rules()[span.rule.index()].label.as_bytes());
        out.push(b']');
        if quoted {
            out.push(b'"');
        }
        out.extend(
            input[span.start..span.end()]
                .iter()
                .filter(|&&b| b == b'\n' || b == b'\r'),
        );
        at = span.end();
    }
    out.extend_from_slice(&input[at..]);
    out
}

fn lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// The invariants of one scrubber (label style) on one input; returns the output.
fn invariants(s: &Scrubber, input: &[u8], mode: &str) -> Vec<u8> {
    let (out, f) = scrub(s, input);
    let rebuilt = rebuild(s, input, &f);
    assert!(
        rebuilt == out,
        "{mode}: bytes outside the spans changed\n input: {:?}\n output: {:?}\n expected: {:?}\n spans: {:?}",
        String::from_utf8_lossy(input),
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&rebuilt),
        f.spans()
    );
    assert_eq!(lines(input), lines(&out), "{mode}: line count changed");
    if std::str::from_utf8(input).is_ok() {
        assert!(
            std::str::from_utf8(&out).is_ok(),
            "{mode}: valid UTF-8 in, invalid UTF-8 out (a span starts or ends inside a character)\n input: {:?}\n spans: {:?}",
            String::from_utf8_lossy(input),
            f.spans()
        );
    }
    let (again, f2) = scrub(s, &out);
    assert!(
        again == out && f2.is_empty(),
        "{mode}: not idempotent\n input: {:?}\n once: {:?}\n twice: {:?}\n found again: {:?}",
        String::from_utf8_lossy(input),
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&again),
        f2.spans()
    );
    out
}

/// Arbitrary bytes through the built-in engine, in JSON mode, in text mode and in forced JSON mode
/// (which must scrub exactly as JSON mode does: it only counts the lines that are not JSON).
pub fn engine(input: &[u8]) {
    let [json, text, forced, every_rule] = scrubbers();
    let out = invariants(json, input, "json mode");
    invariants(text, input, "text mode");
    invariants(every_rule, input, "text mode, every rule on");
    let (forced_out, _) = scrub(forced, input);
    assert!(
        forced_out == out,
        "forced JSON mode differs from JSON mode\n input: {:?}\n  auto: {:?}\nforced: {:?}",
        String::from_utf8_lossy(input),
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&forced_out)
    );
}

/// Whether `line` is a JSON document the engine promises to keep valid: an object or an array (after
/// optional blanks) that serde_json parses. A scalar on its own (`4111111111111111`) is text.
fn is_json_document(line: &[u8]) -> bool {
    let first = line.iter().find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(b'{' | b'[')) && serde_json::from_slice::<serde_json::Value>(line).is_ok()
}

/// Bytes through the engine in JSON mode: the engine invariants, and every input line that is a JSON
/// object or array comes out as one.
pub fn json_line(input: &[u8]) {
    let [json, ..] = scrubbers();
    let out = invariants(json, input, "json mode");
    let before = input.split(|&b| b == b'\n');
    let after = out.split(|&b| b == b'\n');
    for (line_in, line_out) in before.zip(after) {
        if is_json_document(line_in) {
            assert!(
                serde_json::from_slice::<serde_json::Value>(line_out).is_ok(),
                "valid JSON in, invalid JSON out\n input: {}\n output: {}",
                String::from_utf8_lossy(line_in),
                String::from_utf8_lossy(line_out)
            );
        }
    }
}

/// Text the fuzzed packs' rules are run on, besides the pack source itself.
const SAMPLE: &[u8] = include_bytes!("../data/sample.log");

/// A user pack (any text) merged on the built-in pack, then, if it loads, compiled and run.
pub fn pack(src: &str) {
    let mut pack = builtin_pack().clone();
    if let Err(e) = pack.merge_str(src, "fuzz.toml") {
        assert_eq!(e.file, "fuzz.toml", "the error names the file");
        assert!(!e.message.is_empty(), "the error says what is wrong");
        let line_count = src.split('\n').count();
        assert!(
            e.line <= line_count,
            "error line {} past the end of a {line_count}-line pack: {e}",
            e.line
        );
        return;
    }
    let mut input = SAMPLE.to_vec();
    input.extend_from_slice(src.as_bytes());
    // The pack's own styles (hash included, so a key is given), then label style everywhere, where the
    // output can be rebuilt from the spans.
    for style in [None, Some(Style::Label)] {
        let options = Options {
            style,
            hash_key: Some(b"fuzz-key-0123456789".to_vec()),
            ..Options::default()
        };
        let s = match Scrubber::new(&pack, &options) {
            Ok(s) => s,
            Err(e) => panic!("a pack that loaded failed to compile: {e}"),
        };
        let (out, f) = scrub(&s, &input);
        assert_eq!(lines(&input), lines(&out), "line count changed");
        if style == Some(Style::Label) {
            assert!(
                rebuild(&s, &input, &f) == out,
                "bytes outside the spans changed"
            );
        }
    }
}

#[cfg(feature = "lambda")]
pub use lambda::lambda_decode;

#[cfg(feature = "lambda")]
mod lambda {
    use std::sync::OnceLock;
    use std::time::Instant;

    use logscrub::Scrubber;
    use logscrub::lambda::batch::Event;
    use logscrub::lambda::decode::{self, DecodeError, LogData};
    use logscrub::lambda::deliver::{DeliverError, Delivered, Sink};
    use logscrub::lambda::metrics::Metrics;
    use logscrub::lambda::{Config, Handler, firehose};
    use serde_json::json;

    /// Inflate cap used here: small, so a bomb is noticed within a fuzz input's few KiB.
    const CAP: usize = 1 << 20;

    /// Firehose never calls the sink; the handler needs one.
    struct NoSink;

    impl Sink for NoSink {
        fn put(
            &self,
            _group: &str,
            _stream: &str,
            events: &[Event],
            _deadline: Instant,
        ) -> impl Future<Output = Result<Delivered, DeliverError>> + Send {
            std::future::ready(Ok(Delivered {
                accepted: events.len(),
                rejected: 0,
            }))
        }
    }

    fn handler() -> &'static Handler<NoSink> {
        static H: OnceLock<Handler<NoSink>> = OnceLock::new();
        H.get_or_init(|| {
            let config = Config::from_lookup(|name| match name {
                "LOGSCRUB_MAX_INFLATED_BYTES" => Some(CAP.to_string()),
                _ => None,
            })
            .expect("configuration");
            let scrubber = config.scrubber().expect("built-in pack");
            Handler::new(config, scrubber, NoSink)
        })
    }

    fn scrubber() -> &'static Scrubber {
        static S: OnceLock<Scrubber> = OnceLock::new();
        S.get_or_init(|| Scrubber::builtin().expect("built-in pack"))
    }

    /// Standard padded base64 (the decoder's job is decoding; this only builds inputs).
    pub(super) fn base64_encode(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for c in bytes.chunks(3) {
            let n = u32::from(c[0]) << 16
                | u32::from(*c.get(1).unwrap_or(&0)) << 8
                | u32::from(*c.get(2).unwrap_or(&0));
            for k in 0..4 {
                if k <= c.len() {
                    s.push(char::from(A[(n >> (18 - 6 * k)) as usize & 63]));
                } else {
                    s.push('=');
                }
            }
        }
        s
    }

    /// Words a decode error may hold: its own templates, serde's fixed "expected" phrases and the
    /// schema's field names. A word from anywhere else came from the payload.
    const ERROR_WORDS: &[&str] = &[
        // decode.rs templates
        "bad",
        "base64",
        "invalid",
        "character",
        "at",
        "offset",
        "length",
        "last",
        "symbol",
        "padding",
        "gzip",
        "content",
        "is",
        "not",
        "JSON",
        "truncated",
        "line",
        "column",
        "syntax",
        "error",
        "a",
        "CloudWatch",
        "Logs",
        "payload",
        "missing",
        "field",
        "unknown",
        "duplicate",
        "value",
        "has",
        "the",
        "wrong",
        "type",
        "DATA_MESSAGE",
        "CONTROL_MESSAGE",
        "with",
        "an",
        "empty",
        "logGroup",
        "messageType",
        "neither",
        "nor",
        "inflates",
        "past",
        "bytes",
        "LOGSCRUB_MAX_INFLATED_BYTES",
        "refused",
        "as",
        "decompression",
        "bomb",
        // serde's expectations
        "struct",
        "LogData",
        "LogEvent",
        "i64",
        "sequence",
        "string",
        "map",
        "borrowed",
        "str",
        "fields",
        "or",
        "of",
        "sequence",
        "element",
        "elements",
        "tuple",
        // field names
        "owner",
        "logStream",
        "subscriptionFilters",
        "logEvents",
        "id",
        "timestamp",
        "message",
    ];

    /// A schema or JSON error must be made of fixed words and numbers only.
    fn assert_error_quotes_nothing(e: &DecodeError) {
        if !matches!(e, DecodeError::NotJson(_) | DecodeError::Schema(_)) {
            return;
        }
        let text = e.to_string();
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            let fixed = word.is_empty()
                || word.bytes().all(|b| b.is_ascii_digit())
                || ERROR_WORDS.contains(&word);
            assert!(
                fixed,
                "decode error holds {word:?}, not a fixed word: {text}"
            );
        }
    }

    fn decoded(result: Result<LogData, DecodeError>) -> Option<LogData> {
        match result {
            Ok(data) => Some(data),
            Err(e) => {
                assert_error_quotes_nothing(&e);
                None
            }
        }
    }

    /// The first byte picks a path through the decoder; the rest is its input.
    pub fn lambda_decode(data: &[u8]) {
        let Some((&mode, rest)) = data.split_first() else {
            return;
        };
        match mode % 5 {
            // `awslogs.data` as any text.
            0 => {
                decoded(decode::subscription_data(
                    &String::from_utf8_lossy(rest),
                    CAP,
                ));
            }
            // Any bytes as the gzip stream.
            1 => match decode::gunzip(rest, CAP) {
                Ok(json) => {
                    assert!(json.len() <= CAP, "inflated past the cap");
                    decoded(decode::log_data(&json));
                }
                Err(e) => assert!(
                    matches!(
                        e,
                        DecodeError::Gzip(_) | DecodeError::TooLarge { limit: CAP }
                    ),
                    "gunzip failed with {e:?}"
                ),
            },
            // Any bytes as the inflated JSON.
            2 => {
                agrees_with_serde(rest);
                decoded(decode::log_data(rest));
            }
            // Any bytes wrapped in a valid envelope: decoding through it is decoding the JSON.
            3 => {
                let text = base64_encode(&decode::gzip(rest));
                let via = decode::subscription_data(&text, CAP);
                if rest.len() > CAP {
                    assert_eq!(via, Err(DecodeError::TooLarge { limit: CAP }));
                } else {
                    assert_eq!(
                        via,
                        decode::log_data(rest),
                        "the envelope changed the result"
                    );
                }
            }
            // A Firehose record holding the bytes, gzipped or not.
            _ => firehose_record(rest),
        }
    }

    /// `decode::log_data` reads the compact shape CloudWatch writes with a reader of its own and
    /// anything else with serde: whatever it accepts, serde reads the same, and what serde reads
    /// it refuses only as a schema error (its checks after reading), never as bad JSON.
    fn agrees_with_serde(json: &[u8]) {
        let by_serde = serde_json::from_slice::<LogData>(json);
        match (decode::log_data(json), by_serde) {
            (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "read differently from serde"),
            (Ok(_), Err(_)) => panic!("read a payload serde refuses"),
            (Err(e), Ok(_)) => assert!(
                matches!(e, DecodeError::Schema(_)),
                "refused a payload serde reads: {e}"
            ),
            (Err(_), Err(_)) => {}
        }
    }

    fn firehose_record(rest: &[u8]) {
        let Some((&gz, json_bytes)) = rest.split_first() else {
            return;
        };
        let record = if gz & 1 == 1 {
            decode::gzip(json_bytes)
        } else {
            json_bytes.to_vec()
        };
        let event = json!({"records": [{
            "recordId": "r1",
            "approximateArrivalTimestamp": 1_700_000_000_000_i64,
            "data": base64_encode(&record),
        }]});
        let h = handler();
        let mut metrics = Metrics::new(scrubber().rules().len());
        let response = firehose::handle(h, &event, &mut metrics)
            .unwrap_or_else(|e| panic!("a record with an id failed the whole invocation: {e}"));
        let records = response["records"].as_array().expect("records");
        assert_eq!(records.len(), 1, "one record out per record in");
        let out = &records[0];
        assert_eq!(out["recordId"], "r1");
        let result = out["result"].as_str().expect("result");
        let data = out["data"].as_str().unwrap_or("");
        // What the record holds, decoded the way Firehose records are: gunzipped when gzipped.
        let gzipped = decode::is_gzip(&record);
        let expected = if gzipped {
            decode::gunzip(&record, CAP).and_then(|json| decode::log_data(&json))
        } else {
            decode::log_data(&record)
        };
        match result {
            firehose::OK => {
                let mut source = expected.expect("a record that does not decode was passed on");
                assert!(!source.is_control(), "a control message was passed on");
                let raw = decode::base64(data).expect("response data is base64");
                let json = if gzipped {
                    decode::gunzip(&raw, usize::MAX).expect("gzipped in, gzipped out")
                } else {
                    raw
                };
                let got = decode::log_data(&json).expect("response data is a payload");
                for event in &mut source.log_events {
                    let mut scrubbed = Vec::new();
                    scrubber().scrub(event.message.as_bytes(), &mut scrubbed);
                    event.message = String::from_utf8_lossy(&scrubbed).into_owned();
                }
                assert!(
                    got == source,
                    "the record came back other than scrubbed event for event"
                );
            }
            firehose::DROPPED => {
                assert!(
                    expected.is_ok_and(|d| d.is_control()),
                    "dropped a data record"
                );
                assert!(data.is_empty(), "a dropped record carries data");
            }
            firehose::PROCESSING_FAILED => {
                assert!(data.is_empty(), "a failed record carries data");
                assert!(
                    expected.is_err(),
                    "a record that decodes was failed: {:?}",
                    String::from_utf8_lossy(json_bytes)
                );
            }
            other => panic!("unknown Firehose result {other:?}"),
        }
    }
}
