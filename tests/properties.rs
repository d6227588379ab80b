//! Property tests of the engine's invariants (proptest):
//!
//! * fail closed: PII embedded in random log text is always caught, and no value the engine reports
//!   reaches the output;
//! * nothing lost, nothing merged: bytes outside the reported spans come out unchanged and in order, and
//!   the output has exactly as many line breaks as the input;
//! * idempotent: scrubbing the output again changes nothing and finds nothing;
//! * no panic on any bytes.
//!
//! Each invariant holds for every replacement style (label, mask, last4, hash) in every JSON mode
//! (auto, on, off): the properties draw one of the twelve configurations per case, and
//! `every_style_and_json_mode_is_idempotent_on_known_lines` runs all twelve over lines that broke it.

mod support;
// The fuzz targets' checks; only `rebuild` (the output the spans allow) is used here, so the
// re-export for the Lambda target goes unused.
#[allow(unused_imports)]
#[path = "fuzz_support/checks.rs"]
mod checks;

use logscrub::{Findings, JsonMode, Options, Pack, Scrubber, Style};
use proptest::prelude::*;
use support::corpus::{self, Rng};

fn scrubber() -> &'static Scrubber {
    use std::sync::OnceLock;
    static S: OnceLock<Scrubber> = OnceLock::new();
    S.get_or_init(|| Scrubber::builtin().expect("builtin pack"))
}

const STYLES: [Style; 4] = [Style::Label, Style::Mask, Style::Last4, Style::Hash];
const MODES: [JsonMode; 3] = [JsonMode::Auto, JsonMode::On, JsonMode::Off];
/// Every style in every JSON mode.
const CONFIGS: usize = STYLES.len() * MODES.len();

/// The built-in pack in configuration `config` (index into style × mode).
fn configured(config: usize) -> &'static Scrubber {
    use std::sync::OnceLock;
    static S: OnceLock<Vec<Scrubber>> = OnceLock::new();
    let all = S.get_or_init(|| {
        let pack = Pack::builtin().expect("builtin pack");
        let mut all = Vec::new();
        for style in STYLES {
            for json in MODES {
                let options = Options {
                    style: Some(style),
                    json,
                    hash_key: Some(b"property-test-hash-key".to_vec()),
                    ..Options::default()
                };
                all.push(Scrubber::new(&pack, &options).expect("configured scrubber"));
            }
        }
        all
    });
    &all[config % all.len()]
}

fn scrub(input: &[u8]) -> (Vec<u8>, Findings) {
    scrub_as(scrubber(), input)
}

fn scrub_as(s: &Scrubber, input: &[u8]) -> (Vec<u8>, Findings) {
    let mut out = Vec::new();
    let f = s.scrub(input, &mut out);
    (out, f)
}

fn check_invariants(input: &[u8]) -> Result<(), TestCaseError> {
    check_invariants_as(scrubber(), input)
}

/// Checks that `out` is `input` with each span of `f` replaced and nothing else changed, whatever
/// the style: a `[LABEL]` or `[LABEL:hash]` token (quoted where it replaced a bare JSON value) plus
/// the value's line breaks, or a mask of the value's own length that keeps only its separators, `*`
/// and at most four of its digits. Returns what is wrong, without the value.
fn check_rewrite(s: &Scrubber, input: &[u8], f: &Findings, out: &[u8]) -> Result<(), String> {
    let mut at = 0; // in input
    let mut o = 0; // in out
    for span in f.spans() {
        let gap = &input[at..span.start];
        if out.get(o..o + gap.len()) != Some(gap) {
            return Err(format!("bytes before the span at {} changed", span.start));
        }
        o += gap.len();
        let value = &input[span.start..span.end()];
        let quoted = f.is_quoted(span);
        if quoted {
            if out.get(o) != Some(&b'"') {
                return Err(format!("span at {} lost its quote", span.start));
            }
            o += 1;
        }
        let label = s.rules()[span.rule.index()].label.as_bytes();
        if out.get(o) == Some(&b'[') {
            let close = memchr::memchr(b']', &out[o..]).ok_or("token not closed")? + o;
            let inner = &out[o + 1..close];
            let (name, hash) = match memchr::memchr(b':', inner) {
                Some(c) => (&inner[..c], Some(&inner[c + 1..])),
                None => (inner, None),
            };
            if name != label
                || hash.is_some_and(|h| h.len() != 8 || !h.iter().all(u8::is_ascii_hexdigit))
            {
                return Err(format!("span at {}: not its rule's token", span.start));
            }
            o = close + 1;
            for &b in value.iter().filter(|&&b| b == b'\n' || b == b'\r') {
                if out.get(o) != Some(&b) {
                    return Err(format!("span at {}: line breaks not kept", span.start));
                }
                o += 1;
            }
        } else {
            let masked = out
                .get(o..o + value.len())
                .ok_or("mask shorter than its value")?;
            let mut shown = 0;
            for (&m, &v) in masked.iter().zip(value) {
                // A digit shown as it was, a `*`, or the value's own separator kept as it was.
                let kept_separator = m == v && !v.is_ascii_alphanumeric();
                if m == v && v.is_ascii_digit() {
                    shown += 1;
                } else if m != b'*' && !kept_separator {
                    return Err(format!(
                        "span at {}: mask changed a separator or showed a letter",
                        span.start
                    ));
                }
            }
            if shown > 4 {
                return Err(format!("span at {}: {shown} digits shown", span.start));
            }
            o += value.len();
        }
        if quoted {
            if out.get(o) != Some(&b'"') {
                return Err(format!("span at {} lost its closing quote", span.start));
            }
            o += 1;
        }
        at = span.end();
    }
    if out.get(o..) != Some(&input[at..]) {
        return Err("bytes after the last span changed".into());
    }
    Ok(())
}

fn check_invariants_as(s: &Scrubber, input: &[u8]) -> Result<(), TestCaseError> {
    let (out, f) = scrub_as(s, input);
    if let Err(e) = check_rewrite(s, input, &f, &out) {
        return Err(TestCaseError::fail(format!("{e} ({s:?})")));
    }
    prop_assert_eq!(
        memchr::memchr_iter(b'\n', input).count(),
        memchr::memchr_iter(b'\n', &out).count(),
        "line count changed ({:?})",
        s
    );
    let (again, f2) = scrub_as(s, &out);
    prop_assert_eq!(&again, &out, "not idempotent ({:?})", s);
    prop_assert!(f2.is_empty(), "its own output was detected again ({:?})", s);
    Ok(())
}

/// Lines that were not idempotent in some style or mode: `last4` of a JSON value already shown as
/// its last four, masked key/value secrets, multi-line keys with log prefixes; and the forms added
/// since, in every style and mode: a key block with no END line (cut short, and a marker only
/// named), a scheme after a key name, decimal degrees, national ids, identity documents in JSON.
const KNOWN_LINES: &[&str] = &[
    "t stdout F -----BEGIN RSA PRIVATE KEY-----\nt stdout F MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nt stdout F INFO server started on :8080\n",
    "ERROR load key: expected \"-----BEGIN PRIVATE KEY-----\" at start\nINFO retrying attempt=2\n",
    "token: Bearer 9f86d081884c7d659a2feaa0c55ad015 credentials: Basic dXNlcjpwYXNz",
    "location: 48.858370, 2.294481 lat=-33.8688 bvn 22123456789 cnic 35202-1234567-1 eid 784-1968-6570305-0 HKID A123456(3) mykad 770812-14-5027",
    r#"{"kyc":{"document_number":"X1234567"},"payer":{"document":"53033315550"},"lat":48.8583}"#,
    r#"{"phone":"415-555-0132","card_number":"4111 1111 1111 1111","ssn":"219-09-9999","dob":"1985-04-12"}"#,
    r#"{"birthday":"04/12/1985","api_key":"a0b9c8d7e6f50a9b8c7d","name":"Jane Doe","address":"1 Main St"}"#,
    r#"{"customer":{"name":"Jane","phone":4155550132,"email":"jane@example.com"},"iban":"DE89370400440532013000"}"#,
    "api_key: 0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d password=hunter2 token=abc-123-def",
    "card=4111-1111-1111-1111 acct 000123456789 sms to +14155550132 routing 021000021",
    "2026-12-03T10:00:00Z stdout F -----BEGIN RSA PRIVATE KEY-----\n2026-12-03T10:00:01Z stdout F MIIEpAIBAAKCAQEA\n2026-12-03T10:00:02Z stdout F -----END RSA PRIVATE KEY-----\n",
    "ts {\"msg\":\"paid\",\"card\":\"5555 5555 5555 4444\",\"holder_name\":\"Ana\"}",
];

#[test]
fn every_style_and_json_mode_is_idempotent_on_known_lines() {
    for config in 0..CONFIGS {
        let s = configured(config);
        for line in KNOWN_LINES {
            let (once, _) = scrub_as(s, line.as_bytes());
            let (twice, again) = scrub_as(s, &once);
            assert_eq!(
                String::from_utf8_lossy(&twice),
                String::from_utf8_lossy(&once),
                "{s:?}: scrubbing twice changed {line:?}"
            );
            assert!(again.is_empty(), "{s:?}: found its own output in {line:?}");
            assert_eq!(
                memchr::memchr_iter(b'\n', line.as_bytes()).count(),
                memchr::memchr_iter(b'\n', &once).count(),
                "{s:?}: line count of {line:?}"
            );
        }
    }
}

/// Log-like filler with no digits and none of the trigger bytes, so it cannot form PII by itself.
fn filler() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z ,;:=/\\[\\]{}\"'_\\t-]{0,40}").expect("filler regex")
}

/// A PII value from the generators, with the rule that must catch it and the keyword (possibly
/// empty) that must stand before it for keyword-gated rules.
fn pii() -> impl Strategy<Value = (&'static str, &'static str, String)> {
    (any::<u64>(), 0..16u8).prop_map(|(seed, kind)| {
        let mut r = Rng::new(seed);
        match kind {
            0 => ("EMAIL", "", corpus::email(&mut r)),
            1 => ("PHONE", "", corpus::phone(&mut r)),
            2 => ("CARD", "", corpus::card(&mut r)),
            3 => ("CARD", "", corpus::grouped_card(&mut r)),
            4 => ("IBAN", "", corpus::iban(&mut r)),
            // Spaced, an SSN needs its keyword (access logs are full of `200 97 9919`).
            5 => {
                let v = corpus::ssn(&mut r);
                ("SSN", if v.contains(' ') { "ssn " } else { "" }, v)
            }
            6 => ("EIN", "", corpus::ein(&mut r)),
            7 => ("JWT", "", corpus::jwt(&mut r)),
            8 => ("STRIPE_KEY", "", format!("sk_live_{}", r.alnum(24))),
            9 => ("ROUTING", "routing number ", corpus::routing(&mut r)),
            // Up to 12 digits: longer runs can be Luhn-valid card numbers, which win over ACCOUNT.
            10 => {
                let len = r.range(6, 12) as usize;
                ("ACCOUNT", "acct ", r.digits(len))
            }
            11 => (
                "VENMO",
                "venmo ",
                format!("@{}-{}", r.lower(6), r.digits(2)),
            ),
            12 => (
                "CASHTAG",
                "cash app ",
                format!("${}{}", r.lower(1).to_uppercase(), r.lower(7)),
            ),
            13 => ("AWS_ACCESS_KEY", "", format!("AKIA{}", r.upper_alnum(16))),
            14 => ("GITHUB_TOKEN", "", format!("ghp_{}", r.alnum(36))),
            _ => (
                "SLACK_TOKEN",
                "",
                format!("xoxb-{}-{}-{}", r.digits(12), r.digits(13), r.alnum(24)),
            ),
        }
    })
}

proptest! {
    // 2,000 cases each by default; PROPTEST_CASES raises it for a longer local run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
    ))]

    #[test]
    fn pii_in_random_text_is_always_caught(pre in filler(), (rule, keyword, value) in pii(), post in filler()) {
        let line = format!("{pre} {keyword}{value} {post}");
        let (out, f) = scrub(line.as_bytes());
        let out = String::from_utf8(out).expect("utf-8");
        prop_assert!(!out.contains(&value), "{rule} {value:?} leaked: {out}");
        let at = pre.len() + 1 + keyword.len();
        let s = scrubber();
        prop_assert!(
            f.spans().iter().any(|sp| sp.start <= at && sp.end() >= at + value.len() && s.rule_name(sp.rule) == rule),
            "{rule} {value:?} not reported as {rule}: {out}"
        );
        check_invariants(line.as_bytes())?;
    }

    #[test]
    fn invariants_hold_on_arbitrary_bytes(input in proptest::collection::vec(any::<u8>(), 0..400), config in 0..CONFIGS) {
        check_invariants_as(configured(config), &input)?;
    }

    #[test]
    fn invariants_hold_in_every_style_and_json_mode(seed in any::<u64>(), config in 0..CONFIGS, pii in 0..60u64) {
        // Text and JSON lines with PII (JSON keys, nested values, escapes), through one of the twelve
        // configurations; `configured` prints which on failure.
        let mut input = corpus::json_lines(seed, 400, pii);
        input.extend_from_slice(&corpus::text(seed ^ 0x9e37, 400, pii));
        check_invariants_as(configured(config), &input)?;
        check_invariants(&input)?;
    }

    #[test]
    fn pii_is_caught_in_every_style_and_json_mode(pre in filler(), (rule, keyword, value) in pii(), post in filler(), config in 0..CONFIGS) {
        let line = format!("{pre} {keyword}{value} {post}");
        let (out, _) = scrub_as(configured(config), line.as_bytes());
        let out = String::from_utf8(out).expect("utf-8");
        prop_assert!(!out.contains(&value), "{rule} {value:?} leaked: {out}");
        check_invariants_as(configured(config), line.as_bytes())?;
    }

    #[test]
    fn invariants_hold_on_spliced_log_lines(seed in any::<u64>(), cuts in proptest::collection::vec((0..300usize, 0..300usize), 0..4)) {
        // Real-looking lines cut and spliced at random points: partial values, values glued together.
        let text = corpus::text(seed, 600, 50);
        let mut mixed = Vec::new();
        for (a, b) in cuts {
            let (a, b) = (a.min(text.len()), b.min(text.len()));
            mixed.extend_from_slice(&text[a.min(b)..a.max(b)]);
        }
        mixed.extend_from_slice(&text);
        check_invariants(&mixed)?;
    }

    #[test]
    fn reported_values_never_reach_the_output(seed in any::<u64>()) {
        for l in corpus::labeled(seed, 20) {
            let (out, f) = scrub(l.line.as_bytes());
            for span in f.spans() {
                let value = &l.line.as_bytes()[span.start..span.end()];
                if value.len() >= 6 {
                    prop_assert!(memchr::memmem::find(&out, value).is_none(), "{:?} leaked from {:?}", String::from_utf8_lossy(value), l.line);
                }
            }
        }
    }
}
