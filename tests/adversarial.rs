//! Adversarial inputs, run by plain `cargo test`: what a hostile or unlucky log line does to the engine.
//!
//! * PII written with every separator the detectors accept is caught in every layout.
//! * Values split between the pieces fed to [`LongLine`], or cut by its windows, are found whole; a
//!   60 KiB private key across a CLI chunk boundary, just inside the CLI's 64 KiB hold, too.
//! * Pathological user regexes are refused at load time with the file, the line and the reason; a pack
//!   with more rules than the engine can number is refused the same way.
//! * Linear time on floods (digits, `@`, `%40`, `eyJ`, `password=`, PEM headers, keywords, JSON
//!   punctuation, ...), on backtracking-shaped user regexes and on big packs is a timing, so it is not
//!   here: `cargo bench --bench linearity` (`benches/linearity.rs`) compares 4 MiB with 32 MiB of
//!   each (`LINEARITY_MIB` sets the smaller size).
//! * A line whose re-checks keep finding more than the engine re-checks is replaced whole, and the
//!   result is still a fixed point.
//! * A subscription payload of 10,000 events of 256 KiB (2.5 GiB inflated, built bit by bit) is
//!   refused at the Lambda's inflate cap.
//! * The hash key never appears in the tool's output, messages or `Debug` text.
//! * Lambda batches (feature `lambda`): 10,000 small events plus events at the per-event limit are cut
//!   into batches that respect every PutLogEvents limit.
//!
//! Covered elsewhere, not repeated here: a decompression bomb and truncated or corrupt gzip through the
//! Lambda decoder (`src/lambda/decode.rs` tests `bomb_is_refused_without_inflating_it`, `bad_gzip`);
//! arbitrary and mutated payloads through the whole handler (`src/lambda/tests.rs` proptests); a
//! destination refusing every call (`src/lambda/tests.rs` `delivery_failure_fails_the_invocation`,
//! `kinesis_delivery_failure_is_a_batch_item_failure`, and `tests/lambda_moto.rs`); a PEM block across
//! a CLI chunk and a 100 MB line through the binary (`tests/cli.rs`); a card at every cut position of a
//! long line (`src/stream.rs`).

use std::process::{Command, Stdio};
use std::sync::OnceLock;

use logscrub::{Findings, JsonMode, LongLine, Options, Pack, Scrubber, Span, Style};

fn scrubber() -> &'static Scrubber {
    static S: OnceLock<Scrubber> = OnceLock::new();
    S.get_or_init(|| Scrubber::builtin().expect("built-in pack"))
}

fn text_scrubber() -> &'static Scrubber {
    static S: OnceLock<Scrubber> = OnceLock::new();
    S.get_or_init(|| {
        let options = Options {
            json: JsonMode::Off,
            ..Options::default()
        };
        Scrubber::new(&Pack::builtin().expect("built-in pack"), &options).expect("compiles")
    })
}

fn scrub(s: &Scrubber, input: &[u8]) -> (Vec<u8>, Findings) {
    let mut out = Vec::new();
    let f = s.scrub(input, &mut out);
    (out, f)
}

#[cfg(feature = "lambda")]
fn repeat_to(unit: &[u8], len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len + unit.len());
    while v.len() < len {
        v.extend_from_slice(unit);
    }
    v.truncate(len);
    v
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// `value` inside `line` must be reported as `rule`, by one span covering it, and must not reach the
/// output.
fn assert_caught(rule: &str, line: &str, value: &str) {
    let s = scrubber();
    let (out, f) = scrub(s, line.as_bytes());
    let at = line.find(value).expect("value is in the line");
    let covered = f
        .spans()
        .iter()
        .any(|sp| sp.start <= at && sp.end() >= at + value.len() && s.rule_name(sp.rule) == rule);
    assert!(
        covered && !contains(&out, value.as_bytes()),
        "{rule} {value:?} not caught in {line:?}: {:?} {:?}",
        String::from_utf8_lossy(&out),
        f.spans()
            .iter()
            .map(|sp| (s.rule_name(sp.rule), &line[sp.start..sp.end()]))
            .collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------------------------------
// Every separator the detectors accept.

#[test]
fn phones_in_every_accepted_layout() {
    // E.164: `+` then groups joined by ` `, `-`, `.`, `(`, `)` in the combinations people write.
    for v in [
        "+14155550132",
        "+1 415 555 0132",
        "+1-415-555-0132",
        "+1.415.555.0132",
        "+1 (415) 555-0132",
        "+1(415)555-0132",
        "+1 (415)-555-0132",
        "+1 (415).555.0132",
        "+44 20 7946 0958",
        "+44-20-7946-0958",
        "+44 (20) 7946 0958",
        "+33 1 23 45 67 89",
        "+491701234567",
    ] {
        assert_caught("PHONE", &format!("sms to {v} sent"), v);
        assert_caught("PHONE", &format!("{{\"msg\":\"call {v} now\"}}"), v);
    }
    // URL-encoded `+`.
    assert_caught("PHONE", "GET /sms?to=%2B14155550132&x=1", "%2B14155550132");
    // NANP without a country code: dashes, dots, parentheses (with `)`, `) `, `)-` after them and
    // `-`, ` `, `.` before the last group), and a leading `1` with any of them.
    for v in [
        "415-555-0132",
        "415.555.0132",
        "(415) 555-0132",
        "(415)555-0132",
        "(415)-555-0132",
        "(415) 555.0132",
        "(415) 555 0132",
        "1-415-555-0132",
        "1.415.555.0132",
        "1 415 555 0132",
        "1 (415) 555-0132",
        "1(415)555-0132",
        "1-800-555-0199",
    ] {
        assert_caught("PHONE", &format!("ref {v} ok"), v);
        assert_caught(
            "PHONE",
            &format!("{{\"note\":\"user called from {v}.\"}}"),
            v,
        );
    }
    // Spaces alone, or ten bare digits, are a phone only after a phone keyword.
    for v in ["415 555 0132", "4155550132", "14155550132"] {
        assert_caught("PHONE", &format!("phone: {v}"), v);
        assert_caught("PHONE", &format!("mobile={v};"), v);
        let (out, _) = scrub(scrubber(), format!("bytes {v} sent").as_bytes());
        assert_eq!(
            out,
            format!("bytes {v} sent").as_bytes(),
            "no keyword, no phone"
        );
    }
}

#[test]
fn cards_plain_spaced_and_dashed_in_every_brand_layout() {
    for (digits, layout) in [
        ("4111111111111111", &[4, 4, 4, 4][..]),       // Visa 16
        ("5555555555554444", &[4, 4, 4, 4][..]),       // Mastercard
        ("2223003122003222", &[4, 4, 4, 4][..]),       // Mastercard 2-series
        ("6011111111111117", &[4, 4, 4, 4][..]),       // Discover
        ("378282246310005", &[4, 6, 5][..]),           // Amex
        ("30569309025904", &[4, 6, 4][..]),            // Diners 14
        ("4000056655665556", &[4, 4, 4, 4][..]),       // Visa debit
        ("4222222222222", &[13][..]),                  // Visa 13, plain only
        ("6250941006528599", &[4, 4, 4, 4][..]),       // UnionPay
        ("3566002020360505", &[4, 4, 4, 4][..]),       // JCB
        ("4111111111111111110", &[4, 4, 4, 4, 3][..]), // Visa 19
    ] {
        assert_caught("CARD", &format!("card {digits} ok"), digits);
        for sep in [" ", "-"] {
            let mut grouped = String::new();
            let mut at = 0;
            for (i, n) in layout.iter().enumerate() {
                if i > 0 {
                    grouped.push_str(sep);
                }
                grouped.push_str(&digits[at..at + n]);
                at += n;
            }
            assert_caught("CARD", &format!("charged {grouped} for $5"), &grouped);
            assert_caught("CARD", &format!("{{\"note\":\"pan {grouped}\"}}"), &grouped);
        }
    }
}

#[test]
fn ssn_ein_and_iban_in_every_accepted_layout() {
    for v in ["219-09-9999", "078-05-1121"] {
        assert_caught("SSN", &format!("applicant {v} verified"), v);
    }
    // Spaced or dotted, the shape is also an access log's status, size and count
    // (`200 200 97 9919`): those forms need an SSN keyword.
    for v in ["219 09 9999", "219.09.9999"] {
        assert_caught("SSN", &format!("applicant ssn {v} verified"), v);
    }
    let alb = b"h2 2026-11-04T10:00:00Z app/lb/1 10.0.0.1:443 10.0.1.5:80 0.001 0.002 0.000 200 200 97 9919 \"GET https://x/ HTTP/2.0\"";
    let s = Scrubber::builtin().expect("builtin pack");
    assert!(
        s.find(alb).is_empty(),
        "an ALB access log line is left alone"
    );
    for line in ["ssn 219099999 on file", "SSN: 219099999", "tin=219099999"] {
        assert_caught("SSN", line, "219099999");
    }
    assert_caught("EIN", "employer 12-3456789 registered", "12-3456789");
    assert_caught("EIN", "ein 123456789 registered", "123456789");
    for compact in [
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "ES9121000418450200051332",
        "CH9300762011623852957",
        "BE68539007547034",
        "IT60X0542811101000000123456",
    ] {
        assert_caught("IBAN", &format!("payout to {compact} done"), compact);
        let grouped: Vec<String> = compact
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let grouped = grouped.join(" ");
        assert_caught("IBAN", &format!("payout to {grouped} done"), &grouped);
        assert_caught(
            "IBAN",
            &format!("{{\"iban_note\":\"{grouped}\"}}"),
            &grouped,
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Values at the long-line window cuts.

/// `LongLine` writes 1 MiB per round and scans 64 KiB past the cut (see `src/stream.rs`).
const SEGMENT: usize = 1 << 20;

fn long_line(line: &[u8], piece: usize) -> (Vec<u8>, Vec<Span>) {
    let s = text_scrubber();
    let mut ll = LongLine::new(s);
    let (mut out, mut spans) = (Vec::new(), Vec::new());
    for p in line.chunks(piece) {
        ll.feed(p, &mut out, &mut spans);
    }
    ll.finish(&mut out, &mut spans);
    (out, spans)
}

/// (rule, text inserted, the part that must vanish). Keyword-gated values have their keyword before the
/// cut and the value after it at some offsets.
const CUT_CASES: &[(&str, &str, &str)] = &[
    ("EMAIL", "jane.doe@example.com", "jane.doe@example.com"),
    ("PHONE", "phone 4155550132", "4155550132"),
    ("PHONE", "+1 (415) 555-0132", "(415) 555-0132"),
    (
        "IBAN",
        "DE89 3704 0044 0532 0130 00",
        "DE89 3704 0044 0532 0130 00",
    ),
    ("SECRET", "password=hunter2hunter2", "hunter2hunter2"),
    (
        "JWT",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz",
    ),
];

#[test]
fn values_split_between_fed_pieces_at_every_offset_are_found_whole() {
    // Piece boundaries inside, before and after each value: `LongLine` buffers, so every split must
    // give what the whole line gives.
    let s = text_scrubber();
    for (rule, text, secret) in CUT_CASES {
        let line = format!("x=1 {text} y");
        let (whole, f) = scrub(s, line.as_bytes());
        for at in 0..=line.len() {
            let (a, b) = line.as_bytes().split_at(at);
            let mut ll = LongLine::new(s);
            let (mut out, mut spans) = (Vec::new(), Vec::new());
            ll.feed(a, &mut out, &mut spans);
            ll.feed(b, &mut out, &mut spans);
            ll.finish(&mut out, &mut spans);
            assert_eq!(out, whole, "{rule}: split at {at}");
            assert_eq!(spans, f.spans(), "{rule}: split at {at}");
            assert!(!contains(&out, secret.as_bytes()), "{rule}: split at {at}");
        }
    }
}

#[test]
fn values_cut_by_a_long_line_window_are_found_whole() {
    // `LongLine` writes 1 MiB per round and extends the cut to the end of a value straddling it. The
    // cut falls at every offset across the email (and the keyword-gated phone, whose keyword the next
    // round must see in its context bytes), and at the edges and middle of the other values. Each case
    // scans a 1.1 MiB line, which is slow in a debug build: hence not every offset of every value.
    let s = text_scrubber();
    for (i, (rule, text, secret)) in CUT_CASES.iter().enumerate() {
        let shifts: Vec<usize> = if i < 2 {
            (0..=text.len() + 1).collect()
        } else {
            vec![0, 1, text.len() / 2, text.len(), text.len() + 1]
        };
        for shift in shifts {
            // The value starts `shift - 1` bytes before the cut.
            let mut line = vec![b'a'; SEGMENT - shift - 1];
            line.push(b' ');
            let value_at = line.len();
            line.extend_from_slice(text.as_bytes());
            line.push(b' ');
            line.extend(std::iter::repeat_n(b'b', 70_000));
            // Uneven pieces, so feed boundaries fall anywhere too.
            let (out, spans) = long_line(&line, 65_521);
            assert!(
                !contains(&out, secret.as_bytes()),
                "{rule} leaked with the cut {shift} bytes into {text:?}"
            );
            assert_eq!(spans.len(), 1, "{rule}, cut {shift}: {spans:?}");
            let span = spans[0];
            assert_eq!(s.rule_name(span.rule), *rule, "cut {shift}");
            let secret_at = value_at + text.len() - secret.len();
            assert!(
                span.start <= secret_at && span.end() >= value_at + text.len(),
                "{rule}, cut {shift}: span {span:?} does not cover the value"
            );
            let mut expected = line[..span.start].to_vec();
            expected.extend_from_slice(format!("[{rule}]").as_bytes());
            expected.extend_from_slice(&line[span.end()..]);
            assert!(out == expected, "{rule}, cut {shift}: output differs");
        }
    }
}

#[test]
fn a_private_key_near_the_cli_hold_limit_across_a_chunk_boundary_is_redacted_whole() {
    // The CLI reads 1 MiB chunks of whole lines and holds back a started PEM block until its END
    // line, up to 64 KiB (`src/cli/input.rs`). tests/cli.rs crosses a boundary with a 2.6 KB key; this
    // one is 60 KiB and starts 61 KiB before the boundary, just inside the hold.
    const CHUNK: usize = 1 << 20;
    let body_line = b"MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfnygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n";
    let mut input = Vec::with_capacity(CHUNK + (128 << 10));
    while input.len() < CHUNK - (61 << 10) {
        input.extend_from_slice(b"filler line without secrets\n");
    }
    input.extend_from_slice(b"-----BEGIN RSA PRIVATE KEY-----\n");
    let key_start = input.len();
    while input.len() - key_start < 60 << 10 {
        input.extend_from_slice(body_line);
    }
    input.extend_from_slice(b"-----END RSA PRIVATE KEY-----\nafter\n");
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("adversarial-pem");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let file = dir.join("key.log");
    std::fs::write(&file, &input).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_logscrub"))
        .arg(&file)
        .env_remove("LOGSCRUB_STYLE")
        .env_remove("LOGSCRUB_RULES")
        .output()
        .expect("run logscrub");
    assert!(out.status.success());
    assert!(
        !contains(&out.stdout, b"MIIEpAIBAAKCAQEA"),
        "key lines leaked"
    );
    assert_eq!(
        memchr::memchr_iter(b'\n', &out.stdout).count(),
        memchr::memchr_iter(b'\n', &input).count()
    );
    // One token per line of the block (BEGIN, body, END), no other text on those lines, and the
    // next line untouched.
    let block_lines = 2
        + (input.len() - key_start - b"-----END RSA PRIVATE KEY-----\nafter\n".len())
            / body_line.len();
    assert_eq!(
        out.stdout
            .split(|&b| b == b'\n')
            .filter(|line| *line == b"[PRIVATE_KEY]")
            .count(),
        block_lines
    );
    assert_eq!(
        memchr::memmem::find_iter(&out.stdout, b"[PRIVATE_KEY]").count(),
        block_lines
    );
    assert!(out.stdout.ends_with(b"\nafter\n"));
}

// ---------------------------------------------------------------------------------------------------
// Hostile rule packs.

fn merge(src: &str) -> Result<Pack, String> {
    let mut pack = Pack::builtin().map_err(|e| e.to_string())?;
    pack.merge_str(src, "mine.toml")
        .map_err(|e| e.to_string())?;
    Ok(pack)
}

#[test]
fn pathological_regexes_are_refused_with_file_line_and_reason() {
    for regex in [
        "(a{1000}){1000}",
        "((a{100}){100}){100}",
        "\\w{1000}\\w{1000}\\w{1000}",
        "[\\p{L}\\p{N}]{2000}",
    ] {
        let src = format!("# mine\n[[rule]]\nid = \"HUGE\"\nregex = '{regex}'\n");
        let e = merge(&src).expect_err(regex);
        assert!(
            e.starts_with("mine.toml:4: invalid regex") && e.contains("size limit"),
            "{regex}: {e}"
        );
    }
    let e = merge("[[rule]]\nid = \"BAD\"\n\nregex = '(a'\n").expect_err("syntax");
    assert!(e.starts_with("mine.toml:4: invalid regex"), "{e}");
    let e = merge("[[rule]]\nid = \"EMPTY\"\nregex = 'a*'\n").expect_err("empty match");
    assert!(e.contains("empty string"), "{e}");
}

#[test]
fn a_pack_with_more_rules_than_rule_ids_is_refused_with_its_line() {
    // Rule ids are 16-bit inside the engine; one more rule must be an error, not a wrapped id.
    let builtin = Pack::builtin().expect("pack").rules().len();
    let fits = usize::from(u16::MAX) - builtin;
    let mut src = String::with_capacity(80 * (fits + 1));
    for i in 0..=fits {
        src.push_str(&format!(
            "[[rule]]\nid = \"F{i}\"\ndetector = \"json_key\"\njson_keys = [\"f{i}\"]\n"
        ));
    }
    let e = merge(&src).expect_err("one rule too many");
    let line = 4 * fits + 1;
    assert!(
        e.starts_with(&format!("mine.toml:{line}: too many rules")),
        "{e}"
    );
    let last = src.rfind("[[rule]]").expect("rules");
    let pack = merge(&src[..last]).expect("as many rules as ids load");
    assert_eq!(pack.rules().len(), usize::from(u16::MAX));
}

#[test]
fn a_line_that_never_settles_is_replaced_whole() {
    // Rules that each match the previous rule's replacement plus one more byte: every re-check of
    // the rewritten line finds more, one rule further along the chain, longer than the engine checks.
    let mut src = String::from("[[rule]]\nid = \"R1\"\nlabel = \"A\"\nregex = 'xa'\n");
    for (i, (prev, next)) in ["A", "B", "C", "D", "E", "F"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g"])
        .enumerate()
    {
        let label = (b'B' + i as u8) as char;
        src.push_str(&format!(
            "[[rule]]\nid = \"R{}\"\nlabel = \"{label}\"\nregex = '{prev}\\]{next}'\n",
            i + 2
        ));
    }
    let pack = merge(&src).expect("loads");
    let s = Scrubber::new(&pack, &Options::default()).expect("compiles");
    // Three re-checks settle: each adds the next rule's span.
    let (out, _) = scrub(&s, b"keep xabcd\nnext");
    assert_eq!(out, b"keep [D]\nnext");
    // The chain outruns the checks: the whole line goes, the next one stays, and the result is a
    // fixed point like any other.
    let (out, f) = scrub(&s, b"keep xabcdefg\nnext xa");
    assert_eq!(out, b"[E]\nnext [A]", "{f:?}");
    let (again, f2) = scrub(&s, &out);
    assert_eq!(again, out);
    assert!(f2.is_empty());
    // The region is written as a label even when its rule has another style: a mask or the last four
    // of a whole line could show part of a value that is not that rule's.
    let pack = merge(&format!("{src}[[rule]]\nid = \"R5\"\nstyle = \"last4\"\n")).expect("loads");
    let s = Scrubber::new(&pack, &Options::default()).expect("compiles");
    let (out, f) = scrub(&s, b"keep 1234 xabcdefg\nnext xa");
    assert_eq!(out, b"[E]\nnext [A]", "{f:?}");
    assert_eq!(scrub(&s, &out).0, out);
}

#[test]
fn labels_that_could_be_detected_again_are_refused() {
    for label in ["email", "[EMAIL]", "E-MAIL", "EMAIL ADDRESS", "9LIVES", ""] {
        let src = format!("[[rule]]\nid = \"EMAIL\"\nlabel = \"{label}\"\n");
        let e = merge(&src).expect_err(label);
        assert!(
            e.starts_with("mine.toml:3:") && e.contains("UPPER_SNAKE_CASE"),
            "{label:?}: {e}"
        );
    }
    assert!(merge("[[rule]]\nid = \"EMAIL\"\nlabel = \"MAIL_2\"\n").is_ok());
}

#[test]
fn a_user_regex_spanning_lines_keeps_the_line_count() {
    let pack = merge("[[rule]]\nid = \"BLOCK\"\nregex = '(?s)BEGIN.*?END'\n").expect("loads");
    let s = Scrubber::new(&pack, &Options::default()).expect("compiles");
    let input = b"a BEGIN x\ny\r\nz END b\nnext\n";
    let (out, f) = scrub(&s, input);
    assert_eq!(out, b"a [BLOCK]\n\r\n b\nnext\n");
    assert_eq!(f.len(), 1);
}

// ---------------------------------------------------------------------------------------------------
// The hash key.

const KEY: &str = "canary-hmac-key-7f3a9b2c41d8e5";

/// The key as text and as `Debug` prints a byte vector.
fn key_forms() -> [String; 2] {
    let bytes = format!("{:?}", KEY.as_bytes());
    [KEY.to_string(), bytes[1..bytes.len() - 1].to_string()]
}

fn assert_no_key(what: &str, text: &str) {
    for form in key_forms() {
        assert!(!text.contains(&form), "{what} shows the hash key: {text}");
    }
}

#[test]
fn the_hash_key_never_appears_in_debug_text() {
    let options = Options {
        style: Some(Style::Hash),
        hash_key: Some(KEY.as_bytes().to_vec()),
        ..Options::default()
    };
    let s = Scrubber::new(&Pack::builtin().expect("pack"), &options).expect("compiles");
    // `Debug` text ends up in panic messages (`unwrap_err` on an `Ok`), test failures and any log
    // line that formats these values with `{:?}`.
    assert_no_key("Options' Debug", &format!("{options:?}"));
    assert_no_key("Scrubber's Debug", &format!("{s:?}"));
    #[cfg(feature = "lambda")]
    {
        let config = logscrub::lambda::Config::from_lookup(|name| {
            (name == "LOGSCRUB_HASH_KEY").then(|| KEY.to_string())
        })
        .expect("config");
        assert_no_key("lambda::Config's Debug", &format!("{config:?}"));
    }
}

#[test]
fn the_cli_never_prints_the_hash_key() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("adversarial-key");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).expect("key file");
    let short_file = dir.join("short");
    std::fs::write(&short_file, "short-key\n").expect("key file");
    let key_file = key_file.to_str().expect("utf-8 path");
    let short_file = short_file.to_str().expect("utf-8 path");
    let runs: &[(&[&str], Option<&str>)] = &[
        (&["--style", "hash", "--stats"], Some(KEY)),
        (
            &["--style", "hash", "--hash-key-file", key_file, "--stats"],
            None,
        ),
        (&["--style", "hash", "--hash-key-file", short_file], None),
        (&["--style", "hash"], Some("short")),
        (&["--help"], Some(KEY)),
        (&["--list-rules"], Some(KEY)),
        (&["--no-such-option"], Some(KEY)),
        (&["audit", "--format", "json", "-"], Some(KEY)),
    ];
    for (args, env_key) in runs {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_logscrub"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("LOGSCRUB_") {
                cmd.env_remove(name);
            }
        }
        if let Some(k) = env_key {
            cmd.env("LOGSCRUB_HASH_KEY", k);
        }
        let mut child = cmd
            .args(*args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run logscrub");
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(b"sms to +14155550132 for jane@example.com\n");
        }
        let out = child.wait_with_output().expect("logscrub exits");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_key(&format!("logscrub {args:?}"), &text);
        assert!(
            !text.contains("short-key") && !text.contains("4155550132"),
            "logscrub {args:?} printed a key or a value: {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Lambda batches.

#[cfg(feature = "lambda")]
#[test]
fn ten_thousand_events_plus_events_at_the_size_limit_fit_putlogevents() {
    use logscrub::lambda::batch::{
        EVENT_OVERHEAD, Event, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_BATCH_SPAN_MS,
        MAX_EVENT_BYTES, prepare, split,
    };
    let t0 = 1_700_000_000_000_i64;
    let mut events: Vec<Event> = (0..10_000)
        .map(|i| Event {
            timestamp: t0 + i,
            message: format!("request {i} done"),
        })
        .collect();
    // Five events exactly at the limit (together over one batch's bytes), interleaved in time, and
    // one a byte over it.
    let at_limit = "x".repeat(MAX_EVENT_BYTES - EVENT_OVERHEAD);
    for k in 0..5 {
        events.push(Event {
            timestamp: t0 + 2_000 * k,
            message: at_limit.clone(),
        });
    }
    events.push(Event {
        timestamp: t0 + 5,
        message: "y".repeat(MAX_EVENT_BYTES - EVENT_OVERHEAD + 1),
    });
    let total = events.len();
    assert_eq!(prepare(&mut events), 1, "one event over the limit");
    assert_eq!(
        events.len(),
        total,
        "the oversize event is replaced, not dropped"
    );
    let batches = split(&events);
    let mut next = 0;
    for b in &batches {
        assert_eq!(b.start, next, "batches cover every event once, in order");
        let slice = &events[b.clone()];
        assert!(!slice.is_empty() && slice.len() <= MAX_BATCH_EVENTS);
        assert!(slice.iter().map(Event::size).sum::<usize>() <= MAX_BATCH_BYTES);
        assert!(slice.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
        assert!(slice[slice.len() - 1].timestamp - slice[0].timestamp < MAX_BATCH_SPAN_MS);
        next = b.end;
    }
    assert_eq!(next, total);
    assert_eq!(
        events.iter().filter(|e| e.message == at_limit).count(),
        5,
        "events at the limit are kept whole"
    );
    // 10,005 events are more than one call's count, and the five at-limit events alone are more
    // than one call's bytes.
    assert!(batches.len() >= 2, "{} batches", batches.len());
    let at_limit_batches = batches
        .iter()
        .filter(|b| events[(*b).clone()].iter().any(|e| e.message == at_limit))
        .count();
    assert!(
        at_limit_batches >= 2,
        "five at-limit events cannot share one call"
    );
}

#[cfg(feature = "lambda")]
#[test]
fn an_event_that_grows_past_the_limit_when_hashed_becomes_a_marker() {
    use logscrub::lambda::batch::{EVENT_OVERHEAD, Event, MAX_EVENT_BYTES, prepare};
    use logscrub::lambda::scrub::{Tally, scrub_message};
    // Phones are 12 bytes; their hash tokens are 16: a message at the limit grows past it.
    let message = repeat_to(b"+14155550132 ", MAX_EVENT_BYTES - EVENT_OVERHEAD);
    let message = String::from_utf8(message).expect("ascii");
    let options = Options {
        style: Some(Style::Hash),
        hash_key: Some(KEY.as_bytes().to_vec()),
        ..Options::default()
    };
    let s = Scrubber::new(&Pack::builtin().expect("pack"), &options).expect("compiles");
    let mut tally = Tally::default();
    let scrubbed = scrub_message(&s, &message, &mut tally);
    assert!(scrubbed.len() > message.len());
    let mut events = vec![Event {
        timestamp: 1,
        message: scrubbed,
    }];
    assert_eq!(prepare(&mut events), 1);
    assert!(events[0].message.starts_with("[logscrub: event of "));
    assert!(!events[0].message.contains("4155550132"));
}

/// Subscription payloads built bit by bit: a gzip stream of any inflated size, written in time
/// proportional to its compressed size, so a payload of 10,000 events of 256 KiB (2.5 GiB inflated)
/// costs a test a fraction of a second instead of compressing 2.5 GiB.
#[cfg(feature = "lambda")]
mod huge_payloads {
    /// Deflate's bit order: values least significant bit first, Huffman codes most significant first.
    #[derive(Default)]
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }

    impl Bits {
        fn put(&mut self, value: u64, n: u32) {
            self.acc |= value << self.n;
            self.n += n;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }

        fn code(&mut self, code: u32, len: u32) {
            self.put(u64::from(code.reverse_bits() >> (32 - len)), len);
        }

        /// A literal byte in the fixed Huffman code (RFC 1951, 3.2.6).
        fn literal(&mut self, byte: u8) {
            match byte {
                0..=143 => self.code(0x30 + u32::from(byte), 8),
                _ => self.code(0x190 + u32::from(byte - 144), 9),
            }
        }
    }

    /// A gzip stream, one fixed-Huffman deflate block, of text and long runs of `a`.
    struct Payload {
        bits: Bits,
        crc: flate2::Crc,
        run_crc: flate2::Crc,
        run: usize,
    }

    impl Payload {
        fn new(run: usize) -> Payload {
            let mut bits = Bits::default();
            bits.out
                .extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
            bits.put(1, 1); // BFINAL
            bits.put(1, 2); // BTYPE = fixed Huffman codes
            let mut run_crc = flate2::Crc::new();
            run_crc.update(&vec![b'a'; run]);
            Payload {
                bits,
                crc: flate2::Crc::new(),
                run_crc,
                run,
            }
        }

        fn text(&mut self, text: &[u8]) {
            text.iter().for_each(|&b| self.bits.literal(b));
            self.crc.update(text);
        }

        /// `run` bytes of `a`: one literal, then copies of 258 bytes at distance 1.
        fn run_of_a(&mut self) {
            self.bits.literal(b'a');
            let mut left = self.run - 1;
            while left >= 258 {
                self.bits.code(0xc5, 8); // length code 285: 258 bytes
                self.bits.code(0, 5); // distance code 0: distance 1
                left -= 258;
            }
            (0..left).for_each(|_| self.bits.literal(b'a'));
            self.crc.combine(&self.run_crc);
        }

        fn finish(mut self) -> Vec<u8> {
            self.bits.code(0, 7); // end of block
            self.bits.put(0, 7); // pad to a byte
            let mut out = std::mem::take(&mut self.bits.out);
            out.extend_from_slice(&self.crc.sum().to_le_bytes());
            out.extend_from_slice(&self.crc.amount().to_le_bytes());
            out
        }
    }

    const HEAD: &str = r#"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/app","logStream":"s","subscriptionFilters":["f"],"logEvents":["#;

    /// A subscription payload (gzip, not yet base64) of `events` events, each message `run` bytes of
    /// `a`; and the JSON it inflates to when `keep_json` (small cases only).
    fn subscription(events: usize, run: usize, keep_json: bool) -> (Vec<u8>, Vec<u8>) {
        let mut payload = Payload::new(run);
        let mut json = Vec::new();
        let text = |payload: &mut Payload, json: &mut Vec<u8>, t: &str| {
            payload.text(t.as_bytes());
            if keep_json {
                json.extend_from_slice(t.as_bytes());
            }
        };
        text(&mut payload, &mut json, HEAD);
        for i in 0..events {
            let sep = if i == 0 { "" } else { "," };
            text(
                &mut payload,
                &mut json,
                &format!(
                    r#"{sep}{{"id":"{i}","timestamp":{},"message":""#,
                    1_700_000_000_000u64 + i as u64
                ),
            );
            payload.run_of_a();
            if keep_json {
                json.extend(std::iter::repeat_n(b'a', run));
            }
            text(&mut payload, &mut json, "\"}");
        }
        text(&mut payload, &mut json, "]}");
        (payload.finish(), json)
    }

    #[test]
    fn the_payload_builder_writes_valid_gzip() {
        use logscrub::lambda::decode::{gunzip, log_data};
        let (gz, json) = subscription(3, 1000, true);
        let inflated = gunzip(&gz, 1 << 20).expect("valid gzip (checksum and size included)");
        assert_eq!(inflated, json);
        let data = log_data(&inflated).expect("a subscription payload");
        assert_eq!(data.log_events.len(), 3);
        assert!(data.log_events.iter().all(|e| e.message.len() == 1000));
    }

    #[test]
    fn ten_thousand_events_of_256_kib_are_refused_at_the_inflate_cap() {
        use base64::Engine;
        use logscrub::lambda::decode::{
            DEFAULT_MAX_INFLATED_BYTES, DecodeError, subscription_data,
        };
        // 2.5 GiB of events in about 20 MB of gzip: far past the 64 MiB cap, which must stop the
        // inflating one byte past it, before any of it is parsed, scrubbed or forwarded.
        let (gz, _) = subscription(10_000, 256 << 10, false);
        assert!(gz.len() < 24 << 20, "{} bytes of gzip", gz.len());
        let text = base64::engine::general_purpose::STANDARD.encode(&gz);
        let err =
            subscription_data(&text, DEFAULT_MAX_INFLATED_BYTES).expect_err("far over the cap");
        assert_eq!(
            err,
            DecodeError::TooLarge {
                limit: DEFAULT_MAX_INFLATED_BYTES
            }
        );
        assert!(err.to_string().contains("67108864"), "{err}");
        // Under a cap above its size the same builder's payload decodes: the refusal is the cap's.
        let (gz, _) = subscription(40, 256 << 10, false);
        let text = base64::engine::general_purpose::STANDARD.encode(&gz);
        let data = subscription_data(&text, 16 << 20).expect("10 MiB under a 16 MiB cap");
        assert_eq!(data.log_events.len(), 40);
        assert!(data.log_events.iter().all(|e| e.message.len() == 256 << 10));
    }
}

/// Rule regexes are matched against log lines: `^` and `$` are line anchors (multi-line mode,
/// CRLF as one break), so a value at the start or end of any line of a buffer is found as on a
/// line alone — the catalog's `(?:^|[^A-Za-z0-9+/])` boundary once missed a key at the start of
/// every line but a search's first. A user regex with `^…$` finds every line's match, and an
/// allow entry's `^…$` still asks for the whole candidate.
#[test]
fn line_anchors_in_rule_regexes_hold_on_every_line_of_a_buffer() {
    let key = format!("{}+ASt{}A==", "A".repeat(76), "abcde");
    let input = format!("first line\n{key}\n  {key}\r\n{key}");
    let (out, found) = scrub(scrubber(), input.as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&out),
        "first line\n[AZURE_IDENTIFIABLE_KEY]\n  [AZURE_IDENTIFIABLE_KEY]\r\n[AZURE_IDENTIFIABLE_KEY]"
    );
    assert_eq!(found.spans().len(), 3);

    let mut pack = Pack::builtin().expect("built-in pack");
    pack.merge_str(
        "[[rule]]\nid = \"WHOLE\"\nregex = '^pin=[0-9]{4}$'\n\n[[allow]]\nregex = '^[a-z]+@example\\.com$'\n",
        "anchors.toml",
    )
    .expect("pack");
    let s = Scrubber::new(&pack, &Options::default()).expect("compiles");
    let (out, _) = scrub(
        &s,
        b"pin=1234\nx pin=5678\npin=9012\r\npin=3456\nbob@example.com jo.e@example.com",
    );
    assert_eq!(
        String::from_utf8_lossy(&out),
        "[WHOLE]\nx pin=5678\n[WHOLE]\r\n[WHOLE]\nbob@example.com [EMAIL]"
    );
}
