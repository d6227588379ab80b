//! Structured logs: key-aware scrubbing of JSON lines that keeps them valid JSON.
//!
//! Pattern detectors miss PII that has no shape — a name, a street address — but in a structured log the
//! key says what the value is. A line that holds a JSON document (from a leading `[`, or from one of
//! its first few `{`, to the end of the line: pino, structlog, zap, Lambda Powertools, or Lambda's
//! `timestamp requestId LEVEL {…}` format) is parsed by a small validating scanner, and:
//!
//! * the whole value under a sensitive key (`email`, `phoneNumber`, `customer.name`, …; see
//!   [`keys`]) is replaced, whatever its type — objects, arrays and numbers become a quoted token;
//! * every other string and number still goes through the text detectors, whose spans are clipped to
//!   the string or number they fall in, so JSON punctuation is never rewritten (key names are never
//!   replaced by key rules; only a key that is itself PII, such as an email used as a map key, is
//!   redacted inside its quotes);
//! * strings holding escapes are also scanned decoded (`jane\u0040example.com`), and spans are widened
//!   to whole escape sequences, so the output stays valid JSON.
//!
//! A line that only looks like JSON (or nests deeper than the scanner allows) is scrubbed as text: the
//! fall-back is always the full text scrub, never a pass-through.

pub(crate) mod escape;
pub(crate) mod keys;
pub(crate) mod parse;
pub(crate) mod structure;

use crate::detect::Detectors;
use crate::findings::{Findings, RuleId, Span};
use keys::KeyRules;
use parse::{NotJson, Parsed};
use structure::Quotes;

pub(crate) use keys::normalize as normalize_key;

/// Whether lines holding JSON are scrubbed structurally.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JsonMode {
    /// Every line is text.
    Off,
    /// A line holding a JSON document (starting with `{` or `[`, or text followed by `{…}` to the end of
    /// the line) is scrubbed as JSON; any other line, or a line whose JSON is invalid, as text.
    #[default]
    Auto,
    /// Forced: every line is expected to hold a JSON document and is scrubbed as in `Auto`, but a
    /// non-blank line that does not parse is counted in
    /// [`Findings::not_json_lines`](crate::Findings::not_json_lines), so a pipeline learns that key
    /// rules (names, addresses) did not apply to it. Such a line is still scrubbed as text: forcing
    /// never lets a line through unscrubbed.
    On,
}

impl JsonMode {
    pub fn parse(name: &str) -> Option<JsonMode> {
        match name {
            "off" => Some(JsonMode::Off),
            "auto" => Some(JsonMode::Auto),
            "on" => Some(JsonMode::On),
            _ => None,
        }
    }
}

thread_local! {
    /// Buffers reused across lines and calls on one thread: the Lambda scrubs one event per call.
    pub(crate) static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Buffers reused across lines and calls.
#[derive(Default)]
pub(crate) struct Scratch {
    /// The text detectors' spans over a whole input, and those of one line.
    pub text: Vec<Span>,
    pub piece: Vec<Span>,
    parsed: Parsed,
    quotes: Quotes,
    decoded: Vec<u8>,
    map: Vec<usize>,
    sub: Vec<Span>,
    /// A JSON document inside an escaped string, parsed (see `find_line`).
    nested: Parsed,
    nested_quotes: Quotes,
}

/// How many `{` positions are tried as the start of a line's document.
const MAX_STARTS: usize = 4;

/// The first start (a leading `{` or `[`, else one of the first `MAX_STARTS` `{`) from which the rest
/// of the line parses as one JSON document. Trying a few keeps `token=x{… {"json": …}` structured, and
/// bounds the work to a few passes over the line.
fn parse_from_some_start(
    line: &[u8],
    quotes: &Quotes,
    keys: &KeyRules,
    parsed: &mut Parsed,
) -> Result<usize, NotJson> {
    let first = line.iter().position(|&b| !is_blank(b)).ok_or(NotJson)?;
    if line[first] == b'[' && parse::parse(line, quotes, first, keys, parsed).is_ok() {
        return Ok(first);
    }
    for start in memchr::memchr_iter(b'{', &line[first..]).take(MAX_STARTS) {
        if parse::parse(line, quotes, first + start, keys, parsed).is_ok() {
            return Ok(first + start);
        }
    }
    Err(NotJson)
}

/// Whether `line` may be scrubbed as JSON: cheap, so text lines skip the JSON path.
pub(crate) fn may_be_json(line: &[u8]) -> bool {
    memchr::memchr(b'{', line).is_some() || line.iter().find(|&&b| !is_blank(b)) == Some(&b'[')
}

/// JSON's whitespace within a line (the one test of it here, in settling and in the scrubber): a
/// line that starts with a carriage return (after a stray CR, or an LF-CR break) is still a
/// document.
pub(crate) fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

/// The lines of an input, each with whether it [may be JSON](may_be_json): every line, or only
/// those that may be (`every` false), found without visiting the others one by one: from one `{`
/// or `[` to the next, a line is cut only around those that qualify. Lines are `(start, end)`,
/// the line break excluded, as the input's lines split at `\n`.
pub(crate) struct Lines<'a> {
    input: &'a [u8],
    every: bool,
    /// Where the search goes on, and the start of the line it is in.
    pos: usize,
    line: usize,
    /// A line in which a `[` was found not to start the line: no later `[` of it does either.
    bracket_ruled_out: Option<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(input: &'a [u8], every: bool) -> Lines<'a> {
        Lines {
            input,
            every,
            pos: 0,
            line: 0,
            bracket_ruled_out: None,
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = (usize, usize, bool);

    fn next(&mut self) -> Option<(usize, usize, bool)> {
        let input = self.input;
        let line_end =
            |from: usize| memchr::memchr(b'\n', &input[from..]).map_or(input.len(), |i| from + i);
        if self.every {
            let start = self.pos;
            if start >= input.len() {
                return None;
            }
            let end = line_end(start);
            self.pos = end + 1;
            return Some((start, end, may_be_json(&input[start..end])));
        }
        while self.pos < input.len() {
            // On a line whose `[` was ruled out only a `{` can make it JSON: its other `[` are
            // passed over in the same search as the rest of the line, not one call each.
            let ruled_out = self.bracket_ruled_out == Some(self.line);
            let rest = &input[self.pos..];
            let found = if ruled_out {
                memchr::memchr2(b'{', b'\n', rest)
            } else {
                memchr::memchr2(b'{', b'[', rest)
            };
            let Some(i) = found else {
                self.pos = input.len();
                break;
            };
            let at = self.pos + i;
            if input[at] == b'\n' {
                self.pos = at + 1;
                self.line = at + 1;
                continue;
            }
            if let Some(j) = memchr::memrchr(b'\n', &input[self.pos..at]) {
                self.line = self.pos + j + 1;
            }
            self.pos = at + 1;
            let start = self.line;
            // A `{` anywhere; a `[` only as the line's first byte that is not blank
            // (checked once per line: a `[` that is not first makes every later one not first,
            // and the search above no longer stops at them).
            if input[at] == b'[' && !input[start..at].iter().all(|&b| is_blank(b)) {
                self.bracket_ruled_out = Some(start);
                continue;
            }
            let end = line_end(at);
            self.pos = end + 1;
            self.line = end + 1;
            return Some((start, end, true));
        }
        None
    }
}

/// Whether parsing `line` (indexed by `quotes`) as JSON could add nothing to a line in which the
/// text detectors found nothing: it holds no backslash (so no escaped string to scan decoded, and
/// every `"` delimits a string) and no key any key rule may claim. With no text span to clip and no
/// keyed value, parsing would add nothing whether the line parses or not.
///
/// Keys are found without parsing: in a line without backslashes, a key's closing quote is a `"`
/// followed by optional blanks and `:`, and its opening quote is the `"` before it. Every key is
/// among these candidates (a string value that starts with `:` adds a harmless false one).
///
/// A key that may be claimed but holds a string that is empty or already scrubbed (`"[EMAIL]"`,
/// `"***-***-0132"`) claims nothing either: parsing would skip that value. That is the line as
/// settling checks it after its keyed values were replaced, which would otherwise be parsed
/// again only to find its own tokens.
fn keys_claim_nothing(line: &[u8], quotes: &Quotes, keys: &KeyRules) -> bool {
    if quotes.has_backslash() {
        return false;
    }
    let mut open = None;
    // The quote words walked by hand, and the byte after each quote read before any search for
    // the next one that is not blank: most quotes of a compact line are followed by `,`, `:` or a
    // letter, and this loop runs for every quote of every JSON line.
    for (word, &bits) in quotes.words().iter().enumerate() {
        let mut bits = bits;
        while bits != 0 {
            let q = word * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let key_end = match line.get(q + 1) {
                Some(b':') => true,
                Some(&b) if is_blank(b) => {
                    line[q + 1..].iter().find(|&&b| !is_blank(b)) == Some(&b':')
                }
                _ => false,
            };
            if key_end
                && let Some(start) = open
                && keys.may_apply_raw(&line[start + 1..q])
                && !holds_nothing(line, quotes, q)
            {
                return false;
            }
            open = Some(q);
        }
    }
    true
}

/// Whether the value after the key whose closing quote is at `key_end` is a string that is empty or
/// already scrubbed (see [`keys_claim_nothing`]; the line has no backslash, so the string's quotes
/// are the next two). Out of line: it is rarely reached, and inlined it made the loop over every
/// quote of every JSON line slower.
#[inline(never)]
fn holds_nothing(line: &[u8], quotes: &Quotes, key_end: usize) -> bool {
    let mut blanks_and_colon = line[key_end + 1..]
        .iter()
        .enumerate()
        .skip_while(|&(_, &b)| is_blank(b) || b == b':');
    let Some((i, b'"')) = blanks_and_colon.next() else {
        return false;
    };
    let open = key_end + 1 + i;
    quotes.next(open + 1).is_some_and(|close| {
        let value = &line[open + 1..close];
        value.is_empty() || crate::detect::is_scrubbed_value(value)
    })
}

/// Finds the spans of `line` (at offset `base` of the input) as JSON, given the text detectors' spans
/// within it (`text`, absolute offsets). Returns `Err` and adds nothing when the line is not JSON.
/// Unless the caller must `know_if_json`, a line for which parsing could add nothing (no text span,
/// no backslash, no key a key rule may claim: see [`keys_claim_nothing`]) is not parsed, and `Ok`
/// says only that nothing is to be added.
/// Spans whose replacement must be quoted (they replace a number, object or array) have their start
/// recorded in `found.quoted`. The text spans come already judged by the allow-list; the spans this adds
/// (keyed values, escaped strings decoded) are judged here by `allows` (whether a value of a rule
/// is kept: the scrubber's allow-list, which this module knows only as that question), and everything inside a value under a
/// kept key moves to `found.allowed`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn find_line(
    det: &Detectors,
    keys: &KeyRules,
    allows: &dyn Fn(&[u8], RuleId) -> bool,
    line: &[u8],
    base: usize,
    text: &[Span],
    found: &mut Findings,
    scratch: &mut Scratch,
    know_if_json: bool,
) -> Result<(), NotJson> {
    scratch.quotes.index(line);
    if !know_if_json && text.is_empty() && keys_claim_nothing(line, &scratch.quotes, keys) {
        return Ok(());
    }
    let start = parse_from_some_start(line, &scratch.quotes, keys, &mut scratch.parsed)?;
    let tokens = &scratch.parsed.scalars;
    let first_new = found.spans.len();
    let first_quoted = found.quoted.len();
    let (spans, quoted, allowed) = (&mut found.spans, &mut found.quoted, &mut found.allowed);
    let mut push = |s: usize, e: usize, rule, bare: bool| {
        // Clipping can cut a span down to one of logscrub's own tokens, which must stay as it is.
        if e > s && !crate::detect::is_own_token(&line[s..e]) {
            spans.push(Span {
                start: base + s,
                len: e - s,
                rule,
            });
            if bare {
                quoted.push(base + s);
            }
        }
    };

    // The text detectors' spans (run over the whole input, so keys gave context to keyword-gated
    // numbers), clipped to the prefix before the document and to the strings and numbers inside it.
    for sp in text {
        let (mut s, e) = (sp.start - base, sp.end() - base);
        if s < start {
            // Before the document: but a span over blanks alone (a line of an unterminated key
            // block that is a JSON document, its indentation) hides nothing, and a token there
            // would make the line no longer JSON.
            if line[s..e.min(start)]
                .iter()
                .any(|b| !b.is_ascii_whitespace())
            {
                push(s, e.min(start), sp.rule, false);
            }
            s = start;
        }
        let mut i = tokens.partition_point(|t| t.end <= s);
        while i < tokens.len() && tokens[i].start < e {
            let t = tokens[i];
            if t.string {
                let (a, b) = (s.max(t.start), e.min(t.end));
                if a < b {
                    let (a, b) = if t.escaped {
                        let (x, y) = escape::widen_to_escapes(
                            &line[t.start..t.end],
                            a - t.start,
                            b - t.start,
                        );
                        (t.start + x, t.start + y)
                    } else {
                        (a, b)
                    };
                    push(a, b, sp.rule, false);
                }
            } else {
                // Part of a number cannot be replaced inside the number: the whole number becomes a string.
                push(t.start, t.end, sp.rule, true);
            }
            i += 1;
        }
    }

    // What the rest finds is judged by the allow-list first: kept values move to `found.allowed`.
    let mut place = |s: usize, e: usize, value: &[u8], rule: RuleId, bare: bool| {
        if allows(value, rule) {
            allowed.push(Span {
                start: base + s,
                len: e - s,
                rule,
            });
        } else {
            push(s, e, rule, bare);
        }
    };

    // Escaped strings, scanned again decoded.
    for t in tokens.iter().filter(|t| t.escaped) {
        let raw = &line[t.start..t.end];
        escape::decode(raw, &mut scratch.decoded, &mut scratch.map);
        scratch.sub.clear();
        det.find(&scratch.decoded, &mut scratch.sub);
        for sp in &scratch.sub {
            let (a, b) = escape::raw_range(&scratch.map, raw.len(), sp.start, sp.end());
            let value = &scratch.decoded[sp.start..sp.end()];
            place(t.start + a, t.start + b, value, sp.rule, false);
        }
        // A JSON document logged as a string (`"message":"{\"customer\":{\"name\":...}}"`):
        // its values under sensitive keys go as they would in the document itself. One level
        // deep, and a replaced number or object is written unquoted (inside the string a quote
        // would need escaping), so the inner document may no longer parse, which leaves it
        // scrubbed: what was under a sensitive key is gone either way.
        if scratch
            .decoded
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'{' || b == b'[')
        {
            scratch.nested_quotes.index(&scratch.decoded);
            if parse_from_some_start(
                &scratch.decoded,
                &scratch.nested_quotes,
                keys,
                &mut scratch.nested,
            )
            .is_ok()
            {
                for k in &scratch.nested.keyed {
                    let value = &scratch.decoded[k.start..k.end];
                    if !k.bare && crate::detect::is_scrubbed_value(value) {
                        continue;
                    }
                    let (a, b) = escape::raw_range(&scratch.map, raw.len(), k.start, k.end);
                    place(t.start + a, t.start + b, value, k.rule, false);
                }
            }
        }
    }

    for k in &scratch.parsed.keyed {
        let value = &line[k.start..k.end];
        // Already scrubbed (a replacement token or a mask): leave it, so scrubbing twice changes nothing.
        let done = !k.bare && crate::detect::is_scrubbed_value(value);
        if done {
            continue;
        }
        place(k.start, k.end, value, k.rule, k.bare);
    }

    // Values under kept keys: whatever was found inside them stays.
    let kept = &mut scratch.parsed.kept;
    if !kept.is_empty() {
        // Kept ranges nest or are disjoint (they are JSON values): merged, the outermost remain,
        // sorted and disjoint, so one binary search places each span.
        kept.sort_unstable();
        let mut merged = 0;
        for i in 1..kept.len() {
            if kept[i].0 < kept[merged].1 {
                kept[merged].1 = kept[merged].1.max(kept[i].1);
            } else {
                merged += 1;
                kept[merged] = kept[i];
            }
        }
        kept.truncate(merged + 1);
        let holding = |at: usize| {
            let i = kept.partition_point(|&(start, _)| start <= at);
            i.checked_sub(1).map(|i| kept[i])
        };
        let tail = found.spans.split_off(first_new);
        for sp in tail {
            let (a, b) = (sp.start - base, sp.end() - base);
            if holding(a).is_some_and(|(_, end)| b <= end) {
                found.allowed.push(sp);
            } else {
                found.spans.push(sp);
            }
        }
        let tail = found.quoted.split_off(first_quoted);
        found.quoted.extend(
            tail.into_iter()
                .filter(|&q| holding(q - base).is_none_or(|(_, end)| q - base >= end)),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{KeyRules, Lines, Quotes, keys_claim_nothing, may_be_json};
    use crate::findings::RuleId;

    /// A key a rule may claim makes the line worth parsing unless its value is a string that is
    /// empty or already scrubbed: the rewritten line that settling checks is not parsed again.
    #[test]
    fn keys_holding_scrubbed_strings_claim_nothing() {
        let mut keys = KeyRules::default();
        keys.add_key("email", RuleId(1));
        keys.add_key("card", RuleId(2));
        let claims = |line: &str| {
            let mut quotes = Quotes::default();
            quotes.index(line.as_bytes());
            !keys_claim_nothing(line.as_bytes(), &quotes, &keys)
        };
        for line in [
            r#"{"email":"a@b.co","ts":1}"#,
            r#"{"ts":1, "email" : "x"}"#,
            r#"{"email":"[EMAIL]x"}"#,
            r#"{"email":"[EMAIL]","card":"4111"}"#,
            r#"{"card":4111111111111111}"#,
            r#"{"card":{"number":"[CARD]"}}"#,
            r#"{"card":["[CARD]"]}"#,
            // A backslash: every line is parsed.
            r#"{"email":"[EMAIL]","note":"a\"b"}"#,
        ] {
            assert!(claims(line), "{line}");
        }
        for line in [
            r#"{"email":"[EMAIL]","ts":1}"#,
            r#"{"email" : "[EMAIL:3fa9c1d2]", "card": "****-****-****-1111"}"#,
            r#"{"email":"","level":"info"}"#,
            r#"{"user":"x","level":"info"}"#,
        ] {
            assert!(!claims(line), "{line}");
        }
        // Keys and their quotes on both sides of every 64-byte word boundary of the quote index,
        // and a tab before the colon.
        for pad in 0..140 {
            let filler = "x".repeat(pad);
            let line = format!(r#"{{"{filler}":1,"email"	:"a@b.co"}}"#);
            assert!(claims(&line), "{line}");
            let line = format!(r#"{{"{filler}":1,"email":"[EMAIL]","mail":"a@b.co"}}"#);
            assert!(!claims(&line), "{line}");
        }
    }

    /// The lines as split at `\n`, each with whether it may be JSON: what `Lines` must give.
    fn every_line(input: &[u8]) -> Vec<(usize, usize, bool)> {
        let mut lines = Vec::new();
        let mut start = 0;
        while start < input.len() {
            let end = memchr::memchr(b'\n', &input[start..]).map_or(input.len(), |i| start + i);
            lines.push((start, end, may_be_json(&input[start..end])));
            start = end + 1;
        }
        lines
    }

    /// Both ways of listing lines agree with splitting at `\n`: every line, and only those that
    /// may be JSON, on texts built from the bytes that decide it (`{`, `[`, blanks, line breaks).
    #[test]
    fn lines_that_may_be_json_are_found_without_visiting_the_others() {
        let alphabet = b"{[ \t\nx]\r";
        let mut rng = crate::test_rand::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut checked = 0;
        for n in 0..20_000 {
            let mut text = Vec::new();
            for _ in 0..n % 24 {
                text.push(alphabet[rng.below(alphabet.len())]);
            }
            let want = every_line(&text);
            assert_eq!(
                Lines::new(&text, true).collect::<Vec<_>>(),
                want,
                "{text:?}"
            );
            let json: Vec<_> = want.into_iter().filter(|l| l.2).collect();
            checked += json.len();
            assert_eq!(
                Lines::new(&text, false).collect::<Vec<_>>(),
                json,
                "{text:?}"
            );
        }
        assert!(checked > 10_000, "{checked}");
        // A `[` after other bytes, then one that starts the next line; a `{` after a ruled-out `[`.
        let text = b"x [a] [b]\n  [c\nq [ {\n";
        let found: Vec<_> = Lines::new(text, false).map(|(s, e, _)| (s, e)).collect();
        assert_eq!(found, vec![(10, 14), (15, 20)]);
        // A long run of `[` after a word, then lines that start with one and hold a `{`.
        let mut text = b"x".to_vec();
        text.extend(std::iter::repeat_n(b'[', 100_000));
        text.extend_from_slice(b"\n[1]\nz[{\n\n");
        let found: Vec<_> = Lines::new(&text, false).map(|(s, e, _)| (s, e)).collect();
        assert_eq!(found, vec![(100_002, 100_005), (100_006, 100_009)]);
    }
}
