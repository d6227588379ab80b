//! Secrets and key/value credentials, found by one case-sensitive multi-substring search.
//!
//! Leaked credentials announce themselves with fixed prefixes (`sk_live_`, `AKIA`, `eyJ`, `ghp_`,
//! `xoxb-`, `-----BEGIN `, `Bearer `) or with the name of the field that holds them (`password=`,
//! `"api_key": "`). These literals and the JSON escape `\u0040` go into one Aho-Corasick automaton
//! searched case-sensitively, which costs a fraction of a full-text case-insensitive search. The
//! prefixes of the vendor token rules ([`token`](super::token)), a hundred and more, are looked up at
//! word starts instead ([`anchors`](super::anchors)); the few that cannot be (header names such as
//! `X-Auth-Key: `) and the triggers of user regex rules, which only say which rules run, share one
//! search of their own ([`Anywhere`]). Teddy, the SIMD prefilter, takes at most 64 patterns, so
//! key names are searched by their *last word* in its three spellings (`key`, `Key`, `KEY`) and the
//! words before it are then checked backwards, case-insensitively and with or without `_`/`-`, which
//! covers `api_key`, `API_KEY`, `apiKey`, `Api-Key` and `apikey` with three patterns.
//!
//! Every handler scans forward from its match and reports how far it read; matches inside that range are
//! skipped, so a flood of prefixes is still read once.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Detector;
use super::anchors::{self, PrefixTable};
use super::token::{self, TokenShape};
use super::{Candidates, Detectors, at_sign};
use crate::findings::RuleId;

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Prefix + body of `min`+ bytes of `class`, whole thing redacted.
    Prefixed {
        rule: RuleId,
        class: BodyClass,
        min: usize,
        max: usize,
    },
    Jwt(RuleId),
    Bearer(RuleId),
    Basic(RuleId),
    /// `Authorization: ` with a scheme other than Bearer and Basic (`Token`, `Digest`, `SSWS`,
    /// `AWS4-HMAC-SHA256 ...`) or none.
    Authorization(RuleId),
    /// `Cookie: ` and `Set-Cookie: ` headers: the cookies' values.
    Cookie(RuleId),
    /// `curl -u user:password`: the password.
    CurlUser(RuleId),
    SlackWebhook(RuleId),
    Pem(RuleId),
    /// The stem of one or more last words of key names; index into `SecretScanner::stems`.
    KeyName(usize),
    EscapedAt,
}

#[derive(Clone, Copy, Debug)]
enum BodyClass {
    Alnum,
    UpperAlnum,
    AlnumUnderscore,
    AlnumDash,
}

impl BodyClass {
    fn accepts(self, b: u8) -> bool {
        match self {
            BodyClass::Alnum => b.is_ascii_alphanumeric(),
            BodyClass::UpperAlnum => b.is_ascii_uppercase() || b.is_ascii_digit(),
            BodyClass::AlnumUnderscore => b.is_ascii_alphanumeric() || b == b'_',
            BodyClass::AlnumDash => b.is_ascii_alphanumeric() || b == b'-',
        }
    }
}

/// The compiled literal search.
#[derive(Clone, Debug)]
pub(crate) struct SecretScanner {
    automaton: Option<AhoCorasick>,
    /// The length of the longest literal `automaton` searches for.
    longest: usize,
    /// The literals searched for wherever they occur: the token prefixes not looked up at word
    /// starts, and the triggers of user regex rules.
    anywhere: Option<Anywhere>,
    kinds: Vec<Kind>,
    /// Per distinct last word, the key names ending in it (longest first).
    last_words: Vec<Vec<KeyName>>,
    /// Per literal searched for key names, the last words it starts (longest first): the word in
    /// lower case and its index into `last_words`.
    stems: Vec<Vec<StemWord>>,
    /// Token rules (`detector = "token"`) and the shape of their bodies.
    tokens: Vec<(RuleId, TokenShape)>,
    /// Their prefixes, and those of `word_kinds` (numbered after the tokens), looked up at word
    /// starts.
    token_prefixes: PrefixTable,
    /// The built-in prefix detectors looked up at word starts.
    word_kinds: Vec<Kind>,
}

/// A last word of key names, in lower case, with its index into `SecretScanner::last_words`.
type StemWord = (Box<[u8]>, usize);

/// A key name split into lower-case words, e.g. `secret_access_key` → `secret`, `access`, `key`.
#[derive(Clone, Debug)]
struct KeyName {
    words: Vec<Vec<u8>>,
    rule: RuleId,
    /// The last byte of the word before the last, lower-cased (0 for a name of one word): the
    /// byte a match must have before its last word, tested before the words are compared.
    before_last: u8,
    /// A name of one word that ends ordinary identifiers as often as secret ones ([`WEAK_NAMES`]):
    /// its value counts only when it looks generated ([`looks_generated`], by [`Strength`]).
    weak: bool,
}

/// Key names of one word that also end names holding no secret (`cache_key`, `sort_key`, `?key=`
/// of a search form): under them, and under a vendor's name before them that no list holds
/// (`STRIPE_KEY`, `consumer_key`, `JWT_KEY`), a value counts when it looks generated.
const WEAK_NAMES: [&str; 1] = ["key"];

/// How sure a key name is that its value is a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strength {
    /// A name of the list (`password`, `api_key`): any value but a placeholder.
    Named,
    /// A weak name after a vendor's (`STRIPE_KEY`, `asanaKey`): a value of 12 bytes or more
    /// that looks generated.
    Vendor,
    /// A weak name alone (`key=`, `?key=`), or a value given after a comma (`apiToken,x,`): 16
    /// bytes or more with letters and digits.
    Bare,
}

/// Per user regex rule, the lines of the input that hold one of its triggers, in input order.
pub(crate) struct Fired {
    lines: Vec<Vec<std::ops::Range<usize>>>,
}

impl Fired {
    /// Rule `rule` runs on the line holding byte `at` of `input` (once, however many triggers the
    /// line holds: triggers are reported in input order).
    fn add_line(&mut self, rule: usize, input: &[u8], at: usize) {
        // Grown on the first trigger: most inputs hold none, and this runs once per scanned slice.
        if self.lines.len() <= rule {
            self.lines.resize_with(rule + 1, Vec::new);
        }
        let lines = &mut self.lines[rule];
        if lines.last().is_some_and(|l| at < l.end) {
            return;
        }
        let start = memchr::memrchr(b'\n', &input[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &input[at..]).map_or(input.len(), |i| at + i);
        lines.push(start..end);
    }

    /// The lines where rule `i` runs.
    pub fn lines(&self, i: usize) -> &[std::ops::Range<usize>] {
        self.lines.get(i).map_or(&[], Vec::as_slice)
    }
}

/// The triggers of user rules by their text, to find every trigger that starts at a position: one
/// lookup per distinct trigger length, however many rules there are (comparing each trigger there
/// made a pack of 500 triggered rules scrub at 3 MB/s).
#[derive(Clone, Debug, Default)]
struct TriggerIndex {
    /// Which bytes begin some trigger: most positions a match covers begin none, and are passed
    /// over without hashing anything.
    first: [u64; 4],
    lengths: Vec<usize>,
    rules: std::collections::HashMap<Box<[u8]>, Vec<usize>, crate::fxhash::FxBuildHasher>,
}

impl TriggerIndex {
    fn new<'a>(triggers: impl IntoIterator<Item = (&'a [u8], usize)>) -> TriggerIndex {
        let mut index = TriggerIndex::default();
        for (bytes, rule) in triggers {
            if let Some(&b) = bytes.first() {
                index.first[usize::from(b >> 6)] |= 1 << (b & 63);
            }
            if !index.lengths.contains(&bytes.len()) {
                index.lengths.push(bytes.len());
            }
            let rules = index.rules.entry(bytes.into()).or_default();
            if !rules.contains(&rule) {
                rules.push(rule);
            }
        }
        index
    }

    /// Calls `f(rule)` for every rule with a trigger that starts at `at`.
    fn each_at(&self, input: &[u8], at: usize, mut f: impl FnMut(usize)) {
        if input
            .get(at)
            .is_none_or(|&b| self.first[usize::from(b >> 6)] >> (b & 63) & 1 == 0)
        {
            return;
        }
        for &len in &self.lengths {
            if let Some(rules) = input.get(at..at + len).and_then(|t| self.rules.get(t)) {
                rules.iter().for_each(|&r| f(r));
            }
        }
    }
}

/// One search for the literals that count wherever they occur: the token prefixes that are not
/// looked up at word starts (header names such as `X-Auth-Key: `, see [`PrefixTable::others`]) and
/// the triggers of user regex rules. One Teddy pass over the input instead of one each.
///
/// Leftmost-first, which Teddy accelerates (an overlapping search cannot use it and ran at a
/// thirtieth of the speed), with the prefixes listed first. So every trigger counts, including one
/// that starts inside another match (checked by hand over each match), and prefixes do not overlap
/// each other, as in a search of prefixes alone; a prefix that starts inside a trigger is checked
/// by hand too.
#[derive(Clone, Debug)]
struct Anywhere {
    search: Search,
    /// Patterns below this index are prefixes (indexes into [`PrefixTable::others`]); the rest are
    /// triggers.
    prefixes: usize,
    /// The prefixes by their text, each with its index, and their lengths.
    prefix_index: TriggerIndex,
    prefix_lens: Vec<usize>,
    /// The triggers by their text, each with its user rules.
    triggers: TriggerIndex,
}

impl Anywhere {
    fn new(prefixes: &[(Box<[u8]>, usize)], triggers: &[(String, usize)]) -> Option<Anywhere> {
        if prefixes.is_empty() && triggers.is_empty() {
            return None;
        }
        let mut patterns: Vec<&[u8]> = prefixes.iter().map(|(p, _)| &p[..]).collect();
        // A trigger that several rules share (`auth`) is searched for once: the index below
        // finds its rules by its text, and Teddy has room for 64 patterns.
        let mut seen = std::collections::HashSet::new();
        let triggers_once: Vec<&[u8]> = triggers
            .iter()
            .map(|(t, _)| t.as_bytes())
            .filter(|t| seen.insert(*t))
            .collect();
        // The triggers' order does not matter here (every trigger at a position is looked up by
        // its text, below), so it is chosen for Teddy's buckets.
        let order = super::buckets::teddy_order(&patterns, &triggers_once);
        patterns.extend(order.iter().map(|&i| triggers_once[i]));
        let search = match aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .only_teddy_fat(Some(true))
            .builder()
            .extend(&patterns)
            .build()
        {
            Some(teddy) => Search::Teddy(teddy),
            None => Search::Automaton(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&patterns)
                    .ok()?,
            ),
        };
        Some(Anywhere {
            search,
            prefixes: prefixes.len(),
            prefix_lens: prefixes.iter().map(|(p, _)| p.len()).collect(),
            prefix_index: TriggerIndex::new(
                prefixes.iter().enumerate().map(|(i, (p, _))| (&p[..], i)),
            ),
            triggers: TriggerIndex::new(triggers.iter().map(|(t, r)| (t.as_bytes(), *r))),
        })
    }

    /// Adds the prefixes found to `prefixes` (`(start, end, index)`, in input order) and the lines
    /// of the triggers found to `fired`.
    fn find(&self, input: &[u8], prefixes: &mut Vec<(usize, usize, usize)>, fired: &mut Fired) {
        // Where the last prefix found ends: prefixes do not overlap.
        let mut prefix_end = 0;
        let mut each = |start: usize, end: usize, id: usize| {
            // Every trigger that starts inside this match (the search reports one per position,
            // and none that starts inside another): those of other rules count too.
            for at in start..end {
                self.triggers
                    .each_at(input, at, |rule| fired.add_line(rule, input, at));
            }
            if id < self.prefixes {
                if start >= prefix_end {
                    prefixes.push((start, end, id));
                    prefix_end = end;
                }
                return;
            }
            // A trigger: no prefix starts where it does (prefixes are listed first), but one may
            // start inside it. The first listed wins at a position, as in the search.
            for at in start + 1..end {
                if at < prefix_end {
                    continue;
                }
                let mut first: Option<usize> = None;
                self.prefix_index.each_at(input, at, |i| {
                    first = Some(first.map_or(i, |f| f.min(i)));
                });
                if let Some(i) = first {
                    prefix_end = at + self.prefix_lens[i];
                    prefixes.push((at, prefix_end, i));
                }
            }
        };
        match &self.search {
            Search::Teddy(teddy) => {
                for m in teddy.find_iter(input) {
                    each(m.start(), m.end(), m.pattern().as_usize());
                }
            }
            Search::Automaton(ac) => {
                for m in ac.find_iter(input) {
                    each(m.start(), m.end(), m.pattern().as_usize());
                }
            }
        }
    }
}

/// How [`Anywhere`] searches: with Teddy of sixteen buckets ("fat") while its patterns fit Teddy,
/// which is what the literal automaton of this module picks for its own patterns, so the two
/// searches over every text byte run one copy of the code. (Each packed searcher the automaton
/// picks is its own code; with the two searches' code apart, the full catalog scanned text at 30%
/// PII at 0.898–0.901× the default pack's speed, with it shared at 0.912–0.916×, three runs each.)
/// An automaton for more patterns than Teddy takes (a user pack with hundreds of triggers).
#[derive(Clone, Debug)]
enum Search {
    Teddy(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

/// Whether the word before a `key` that starts at `ws` makes it a key of records, not a
/// credential: `idempotency_key`, `cacheKey`, `partition-key`, `public_key`.
fn names_a_record(input: &[u8], ws: usize) -> bool {
    const RECORDS: [&[u8]; 23] = [
        b"cache",
        b"sort",
        b"partition",
        b"routing",
        b"idempotency",
        b"object",
        b"primary",
        b"foreign",
        b"dedup",
        b"dedupe",
        b"lookup",
        b"hash",
        b"row",
        b"unique",
        b"shard",
        b"bucket",
        b"map",
        b"group",
        b"message",
        b"index",
        b"sequence",
        b"public",
        b"pub",
    ];
    let end = ws - usize::from(is_name_separator(input[ws - 1]));
    let start = run_start(input, end, 16, |b| b.is_ascii_alphabetic());
    // In camel case the word starts at its capital (`userCacheKey`).
    let word = &input[start..end];
    let word = word
        .iter()
        .rposition(u8::is_ascii_uppercase)
        .filter(|&i| i > 0 && word[i - 1].is_ascii_lowercase())
        .map_or(word, |i| &word[i..]);
    RECORDS.iter().any(|r| word.eq_ignore_ascii_case(r))
}

/// What may stand between the words of a key name: `api_key`, `api-key`, `api.key` (a property).
fn is_name_separator(b: u8) -> bool {
    matches!(b, b'_' | b'-' | b'.')
}

/// Beginnings shared by several last words of key names, searched for once for all of them
/// (`pass` for `password`, `passwd`, `passphrase`, `passcode` and `pass`): the literal search has
/// room for 64 patterns in Teddy, and each word costs three (its spellings).
const KEY_STEMS: [&str; 2] = ["pass", "cred"];

/// The three spellings of a word searched for: `key`, `Key`, `KEY`.
fn case_forms(word: &str) -> [String; 3] {
    let mut cap = word.to_string();
    if let Some(first) = cap.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    [word.to_string(), cap, word.to_ascii_uppercase()]
}

/// Whether the words before the last one stand right before `at`, each optionally followed by `_`,
/// `-` or `.`, compared case-insensitively: `api_key`, `apiKey`, `API-KEY`, `apikey`, `api.key`.
/// Returns where the first of them starts.
fn preceded_by_words(input: &[u8], at: usize, words: &[Vec<u8>]) -> Option<usize> {
    let mut pos = at;
    for w in words.iter().rev() {
        if pos > 0 && is_name_separator(input[pos - 1]) {
            pos -= 1;
        }
        if pos < w.len() || !input[pos - w.len()..pos].eq_ignore_ascii_case(w) {
            return None;
        }
        pos -= w.len();
    }
    Some(pos)
}

impl SecretScanner {
    /// `builtin` lists the enabled literal-prefix detectors; `key_values` the key_value rules with their
    /// names; `user_triggers` the triggers of each user regex rule, by index; `tokens` the token
    /// rules with their prefixes.
    pub fn new(
        builtin: &[(Detector, RuleId)],
        key_values: &[(RuleId, &[String])],
        email: Option<RuleId>,
        user_triggers: &[&[String]],
        tokens: &[(RuleId, &[String], &TokenShape)],
    ) -> SecretScanner {
        let mut pats: Vec<(String, Kind)> = Vec::new();
        let mut triggers_pats: Vec<(String, usize)> = Vec::new();
        let mut add = |lits: &[&str], kind: Kind| {
            for l in lits {
                pats.push((l.to_string(), kind));
            }
        };
        for &(det, rule) in builtin {
            match det {
                Detector::StripeKey => add(
                    &[
                        "sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_",
                        "whsec_",
                    ],
                    Kind::Prefixed {
                        rule,
                        class: BodyClass::Alnum,
                        min: 8,
                        max: 256,
                    },
                ),
                Detector::AwsAccessKey => {
                    // Long-term, temporary (STS), STS service bearer and context-specific key ids.
                    add(
                        &["AKIA", "ASIA", "ABIA", "ACCA"],
                        Kind::Prefixed {
                            rule,
                            class: BodyClass::UpperAlnum,
                            min: 16,
                            max: 16,
                        },
                    );
                    // The old `A3T` + one character form that scanners still find in the wild.
                    add(
                        &["A3T"],
                        Kind::Prefixed {
                            rule,
                            class: BodyClass::UpperAlnum,
                            min: 17,
                            max: 17,
                        },
                    );
                }
                Detector::Jwt => add(&["eyJ"], Kind::Jwt(rule)),
                Detector::AuthHeader => {
                    add(&["Bearer ", "bearer ", "BEARER "], Kind::Bearer(rule));
                    add(&["Basic ", "basic ", "BASIC "], Kind::Basic(rule));
                    add(
                        &["Authorization: ", "authorization: "],
                        Kind::Authorization(rule),
                    );
                    // Also finds `Set-Cookie: ` (and `set-cookie: `), which ends the same way.
                    add(&["Cookie: ", "cookie: "], Kind::Cookie(rule));
                    add(&[" -u ", " --user ", " --user="], Kind::CurlUser(rule));
                }
                Detector::GithubToken => {
                    add(
                        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
                        Kind::Prefixed {
                            rule,
                            class: BodyClass::Alnum,
                            min: 30,
                            max: 255,
                        },
                    );
                    add(
                        &["github_pat_"],
                        Kind::Prefixed {
                            rule,
                            class: BodyClass::AlnumUnderscore,
                            min: 22,
                            max: 255,
                        },
                    );
                }
                Detector::SlackToken => {
                    add(
                        &[
                            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xoxe.", "xapp-",
                        ],
                        Kind::Prefixed {
                            rule,
                            class: BodyClass::AlnumDash,
                            min: 10,
                            max: 255,
                        },
                    );
                    add(
                        &[
                            "hooks.slack.com/services/",
                            "hooks.slack.com/workflows/",
                            "hooks.slack.com/triggers/",
                        ],
                        Kind::SlackWebhook(rule),
                    );
                }
                Detector::PrivateKey => add(&["-----BEGIN "], Kind::Pem(rule)),
                _ => {}
            }
        }
        if email.is_some() {
            add(&["\\u0040"], Kind::EscapedAt);
        }
        let mut last_words: Vec<(String, Vec<KeyName>)> = Vec::new();
        for &(rule, keys) in key_values {
            for key in keys {
                let words: Vec<Vec<u8>> = key
                    .split('_')
                    .filter(|w| !w.is_empty())
                    .map(|w| w.as_bytes().to_vec())
                    .collect();
                let Some(last) = words
                    .last()
                    .map(|w| String::from_utf8_lossy(w).into_owned())
                else {
                    continue;
                };
                let before_last = words
                    .len()
                    .checked_sub(2)
                    .and_then(|i| words[i].last())
                    .map_or(0, u8::to_ascii_lowercase);
                let weak = words.len() == 1 && WEAK_NAMES.contains(&key.as_str());
                let name = KeyName {
                    words,
                    rule,
                    before_last,
                    weak,
                };
                match last_words.iter_mut().find(|(w, _)| *w == last) {
                    Some((_, names)) => names.push(name),
                    None => last_words.push((last, vec![name])),
                }
            }
        }
        let mut stems: Vec<(String, Vec<StemWord>)> = Vec::new();
        for (i, (word, names)) in last_words.iter_mut().enumerate() {
            // Longest name first: `secret_access_key` must win over `secret_key`... and `key` alone.
            names.sort_by_key(|n| std::cmp::Reverse(n.words.iter().map(Vec::len).sum::<usize>()));
            let stem = KEY_STEMS
                .iter()
                .find(|s| word.starts_with(**s))
                .map_or(word.as_str(), |s| s);
            let entry = (word.as_bytes().into(), i);
            match stems.iter_mut().find(|(s, _)| s == stem) {
                Some((_, words)) => words.push(entry),
                None => stems.push((stem.to_string(), vec![entry])),
            }
        }
        for (i, (stem, words)) in stems.iter_mut().enumerate() {
            words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
            for form in case_forms(stem) {
                pats.push((form, Kind::KeyName(i)));
            }
        }
        for (i, triggers) in user_triggers.iter().enumerate() {
            for t in triggers.iter() {
                triggers_pats.push((t.clone(), i));
            }
        }
        // The built-in prefixes of detectors that, like token rules, only accept a value that starts
        // a word (`sk_live_`, `AKIA`, `eyJ`, `ghp_`, `xoxb-`, `hooks.slack.com/…`) are looked up at
        // word starts with the token prefixes, which keeps the automaton below Teddy's 64 patterns
        // with room for key names.
        let (at_words, pats): (Vec<_>, Vec<_>) = pats.into_iter().partition(|(p, k)| {
            matches!(
                k,
                Kind::Prefixed { .. } | Kind::Jwt(_) | Kind::SlackWebhook(_)
            ) && p.bytes().next().is_some_and(anchors::word_byte)
        });
        // With the fewest bytes each whole token has: the search looks only where that many
        // token bytes follow a word start.
        let mut word_prefixes: Vec<(&str, usize, usize)> = tokens
            .iter()
            .enumerate()
            .flat_map(|(i, &(_, prefixes, shape))| {
                prefixes
                    .iter()
                    .map(move |p| (p.as_str(), i, p.len() + shape.min_len))
            })
            .collect();
        word_prefixes.extend(at_words.iter().enumerate().map(|(k, (p, kind))| {
            let body = match kind {
                Kind::Prefixed { min, .. } => *min,
                // A JWT's three segments, a webhook's path: at least ten bytes after the prefix.
                _ => 10,
            };
            (p.as_str(), tokens.len() + k, p.len() + body)
        }));
        let prefix_table = PrefixTable::new(&word_prefixes);
        // In the order that keeps Teddy's false candidates few: it keeps a literal before its
        // extensions (`cvv`, `cvv2`), the only literals a leftmost-first search finds at one
        // position, so what the search prefers is unchanged.
        let order = super::buckets::teddy_order(
            &[],
            &pats.iter().map(|(p, _)| p.as_bytes()).collect::<Vec<_>>(),
        );
        let mut slots: Vec<Option<(String, Kind)>> = pats.into_iter().map(Some).collect();
        let pats: Vec<(String, Kind)> = order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
            .collect();
        let automaton = if pats.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(pats.iter().map(|(p, _)| p.as_bytes()))
                .ok()
        };
        let anywhere = Anywhere::new(prefix_table.others(), &triggers_pats);
        SecretScanner {
            automaton,
            longest: pats.iter().map(|(p, _)| p.len()).max().unwrap_or(0),
            anywhere,
            kinds: pats.into_iter().map(|(_, k)| k).collect(),
            last_words: last_words.into_iter().map(|(_, names)| names).collect(),
            stems: stems.into_iter().map(|(_, words)| words).collect(),
            tokens: tokens
                .iter()
                .map(|&(rule, _, shape)| (rule, shape.clone()))
                .collect(),
            token_prefixes: prefix_table,
            word_kinds: at_words.into_iter().map(|(_, k)| k).collect(),
        }
    }

    /// Runs the search, records what it finds, and reports which user rules were triggered.
    pub fn find(&self, d: &Detectors, sink: &mut Candidates<'_>) -> Fired {
        let mut fired = Fired { lines: Vec::new() };
        if let Some(ac) = &self.automaton {
            self.scan(ac, d, sink, 0..sink.input.len(), false);
        }
        // The triggers, and the token prefixes found where they occur rather than at word starts.
        let mut others_found = Vec::new();
        if let Some(anywhere) = &self.anywhere {
            anywhere.find(sink.input, &mut others_found, &mut fired);
        }
        // Token prefixes in passes of their own: a prefix inside a value another detector found
        // (`password=glpat-…`) is still judged, and overlaps are resolved afterwards.
        // Per token rule, where its last body ended: a prefix inside that body is not read again,
        // so a flood of prefixes (`ABSKABSK…`) costs one read of the body per rule, not one each.
        let mut resume: Vec<usize> = Vec::new();
        self.token_prefixes
            .each(sink.input, &others_found, |start, end, t| {
                if resume.is_empty() {
                    resume = vec![0; self.tokens.len() + self.word_kinds.len()];
                }
                if start < resume[t] {
                    return;
                }
                resume[t] = match self.tokens.get(t) {
                    Some((rule, shape)) => token::at_prefix(sink, start, end, *rule, shape),
                    None => match self.word_kinds[t - self.tokens.len()] {
                        Kind::Prefixed {
                            rule,
                            class,
                            min,
                            max,
                        } => prefixed(sink, start, end, rule, class, min, max),
                        Kind::Jwt(rule) => jwt(sink, start, rule),
                        Kind::SlackWebhook(rule) => slack_webhook(sink, end, rule),
                        _ => end,
                    },
                };
            });
        fired
    }

    /// Searches `range`. The value of a key/value match is searched once more (`nested`), so a Slack
    /// token or JWT in `token=...` is reported under its own, more specific rule; a nested search does
    /// not look inside values again, so every byte is searched at most twice.
    fn scan(
        &self,
        ac: &AhoCorasick,
        d: &Detectors,
        sink: &mut Candidates<'_>,
        range: std::ops::Range<usize>,
        nested: bool,
    ) {
        let input = sink.input;
        let mut resume = range.start;
        // A value's search also takes the literals that start in it and end after it
        // (`FOO_KEY=x1Basic dXNlcjpwYXNz`: the outer search resumes after the value).
        let (range, starts_before) = if nested {
            let end = range.end.saturating_add(self.longest).min(input.len());
            (range.start..end, range.end)
        } else {
            (range, usize::MAX)
        };
        for m in ac.find_iter(aho_corasick::Input::new(input).range(range)) {
            if m.start() >= starts_before {
                break;
            }
            let kind = self.kinds[m.pattern().as_usize()];
            if m.start() < resume {
                continue;
            }
            resume = match kind {
                Kind::Prefixed {
                    rule,
                    class,
                    min,
                    max,
                } => prefixed(sink, m.start(), m.end(), rule, class, min, max),
                Kind::Jwt(rule) => jwt(sink, m.start(), rule),
                // Resume at the value, not after it, so a JWT after `Bearer ` is still seen as one.
                Kind::Bearer(rule) => auth_value(sink, m.end(), rule, false),
                Kind::Basic(rule) => auth_value(sink, m.end(), rule, true),
                Kind::Authorization(rule) => authorization(sink, m.start(), m.end(), rule),
                Kind::Cookie(rule) => cookies(sink, m.start(), m.end(), rule),
                Kind::CurlUser(rule) => curl_user(sink, m.end(), rule),
                Kind::SlackWebhook(rule) => slack_webhook(sink, m.end(), rule),
                Kind::Pem(rule) => pem(sink, m.start(), m.end(), rule),
                Kind::KeyName(_) if nested => m.end(),
                Kind::KeyName(stem) => match self.key_at(input, m.start(), stem) {
                    None => m.end(),
                    Some((ks, ke, rule, strength)) => match key_value(sink, ks, ke, rule, strength)
                    {
                        Ok(value) => {
                            let end = value.end;
                            self.scan(ac, d, sink, value, true);
                            end
                        }
                        Err(resume) => resume,
                    },
                },
                Kind::EscapedAt => at_sign::email(d, sink, m.start(), 6).unwrap_or(m.end()),
            };
        }
    }
}

impl SecretScanner {
    /// Which key name, if any, ends with a last word that starts at `ws` with the stem matched
    /// there (longest word first: `password` before `pass`), as [`SecretScanner::key_rule`] says.
    fn key_at(
        &self,
        input: &[u8],
        ws: usize,
        stem: usize,
    ) -> Option<(usize, usize, RuleId, Strength)> {
        self.stems[stem].iter().find_map(|(word, w)| {
            let we = ws + word.len();
            let spelled = input
                .get(ws..we)
                .is_some_and(|text| text.eq_ignore_ascii_case(word));
            spelled.then(|| self.key_rule(input, ws, we, *w)).flatten()
        })
    }

    /// Which key name, if any, ends with the word matched at `[ws, we)`: its start, its end (after
    /// a numbered suffix such as the `_2` of `api_token_2`) and rule.
    fn key_rule(
        &self,
        input: &[u8],
        ws: usize,
        we: usize,
        word: usize,
    ) -> Option<(usize, usize, RuleId, Strength)> {
        let ke = numbered_suffix_end(input, we);
        // Most hits are words inside longer identifiers (`keys`, `tokenizer`): reject them first.
        if input.get(ke).is_some_and(|&b| is_ident_byte(b)) {
            return None;
        }
        // A short name of one word glued to a lower-case word is part of it (`bypass`, `cwd`).
        let glued = ws > 0 && input[ws - 1].is_ascii_lowercase() && input[ws].is_ascii_lowercase();
        // The byte a longer name's word before the last ends with (`preceded_by_words` skips one
        // `_`, `-` or `.` first): `key` ends two dozen names, and most of its hits (`cache_key`,
        // `key=`) are turned away by this one compare per name.
        let skip = usize::from(ws > 0 && is_name_separator(input[ws - 1]));
        let before = ws
            .checked_sub(skip + 1)
            .map_or(0xFF, |i| input[i].to_ascii_lowercase());
        self.last_words[word].iter().find_map(|name| {
            if glued && name.words.len() == 1 && we - ws <= 4 {
                return None;
            }
            if name.before_last != 0 && name.before_last != before {
                return None;
            }
            let before = &name.words[..name.words.len() - 1];
            let strength = match name.weak {
                false => Strength::Named,
                // A vendor's name before it: `STRIPE_KEY`, `api.key`, `asanaKey`; not a key
                // that names a record (`idempotency_key`, `partition_key`, `public_key`).
                true if ws > 0
                    && (is_name_separator(input[ws - 1])
                        || input[ws - 1].is_ascii_alphanumeric()) =>
                {
                    if names_a_record(input, ws) {
                        return None;
                    }
                    Strength::Vendor
                }
                true => Strength::Bare,
            };
            preceded_by_words(input, ws, before).map(|start| (start, ke, name.rule, strength))
        })
    }
}

/// After a key name ending at `we`, the end of a numbered suffix (`_2`, `-2`, `2`: `api_token_2`,
/// `password2`), or `we` when there is none.
fn numbered_suffix_end(input: &[u8], we: usize) -> usize {
    let from = we + usize::from(matches!(input.get(we), Some(b'_' | b'-')));
    let digits = input.get(from..).map_or(0, |rest| {
        rest.iter()
            .take(3)
            .take_while(|b| b.is_ascii_digit())
            .count()
    });
    if digits == 0 { we } else { from + digits }
}

/// [`run_end`] backwards: where the run of at most `max` accepted bytes that ends at `to` starts.
fn run_start(input: &[u8], to: usize, max: usize, accept: impl Fn(u8) -> bool) -> usize {
    let limit = to.saturating_sub(max);
    let mut i = to;
    while i > limit && accept(input[i - 1]) {
        i -= 1;
    }
    i
}

fn run_end(input: &[u8], from: usize, max: usize, accept: impl Fn(u8) -> bool) -> usize {
    let limit = from.saturating_add(max).min(input.len());
    let mut i = from;
    while i < limit && accept(input[i]) {
        i += 1;
    }
    i
}

fn prefixed(
    sink: &mut Candidates<'_>,
    start: usize,
    body: usize,
    rule: RuleId,
    class: BodyClass,
    min: usize,
    max: usize,
) -> usize {
    let input = sink.input;
    if start > 0 && super::word_before(input[start - 1]) {
        return body;
    }
    let end = run_end(input, body, max + 1, |b| class.accepts(b));
    let len = end - body;
    let boundary = input.get(end).is_none_or(|b| !super::word_after(b));
    if len >= min && len <= max && boundary {
        sink.push(start, end, rule);
    }
    end
}

/// The path after `hooks.slack.com/services/` (or `workflows/`, `triggers/`).
fn slack_webhook(sink: &mut Candidates<'_>, from: usize, rule: RuleId) -> usize {
    let input = sink.input;
    let end = run_end(input, from, 255, |b| {
        b.is_ascii_alphanumeric() || b == b'/' || b == b'_'
    });
    if end - from >= 10 {
        sink.push(from, end, rule);
    }
    end
}

fn base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn jwt(sink: &mut Candidates<'_>, start: usize, rule: RuleId) -> usize {
    let input = sink.input;
    if start > 0
        && (base64url(input[start - 1])
            || super::word_before(input[start - 1])
            || input[start - 1] == b'.')
    {
        return start + 3;
    }
    let e1 = run_end(input, start, usize::MAX, base64url);
    if input.get(e1) != Some(&b'.') {
        return e1;
    }
    let e2 = run_end(input, e1 + 1, usize::MAX, base64url);
    if e2 - e1 < 3 || input.get(e2) != Some(&b'.') {
        return e2;
    }
    let e3 = run_end(input, e2 + 1, usize::MAX, base64url);
    if e1 - start >= 10 {
        sink.push(start, e3, rule);
    }
    e3
}

fn auth_value(sink: &mut Candidates<'_>, from: usize, rule: RuleId, basic: bool) -> usize {
    let input = sink.input;
    let mut from = run_end(input, from, 16, |b| b == b' ');
    // Free text: "Bearer token 4VJ4yhzaoPe… expired".
    if !basic
        && input
            .get(from..from + 6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"token "))
    {
        from = run_end(input, from + 6, 16, |b| b == b' ');
    }
    let end = if basic {
        run_end(input, from, 4096, |b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
        })
    } else {
        // RFC 6750's b64token, and `%`: Twitter's app-only bearer tokens are percent-encoded
        // (`AAAA…%2BuSeid%2B…%3D…`); and `:` inside the token, which Asana's personal access
        // tokens hold before their secret (`2/<user>/<token>:<32 hex>`), not at its end
        // (`Bearer abc123def456: rejected`).
        let end = run_end(input, from, 8192, |b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'%' | b':'
                )
        });
        from + input[from..end]
            .iter()
            .rposition(|&b| b != b':')
            .map_or(0, |i| i + 1)
    };
    let len = end - from;
    // A field after the scheme's name is no credential (`token_type=Bearer expires_in=3600`): an
    // `=` inside the run that is not padding at its end.
    let field = memchr::memchr(b'=', &input[from..end])
        .is_some_and(|eq| input[from + eq..end].iter().any(|&b| b != b'='));
    if field {
        return from;
    }
    // Whatever comes after the run (`**` of markdown, `[0]`, one of logscrub's own replacements) does
    // not make it less of a credential. What a second pass would judge differently after a
    // replacement is for `settle` to catch, not for this detector to skip.
    if len >= 8 && (!basic || len % 4 == 0) {
        sink.push(from, end, rule);
    }
    from
}

/// Whether `b` may be part of a header value: anything but a line break, a quote or a backslash
/// (which end the value when the header sits inside a JSON string).
fn header_byte(b: u8) -> bool {
    !matches!(b, b'\r' | b'\n' | b'"' | b'\'' | b'\\')
}

/// After `Authorization: `: Bearer and Basic credentials are left to their own patterns (found right
/// after this one); any other scheme (`Token`, `Api-Token`, `Digest ...`, `SSWS`, `AWS4-HMAC-SHA256
/// Credential=..., Signature=...`) keeps its name and loses the rest of the header; a value without a
/// scheme is replaced whole.
fn authorization(sink: &mut Candidates<'_>, start: usize, from: usize, rule: RuleId) -> usize {
    let input = sink.input;
    // Inside a JSON or quoted string the value ends at the quote; a raw header line holds quotes
    // of its own (`Digest username="Mufasa", response="6629..."`) and ends at the line break.
    let quoted = start > 0 && matches!(input[start - 1], b'"' | b'\'');
    // More blanks after the colon than the one the pattern holds (`Authorization:  5eb4…`, curl
    // examples aligned by hand) are layout too.
    let from = run_end(input, from, 16, |b| b == b' ' || b == b'\t');
    let scheme_end = run_end(input, from, 32, |b| b.is_ascii_alphanumeric() || b == b'-');
    let scheme = &input[from..scheme_end];
    // Bearer and Basic (also behind markup, `**Bearer x**`) have their own patterns. A verdict
    // is no scheme (`authorization: granted role=admin`, an access decision logged).
    const VERDICTS: [&[u8]; 8] = [
        b"granted",
        b"denied",
        b"failed",
        b"required",
        b"missing",
        b"invalid",
        b"expired",
        b"succeeded",
    ];
    if scheme.is_empty()
        || scheme.eq_ignore_ascii_case(b"bearer")
        || scheme.eq_ignore_ascii_case(b"basic")
        || VERDICTS.iter().any(|v| scheme.eq_ignore_ascii_case(v))
    {
        return from;
    }
    let value_start = if input.get(scheme_end) == Some(&b' ') {
        scheme_end + 1
    } else {
        from
    };
    let end = if quoted {
        run_end(input, value_start, 16 * 1024, header_byte)
    } else {
        run_end(input, value_start, 16 * 1024, |b| {
            !matches!(b, b'\r' | b'\n')
        })
    };
    // Trailing spaces stay (they are layout, not credential).
    let mut e = end;
    while e > value_start && input[e - 1] == b' ' {
        e -= 1;
    }
    let value = &input[value_start..e];
    // A bare word (`Authorization: missing`, `: none`) is not a credential; a schemeless token is
    // long or holds a digit.
    let credential = if value_start > from {
        value.len() >= 4
    } else {
        value.len() >= 20 || value.len() >= 8 && value.iter().any(u8::is_ascii_digit)
    };
    if credential {
        sink.push(value_start, e, rule);
    }
    end
}

/// After ` -u `, ` --user ` or ` --user=` (curl, wget, httpie): `user:password`, quoted whole or
/// only the password (`kevin:'pa ss'`), the password replaced.
fn curl_user(sink: &mut Candidates<'_>, from: usize, rule: RuleId) -> usize {
    let input = sink.input;
    let from = run_end(input, from, 8, |b| b == b' ');
    let quoted = matches!(input.get(from), Some(b'"' | b'\''));
    let start = from + usize::from(quoted);
    let mut end = run_end(input, start, 4096, |b| {
        !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'')
    });
    // Inside a JSON string the command's quotes are escaped (`-u b:c\"…`): the backslash ends the
    // value with its quote. Taken into the value, it would be replaced with the quote after it,
    // and the text after the replacement would read as more of the value on a second pass.
    if end > start && input[end - 1] == b'\\' && matches!(input.get(end), Some(b'"' | b'\'')) {
        end -= 1;
    }
    let Some(colon) = input[start..end].iter().position(|&b| b == b':') else {
        return end;
    };
    let password = start + colon + 1;
    // `user:'password'`, or `user:\"password\"` inside a JSON string: the password is what the
    // quotes hold.
    let escaped = input.get(end) == Some(&b'\\');
    if !quoted
        && password == end
        && let Some(&quote) = input
            .get(end + usize::from(escaped))
            .filter(|&&b| matches!(b, b'"' | b'\''))
    {
        let from = end + usize::from(escaped) + 1;
        let close = run_end(input, from, 4096, |b| {
            b != quote && b != b'\n' && !(escaped && b == b'\\')
        });
        if close > from {
            sink.push(from, close, rule);
        }
        return close;
    }
    if password < end {
        sink.push(password, end, rule);
    }
    end
}

/// After `Cookie: ` or `Set-Cookie: `: every `name=value` of a request's cookies; only the first of a
/// response's (the rest are attributes: `Path=/`, `Expires=...`, `HttpOnly`).
fn cookies(sink: &mut Candidates<'_>, start: usize, from: usize, rule: RuleId) -> usize {
    let input = sink.input;
    let set = start >= 4 && input[start - 4..start].eq_ignore_ascii_case(b"set-");
    let mut i = from;
    loop {
        i = run_end(input, i, 16, |b| b == b' ');
        let name_end = run_end(input, i, 256, |b| {
            header_byte(b) && !matches!(b, b'=' | b';' | b' ' | b',')
        });
        if name_end == i || input.get(name_end) != Some(&b'=') {
            return name_end;
        }
        let vs = name_end + 1;
        let ve = run_end(input, vs, 16 * 1024, |b| {
            header_byte(b) && b != b';' && b != b' '
        });
        if ve > vs {
            sink.push(vs, ve, rule);
        }
        if set || input.get(ve) != Some(&b';') {
            return ve;
        }
        i = ve + 1;
    }
}

fn pem(sink: &mut Candidates<'_>, start: usize, header: usize, rule: RuleId) -> usize {
    let input = sink.input;
    let head_end = (header + 64).min(input.len());
    // The label is upper-case letters, digits and spaces (`RSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`),
    // ended by `-----`. Stopping at any other byte, rather than looking for `-----` anywhere in the
    // next 64 bytes, keeps the decision the same on a second pass, where a value replaced inside the
    // would-be label is shorter and its token's `[` ends the label.
    let dash = header
        + input[header..head_end]
            .iter()
            .take_while(|&&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
            .count();
    if !input[dash..].starts_with(b"-----") {
        return dash;
    }
    let label = &input[header..dash];
    if memchr::memmem::find(label, b"PRIVATE KEY").is_none() {
        return dash;
    }
    let body = dash + 5;
    // Key material never holds another `-----BEGIN`: a block ends at the next one if no END line
    // comes first, so each byte is searched once however many blocks the input has.
    let limit =
        memchr::memmem::find(&input[body..], b"-----BEGIN").map_or(input.len(), |i| body + i);
    let prefix = KeyPrefix::of(input, start);
    let end = match memchr::memmem::find(&input[body..limit], b"-----END ") {
        None => unterminated_end(input, body, limit, &prefix),
        Some(e) => {
            let tail = body + e + 9;
            let tail_end = (tail + 64).min(input.len());
            match memchr::memmem::find(&input[tail..tail_end], b"-----") {
                Some(t) => tail + t + 5,
                None => tail_end,
            }
        }
    };
    pem_lines(sink, start, end, &prefix, rule);
    // The search resumes after the first line only: on the block's later lines the fields of the
    // log prefix stay text (see `pem_lines`), and a key name there (`passwd: …`) must be found as
    // on any other line — a second pass, which no longer sees the BEGIN line, would find it.
    memchr::memchr(b'\n', &input[start..end]).map_or(end, |i| start + i)
}

/// How far back from `-----BEGIN` a key line's log prefix is read (see [`KeyPrefix`]).
const PEM_PREFIX_MAX: usize = 512;

/// What a log pipeline put before a key's text on the `-----BEGIN` line, which its later lines
/// repeat before theirs (see [`pem_lines`]): the whitespace-separated fields, and any text glued
/// to the marker (`key=`).
struct KeyPrefix<'a> {
    /// The fields, as written.
    text: &'a [u8],
    fields: usize,
    glued: &'a [u8],
}

impl KeyPrefix<'_> {
    fn of(input: &[u8], start: usize) -> KeyPrefix<'_> {
        // The prefix is read within the last `PEM_PREFIX_MAX` bytes of the line: a line of key
        // blocks back to back must not be read back to its start for each block (quadratic).
        // Fields beyond that are not counted, so later lines give up fewer of theirs: more is
        // redacted, never less.
        let window = start.saturating_sub(PEM_PREFIX_MAX);
        let line_start =
            memchr::memrchr(b'\n', &input[window..start]).map_or(window, |i| window + i + 1);
        let prefix = &input[line_start..start];
        let glued_len = prefix.iter().rev().take_while(|b| !field_space(b)).count();
        let text = &prefix[..prefix.len() - glued_len];
        KeyPrefix {
            text,
            fields: fields(text).count(),
            glued: &prefix[prefix.len() - glued_len..],
        }
    }

    /// Whether `other`, what a later line gave up before its key text, repeats this prefix as a
    /// log pipeline does: the same fields but for those holding a digit (a timestamp, a pid).
    /// `ERROR load key: expected` and `INFO retrying in 5s` are not.
    fn repeated_in(&self, other: &[u8]) -> bool {
        let digit = |f: &[u8]| f.iter().any(u8::is_ascii_digit);
        // `other` holds the fields `key_text_start` counted (and then the glued text, if any).
        fields(self.text)
            .zip(fields(other))
            .all(|(a, b)| a == b || digit(a) && digit(b))
    }

    /// Where the key text starts on the line at `line` (see [`key_text_start`]).
    fn text_start(&self, input: &[u8], line: usize, end: usize) -> usize {
        key_text_start(input, line, end, self.fields, self.glued)
    }
}

/// The bytes that separate a log prefix's fields.
fn field_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// The whitespace-separated fields of `text`.
fn fields(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(field_space).filter(|f| !f.is_empty())
}

/// Where a key block with no END line before `limit` ends: the rest of its `-----BEGIN` line,
/// then every following line that holds key material, with blank lines between them. The first
/// other line is not key material: the key was cut short there (a truncated log), or the marker
/// was only named (`expected "-----BEGIN PRIVATE KEY-----"` in an error message). Reading to
/// `limit` instead took every line after such a message, the rest of a CLI chunk: thousands of
/// ordinary lines.
///
/// A line holds key material when its key text (after the log prefix the first line had, and
/// any indentation) is base64 or an encrypted key's `Proc-Type:` or `DEK-Info:` header; when,
/// once a body has begun, its last field is base64 (a message that put words before the marker
/// gives its key lines fewer fields than the first line's: `… stdout F loaded key: -----BEGIN`
/// then `… stdout F MIIE…`); or when it holds a run of 40 base64 characters anywhere (a key line
/// in a container runtime's JSON, `{"log":"MIIE…\n",…}`, or quoted in source, `"MIIE…\n" +`).
/// Lines so taken are redacted after their log prefix, or whole (`pem_lines`).
fn unterminated_end(input: &[u8], body: usize, limit: usize, prefix: &KeyPrefix<'_>) -> usize {
    let mut end = memchr::memchr(b'\n', &input[body..limit]).map_or(limit, |i| body + i);
    let mut in_body = false;
    let mut at = end;
    while at < limit {
        let line = at + 1;
        let eol = memchr::memchr(b'\n', &input[line..limit]).map_or(limit, |i| line + i);
        let text_start = prefix.text_start(input, line, eol);
        let text = input[text_start..eol].trim_ascii();
        if !text.is_empty() {
            let header = text.starts_with(b"Proc-Type:") || text.starts_with(b"DEK-Info:");
            // A short line is a body's only when one has begun, the line gave up no prefix
            // fields, or the first line's prefix is repeated before it (asked at most once a
            // block: a short line either begins the body or ends the block).
            let short_ok =
                || in_body || text_start == line || prefix.repeated_in(&input[line..text_start]);
            let whole_line = &input[line..eol];
            let last_field = || {
                let field_end = |b: &u8| field_space(b) || *b == b'\r';
                whole_line
                    .rsplit(field_end)
                    .find(|f| !f.is_empty())
                    .unwrap_or_default()
            };
            let key = header
                || is_base64_line(text) && (text.len() >= 16 || short_ok())
                || in_body && is_base64_line(last_field())
                || has_base64_run(whole_line, 40);
            if !key {
                break;
            }
            in_body |= !header;
            end = eol;
        }
        at = eol;
    }
    end
}

/// Whether `line` holds `n` base64 characters in a row (letters, digits, `+`, `/`).
fn has_base64_run(line: &[u8], n: usize) -> bool {
    let mut run = 0;
    for &b in line {
        run = if base64_byte(b) { run + 1 } else { 0 };
        if run >= n {
            return true;
        }
    }
    false
}

/// A line of a PEM body: base64, `=` only as its final padding. A full line holds 64 characters
/// (70 in OpenSSH's); what follows a prose prefix's fields on a later line is shorter
/// (`attempt=2` after `ERROR load key: expected "-----BEGIN …-----"`), and so may be a key's last
/// line (`Zw==`): [`unterminated_end`] tells them apart by what comes before.
fn is_base64_line(text: &[u8]) -> bool {
    let unpadded = text.len() - text.iter().rev().take_while(|&&b| b == b'=').count();
    text.len() - unpadded <= 2 && text[..unpadded].iter().all(|&b| base64_byte(b))
}

/// A byte of the base64 alphabet, padding aside.
fn base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Records the key block `[start, end)` line by line, each line's span starting after the prefix that
/// the log pipeline put before its key text.
///
/// A key logged through a container runtime or syslog arrives one key line per log line, each with
/// its own prefix (`2026-12-03T10:00:00.000000000Z stdout F MIIEv…`). The prefix is not part of the
/// key, and one span over the whole block would replace the prefixes of every line after the first.
/// The first line shows what the prefix looks like ([`KeyPrefix`]). Each later line gives up the
/// same number of fields (and the same glued text, when it starts with it) and the rest of the line
/// is redacted — up to the end of the `-----END …-----` marker on the last line. A line with fewer
/// fields is redacted whole (fail closed), as is every line of a block with no prefix.
fn pem_lines(
    sink: &mut Candidates<'_>,
    start: usize,
    end: usize,
    prefix: &KeyPrefix<'_>,
    rule: RuleId,
) {
    let input = sink.input;
    let mut from = start;
    loop {
        let eol = memchr::memchr(b'\n', &input[from..end]).map_or(end, |i| from + i);
        // A CRLF line keeps its `\r` outside the span, as text after the value would.
        let stop = if eol < end && eol > from && input[eol - 1] == b'\r' {
            eol - 1
        } else {
            eol
        };
        sink.push(from, stop, rule);
        if eol >= end {
            return;
        }
        from = prefix.text_start(input, eol + 1, end);
    }
}

/// Where the key text starts on the line at `line`: after `fields` whitespace-separated fields and
/// then `glued` (when the line has them), else at the line start.
fn key_text_start(input: &[u8], line: usize, end: usize, fields: usize, glued: &[u8]) -> usize {
    let eol = memchr::memchr(b'\n', &input[line..end]).map_or(end, |i| line + i);
    let is_space = |b: u8| field_space(&b);
    let mut i = line;
    for _ in 0..fields {
        while i < eol && is_space(input[i]) {
            i += 1;
        }
        if i == eol {
            return line;
        }
        while i < eol && !is_space(input[i]) {
            i += 1;
        }
        // A field must end in whitespace: the key text follows it.
        if i == eol {
            return line;
        }
    }
    if fields > 0 {
        while i < eol && is_space(input[i]) {
            i += 1;
        }
    }
    if input[i..eol].starts_with(glued) {
        i += glued.len();
    }
    i
}

/// The length of an assignment operator at `i`: `=`, `:`, `:=`, `::=`, `?=`, `.=`, `+=`, `<-`.
fn assignment(input: &[u8], i: usize) -> Option<usize> {
    let rest = input.get(i..)?;
    [
        &b":::="[..],
        b"::=",
        b":=",
        b"?=",
        b".=",
        b"+=",
        b"<-",
        b"=",
        b":",
    ]
    .iter()
    .find(|op| rest.starts_with(op))
    .map(|op| op.len())
}

/// A declaration's type between a name and its value, at `i`: where the value starts after
/// `string = ` (Go), `: String = ` (Kotlin, Scala), `: &str = ` (Rust), `: string = `
/// (TypeScript); `None` for anything else (a comparison `string ==` too).
fn typed_assignment(input: &[u8], i: usize) -> Option<usize> {
    const TYPES: [&[u8]; 6] = [
        b"&'static str",
        b"string",
        b"String",
        b"&str",
        b"[]byte",
        b"str",
    ];
    let blank = |b: u8| b == b' ' || b == b'\t';
    let mut k = i;
    if input.get(k) == Some(&b':') {
        k = run_end(input, k + 1, 8, blank);
    }
    let ty = TYPES
        .iter()
        .find(|t| input[k.min(input.len())..].starts_with(t))?;
    let after = k + ty.len();
    let op_at = run_end(input, after, 8, blank);
    if op_at == after {
        return None;
    }
    let op = [&b":="[..], b"="]
        .into_iter()
        .find(|op| input[op_at..].starts_with(op))?;
    let value = op_at + op.len();
    (input.get(value) != Some(&b'=')).then(|| run_end(input, value, 8, blank))
}

/// Whether the weak key name starting at `ks` follows, one space apart, a word that makes it a
/// credential's name in prose (`secret key`, `api key`, `s3 key`), as its compound names do in
/// fields (`secret_key`, `api_key`); not `cache key` or `primary key`.
fn qualified_in_prose(input: &[u8], ks: usize) -> bool {
    const QUALIFIERS: &[&[u8]] = &[
        b"secret",
        b"api",
        b"access",
        b"private",
        b"signing",
        b"encryption",
        b"master",
        b"license",
        b"licence",
        b"auth",
        b"app",
        b"service",
        b"account",
        b"storage",
        b"shared",
        b"s3",
        b"aws",
        b"ssh",
        b"client",
        b"developer",
        b"subscription",
    ];
    if ks < 2 || input[ks - 1] != b' ' {
        return false;
    }
    let start = run_start(input, ks - 1, 16, |b| b.is_ascii_alphanumeric());
    let word = &input[start..ks - 1];
    (start == 0 || !input[start - 1].is_ascii_alphanumeric())
        && QUALIFIERS.iter().any(|q| word.eq_ignore_ascii_case(q))
}

/// After `is ` or `was ` (any case) at `i`, where the next word starts; `None` for anything else.
fn copula_end(input: &[u8], i: usize) -> Option<usize> {
    let rest = input.get(i..)?;
    let verb = [&b"is "[..], b"was "]
        .into_iter()
        .find(|v| rest.len() >= v.len() && rest[..v.len()].eq_ignore_ascii_case(v))?;
    Some(i + verb.len())
}

/// After a card code's name `input[ks..ke]` (`cvv`, `cvc`, `cvv2`, `cvc2`, any case) and a space,
/// optionally `is`, the code: three or four digits followed by nothing that continues a number, a
/// word, a path or a version (`cvv 3 retries`, `/cvv 200`, `cvc 1.2.3` are not codes).
fn card_code_after(input: &[u8], ks: usize, ke: usize) -> Option<std::ops::Range<usize>> {
    let name = &input[ks..ke];
    let card_code = [&b"cvv"[..], b"cvc", b"cvv2", b"cvc2"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n));
    if !card_code || ks > 0 && matches!(input[ks - 1], b'/' | b'.' | b'-') {
        return None;
    }
    let mut start = run_end(input, ke, 8, |b| b == b' ' || b == b'\t');
    if input
        .get(start..start + 3)
        .is_some_and(|w| w[..2].eq_ignore_ascii_case(b"is") && w[2] == b' ')
    {
        start = run_end(input, start + 3, 8, |b| b == b' ' || b == b'\t');
    }
    let end = run_end(input, start, 5, |b| b.is_ascii_digit());
    let next = input.get(end).copied();
    let continues = next.is_some_and(|b| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'/' | b':' | b'-')
            || b == b'.' && input.get(end + 1).is_some_and(u8::is_ascii_digit)
    });
    ((3..=4).contains(&(end - start)) && !continues).then_some(start..end)
}

/// Whether a quoted word starts at `i` (`'blooberry'`, `"Secret123"`): four to 128 bytes without
/// white space between a quote and the same quote. Prose quotes a value it gives (`the password
/// is 'admin'`); a message quoting a phrase has spaces in it (`password is 'too short'`), one
/// quoting a state names it (`password was 'reset'`), and a template leaves a placeholder
/// (`'<password>'`, `'${DB_PASSWORD}'`, `'xxxx'`).
fn quoted_word(input: &[u8], i: usize) -> bool {
    /// States a message quotes after `password is` (`'reset'`, `'weak'`), in lower case, beyond
    /// the states every value is checked against at the end of [`key_value`] (`expired`,
    /// `invalid`, `null`...), which turn these quoted words away too.
    const PROSE_STATES: &[&[u8]] = &[
        b"reset",
        b"updated",
        b"wrong",
        b"weak",
        b"strong",
        b"valid",
        b"correct",
        b"default",
        b"blank",
        b"hashed",
        b"encrypted",
        b"protected",
        b"locked",
        b"disabled",
        b"enabled",
        b"temporary",
        b"secret",
        b"password",
        b"passwd",
        b"undefined",
        b"denied",
        b"good",
        b"short",
        b"long",
        b"compromised",
        b"generated",
        b"stored",
        b"saved",
        b"sent",
        b"same",
        b"different",
        b"ignored",
    ];
    let Some(&q) = input.get(i) else {
        return false;
    };
    if q != b'\'' && q != b'"' {
        return false;
    }
    let end = run_end(input, i + 1, 129, |b| b != q && !b.is_ascii_whitespace());
    if input.get(end) != Some(&q) || !(4..=128).contains(&(end - i - 1)) {
        return false;
    }
    let word = &input[i + 1..end];
    let placeholder = matches!(word[0], b'<' | b'{' | b'$' | b'%' | b'[' | b'(' | b'*')
        || word.iter().all(|&b| b == word[0]);
    !placeholder && !PROSE_STATES.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// Whether the word at `i` looks like a secret rather than a word of prose: at least eight bytes,
/// with a letter and a digit. The word runs to white space or a double quote ([`prose_byte`]), and
/// is what is redacted: in `"msg":"token expired","user_id":42` it is `expired`, not the rest of the
/// JSON line up to the next space; `password Ab1&Tr0ub4dor` is redacted whole.
fn secret_word(input: &[u8], i: usize) -> bool {
    let word = &input[i..run_end(input, i, 256, prose_byte)];
    word.len() >= 8
        && word.iter().any(u8::is_ascii_alphabetic)
        && word.iter().any(u8::is_ascii_digit)
        && !matches!(word.first(), Some(b'"' | b'\'' | b'(' | b'[' | b'{'))
        // Not an object's identity (`android.os.BinderProxy@9bc67ca`), a path, an assignment or a
        // dotted name (`com.example.Main`).
        && !word.iter().any(|b| matches!(b, b'@' | b'/' | b'=' | b'\\'))
        && word.iter().filter(|&&b| b == b'.').count() < 2
}

/// Whether `rest` starts with a credential as an authorization scheme carries it (RFC 7235's
/// token68: letters, digits, `-._~+/`, `=` padding), eight characters or more and generated: with
/// a digit, a capital after its first letter beside a small letter (`dXNlcjpwYXNz`), or padding.
/// `authentication`, `expected` and `undefined` are words.
fn generated_credential(rest: &[u8]) -> bool {
    let token68 = |b: &u8| b.is_ascii_alphanumeric() || b"-._~+/=".contains(b);
    // Its first 64 characters tell: a key of `Bearer ` and a megabyte costs no more.
    let rest = &rest[..rest.len().min(64)];
    let run = &rest[..rest.iter().position(|b| !token68(b)).unwrap_or(rest.len())];
    run.len() >= 8
        && (run.iter().any(u8::is_ascii_digit)
            || run[1..].iter().any(u8::is_ascii_uppercase)
                && run.iter().any(u8::is_ascii_lowercase)
            || run.ends_with(b"="))
}

/// The SQL string literal that follows a key name `name` ending at `ke` as SQL writes a password,
/// or `None`: after `PASSWORD` (any case) a blank and the literal (`ALTER ROLE app PASSWORD 'x'`),
/// after `PASSWORD(` the literal (MySQL's function). The value is the literal's text, to its
/// closing quote: a doubled quote (`'it''s'`) and a backslash escape are inside it. A literal with
/// white space in it follows only the upper-case keyword: in lower case it is more often a
/// message's quotation (`field password 'must contain a digit'`). `secret 'x'`, a double quote and
/// `passphrase ('cached')` are not taken.
fn sql_literal(input: &[u8], name: &[u8], ke: usize) -> Option<std::ops::Range<usize>> {
    if !name.ends_with(b"PASSWORD") && !name.eq_ignore_ascii_case(b"password") {
        return None;
    }
    let open = if input.get(ke) == Some(&b'(') {
        ke + 1
    } else {
        let j = run_end(input, ke, 8, |b| b == b' ' || b == b'\t');
        if j == ke {
            return None;
        }
        j
    };
    if input.get(open) != Some(&b'\'') {
        return None;
    }
    let vs = open + 1;
    let mut i = vs;
    let mut blank = false;
    loop {
        match *input.get(i)? {
            b'\n' => return None,
            b'\'' if input.get(i + 1) == Some(&b'\'') => i += 2,
            b'\'' => break,
            b'\\' if input.get(i + 1).is_some_and(|&b| b != b'\n') => i += 2,
            b => {
                blank |= b.is_ascii_whitespace();
                i += 1;
            }
        }
    }
    (i > vs && (!blank || name.ends_with(b"PASSWORD"))).then_some(vs..i)
}

/// A byte of an unquoted value (`password=hunter2;`): anything up to white space, a quote, or the
/// punctuation that ends a value in URLs, cookies, argument lists and JSON.
fn bare_value_byte(b: u8) -> bool {
    !b.is_ascii_whitespace()
        && !matches!(
            b,
            b',' | b';' | b'&' | b')' | b'}' | b']' | b'"' | b'\'' | b'<' | b'>' | b'\\'
        )
}

/// Where a bare value that stopped at `end`, at a byte that ends a field elsewhere (`<`, `;`, `,`,
/// `)`, `\\`...), goes on: to the end of its word when nothing after that byte starts another
/// field (no `=` or `:`) or an element (`</`), and that word holds more than trailing
/// punctuation (`g9<}uh@kxiiEZp^Ffk1^`, but not `4567,` or `abc;Database=x`). `None` when the value
/// ends where it stopped.
fn punctuated_end(input: &[u8], end: usize) -> Option<usize> {
    // Stopped at the first byte that ends the word or rules the rest out, within 256 bytes: what
    // is read is at most the distance to the next field's `=`, so a line of fields costs its
    // length once.
    let word = run_end(input, end, 256, |b| {
        !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b'=' | b':')
    });
    let rest = &input[end..word];
    // Stopped at `=` or `:` (another field), or 256 bytes on; a quote ends an enclosing string.
    let cut = input
        .get(word)
        .is_some_and(|&b| !b.is_ascii_whitespace() && b != b'"' && b != b'\'');
    if rest.is_empty() || cut || rest.windows(2).any(|w| w == b"</") {
        return None;
    }
    let trimmed = word
        - rest
            .iter()
            .rev()
            .take_while(|b| matches!(b, b',' | b';' | b')' | b']' | b'}' | b'>' | b'\\' | b'.'))
            .count();
    (trimmed > end).then_some(trimmed)
}

/// Whether a value under a weak key name ([`WEAK_NAMES`]) looks generated rather than chosen: 16
/// bytes or more of credential bytes with letters and digits, not a path or dotted name
/// (`cache_key=user:42`, `sort_key=created_at` and `routing_key=orders.created` stay).
fn looks_generated(value: &[u8], strength: Strength) -> bool {
    let upper = value.iter().any(u8::is_ascii_uppercase);
    let lower = value.iter().any(u8::is_ascii_lowercase);
    let digit = value.iter().any(u8::is_ascii_digit);
    let shape = match strength {
        // A vendor's key may be all digits (`ASANA_KEY=3471434558122362`) or lower case with
        // digits (`jpgjqmljel532uu`): not a word (`production`).
        Strength::Vendor => digit || upper && lower,
        _ => (upper || lower) && digit,
    };
    value.len() >= generated_len(strength)
        && shape
        && value.iter().all(|&b| generated_byte(b))
        // A `/` in base64 (mixed case), not in a path (`uploads/2024/01/a`).
        && (upper && lower || !value.contains(&b'/'))
        // Dots in a long token (`t1.UUg5….ZRuB…`), not in a dotted name (`orders.created.v1`).
        && (value.len() >= 32 || value.iter().filter(|&&b| b == b'.').count() < 2)
}

/// Whether `value` looks generated as a value under a bare weak name must ([`looks_generated`]):
/// the `generated` validator of pack rules.
pub(crate) fn generated(value: &[u8]) -> bool {
    looks_generated(value, Strength::Bare)
}

/// The most bytes a value under a weak name ([`Strength::Vendor`], [`Strength::Bare`]) may have.
const WEAK_MAX: usize = 256;

/// The fewest bytes a value under a name of `strength` must have to count.
fn generated_len(strength: Strength) -> usize {
    if strength == Strength::Vendor { 12 } else { 16 }
}

/// A byte of a generated credential: base64, base64url, hex, alphanumerics with `.` and `~`.
fn generated_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'.' | b'~')
}

/// Where a bare value `[vs, ve)` that is a capitalised word or a house number ends when the
/// capitalised words after it, one blank apart, belong to it: a name or a street unquoted
/// (`full_name=Jane Mary Doe amount=12`, `home_address=12 Elm Road plan=pro`). At most three more
/// words, and none that is a field name itself (`Jane Status=ok`).
fn name_words_end(input: &[u8], vs: usize, ve: usize) -> usize {
    let capitalised = |w: &[u8]| {
        w.len() >= 2
            && w[0].is_ascii_uppercase()
            && w.iter().any(u8::is_ascii_lowercase)
            && w[1..].iter().all(|&b| b.is_ascii_alphabetic() || b == b'-')
    };
    // `12`, `221B`: digits and at most one letter.
    let house_number = |w: &[u8]| {
        let digits = w.iter().take_while(|b| b.is_ascii_digit()).count();
        (1..=5).contains(&digits)
            && w.len() - digits <= 1
            && w[digits..].iter().all(u8::is_ascii_alphabetic)
    };
    let first = &input[vs..ve];
    if !capitalised(first) && !house_number(first) {
        return ve;
    }
    let mut end = ve;
    for _ in 0..3 {
        if input.get(end) != Some(&b' ') {
            break;
        }
        let we = run_end(input, end + 1, 64, bare_value_byte);
        if !capitalised(&input[end + 1..we]) {
            break;
        }
        end = we;
    }
    end
}

/// A byte of a word of free text: anything but white space and a double quote (which ends a JSON
/// string around the text).
fn prose_byte(b: u8) -> bool {
    !b.is_ascii_whitespace() && b != b'"'
}

/// In a list of name/value records — Kubernetes and ECS environments (`{"name":"DB_PASSWORD",
/// "value":"…"}`), HAR headers, CloudFormation's `ParameterKey`/`ParameterValue` as CloudTrail logs
/// them, and their XML form, .NET's `<add key="DbPassword" value="…"/>` and Ant's and Spring's
/// `<property name="password" value="…"/>` — a key name written as the string of a `name` (or
/// `key`, `ParameterKey`) member or attribute, whose record's next member is `value` (or
/// `ParameterValue`): where that value starts, after its colon or `=`. `None` for anything else. `ks..ke` is the key name; the string may hold more of the name
/// before it (`DB_` of `DB_PASSWORD`). Out of line: it is reached only for a quoted key name.
#[inline(never)]
fn record_value(input: &[u8], ks: usize, ke: usize) -> Option<usize> {
    const PAIRS: [(&[u8], &[u8]); 3] = [
        (b"name", b"value"),
        (b"key", b"value"),
        (b"parameterkey", b"parametervalue"),
    ];
    let blank = |b: u8| b == b' ' || b == b'\t';
    if input.get(ke) != Some(&b'"') {
        return None;
    }
    // Back over the rest of the name to the string's opening quote.
    let open = run_start(input, ks, 64, |b| {
        is_ident_byte(b) || b == b'.' || b == b' '
    });
    let before = input[..open].strip_suffix(b"\"")?;
    if let Some(attribute) = before.strip_suffix(b"=") {
        return attribute_value(input, attribute, ke);
    }
    // `"name"` and a colon before it, blanks on either side of the colon.
    let before = &before[..run_start(before, before.len(), before.len(), blank)];
    let before = before.strip_suffix(b":")?;
    let before = &before[..run_start(before, before.len(), before.len(), blank)];
    let before = before.strip_suffix(b"\"")?;
    let &(_, value_name) = PAIRS.iter().find(|(name, _)| {
        before.len() > name.len()
            && before[before.len() - name.len()..].eq_ignore_ascii_case(name)
            && before[before.len() - name.len() - 1] == b'"'
    })?;
    // `,"value":` after it.
    let skip = |i: usize| run_end(input, i, input.len(), blank);
    let mut i = skip(ke + 1);
    if input.get(i) != Some(&b',') {
        return None;
    }
    i = skip(i + 1);
    let name_end = i + 1 + value_name.len();
    if input.get(i) != Some(&b'"')
        || !input.get(i + 1..name_end)?.eq_ignore_ascii_case(value_name)
        || input.get(name_end) != Some(&b'"')
    {
        return None;
    }
    i = skip(name_end + 1);
    (input.get(i) == Some(&b':')).then_some(i + 1)
}

/// [`record_value`] in XML: the key name is the value of a `name` or `key` attribute (`before` ends
/// with its name), and the element's next attribute is `value`: where its quoted value starts.
fn attribute_value(input: &[u8], before: &[u8], ke: usize) -> Option<usize> {
    let named = [b"name".as_slice(), b"key"].iter().any(|name| {
        before.len() > name.len()
            && before[before.len() - name.len()..].eq_ignore_ascii_case(name)
            && before[before.len() - name.len() - 1].is_ascii_whitespace()
    });
    let blanks = run_end(input, ke + 1, 16, |b| b == b' ' || b == b'\t') - (ke + 1);
    let at = ke + 1 + blanks;
    let value = input.get(at..at + 6)?;
    (named
        && blanks > 0
        && value.eq_ignore_ascii_case(b"value=")
        && input.get(at + 6) == Some(&b'"'))
    .then_some(at + 6)
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether the quoted key around `ks` (quoted with `quote`) is one of a list of strings whose
/// next one is its value: an argument of a call (`setProperty("db.password", ...)`,
/// `redis.call('HSET', 'user:1', 'password', ...)`), an element of a list or set literal
/// (`[["password", ...]]`, `{"password", ...}`), a flag in an argument list (`"--password", ...`).
/// Not a JSON value (`"auth_method":"password","mfa":"totp"`: the string after it is the next
/// key) nor an element of a list that is one (`"grant_types":["password","refresh_token"]`).
/// Walks back over the list's earlier elements (strings skipped whole) to what opens it.
fn argument(input: &[u8], ks: usize, quote: u8) -> bool {
    let floor = ks.saturating_sub(256);
    let Some(open) = input[floor..ks]
        .iter()
        .rposition(|&b| b == quote || b == b'\n')
        .map(|i| floor + i)
        .filter(|&i| input[i] == quote)
    else {
        return false;
    };
    if input.get(open + 1) == Some(&b'-') {
        return true;
    }
    let mut i = open;
    while i > floor {
        i -= 1;
        match input[i] {
            b'\n' | b':' => return false,
            b'(' | b'{' => return true,
            b'[' => {
                let before = input[floor..i]
                    .iter()
                    .rev()
                    .find(|&&b| b != b' ' && b != b'\t');
                return before != Some(&b':');
            }
            b'"' | b'\'' => {
                let q = input[i];
                match input[floor..i].iter().rposition(|&b| b == q || b == b'\n') {
                    Some(k) if input[floor + k] == q => i = floor + k,
                    _ => return false,
                }
            }
            _ => {}
        }
    }
    false
}

/// After a key name ending at `ke`: `"key": "value"`, `key=value`, `\"key\":\"value\"`, `Key: value`.
/// Returns the value's range when one was recorded, else where the search resumes.
fn key_value(
    sink: &mut Candidates<'_>,
    ks: usize,
    ke: usize,
    rule: RuleId,
    mut strength: Strength,
) -> Result<std::ops::Range<usize>, usize> {
    let input = sink.input;
    let at = |i: usize| input.get(i).copied().unwrap_or(b'\n');
    // `:secret:` is a segment of an ARN or URN, not a field name; `:password =>` is a Ruby
    // symbol key (`{:password=>"..."}`, what `inspect` prints for a hash).
    let rocket = || input[run_end(input, ke, 8, |b| b == b' ')..].starts_with(b"=>");
    if is_ident_byte(at(ke)) || ks > 0 && input[ks - 1] == b':' && !rocket() {
        return Err(ke);
    }
    // The end of a dotted package name (`io.jsonwebtoken:jjwt-api:0.11.5`, a Maven coordinate).
    let word_start = run_start(input, ks, ks, |b| {
        b.is_ascii_lowercase() || b.is_ascii_digit()
    });
    if word_start < ks && word_start > 0 && input[word_start - 1] == b'.' {
        return Err(ke);
    }
    let mut j = ke;
    let quoted_key = matches!(at(j), b'"' | b'\'');
    if at(j) == b'\\' && at(j + 1) == b'"' {
        j += 2;
    } else if quoted_key {
        j += 1;
    }
    // A subscript: `settings["password"] = "..."`, `os.environ['API_TOKEN'] = '...'` (then only
    // an assignment follows: `["password"],` closes a list).
    let subscript = quoted_key && at(j) == b']';
    if subscript {
        j += 1;
    }
    // `<password>value</password>`: an XML element, whose name may carry a prefix before the key
    // name (`<db-password>`, `<ns:password>`, `<dbPassword>`).
    let element = run_start(input, ks, 64, |b| {
        is_ident_byte(b) || b == b'.' || b == b':'
    });
    if !quoted_key && element > 0 && input[element - 1] == b'<' && at(ke) == b'>' {
        let vs = ke + 1;
        let ve = run_end(input, vs, 16 * 1024, |b| b != b'<' && b != b'\n');
        if ve > vs && at(ve) == b'<' {
            sink.push(vs, ve, rule);
            return Ok(vs..ve);
        }
        return Err(ke);
    }
    let spaced = run_end(input, j, 8, |b| b == b' ' || b == b'\t');
    // Free text after the key name: its value is a word of prose (`secret_word`).
    let mut prose = false;
    if let Some(value) = typed_assignment(input, spaced) {
        // A declaration: `var apiToken string = "…"`, `val password: String = "…"`.
        j = value;
    } else if let Some(n) = assignment(input, spaced) {
        // `=`, `:`, `:=`, `::=`, `?=`, `.=`, `+=`, `<-`, `=>`; not a comparison (`token ==`).
        j = spaced + n;
        if at(j) == b'=' {
            return Err(j);
        }
        if at(j) == b'>' {
            j += 1;
        }
    } else if quoted_key
        && !subscript
        && let Some(value) = record_value(input, ks, ke)
    {
        // `{"name":"DB_PASSWORD","value":"…"}`: the key name is a record's name, its value the
        // record's value.
        j = value;
    } else if !quoted_key && spaced == ke && at(ke) == b',' {
        // A name and its value as a row (`apiToken,Zx8pLq2wE4rT6yU8pQ3s,`): only a generated one.
        j = ke + 1;
        strength = Strength::Bare;
    } else if quoted_key && !subscript && at(spaced) == b',' && argument(input, ks, at(ke)) {
        // A call: `setProperty("db.password", "value")`, `getenv("API_TOKEN", "default")`.
        j = run_end(input, spaced + 1, 8, |b| b == b' ' || b == b'\t');
        if !matches!(at(j), b'"' | b'\'') {
            return Err(ke);
        }
    } else if let Some(value) = (!quoted_key)
        .then(|| sql_literal(input, &input[ks..ke], ke))
        .flatten()
    {
        // SQL: `ALTER ROLE app PASSWORD 'x'`, `SET PASSWORD FOR u = PASSWORD('x')`.
        sink.push(value.start, value.end, rule);
        return Ok(value);
    } else if !quoted_key
        && at(ke) == b' '
        && (ks >= 2 && &input[ks - 2..ks] == b"--"
            || strength == Strength::Named && secret_word(input, ke + 1))
    {
        // A command-line flag (`--password value`), or free text (`password Maple552$q89 was
        // rejected`) when the next word looks like a secret, not like prose (`password reset`).
        j = ke + 1;
        prose = !(ks >= 2 && &input[ks - 2..ks] == b"--");
    } else if !quoted_key
        && at(ke) == b' '
        && let Some(code) = card_code_after(input, ks, ke)
    {
        // A card's security code after its name and a space (`exp 12/28 cvv 123`): three or four
        // digits that end there.
        sink.push(code.start, code.end, rule);
        return Ok(code);
    } else if !quoted_key
        && at(ke) == b' '
        && let Some(value) = copula_end(input, ke + 1)
        && (strength == Strength::Named && (secret_word(input, value) || quoted_word(input, value))
            || strength != Strength::Named && qualified_in_prose(input, ks))
    {
        // A sentence that gives the value (`your password is Zx8#pLq2wE`, `password was
        // Maple552$q89`, `the default password is 'blooberry'`): the word after the verb, when it
        // looks like a secret or stands in quotes. A weak name
        // qualified by a word before it (`my secret key is …`, `my amazon s3 key is …`) takes
        // a generated value, as weak names do (checked below).
        j = value;
        prose = true;
    } else {
        return Err(ke);
    }
    j = run_end(input, j, 8, |b| b == b' ' || b == b'\t');
    // An authorization scheme before a credential (`token: Bearer 9f86d081…`, `auth = Basic
    // dXNlcjpwYXNz`): the value is the credential after it. Read as the value, the scheme was a
    // message's first word (`token: Bearer abc…` like `token: Token is expired`), and the search
    // went on past the `Bearer ` that would have found the token. Only before a generated
    // credential (`generated_credential`), not before prose (`token: Bearer is missing`,
    // `credentials: Basic authentication required`); and before a replacement (`[AUTH_HEADER]`,
    // `****`), which is a credential redacted, so that a second pass does not take the scheme
    // for the value.
    if let Some(scheme) = [&b"bearer "[..], b"basic "].iter().find(|s| {
        input
            .get(j..j + s.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(s))
    }) {
        let credential = run_end(input, j + scheme.len(), 8, |b| b == b' ' || b == b'\t');
        if generated_credential(&input[credential..]) || matches!(at(credential), b'[' | b'*') {
            j = credential;
        }
    }
    // A Python bytes literal (`'X-Amz-Security-Token': b'AQoD…'` in botocore's debug output): the
    // value is the quoted text after the `b`.
    if at(j) == b'b' && matches!(at(j + 1), b'\'' | b'"') {
        j += 1;
    }
    // Under a weak name only a generated value counts: its first 16 bytes, after any quote, tell
    // (`key=sha256:…`, `cache_key=user:42` are turned away without reading the rest).
    if strength != Strength::Named {
        let open = j + match (at(j), at(j + 1)) {
            (b'\\', b'"') => 2,
            (b'"' | b'\'', _) => 1,
            _ => 0,
        };
        // The whole generated run, at most `WEAK_MAX` bytes, must be the value: what does not
        // end there is no credential of this kind, and a line of `KEY=KEY=…` costs each name
        // `WEAK_MAX` bytes, not the rest of the line.
        let run = run_end(input, open, WEAK_MAX + 1, generated_byte) - open;
        let ends = input.get(open + run).is_none_or(|&b| !bare_value_byte(b));
        if run < generated_len(strength) || run > WEAK_MAX || !ends {
            return Err(j);
        }
    }
    let (vs, ve) = if at(j) == b'\\' && at(j + 1) == b'"' {
        // `\"key\":\"value\"` inside a JSON string: the value ends at the escaped quote, or where the
        // enclosing string or the line ends (a bare quote, a line break), whichever comes first. One
        // search bounded by the value: looking for the line end first cost the rest of the line per
        // key, quadratic on a line of `password=\"` repeated.
        let vs = j + 2;
        let stop = memchr::memchr2(b'"', b'\n', &input[vs..]).map_or(input.len(), |e| vs + e);
        let escaped = stop > vs && input.get(stop) == Some(&b'"') && input[stop - 1] == b'\\';
        (vs, if escaped { stop - 1 } else { stop })
    } else if matches!(at(j), b'"' | b'\'') {
        let quote = at(j);
        let vs = j + 1;
        let mut i = vs;
        while i < input.len() && input[i] != quote && input[i] != b'\n' {
            i += if input[i] == b'\\' && i + 1 < input.len() && input[i + 1] != b'\n' {
                2
            } else {
                1
            };
        }
        (vs, i.min(input.len()))
    } else {
        if matches!(at(j), b'{' | b'[' | b'<') {
            // An object, a list, a placeholder (`{password}`, `<nil>`, `[SECRET]`), or a password
            // that starts with a bracket (`<HqSiFVKu4!M}b$MnrHo`): the last is a word of its own
            // that no closing bracket ends and no quote or colon structures.
            // Read to the word's end, or to the first byte that makes it structured: a run of
            // `key={key={…` costs a few bytes a key, not the rest of the line each.
            let word = run_end(input, j, 256, |b| {
                !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b':' | b'=')
            });
            let w = &input[j..word];
            let closer = match w[0] {
                b'{' => b'}',
                b'[' => b']',
                _ => b'>',
            };
            // Stopped at a quote, `:` or `=` (an object, a list, markup), or 256 bytes on.
            let structured = input.get(word).is_some_and(|&b| !b.is_ascii_whitespace());
            // Closed, also before the punctuation that follows it (`<nil>,`, `[EMAIL]}`).
            let kept = w.len()
                - w.iter()
                    .rev()
                    .take_while(|&&b| matches!(b, b',' | b';' | b')' | b'}' | b']') && b != closer)
                    .count();
            let closed = w.ends_with(&[closer]) || w[..kept].ends_with(&[closer]);
            if w.len() < 8 || structured || closed {
                return Err(j);
            }
            sink.push(j, word, rule);
            return Ok(j..word);
        }
        // A placeholder a tool printed instead of the value: Terraform's `(sensitive value)`.
        // Only these: `(correct horse battery staple)` may be a password.
        const PLACEHOLDERS: [&[u8]; 4] = [
            b"(sensitive value)",
            b"(sensitive)",
            b"(known after apply)",
            b"(redacted)",
        ];
        if let Some(p) = PLACEHOLDERS.iter().find(|p| input[j..].starts_with(p)) {
            return Err(j + p.len());
        }
        let byte = if prose { prose_byte } else { bare_value_byte };
        let end = run_end(input, j, usize::MAX, byte);
        let end = if prose {
            end
        } else {
            punctuated_end(input, end).unwrap_or_else(|| name_words_end(input, j, end))
        };
        (j, end)
    };
    if ve <= vs {
        return Err(ve.max(ke));
    }
    let value = &input[vs..ve];
    // A quoted key takes a quoted value (JSON, YAML flow, Python dicts); after one, a bare word is
    // prose: `volume "db-password" : secret "db-password" not found` (a Kubernetes event).
    if quoted_key && vs == j && !value.iter().all(|b| b.is_ascii_digit()) {
        return Err(ve);
    }
    // A Java `toString()` of an object (`token=Token{a64f992 ...}`) names a class, not a secret;
    // so does an object's identity (`token: android.os.BinderProxy@2bd79ce`, a class and a hash).
    let class_name = value.first().is_some_and(u8::is_ascii_uppercase)
        && value
            .iter()
            .position(|&b| b == b'{')
            .is_some_and(|brace| value[..brace].iter().all(u8::is_ascii_alphanumeric));
    let identity = value.iter().rposition(|&b| b == b'@').is_some_and(|at| {
        let (class, hash) = (&value[..at], &value[at + 1..]);
        !hash.is_empty()
            && hash.iter().all(u8::is_ascii_hexdigit)
            && class.iter().filter(|&&b| b == b'.').count() >= 2
            && class
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'$'))
    });
    // `PWD=/home/bob` is the shell's working directory, not a password: sudo logs it on every
    // command and `env` dumps print it. A path under that bare name (also `OLDPWD`) is left.
    let word = &input[run_start(input, ks, 8, |b| b.is_ascii_alphanumeric() || b == b'_')..ke];
    let directory = (word.eq_ignore_ascii_case(b"pwd") || word.eq_ignore_ascii_case(b"oldpwd"))
        && matches!(value.first(), Some(b'/' | b'~'));
    if class_name || identity || directory {
        return Err(ve);
    }
    // After a colon, a word of letters and then more words is a message, not a value (`Invalid
    // token: signature verification failed`, `token: Token is expired`); after `=` it is one, and
    // so is a password's (`password: letmein for bob`: people choose words).
    let password = |name: &[u8]| {
        name.windows(4).any(|w| w.eq_ignore_ascii_case(b"pass"))
            || name.windows(3).any(|w| w.eq_ignore_ascii_case(b"pwd"))
    };
    let message = at(ve) == b' '
        && at(ve + 1).is_ascii_lowercase()
        && value.iter().all(u8::is_ascii_alphabetic)
        && input[..j].trim_ascii_end().ends_with(b":")
        && !password(&input[ks..ke]);
    if message {
        return Err(ve);
    }
    if strength != Strength::Named && !looks_generated(value, strength) {
        // Searched on from the value's start: what it holds may be a literal of its own
        // (`key=-----BEGIN RSA PRIVATE KEY-----`).
        return Err(vs);
    }
    // No secret. (Already scrubbed values are refused by `Candidates::push`; a value that only starts with
    // a replacement, `[EMAIL]hunter2`, still holds one.)
    // A literal for no value (any case), and MySQL's `(using password: YES)`, which says whether
    // one was given (upper case only: `password: no` may be a weak password).
    // Vault's audit log writes secrets as their HMAC (`hmac-sha256:6b9d…`), which is no secret.
    // A state the line reports (`token: expired`, `password: incorrect`), whole.
    const STATES: [&[u8]; 16] = [
        b"expired",
        b"invalid",
        b"incorrect",
        b"missing",
        b"required",
        b"hidden",
        b"revoked",
        b"empty",
        b"unset",
        b"masked",
        b"redacted",
        b"provided",
        b"rejected",
        b"accepted",
        b"changed",
        b"mismatch",
    ];
    let trivial = [&b"null"[..], b"true", b"false", b"none", b"nil"]
        .iter()
        .chain(STATES.iter())
        .any(|w| value.eq_ignore_ascii_case(w))
        || value.starts_with(b"hmac-sha256:")
        || matches!(value, b"YES" | b"NO")
        // `secret: not set`, `api_key: not provided`.
        || value.eq_ignore_ascii_case(b"not")
            && [&b" set"[..], b" provided", b" configured", b" found"]
                .iter()
                .any(|p| input[ve..].starts_with(p));
    if trivial {
        return Err(ve);
    }
    sink.push(vs, ve, rule);
    Ok(vs..ve)
}

#[cfg(test)]
mod tests {
    use super::{Anywhere, Fired, preceded_by_words};

    /// The one search finds what a search of the prefixes alone and one of the triggers alone did:
    /// every trigger, also inside another match; prefixes without overlaps, also inside a trigger.
    #[test]
    fn one_search_for_prefixes_and_triggers() {
        let prefixes: Vec<(Box<[u8]>, usize)> = vec![
            (Box::from(&b"X-Key: "[..]), 7),
            (Box::from(&b"Key: "[..]), 8),
            (Box::from(&b"SSWS "[..]), 9),
        ];
        let triggers = vec![
            ("+AB".to_string(), 0),
            ("AB".to_string(), 1),
            ("y: ".to_string(), 2),
            ("QX-".to_string(), 0),
        ];
        let any = Anywhere::new(&prefixes, &triggers).expect("patterns");
        let find = |text: &str| {
            let (mut found, mut fired) = (Vec::new(), Fired { lines: Vec::new() });
            any.find(text.as_bytes(), &mut found, &mut fired);
            let rules: Vec<usize> = (0..3).filter(|&r| !fired.lines(r).is_empty()).collect();
            (found, rules)
        };
        // A prefix; the `Key: ` inside it is not another one; the trigger `y: ` inside it counts.
        assert_eq!(find("a X-Key: v"), (vec![(2, 9, 0)], vec![2]));
        // A trigger inside a trigger (`AB` in `+AB`), then a prefix after them.
        assert_eq!(find("x +AB y"), (vec![], vec![0, 1]));
        assert_eq!(find("x +ABSSWS t"), (vec![(5, 10, 2)], vec![0, 1]));
        // A prefix that starts inside a trigger's match (`X-Key: ` inside `QX-`), found by hand;
        // `Key: ` inside that prefix is not another one; the trigger `y: ` inside it counts.
        assert_eq!(find("QX-Key: v"), (vec![(1, 8, 0)], vec![0, 2]));
        // Lines: no trigger, no allocation of rule lines.
        let mut fired = Fired { lines: Vec::new() };
        let mut found = Vec::new();
        any.find(b"nothing here", &mut found, &mut fired);
        assert!(found.is_empty() && fired.lines.is_empty());
        assert!(Anywhere::new(&[], &[]).is_none());
        assert!(matches!(any.search, super::Search::Teddy(_)));
        // More triggers than Teddy takes: the automaton, with the same results.
        let many: Vec<(String, usize)> = (0..200).map(|i| (format!("t{i}q-"), i)).collect();
        let any = Anywhere::new(&prefixes, &many).expect("patterns");
        assert!(matches!(any.search, super::Search::Automaton(_)));
        let (mut found, mut fired) = (Vec::new(), Fired { lines: Vec::new() });
        any.find(b"a t7q- X-Key: v t199q-", &mut found, &mut fired);
        assert_eq!(found, vec![(7, 14, 0)]);
        assert_eq!(fired.lines(7).len() + fired.lines(199).len(), 2);
    }

    /// Every key name of every built-in key_value rule, spelled as snake, kebab, camel, upper and
    /// glued case, is found with its value by its rule: the byte each name's word before the
    /// last ends with (`KeyName::before_last`) turns away only hits no name takes.
    #[test]
    fn every_key_name_in_every_spelling_is_found() {
        let pack = crate::Pack::builtin().expect("pack");
        let scrubber = crate::Scrubber::new(&pack, &crate::Options::default()).expect("scrubber");
        let mut checked = 0;
        for spec in pack.rules().iter().filter(|r| r.enabled) {
            for name in &spec.key_names {
                let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
                let camel: String = words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let mut w = w.to_string();
                        if i > 0 {
                            w[..1].make_ascii_uppercase();
                        }
                        w
                    })
                    .collect();
                for key in [
                    words.join("_"),
                    words.join("-"),
                    camel,
                    words.join("_").to_uppercase(),
                    words.concat(),
                ] {
                    let line = format!("config {key}=Zq8pL3vN2mX7kR4tY9 loaded");
                    let mut findings = crate::Findings::default();
                    scrubber.find_into(line.as_bytes(), &mut findings);
                    let found = findings.spans().iter().any(|sp| {
                        &line[sp.start..sp.end()] == "Zq8pL3vN2mX7kR4tY9"
                            && scrubber.rule_name(sp.rule) == spec.id
                    });
                    assert!(found, "{} {line}", spec.id);
                    checked += 1;
                }
            }
        }
        assert!(checked > 200, "{checked}");
    }

    /// The built-in catalog, every rule on, keeps both literal searches within Teddy's 64
    /// patterns: past them the automaton searches without its SIMD prefilter, several times slower
    /// over every byte, and nothing else would say so.
    #[test]
    fn built_in_literals_fit_teddy() {
        let scrubber = super::super::every_rule_on();
        let secrets = &scrubber.detectors().secrets;
        assert!(
            secrets.kinds.len() <= 64,
            "{} literals",
            secrets.kinds.len()
        );
        let any = secrets
            .anywhere
            .as_ref()
            .expect("header names and triggers");
        assert!(matches!(any.search, super::Search::Teddy(_)));
    }

    #[test]
    fn key_name_spellings() {
        let words = [b"api".to_vec()];
        for (text, at) in [
            ("api_key", 4),
            ("API_KEY", 4),
            ("apiKey", 3),
            ("Api-Key", 4),
            ("apikey", 3),
        ] {
            assert_eq!(
                preceded_by_words(text.as_bytes(), at, &words),
                Some(0),
                "{text}"
            );
        }
        assert_eq!(preceded_by_words(b"x_api_key", 6, &words), Some(2));
        assert_eq!(preceded_by_words(b"cache_key", 6, &words), None);
        assert_eq!(preceded_by_words(b"key", 0, &words), None);
    }
}
