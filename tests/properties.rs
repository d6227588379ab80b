//! Property tests of the engine's invariants (proptest):
//!
//! * fail closed: PII embedded in random log text is always caught, and no value the engine reports
//!   reaches the output;
//! * nothing lost, nothing merged: bytes outside the reported spans come out unchanged and in order, and
//!   the output has exactly as many line breaks as the input;
//! * idempotent: scrubbing the output again changes nothing and finds nothing;
//! * no panic on any bytes.

mod support;
// The fuzz targets' checks; only `rebuild` (the output the spans allow) is used here, so the
// re-export for the Lambda target goes unused.
#[allow(unused_imports)]
#[path = "fuzz_support/checks.rs"]
mod checks;

use logscrub::{Findings, Scrubber};
use proptest::prelude::*;
use support::corpus::{self, Rng};

fn scrubber() -> &'static Scrubber {
    use std::sync::OnceLock;
    static S: OnceLock<Scrubber> = OnceLock::new();
    S.get_or_init(|| Scrubber::builtin().expect("builtin pack"))
}

fn scrub(input: &[u8]) -> (Vec<u8>, Findings) {
    let mut out = Vec::new();
    let f = scrubber().scrub(input, &mut out);
    (out, f)
}

fn check_invariants(input: &[u8]) -> Result<(), TestCaseError> {
    let (out, f) = scrub(input);
    prop_assert_eq!(
        checks::rebuild(scrubber(), input, &f),
        out.clone(),
        "bytes outside spans changed"
    );
    prop_assert_eq!(
        memchr::memchr_iter(b'\n', input).count(),
        memchr::memchr_iter(b'\n', &out).count(),
        "line count changed"
    );
    let (again, f2) = scrub(&out);
    prop_assert_eq!(&again, &out, "not idempotent");
    prop_assert!(f2.is_empty(), "replacement tokens were detected again");
    Ok(())
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
            5 => ("SSN", "", corpus::ssn(&mut r)),
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
    fn invariants_hold_on_arbitrary_bytes(input in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_invariants(&input)?;
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
