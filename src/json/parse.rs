//! A validating, non-recursive JSON scanner that records where values are, not what they are.
//!
//! Scrubbing needs byte ranges, not a DOM: the content range of every string value, the range of every
//! number, and the range of every value that stands under a sensitive key. The scanner keeps an explicit
//! stack (bounded by `MAX_DEPTH`), so a 10,000-deep array is refused with an error instead of overflowing
//! the call stack, and anything that is not valid JSON is refused the same way, so the caller falls
//! back to text scrubbing.

use super::keys::{KeyRule, KeyRules, NormKey};
use super::structure::Quotes;
use crate::findings::RuleId;

/// Deeper documents are scrubbed as text instead.
pub(crate) const MAX_DEPTH: usize = 128;

/// A scalar the text detectors may rewrite inside: the content of a string (a value or a key, quotes
/// excluded) or a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scalar {
    pub start: usize,
    pub end: usize,
    /// A string (as opposed to a number).
    pub string: bool,
    /// A string holding backslash escapes.
    pub escaped: bool,
}

/// A value under a sensitive key, to be replaced whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyedValue {
    pub start: usize,
    pub end: usize,
    pub rule: RuleId,
    /// Not a string's content (a number, object or array): the replacement must be quoted.
    pub bare: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub scalars: Vec<Scalar>,
    pub keyed: Vec<KeyedValue>,
    /// Ranges of values under keys an allow-list keeps (a string's content, a number, or a whole
    /// container with its brackets), in no particular order: nothing inside them is replaced.
    pub kept: Vec<(usize, usize)>,
    /// An escaped key, decoded, and its offset map (unused): kept to reuse the buffers.
    key_decoded: Vec<u8>,
    key_map: Vec<usize>,
    /// The open containers, kept to reuse the allocation across lines.
    stack: Vec<Frame>,
}

/// Why a line is not scrubbed as JSON (it is then scrubbed as text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NotJson;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    /// Right after `[`: a value or `]`.
    ValueOrClose,
    /// Right after `{`: a key or `}`.
    KeyOrClose,
    Key,
    Colon,
    CommaOrClose,
    Done,
}

#[derive(Debug)]
struct Frame {
    object: bool,
    /// The key this container stands under (for arrays, the key of the entry holding the array).
    key: NormKey,
    open: usize,
    /// The rule that replaces this whole container when it closes.
    rule: Option<RuleId>,
    /// For an array under a scalars-only key: the rule of its string and number elements (and
    /// those of arrays nested in it).
    element_rule: Option<RuleId>,
    /// Under a key an allow-list keeps: recorded in `Parsed::kept` when it closes.
    kept: bool,
}

fn skip_ws(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && matches!(line[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// Scans the string starting with the quote at `i`; returns the end of its content (the closing
/// quote's position) and whether it holds escapes. `quotes` indexes `line`: without a backslash in
/// the line, the closing quote is the next quote.
fn string_end(line: &[u8], quotes: &Quotes, i: usize) -> Result<(usize, bool), NotJson> {
    if !quotes.has_backslash() {
        return quotes.next(i + 1).map(|j| (j, false)).ok_or(NotJson);
    }
    let mut j = i + 1;
    let mut escaped = false;
    loop {
        let k = memchr::memchr2(b'"', b'\\', &line[j..]).ok_or(NotJson)?;
        j += k;
        if line[j] == b'"' {
            return Ok((j, escaped));
        }
        escaped = true;
        match line.get(j + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => j += 2,
            Some(b'u')
                if line.len() >= j + 6 && line[j + 2..j + 6].iter().all(u8::is_ascii_hexdigit) =>
            {
                j += 6
            }
            _ => return Err(NotJson),
        }
    }
}

fn number_end(line: &[u8], mut i: usize) -> Result<usize, NotJson> {
    let digits = |line: &[u8], mut i: usize| {
        let s = i;
        while i < line.len() && line[i].is_ascii_digit() {
            i += 1;
        }
        (i, i - s)
    };
    if line[i] == b'-' {
        i += 1;
    }
    let (e, n) = digits(line, i);
    if n == 0 || (n > 1 && line[i] == b'0') {
        return Err(NotJson);
    }
    i = e;
    if line.get(i) == Some(&b'.') {
        let (e, n) = digits(line, i + 1);
        if n == 0 {
            return Err(NotJson);
        }
        i = e;
    }
    if matches!(line.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(line.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (e, n) = digits(line, i);
        if n == 0 {
            return Err(NotJson);
        }
        i = e;
    }
    Ok(i)
}

/// Parses the JSON document starting at `start` and running to the end of `line` (trailing whitespace
/// allowed), recording value tokens and values under sensitive keys. `quotes` indexes `line`.
pub(crate) fn parse(
    line: &[u8],
    quotes: &Quotes,
    start: usize,
    rules: &KeyRules,
    out: &mut Parsed,
) -> Result<(), NotJson> {
    out.scalars.clear();
    out.keyed.clear();
    out.kept.clear();
    let mut stack = std::mem::take(&mut out.stack);
    stack.clear();
    let parsed = parse_with(line, quotes, start, rules, out, &mut stack);
    out.stack = stack;
    parsed
}

fn parse_with(
    line: &[u8],
    quotes: &Quotes,
    start: usize,
    rules: &KeyRules,
    out: &mut Parsed,
    stack: &mut Vec<Frame>,
) -> Result<(), NotJson> {
    let mut expect = Expect::Value;
    let mut key = NormKey::EMPTY;
    let mut i = start;
    loop {
        i = skip_ws(line, i);
        if i >= line.len() {
            break;
        }
        let b = line[i];
        match expect {
            Expect::Done => return Err(NotJson),
            Expect::Colon => {
                if b != b':' {
                    return Err(NotJson);
                }
                i += 1;
                expect = Expect::Value;
            }
            Expect::Key | Expect::KeyOrClose => {
                if b == b'}' && expect == Expect::KeyOrClose {
                    close(stack, out, i)?;
                    i += 1;
                    expect = after_value(stack);
                    continue;
                }
                if b != b'"' {
                    return Err(NotJson);
                }
                let (end, escaped) = string_end(line, quotes, i)?;
                key = if escaped {
                    // `"e\u006dail"` is the key `email`: compare keys decoded.
                    let raw = &line[i + 1..end];
                    super::escape::decode(raw, &mut out.key_decoded, &mut out.key_map);
                    NormKey::new(&out.key_decoded)
                } else {
                    NormKey::new(&line[i + 1..end])
                };
                // Key rules never rewrite keys, but a key that is itself PII (a map keyed by email)
                // must not pass through: pattern detectors still see key content.
                out.scalars.push(Scalar {
                    start: i + 1,
                    end,
                    string: true,
                    escaped,
                });
                i = end + 1;
                expect = Expect::Colon;
            }
            Expect::CommaOrClose => {
                let object = stack.last().is_some_and(|f| f.object);
                match b {
                    b',' => expect = if object { Expect::Key } else { Expect::Value },
                    b'}' if object => {
                        close(stack, out, i)?;
                        expect = after_value(stack);
                    }
                    b']' if !object => {
                        close(stack, out, i)?;
                        expect = after_value(stack);
                    }
                    _ => return Err(NotJson),
                }
                i += 1;
            }
            Expect::Value | Expect::ValueOrClose => {
                if b == b']' && expect == Expect::ValueOrClose {
                    close(stack, out, i)?;
                    i += 1;
                    expect = after_value(stack);
                    continue;
                }
                let in_object = stack.last().is_some_and(|f| f.object);
                let kept = in_object && {
                    let parents = stack.iter().rev().filter(|f| f.object).map(|f| &f.key);
                    rules.keeps(&key, parents)
                };
                let found = if kept {
                    None
                } else if in_object {
                    let parents = stack.iter().rev().filter(|f| f.object).map(|f| &f.key);
                    rules.rule_for(&key, parents)
                } else {
                    stack
                        .last()
                        .and_then(|f| f.element_rule)
                        .map(|rule| KeyRule {
                            rule,
                            scalars_only: true,
                        })
                };
                let rule = found.map(|k| k.rule);
                match b {
                    b'"' => {
                        let (end, escaped) = string_end(line, quotes, i)?;
                        out.scalars.push(Scalar {
                            start: i + 1,
                            end,
                            string: true,
                            escaped,
                        });
                        if kept {
                            out.kept.push((i + 1, end));
                        }
                        if let Some(rule) = rule
                            && end > i + 1
                            && !is_network_address(&line[i + 1..end], &key)
                        {
                            out.keyed.push(KeyedValue {
                                start: i + 1,
                                end,
                                rule,
                                bare: false,
                            });
                        }
                        i = end + 1;
                        expect = after_value(stack);
                    }
                    b'{' | b'[' => {
                        if stack.len() == MAX_DEPTH {
                            return Err(NotJson);
                        }
                        // The key a container stands under; array elements stand under the array's key.
                        let own_key = if in_object {
                            key
                        } else {
                            stack.last().map_or(NormKey::EMPTY, |f| f.key)
                        };
                        // A scalars-only key replaces no container: an object under it is a
                        // record scanned field by field, an array passes the rule to its
                        // strings and numbers.
                        let (whole, element_rule) = match found {
                            Some(k) if k.scalars_only => (None, (b == b'[').then_some(k.rule)),
                            _ => (rule, None),
                        };
                        stack.push(Frame {
                            object: b == b'{',
                            key: own_key,
                            open: i,
                            rule: whole,
                            element_rule,
                            kept,
                        });
                        i += 1;
                        expect = if b == b'{' {
                            Expect::KeyOrClose
                        } else {
                            Expect::ValueOrClose
                        };
                    }
                    b'-' | b'0'..=b'9' => {
                        let end = number_end(line, i)?;
                        out.scalars.push(Scalar {
                            start: i,
                            end,
                            string: false,
                            escaped: false,
                        });
                        if kept {
                            out.kept.push((i, end));
                        }
                        if let Some(rule) = rule {
                            out.keyed.push(KeyedValue {
                                start: i,
                                end,
                                rule,
                                bare: true,
                            });
                        }
                        i = end;
                        expect = after_value(stack);
                    }
                    _ => {
                        // true, false and null carry no personal data: never replaced.
                        let rest = &line[i..];
                        let len = [&b"true"[..], b"false", b"null"]
                            .iter()
                            .find(|lit| rest.starts_with(lit))
                            .map(|lit| lit.len())
                            .ok_or(NotJson)?;
                        i += len;
                        expect = after_value(stack);
                    }
                }
            }
        }
    }
    if expect == Expect::Done {
        Ok(())
    } else {
        Err(NotJson)
    }
}

fn after_value(stack: &[Frame]) -> Expect {
    if stack.is_empty() {
        Expect::Done
    } else {
        Expect::CommaOrClose
    }
}

fn close(stack: &mut Vec<Frame>, out: &mut Parsed, at: usize) -> Result<(), NotJson> {
    let frame = stack.pop().ok_or(NotJson)?;
    if frame.kept {
        out.kept.push((frame.open, at + 1));
    }
    if let Some(rule) = frame.rule {
        out.keyed.push(KeyedValue {
            start: frame.open,
            end: at + 1,
            rule,
            bare: true,
        });
    }
    Ok(())
}

/// A network address (`10.0.1.23`, `fe80::1`, `2001:db8::8a2e:370:7334`): what a field named
/// `address` holds in infrastructure logs, and never a postal address, name or secret, so a JSON-key
/// rule leaves it to the text scan (where the IP rule, if enabled, finds it). Under a key that names
/// an address (`address`, `listen_addr`), one with a port too (`0.0.0.0:8080`, `[::]:443`,
/// `localhost:9000`, and `:8080`, what Go servers log as their listen address); under any other key
/// (`pin`, `cvc`) a value like `:1234` is the key's.
fn is_network_address(value: &[u8], key: &NormKey) -> bool {
    let addr_key = key.as_bytes().windows(4).any(|w| w == b"addr");
    let host = match value.iter().rposition(|&b| b == b':') {
        Some(colon)
            if addr_key
                && (1..=5).contains(&(value.len() - colon - 1))
                && value[colon + 1..].iter().all(u8::is_ascii_digit)
                && !is_ip(value) =>
        {
            &value[..colon]
        }
        _ => return is_ip(value),
    };
    match host {
        b"" | b"localhost" => true,
        [b'[', inner @ .., b']'] => is_ip(inner),
        _ => is_ip(host) && !host.contains(&b':'),
    }
}

/// An IPv4 address or an IPv6 one (hex groups and colons, an IPv4 tail allowed).
fn is_ip(value: &[u8]) -> bool {
    let parts = value.split(|&b| b == b'.').collect::<Vec<_>>();
    if parts.len() == 4 && !value.contains(&b':') {
        return crate::detect::validate::ipv4_parts(&parts);
    }
    value.len() <= 45
        && value.iter().filter(|&&b| b == b':').count() >= 2
        && value
            .iter()
            .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(s: &[u8]) -> Quotes {
        let mut q = Quotes::default();
        q.index(s);
        q
    }

    /// Addresses with a port are network addresses under an address key; anything with a space, a
    /// host name that is not `localhost`, or a port out of range is not, and under another key
    /// only a bare address is.
    #[test]
    fn network_addresses_with_ports() {
        let address = NormKey::new(b"listen_address");
        for yes in [
            "10.0.1.23",
            "fe80::1",
            "::",
            "0.0.0.0:8080",
            ":8080",
            "[::]:443",
            "[fe80::1]:8080",
            "localhost:9000",
            "127.0.0.1:65535",
        ] {
            assert!(is_network_address(yes.as_bytes(), &address), "{yes}");
        }
        for no in [
            "1 Main St",
            "Main St:12",
            "a.b:1234",
            "12:30",
            ":",
            "[]:80",
            "10.0.0.1:123456",
            "localhost",
            "10.0.0.256:80",
            "[10.0.0.1:80",
        ] {
            assert!(!is_network_address(no.as_bytes(), &address), "{no}");
        }
        let pin = NormKey::new(b"pin");
        assert!(is_network_address(b"10.0.1.23", &pin));
        for no in [":1234", "0.0.0.0:8080", "localhost:9000"] {
            assert!(!is_network_address(no.as_bytes(), &pin), "{no}");
        }
    }

    fn ok(s: &str) -> bool {
        parse(
            s.as_bytes(),
            &index(s.as_bytes()),
            0,
            &KeyRules::default(),
            &mut Parsed::default(),
        )
        .is_ok()
    }

    #[test]
    fn accepts_valid_json() {
        for s in [
            "{}",
            "[]",
            "{\"a\":1}",
            " { \"a\" : [1, -2.5e3, \"x\\u0040y\", true, false, null, {}] } \r",
            "\"just a string\"",
            "-0",
            "[[[[]]]]",
        ] {
            assert!(ok(s), "{s}");
        }
    }

    #[test]
    fn rejects_invalid_json() {
        for s in [
            "",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "[1 2]",
            "{a:1}",
            "{\"a\":01}",
            "{\"a\":1} x",
            "{\"a\":\"\\x\"}",
            "{\"a\":tru}",
            "[1}",
            "{\"a\":\"unterminated}",
        ] {
            assert!(!ok(s), "{s}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(!ok(&deep));
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(ok(&fine));
    }

    #[test]
    fn records_tokens_and_keyed_values() {
        let mut rules = KeyRules::default();
        rules.add_key("email", RuleId(0));
        rules.add_key("address", RuleId(1));
        rules.add_path("customer.name", RuleId(2));
        let s = br#"{"email":"a@b.co","n":12,"address":{"street":"x"},"customer":{"name":"Jo"},"tags":["t"]}"#;
        let mut p = Parsed::default();
        parse(s, &index(s), 0, &rules, &mut p).unwrap();
        let text = |t: &Scalar| std::str::from_utf8(&s[t.start..t.end]).unwrap().to_string();
        let values: Vec<String> = p.scalars.iter().map(text).collect();
        assert_eq!(
            values,
            [
                "email", "a@b.co", "n", "12", "address", "street", "x", "customer", "name", "Jo",
                "tags", "t"
            ]
        );
        let keyed: Vec<(String, u16, bool)> = p
            .keyed
            .iter()
            .map(|k| {
                (
                    std::str::from_utf8(&s[k.start..k.end]).unwrap().to_string(),
                    k.rule.0,
                    k.bare,
                )
            })
            .collect();
        assert_eq!(
            keyed,
            [
                ("a@b.co".into(), 0, false),
                ("{\"street\":\"x\"}".into(), 1, true),
                ("Jo".into(), 2, false)
            ]
        );
    }

    fn keyed(s: &[u8], rules: &KeyRules) -> Vec<(String, u16)> {
        let mut p = Parsed::default();
        parse(s, &index(s), 0, rules, &mut p).unwrap();
        p.keyed
            .iter()
            .map(|k| {
                (
                    String::from_utf8_lossy(&s[k.start..k.end]).into_owned(),
                    k.rule.0,
                )
            })
            .collect()
    }

    #[test]
    fn scalars_only_keys_take_strings_numbers_and_array_elements_not_records() {
        let mut rules = KeyRules::default();
        rules.add_scalar_key("recipient", RuleId(3));
        rules.add_path("recipient.name", RuleId(4));
        let s = br#"{"recipient":"Jane Roe","r":{"recipient":{"id":"cus_1","name":"Jo Ann"}},"recipient":["A B",7,["C D"],{"id":"x"}]}"#;
        assert_eq!(
            keyed(s, &rules),
            [
                ("Jane Roe".to_string(), 3),
                ("Jo Ann".to_string(), 4),
                ("A B".to_string(), 3),
                ("7".to_string(), 3),
                ("C D".to_string(), 3),
            ]
        );
        // A key of both kinds: the first rule to claim it decides, here the whole value.
        let mut whole = KeyRules::default();
        whole.add_key("recipient", RuleId(1));
        whole.add_scalar_key("recipient", RuleId(3));
        assert_eq!(
            keyed(br#"{"recipient":{"id":"x"}}"#, &whole),
            [(r#"{"id":"x"}"#.to_string(), 1)]
        );
    }
}
