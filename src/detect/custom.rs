//! User regex rules from rule packs.
//!
//! A rule with `triggers` runs only on the lines that hold one of them (found by one search for the
//! triggers of every rule), so adding rules costs nothing on the lines they cannot match, and a common
//! trigger costs its lines, not the whole input; a rule without triggers runs its regex over every
//! input and may match across lines (the regex crate guarantees linear time). When the regex has a capture group named `value`, only
//! that group is redacted (`employee_id=(?P<value>\d{6})`). An optional validator checks the
//! redacted text: Luhn, ABA, IBAN and the like its digits (for IBAN its alphanumerics), `basic_auth`
//! the base64 text itself, `generated` whether the text looks generated rather than chosen.

use super::Candidates;
use super::secrets::Fired;
use super::validate;
use crate::findings::RuleId;

/// Checks a user regex rule can ask for on its match: on its digits (for IBAN its alphanumerics), or
/// for `basic_auth` on the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    Luhn,
    Card,
    Aba,
    Iban,
    Nanp,
    Ssn,
    Ein,
    /// Base64 of `user:password`, as HTTP Basic, Docker's `config.json` `auth` and npm's `_auth`
    /// hold it.
    BasicAuth,
    /// Generated rather than chosen: 16 bytes or more of token bytes with letters and digits, as
    /// a value under a weak key name must be (`auth=q8Zr2LmX…`, not `auth=ok`).
    Generated,
    /// A vehicle identification number (ISO 3779), checked on the text.
    Vin,
}

impl Validator {
    const ALL: &'static [(&'static str, Validator)] = &[
        ("luhn", Validator::Luhn),
        ("card", Validator::Card),
        ("aba", Validator::Aba),
        ("iban", Validator::Iban),
        ("nanp", Validator::Nanp),
        ("ssn", Validator::Ssn),
        ("ein", Validator::Ein),
        ("basic_auth", Validator::BasicAuth),
        ("generated", Validator::Generated),
        ("vin", Validator::Vin),
    ];

    pub(crate) fn parse(name: &str) -> Option<Validator> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }

    /// The names a pack may use, for error messages.
    pub(crate) fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|(n, _)| *n).collect()
    }
}

#[derive(Clone, Debug)]
pub(crate) struct CustomRule {
    pub rule: RuleId,
    pub regex: regex::bytes::Regex,
    pub triggered: bool,
    pub validator: Option<Validator>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct CustomRules {
    /// In the same order as the trigger lists given to the secret scanner.
    rules: Vec<CustomRule>,
    /// Whether some rule's regex asks where the searched text begins or ends (`\A`, `\z`, or
    /// `(?-m)` anchors): its matches then depend on how text is cut into searches, so pieces may
    /// not be searched joined (`crate::joined`). `^` and `$` ask about line breaks (rule regexes
    /// are compiled in multi-line mode, see `pack`), which joining by line breaks keeps.
    sees_text_edges: bool,
}

impl CustomRules {
    pub fn new(rules: Vec<CustomRule>) -> CustomRules {
        let sees_text_edges = rules.iter().any(|r| sees_text_edges(r.regex.as_str()));
        CustomRules {
            rules,
            sees_text_edges,
        }
    }

    /// See the field.
    pub fn sees_text_edges(&self) -> bool {
        self.sees_text_edges
    }

    pub fn find(&self, sink: &mut Candidates<'_>, fired: &Fired) {
        for (i, r) in self.rules.iter().enumerate() {
            if r.triggered {
                for line in fired.lines(i) {
                    r.find_in(sink, line.clone());
                }
            } else {
                r.find_in(sink, 0..sink.input.len());
            }
        }
    }
}

impl CustomRule {
    /// Records the matches that lie in `window` of the input. The regex sees the input before the
    /// window (so `\b` and look-behind judge a line's first byte by what precedes it) and stops at
    /// its end.
    fn find_in(&self, sink: &mut Candidates<'_>, window: std::ops::Range<usize>) {
        let haystack = &sink.input[..window.end];
        let value_group = self.regex.capture_names().position(|n| n == Some("value"));
        let mut at = window.start;
        while at <= haystack.len() {
            let (whole, value) = match value_group {
                None => match self.regex.find_at(haystack, at) {
                    Some(m) => (m.range(), Some(m.range())),
                    None => return,
                },
                Some(g) => match self.regex.captures_at(haystack, at) {
                    Some(caps) => match caps.get(0) {
                        Some(m) => (m.range(), caps.get(g).map(|v| v.range())),
                        None => return,
                    },
                    None => return,
                },
            };
            if let Some(v) = value
                && passes(self.validator, &haystack[v.clone()])
            {
                sink.push(v.start, v.end, self.rule);
            }
            // An empty match (a pack may not match the empty string, but a regex can still match
            // empty somewhere) must not stall the search.
            at = if whole.end > whole.start {
                whole.end
            } else {
                whole.end + 1
            };
        }
    }
}

fn passes(validator: Option<Validator>, text: &[u8]) -> bool {
    match validator {
        None => true,
        Some(Validator::BasicAuth) => validate::basic_auth(text),
        Some(Validator::Generated) => super::secrets::generated(text),
        Some(Validator::Vin) => validate::vin(text),
        Some(v) => digits_pass(v, text),
    }
}

/// The validators on digits: `v` on the digits (for IBAN the alphanumerics) of `text`.
fn digits_pass(v: Validator, text: &[u8]) -> bool {
    let mut buf = [0u8; 40];
    let mut n = 0;
    for &b in text {
        let keep = if v == Validator::Iban {
            b.is_ascii_alphanumeric()
        } else {
            b.is_ascii_digit()
        };
        if keep {
            if n == buf.len() {
                return false;
            }
            buf[n] = b.to_ascii_uppercase();
            n += 1;
        }
    }
    let digits = &buf[..n];
    match v {
        Validator::Luhn => digits.len() >= 2 && validate::luhn(digits),
        Validator::Card => validate::luhn(digits) && validate::card_brand_ok(digits),
        Validator::Aba => validate::aba_routing(digits),
        Validator::Iban => {
            digits.len() >= 2
                && validate::iban_length([digits[0], digits[1]]) == Some(digits.len())
                && validate::iban_mod97(digits)
        }
        Validator::Nanp => {
            validate::nanp(digits)
                || digits.len() == 11 && digits[0] == b'1' && validate::nanp(&digits[1..])
        }
        Validator::Ssn => validate::ssn(digits),
        Validator::Ein => validate::ein(digits),
        // Not checks on digits: `passes` asks these itself.
        Validator::BasicAuth | Validator::Generated | Validator::Vin => false,
    }
}

/// Whether `pattern`, parsed as rule regexes are compiled (multi-line, CRLF), holds a look-around
/// at the start or end of the searched text. A pattern that does not parse here (it compiled, so
/// not expected) counts as one that does.
fn sees_text_edges(pattern: &str) -> bool {
    use regex_syntax::hir::Look;
    // Parsing every rule's pattern again was a seventh of start-up; a pattern that writes no `\A`,
    // no `\z` and turns multi-line mode off nowhere (`(?-m)`, `(?s-m:`) cannot ask for the text's
    // edges, and needs no parse.
    if !pattern.contains("\\A") && !pattern.contains("\\z") && !turns_multi_line_off(pattern) {
        return false;
    }
    match regex_syntax::ParserBuilder::new()
        .utf8(false)
        .multi_line(true)
        .crlf(true)
        .build()
        .parse(pattern)
    {
        Ok(hir) => {
            let looks = hir.properties().look_set();
            looks.contains(Look::Start) || looks.contains(Look::End)
        }
        Err(_) => true,
    }
}

/// Whether some flag group of `pattern` (`(?flags)` or `(?flags:`) clears `m`. Conservative: a
/// `(?` inside a class or after a backslash counts too, which only costs a parse.
fn turns_multi_line_off(pattern: &str) -> bool {
    pattern.match_indices("(?").any(|(at, _)| {
        let flags = pattern[at + 2..]
            .split([')', ':'])
            .next()
            .unwrap_or_default();
        flags
            .split_once('-')
            .is_some_and(|(_, off)| off.contains('m'))
    })
}

#[cfg(test)]
mod tests {
    use super::sees_text_edges;

    #[test]
    fn text_edges_are_the_anchors_outside_multi_line_mode() {
        for edge in [
            r"\Asecret=\w+",
            r"token=\w+\z",
            r"(?-m:^a)",
            r"(?-m)a\d$",
            r"x|\Ab",
            r"(?s-m)a$",
            r"(?i-m:^k)",
        ] {
            assert!(sees_text_edges(edge), "{edge}");
        }
        let inside = [
            r"^secret=\w+$",
            r"(?:^|[^A-Za-z0-9+/])k(?:$|[^A-Za-z0-9+/])",
            r"\bkey-\d+\b",
            r"(?-u:\xff)a",
            r"(?-u)(?i:k)(?P<value>\d+)",
        ];
        for pattern in inside {
            assert!(!sees_text_edges(pattern), "{pattern}");
        }
    }
}
