//! Detection: from the trigger positions of the first pass to candidate spans, one detector family per
//! module.
//!
//! `Detectors` is the compiled, immutable form of the enabled rules. [`Detectors::find`] runs the two
//! cheap passes over the input — the secret-prefix search and the digit/`@`/`%`/`$` bitmask scan — and
//! hands each position to the detector that owns it. Detectors push candidate spans; overlaps are left to
//! [`crate::resolve`]. Every detector does work bounded by a constant (or consumes what it scans), so a
//! whole pass stays linear in the input whatever it holds.

pub(crate) mod anchors;
pub(crate) mod at_sign;
mod buckets;
pub(crate) mod crypt;
pub(crate) mod custom;
pub(crate) mod iban;
pub(crate) mod ipv6;
pub(crate) mod keywords;
pub(crate) mod national;
pub(crate) mod numeric;
pub(crate) mod secrets;
pub(crate) mod token;
pub mod validate;

use crate::findings::{RuleId, Span};
use crate::scan::Triggers;
use keywords::{Gates, KeywordIndex};
use national::IdFormat;

/// The built-in detectors a rule can name with `detector = "..."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detector {
    Email,
    Phone,
    Card,
    Iban,
    Routing,
    Account,
    Ssn,
    Ein,
    Venmo,
    Cashtag,
    /// UPI virtual payment addresses (`name@okaxis`): see [`at_sign`].
    Upi,
    StripeKey,
    AwsAccessKey,
    Jwt,
    AuthHeader,
    UrlPassword,
    GithubToken,
    SlackToken,
    PrivateKey,
    /// Password hashes in the modular crypt format (`$2b$12$…`, `$6$salt$…`).
    PasswordHash,
    KeyValue,
    Ip,
    /// Latitude and longitude written as decimal degrees in text after a location keyword
    /// (`location: 48.858370, 2.294481`, `lat=-33.8688`): see [`numeric`].
    GeoCoordinates,
    /// Matches nothing in text: the rule acts only through its `json_keys` and `json_paths`.
    JsonKey,
    /// A national identifier format (`uk_nino`, `br_cpf`, ...): see [`crate::detect::national`].
    National(IdFormat),
}

impl Detector {
    const ALL: &'static [(&'static str, Detector)] = &[
        ("email", Detector::Email),
        ("phone", Detector::Phone),
        ("card", Detector::Card),
        ("iban", Detector::Iban),
        ("routing", Detector::Routing),
        ("account", Detector::Account),
        ("ssn", Detector::Ssn),
        ("ein", Detector::Ein),
        ("venmo", Detector::Venmo),
        ("cashtag", Detector::Cashtag),
        ("upi", Detector::Upi),
        ("stripe_key", Detector::StripeKey),
        ("aws_access_key", Detector::AwsAccessKey),
        ("jwt", Detector::Jwt),
        ("auth_header", Detector::AuthHeader),
        ("url_password", Detector::UrlPassword),
        ("github_token", Detector::GithubToken),
        ("slack_token", Detector::SlackToken),
        ("private_key", Detector::PrivateKey),
        ("password_hash", Detector::PasswordHash),
        ("key_value", Detector::KeyValue),
        ("ip", Detector::Ip),
        ("geo_coordinates", Detector::GeoCoordinates),
        ("json_key", Detector::JsonKey),
    ];

    pub(crate) fn parse(name: &str) -> Option<Detector> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, d)| d)
            .or_else(|| {
                IdFormat::ALL
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|&(_, f)| Detector::National(f))
            })
    }

    /// The names a pack may use, for error messages.
    pub(crate) fn names() -> Vec<&'static str> {
        Self::ALL
            .iter()
            .map(|(n, _)| *n)
            .chain(IdFormat::ALL.iter().map(|(n, _)| *n))
            .collect()
    }

    /// The name used in packs.
    pub fn name(self) -> &'static str {
        if let Detector::National(f) = self {
            return IdFormat::ALL
                .iter()
                .find(|(_, g)| *g == f)
                .map_or("?", |(n, _)| n);
        }
        Self::ALL
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("?", |(n, _)| n)
    }
}

/// Rule ids of the enabled built-in detectors (`None` when disabled).
#[derive(Clone, Debug, Default)]
pub(crate) struct Builtins {
    pub email: Option<RuleId>,
    pub phone: Option<RuleId>,
    pub card: Option<RuleId>,
    pub iban: Option<RuleId>,
    pub routing: Option<RuleId>,
    pub account: Option<RuleId>,
    pub ssn: Option<RuleId>,
    pub ein: Option<RuleId>,
    pub venmo: Option<RuleId>,
    pub cashtag: Option<RuleId>,
    pub geo: Option<RuleId>,
    pub upi: Option<RuleId>,
    pub url_password: Option<RuleId>,
    pub ip: Option<RuleId>,
    pub password_hash: Option<RuleId>,
}

/// Everything detection needs, compiled once and shared by all threads.
#[derive(Clone, Debug)]
pub(crate) struct Detectors {
    pub ids: Builtins,
    pub keywords: KeywordIndex,
    pub national: national::NationalIds,
    pub secrets: secrets::SecretScanner,
    pub custom: custom::CustomRules,
}

/// Where detectors put what they find.
pub(crate) struct Candidates<'a> {
    pub input: &'a [u8],
    pub spans: &'a mut Vec<Span>,
    /// The last keyword lookup: where, which gates were asked for, and which were found. A number
    /// is looked at by the national layouts and then by the US detectors, which ask about the same
    /// bytes before it.
    gates: Option<(usize, Gates, Gates)>,
}

impl<'a> Candidates<'a> {
    pub fn new(input: &'a [u8], spans: &'a mut Vec<Span>) -> Candidates<'a> {
        Candidates {
            input,
            spans,
            gates: None,
        }
    }

    /// Which of `wanted` have a keyword before `start` ([`KeywordIndex::gates_before`]), from the
    /// last lookup when it was at `start` and asked for at least as much.
    pub fn gates_before(&mut self, keywords: &KeywordIndex, start: usize, wanted: Gates) -> Gates {
        if let Some((at, asked, found)) = self.gates
            && at == start
            && asked & wanted == wanted
        {
            return found & wanted;
        }
        let found = keywords.gates_before(self.input, start, wanted);
        self.gates = Some((start, wanted, found));
        found
    }
}

impl Candidates<'_> {
    /// Records `[start, end)` for `rule`, unless it lies inside one of logscrub's own replacement tokens
    /// (`[EMAIL:3fa9c1d2]`) or is one of its masks (`postgres://app:*******@db`): logscrub's own
    /// output is never detected again, by any detector.
    pub fn push(&mut self, start: usize, end: usize, rule: RuleId) {
        if end <= start
            || end > self.input.len()
            || inside_replacement_token(self.input, start, end)
            || is_scrubbed_value(&self.input[start..end])
        {
            return;
        }
        self.spans.push(Span {
            start,
            len: end - start,
            rule,
        });
    }
}

/// Whether the byte before a candidate continues a word, so the candidate does not start one.
///
/// `]` and `*` count as word bytes because they end logscrub's own replacements (`[EMAIL]`, `****`):
/// a candidate after a replacement must be judged as it was after the word that was replaced, or a
/// second pass would find what the first did not (scrubbing must be idempotent).
pub(crate) fn word_before(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b']' || b == b'*'
}

/// Whether the byte after a candidate continues a word, so the candidate does not end one. `[` and `*`
/// count for the same reason as in [`word_before`]: they start logscrub's own replacements.
pub(crate) fn word_after(b: &u8) -> bool {
    b.is_ascii_alphanumeric() || *b == b'[' || *b == b'*'
}

/// Whether `[start, end)` is, or sits inside, `[LABEL]` or `[LABEL:hex]` as written by the rewriter.
/// The rewriter writes a value's own line breaks after its token (`[SECRET]\r` for `hunter2\r`), so
/// trailing `\r`/`\n` do not count.
fn inside_replacement_token(input: &[u8], start: usize, mut end: usize) -> bool {
    while end - start > 1 && matches!(input[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    if input[start] == b'[' && input[end - 1] == b']' {
        return is_replacement_token(&input[start + 1..end - 1]);
    }
    let mut open = start;
    let lo = start.saturating_sub(48);
    while open > lo
        && matches!(input[open - 1], b'A'..=b'Z' | b'0'..=b'9' | b'_' | b':' | b'a'..=b'f')
    {
        open -= 1;
    }
    if open == 0 || input[open - 1] != b'[' {
        return false;
    }
    // The candidate may end inside the token or take its closing `]` (a URL password after the
    // `:` of `https://[GITHUB_TOKEN:5ae7c811]@host` ends at the `@`).
    let close = if input[end - 1] == b']' {
        end - 1
    } else {
        let mut close = end;
        let hi = (end + 16).min(input.len());
        while close < hi && matches!(input[close], b'0'..=b'9' | b'a'..=b'f') {
            close += 1;
        }
        if close >= input.len() || input[close] != b']' {
            return false;
        }
        close
    };
    is_replacement_token(&input[open..close])
}

/// Whether `value` is a whole replacement token, `[LABEL]` or `[LABEL:hex]`, with the line breaks the
/// rewriter keeps after it (`[EMAIL]\r`).
pub(crate) fn is_own_token(mut value: &[u8]) -> bool {
    while let [rest @ .., b'\r' | b'\n'] = value {
        value = rest;
    }
    value.len() > 2
        && value[0] == b'['
        && value[value.len() - 1] == b']'
        && is_replacement_token(&value[1..value.len() - 1])
}

/// Whether `value` is already logscrub's own output: a whole replacement token (`[EMAIL]`,
/// `[PHONE:3fa9c1d2]`), or what `mask` and `last4` write — `*` for every other byte, the value's
/// separators kept, and at most four digits, all after the last `*` (`***-***-0132`,
/// `****@*******.***`, `**** ***`). Such a value holds nothing to redact: detecting it again would
/// make `last4` of `last4` hide the four digits it kept (scrubbing twice must change nothing), and an
/// audit of scrubbed logs would report its own masks as findings. At most four digits and no letter
/// can pass, which is what `last4` itself may show.
pub(crate) fn is_scrubbed_value(value: &[u8]) -> bool {
    if value.first() == Some(&b'[') && is_own_token(value) {
        return true;
    }
    let Some(last_star) = memchr::memrchr(b'*', value) else {
        return false;
    };
    let mut digits = 0;
    for (i, &b) in value.iter().enumerate() {
        if b.is_ascii_digit() {
            digits += 1;
            if i < last_star || digits > 4 {
                return false;
            }
        } else if b != b'*' && !crate::rewrite::keep_in_mask(b) {
            return false;
        }
    }
    true
}

/// `LABEL` or `LABEL:hex`, the inside of a replacement token.
fn is_replacement_token(inner: &[u8]) -> bool {
    let (label, hex) = match memchr::memchr(b':', inner) {
        Some(c) => (&inner[..c], Some(&inner[c + 1..])),
        None => (inner, None),
    };
    let label_ok = !label.is_empty()
        && label[0].is_ascii_uppercase()
        && label
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
    let hex_ok = hex.is_none_or(|h| {
        h.len() == crate::rewrite::HASH_HEX_LEN && h.iter().all(|b| b.is_ascii_hexdigit())
    });
    label_ok && hex_ok
}

impl Detectors {
    /// Appends every candidate span in `input` to `spans` (unsorted, possibly overlapping).
    pub fn find(&self, input: &[u8], spans: &mut Vec<Span>) {
        let mut sink = Candidates::new(input, spans);
        let fired = self.secrets.find(self, &mut sink);
        let mut triggers = Triggers::new(input);
        while let Some(pos) = triggers.next() {
            let resume = match input[pos] {
                b'@' => at_sign::at(self, &mut sink, pos),
                b'%' => at_sign::percent(self, &mut sink, pos),
                b'$' => self
                    .ids
                    .password_hash
                    .and_then(|rule| crypt::at(&mut sink, pos, rule))
                    .unwrap_or_else(|| at_sign::cashtag(self, &mut sink, pos)),
                _ => numeric::at_digit(self, &mut sink, pos),
            };
            triggers.skip_to(resume);
        }
        if let Some(rule) = self.ids.ip {
            ipv6::find(&mut sink, rule);
        }
        self.custom.find(&mut sink, &fired);
    }
}

/// A scrubber with every built-in rule on (some are off by default: IP), for the detectors' tests.
#[cfg(test)]
pub(crate) fn every_rule_on() -> crate::Scrubber {
    let mut pack = crate::Pack::builtin().expect("pack");
    let off: Vec<String> = pack
        .rules()
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| format!("[[rule]]\nid = \"{}\"\nenabled = true\n", r.id))
        .collect();
    pack.merge_str(&off.concat(), "all.toml")
        .expect("enable all");
    crate::Scrubber::new(&pack, &crate::Options::default()).expect("scrubber")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_masks_and_tokens_are_scrubbed_values() {
        for v in [
            "***-***-0132",
            "****-****-****-1111",
            "+*******0132",
            "****@*******.***",
            "**** ***",
            "****",
            "[PHONE]",
            "[EMAIL:3fa9c1d2]",
            "**/**/****",
        ] {
            assert!(is_scrubbed_value(v.as_bytes()), "{v}");
        }
        for v in [
            "415-555-0132",
            "*****01234",
            "0132****",
            "***a",
            "",
            "hunter2",
            "[email]",
        ] {
            assert!(!is_scrubbed_value(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn replacement_tokens_are_recognised() {
        let s = b"x [ACCOUNT:12345678] y [PHONE] z [nope:12345678]";
        assert!(inside_replacement_token(s, 11, 19));
        assert!(inside_replacement_token(s, 24, 29));
        assert!(!inside_replacement_token(s, 38, 46));
        // A candidate that takes the token's closing bracket.
        let url = b"https://[GITHUB_TOKEN:5ae7c811]@github.com";
        assert!(inside_replacement_token(url, 22, 31));
        assert!(!inside_replacement_token(b"https://u:5ae7c811]@h", 10, 19));
    }
}
