//! Structured (JSON) mode: sensitive keys in every style, values of every type, paths, escapes, embedded
//! documents, fall-back to text for invalid JSON, deep nesting, and output validity on a generated corpus.

mod support;

use logscrub::{JsonMode, Options, Pack, Scrubber, Style};
use support::corpus::{self, Rng};

fn scrubber_with(style: Option<Style>, json: JsonMode) -> Scrubber {
    let options = Options {
        style,
        json,
        ..Options::default()
    };
    Scrubber::new(&Pack::builtin().expect("pack"), &options).expect("scrubber")
}

fn scrub_with(s: &Scrubber, input: &str) -> String {
    let mut out = Vec::new();
    s.scrub(input.as_bytes(), &mut out);
    String::from_utf8(out).expect("utf-8")
}

fn scrub(input: &str) -> String {
    scrub_with(&scrubber_with(None, JsonMode::Auto), input)
}

fn check(cases: &[(&str, &str)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(input, want)| {
            let got = scrub(input);
            (got != *want).then(|| format!("  input: {input}\n   want: {want}\n    got: {got}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_key_style() {
    check(&[
        (
            r#"{"phone_number":"call me"}"#,
            r#"{"phone_number":"[PHONE]"}"#,
        ),
        (
            r#"{"phoneNumber":"call me"}"#,
            r#"{"phoneNumber":"[PHONE]"}"#,
        ),
        (
            r#"{"PhoneNumber":"call me"}"#,
            r#"{"PhoneNumber":"[PHONE]"}"#,
        ),
        (
            r#"{"Phone-Number":"call me"}"#,
            r#"{"Phone-Number":"[PHONE]"}"#,
        ),
        (
            r#"{"PHONE_NUMBER":"call me"}"#,
            r#"{"PHONE_NUMBER":"[PHONE]"}"#,
        ),
        (
            r#"{"phone number":"call me"}"#,
            r#"{"phone number":"[PHONE]"}"#,
        ),
        (
            r#"{"firstName":"Jane","LAST_NAME":"Doe","full-name":"Jane Doe"}"#,
            r#"{"firstName":"[NAME]","LAST_NAME":"[NAME]","full-name":"[NAME]"}"#,
        ),
        (r#"{"Email":"not an address"}"#, r#"{"Email":"[EMAIL]"}"#),
    ]);
}

#[test]
fn values_of_every_type() {
    check(&[
        (r#"{"phone":4155550132}"#, r#"{"phone":"[PHONE]"}"#),
        (r#"{"phone":-1.5e3}"#, r#"{"phone":"[PHONE]"}"#),
        (
            r#"{"address":{"street":"1 Main St","city":"Springfield"},"ok":1}"#,
            r#"{"address":"[ADDRESS]","ok":1}"#,
        ),
        (
            r#"{"phone":["+14155550132","+14155550133"]}"#,
            r#"{"phone":"[PHONE]"}"#,
        ),
        (
            r#"{"email":null,"phone":true,"ssn":false,"password":""}"#,
            r#"{"email":null,"phone":true,"ssn":false,"password":""}"#,
        ),
        (
            r#"{"dob":"1990-01-02","cvv":"123"}"#,
            r#"{"dob":"[DOB]","cvv":"[CVV]"}"#,
        ),
    ]);
}

#[test]
fn nested_and_array_paths() {
    check(&[
        (
            r#"{"customer":{"name":"Jane Doe","id":"cus_1"}}"#,
            r#"{"customer":{"name":"[NAME]","id":"cus_1"}}"#,
        ),
        (
            r#"{"data":{"recipient":{"name":"Jo Bloggs"}}}"#,
            r#"{"data":{"recipient":{"name":"[NAME]"}}}"#,
        ),
        (
            r#"{"recipients":[{"name":"A"},{"name":"B"}]}"#,
            r#"{"recipients":[{"name":"[NAME]"},{"name":"[NAME]"}]}"#,
        ),
        (
            r#"{"product":{"name":"Widget"}}"#,
            r#"{"product":{"name":"Widget"}}"#,
        ),
        (
            r#"{"name":"checkout-service"}"#,
            r#"{"name":"checkout-service"}"#,
        ),
        (
            r#"[{"email":"x"},{"user":{"email":"y"}}]"#,
            r#"[{"email":"[EMAIL]"},{"user":{"email":"[EMAIL]"}}]"#,
        ),
    ]);
}

#[test]
fn other_values_still_get_pattern_detection_and_keys_are_kept() {
    check(&[
        (
            r#"{"msg":"sms to +14155550132 sent","n":1}"#,
            r#"{"msg":"sms to [PHONE] sent","n":1}"#,
        ),
        (r#"{"order":4111111111111111}"#, r#"{"order":"[CARD]"}"#),
        (
            r#"{"amount":5000,"account_id":"123456789012","ts":1747731000}"#,
            r#"{"amount":5000,"account_id":"123456789012","ts":1747731000}"#,
        ),
        (
            r#"{"jane@example.com":{"visits":3}}"#,
            r#"{"[EMAIL]":{"visits":3}}"#,
        ),
    ]);
}

#[test]
fn escapes_are_understood_and_kept_valid() {
    check(&[
        (r#"{"msg":"jane\u0040example.com"}"#, r#"{"msg":"[EMAIL]"}"#),
        (
            r#"{"msg":"he said \"call +14155550132\""}"#,
            r#"{"msg":"he said \"call [PHONE]\""}"#,
        ),
        (
            r#"{"url":"postgres:\/\/app:hunter2@db.example.com\/x"}"#,
            r#"{"url":"postgres:\/\/app:[URL_PASSWORD]@db.example.com\/x"}"#,
        ),
        (
            r#"{"msg":"line1\njane@example.com"}"#,
            r#"{"msg":"line1\n[EMAIL]"}"#,
        ),
        (
            r#"{"msg":"{\"card\":\"4111111111111111\"}"}"#,
            r#"{"msg":"{\"card\":\"[CARD]\"}"}"#,
        ),
    ]);
}

#[test]
fn embedded_json_after_a_prefix() {
    check(&[
        (
            "2026-11-23T17:59:21.123Z\t110bcd25-a55d-453a-8046-1297901ea002\tINFO\t{\"customer\":{\"name\":\"Jane\"},\"email\":\"j@x.io\"}",
            "2026-11-23T17:59:21.123Z\t110bcd25-a55d-453a-8046-1297901ea002\tINFO\t{\"customer\":{\"name\":\"[NAME]\"},\"email\":\"[EMAIL]\"}",
        ),
        (
            "INFO sms +14155550132 {\"phone\":\"x\"}",
            "INFO sms [PHONE] {\"phone\":\"[PHONE]\"}",
        ),
        (
            "token=x{2026 {\"authorization\":\"Bearer abcdefgh12345\"}",
            "token=[SECRET] {\"authorization\":\"[AUTH_HEADER]\"}",
        ),
    ]);
}

#[test]
fn invalid_json_falls_back_to_text_scrubbing() {
    check(&[
        // Not JSON (unquoted key): the pattern detectors still run over the whole line.
        (
            "{email: jane@example.com, phone: +14155550132}",
            "{email: [EMAIL], phone: [PHONE]}",
        ),
        // Truncated document.
        (
            "{\"email\":\"jane@example.com\",\"card\":\"4111111111111111",
            "{\"email\":\"[EMAIL]\",\"card\":\"[CARD]",
        ),
        // Trailing text after the document.
        (
            "{\"password\":\"hunter2\"} trailing",
            "{\"password\":\"[SECRET]\"} trailing",
        ),
    ]);
}

#[test]
fn deep_nesting_does_not_crash() {
    let deep = "[".repeat(10_000) + "\"jane@example.com\"" + &"]".repeat(10_000);
    let out = scrub(&deep);
    assert!(!out.contains("jane@example.com"));
    assert_eq!(
        out.len(),
        deep.len() - "jane@example.com".len() + "[EMAIL]".len()
    );
    let deep_obj = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
    assert_eq!(scrub(&deep_obj), deep_obj);
}

#[test]
fn json_mode_off_scrubs_as_text() {
    let s = scrubber_with(None, JsonMode::Off);
    assert_eq!(
        scrub_with(&s, r#"{"surname":"Jane","phone":"+14155550132"}"#),
        r#"{"surname":"Jane","phone":"[PHONE]"}"#
    );
}

/// `last4` shows the last four digits of numbers people know by them (card, account, IBAN, phone,
/// SSN) and masks every other rule whole; and its output, scrubbed again, stays as it is — in JSON
/// as in text, where a key rule would otherwise take `***-***-0132` for a phone number.
#[test]
fn last4_is_defined_per_rule_and_stable() {
    let cases = [
        (r#"{"phone":"415-555-0132"}"#, r#"{"phone":"***-***-0132"}"#),
        (
            r#"{"card_number":"4111 1111 1111 1111"}"#,
            r#"{"card_number":"**** **** **** 1111"}"#,
        ),
        (r#"{"ssn":"219-09-9999"}"#, r#"{"ssn":"***-**-9999"}"#),
        (r#"{"dob":"1985-04-12"}"#, r#"{"dob":"****-**-**"}"#),
        (
            r#"{"birthday":"04/12/1985"}"#,
            r#"{"birthday":"**/**/****"}"#,
        ),
        (
            r#"{"customer":{"name":"Jane Doe"}}"#,
            r#"{"customer":{"name":"**** ***"}}"#,
        ),
        (
            "api_key: a0b9c8d7e6f50a9b8c7d",
            "api_key: ********************",
        ),
        (
            "pay acct 000123456789 card 4111-1111-1111-1111",
            "pay acct ********6789 card ****-****-****-1111",
        ),
    ];
    for mode in [JsonMode::Auto, JsonMode::On, JsonMode::Off] {
        let s = scrubber_with(Some(Style::Last4), mode);
        for (input, want) in cases {
            let once = scrub_with(&s, input);
            if mode != JsonMode::Off || !input.starts_with('{') {
                assert_eq!(once, want, "{mode:?}");
            }
            assert_eq!(scrub_with(&s, &once), once, "{mode:?}: twice");
            assert!(s.find(once.as_bytes()).is_empty(), "{mode:?}: {once}");
        }
    }
    // A user rule may say that its values are known by their last four.
    let mut pack = Pack::builtin().unwrap();
    pack.merge_str(
        "[[rule]]\nid = \"MEMBER\"\nregex = 'member=(?P<value>[0-9]{10})'\nstyle = \"last4\"\nlast4 = true\n\n\
         [[rule]]\nid = \"TICKET\"\nregex = 'ticket=(?P<value>[0-9]{10})'\nstyle = \"last4\"\n",
        "mine.toml",
    )
    .unwrap();
    let s = Scrubber::new(&pack, &Options::default()).unwrap();
    assert_eq!(
        scrub_with(&s, "member=1234567890 ticket=1234567890"),
        "member=******7890 ticket=**********"
    );
}

#[test]
fn styles_keep_json_valid() {
    let line = r#"{"phone":4155550132,"address":{"street":"1 Main"},"email":"jane@example.com","card":"4111 1111 1111 1111"}"#;
    for style in [Style::Label, Style::Mask, Style::Last4] {
        let out = scrub_with(&scrubber_with(Some(style), JsonMode::Auto), line);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{style:?}: {e}: {out}"));
        assert!(v["phone"].is_string(), "{out}");
        assert!(
            !out.contains("jane") && !out.contains("4155550132"),
            "{out}"
        );
    }
    let out = scrub_with(&scrubber_with(Some(Style::Last4), JsonMode::Auto), line);
    assert!(out.contains(r#""card":"**** **** **** 1111""#), "{out}");
}

/// Structured lines with PII at random depths, under sensitive keys and inside free-text values.
fn structured_line(r: &mut Rng) -> (String, Vec<String>) {
    let email = corpus::email(r);
    let phone = corpus::phone(r);
    let card = corpus::card(r);
    let name = format!(
        "{} {}",
        r.pick(&["Jane", "Ana", "Wei", "Omar"]),
        r.pick(&["Doe", "Silva", "Chen", "Haddad"])
    );
    let street = format!("{} {} St", r.range(1, 999), r.pick(&["Main", "Oak", "Elm"]));
    let pii = vec![
        email.clone(),
        phone.clone(),
        card.clone(),
        name.clone(),
        street.clone(),
    ];
    let enc = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let line = match r.below(4) {
        0 => format!(
            r#"{{"level":"info","msg":{},"customer":{{"name":{},"email":{}}},"address":{{"street":{},"zip":"12345"}},"amount":{}}}"#,
            enc(&format!("charged card {card}")),
            enc(&name),
            enc(&email),
            enc(&street),
            r.range(1, 99999)
        ),
        1 => format!(
            r#"{{"recipients":[{{"name":{},"phoneNumber":{}}}],"note":{},"billing_address":{},"email_address":{}}}"#,
            enc(&name),
            enc(&phone),
            enc(&format!("pay {card} now")),
            enc(&street),
            enc(&email)
        ),
        2 => format!(
            "2026-11-23T10:00:00.000Z\t{}\tINFO\t{{\"event\":\"payout\",\"payee\":{{\"name\":{},\"contact\":{{\"Email\":{},\"mobile\":{}}}}},\"pan\":\"{}\",\"address\":[{}]}}",
            r.uuid(),
            enc(&name),
            enc(&email),
            enc(&phone),
            card,
            enc(&street)
        ),
        _ => format!(
            r#"{{"msg":{},"full_name":{},"shipping_address":{},"meta":{{"ua":"Mozilla/5.0","ip":"10.0.0.1"}}}}"#,
            enc(&format!("sms {phone} to {email} for card {card}").replace('@', "\\u0040")),
            enc(&name),
            enc(&street)
        ),
    };
    (line, pii)
}

#[test]
fn generated_corpus_stays_valid_json_and_clean() {
    let s = scrubber_with(None, JsonMode::Auto);
    let mut r = Rng::new(4242);
    let mut checked = 0;
    for _ in 0..1500 {
        let (line, pii) = structured_line(&mut r);
        let out = scrub_with(&s, &line);
        let doc_in = &line[line.find('{').expect("document")..];
        let doc_out = &out[out.find('{').expect("document")..];
        serde_json::from_str::<serde_json::Value>(doc_in).expect("generated line is valid JSON");
        serde_json::from_str::<serde_json::Value>(doc_out)
            .unwrap_or_else(|e| panic!("invalid output ({e}):\n in: {line}\nout: {out}"));
        for value in &pii {
            assert!(
                !out.contains(value.as_str()),
                "{value:?} leaked:\n in: {line}\nout: {out}"
            );
        }
        assert_eq!(scrub_with(&s, &out), out, "not idempotent");
        checked += 1;
    }
    // The benchmark's JSON corpus too.
    for line in corpus::json_lines(7, 400_000, 30)
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
    {
        let mut out = Vec::new();
        s.scrub(line, &mut out);
        serde_json::from_slice::<serde_json::Value>(&out)
            .unwrap_or_else(|e| panic!("invalid output ({e}): {}", String::from_utf8_lossy(&out)));
        checked += 1;
    }
    assert!(checked >= 1000);
}

#[test]
fn every_listed_key_replaces_a_value_that_has_no_pattern() {
    check(&[
        (r#"{"ssn":"x"}"#, r#"{"ssn":"[SSN]"}"#),
        (r#"{"tax_id":"x"}"#, r#"{"tax_id":"[EIN]"}"#),
        (
            r#"{"account_number":"x"}"#,
            r#"{"account_number":"[ACCOUNT]"}"#,
        ),
        (
            r#"{"routing_number":"x"}"#,
            r#"{"routing_number":"[ROUTING]"}"#,
        ),
        (r#"{"iban":"x"}"#, r#"{"iban":"[IBAN]"}"#),
        (r#"{"card_number":"x"}"#, r#"{"card_number":"[CARD]"}"#),
        (r#"{"cvv":"x"}"#, r#"{"cvv":"[CVV]"}"#),
        (r#"{"secret":"x"}"#, r#"{"secret":"[SECRET]"}"#),
        (r#"{"token":"x"}"#, r#"{"token":"[SECRET]"}"#),
        (r#"{"api_key":"x"}"#, r#"{"api_key":"[SECRET]"}"#),
        (r#"{"password":"x"}"#, r#"{"password":"[SECRET]"}"#),
        (
            r#"{"authorization":"x"}"#,
            r#"{"authorization":"[AUTH_HEADER]"}"#,
        ),
        (r#"{"street":"1 Main St"}"#, r#"{"street":"[ADDRESS]"}"#),
        (r#"{"dob":"1990-01-02"}"#, r#"{"dob":"[DOB]"}"#),
        (r#"{"full_name":"Jane Doe"}"#, r#"{"full_name":"[NAME]"}"#),
        (
            r#"{"person":{"name":"Jane"}}"#,
            r#"{"person":{"name":"[NAME]"}}"#,
        ),
        (
            r#"{"Customer":{"Name":"Jane"}}"#,
            r#"{"Customer":{"Name":"[NAME]"}}"#,
        ),
        // `name` alone, outside a person object, is not a person's name.
        (
            r#"{"queue":{"name":"jobs"}}"#,
            r#"{"queue":{"name":"jobs"}}"#,
        ),
    ]);
}

#[test]
fn users_add_and_remove_keys_and_paths_in_their_pack() {
    let mut pack = Pack::builtin().expect("pack");
    pack.merge_str(
        r#"
[[rule]]
id = "PATIENT"
detector = "json_key"
json_keys = ["patient_id"]
json_paths = ["patient.name"]

# Override the built-in NAME rule with shorter key lists: first_name no longer counts.
[[rule]]
id = "NAME"
key_names = ["last_name"]
json_keys = ["last_name"]
json_paths = []
"#,
        "user.toml",
    )
    .expect("user pack");
    let s = Scrubber::new(&pack, &Options::default()).expect("scrubber");
    assert_eq!(
        scrub_with(&s, r#"{"patientId":"P-1","patient":{"name":"Jo"}}"#),
        r#"{"patientId":"[PATIENT]","patient":{"name":"[PATIENT]"}}"#
    );
    assert_eq!(
        scrub_with(
            &s,
            r#"{"first_name":"Jane","last_name":"Doe","customer":{"name":"Jo"}}"#
        ),
        r#"{"first_name":"Jane","last_name":"[NAME]","customer":{"name":"Jo"}}"#
    );
    let mut bad = Pack::builtin().expect("pack");
    let err = bad
        .merge_str(
            "[[rule]]\nid = \"X\"\ndetector = \"json_key\"\njson_keys = [\"a.b\"]\n",
            "bad.toml",
        )
        .expect_err("a dotted key is refused");
    let msg = err.to_string();
    assert!(msg.contains("bad.toml:4"), "{msg}");
    assert!(msg.contains("json_paths"), "{msg}");
}

#[test]
fn whitespace_and_escaped_keys_are_kept_as_written() {
    check(&[
        (
            "{ \"email\" : \"jane@example.com\" ,  \"n\" : 1 }",
            "{ \"email\" : \"[EMAIL]\" ,  \"n\" : 1 }",
        ),
        (
            "{\t\"user\": {  \"phone\":\t\"x\"  }\t}\r",
            "{\t\"user\": {  \"phone\":\t\"[PHONE]\"  }\t}\r",
        ),
        (r#"{"e\u006dail":"x"}"#, r#"{"e\u006dail":"[EMAIL]"}"#),
        // A carriage return is JSON whitespace: a line that starts with one (a stray `\r` before
        // the next `\n`, or `\n\r` breaks) is still a document, its keys claimed.
        // (A name is a key rule's: as text, the line would keep it.)
        (
            "\r[{\"customer\":{\"name\":\"Jane Doe\"}}]",
            "\r[{\"customer\":{\"name\":\"[NAME]\"}}]",
        ),
        // A key block takes the lines up to its END line (fail closed); one of them that is a
        // document keeps its brackets, as after blanks. (The END line gives up as many fields
        // as the BEGIN line had before its marker, as a log prefix.)
        (
            "k: -----BEGIN RSA PRIVATE KEY----- x\n\r[ 0]\n[ 0]\n-----END RSA PRIVATE KEY-----",
            "k: [PRIVATE_KEY]\n\r[ \"[PRIVATE_KEY]\"]\n[ \"[PRIVATE_KEY]\"]\n-----END [PRIVATE_KEY]",
        ),
        // With no END line it ends at the first line that is not key material: a document is not.
        (
            "k: -----BEGIN RSA PRIVATE KEY----- x\nMIIEpAIBAAKCAQEA\n[ 0]\n[ 0]",
            "k: [PRIVATE_KEY]\n[PRIVATE_KEY]\n[ 0]\n[ 0]",
        ),
    ]);
}

#[test]
fn hash_and_mask_styles_over_escapes_keep_json_valid() {
    let hashed = Scrubber::new(
        &Pack::builtin().expect("pack"),
        &Options {
            style: Some(Style::Hash),
            hash_key: Some(b"an-hmac-key-of-32-bytes-00000000".to_vec()),
            ..Options::default()
        },
    )
    .expect("scrubber");
    let masked = scrubber_with(Some(Style::Mask), JsonMode::Auto);
    let line =
        r#"{"msg":"mail jane\u0040example.com","phone":4155550132,"customer":{"name":"Jo"}}"#;
    for s in [&hashed, &masked] {
        let out = scrub_with(s, line);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        let msg = v["msg"].as_str().expect("msg stays a string");
        assert!(!msg.contains("jane") && !msg.contains("example"), "{out}");
        assert!(
            v["phone"].is_string() && !out.contains("4155550132"),
            "{out}"
        );
        assert!(!out.contains("Jo\""), "{out}");
    }
}

#[test]
fn forced_mode_counts_the_lines_that_are_not_json() {
    let forced = scrubber_with(None, JsonMode::On);
    let input = "{\"surname\":\"Jane\"}\nplain text jane@example.com\n\n{\"surname\":\"Jo\",}\n";
    let mut out = Vec::new();
    let found = forced.scrub(input.as_bytes(), &mut out);
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "{\"surname\":\"[NAME]\"}\nplain text [EMAIL]\n\n{\"surname\":\"Jo\",}\n",
        "JSON lines scrubbed by key, the others as text"
    );
    assert_eq!(
        found.not_json_lines(),
        2,
        "the text line and the invalid one"
    );
    let auto = scrubber_with(None, JsonMode::Auto);
    let mut out = Vec::new();
    assert_eq!(auto.scrub(input.as_bytes(), &mut out).not_json_lines(), 0);
}

#[test]
fn json_deeper_than_the_scanner_allows_is_scrubbed_as_text() {
    // Beyond 128 levels the line is scrubbed as text: pattern rules still apply, key-only rules (a
    // name) cannot. SECURITY.md lists this limit.
    let deep = "{\"a\":".repeat(200)
        + "{\"surname\":\"Jane\",\"email\":\"jane@example.com\"}"
        + &"}".repeat(200);
    let out = scrub(&deep);
    assert!(
        out.contains("\"email\":\"[EMAIL]\""),
        "patterns still apply"
    );
    assert!(out.contains("\"surname\":\"Jane\""), "key rules do not");
    serde_json::from_str::<serde_json::Value>(&out)
        .map(|_| ())
        .unwrap_or_else(|e| {
            // serde_json itself refuses more than 128 levels; the text scrub kept the bytes around the
            // replacement as they were.
            assert!(e.to_string().contains("recursion"), "{e}");
        });
}

#[test]
fn curl_credentials_inside_a_json_string() {
    // The command's quotes are escaped inside the string: the password ends before `\"`, so the
    // replacement is not followed by text that a second pass would read as more of the password
    // (which, unsettled, replaced the whole line and broke the document).
    let input = r#"{"cmd":"curl -u b:c\"d\",\"y\":1"}"#;
    let once = scrub(input);
    assert_eq!(once, r#"{"cmd":"curl -u b:[AUTH_HEADER]\"d\",\"y\":1"}"#);
    assert!(
        serde_json::from_str::<serde_json::Value>(&once).is_ok(),
        "{once}"
    );
    assert_eq!(scrub(&once), once, "idempotent");
}

/// Lines whose text holds nothing a detector finds are only parsed when one of their keys may be
/// claimed by a key rule; keys are spotted without parsing (a `"` followed by `:`), so each of these
/// must still reach its rule: keys with separators at their ends, a key after blanks, after a
/// string value that holds `":`, in a text prefix, nested under a path, long lines past one
/// 64-byte block, and an escaped key (which always takes the parser).
#[test]
fn keys_are_claimed_on_lines_without_other_findings() {
    let pad = "x".repeat(150);
    let cases = [
        (
            r#"{"_email_":"someone"}"#.to_string(),
            r#"{"_email_":"[EMAIL]"}"#.to_string(),
        ),
        (
            r#"{"E-Mail" :  "someone"}"#.to_string(),
            r#"{"E-Mail" :  "[EMAIL]"}"#.to_string(),
        ),
        (
            r#"{"note":"a\":b","phone":"call me"}"#.to_string(),
            r#"{"note":"a\":b","phone":"[PHONE]"}"#.to_string(),
        ),
        (
            r#"{"note":"x\":","first_name":"Jane"}"#.to_string(),
            r#"{"note":"x\":","first_name":"[NAME]"}"#.to_string(),
        ),
        (
            r#"{"note":"\":\"","first_name":"Jane"}"#.to_string(),
            r#"{"note":"\":\"","first_name":"[NAME]"}"#.to_string(),
        ),
        (
            r#"{"a":":","first_name":"Jane"}"#.to_string(),
            r#"{"a":":","first_name":"[NAME]"}"#.to_string(),
        ),
        (
            r#"INFO user "created" {"customer":{"name":"Jane Roe"}}"#.to_string(),
            r#"INFO user "created" {"customer":{"name":"[NAME]"}}"#.to_string(),
        ),
        (
            format!(r#"{{"msg":"{pad}","password":"hunter22"}}"#),
            format!(r#"{{"msg":"{pad}","password":"[SECRET]"}}"#),
        ),
        (
            r#"{"e\u006dail":"someone"}"#.to_string(),
            r#"{"e\u006dail":"[EMAIL]"}"#.to_string(),
        ),
        (
            r#"{"level":"info","msg":"ok","ts":1}"#.to_string(),
            r#"{"level":"info","msg":"ok","ts":1}"#.to_string(),
        ),
    ];
    let cases: Vec<(&str, &str)> = cases
        .iter()
        .map(|(i, w)| (i.as_str(), w.as_str()))
        .collect();
    check(&cases);
}

/// A bare value replaced whole is written quoted, and the line breaks it held go after the closing
/// quote: inside a JSON string a raw CR would make the line invalid JSON, after it it is whitespace
/// (found by fuzzing: `tests/data/fuzz-regressions/engine/quoted-json-value-holding-a-cr`).
#[test]
fn line_breaks_of_a_value_replaced_whole_stay_outside_its_quotes() {
    check(&[
        (
            "{\"email\":{\"a\":\"x\ry\"},\"n\":1}",
            "{\"email\":\"[EMAIL]\"\r,\"n\":1}",
        ),
        ("{\"email\":[\"a\",\r\"b\"]}", "{\"email\":\"[EMAIL]\"\r}"),
    ]);
    // A mask keeps a value's separators in place, its line breaks too, except inside quotes.
    let masked = scrub_with(
        &scrubber_with(Some(Style::Mask), JsonMode::Auto),
        "{\"email\":{\"a\":\"x\ry\"}}",
    );
    assert_eq!(masked, "{\"email\":\"****:*****\"\r}");
}

/// A JSON document logged as a string inside a JSON line (an app that serialises its event and
/// logs it as the message): values under sensitive keys inside it are replaced as in the document
/// itself, the line stays valid JSON, and scrubbing twice changes nothing. A string value keeps its
/// escaped quotes around the token; a replaced object or number is written without quotes (a quote
/// there would need escaping).
#[test]
fn documents_logged_as_strings_lose_their_sensitive_values() {
    check(&[
        (
            r#"{"level":"info","message":"{\"customer\":{\"name\":\"Jenny Rosen\",\"email\":\"jenny@example.com\"},\"amount\":12}"}"#,
            r#"{"level":"info","message":"{\"customer\":{\"name\":\"[NAME]\",\"email\":\"[EMAIL]\"},\"amount\":12}"}"#,
        ),
        (
            r#"{"body":"{\"first_name\":\"Ana\",\"dob\":\"1985-04-12\",\"billing_address\":{\"line1\":\"1 Main St\"}}"}"#,
            r#"{"body":"{\"first_name\":\"[NAME]\",\"dob\":\"[DOB]\",\"billing_address\":[ADDRESS]}"}"#,
        ),
        (
            r#"{"msg":"[{\"last_name\":\"Doe\"},{\"last_name\":\"Roe\"}]","n":2}"#,
            r#"{"msg":"[{\"last_name\":\"[NAME]\"},{\"last_name\":\"[NAME]\"}]","n":2}"#,
        ),
        // Not a document: a string with quotes in it is scanned as text only.
        (
            r#"{"msg":"said \"surname\": Ana"}"#,
            r#"{"msg":"said \"surname\": Ana"}"#,
        ),
    ]);
    let s = scrubber_with(None, JsonMode::Auto);
    for line in [
        r#"{"message":"{\"customer\":{\"name\":\"Jenny Rosen\",\"address\":{\"line1\":\"510 Townsend St\",\"postal_code\":98140}}}"}"#,
        r#"{"m":"{\"password\":12345678,\"user\":\"bob\",\"payee_name\":\"J\\\"R\"}"}"#,
    ] {
        let once = scrub_with(&s, line);
        assert_eq!(scrub_with(&s, &once), once, "{line}");
        assert!(
            !once.contains("Jenny") && !once.contains("Townsend") && !once.contains("12345678")
        );
        assert!(
            serde_json::from_str::<serde_json::Value>(&once).is_ok(),
            "{once}"
        );
    }
}
