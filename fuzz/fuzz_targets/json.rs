//! Fuzz target `json`: structured (JSON) lines through the engine in JSON mode.
//!
//! The first byte chooses the input. Even: the rest as raw bytes (mutated JSON lines from the seed
//! corpus). Odd: the rest drives `arbitrary` to build a small JSON value tree — sensitive keys and PII
//! values drawn from lists the detectors know, mixed with arbitrary keys and text — serialized by
//! serde_json as one line, optionally after a Lambda-style `timestamp requestId LEVEL` prefix, so every
//! run is valid JSON by construction and the interesting paths (keyed values, clipping, escapes, bare
//! numbers replaced by quoted tokens) fire often. Valid JSON in must be valid JSON out, besides the
//! engine invariants (`logscrub_fuzz::checks::json_line`).
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Number, Value};

/// Keys the built-in pack treats as sensitive, in several spellings, and some that are not.
const KEYS: &[&str] = &[
    "email",
    "phoneNumber",
    "phone_number",
    "Phone-Number",
    "password",
    "apiKey",
    "X-Api-Key",
    "token",
    "name",
    "customer",
    "recipients",
    "address",
    "card_number",
    "iban",
    "ssn",
    "dob",
    "cvv",
    "routing_number",
    "account_number",
    "authorization",
    "msg",
    "message",
    "level",
    "amount",
    "account_id",
    "note",
    "to",
    "from",
    "user",
    "billing_details",
];

/// Values the detectors find, and look-alikes they must leave alone.
const VALUES: &[&str] = &[
    "jane.doe+x@mail.example.com",
    "jane\u{0040}example.com",
    "mailto%3Ajane%40example.com",
    "+14155550132",
    "(415) 555-0132",
    "415-555-0132",
    "4155550132",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "4111111111111111",
    "DE89 3704 0044 0532 0130 00",
    "GB82WEST12345698765432",
    "219-09-9999",
    "12-3456789",
    "routing 021000021",
    "account_number=000123456789",
    "venmo @jane-doe-5",
    "cash app $janedoe",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "AKIAIOSFODNN7EXAMPLE",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "Bearer abcdefghijklmnop",
    "Authorization: Basic dXNlcjpwYXNz",
    "postgres://app:hunter2@db.internal:5432/x",
    "ghp_RPHHMRvlc2tfagD0sgKeoPoRE8Jl2FQx0Swm",
    "xoxb-123456789012-abcdefghij",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----",
    "password=hunter2",
    "\"password\": \"hunter2\"",
    "[EMAIL]",
    "[PHONE:c9b11456]",
    "****",
    "2026-11-23T17:59:21.123Z",
    "arn:aws:lambda:us-east-1:123456789012:function:x",
    "123456789012",
    "0.5227687358856201",
    "v1.2.3",
];

/// Numbers that are PII under the right key, or look like it.
const NUMBERS: &[i64] = &[
    4_155_550_132,
    14_155_550_132,
    4_111_111_111_111_111,
    219_099_999,
    21_000_021,
    123_456_789_012,
    1_742_082_289,
    200,
    -1,
    0,
];

#[derive(Arbitrary, Debug)]
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    KnownNumber(u8),
    Float(f64),
    Known(u8),
    Text(String),
    Glued(String, u8, String),
    Array(Vec<Node>),
    Object(Vec<(Key, Node)>),
}

#[derive(Arbitrary, Debug)]
enum Key {
    Known(u8),
    Any(String),
    Pii(u8),
}

fn pick<'a, T>(items: &'a [T], i: u8) -> &'a T {
    &items[usize::from(i) % items.len()]
}

/// Deep enough for paths and nesting, well inside the engine's 128-level limit (deeper lines are
/// scrubbed as text, which does not promise valid JSON).
const MAX_DEPTH: usize = 24;

fn value(node: &Node, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::Int(i) => Value::from(*i),
        Node::KnownNumber(i) => Value::from(*pick(NUMBERS, *i)),
        Node::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Node::Known(i) => Value::from(*pick(VALUES, *i)),
        Node::Text(s) => Value::from(s.as_str()),
        Node::Glued(a, i, b) => Value::from(format!("{a}{}{b}", pick(VALUES, *i))),
        Node::Array(items) => Value::Array(items.iter().map(|n| value(n, depth + 1)).collect()),
        Node::Object(fields) => {
            let mut map = Map::new();
            for (k, n) in fields {
                let key = match k {
                    Key::Known(i) => (*pick(KEYS, *i)).to_string(),
                    Key::Any(s) => s.clone(),
                    Key::Pii(i) => (*pick(VALUES, *i)).to_string(),
                };
                map.insert(key, value(n, depth + 1));
            }
            Value::Object(map)
        }
    }
}

fn structured(data: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(data);
    let prefixed = bool::arbitrary(&mut u).ok()?;
    let root = Node::arbitrary(&mut u).ok()?;
    let root = match value(&root, 0) {
        v @ (Value::Object(_) | Value::Array(_)) => v,
        v => Value::Array(vec![v]),
    };
    let mut line = Vec::new();
    if prefixed {
        line.extend_from_slice(
            b"2026-11-23T17:59:21.123Z\t110bcd25-8a5e-4c4b-9d7a-1c2f0e6b9a01\tINFO\t",
        );
    }
    serde_json::to_writer(&mut line, &root).ok()?;
    Some(line)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        logscrub_fuzz::checks::json_line(rest);
    } else if let Some(line) = structured(rest) {
        // Replaying a crash with LOGSCRUB_FUZZ_DUMP=path saves the line the engine saw, which is what
        // goes into tests/data/fuzz-regressions/json/.
        if let Some(path) = std::env::var_os("LOGSCRUB_FUZZ_DUMP") {
            let _ = std::fs::write(path, &line);
        }
        logscrub_fuzz::checks::json_line(&line);
    }
});
