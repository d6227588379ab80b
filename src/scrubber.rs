//! The compiled engine: a rule pack turned into an immutable, shareable [`Scrubber`].
//!
//! `Scrubber::scrub` is the whole pipeline for one input: detect candidates, resolve overlaps, rewrite.
//! Building does all the work that can fail (unknown rule names, a hash style without a key) so scrubbing
//! itself has no error path.

use std::fmt;

use crate::allow::AllowList;
use crate::detect::keywords::{Gates, KeywordIndex, gate};
use crate::detect::national::NationalIds;
use crate::detect::secrets::SecretScanner;
use crate::detect::{Builtins, Detectors, custom};
use crate::findings::{Findings, RuleId, Span};
use crate::json::{self, JsonMode, keys::KeyRules};
use crate::pack::{Detector, IdFormat, Matcher, Pack, PackError, Style};
use crate::resolve::{Precedence, resolve};
use crate::rewrite::Canon;
use crate::rewrite::{self, Replacement};
use crate::settle::{self, settle};

/// Shortest HMAC key accepted for the `hash` style.
pub const MIN_HASH_KEY_LEN: usize = 16;

/// Choices made when building a scrubber on top of a pack.
#[derive(Clone, Default)]
pub struct Options {
    /// Replaces every rule's style.
    pub style: Option<Style>,
    /// Rule ids to switch on (e.g. `IP`).
    pub enable: Vec<String>,
    /// Rule ids to switch off.
    pub disable: Vec<String>,
    /// Secret key for the `hash` style; required when any enabled rule uses it.
    pub hash_key: Option<Vec<u8>>,
    /// Structured scrubbing of JSON lines (on by default).
    pub json: JsonMode,
}

/// Why a scrubber could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    Pack(PackError),
    UnknownRule(String),
    HashKeyMissing(Vec<String>),
    HashKeyTooShort(usize),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Pack(e) => write!(f, "{e}"),
            BuildError::UnknownRule(id) => write!(f, "unknown rule {id:?} (see --list-rules)"),
            BuildError::HashKeyMissing(rules) => write!(
                f,
                "the hash style needs a secret key (rules {}); set LOGSCRUB_HASH_KEY or --hash-key-file. \
                 Unkeyed hashes of phone numbers can be reversed in minutes.",
                rules.join(", ")
            ),
            BuildError::HashKeyTooShort(n) => {
                write!(
                    f,
                    "the hash key is {n} bytes; use at least {MIN_HASH_KEY_LEN} random bytes"
                )
            }
        }
    }
}

impl std::error::Error for BuildError {}

impl From<PackError> for BuildError {
    fn from(e: PackError) -> Self {
        BuildError::Pack(e)
    }
}

/// A rule as the scrubber runs it, for listings and reports.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub id: String,
    pub label: String,
    pub description: String,
    pub enabled: bool,
    pub style: Style,
    /// `email`, `phone`, ... `token` or `regex`.
    pub kind: String,
    pub family: crate::pack::Family,
    /// Whether it fires only after a keyword.
    pub keyword: crate::pack::KeywordNeed,
    pub origin: String,
}

/// The redaction engine, compiled from a rule pack. Cheap to share: `Send + Sync`, no interior mutability.
///
/// ```
/// use logscrub::Scrubber;
/// let scrubber = Scrubber::builtin().unwrap();
/// let mut out = Vec::new();
/// let findings = scrubber.scrub(b"sms to +14155550132 for jane@example.com", &mut out);
/// assert_eq!(out, b"sms to [PHONE] for [EMAIL]");
/// assert_eq!(findings.len(), 2);
/// ```
#[derive(Clone)]
pub struct Scrubber {
    rules: Vec<RuleInfo>,
    replacements: Vec<Replacement>,
    detectors: Detectors,
    hash_key: Option<Vec<u8>>,
    json: JsonMode,
    key_rules: KeyRules,
    /// Per rule: how it ranks in overlaps (see `resolve`).
    precedence: Vec<Precedence>,
    /// Candidates the pack's `[[allow]]` entries keep.
    allow: AllowList,
}

/// What `Debug` shows of the hash key: whether there is one, never its bytes.
fn key_note(key: &Option<Vec<u8>>) -> &'static str {
    if key.is_some() {
        "<set, not shown>"
    } else {
        "<none>"
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("style", &self.style)
            .field("enable", &self.enable)
            .field("disable", &self.disable)
            .field("hash_key", &key_note(&self.hash_key))
            .field("json", &self.json)
            .finish()
    }
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let enabled: Vec<&str> = self
            .rules
            .iter()
            .filter(|r| r.enabled)
            .map(|r| r.id.as_str())
            .collect();
        f.debug_struct("Scrubber")
            .field("enabled_rules", &enabled)
            .field("json", &self.json)
            .field("hash_key", &key_note(&self.hash_key))
            .finish_non_exhaustive()
    }
}

impl Scrubber {
    /// The built-in pack with default options.
    pub fn builtin() -> Result<Scrubber, BuildError> {
        Scrubber::new(&Pack::builtin()?, &Options::default())
    }

    /// Compiles `pack` with `options`.
    pub fn new(pack: &Pack, options: &Options) -> Result<Scrubber, BuildError> {
        Scrubber::check(pack, options)?;
        let specs = pack.rules();
        let mut rules = Vec::with_capacity(specs.len());
        let mut replacements = Vec::with_capacity(specs.len());
        for spec in specs {
            let enabled = is_enabled(spec, options);
            let style = options.style.unwrap_or(spec.style);
            let kind = match &spec.matcher {
                Matcher::Builtin(d) => d.name().to_string(),
                Matcher::Token { .. } => "token".to_string(),
                Matcher::Regex { .. } => "regex".to_string(),
            };
            let numeric = matches!(
                spec.matcher,
                Matcher::Builtin(
                    Detector::Phone
                        | Detector::Card
                        | Detector::Routing
                        | Detector::Account
                        | Detector::Ssn
                        | Detector::Ein
                        | Detector::National(IdFormat::PhoneNational)
                        | Detector::National(IdFormat::PhoneNationalBare)
                )
            );
            replacements.push(Replacement {
                label: spec.label.clone(),
                style,
                canon: if numeric {
                    Canon::Digits
                } else if matches!(spec.matcher, Matcher::Builtin(Detector::Email)) {
                    Canon::Folded
                } else {
                    Canon::Exact
                },
                keeps_last4: spec.last4,
            });
            rules.push(RuleInfo {
                id: spec.id.clone(),
                label: spec.label.clone(),
                description: spec.description.clone(),
                enabled,
                style,
                kind,
                family: spec.family,
                keyword: spec.keyword_need(),
                origin: spec.origin.clone(),
            });
        }
        let detectors = compile_detectors(pack, &rules);
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let allow = AllowList::new(
            pack.allow(),
            replacements.iter().map(|r| r.canon).collect(),
            &ids,
        );
        let mut key_rules = KeyRules::default();
        // Allowed keys first: a key the policy keeps is never scanned, whichever rule claims it.
        for entry in pack.allow() {
            for k in &entry.keys {
                key_rules.add_kept(k);
            }
        }
        for (i, spec) in pack.rules().iter().enumerate() {
            if rules[i].enabled {
                for k in &spec.json_keys {
                    key_rules.add_key(k, RuleId(i as u16));
                }
                for k in &spec.json_scalar_keys {
                    key_rules.add_scalar_key(k, RuleId(i as u16));
                }
                for p in &spec.json_paths {
                    key_rules.add_path(p, RuleId(i as u16));
                }
            }
        }
        Ok(Scrubber {
            rules,
            replacements,
            detectors,
            hash_key: options.hash_key.clone(),
            json: options.json,
            key_rules,
            precedence: specs
                .iter()
                .map(|r| Precedence {
                    user: r.user_defined,
                    // A one-time code is six digits after its keyword: it knows the value by
                    // the words around it, as a field name does (`otp=482913` is OTP's).
                    shape: !matches!(
                        r.matcher,
                        Matcher::Builtin(
                            Detector::KeyValue
                                | Detector::JsonKey
                                | Detector::National(IdFormat::OneTimeCode)
                        )
                    ),
                })
                .collect(),
            allow,
        })
    }

    /// Every reason [`Scrubber::new`] could refuse `pack` with `options` (an unknown rule name, a
    /// hash style without a good key), without compiling anything: cheap, for a front end that must
    /// say at start-up whether its policy works and compiles the engine later.
    pub fn check(pack: &Pack, options: &Options) -> Result<(), BuildError> {
        let specs = pack.rules();
        for id in options.enable.iter().chain(&options.disable) {
            if !specs.iter().any(|r| r.id.eq_ignore_ascii_case(id)) {
                return Err(BuildError::UnknownRule(id.clone()));
            }
        }
        let hashed: Vec<String> = specs
            .iter()
            .filter(|r| is_enabled(r, options) && options.style.unwrap_or(r.style) == Style::Hash)
            .map(|r| r.id.clone())
            .collect();
        match &options.hash_key {
            Some(k) if k.len() < MIN_HASH_KEY_LEN => Err(BuildError::HashKeyTooShort(k.len())),
            None if !hashed.is_empty() => Err(BuildError::HashKeyMissing(hashed)),
            _ => Ok(()),
        }
    }

    /// Scrubs `input`, appending the result to `out`, and returns what was replaced.
    ///
    /// `input` is any bytes: one line, one event or many lines (keyword windows stop at line breaks). Bytes
    /// outside the returned spans are copied unchanged, invalid UTF-8 included.
    pub fn scrub(&self, input: &[u8], out: &mut Vec<u8>) -> Findings {
        let mut findings = Findings::default();
        self.scrub_into(input, out, &mut findings);
        findings
    }

    /// Like [`Scrubber::scrub`], reusing `findings` (cleared first) to avoid an allocation per call.
    pub fn scrub_into(&self, input: &[u8], out: &mut Vec<u8>, findings: &mut Findings) {
        self.find_into(input, findings);
        self.rewrite_into(input, findings, out);
    }

    /// Appends `input` to `out` with the spans of `findings` (what [`Scrubber::find_into`] found
    /// in `input`) replaced: the second half of [`Scrubber::scrub_into`], for a caller that first
    /// looks at what was found (the Lambda keeps an event with nothing found as it is, uncopied).
    pub fn rewrite_into(&self, input: &[u8], findings: &Findings, out: &mut Vec<u8>) {
        self.rewrite_part(input, 0..input.len(), &findings.spans, findings, out);
    }

    /// Appends `input[range]` to `out` with `spans` replaced: spans of `findings` (found in the
    /// whole of `input`), in order, each inside `range`. The one rewrite loop; a part is what the
    /// Lambda writes back for one event of the many it searched together.
    pub(crate) fn rewrite_part(
        &self,
        input: &[u8],
        range: std::ops::Range<usize>,
        spans: &[Span],
        findings: &Findings,
        out: &mut Vec<u8>,
    ) {
        out.reserve(range.len());
        let mut copied = range.start;
        for span in spans {
            out.extend_from_slice(&input[copied..span.start]);
            self.write_span(out, input, span, findings);
            copied = span.end();
        }
        out.extend_from_slice(&input[copied..range.end]);
    }

    /// Writes the replacement of `span` of `input` (one of `findings`), in quotes when it replaced a
    /// bare JSON value.
    pub(crate) fn write_span(
        &self,
        out: &mut Vec<u8>,
        input: &[u8],
        span: &Span,
        findings: &Findings,
    ) {
        let quoted = findings.is_quoted(span);
        if quoted {
            out.push(b'"');
        }
        let opened = out.len();
        let whole = findings.is_whole(span);
        self.write_replacement(out, &input[span.start..span.end()], span.rule, whole);
        if quoted {
            // The value's own line breaks (kept by every style, so that a line count holds) go
            // after the closing quote, in order: inside a JSON string a raw line break is invalid,
            // after it it is whitespace.
            let is_break = |b: &u8| *b == b'\n' || *b == b'\r';
            let breaks: Vec<u8> = out[opened..].iter().copied().filter(is_break).collect();
            if !breaks.is_empty() {
                let mut kept = opened;
                for read in opened..out.len() {
                    let b = out[read];
                    if !is_break(&b) {
                        out[kept] = b;
                        kept += 1;
                    }
                }
                out.truncate(kept);
            }
            out.push(b'"');
            out.extend_from_slice(&breaks);
        }
    }

    /// Writes the replacement of `value` for `rule` in that rule's style, or as its label when it is a
    /// `whole` region that never settled.
    pub(crate) fn write_replacement(
        &self,
        out: &mut Vec<u8>,
        value: &[u8],
        rule: RuleId,
        whole: bool,
    ) {
        let replacement = &self.replacements[rule.index()];
        if whole {
            rewrite::write_label(out, value, &replacement.label);
        } else {
            rewrite::write(out, value, replacement, self.hash_key.as_deref());
        }
    }

    /// Finds what [`Scrubber::scrub`] would replace without writing anything (audit mode).
    pub fn find(&self, input: &[u8]) -> Findings {
        let mut findings = Findings::default();
        self.find_into(input, &mut findings);
        findings
    }

    /// Like [`Scrubber::find`], reusing `findings` (cleared first).
    pub fn find_into(&self, input: &[u8], findings: &mut Findings) {
        self.find_once(input, findings, self.json);
        settle(self, input, findings, self.json);
        findings.settle_allowed();
    }

    /// Text detection only, whatever the JSON mode: for pieces of a line, which cannot be parsed.
    pub(crate) fn find_text_into(&self, input: &[u8], findings: &mut Findings) {
        self.find_once(input, findings, JsonMode::Off);
        settle(self, input, findings, JsonMode::Off);
        findings.settle_allowed();
    }

    /// One detection pass in `mode`, without checking what the rewrite makes of its spans (that is
    /// [`settle`]'s job).
    pub(crate) fn find_once(&self, input: &[u8], findings: &mut Findings, mode: JsonMode) {
        findings.clear();
        // No `{` and no line starting with `[`: nothing to parse, the text path alone.
        let may_hold_json = || memchr::memchr2(b'{', b'[', input).is_some();
        match mode {
            JsonMode::Auto if may_hold_json() => self.find_structured(input, findings, false),
            JsonMode::On => self.find_structured(input, findings, true),
            _ => {
                self.detectors.find(input, &mut findings.spans);
                self.allow
                    .retain(input, &mut findings.spans, &mut findings.allowed);
            }
        }
        resolve(&mut findings.spans, &self.precedence);
        findings.quoted.sort_unstable();
    }

    /// The text detectors run once over the whole input, as in text mode; then each line that holds a
    /// JSON document is parsed and the text spans falling in it are clipped to its strings and
    /// numbers, and its sensitive keys add theirs. Plain-text lines cost nothing extra. With
    /// `count_text_lines`, non-blank lines that are not JSON are counted in `findings.not_json`.
    fn find_structured(&self, input: &[u8], findings: &mut Findings, count_text_lines: bool) {
        json::SCRATCH.with_borrow_mut(|scratch| {
            self.find_structured_with(input, findings, scratch, count_text_lines)
        });
    }

    fn find_structured_with(
        &self,
        input: &[u8],
        findings: &mut Findings,
        scratch: &mut json::Scratch,
        count_text_lines: bool,
    ) {
        let mut text = std::mem::take(&mut scratch.text);
        let mut piece = std::mem::take(&mut scratch.piece);
        text.clear();
        self.detectors.find(input, &mut text);
        self.allow.retain(input, &mut text, &mut findings.allowed);
        resolve(&mut text, &self.precedence);
        // `next` is the text span being placed (possibly the tail of one split at a line end);
        // `rest` indexes the spans after it.
        let mut rest = 0;
        let mut next = text.first().copied();
        let advance = |rest: &mut usize| {
            *rest += 1;
            text.get(*rest).copied()
        };
        // Only `On` visits every line: it counts those that are not JSON.
        for (line_start, line_end, may_be_json) in json::Lines::new(input, count_text_lines) {
            let line = &input[line_start..line_end];
            if may_be_json {
                // Split off the text spans that fall in this line.
                piece.clear();
                while let Some(sp) = next {
                    if sp.end() <= line_start {
                        findings.spans.push(sp);
                    } else if sp.start >= line_end {
                        break;
                    } else {
                        if sp.start < line_start {
                            findings.spans.push(Span {
                                start: sp.start,
                                len: line_start - sp.start,
                                rule: sp.rule,
                            });
                        }
                        let a = sp.start.max(line_start);
                        let b = sp.end().min(line_end);
                        if b > a {
                            piece.push(Span {
                                start: a,
                                len: b - a,
                                rule: sp.rule,
                            });
                        }
                        if sp.end() > line_end {
                            next = Some(Span {
                                start: line_end,
                                len: sp.end() - line_end,
                                rule: sp.rule,
                            });
                            break;
                        }
                    }
                    next = advance(&mut rest);
                }
                let placed = findings.spans.len();
                let structured = json::find_line(
                    &self.detectors,
                    &self.key_rules,
                    &|value, rule| self.allow.allows(value, rule),
                    line,
                    line_start,
                    &piece,
                    findings,
                    scratch,
                    // Only `On` counts the lines that do not parse.
                    count_text_lines,
                );
                match structured {
                    // The line's spans in order after those before it, so that resolving all
                    // of them need not sort them.
                    Ok(()) => crate::resolve::sort(&mut findings.spans[placed..]),
                    Err(_) => {
                        findings.spans.extend_from_slice(&piece);
                        findings.not_json += u64::from(count_text_lines);
                    }
                }
            } else if count_text_lines && !is_blank(line) {
                findings.not_json += 1;
            }
        }
        while let Some(sp) = next {
            findings.spans.push(sp);
            next = advance(&mut rest);
        }
        scratch.text = text;
        scratch.piece = piece;
    }

    /// Per rule: how it ranks in overlaps.
    pub(crate) fn precedence(&self) -> &[Precedence] {
        &self.precedence
    }

    /// Whether pieces of text (lines, events) may be searched joined by line breaks
    /// (`crate::joined`): not when a user regex asks where the searched text begins or ends.
    pub(crate) fn may_join(&self) -> bool {
        !self.detectors.custom.sees_text_edges()
    }

    /// How lines holding JSON are scrubbed ([`Options::json`]).
    pub fn json_mode(&self) -> JsonMode {
        self.json
    }

    /// Every rule of the pack, enabled or not, indexed by [`RuleId::index`].
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    /// The id of the rule named `name` (e.g. `"EMAIL"`; any case).
    pub fn rule_id(&self, name: &str) -> Option<RuleId> {
        self.rules
            .iter()
            .position(|r| r.id.eq_ignore_ascii_case(name))
            .map(|i| RuleId(i as u16))
    }

    /// The compiled detectors, for the detectors' own tests.
    #[cfg(test)]
    pub(crate) fn detectors(&self) -> &Detectors {
        &self.detectors
    }

    /// The name of rule `id`.
    pub fn rule_name(&self, id: RuleId) -> &str {
        self.rules.get(id.index()).map_or("?", |r| r.id.as_str())
    }
}

/// Whether `spec` runs under `options`: on in its pack or named by `enable`, and not named by
/// `disable`. Rule ids are upper case in packs; on a command line `--disable phone` means PHONE.
fn is_enabled(spec: &crate::pack::RuleSpec, options: &Options) -> bool {
    let named = |list: &[String]| list.iter().any(|n| n.eq_ignore_ascii_case(&spec.id));
    (spec.enabled || named(&options.enable)) && !named(&options.disable)
}

fn compile_detectors(pack: &Pack, rules: &[RuleInfo]) -> Detectors {
    let mut ids = Builtins::default();
    let mut literal = Vec::new();
    let mut key_values: Vec<(RuleId, &[String])> = Vec::new();
    let mut user_triggers: Vec<&[String]> = Vec::new();
    let mut custom_rules = Vec::new();
    let mut gated: Vec<(Gates, &[String], &[String])> = Vec::new();
    let id_keys: Vec<String> = crate::detect::numeric::ID_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    let mut tokens = Vec::new();
    let mut national = Vec::new();
    // National rules given a keyword gate bit so far.
    let mut keyed: u32 = 0;
    for (i, spec) in pack.rules().iter().enumerate() {
        if !rules[i].enabled {
            continue;
        }
        let id = RuleId(i as u16);
        match &spec.matcher {
            Matcher::Builtin(d) => {
                let slot = match d {
                    Detector::Email => Some((&mut ids.email, 0)),
                    Detector::Phone => Some((&mut ids.phone, gate::PHONE)),
                    Detector::Card => Some((&mut ids.card, gate::CARD)),
                    Detector::Iban => Some((&mut ids.iban, 0)),
                    Detector::Routing => Some((&mut ids.routing, gate::ROUTING)),
                    Detector::Account => Some((&mut ids.account, gate::ACCOUNT)),
                    Detector::Ssn => Some((&mut ids.ssn, gate::SSN)),
                    Detector::Ein => Some((&mut ids.ein, gate::EIN)),
                    Detector::Venmo => Some((&mut ids.venmo, gate::VENMO)),
                    Detector::Cashtag => Some((&mut ids.cashtag, gate::CASHTAG)),
                    Detector::GeoCoordinates => Some((&mut ids.geo, gate::GEO)),
                    Detector::Upi => Some((&mut ids.upi, 0)),
                    Detector::UrlPassword => Some((&mut ids.url_password, 0)),
                    Detector::Ip => Some((&mut ids.ip, 0)),
                    Detector::PasswordHash => Some((&mut ids.password_hash, 0)),
                    Detector::KeyValue => {
                        key_values.push((id, spec.key_names.as_slice()));
                        None
                    }
                    Detector::National(format) => {
                        // One gate bit per national rule with a layout that needs a keyword (a
                        // rule whose layouts all stand alone asks for none); past the 118 bits
                        // left, rules share the last one (each then also accepts the others'
                        // keywords).
                        let (alone, layouts) = format.layouts_alone();
                        let g: Gates = if alone == layouts {
                            0
                        } else {
                            let bit = (gate::FIRST_FREE + keyed).min(Gates::BITS - 1);
                            keyed += 1;
                            1 << bit
                        };
                        national.push((*format, id, g));
                        if g != 0 {
                            gated.push((
                                g,
                                spec.keywords.as_slice(),
                                spec.adjacent_keywords.as_slice(),
                            ));
                        }
                        None
                    }
                    _ => {
                        literal.push((*d, id));
                        None
                    }
                };
                if *d == Detector::Card {
                    gated.push((gate::ID_KEY, &[], id_keys.as_slice()));
                }
                if let Some((slot, g)) = slot {
                    *slot = Some(id);
                    if g != 0 {
                        gated.push((
                            g,
                            spec.keywords.as_slice(),
                            spec.adjacent_keywords.as_slice(),
                        ));
                    }
                }
            }
            Matcher::Token { prefixes, shape } => tokens.push((id, prefixes.as_slice(), shape)),
            Matcher::Regex {
                regex,
                triggers,
                validator,
            } => {
                user_triggers.push(triggers.as_slice());
                custom_rules.push(custom::CustomRule {
                    rule: id,
                    regex: regex.clone(),
                    triggered: !triggers.is_empty(),
                    validator: *validator,
                });
            }
        }
    }
    Detectors {
        keywords: KeywordIndex::new(&gated, pack.settings().keyword_window),
        national: NationalIds::new(&national),
        secrets: SecretScanner::new(&literal, &key_values, ids.email, &user_triggers, &tokens),
        custom: custom::CustomRules::new(custom_rules),
        ids,
    }
}

/// A line holding nothing but whitespace (or a lone `\r`): not counted as a non-JSON line.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| crate::json::is_blank(b))
}

/// Settling's view of the scrubber (see [`settle::Engine`]).
impl settle::Engine for Scrubber {
    fn precedence(&self) -> &[Precedence] {
        Scrubber::precedence(self)
    }

    fn write_span(&self, out: &mut Vec<u8>, input: &[u8], span: &Span, findings: &Findings) {
        Scrubber::write_span(self, out, input, span, findings)
    }

    fn find_once(&self, input: &[u8], findings: &mut Findings, mode: JsonMode) {
        Scrubber::find_once(self, input, findings, mode)
    }

    fn may_join(&self) -> bool {
        Scrubber::may_join(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubber_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scrubber>();
    }

    #[test]
    fn hash_refuses_without_key() {
        let pack = Pack::builtin().unwrap();
        let opts = Options {
            style: Some(Style::Hash),
            ..Options::default()
        };
        assert!(matches!(
            Scrubber::new(&pack, &opts),
            Err(BuildError::HashKeyMissing(_))
        ));
        let opts = Options {
            style: Some(Style::Hash),
            hash_key: Some(b"short".to_vec()),
            ..Options::default()
        };
        assert_eq!(
            Scrubber::new(&pack, &opts).unwrap_err(),
            BuildError::HashKeyTooShort(5)
        );
    }

    #[test]
    fn unknown_rule_in_options() {
        let pack = Pack::builtin().unwrap();
        let opts = Options {
            disable: vec!["NOPE".into()],
            ..Options::default()
        };
        assert_eq!(
            Scrubber::new(&pack, &opts).unwrap_err(),
            BuildError::UnknownRule("NOPE".into())
        );
    }
}
