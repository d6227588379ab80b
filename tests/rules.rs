//! Every built-in rule proves itself: the `examples` in its pack must be found by that rule, and its
//! `counterexamples` must not be (gitleaks' habit: a rule does not ship without proof). The examples
//! run through the engine as a user would run it — text and JSON lines, every other rule on — so a
//! rule that another one shadows, or whose prefix another literal hides, fails here.

use logscrub::pack::Family;
use logscrub::{Options, Pack, Scrubber};

/// The built-in pack with every rule on (IP is off by default).
fn scrubber(pack: &Pack) -> Scrubber {
    let options = Options {
        enable: pack.rules().iter().map(|r| r.id.clone()).collect(),
        ..Options::default()
    };
    Scrubber::new(pack, &options).expect("built-in pack compiles with every rule on")
}

#[test]
fn every_rule_carries_two_examples_and_two_counterexamples() {
    let pack = Pack::builtin_with_examples().expect("built-in pack");
    let thin: Vec<String> = pack
        .rules()
        .iter()
        .filter(|r| r.examples.len() < 2 || r.counterexamples.len() < 2)
        .map(|r| {
            format!(
                "{} ({} examples, {} counterexamples)",
                r.id,
                r.examples.len(),
                r.counterexamples.len()
            )
        })
        .collect();
    assert!(thin.is_empty(), "rules without proof: {thin:#?}");
    let unfiled: Vec<&str> = pack
        .rules()
        .iter()
        .filter(|r| r.family == Family::Other)
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        unfiled.is_empty(),
        "built-in rules without a family: {unfiled:?}"
    );
}

#[test]
fn every_example_is_found_by_its_rule_and_no_counterexample_is() {
    let pack = Pack::builtin_with_examples().expect("built-in pack");
    let s = scrubber(&pack);
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in pack.rules() {
        let id = s
            .rule_id(&rule.id)
            .expect("every pack rule is in the scrubber");
        for example in &rule.examples {
            checked += 1;
            let found = s.find(example.as_bytes());
            if !found.spans().iter().any(|sp| sp.rule == id) {
                let got: Vec<&str> = found
                    .spans()
                    .iter()
                    .map(|sp| s.rule_name(sp.rule))
                    .collect();
                failures.push(format!(
                    "{}: missed example {example:?} (found {got:?})",
                    rule.id
                ));
                continue;
            }
            // Scrubbed, the example holds nothing more for any rule.
            let mut out = Vec::new();
            s.scrub(example.as_bytes(), &mut out);
            if !s.find(&out).is_empty() {
                failures.push(format!(
                    "{}: its output is detected again: {example:?}",
                    rule.id
                ));
            }
        }
        for counter in &rule.counterexamples {
            checked += 1;
            let found = s.find(counter.as_bytes());
            if found.spans().iter().any(|sp| sp.rule == id) {
                failures.push(format!("{}: fired on counterexample {counter:?}", rule.id));
            }
        }
    }
    assert!(checked >= 4 * pack.rules().len(), "{checked} checks");
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_user_pack_can_add_a_token_rule_and_prove_it() {
    let mut pack = Pack::builtin_with_examples().expect("built-in pack");
    pack.merge_str(
        r#"
[[rule]]
id = "ACME_KEY"
family = "credential"
detector = "token"
prefixes = ["acme_live_"]
alphabet = "base62"
min_len = 24
max_len = 24
examples = ["key acme_live_abcdefghijklmnopqrstuvwx used"]
counterexamples = ["key acme_live_short used"]
"#,
        "acme.toml",
    )
    .expect("token rule loads");
    let s = scrubber(&pack);
    let mut out = Vec::new();
    s.scrub(b"key acme_live_abcdefghijklmnopqrstuvwx used", &mut out);
    assert_eq!(out, b"key [ACME_KEY] used");
    assert!(s.find(b"key acme_live_short used").is_empty());
    assert!(
        s.find(b"key acme_live_abcdefghijklmnopqrstuvwxy used")
            .is_empty(),
        "too long"
    );
}

#[test]
fn token_rules_are_refused_with_their_line_when_malformed() {
    let cases = [
        ("alphabet = \"klingon\"", "unknown alphabet"),
        ("alphabet = \"hex\"\nmin_len = 0", "min_len` must be"),
        (
            "alphabet = \"hex\"\nmin_len = 9\nmax_len = 8",
            "above max_len",
        ),
        (
            "alphabet = \"hex\"\nmin_len = 8\nmax_len = 8\nchecksum = \"md5\"",
            "unknown checksum",
        ),
        (
            "alphabet = \"hex\"\nmin_len = 8\nmax_len = 8\nextra = \" \"",
            "`extra`",
        ),
    ];
    for (fields, message) in cases {
        let src =
            format!("[[rule]]\nid = \"X\"\ndetector = \"token\"\nprefixes = [\"xx_\"]\n{fields}\n");
        let mut pack = Pack::builtin_with_examples().expect("built-in pack");
        let e = pack.merge_str(&src, "bad.toml").expect_err(&src);
        assert!(e.message.contains(message), "{src}: {}", e.message);
        assert!(e.line >= 1, "{src}: no line");
    }
    // Token fields on a rule that is not a token rule would be ignored: refused.
    let mut pack = Pack::builtin_with_examples().expect("built-in pack");
    let e = pack
        .merge_str("[[rule]]\nid = \"EMAIL\"\nmin_len = 3\n", "bad.toml")
        .expect_err("token field on an override");
    assert_eq!(e.line, 3, "{}", e.message);
}

#[test]
fn user_triggers_fire_wherever_they_occur_and_run_their_rule_on_those_lines() {
    let mut pack = Pack::builtin_with_examples().expect("built-in pack");
    pack.merge_str(
        r#"
[[rule]]
id = "TICKET"
regex = 'token-[0-9]{4}'
triggers = ["token-"]

[[rule]]
id = "BADGE"
regex = 'ken-[0-9]{4}-b'
triggers = ["ken-"]
"#,
        "mine.toml",
    )
    .expect("loads");
    let s = Scrubber::new(&pack, &Options::default()).expect("compiles");
    let mut out = Vec::new();
    // `token` is also a key name of the SECRET rule, searched in the same place: the trigger still
    // counts, and so does the other rule's trigger that starts inside it (BADGE's match reaches the
    // `-b`, so the merged span does).
    s.scrub(
        b"first line\nid token-1234 x\nmid\nbadge token-5678-b y\nlast\n",
        &mut out,
    );
    assert_eq!(
        String::from_utf8_lossy(&out),
        "first line\nid [TICKET] x\nmid\nbadge [TICKET] y\nlast\n"
    );
    let mut out = Vec::new();
    s.scrub(b"badge xken-5678-b y\n", &mut out);
    assert_eq!(String::from_utf8_lossy(&out), "badge x[BADGE] y\n");
}

/// The catalog in README.md, between its markers, as the packs define it (regenerated with
/// `LOGSCRUB_REGENERATE=1 cargo test --test rules`), so the documentation cannot drift from the rules.
fn catalog_markdown(s: &Scrubber) -> String {
    let mut rules: Vec<_> = s.rules().iter().collect();
    rules.sort_by_key(|r| r.family);
    let mut out = String::new();
    let mut family = None;
    for r in rules {
        if family != Some(r.family) {
            family = Some(r.family);
            let n = s.rules().iter().filter(|x| x.family == r.family).count();
            out.push_str(&format!(
                "\n#### {} ({n} rules)\n\n| rule | on | needs a keyword | finds |\n| --- | --- | --- | --- |\n",
                r.family.name()
            ));
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.id,
            if r.enabled { "yes" } else { "no" },
            r.keyword.name(),
            r.description.replace('|', "\\|")
        ));
    }
    out.push('\n');
    out
}

#[test]
fn readme_lists_every_rule_by_family() {
    const BEGIN: &str = "<!-- catalog:begin (generated by tests/rules.rs) -->\n";
    const END: &str = "<!-- catalog:end -->";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let s = Scrubber::builtin().expect("built-in pack");
    let table = catalog_markdown(&s);
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md lacks the catalog markers");
    };
    let current = &readme[b + BEGIN.len()..e];
    if std::env::var_os("LOGSCRUB_REGENERATE").is_some() && current != table {
        let fresh = format!("{}{table}{}", &readme[..b + BEGIN.len()], &readme[e..]);
        std::fs::write(path, fresh).expect("write README.md");
        return;
    }
    assert!(s.rules().len() >= 200, "{} built-in rules", s.rules().len());
    assert!(
        current == table,
        "README.md's catalog is stale: run LOGSCRUB_REGENERATE=1 cargo test --test rules"
    );
}
