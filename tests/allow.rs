//! Allow-lists (`[[allow]]` in a pack): what they keep, and everything they must not.
//!
//! An entry keeps a whole candidate of the rules it names and nothing else: not part of a longer
//! detected value, not a value another rule also finds, not a lookalike that only contains the
//! allowed text. Scrubbing stays idempotent with entries in force, and a bad entry is a pack error
//! with its line.

use logscrub::{JsonMode, Options, Pack, Scrubber};

const POLICY: &str = r#"
[[allow]]
values = ["support@clicki.com", "4242 4242 4242 4242"]

[[allow]]
regex = '@example\.(com|org)$'
rules = ["EMAIL"]

[[allow]]
keys = ["order_ref", "meta.trace"]
"#;

fn scrubber_with(policy: &str, json: JsonMode) -> Scrubber {
    let mut pack = Pack::builtin().unwrap();
    pack.merge_str(policy, "policy.toml").unwrap();
    Scrubber::new(
        &pack,
        &Options {
            json,
            ..Options::default()
        },
    )
    .unwrap()
}

fn scrub(s: &Scrubber, input: &str) -> String {
    let mut out = Vec::new();
    s.scrub(input.as_bytes(), &mut out);
    let once = String::from_utf8(out).unwrap();
    // Idempotent with the entries in force: the kept values are kept again, nothing else appears.
    let mut twice = Vec::new();
    s.scrub(once.as_bytes(), &mut twice);
    assert_eq!(
        String::from_utf8(twice).unwrap(),
        once,
        "not idempotent on {input:?}"
    );
    once
}

#[test]
fn listed_values_are_kept_in_every_spelling_the_hash_style_equates() {
    let s = scrubber_with(POLICY, JsonMode::Auto);
    assert_eq!(
        scrub(&s, "from support@clicki.com to jane@corp.io"),
        "from support@clicki.com to [EMAIL]"
    );
    // Emails compare case-folded, numbers by their digits.
    assert_eq!(
        scrub(&s, "from SUPPORT@Clicki.COM"),
        "from SUPPORT@Clicki.COM"
    );
    assert_eq!(
        scrub(
            &s,
            "card 4242-4242-4242-4242 and 4242424242424242 but 4111 1111 1111 1111"
        ),
        "card 4242-4242-4242-4242 and 4242424242424242 but [CARD]"
    );
}

#[test]
fn a_regex_is_searched_in_the_candidate_of_the_rules_it_names() {
    let s = scrubber_with(POLICY, JsonMode::Auto);
    assert_eq!(
        scrub(&s, "to bob@example.org and eve@example.net"),
        "to bob@example.org and [EMAIL]"
    );
    // `rules = ["EMAIL"]`: a secret whose value ends the same way is still a secret.
    assert_eq!(
        scrub(&s, "password=hunter2@example.org"),
        "password=[SECRET]"
    );
}

#[test]
fn only_whole_candidates_are_kept() {
    let s = scrubber_with(POLICY, JsonMode::Auto);
    // A longer email holding the allowed one is another value.
    assert_eq!(scrub(&s, "to xsupport@clicki.com.evil.io"), "to [EMAIL]");
    // An allowed email that is also a URL's password is kept as an email only: the URL password
    // candidate covers it and is not allowed.
    let out = scrub(&s, "db https://app:support@clicki.com@db.internal/x");
    assert!(!out.contains("app:support"), "{out}");
}

#[test]
fn entries_limited_to_rules_leave_other_rules_alone() {
    let policy = "[[allow]]\nvalues = [\"hunter2hunter2\"]\nrules = [\"EMAIL\"]\n";
    let s = scrubber_with(policy, JsonMode::Auto);
    assert_eq!(scrub(&s, "password=hunter2hunter2"), "password=[SECRET]");
    let policy = "[[allow]]\nvalues = [\"hunter2hunter2\"]\nrules = [\"SECRET\"]\n";
    let s = scrubber_with(policy, JsonMode::Auto);
    assert_eq!(
        scrub(&s, "password=hunter2hunter2"),
        "password=hunter2hunter2"
    );
}

#[test]
fn kept_json_keys_and_paths_are_not_scanned() {
    let s = scrubber_with(POLICY, JsonMode::Auto);
    let line = r#"{"order_ref":"4111111111111111","meta":{"trace":{"to":"a@b.co","n":4111111111111111}},"trace":"c@d.co","x":"a@b.co"}"#;
    assert_eq!(
        scrub(&s, line),
        r#"{"order_ref":"4111111111111111","meta":{"trace":{"to":"a@b.co","n":4111111111111111}},"trace":"[EMAIL]","x":"[EMAIL]"}"#
    );
    // A kept key wins over a key rule's claim on the same key; keys compare as key rules do.
    let policy = "[[allow]]\nkeys = [\"email\"]\n";
    let s = scrubber_with(policy, JsonMode::Auto);
    assert_eq!(
        scrub(&s, r#"{"Email":"jane@corp.io","phone":"+1 415 555 0132"}"#),
        r#"{"Email":"jane@corp.io","phone":"[PHONE]"}"#
    );
    // Keys are JSON only: in text mode (and on text lines) the value is scrubbed.
    let s = scrubber_with(POLICY, JsonMode::Off);
    assert_eq!(
        scrub(&s, r#"{"order_ref":"4111111111111111"}"#),
        r#"{"order_ref":"[CARD]"}"#
    );
}

#[test]
fn values_under_sensitive_keys_are_kept_by_value() {
    let s = scrubber_with(POLICY, JsonMode::Auto);
    assert_eq!(
        scrub(
            &s,
            r#"{"email":"support@clicki.com","customer":{"email":"jane@corp.io"}}"#
        ),
        r#"{"email":"support@clicki.com","customer":{"email":"[EMAIL]"}}"#
    );
    // Escaped strings are judged decoded.
    assert_eq!(
        scrub(
            &s,
            r#"{"msg":"from support\u0040clicki.com and jane\u0040corp.io"}"#
        ),
        r#"{"msg":"from support\u0040clicki.com and [EMAIL]"}"#
    );
}

#[test]
fn findings_count_kept_values_apart() {
    let s = scrubber_with(POLICY, JsonMode::Auto);
    let input =
        b"support@clicki.com jane@corp.io 4242 4242 4242 4242\n{\"order_ref\":\"4111111111111111\"}";
    let f = s.find(input);
    let email = s.rule_id("EMAIL").unwrap();
    let card = s.rule_id("CARD").unwrap();
    assert_eq!(f.count(email), 1);
    let mut allowed = vec![0u64; s.rules().len()];
    f.tally_allowed_into(&mut allowed);
    assert_eq!(allowed[email.index()], 1);
    assert_eq!(allowed[card.index()], 2);
    // Spans never overlap what was kept, and what was kept is in the output unchanged.
    for a in f.allowed() {
        assert!(
            f.spans()
                .iter()
                .all(|s| s.end() <= a.start || s.start >= a.end())
        );
    }
}

#[test]
fn without_entries_nothing_changes() {
    let plain = Scrubber::builtin().unwrap();
    let s = scrubber_with(
        "[[allow]]\nvalues = [\"nothing-like-this\"]\n",
        JsonMode::Auto,
    );
    for line in [
        "mail jane@corp.io card 4111 1111 1111 1111 ssn 123-45-6789",
        r#"{"email":"a@b.co","n":4111111111111111}"#,
    ] {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        plain.scrub(line.as_bytes(), &mut a);
        s.scrub(line.as_bytes(), &mut b);
        assert_eq!(a, b);
    }
}

#[test]
fn bad_entries_are_pack_errors_with_their_line() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "\n[[allow]]\nrules = [\"EMAIL\"]\n",
            2,
            "needs `values`, `regex` or `keys`",
        ),
        (
            "[[allow]]\nvalues = [\"x\"]\nrules = [\"NOPE\"]\n",
            3,
            "unknown rule \"NOPE\"",
        ),
        (
            "[[allow]]\n\nregex = '(unclosed'\n",
            3,
            "invalid allow regex",
        ),
        ("[[allow]]\nregex = 'a*'\n", 2, "matches the empty string"),
        ("[[allow]]\nvalues = [\" \"]\n", 2, "may not be empty"),
        ("[[allow]]\nkeys = [\"a..b\"]\n", 2, "empty or malformed"),
        (
            "\n\n[[allow]]\nkeys = [\"id\"]\nrules = [\"EMAIL\"]\n",
            3,
            "entry of their own",
        ),
        ("[[allow]]\nvalue = [\"x\"]\n", 2, "unknown field"),
    ];
    for (src, line, message) in cases {
        let mut pack = Pack::builtin().unwrap();
        let err = pack.merge_str(src, "policy.toml").unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line),
            ("policy.toml", *line),
            "{src:?}: {err}"
        );
        assert!(err.message.contains(message), "{src:?}: {err}");
    }
    // A rule defined in the same file can be named.
    let mut pack = Pack::builtin().unwrap();
    pack.merge_str(
        "[[rule]]\nid = \"EMP\"\nregex = 'EMP-[0-9]{6}'\n[[allow]]\nvalues = [\"EMP-000000\"]\nrules = [\"EMP\"]\n",
        "policy.toml",
    )
    .unwrap();
    let s = Scrubber::new(&pack, &Options::default()).unwrap();
    let mut out = Vec::new();
    s.scrub(b"EMP-000000 EMP-123456", &mut out);
    assert_eq!(out, b"EMP-000000 [EMP]");
}
