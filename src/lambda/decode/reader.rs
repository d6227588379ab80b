//! A reader for the payload JSON in the shape CloudWatch Logs writes it, without serde's per-field
//! machinery.
//!
//! Reading a 7 MB payload with serde_json's derived `Deserialize` took as long as inflating it, a
//! quarter of the Lambda path. CloudWatch Logs writes one fixed shape — compact JSON, an object of
//! known fields whose `logEvents` are objects of `id`, `timestamp` and `message` — so this reader
//! walks exactly that shape and leaves anything else to serde: an unknown or repeated key, a value
//! of another type than the field's, a number serde would read differently, an escape in a key or
//! one serde refuses, a raw control byte anywhere, trailing bytes. It returns `None` there, never
//! an error: serde then reads the payload and reports what is wrong (its errors are the ones
//! turned into messages that do not quote the payload). When it returns `Some`, the value is the
//! one serde builds, which `decode`'s tests and the `lambda_decode` fuzz target check.
//!
//! The whole payload is checked once (UTF-8, and no byte below 0x20: compact JSON has none, and
//! a string may not hold one), so each string is then cut out and copied without checks of its
//! own. Strings end at the next `"` or `\` of a 64-byte block mask (`json::structure`), which
//! costs the same however densely the JSON log lines inside messages escape their quotes.

use super::{LogData, LogEvent};
use crate::json::structure::specials_at;
use crate::scan::Isa;

/// Reads `json` as a [`LogData`], or `None` where serde must (see the module doc).
pub(super) fn log_data(json: &[u8]) -> Option<LogData> {
    let text = std::str::from_utf8(json).ok()?;
    if lowest_byte(json) < 0x20 {
        return None;
    }
    let mut r = Reader {
        json,
        text,
        at: 0,
        isa: Isa::detect(),
        block: usize::MAX,
        specials: 0,
    };
    let data = r.top_level()?;
    (r.at == json.len()).then_some(data)
}

/// The smallest byte of `bytes` (255 for none), a few dozen bytes a step: a fold with no early
/// exit, which the compiler turns into vector minimums.
fn lowest_byte(bytes: &[u8]) -> u8 {
    let mut chunks = bytes.chunks_exact(64);
    let mut low = chunks
        .by_ref()
        .fold([u8::MAX; 64], |mut low, chunk| {
            for (l, &b) in low.iter_mut().zip(chunk) {
                *l = (*l).min(b);
            }
            low
        })
        .into_iter()
        .fold(u8::MAX, u8::min);
    for &b in chunks.remainder() {
        low = low.min(b);
    }
    low
}

struct Reader<'a> {
    json: &'a [u8],
    /// `json`, checked as UTF-8: strings are cut from it at `"` and `\`, character boundaries.
    text: &'a str,
    at: usize,
    isa: Isa,
    /// Start of the 64 bytes whose `"` and `\` are the bits of `specials`.
    block: usize,
    specials: u64,
}

/// Which fields were seen, to leave a repeated key to serde (which refuses it).
#[derive(Default)]
struct Seen(u8);

impl Seen {
    /// Marks field `bit`; false when it was already seen.
    fn first(&mut self, bit: u8) -> bool {
        let new = self.0 & bit == 0;
        self.0 |= bit;
        new
    }
}

const TOP_LEVEL: [&[u8]; 6] = [
    b"owner",
    b"logGroup",
    b"logStream",
    b"subscriptionFilters",
    b"messageType",
    b"logEvents",
];

impl Reader<'_> {
    fn top_level(&mut self) -> Option<LogData> {
        let mut data = LogData::default();
        let mut seen = Seen::default();
        self.byte(b'{')?;
        loop {
            let key = self.key()?;
            match key {
                b"owner" if seen.first(1) => data.owner = self.string()?,
                b"logGroup" if seen.first(2) => data.log_group = self.string()?,
                b"logStream" if seen.first(4) => data.log_stream = self.string()?,
                b"subscriptionFilters" if seen.first(8) => {
                    data.subscription_filters = self.array(Self::string)?;
                }
                b"messageType" if seen.first(16) => data.message_type = self.string()?,
                b"logEvents" if seen.first(32) => data.log_events = self.array(Self::event)?,
                // `policyLevel` (account-level subscription policies) and whatever comes next,
                // when it is a string; other values are left to serde's `flatten`.
                _ if !TOP_LEVEL.contains(&key) => {
                    let name = String::from_utf8(key.to_vec()).ok()?;
                    let value = serde_json::Value::String(self.string()?);
                    if data.other.insert(name, value).is_some() {
                        return None;
                    }
                }
                _ => return None,
            }
            if !self.more(b'}')? {
                break;
            }
        }
        // `owner` and `subscriptionFilters` have defaults; the rest are required.
        (seen.0 | 1 | 8 == 63).then_some(data)
    }

    /// `[`, then `item`s separated by `,`, then `]`.
    fn array<T>(&mut self, item: fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut all = Vec::new();
        self.byte(b'[')?;
        if self.json.get(self.at) == Some(&b']') {
            self.at += 1;
            return Some(all);
        }
        loop {
            all.push(item(self)?);
            if !self.more(b']')? {
                return Some(all);
            }
        }
    }

    /// `{"id":…,"timestamp":…,"message":…}`, the keys in any order, `id` optional.
    fn event(&mut self) -> Option<LogEvent> {
        let mut event = LogEvent::default();
        let mut seen = Seen::default();
        self.byte(b'{')?;
        loop {
            match self.key()? {
                b"id" if seen.first(1) => event.id = self.string()?,
                b"timestamp" if seen.first(2) => event.timestamp = self.integer()?,
                b"message" if seen.first(4) => event.message = self.string()?,
                // serde ignores an event's unknown fields, whatever their value, and refuses a
                // repeated one: both are left to it.
                _ => return None,
            }
            if !self.more(b'}')? {
                break;
            }
        }
        (seen.0 | 1 == 7).then_some(event)
    }

    /// A key without escapes and the `:` after it.
    fn key(&mut self) -> Option<&[u8]> {
        let start = self.open()?;
        let end = self.special(start)?;
        if self.json[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        self.byte(b':')?;
        self.json.get(start..end)
    }

    /// A string value.
    fn string(&mut self) -> Option<String> {
        let start = self.open()?;
        let mut stop = self.special(start)?;
        if self.json[stop] == b'"' {
            self.at = stop + 1;
            return self.text.get(start..stop).map(str::to_string);
        }
        // Decoded, a string is never longer than written (`\n` is one byte of two, `\u00e9` two of
        // six), so its closing quote gives a capacity that holds it. Sized from the first escape,
        // a JSON log line's buffer (`{\"level\":…`) grew several times: reading the bench's 4 MB
        // payload took 7% more instructions.
        let mut out = String::with_capacity(self.closing_quote(stop)? - start);
        let mut from = start;
        loop {
            out.push_str(self.text.get(from..stop)?);
            if self.json[stop] == b'"' {
                self.at = stop + 1;
                return Some(out);
            }
            from = self.escape(stop + 1, &mut out)?;
            stop = self.special(from)?;
        }
    }

    /// The `"` that closes a string, from `at`, a `"` or `\` inside it: an escape's `\` and the byte
    /// after it are passed over (a `\u` escape's hex digits are neither). `None` when the JSON ends
    /// first, which [`Reader::string`] would find as well.
    fn closing_quote(&mut self, mut at: usize) -> Option<usize> {
        while self.json[at] == b'\\' {
            at = self.special(at + 2)?;
        }
        Some(at)
    }

    /// At a `"`: the position after it.
    fn open(&mut self) -> Option<usize> {
        (self.json.get(self.at) == Some(&b'"')).then_some(self.at + 1)
    }

    /// The first `"` or `\` at or after `from`, from the 64-byte block masks (each block is
    /// classified once, however many stops it holds).
    fn special(&mut self, mut from: usize) -> Option<usize> {
        loop {
            if from >= self.json.len() {
                return None;
            }
            if !(self.block..self.block.saturating_add(64)).contains(&from) {
                self.block = from;
                self.specials = specials_at(self.json, from, self.isa);
            }
            let bits = self.specials >> (from - self.block);
            if bits != 0 {
                return Some(from + bits.trailing_zeros() as usize);
            }
            from = self.block + 64;
        }
    }

    /// Decodes the escape whose letter is at `at` into `out` as serde does; the position after
    /// it, or `None` for an escape serde refuses (an unknown letter, bad hex, a lone surrogate).
    fn escape(&self, at: usize, out: &mut String) -> Option<usize> {
        let c = match *self.json.get(at)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4(at + 1)?;
                let (c, next) = match unit {
                    // A leading surrogate must be followed by an escaped trailing one.
                    0xD800..=0xDBFF => {
                        if self.json.get(at + 5..at + 7)? != b"\\u" {
                            return None;
                        }
                        let low = self.hex4(at + 7)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                        (c?, at + 11)
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => (char::from_u32(unit)?, at + 5),
                };
                out.push(c);
                return Some(next);
            }
            _ => return None,
        };
        out.push(c);
        Some(at + 1)
    }

    /// Four hex digits (either case) at `at`.
    fn hex4(&self, at: usize) -> Option<u32> {
        self.json
            .get(at..at + 4)?
            .iter()
            .try_fold(0u32, |n, &b| Some(n << 4 | char::from(b).to_digit(16)?))
    }

    /// An integer as serde reads an `i64`: `-`, then `0` or digits without a leading zero, not
    /// followed by a fraction or an exponent (serde would read a float and refuse it), in range.
    /// serde reads `-0` as a float too.
    fn integer(&mut self) -> Option<i64> {
        let start = self.at;
        let negative = self.json.get(start) == Some(&b'-');
        let digits = start + usize::from(negative);
        let n = self.json[digits..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let zero = self.json.get(digits) == Some(&b'0');
        if n == 0 || n > 19 || zero && (n > 1 || negative) {
            return None;
        }
        self.at = digits + n;
        if matches!(self.json.get(self.at), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.text.get(start..self.at)?.parse().ok()
    }

    /// After a member: `,` (true: another follows) or `close` (false).
    fn more(&mut self, close: u8) -> Option<bool> {
        let b = *self.json.get(self.at)?;
        self.at += 1;
        if b == b',' {
            Some(true)
        } else {
            (b == close).then_some(false)
        }
    }

    /// `b`, next.
    fn byte(&mut self, b: u8) -> Option<()> {
        (self.json.get(self.at) == Some(&b)).then(|| self.at += 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Payloads in the shape CloudWatch Logs writes, with what makes reading them hard: escapes of
    /// every kind, a surrogate pair, non-ASCII text, negative and extreme timestamps, unknown
    /// top-level fields, fields in another order, empty arrays and strings.
    const GOOD: &[&str] = &[
        r#"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/pay","logStream":"2026/12/05/[$LATEST]abc","subscriptionFilters":["f1","f2"],"logEvents":[{"id":"38361893580583437512094","timestamp":1764900000000,"message":"START RequestId: 1f\tjane@example.com"},{"id":"2","timestamp":-5,"message":"{\"level\":\"info\",\"msg\":\"caf\u00e9 \ud83d\ude00 \\ \/ \b\f\n\r\"}"}],"policyLevel":"ACCOUNT_LEVEL_POLICY"}"#,
        r#"{"logEvents":[{"message":"","timestamp":0},{"timestamp":9223372036854775807,"message":"a\"b","id":""},{"timestamp":-9223372036854775808,"message":"ünïcödé ✓"}],"logStream":"s","logGroup":"g","messageType":"CONTROL_MESSAGE"}"#,
        r#"{"messageType":"DATA_MESSAGE","owner":"o","logGroup":"g","logStream":"s","subscriptionFilters":[],"logEvents":[]}"#,
    ];

    fn serde(json: &[u8]) -> Option<LogData> {
        serde_json::from_slice(json).ok()
    }

    #[test]
    fn reads_what_cloudwatch_writes_as_serde_does() {
        for good in GOOD {
            let read = log_data(good.as_bytes());
            assert!(read.is_some(), "{good}");
            assert_eq!(read, serde(good.as_bytes()), "{good}");
        }
        let first = log_data(GOOD[0].as_bytes()).unwrap();
        assert_eq!(
            first.log_events[0].message,
            "START RequestId: 1f\tjane@example.com"
        );
        assert!(
            first.log_events[1]
                .message
                .contains("café 😀 \\ / \u{8}\u{c}\n\r")
        );
        assert_eq!(first.other.len(), 1);
    }

    /// Every payload one edit away from a good one (a byte deleted, doubled or replaced by a byte
    /// that matters to JSON): the reader gives serde's value or leaves it to serde, never another
    /// value. Over ten thousand cases, a few hundred of which the reader still reads.
    #[test]
    fn never_reads_what_serde_reads_differently() {
        let bytes: &[u8] = b"\"\\,:{}[] 0-.eEu9x/\x1f\x7f\xff\n";
        let (mut read, mut total) = (0, 0);
        for good in GOOD {
            let good = good.as_bytes();
            for at in 0..good.len() {
                let mut cases = vec![
                    [&good[..at], &good[at + 1..]].concat(),
                    [&good[..=at], &good[at..]].concat(),
                ];
                for &b in bytes {
                    let mut v = good.to_vec();
                    v[at] = b;
                    cases.push(v);
                }
                for case in cases {
                    total += 1;
                    if let Some(data) = log_data(&case) {
                        read += 1;
                        assert_eq!(
                            Some(data),
                            serde(&case),
                            "{}",
                            String::from_utf8_lossy(&case)
                        );
                    }
                }
            }
        }
        assert!(total > 10_000 && read > 300, "{read} of {total}");
    }

    #[test]
    fn leaves_every_other_shape_to_serde() {
        let cases = [
            // Whitespace (pretty-printed JSON), an unknown event field, a repeated key, a null, a
            // number field that serde reads as a float, an escaped key, a lone surrogate, a raw
            // control byte, trailing bytes, a missing field.
            "{ \"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logStream\":\"s\",\"logEvents\":[]}",
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[{"timestamp":1,"message":"m","extra":1}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logGroup":"h","logStream":"s","logEvents":[]}"#,
            r#"{"messageType":"DATA_MESSAGE","owner":null,"logGroup":"g","logStream":"s","logEvents":[]}"#,
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[{"timestamp":1.0,"message":"m"}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[{"timestamp":-0,"message":"m"}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[{"timestamp":1e3,"message":"m"}]}"#,
            r#"{"messageType":"DATA_MESSAGE","log\u0047roup":"g","logStream":"s","logEvents":[]}"#,
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[{"timestamp":1,"message":"\ud800"}]}"#,
            "{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logStream\":\"s\",\"logEvents\":[{\"timestamp\":1,\"message\":\"a\tb\"}]}",
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[]} x"#,
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logEvents":[]}"#,
            r#"{"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[],"policy":{"a":1}}"#,
        ];
        for case in cases {
            assert_eq!(log_data(case.as_bytes()), None, "{case}");
        }
        // Serde reads some of them, and `decode::log_data` with them.
        assert!(super::super::log_data(cases[0].as_bytes()).is_ok());
        assert!(super::super::log_data(cases[12].as_bytes()).is_ok());
    }

    #[test]
    fn lowest_byte_sees_every_position() {
        for len in [0, 1, 63, 64, 65, 200] {
            assert_eq!(
                lowest_byte(&vec![b'a'; len]),
                if len == 0 { 255 } else { b'a' }
            );
            for at in 0..len {
                let mut v = vec![b'a'; len];
                v[at] = 0x1f;
                assert_eq!(lowest_byte(&v), 0x1f, "{len} {at}");
            }
        }
    }
}
