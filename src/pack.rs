//! Rule packs: the TOML files that say which rules run, how they are cued and how they are replaced.
//!
//! A pack is data, not code. The built-in pack (`patterns/default.toml`) is embedded in the binary and
//! names the built-in detectors (fast hand-written scanners); a user pack layered on top can retune a
//! built-in rule (enable it, change its style, label or keywords) or add rules of its own, either as a
//! regular expression (optionally cued by literal triggers and checked by a validator) or as a
//! `key_value` rule that redacts the value after a list of key names.
//!
//! Everything that can be wrong with a pack is reported when it is loaded, with the file and line:
//! unknown fields, unknown detectors and validators, regex syntax errors, regexes too big to compile.
//! Nothing is left to fail at the first match.
//!
//! ```
//! use logscrub::Pack;
//! let mut pack = Pack::builtin().unwrap();
//! pack.merge_str("[[rule]]\nid = \"EMPLOYEE_ID\"\nregex = 'EMP-[0-9]{6}'\ntriggers = [\"EMP-\"]\n", "extra.toml")
//!     .unwrap();
//! assert!(pack.rules().iter().any(|r| r.id == "EMPLOYEE_ID"));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

pub use crate::detect::Detector;
pub use crate::detect::custom::Validator;
pub use crate::detect::national::IdFormat;
pub use crate::detect::token::{Alphabet, Checksum, TokenShape};
pub use crate::rewrite::Style;

/// The built-in rule pack, embedded at compile time.
pub const DEFAULT_PACK: &str = include_str!("../patterns/default.toml");

/// Vendor credentials (`detector = "token"` rules), embedded too and merged after the default pack.
pub const CREDENTIALS_PACK: &str = include_str!("../patterns/credentials.toml");

/// The built-in national and US identifier rules (`patterns/identifiers.toml`), merged after the
/// credentials.
pub const IDENTIFIERS_PACK: &str = include_str!("../patterns/identifiers.toml");

/// The three built-in packs as the binaries load them: cut of their `examples` and
/// `counterexamples` by `build.rs` (newlines kept, so origins name the lines of `patterns/`).
/// Parsing the proofs at every start was most of the Lambda extension's init; only tests read them.
const BUILTIN_PACKS: [(&str, &str); 3] = [
    (
        include_str!(concat!(env!("OUT_DIR"), "/default.toml")),
        "patterns/default.toml",
    ),
    (
        include_str!(concat!(env!("OUT_DIR"), "/credentials.toml")),
        "patterns/credentials.toml",
    ),
    (
        include_str!(concat!(env!("OUT_DIR"), "/identifiers.toml")),
        "patterns/identifiers.toml",
    ),
];

/// Regexes in user packs are compiled with this size limit, so a pathological pattern is refused at
/// load time with a clear error instead of eating memory.
const USER_REGEX_SIZE_LIMIT: usize = 2 << 20;

/// Why a pack's regex (a rule's or an allow entry's) was refused.
enum UserRegexError {
    /// It does not parse, or compiles past [`USER_REGEX_SIZE_LIMIT`].
    Invalid(regex::Error),
    /// It matches the empty string: as a rule it would redact nothing, as an allow entry it
    /// would allow every value.
    MatchesEmpty,
}

/// What a pack's regex is matched against.
#[derive(Clone, Copy)]
enum RegexUse {
    /// Log lines (a rule's regex): `^` and `$` match at line starts and ends (multi-line mode,
    /// `\r\n` taken as one line break). Outside that mode they would match only where the searched
    /// text begins and ends, which is wherever the input happens to be cut into searches (a CLI
    /// chunk of many lines, one Lambda event): `(?:^|[^A-Za-z0-9+/])key` missed a key at the start
    /// of every line but a search's first.
    Lines,
    /// One candidate value (an allow entry's regex): `^…$` asks for all of it.
    Value,
}

/// Compiles a regex from a pack, within the size limit, refusing one that matches nothing at all.
fn user_regex(pattern: &str, against: RegexUse) -> Result<regex::bytes::Regex, UserRegexError> {
    let lines = matches!(against, RegexUse::Lines);
    let regex = regex::bytes::RegexBuilder::new(pattern)
        .multi_line(lines)
        .crlf(lines)
        .size_limit(USER_REGEX_SIZE_LIMIT)
        .dfa_size_limit(USER_REGEX_SIZE_LIMIT)
        .build()
        .map_err(UserRegexError::Invalid)?;
    if regex.is_match(b"") {
        return Err(UserRegexError::MatchesEmpty);
    }
    Ok(regex)
}

/// What kind of data a rule finds: how `--list-rules` and the README group the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Family {
    /// Emails, phone numbers, payout handles.
    Contact,
    /// Card numbers and security codes.
    Payment,
    /// Bank accounts, IBANs, routing numbers.
    Bank,
    /// Government identifiers: SSN, EIN, national ids.
    Identifier,
    /// Names, addresses, dates of birth.
    Personal,
    /// API keys, tokens, passwords, private keys.
    Credential,
    /// Network identifiers (IP addresses).
    Network,
    /// Cryptocurrency addresses: public, but they tie payments to a person.
    Crypto,
    /// A user rule that did not say.
    Other,
}

impl Family {
    const ALL: &'static [(&'static str, Family)] = &[
        ("contact", Family::Contact),
        ("payment", Family::Payment),
        ("bank", Family::Bank),
        ("identifier", Family::Identifier),
        ("personal", Family::Personal),
        ("credential", Family::Credential),
        ("network", Family::Network),
        ("crypto", Family::Crypto),
        ("other", Family::Other),
    ];

    fn parse(name: &str) -> Option<Family> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    /// The name used in packs and listings.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("other", |(n, _)| n)
    }
}

/// Whether a rule fires only after one of its keywords.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeywordNeed {
    /// Its shape (with its check) is enough.
    No,
    /// Its weak forms need a keyword (a bare nine-digit SSN), its distinctive ones do not.
    SomeForms,
    /// Every match needs a keyword before it.
    Always,
}

impl KeywordNeed {
    /// The word used in listings.
    pub fn name(self) -> &'static str {
        match self {
            KeywordNeed::No => "no",
            KeywordNeed::SomeForms => "some forms",
            KeywordNeed::Always => "yes",
        }
    }
}

impl RuleSpec {
    /// Whether the rule needs a keyword, from what its detector does with its `keywords`.
    pub fn keyword_need(&self) -> KeywordNeed {
        match &self.matcher {
            Matcher::Builtin(Detector::National(f)) => {
                let (alone, layouts) = f.layouts_alone();
                if alone == 0 {
                    KeywordNeed::Always
                } else if alone == layouts {
                    KeywordNeed::No
                } else {
                    KeywordNeed::SomeForms
                }
            }
            Matcher::Builtin(
                Detector::Routing
                | Detector::Account
                | Detector::Venmo
                | Detector::Cashtag
                | Detector::GeoCoordinates,
            ) => KeywordNeed::Always,
            Matcher::Builtin(Detector::Phone | Detector::Ssn | Detector::Ein | Detector::Card) => {
                KeywordNeed::SomeForms
            }
            _ => KeywordNeed::No,
        }
    }
}

/// What a rule uses to find values.
#[derive(Clone, Debug)]
pub enum Matcher {
    /// A built-in detector.
    Builtin(Detector),
    /// `detector = "token"`: one of `prefixes`, then a body of `shape`.
    Token {
        prefixes: Vec<String>,
        shape: TokenShape,
    },
    /// A user regex, run only on inputs that hold one of `triggers` (or on every input without triggers).
    Regex {
        regex: regex::bytes::Regex,
        triggers: Vec<String>,
        validator: Option<Validator>,
    },
}

/// One rule after loading and merging: everything the scrubber needs to compile it.
#[derive(Clone, Debug)]
pub struct RuleSpec {
    /// Upper-case identifier, e.g. `EMAIL`; used on the command line and in reports.
    pub id: String,
    /// What `label` style writes, e.g. `EMAIL` gives `[EMAIL]`.
    pub label: String,
    pub description: String,
    pub enabled: bool,
    pub style: Style,
    /// Whether the `last4` style may show this rule's last four digits (`****-****-****-1111`):
    /// only for numbers that people identify by them (cards, bank accounts, phones). For every other
    /// rule `last4` writes what `mask` writes, since the "last four" of a date of birth, a name or a
    /// key would reveal part of what it hides.
    pub last4: bool,
    pub matcher: Matcher,
    /// Words that must appear shortly before a value for keyword-gated detectors (bare 9-digit runs etc.).
    pub keywords: Vec<String>,
    /// Keys that must stand right before the value (`to=`, `"from": `), for short, common words.
    pub adjacent_keywords: Vec<String>,
    /// Key names for `key_value` rules, snake_case; case variants are derived from them.
    pub key_names: Vec<String>,
    /// JSON keys whose whole value this rule replaces, whatever its type (`email`, `phone_number`);
    /// matched ignoring case, `_`, `-` and spaces, so `phoneNumber` and `Phone-Number` count.
    pub json_keys: Vec<String>,
    /// JSON keys whose value this rule replaces when it is a string or a number (or an array of
    /// them); an object under such a key is a record whose fields are judged by their own keys
    /// (`"recipient":"Jane Roe"` is a name, `"recipient":{"id":…,"name":…}` keeps its id).
    pub json_scalar_keys: Vec<String>,
    /// Dotted key paths, matched against the end of a value's path (`customer.name` catches
    /// `{"customer":{"name":…}}` at any depth; array levels are transparent).
    pub json_paths: Vec<String>,
    /// Where the rule was last defined or changed, `file:line`.
    pub origin: String,
    /// Defined (not only retuned) by a user pack: such a rule wins overlaps with built-in ones.
    pub user_defined: bool,
    pub family: Family,
    /// Log snippets the rule must find something in, and snippets it must leave alone: the pack's
    /// own proof of each rule, run by the test suite.
    pub examples: Vec<String>,
    pub counterexamples: Vec<String>,
}

/// Pack-wide settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How many bytes before a candidate are searched for its keywords.
    pub keyword_window: usize,
}

/// A loaded, validated rule pack: the built-in one plus any user packs merged on top.
#[derive(Clone, Debug)]
pub struct Pack {
    rules: Vec<RuleSpec>,
    settings: Settings,
    allow: Vec<AllowSpec>,
}

/// A pack that could not be loaded: which file, which line, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    /// 1-based; 0 when the problem has no line (the file could not be read).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for PackError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    settings: Option<SettingsFile>,
    #[serde(default)]
    rule: Vec<Spanned<RuleFile>>,
    #[serde(default)]
    allow: Vec<Spanned<AllowFile>>,
}

/// One `[[allow]]` table as written: `values` and/or `regex` (optionally limited to `rules`), or
/// `keys`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowFile {
    values: Option<Vec<Spanned<String>>>,
    regex: Option<Spanned<String>>,
    rules: Option<Vec<Spanned<String>>>,
    keys: Option<Vec<Spanned<String>>>,
}

/// Detected values a policy keeps: one `[[allow]]` entry of a pack, validated (its compiled form
/// is the scrubber's `allow::AllowList`).
///
/// An entry only ever spares a whole detected value, never part of one: a value another rule
/// also detects, or that sits inside a longer detected value, is still redacted by that one.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AllowSpec {
    /// Exact detected values. For rules on numbers (cards, phones, accounts…) only the digits are
    /// compared (`4242 4242 4242 4242` also spares `4242-4242-4242-4242`); for emails, case is
    /// ignored; otherwise the bytes must be equal.
    pub values: Vec<String>,
    /// Searched in the detected value (anchor it with `^…$` to ask for all of it).
    pub regex: Option<regex::bytes::Regex>,
    /// The rules `values` and `regex` apply to; empty means every rule.
    pub rules: Vec<String>,
    /// JSON keys or dotted key paths whose values are not scanned at all.
    pub keys: Vec<String>,
    /// `file:line` of the entry.
    pub origin: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    keyword_window: Option<Spanned<i64>>,
}

/// The three lists of JSON keys a rule may carry, checked alike.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyList {
    Keys,
    ScalarKeys,
    Paths,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: Spanned<String>,
    label: Option<Spanned<String>>,
    description: Option<String>,
    enabled: Option<bool>,
    style: Option<Spanned<String>>,
    last4: Option<bool>,
    detector: Option<Spanned<String>>,
    regex: Option<Spanned<String>>,
    triggers: Option<Spanned<Vec<String>>>,
    validator: Option<Spanned<String>>,
    keywords: Option<Vec<String>>,
    adjacent_keywords: Option<Vec<String>>,
    key_names: Option<Vec<Spanned<String>>>,
    json_keys: Option<Vec<Spanned<String>>>,
    json_scalar_keys: Option<Vec<Spanned<String>>>,
    json_paths: Option<Vec<Spanned<String>>>,
    family: Option<Spanned<String>>,
    examples: Option<Vec<String>>,
    counterexamples: Option<Vec<String>>,
    // `detector = "token"`:
    prefixes: Option<Spanned<Vec<String>>>,
    alphabet: Option<Spanned<String>>,
    min_len: Option<Spanned<i64>>,
    max_len: Option<Spanned<i64>>,
    checksum: Option<Spanned<String>>,
    extra: Option<Spanned<String>>,
    keep_prefix: Option<Spanned<bool>>,
    generated: Option<Spanned<bool>>,
}

fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn is_rule_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && s.as_bytes()[0].is_ascii_uppercase()
}

impl Pack {
    /// The built-in packs (default, credentials, identifiers), without the rules' `examples` and
    /// `counterexamples`, which nothing reads at run time (see [`Pack::builtin_with_examples`]).
    pub fn builtin() -> Result<Pack, PackError> {
        let mut pack = Pack::empty();
        for (src, file) in BUILTIN_PACKS {
            pack.merge(src, file, true)?;
        }
        Ok(pack)
    }

    /// The built-in packs with every rule's `examples` and `counterexamples`, as `patterns/` holds
    /// them: the rules' proofs, for tests. Otherwise the same as [`Pack::builtin`].
    pub fn builtin_with_examples() -> Result<Pack, PackError> {
        let mut pack = Pack::empty();
        pack.merge(DEFAULT_PACK, "patterns/default.toml", true)?;
        pack.merge(CREDENTIALS_PACK, "patterns/credentials.toml", true)?;
        pack.merge(IDENTIFIERS_PACK, "patterns/identifiers.toml", true)?;
        Ok(pack)
    }

    /// An empty pack with default settings, for packs that stand alone.
    pub fn empty() -> Pack {
        Pack {
            rules: Vec::new(),
            settings: Settings { keyword_window: 32 },
            allow: Vec::new(),
        }
    }

    /// Reads a pack file and merges it on top of this one.
    pub fn merge_file(&mut self, path: &Path) -> Result<(), PackError> {
        let name = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| PackError {
            file: name.clone(),
            line: 0,
            message: format!("cannot read rule pack: {e}"),
        })?;
        self.merge_str(&src, &name)
    }

    /// Merges pack source text on top of this pack. `file` names it in errors.
    ///
    /// A rule whose `id` already exists changes only the fields it sets; a new id adds a rule, which
    /// must say how it matches (`regex`, or `detector = "key_value"` with `key_names`). On error the pack
    /// is left unchanged.
    pub fn merge_str(&mut self, src: &str, file: &str) -> Result<(), PackError> {
        self.merge(src, file, false)
    }

    fn merge(&mut self, src: &str, file: &str, builtin: bool) -> Result<(), PackError> {
        // Line numbers by binary search over the line starts, and rule ids by a map: a generated
        // pack can hold thousands of rules, and a scan from the top for each would be quadratic.
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1))
            .collect();
        let line_at = |offset: usize| line_starts.partition_point(|&start| start <= offset);
        let err = |offset: usize, message: String| PackError {
            file: file.to_string(),
            line: line_at(offset),
            message,
        };
        let parsed: PackFile = toml::from_str(src).map_err(|e| PackError {
            file: file.to_string(),
            line: e.span().map_or(0, |s| line_of(src, s.start)),
            message: e.message().trim().to_string(),
        })?;
        let mut next = self.clone();
        let mut ids: HashMap<String, usize> = next
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        if let Some(settings) = parsed.settings
            && let Some(w) = settings.keyword_window
        {
            let value = *w.get_ref();
            if !(1..=256).contains(&value) {
                return Err(err(
                    w.span().start,
                    format!("keyword_window must be 1..=256, not {value}"),
                ));
            }
            next.settings.keyword_window = value as usize;
        }
        for spanned in parsed.rule {
            let at = spanned.span().start;
            let rule = spanned.into_inner();
            let id = rule.id.get_ref().clone();
            if !is_rule_id(&id) {
                return Err(err(
                    rule.id.span().start,
                    format!(
                        "rule id {id:?} must be UPPER_SNAKE_CASE (A-Z, 0-9, _), at most 40 characters"
                    ),
                ));
            }
            let origin = format!("{file}:{}", line_at(at));
            let existing = ids.get(&id).copied();
            let matcher = compile_matcher(&rule, src, file)?;
            let mut spec = match (existing, matcher) {
                (Some(i), None) => next.rules[i].clone(),
                (Some(i), Some(_)) => {
                    return Err(err(
                        at,
                        format!(
                            "rule {id} is already defined at {}; an override may not change its detector or regex",
                            next.rules[i].origin
                        ),
                    ));
                }
                (None, Some(matcher)) => RuleSpec {
                    id: id.clone(),
                    label: id.clone(),
                    description: String::new(),
                    enabled: true,
                    style: Style::Label,
                    last4: false,
                    matcher,
                    keywords: Vec::new(),
                    adjacent_keywords: Vec::new(),
                    key_names: Vec::new(),
                    json_keys: Vec::new(),
                    json_scalar_keys: Vec::new(),
                    json_paths: Vec::new(),
                    origin: origin.clone(),
                    user_defined: !builtin,
                    family: Family::Other,
                    examples: Vec::new(),
                    counterexamples: Vec::new(),
                },
                (None, None) => {
                    return Err(err(
                        at,
                        format!(
                            "rule {id} is new, so it needs `regex` or `detector` (no built-in rule has this id)"
                        ),
                    ));
                }
            };
            if let Some(label) = rule.label {
                if !is_rule_id(label.get_ref()) {
                    return Err(err(
                        label.span().start,
                        format!(
                            "label {:?} must be UPPER_SNAKE_CASE so replacements are never re-detected",
                            label.get_ref()
                        ),
                    ));
                }
                spec.label = label.into_inner();
            }
            if let Some(d) = rule.description {
                spec.description = d;
            }
            if let Some(e) = rule.enabled {
                spec.enabled = e;
            }
            if let Some(style) = rule.style {
                spec.style = Style::parse(style.get_ref()).ok_or_else(|| {
                    err(
                        style.span().start,
                        format!(
                            "unknown style {:?} (expected label, mask, last4 or hash)",
                            style.get_ref()
                        ),
                    )
                })?;
            }
            if let Some(l) = rule.last4 {
                spec.last4 = l;
            }
            if let Some(f) = &rule.family {
                spec.family = Family::parse(f.get_ref()).ok_or_else(|| {
                    let names: Vec<&str> = Family::ALL.iter().map(|(n, _)| *n).collect();
                    err(
                        f.span().start,
                        format!(
                            "unknown family {:?} (known: {})",
                            f.get_ref(),
                            names.join(", ")
                        ),
                    )
                })?;
            }
            if let Some(e) = rule.examples.clone() {
                spec.examples = e;
            }
            if let Some(c) = rule.counterexamples.clone() {
                spec.counterexamples = c;
            }
            if let Some(k) = rule.keywords {
                spec.keywords = clean_words(k);
            }
            if let Some(k) = rule.adjacent_keywords {
                spec.adjacent_keywords = clean_words(k);
            }
            if let Some(names) = rule.key_names {
                for n in &names {
                    let ok = !n.get_ref().is_empty()
                        && n.get_ref()
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if !ok {
                        return Err(err(
                            n.span().start,
                            format!(
                                "key name {:?} must be lower snake_case (case variants are derived)",
                                n.get_ref()
                            ),
                        ));
                    }
                }
                spec.key_names = names.into_iter().map(Spanned::into_inner).collect();
            }
            for (list, which) in [
                (rule.json_keys, KeyList::Keys),
                (rule.json_scalar_keys, KeyList::ScalarKeys),
                (rule.json_paths, KeyList::Paths),
            ] {
                let is_path = which == KeyList::Paths;
                let Some(list) = list else { continue };
                let mut clean = Vec::with_capacity(list.len());
                for k in list {
                    let segments: Vec<&str> = k.get_ref().split('.').collect();
                    if segments
                        .iter()
                        .any(|s| crate::json::normalize_key(s.as_bytes()).is_empty())
                        || (!is_path && segments.len() > 1)
                    {
                        return Err(err(
                            k.span().start,
                            format!(
                                "{} {:?} is empty or malformed{}",
                                if is_path { "json path" } else { "json key" },
                                k.get_ref(),
                                if is_path {
                                    ""
                                } else {
                                    " (use json_paths for dotted paths)"
                                }
                            ),
                        ));
                    }
                    clean.push(k.into_inner());
                }
                match which {
                    KeyList::Keys => spec.json_keys = clean,
                    KeyList::ScalarKeys => spec.json_scalar_keys = clean,
                    KeyList::Paths => spec.json_paths = clean,
                }
            }
            if matches!(spec.matcher, Matcher::Builtin(Detector::JsonKey))
                && spec.json_keys.is_empty()
                && spec.json_scalar_keys.is_empty()
                && spec.json_paths.is_empty()
            {
                return Err(err(
                    at,
                    format!(
                        "rule {id} uses detector json_key but lists no json_keys, json_scalar_keys or json_paths"
                    ),
                ));
            }
            if matches!(spec.matcher, Matcher::Builtin(Detector::KeyValue))
                && spec.key_names.is_empty()
            {
                return Err(err(
                    at,
                    format!("rule {id} uses detector key_value but lists no key_names"),
                ));
            }
            spec.origin = origin;
            match existing {
                Some(i) => next.rules[i] = spec,
                None => {
                    if let Matcher::Builtin(d) = spec.matcher
                        && d != Detector::KeyValue
                        && d != Detector::JsonKey
                        && let Some(other) = next
                            .rules
                            .iter()
                            .find(|r| matches!(r.matcher, Matcher::Builtin(x) if x == d))
                    {
                        return Err(err(
                            at,
                            format!(
                                "detector {} is already used by rule {}; retune that rule instead",
                                d.name(),
                                other.id
                            ),
                        ));
                    }
                    // Rule ids are 16-bit inside the engine.
                    if next.rules.len() >= usize::from(u16::MAX) {
                        return Err(err(
                            at,
                            format!(
                                "too many rules: a pack holds at most {} (rule {id} is one more)",
                                u16::MAX
                            ),
                        ));
                    }
                    ids.insert(id, next.rules.len());
                    next.rules.push(spec)
                }
            }
        }
        for spanned in parsed.allow {
            let at = spanned.span().start;
            let origin = format!("{file}:{}", line_at(at));
            next.allow.push(compile_allow(
                spanned.into_inner(),
                &next.rules,
                at,
                origin,
                &err,
            )?);
        }
        *self = next;
        Ok(())
    }

    /// The `[[allow]]` entries of every pack merged, in order.
    pub fn allow(&self) -> &[AllowSpec] {
        &self.allow
    }

    /// The rules, in pack order (which is also the order of overlap tie-breaks).
    pub fn rules(&self) -> &[RuleSpec] {
        &self.rules
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}

/// Checks one `[[allow]]` table against the rules loaded so far (its own file's included).
fn compile_allow(
    entry: AllowFile,
    rules: &[RuleSpec],
    at: usize,
    origin: String,
    err: &impl Fn(usize, String) -> PackError,
) -> Result<AllowSpec, PackError> {
    let line_start = |s: &Spanned<String>| s.span().start;
    let mut spec = AllowSpec {
        values: Vec::new(),
        regex: None,
        rules: Vec::new(),
        keys: Vec::new(),
        origin,
    };
    for v in entry.values.into_iter().flatten() {
        if v.get_ref().trim().is_empty() {
            return Err(err(
                line_start(&v),
                "an allowed value may not be empty".into(),
            ));
        }
        spec.values.push(v.into_inner());
    }
    if let Some(re) = &entry.regex {
        let regex = user_regex(re.get_ref(), RegexUse::Value).map_err(|e| {
            err(
                re.span().start,
                match e {
                    UserRegexError::Invalid(e) => format!("invalid allow regex: {e}"),
                    UserRegexError::MatchesEmpty => {
                        "allow regex matches the empty string, so it would allow every value".into()
                    }
                },
            )
        })?;
        spec.regex = Some(regex);
    }
    for r in entry.rules.into_iter().flatten() {
        let Some(rule) = rules
            .iter()
            .find(|spec| spec.id.eq_ignore_ascii_case(r.get_ref()))
        else {
            return Err(err(
                line_start(&r),
                format!(
                    "allow names unknown rule {:?} (see --list-rules)",
                    r.get_ref()
                ),
            ));
        };
        spec.rules.push(rule.id.clone());
    }
    for k in entry.keys.into_iter().flatten() {
        if k.get_ref()
            .split('.')
            .any(|s| crate::json::normalize_key(s.as_bytes()).is_empty())
        {
            return Err(err(
                line_start(&k),
                format!("allowed json key {:?} is empty or malformed", k.get_ref()),
            ));
        }
        spec.keys.push(k.into_inner());
    }
    let spares_values = !spec.values.is_empty() || spec.regex.is_some();
    if !spares_values && spec.keys.is_empty() {
        return Err(err(
            at,
            "an [[allow]] entry needs `values`, `regex` or `keys`".into(),
        ));
    }
    if !spec.keys.is_empty() && (spares_values || !spec.rules.is_empty()) {
        return Err(err(
            at,
            "an [[allow]] entry with `keys` spares every rule under those keys: put `values`, \
             `regex` and `rules` in an entry of their own"
                .into(),
        ));
    }
    Ok(spec)
}

fn clean_words(words: Vec<String>) -> Vec<String> {
    words
        .into_iter()
        .map(|w| w.trim().to_ascii_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The bytes that can appear in some match of `pattern` (already known to compile): literals and
/// class members, every byte for `.` and for non-ASCII classes.
fn match_bytes(pattern: &str) -> [bool; 256] {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn walk(h: &Hir, set: &mut [bool; 256]) {
        match h.kind() {
            HirKind::Literal(l) => l.0.iter().for_each(|&b| set[usize::from(b)] = true),
            HirKind::Class(Class::Bytes(c)) => {
                for r in c.ranges() {
                    (r.start()..=r.end()).for_each(|b| set[usize::from(b)] = true);
                }
            }
            HirKind::Class(Class::Unicode(c)) => {
                for r in c.ranges() {
                    let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                    for b in lo.min(0x80)..=hi.min(0x7f) {
                        set[b as usize] = true;
                    }
                    if hi >= 0x80 {
                        set[0x80..].iter_mut().for_each(|x| *x = true);
                    }
                }
            }
            HirKind::Repetition(r) => walk(&r.sub, set),
            HirKind::Capture(c) => walk(&c.sub, set),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().for_each(|h| walk(h, set)),
            HirKind::Empty | HirKind::Look(_) => {}
        }
    }
    let mut set = [false; 256];
    match regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
    {
        Ok(hir) => walk(&hir, &mut set),
        // Not expected (the regex compiled); then nothing is known, so every byte may occur.
        Err(_) => set = [true; 256],
    }
    set
}

/// Token fields on a rule that is not `detector = "token"` (or on an override, which cannot change a
/// rule's matcher) would be ignored: refuse them.
fn token_fields_only_for_tokens(
    rule: &RuleFile,
    err: &dyn Fn(usize, String) -> PackError,
) -> Result<(), PackError> {
    let at = [
        rule.prefixes.as_ref().map(|p| p.span().start),
        rule.alphabet.as_ref().map(|p| p.span().start),
        rule.min_len.as_ref().map(|p| p.span().start),
        rule.max_len.as_ref().map(|p| p.span().start),
        rule.checksum.as_ref().map(|p| p.span().start),
        rule.extra.as_ref().map(|p| p.span().start),
        rule.keep_prefix.as_ref().map(|p| p.span().start),
        rule.generated.as_ref().map(|p| p.span().start),
    ]
    .into_iter()
    .flatten()
    .min();
    match at {
        Some(at) => Err(err(
            at,
            "`prefixes`, `alphabet`, `extra`, `min_len`, `max_len`, `checksum`, `keep_prefix` and \
             `generated` belong to a new `detector = \"token\"` rule"
                .into(),
        )),
        None => Ok(()),
    }
}

/// Longest token body a rule may ask for: bounds the work per prefix match.
const MAX_TOKEN_LEN: i64 = 4096;

/// A `detector = "token"` rule: its prefixes and body shape, each checked with its line.
fn compile_token(
    rule: &RuleFile,
    at: usize,
    err: &dyn Fn(usize, String) -> PackError,
) -> Result<Matcher, PackError> {
    let prefixes = rule
        .prefixes
        .as_ref()
        .ok_or_else(|| err(at, "a token rule needs `prefixes`".into()))?;
    // One byte is enough (Bitcoin's `1` and `3`): prefixes are looked up where a word starts, so a
    // short one costs a check of its body at the words that begin with it, not a search.
    if prefixes.get_ref().is_empty() || prefixes.get_ref().iter().any(String::is_empty) {
        return Err(err(
            prefixes.span().start,
            "`prefixes` must list non-empty literal prefixes".into(),
        ));
    }
    let alphabet = rule
        .alphabet
        .as_ref()
        .ok_or_else(|| err(at, "a token rule needs `alphabet`".into()))?;
    let alphabet_value = Alphabet::parse(alphabet.get_ref()).ok_or_else(|| {
        let names: Vec<&str> = Alphabet::ALL.iter().map(|(n, _)| *n).collect();
        err(
            alphabet.span().start,
            format!(
                "unknown alphabet {:?} (known: {})",
                alphabet.get_ref(),
                names.join(", ")
            ),
        )
    })?;
    let len = |field: &Option<Spanned<i64>>, name: &str| -> Result<usize, PackError> {
        let v = field
            .as_ref()
            .ok_or_else(|| err(at, format!("a token rule needs `{name}`")))?;
        let n = *v.get_ref();
        if !(1..=MAX_TOKEN_LEN).contains(&n) {
            return Err(err(
                v.span().start,
                format!("`{name}` must be 1..={MAX_TOKEN_LEN}, not {n}"),
            ));
        }
        Ok(n as usize)
    };
    let (min_len, max_len) = (
        len(&rule.min_len, "min_len")?,
        len(&rule.max_len, "max_len")?,
    );
    if min_len > max_len {
        return Err(err(
            at,
            format!("min_len {min_len} is above max_len {max_len}"),
        ));
    }
    let checksum = match &rule.checksum {
        None => None,
        Some(c) => Some(Checksum::parse(c.get_ref()).ok_or_else(|| {
            let names: Vec<&str> = Checksum::ALL.iter().map(|(n, _)| *n).collect();
            err(
                c.span().start,
                format!(
                    "unknown checksum {:?} (known: {})",
                    c.get_ref(),
                    names.join(", ")
                ),
            )
        })?),
    };
    let extra = match &rule.extra {
        None => Vec::new(),
        Some(e) => {
            // Separators only: a space or a line break would let a token run into the next word.
            if let Some(b) = e
                .get_ref()
                .bytes()
                .find(|b| !b.is_ascii_graphic() || b.is_ascii_alphanumeric())
            {
                return Err(err(
                    e.span().start,
                    format!(
                        "`extra` lists punctuation the body may hold besides its alphabet; {:?} is not",
                        char::from(b)
                    ),
                ));
            }
            e.get_ref().bytes().collect()
        }
    };
    Ok(Matcher::Token {
        prefixes: prefixes.get_ref().clone(),
        shape: TokenShape {
            alphabet: alphabet_value,
            extra,
            min_len,
            max_len,
            checksum,
            keep_prefix: rule.keep_prefix.as_ref().is_some_and(|k| *k.get_ref()),
            generated: rule.generated.as_ref().is_some_and(|g| *g.get_ref()),
        },
    })
}

fn compile_matcher(rule: &RuleFile, src: &str, file: &str) -> Result<Option<Matcher>, PackError> {
    let err = |offset: usize, message: String| PackError {
        file: file.to_string(),
        line: line_of(src, offset),
        message,
    };
    match (&rule.detector, &rule.regex) {
        (Some(d), Some(_)) => Err(err(
            d.span().start,
            "a rule has either `detector` or `regex`, not both".into(),
        )),
        (Some(d), None) if d.get_ref() == "token" => {
            if rule.triggers.is_some() || rule.validator.is_some() {
                return Err(err(
                    d.span().start,
                    "`triggers` and `validator` apply to regex rules only".into(),
                ));
            }
            compile_token(rule, d.span().start, &err).map(Some)
        }
        (Some(d), None) => {
            token_fields_only_for_tokens(rule, &err)?;
            if rule.triggers.is_some() || rule.validator.is_some() {
                return Err(err(
                    d.span().start,
                    "`triggers` and `validator` apply to regex rules only".into(),
                ));
            }
            let detector = Detector::parse(d.get_ref()).ok_or_else(|| {
                let names = Detector::names();
                err(
                    d.span().start,
                    format!(
                        "unknown detector {:?} (known: {})",
                        d.get_ref(),
                        names.join(", ")
                    ),
                )
            })?;
            Ok(Some(Matcher::Builtin(detector)))
        }
        (None, Some(re)) => {
            token_fields_only_for_tokens(rule, &err)?;
            let regex = user_regex(re.get_ref(), RegexUse::Lines).map_err(|e| {
                err(
                    re.span().start,
                    match e {
                        UserRegexError::Invalid(e) => format!("invalid regex: {e}"),
                        UserRegexError::MatchesEmpty => {
                            "regex matches the empty string, which would redact nothing".into()
                        }
                    },
                )
            })?;
            let validator = match &rule.validator {
                None => None,
                Some(v) => Some(Validator::parse(v.get_ref()).ok_or_else(|| {
                    err(
                        v.span().start,
                        format!(
                            "unknown validator {:?} (known: {})",
                            v.get_ref(),
                            Validator::names().join(", ")
                        ),
                    )
                })?),
            };
            let (triggers, at) = match &rule.triggers {
                Some(t) => (t.get_ref().clone(), t.span().start),
                None => (Vec::new(), re.span().start),
            };
            if triggers.iter().any(String::is_empty) {
                return Err(err(at, "a trigger may not be empty".into()));
            }
            // Triggers decide which inputs the regex runs on, so each must be able to stand in a
            // match: a trigger the regex can never contain would make the rule fire only where the
            // trigger happens to share a line (or a 1 MiB chunk) with a match.
            let bytes = match_bytes(re.get_ref());
            if let Some(t) = triggers
                .iter()
                .find(|t| t.bytes().any(|b| !bytes[usize::from(b)]))
            {
                return Err(err(
                    at,
                    format!(
                        "trigger {t:?} can never occur in a match of this rule's regex, so the rule \
                         would not run where it matches (triggers are literal text of the match, \
                         case-sensitive, e.g. \"EMP-\" for 'EMP-[0-9]{{6}}')"
                    ),
                ));
            }
            Ok(Some(Matcher::Regex {
                regex,
                triggers,
                validator,
            }))
        }
        (None, None) => {
            token_fields_only_for_tokens(rule, &err)?;
            if let Some(v) = &rule.validator {
                return Err(err(
                    v.span().start,
                    "`validator` applies to regex rules only".into(),
                ));
            }
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(src: &str) -> Result<Pack, PackError> {
        let mut p = Pack::builtin()?;
        p.merge_str(src, "user.toml")?;
        Ok(p)
    }

    /// `build.rs` cuts only the proofs: the packs the binaries load give exactly the rules of the
    /// files in `patterns/` (origins and line numbers included), without their examples.
    #[test]
    fn the_embedded_packs_are_the_pattern_files_without_their_examples() {
        let cut = Pack::builtin().unwrap();
        let mut full = Pack::builtin_with_examples().unwrap();
        assert!(full.rules().iter().all(|r| r.examples.len() >= 2));
        assert!(
            cut.rules()
                .iter()
                .all(|r| r.examples.is_empty() && r.counterexamples.is_empty())
        );
        for rule in &mut full.rules {
            rule.examples.clear();
            rule.counterexamples.clear();
        }
        assert_eq!(format!("{:?}", cut.rules()), format!("{:?}", full.rules()));
        assert_eq!(format!("{:?}", cut.allow()), format!("{:?}", full.allow()));
        assert_eq!(
            cut.settings().keyword_window,
            full.settings().keyword_window
        );
        for (src, file) in BUILTIN_PACKS {
            let original = match file {
                "patterns/default.toml" => DEFAULT_PACK,
                "patterns/credentials.toml" => CREDENTIALS_PACK,
                _ => IDENTIFIERS_PACK,
            };
            assert_eq!(src.lines().count(), original.lines().count(), "{file}");
            assert!(src.len() < original.len(), "{file}");
        }
    }

    #[test]
    fn builtin_pack_loads() {
        let p = Pack::builtin().unwrap();
        assert!(p.rules().iter().any(|r| r.id == "EMAIL" && r.enabled));
        assert!(
            p.rules().iter().any(|r| r.id == "IP" && !r.enabled),
            "IP is off by default"
        );
    }

    #[test]
    fn unknown_field_reports_line() {
        let e = load("\n\n[[rule]]\nid = \"EMAIL\"\nenabeld = false\n").unwrap_err();
        assert_eq!(e.file, "user.toml");
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("enabeld"), "{e}");
    }

    #[test]
    fn bad_regex_reports_line() {
        let e = load("[[rule]]\nid = \"X\"\nregex = 'a(b'\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("invalid regex"), "{e}");
    }

    #[test]
    fn huge_regex_is_refused() {
        let e = load("[[rule]]\nid = \"X\"\nregex = '\\w{1000}\\w{1000}\\w{1000}'\n").unwrap_err();
        assert!(e.message.contains("invalid regex"), "{e}");
    }

    #[test]
    fn triggers_must_be_able_to_occur_in_a_match() {
        let e = load("[[rule]]\nid = \"EMP\"\nregex = 'EMP-[0-9]{6}'\ntriggers = [\"XYZ\"]\n")
            .unwrap_err();
        assert_eq!(e.line, 4);
        assert!(
            e.message.contains("\"XYZ\" can never occur"),
            "{}",
            e.message
        );
        // Lower case is not in the match either: triggers are case-sensitive.
        assert!(
            load("[[rule]]\nid = \"EMP\"\nregex = 'EMP-[0-9]{6}'\ntriggers = [\"emp-\"]\n")
                .is_err()
        );
        for ok in [
            "regex = 'EMP-[0-9]{6}'\ntriggers = [\"EMP-\"]",
            "regex = '(?i)emp-[0-9]{6}'\ntriggers = [\"EMP-\", \"emp-\"]",
            "regex = 'id=(?P<value>\\w+)'\ntriggers = [\"id=\"]",
            "regex = 'x.+'\ntriggers = [\"x\\u00e9\"]",
        ] {
            let src = format!("[[rule]]\nid = \"EMP\"\n{ok}\n");
            assert!(load(&src).is_ok(), "{src}");
        }
    }

    #[test]
    fn unknown_validator_and_detector_and_style() {
        let e = load("[[rule]]\nid = \"X\"\nregex = 'x+'\nvalidator = \"crc\"\n").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("unknown validator"));
        let e = load("[[rule]]\nid = \"X\"\ndetector = \"nope\"\n").unwrap_err();
        assert!(e.message.contains("unknown detector"));
        let e = load("[[rule]]\nid = \"EMAIL\"\nstyle = \"blur\"\n").unwrap_err();
        assert!(e.message.contains("unknown style"));
        assert_eq!(e.line, 3);
    }

    #[test]
    fn new_rule_needs_a_matcher_and_overrides_keep_it() {
        let e = load("[[rule]]\nid = \"NEW_THING\"\nenabled = true\n").unwrap_err();
        assert!(e.message.contains("needs `regex`"), "{e}");
        let e = load("[[rule]]\nid = \"EMAIL\"\nregex = 'x'\n").unwrap_err();
        assert!(e.message.contains("already defined"), "{e}");
        let p = load("[[rule]]\nid = \"EMAIL\"\nstyle = \"mask\"\n").unwrap();
        let email = p.rules().iter().find(|r| r.id == "EMAIL").unwrap();
        assert_eq!(email.style, Style::Mask);
        assert!(matches!(email.matcher, Matcher::Builtin(Detector::Email)));
    }

    #[test]
    fn syntax_error_has_line() {
        let e = load("[[rule]]\nid = \"EMAIL\nstyle = 1\n").unwrap_err();
        assert!(e.line >= 2, "{e}");
    }

    #[test]
    fn failed_merge_leaves_pack_unchanged() {
        let mut p = Pack::builtin().unwrap();
        let before = p.rules().len();
        assert!(
            p.merge_str(
                "[[rule]]\nid = \"A\"\nregex = 'a'\n[[rule]]\nid = \"B\"\nregex = '('\n",
                "x"
            )
            .is_err()
        );
        assert_eq!(p.rules().len(), before);
    }
}
