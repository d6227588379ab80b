//! Context keywords, looked up only in the few bytes before a candidate that needs one.
//!
//! A bare 9-digit run is a routing number, an SSN, an EIN or an invoice number depending on the words in
//! front of it. Searching keywords over all text case-insensitively would cap the engine near 0.5 GB/s,
//! so instead one small automaton runs over a window of `keyword_window` bytes before each keyword-gated
//! candidate, and only for the few candidates that survive their structural checks.
//!
//! A keyword counts when it starts a word (so `tel` in `intel` does not), ends a word (`cell` in
//! `cellular` does not), and nothing between it and the candidate is a digit (so in
//! `acct_1Nv0F amount=5000` the `acct` of a Stripe id does not gate `5000`). An *adjacent* keyword, for
//! short common words like `to` and `from`, must be separated from the value by quotes, `:`, `=` and
//! spaces only.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};

/// A set of gates, one bit per keyword-gated rule.
pub(crate) type Gates = u128;

/// One bit per keyword-gated built-in detector; the bits from [`gate::FIRST_FREE`] up go to the
/// national identifier rules, one each (see `national`).
pub(crate) mod gate {
    use super::Gates;
    pub const PHONE: Gates = 1;
    pub const ROUTING: Gates = 2;
    pub const ACCOUNT: Gates = 4;
    pub const SSN: Gates = 8;
    pub const EIN: Gates = 16;
    pub const VENMO: Gates = 32;
    pub const CASHTAG: Gates = 64;
    /// Twelve-digit cards (Maestro), which need a card word before them.
    pub const CARD: Gates = 128;
    /// A key that names a trace, span or parent id (`trace_id=`, `"spanId":`): the number right
    /// after it is no card unless a card word stands before it too (see `numeric::ID_KEYS`).
    pub const ID_KEY: Gates = 256;
    /// Coordinates in decimal degrees (`numeric::coordinates`).
    pub const GEO: Gates = 512;
    /// The first bit not taken by the detectors above.
    pub const FIRST_FREE: u32 = 10;
}

#[derive(Clone, Copy)]
struct KeywordInfo {
    gates: Gates,
    adjacent: bool,
}

/// Letter sets to test per byte of the stretch above which the automaton walks the stretch without
/// the test. Measured (min of 8 interleaved CLI runs on 30 MB, full catalog): 2 against testing
/// always, 0.96-0.98x the time on text, JSON and mixed logs; against never testing, 0.99x.
const WALK_INSTEAD: usize = 2;

/// The compiled keyword lists of every gated rule.
#[derive(Clone, Debug)]
pub(crate) struct KeywordIndex {
    /// Stepped by hand: the windows are a few bytes long, so a search iterator's setup would cost more
    /// than the search.
    automaton: Option<DFA>,
    info: Vec<(Gates, bool)>,
    /// The keywords with bytes beyond ASCII (`주민등록번호`, `henkilötunnus`), in an automaton of
    /// their own, walked only over a stretch that holds such a byte: in the DFA their bytes
    /// doubled its byte classes, and so the time to build it (the larger part of start-up).
    wide: Option<NFA>,
    wide_info: Vec<(Gates, bool)>,
    window: usize,
    /// The letter sets of the keywords (bit `i` for letter `a + i`), each with the gates it stands
    /// for. A gate is possible in a stretch only if all letters of one of its keywords occur there:
    /// a test of a few instructions per set that spares the automaton for almost every number in a
    /// log (`bytes=5123`). Kept as two arrays, so the test runs over plain `u32`s.
    letter_sets: Vec<u32>,
    /// The gates each of `letter_sets` stands for.
    letter_gates: Vec<Gates>,
    /// How many of `letter_sets` (which are ordered by their number of letters) have at most `n`
    /// letters, for each `n`.
    within: [usize; 28],
}

/// Each byte as the keyword automata read it: `_`, `-` and `+` as a space, so that a keyword of
/// several words is found however they are joined: `date of birth` as `date_of_birth` (a field
/// name), `date-of-birth` (a header or a slug), `date+of+birth` (a form-encoded body, where `+` is
/// a space: Twilio's and PayPal's callbacks, `Body=Your+verification+code+is+482913`).
static SEPARATOR: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'_' | b'-' | b'+' => b' ',
            byte => byte,
        };
        b += 1;
    }
    table
};

/// What a byte is to the stretch before a value: [`STOP`] ends it (a digit, a line break, or `]` or
/// `*`, which close logscrub's own replacements), a letter is its bit in a letter set (`a` = bit
/// 0, case-folded), a byte beyond ASCII is [`WIDE`], anything else is 0.
const STOP: u32 = u32::MAX;

/// The letter-set bit of the bytes beyond ASCII: a keyword with one (`個人番号`) is possible only
/// in a stretch with one.
const WIDE: u32 = 1 << 26;

/// The bit of the bytes [`SEPARATOR`] reads as a space: only a stretch with one needs them
/// mapped, which keeps that table load out of most walks.
const SEP: u32 = 1 << 27;
static STRETCH: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_digit() || matches!(byte, b'\n' | b']' | b'*') {
            STOP
        } else if byte.is_ascii_alphabetic() {
            1 << ((byte | 0x20) - b'a')
        } else if byte >= 0x80 {
            WIDE
        } else if matches!(byte, b'_' | b'-' | b'+') {
            SEP
        } else {
            0
        };
        b += 1;
    }
    table
};

/// The letters of `text`, case-folded, as a bit set, and [`WIDE`] for bytes beyond ASCII.
fn letters(text: &[u8]) -> u32 {
    text.iter().fold(0, |set, &b| {
        let i = (b | 0x20).wrapping_sub(b'a');
        if b >= 0x80 {
            set | WIDE
        } else if i < 26 {
            set | 1 << i
        } else {
            set
        }
    })
}

impl KeywordIndex {
    /// `lists` holds, per gate bit, the proximity keywords and the adjacent keywords.
    pub fn new(lists: &[(Gates, &[String], &[String])], window: usize) -> KeywordIndex {
        let mut patterns: Vec<String> = Vec::new();
        let mut info: Vec<KeywordInfo> = Vec::new();
        // Each keyword text once per kind (proximity, adjacent), with the gates of every list that
        // names it: a thousand keywords compared pairwise were a tenth of the index's start-up.
        let mut seen: std::collections::HashMap<(String, bool), usize> =
            std::collections::HashMap::new();
        for &(gate, near, adjacent) in lists {
            for (words, is_adjacent) in [(near, false), (adjacent, true)] {
                for w in words {
                    // Walked over separators read as spaces (see [`SEPARATOR`]), so a keyword is
                    // kept so too: `date_of_birth` and `date of birth` are one pattern.
                    let w: String = w
                        .chars()
                        .map(|c| {
                            if c.is_ascii() {
                                char::from(SEPARATOR[c as usize])
                            } else {
                                c
                            }
                        })
                        .collect();
                    match seen.entry((w, is_adjacent)) {
                        std::collections::hash_map::Entry::Occupied(e) => {
                            info[*e.get()].gates |= gate;
                        }
                        std::collections::hash_map::Entry::Vacant(e) => {
                            patterns.push(e.key().0.clone());
                            info.push(KeywordInfo {
                                gates: gate,
                                adjacent: is_adjacent,
                            });
                            e.insert(info.len() - 1);
                        }
                    }
                }
            }
        }
        let (narrow, wide): (Vec<usize>, Vec<usize>) =
            (0..patterns.len()).partition(|&i| patterns[i].is_ascii());
        let texts = |list: &[usize]| {
            list.iter()
                .map(|&i| patterns[i].clone())
                .collect::<Vec<_>>()
        };
        let infos = |list: &[usize]| {
            list.iter()
                .map(|&i| (info[i].gates, info[i].adjacent))
                .collect::<Vec<_>>()
        };
        // Patterns are plain lower-case words; building cannot fail for them, but if it ever did,
        // no keyword would match, which only makes gated detectors stricter.
        let automaton = (!narrow.is_empty())
            .then(|| {
                // Stepped by hand over short windows: a prefilter would never run, and building
                // one for every keyword was part of start-up.
                DFA::builder()
                    .ascii_case_insensitive(true)
                    .prefilter(false)
                    .byte_classes(true)
                    .start_kind(aho_corasick::StartKind::Unanchored)
                    .match_kind(MatchKind::Standard)
                    .build(texts(&narrow))
                    .ok()
            })
            .flatten();
        let wide_automaton = (!wide.is_empty())
            .then(|| {
                NFA::builder()
                    .ascii_case_insensitive(true)
                    .prefilter(false)
                    .match_kind(MatchKind::Standard)
                    .build(texts(&wide))
                    .ok()
            })
            .flatten();
        // Per gate, the minimal letter sets: a keyword whose letters include another keyword's adds
        // nothing to the test (`account number` ⊇ `acct`).
        let mut letter_sets: Vec<(u32, Gates)> = Vec::new();
        // Only the bits some list uses: most of the 128 are free, and each would read every
        // keyword at start-up.
        let used = lists.iter().fold(0, |u: Gates, &(g, _, _)| u | g);
        for bit in (0..Gates::BITS).filter(|&b| used >> b & 1 != 0) {
            let g: Gates = 1 << bit;
            let sets: Vec<u32> = patterns
                .iter()
                .zip(&info)
                .filter(|(_, i)| i.gates & g != 0)
                .map(|(p, _)| letters(p.as_bytes()))
                .collect();
            for (i, &set) in sets.iter().enumerate() {
                let covered = sets
                    .iter()
                    .enumerate()
                    .any(|(j, &other)| other & !set == 0 && (other != set || j < i));
                if !covered {
                    match letter_sets.iter_mut().find(|(s, _)| *s == set) {
                        Some((_, gates)) => *gates |= g,
                        None => letter_sets.push((set, g)),
                    }
                }
            }
        }
        // Fewest letters first: a stretch with `n` distinct letters can only hold the sets of at most
        // `n`, so the test runs over `letter_sets[..within[n]]`, a short prefix for the short
        // stretches most numbers have (`id=`, `took `).
        letter_sets.sort_by_key(|&(set, _)| set.count_ones());
        let mut within = [0usize; 28];
        for (n, w) in within.iter_mut().enumerate() {
            *w = letter_sets.partition_point(|&(set, _)| set.count_ones() as usize <= n);
        }
        let (letter_sets, letter_gates) = letter_sets.into_iter().unzip();
        KeywordIndex {
            letter_sets,
            letter_gates,
            within,
            automaton,
            info: infos(&narrow),
            wide: wide_automaton,
            wide_info: infos(&wide),
            window,
        }
    }

    /// Which of the `wanted` gates have a keyword standing before `start` in `input` (within the
    /// window, on the current line).
    pub fn gates_before(&self, input: &[u8], start: usize, wanted: Gates) -> Gates {
        self.lookup(input, start, wanted, WALK_INSTEAD)
    }

    /// [`KeywordIndex::gates_before`], the letter sets tested unless there are more than
    /// `walk_instead` per byte of the stretch (the answer is the same either way).
    fn lookup(&self, input: &[u8], start: usize, wanted: Gates, walk_instead: usize) -> Gates {
        if self.automaton.is_none() && self.wide.is_none() {
            return 0;
        }
        // A proximity keyword may not have a digit between it and the value, and no keyword contains a
        // digit, so only the digit-free stretch before the value needs searching; in logs it is
        // usually a few bytes (`bytes=`), which keeps this lookup cheap.
        let floor = start.saturating_sub(self.window);
        let mut lo = start;
        let mut present = 0u32;
        // `]` and `*` end the stretch too: they close logscrub's own replacements (`[ACCOUNT]`,
        // `********`), and a value redacted in front of a number must not let a keyword before it reach
        // the number on a second pass, which would break idempotence.
        while lo > floor {
            // One table load per byte decides both questions (the stretch is often tens of bytes).
            let class = STRETCH[usize::from(input[lo - 1])];
            if class == STOP {
                break;
            }
            present |= class;
            lo -= 1;
        }
        if start - lo < 2 {
            return 0;
        }
        // Which gates have a keyword whose letters all occur in the stretch: the automaton walks the
        // stretch only for those. A stretch of many distinct letters has most keywords' sets within
        // it, and testing them costs more than the walk they would save (a JSON line's stretch
        // before a number holds the previous value and the key, `..."po_HUiXT3","amount":`): then
        // every wanted gate is possible, and the walk decides, as it does anyway.
        let n = self.within[(present & !SEP).count_ones() as usize];
        let mut possible: Gates = if n > walk_instead.saturating_mul(start - lo) {
            Gates::MAX
        } else {
            0
        };
        if possible == 0 {
            // Branch-free: which keywords' letters are all present changes unpredictably from one
            // number to the next; with a branch per set this function took 9.0% of a full-catalog
            // scan of the text corpus (perf), without it 7.5%.
            for (&set, &g) in self.letter_sets[..n].iter().zip(&self.letter_gates[..n]) {
                possible |= g & Gates::from(set & !present == 0).wrapping_neg();
            }
        }
        possible &= wanted;
        if possible == 0 {
            return 0;
        }
        let mut gates: Gates = 0;
        let separated = present & SEP != 0;
        if let Some(dfa) = &self.automaton {
            gates |= if separated {
                walk::<true>(dfa, &self.info, input, lo, start)
            } else {
                walk::<false>(dfa, &self.info, input, lo, start)
            };
        }
        if present & WIDE != 0
            && let Some(nfa) = &self.wide
        {
            gates |= walk::<true>(nfa, &self.wide_info, input, lo, start);
        }
        gates & possible
    }
}

/// The gates of the keywords `automaton` finds in the stretch `[lo, start)` before a value, each
/// standing as a word (`info`: per pattern, its gates and whether it must be adjacent);
/// `SEPARATED` when the stretch holds a byte that [`SEPARATOR`] maps.
fn walk<const SEPARATED: bool>(
    automaton: &impl Automaton,
    info: &[(Gates, bool)],
    input: &[u8],
    lo: usize,
    start: usize,
) -> Gates {
    let Ok(mut sid) = automaton.start_state(Anchored::No) else {
        return 0;
    };
    let mut gates: Gates = 0;
    for (offset, &b) in input[lo..start].iter().enumerate() {
        // Without a separator in the stretch every byte reads as itself.
        let b = if SEPARATED {
            SEPARATOR[usize::from(b)]
        } else {
            b
        };
        sid = automaton.next_state(Anchored::No, sid, b);
        if !automaton.is_special(sid) || !automaton.is_match(sid) {
            continue;
        }
        let ke = lo + offset + 1;
        for k in 0..automaton.match_len(sid) {
            let pid = automaton.match_pattern(sid, k);
            let (g, adjacent) = info[pid.as_usize()];
            let ks = ke - automaton.pattern_len(pid);
            if gates & g == g || !word_start(input, ks) || !word_end(input, ke) {
                continue;
            }
            // The stretch holds no digits, so a proximity keyword always qualifies; an adjacent one
            // may only be followed by quotes, `:`, `=` and spaces.
            let glue = |b: &u8| matches!(b, b' ' | b'\t' | b'"' | b'\'' | b':' | b'=' | b'\\');
            if !adjacent || input[ke..start].iter().all(glue) {
                gates |= g;
            }
        }
    }
    gates
}

/// A keyword starts a word unless it continues a lower-case word (`intel`), but `customerPhone` counts.
fn word_start(input: &[u8], at: usize) -> bool {
    if at == 0 {
        return true;
    }
    let prev = input[at - 1];
    !(prev.is_ascii_alphabetic() || prev == b']' || prev == b'*')
        || (prev.is_ascii_lowercase() && input[at].is_ascii_uppercase())
}

/// A keyword ends a word unless a lower-case letter follows (`cellular`), or an upper-case one
/// follows its own upper-case end (`EXP` of `EXPORT`, `CEP` of `CEPH`); `phoneNumber` counts.
fn word_end(input: &[u8], at: usize) -> bool {
    match input.get(at) {
        None => true,
        Some(b) if b.is_ascii_lowercase() => false,
        Some(b) if b.is_ascii_uppercase() => at == 0 || !input[at - 1].is_ascii_uppercase(),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stretch table says, for every byte value, what the byte tests it replaced said.
    #[test]
    fn stretch_table_matches_the_byte_tests() {
        for b in 0..=255u8 {
            let want = if matches!(b, b'0'..=b'9' | b'\n' | b']' | b'*') {
                STOP
            } else if matches!(b, b'_' | b'-' | b'+') {
                SEP
            } else {
                letters(&[b])
            };
            assert_eq!(STRETCH[usize::from(b)], want, "byte {b}");
        }
    }

    fn index() -> KeywordIndex {
        let phone = vec!["phone".to_string(), "tel".to_string()];
        let adj = vec!["to".to_string()];
        let acct = vec!["acct".to_string(), "account number".to_string()];
        KeywordIndex::new(
            &[(gate::PHONE, &phone, &adj), (gate::ACCOUNT, &acct, &[])],
            32,
        )
    }

    /// The gates `index` finds before the `#` of `s`.
    fn gates_in(index: &KeywordIndex, s: &str) -> Gates {
        let at = s.find('#').unwrap();
        index.gates_before(s.as_bytes(), at, Gates::MAX)
    }

    fn gates(s: &str) -> Gates {
        gates_in(&index(), s)
    }

    /// The words of a keyword are found joined by a space, `_`, `-` or `+` (a form-encoded body),
    /// whichever way the pack writes them; the joins are not letters, so a word still has to start
    /// and end where the keyword does.
    #[test]
    fn keyword_words_joined_by_any_separator() {
        for s in [
            "account number #",
            "account_number=#",
            "account-number: #",
            "account+number=#",
            "Account_Number #",
        ] {
            assert_eq!(gates(s), gate::ACCOUNT, "{s}");
        }
        let dashed = vec!["b-day".to_string(), "date_of_birth".to_string()];
        let index = KeywordIndex::new(&[(1, &dashed, &[])], 32);
        let found = |s: &str| gates_in(&index, s);
        assert_eq!(found("b day #"), 1);
        assert_eq!(found("b_day: #"), 1);
        assert_eq!(found("date of birth #"), 1);
        assert_eq!(found("date+of+birth=#"), 1);
        assert_eq!(found("accountnumber #"), 0);
        assert_eq!(found("update of birthday #"), 0);
        assert_eq!(gates("account_numbers #"), 0);
        // A keyword in capitals ends where its word does: `ACCTS` is no `acct`, `acctNo` is.
        assert_eq!(gates("ACCTS #"), 0);
        assert_eq!(gates("ACCT #"), gate::ACCOUNT);
        assert_eq!(gates("acctNo #"), gate::ACCOUNT);
        assert_eq!(gates("myaccount_number #"), 0);
    }

    /// Keywords with bytes beyond ASCII live in an automaton of their own: found in a stretch that
    /// holds them, whatever else it holds, with the same word rules as the others, and a stretch
    /// of ASCII alone never walks it.
    #[test]
    fn wide_keywords_have_their_own_automaton() {
        let jp = vec!["my number".to_string(), "個人番号".to_string()];
        let fi = vec!["hetu".to_string(), "henkilötunnus".to_string()];
        let index = KeywordIndex::new(&[(1, &jp, &[]), (2, &fi, &[])], 32);
        assert!(index.automaton.is_some() && index.wide.is_some());
        assert_eq!((index.info.len(), index.wide_info.len()), (2, 2));
        let gates = |s: &str| gates_in(&index, s);
        assert_eq!(gates("個人番号: #"), 1);
        assert_eq!(gates("Henkilötunnus #"), 2);
        assert_eq!(gates("henkilötunnus ja my number #"), 3);
        assert_eq!(gates("hetu #"), 2);
        // A keyword inside a longer word, and a stretch with neither.
        assert_eq!(gates("xhenkilötunnus #"), 0);
        assert_eq!(gates("registro #"), 0);
        // Only wide keywords: no ASCII automaton, still found.
        let wide_only = KeywordIndex::new(&[(4, &["주민등록번호".to_string()][..], &[])], 32);
        assert!(wide_only.automaton.is_none());
        assert_eq!(
            wide_only.gates_before("주민등록번호 #".as_bytes(), 19, Gates::MAX),
            4
        );
    }

    /// Testing the letter sets first only spares walks: with the full catalog's keywords, the
    /// gates found before every digit run of the corpora, the labelled lines and the fuzz
    /// regressions are the same whether the sets are always tested or never.
    #[test]
    fn letter_sets_only_spare_walks() {
        let scrubber = super::super::every_rule_on();
        let keywords = &scrubber.detectors().keywords;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
        let mut inputs: Vec<Vec<u8>> =
            ["labeled-corpus.jsonl", "catalog-corpus.jsonl", "sample.log"]
                .iter()
                .map(|f| std::fs::read(format!("{dir}/{f}")).expect("test data"))
                .collect();
        for target in ["engine", "json"] {
            for entry in std::fs::read_dir(format!("{dir}/fuzz-regressions/{target}")).expect("dir")
            {
                inputs.push(std::fs::read(entry.expect("entry").path()).expect("fuzz input"));
            }
        }
        let (mut runs, mut found) = (0, 0);
        for input in &inputs {
            for at in (1..input.len()).filter(|&i| input[i].is_ascii_digit()) {
                let tested = keywords.lookup(input, at, Gates::MAX, usize::MAX);
                assert_eq!(tested, keywords.lookup(input, at, Gates::MAX, 0));
                runs += 1;
                found += usize::from(tested != 0);
            }
        }
        assert!(runs > 10_000 && found > 500, "{runs} runs, {found} found");
    }

    #[test]
    fn proximity_and_boundaries() {
        assert_eq!(gates("phone number: #"), gate::PHONE);
        assert_eq!(gates("customerPhone=#"), gate::PHONE);
        assert_eq!(gates("PHONE_NUMBER #"), gate::PHONE);
        assert_eq!(gates("intel #"), 0, "tel inside a word");
        assert_eq!(gates("telemetry #"), 0, "tel starting a longer word");
        assert_eq!(
            gates("acct_1Nv0FGQ amount=#"),
            0,
            "digits between keyword and value"
        );
        assert_eq!(gates("Account Number #"), gate::ACCOUNT);
    }

    #[test]
    fn adjacent_keywords() {
        assert_eq!(gates("\"to\": \"#"), gate::PHONE);
        assert_eq!(gates("to=#"), gate::PHONE);
        assert_eq!(gates("went to the store #"), 0);
    }

    #[test]
    fn window_stops_at_newline_and_length() {
        assert_eq!(gates("phone\n#"), 0);
        assert_eq!(gates("phone                                         #"), 0);
    }
}
