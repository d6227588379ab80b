//! Linear time on hostile input: floods of what the detectors react to, big JSON documents, big rule
//! packs and backtracking-shaped user regexes, each timed at two sizes eight times apart.
//!
//! A redactor that goes quadratic on one strange line stalls a whole pipeline, and fuzzing does not
//! notice slowness. Every case here was chosen because a detector looks around the bytes it reacts to
//! (back for keywords and local parts, forward for line ends and closing quotes), which is where a
//! per-candidate scan to the end of the line hides. One such case was quadratic before this check
//! existed: a line of `password=\"` repeated took 78 times as long for 8 times the input.
//!
//! Timings are never a `cargo test` gate (shared machines make them flaky), so this is a benchmark:
//! `cargo bench --bench linearity` prints one row per case (4 MiB against 32 MiB) and exits with status 1 if any case took
//! more than [`LIMIT`] (24) times as long for 8 times the input (linear is 8, quadratic 64). CI only
//! compiles it (`cargo bench --no-run`).

#[path = "support/timing.rs"]
mod timing;

use std::process::ExitCode;
use std::time::Duration;

use logscrub::{Options, Pack, Scrubber};
use timing::best_of;

/// Largest accepted time ratio for 8 times the input. Linear is 8 and quadratic 64; the slack above 8
/// is for the memory hierarchy, not for the code: the smaller input of a fast case (a line of digits,
/// scanned at over 2 GB/s) stays in cache between runs while the larger one streams from memory,
/// which alone gave 17.7x on the 2026-12-03 machine. A quadratic case stays far above this.
const LIMIT: f64 = 24.0;

fn repeat_to(unit: &[u8], len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len + unit.len());
    while v.len() < len {
        v.extend_from_slice(unit);
    }
    v.truncate(len);
    v
}

struct Report {
    /// Bytes of the smaller input of each scrub case.
    small: usize,
    failed: Vec<String>,
}

impl Report {
    /// Records one case: `small` and `large` are the best times at the two sizes.
    fn row(&mut self, name: &str, small: Duration, large: Duration) {
        let ratio = large.as_secs_f64() / small.max(Duration::from_micros(50)).as_secs_f64();
        let verdict = if ratio < LIMIT { "ok" } else { "SUPERLINEAR" };
        println!(
            "{name:<34} {:>10.2?} {:>10.2?} {ratio:>7.1}x  {verdict}",
            small, large
        );
        if ratio >= LIMIT {
            self.failed.push(name.to_string());
        }
    }

    /// Times `scrubber` on `unit` repeated to the small size and to 8 times it, each followed by `tail`.
    fn scrub(&mut self, scrubber: &Scrubber, name: &str, unit: &[u8], tail: &[u8]) {
        let (small, large) = (self.small, 8 * self.small);
        let mut out = Vec::with_capacity(large + (large >> 1));
        let mut time = |len: usize, runs: usize| {
            let mut input = repeat_to(unit, len);
            input.extend_from_slice(tail);
            best_of(runs, || {
                out.clear();
                std::hint::black_box(scrubber.scrub(&input, &mut out));
            })
        };
        let small = time(small, 5);
        let large = time(large, 3);
        self.row(name, small, large);
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; a filter, if given, selects cases by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    // LINEARITY_MIB sets the smaller input size. The default, 4 MiB, is past the caches: at 1 MiB the
    // small input fits in them and the fastest cases show ratios over 20 that are memory, not work.
    let mib = std::env::var("LINEARITY_MIB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(4);
    let mut report = Report {
        small: mib << 20,
        failed: Vec::new(),
    };
    let scrubber = Scrubber::builtin().expect("the built-in pack compiles");
    println!(
        "{:<34} {:>10} {:>10} {:>8}",
        "case (N MiB vs 8N MiB)", "N MiB", "8N MiB", "ratio"
    );

    let floods: &[(&str, &[u8], &[u8])] = &[
        ("digits", b"4111111111", b""),
        ("spaced digit groups", b"4111 ", b""),
        ("dashed digit groups", b"415-", b""),
        ("parenthesised groups", b"(415) ", b""),
        ("plus signs", b"+1 ", b""),
        ("at signs", b"@", b""),
        ("local parts and at signs", b"a.b@", b""),
        ("url-encoded at", b"%40", b""),
        ("url-encoded plus", b"%2B1", b""),
        ("json-escaped at", b"\\u0040", b""),
        ("jwt prefixes", b"eyJ", b""),
        ("jwt-like segments", b"eyJhbGciOiJIUzI1NiJ9.", b""),
        ("password keys", b"password=", b""),
        ("quoted password keys", b"password=\"", b""),
        ("escaped-quote password keys", b"password=\\\"", b""),
        ("pem headers", b"-----BEGIN PRIVATE KEY-----", b""),
        // Key blocks without an END line, one per log line: each ends at the next BEGIN.
        (
            "pem headers, one per line",
            b"2026-12-04 web password: x -----BEGIN PRIVATE KEY----- k\n",
            b"",
        ),
        // Key blocks cut short, each with its key lines, a blank line and an ordinary line,
        // where the block ends; and a long prose prefix whose next line is compared with it.
        (
            "pem blocks cut short",
            b"t stdout F -----BEGIN PRIVATE KEY-----\nt stdout F Proc-Type: 4,ENCRYPTED\n\
              t stdout F MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n\
              t stdout F Zw==\n\nINFO next\n",
            b"",
        ),
        (
            "pem headers after long prose",
            b"ERROR expected_a_private_key_in_pem_format_found_none_at_all_in_the_file \
              -----BEGIN PRIVATE KEY-----\nINFO A\n",
            b"",
        ),
        (
            "pem headers and ends",
            b"-----BEGIN PRIVATE KEY-----x-----END ",
            b"",
        ),
        ("bearer prefixes", b"Bearer ", b""),
        ("schemes after key names", b"token: Bearer ", b""),
        // Decimal degrees: each a keyword lookup, pairs after a comma.
        ("coordinates", b"lat=-33.8688 ", b""),
        ("coordinate pairs", b"location: 48.858370, 2.294481,", b""),
        ("aws key prefixes", b"AKIA", b""),
        ("url user info", b"https://u:p@", b""),
        ("iban check digits", b"DE89 ", b""),
        ("phone keywords", b"phone ", b"4155550132"),
        ("account keywords", b"account number ", b"000123456789"),
        ("venmo keywords", b"venmo @", b"jane-doe-5"),
        ("replacement tokens", b"[EMAIL]", b""),
        ("open braces", b"{", b""),
        ("nested json", b"{\"a\":", b""),
        ("json strings with escapes", b"{\"k\":\"\\u0040\\n\"}", b""),
        // One line holding a JSON document of many sensitive and ordinary keys: the structured path,
        // and a line with a span every few bytes for the settling check.
        (
            "json document",
            b"{\"email\":\"jane@example.com\",\"phoneNumber\":4155550132,\"msg\":\"card 4111 1111 1111 1111\"},",
            b"",
        ),
        ("prefixed json", b"INFO {\"customer\":{\"name\":\"J\"}} ", b""),
        ("emails on one line", b"jane@example.com ", b""),
        // Values that read on past punctuation, brackets or a house number, and names of the weak
        // kind: each read stops at the next field or within 256 bytes.
        ("punctuated passwords", b"password=a<b;", b""),
        ("bracketed passwords", b"password={<[", b""),
        ("vendor keys", b"STRIPE_KEY=", b""),
        ("name fields", b"first_name=Jane Doe ", b""),
        ("house numbers", b"home_address=12 ", b""),
        ("url passwords with at signs", b"mysql://u:p@", b""),
        ("typed declarations", b"var apiToken string = ", b""),
        ("birth dates", b"dob 4/1/", b""),
        // Password hashes: each `$` reads at most five fields or 256 bytes.
        ("crypt fields", b"$6$saltsalt$", b""),
        ("crypt hashes", b"$2b$12$K3yD7Ef9qZ1bX2cV4nM6p.uW8rT0sY5aH3jL9kG7fD1eS2wQ4zX6C$", b""),
        // UPI addresses read back from their `@`, MSISDNs and card codes after their keywords.
        ("upi addresses", b"a.b-c_9@okaxis ", b""),
        ("msisdns", b"msisdn=447700900123 ", b""),
        ("card codes", b"cvv 123 ", b""),
        // Document numbers entered from a digit run after letters, ids stamped with a date, and
        // the command password flags (one regex run per line that holds a trigger).
        ("german document numbers", b"ausweis C01X00T47 ", b""),
        ("dated ids", b"20241205A001 ", b""),
        ("ldap password flags", b"ldapsearch -x -w ", b""),
        ("htpasswd batch flags", b"htpasswd -b f u ", b""),
        // The twelfth stop's forms: expiry keywords before month/year pairs, licence keywords,
        // quoted prose passwords, Cisco hash openers, Salesforce org ids without a session key,
        // PsExec flags, keywords joined by `+`.
        ("card expiry keywords", b"exp 12/28 ", b""),
        ("licence keywords", b"permis de conduire 123456789012 ", b""),
        ("quoted prose passwords", b"password is 'x' ", b""),
        ("cisco hash openers", b"$8$TnGX/fE4KGHOVU$", b""),
        ("salesforce org ids", b"00D5e000000CGIZ!", b""),
        ("psexec flags", b"psexec -p ", b""),
        ("form-encoded keywords", b"date+of+birth+", b"1985-03-12"),
    ];
    for (name, unit, tail) in floods {
        if wanted(name) {
            report.scrub(&scrubber, name, unit, tail);
        }
    }

    // The IP rule is off by default; with it on, its IPv6 pass reads each run of hex digits, colons
    // and dots once, however many colons it holds, and a label glued on by a colon once more.
    let ip_floods: &[(&str, &[u8], &[u8])] = &[
        ("ipv6: colons", b":", b""),
        ("ipv6: hex and colons", b"ab:", b""),
        ("ipv6: addresses", b"2001:db8::1 ", b""),
        ("ipv6: labelled addresses", b"ip:fe80::1:", b""),
    ];
    if ip_floods.iter().any(|(name, ..)| wanted(name)) {
        let mut pack = Pack::builtin().expect("the built-in pack loads");
        pack.merge_str("[[rule]]\nid = \"IP\"\nenabled = true\n", "ip.toml")
            .expect("IP on");
        let s = Scrubber::new(&pack, &Options::default()).expect("compiles");
        for (name, unit, tail) in ip_floods {
            if wanted(name) {
                report.scrub(&s, name, unit, tail);
            }
        }
    }

    // Patterns that take exponential time in a backtracking engine; the regex crate is linear.
    for regex in ["(a|aa)*b", "(a*)*c", "(?:a+)+\\d", "(x+x+)+y"] {
        let name = format!("user regex {regex}");
        if !wanted(&name) {
            continue;
        }
        let mut pack = Pack::builtin().expect("the built-in pack loads");
        pack.merge_str(
            &format!("[[rule]]\nid = \"EVIL\"\nregex = '{regex}'\n"),
            "evil.toml",
        )
        .expect("the regex loads");
        let s = Scrubber::new(&pack, &Options::default()).expect("compiles");
        let unit: &[u8] = if regex.contains('x') { b"x" } else { b"a" };
        report.scrub(&s, &name, unit, b"!");
    }

    // A generated pack can be big (a rule per customer field). Merging once looked each new rule's id
    // up in every rule loaded before it, and each rule's line from the top of the file: quadratic, 50 s
    // for 65,600 rules.
    let name = "pack of 2,000 vs 16,000 rules";
    if wanted(name) {
        let pack_of = |n: usize| -> String {
            (0..n)
                .map(|i| {
                    format!(
                        "[[rule]]\nid = \"FIELD_{i}\"\ndetector = \"json_key\"\njson_keys = [\"f{i}\"]\n"
                    )
                })
                .collect()
        };
        let load = |src: &str| {
            best_of(2, || {
                let mut pack = Pack::builtin().expect("the built-in pack loads");
                pack.merge_str(src, "many.toml").expect("the pack loads");
                std::hint::black_box(pack);
            })
        };
        let small = load(&pack_of(2_000));
        let large = load(&pack_of(16_000));
        report.row(name, small, large);
    }

    // Scrubbing with a 2,000-rule user pack on top of the catalog (token rules with prefixes of
    // their own, triggered regex rules, JSON-key rules): linear in the input whatever the number of
    // rules, on text that holds their prefixes and triggers over and over.
    let name = "2,000-rule user pack: prefixes and triggers";
    if wanted(name) {
        let mut src = String::new();
        for i in 0..1_000 {
            src.push_str(&format!(
                "[[rule]]\nid = \"TOK_{i}\"\ndetector = \"token\"\nprefixes = ['t{i}x_']\n\
                 alphabet = \"base62\"\nmin_len = 20\nmax_len = 40\n"
            ));
        }
        for i in 0..500 {
            src.push_str(&format!(
                "[[rule]]\nid = \"RE_{i}\"\nregex = 'r{i}q-[0-9]{{6}}'\ntriggers = [\"r{i}q-\"]\n"
            ));
        }
        for i in 0..500 {
            src.push_str(&format!(
                "[[rule]]\nid = \"KEY_{i}\"\ndetector = \"json_key\"\njson_keys = [\"k{i}\"]\n"
            ));
        }
        let mut pack = Pack::builtin().expect("the built-in pack loads");
        pack.merge_str(&src, "many.toml")
            .expect("the 2,000-rule pack loads");
        let s = Scrubber::new(&pack, &Options::default()).expect("compiles");
        report.scrub(
            &s,
            name,
            b"t17x_abcdefghij0123456789 r42q-123456 {\"k7\":\"v\"} t999x_ r1q- ",
            b"\n",
        );
    }

    if report.failed.is_empty() {
        println!("all cases linear (ratio under {LIMIT} for 8 times the input)");
        ExitCode::SUCCESS
    } else {
        eprintln!("superlinear: {}", report.failed.join(", "));
        ExitCode::FAILURE
    }
}
