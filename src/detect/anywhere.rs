//! The literals searched for wherever they occur, and the one search that can stand in for two.
//!
//! Most literals the engine looks for either start a word (token prefixes, looked up at word starts
//! by [`anchors`](super::anchors)) or name a key (`password`, `api_key`, searched by
//! [`secrets`](super::secrets)' automaton). Two kinds count anywhere: the token prefixes that cannot
//! be looked up at word starts (header names such as `X-Auth-Key: `) and the triggers of user regex
//! rules. [`Anywhere`] searches for them in a pass of its own.
//!
//! With the full catalog that second pass over every byte was a third of what the catalog costs
//! over the default pack. [`Joint`] replaces both passes with one: a single Teddy search for short
//! *prefixes* of every literal of both sets, used only to say where literals may start. Leftmost-first
//! search reports a match at the leftmost position any pattern starts, so every position at which
//! some literal starts lies inside a reported match; each position of each match is then checked by
//! hand against both sets, which reproduces exactly what each set's own search reports (tested equal
//! on the fuzz corpora). Shortening the literals (`pass` stands for `password`, `passwd`, `pass`) is
//! what lets both sets fit Teddy's 64 patterns; a pack that does not fit keeps the two passes.

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Per user regex rule, the lines of the input that hold one of its triggers, in input order.
#[derive(Default)]
pub(crate) struct Fired {
    pub(super) lines: Vec<Vec<std::ops::Range<usize>>>,
}

impl Fired {
    /// Rule `rule` runs on the line holding byte `at` of `input` (once, however many triggers the
    /// line holds: triggers are reported in input order).
    pub(super) fn add_line(&mut self, rule: usize, input: &[u8], at: usize) {
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
    rules: std::collections::HashMap<Box<[u8]>, Vec<usize>>,
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

    /// Every literal indexed.
    fn literals(&self) -> impl Iterator<Item = &[u8]> {
        self.rules.keys().map(|k| &k[..])
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
pub(super) struct Anywhere {
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
    pub(super) fn new(
        prefixes: &[(Box<[u8]>, usize)],
        triggers: &[(String, usize)],
    ) -> Option<Anywhere> {
        if prefixes.is_empty() && triggers.is_empty() {
            return None;
        }
        let patterns = prefixes
            .iter()
            .map(|(p, _)| &p[..])
            .chain(triggers.iter().map(|(t, _)| t.as_bytes()));
        let patterns: Vec<&[u8]> = patterns.collect();
        let search = match packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
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

    /// What [`Anywhere::find`] reports at position `at` when it lies inside a match of another
    /// search that covers every position where a literal starts ([`Joint`]): the triggers that
    /// start there, and the first listed prefix that does unless the last one found covers `at`.
    fn at(
        &self,
        input: &[u8],
        at: usize,
        prefix_end: &mut usize,
        prefixes: &mut Vec<(usize, usize, usize)>,
        fired: &mut Fired,
    ) {
        self.triggers
            .each_at(input, at, |rule| fired.add_line(rule, input, at));
        if at < *prefix_end {
            return;
        }
        let mut first: Option<usize> = None;
        self.prefix_index.each_at(input, at, |i| {
            first = Some(first.map_or(i, |f| f.min(i)));
        });
        if let Some(i) = first {
            *prefix_end = at + self.prefix_lens[i];
            prefixes.push((at, *prefix_end, i));
        }
    }

    /// Adds the prefixes found to `prefixes` (`(start, end, index)`, in input order) and the lines
    /// of the triggers found to `fired`.
    pub(super) fn find(
        &self,
        input: &[u8],
        prefixes: &mut Vec<(usize, usize, usize)>,
        fired: &mut Fired,
    ) {
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
    Teddy(packed::Searcher),
    Automaton(AhoCorasick),
}

/// One Teddy search in place of the main literal automaton's and [`Anywhere`]'s (see the module
/// doc): it says where literals of either set may start; each position it covers is checked by hand.
#[derive(Clone, Debug)]
pub(super) struct Joint {
    teddy: packed::Searcher,
    /// Which bytes begin a literal of either set: most positions of a match begin none.
    first: [u64; 4],
    /// The main automaton's literals, in its order of preference.
    main: Literals,
    anywhere: Anywhere,
}

/// The longest a literal is searched for in [`Joint`]'s Teddy, then the shortest that fits. Teddy
/// picks candidates by their first three bytes alone and confirms them against its literals, so
/// four bytes keep most of the confirming while folding families into one literal (`pass` for
/// `password`, `passwd`, `passphrase`; `cred` for `credentials`, `creds`); fewer literals in
/// Teddy's buckets confirm faster (callgrind, full catalog: 4 bytes took 3% fewer instructions
/// than 5 on JSON lines and as many elsewhere, 3 bytes up to 6% more).
const SHORTENED: [usize; 2] = [4, 3];

impl Joint {
    /// The joint search for the main automaton's `main` literals (in its order of preference) and
    /// `anywhere`'s, or `None` when no shortening of them fits Teddy.
    pub(super) fn new(main: &[&[u8]], anywhere: Anywhere) -> Option<Joint> {
        let all: Vec<&[u8]> = main
            .iter()
            .copied()
            .chain(anywhere.prefix_index.literals())
            .chain(anywhere.triggers.literals())
            .collect();
        if all.iter().any(|l| l.is_empty()) {
            return None;
        }
        let teddy = SHORTENED.iter().find_map(|&len| {
            let cut = shortened(&all, len);
            if cut.len() > 64 {
                return None;
            }
            packed::Config::new()
                .match_kind(packed::MatchKind::LeftmostFirst)
                .only_teddy_fat(Some(true))
                .builder()
                .extend(&cut)
                .build()
        })?;
        let main = Literals::new(main);
        let mut first = main.first;
        for (f, (p, t)) in first.iter_mut().zip(
            anywhere
                .prefix_index
                .first
                .iter()
                .zip(&anywhere.triggers.first),
        ) {
            *f |= p | t;
        }
        Some(Joint {
            teddy,
            first,
            main,
            anywhere,
        })
    }

    /// Adds to `main_found` the matches the main automaton's leftmost-first search reports
    /// (`(start, end, pattern)`, in input order), and does what [`Anywhere::find`] does.
    pub(super) fn find(
        &self,
        input: &[u8],
        main_found: &mut Vec<(usize, usize, usize)>,
        prefixes: &mut Vec<(usize, usize, usize)>,
        fired: &mut Fired,
    ) {
        // Where the last main match ends: the main search reports no match that starts inside
        // another, as its own leftmost-first search would not.
        let mut main_end = 0;
        let mut prefix_end = 0;
        for m in self.teddy.find_iter(input) {
            for at in m.start()..m.end() {
                let Some(&b) = input.get(at) else { break };
                if self.first[usize::from(b >> 6)] >> (b & 63) & 1 == 0 {
                    continue;
                }
                if at >= main_end
                    && let Some((id, end)) = self.main.at(input, at)
                {
                    main_found.push((at, end, id));
                    main_end = end;
                }
                self.anywhere
                    .at(input, at, &mut prefix_end, prefixes, fired);
            }
        }
    }
}

#[cfg(test)]
impl Joint {
    /// The search of the anywhere literals on their own (tests compare the two).
    pub(super) fn apart(&self) -> &Anywhere {
        &self.anywhere
    }

    /// Every literal of either set, whole.
    pub(super) fn literals(&self) -> Vec<Vec<u8>> {
        let anywhere = &self.anywhere;
        let all = anywhere
            .prefix_index
            .literals()
            .chain(anywhere.triggers.literals());
        self.main
            .literals
            .iter()
            .map(|l| &l[..])
            .chain(all)
            .map(<[u8]>::to_vec)
            .collect()
    }
}

/// `literals` cut to at most `len` bytes each, without repeats and without any that starts with
/// another: a literal starts only where its prefix does, which is all the joint search asks.
fn shortened<'a>(literals: &[&'a [u8]], len: usize) -> Vec<&'a [u8]> {
    let mut cut: Vec<&[u8]> = literals.iter().map(|l| &l[..l.len().min(len)]).collect();
    // Sorted, a literal comes after every prefix of it.
    cut.sort_unstable();
    cut.dedup();
    let mut kept: Vec<&[u8]> = Vec::with_capacity(cut.len());
    for l in cut {
        if !kept.iter().any(|k| l.starts_with(k)) {
            kept.push(l);
        }
    }
    kept
}

/// Literals looked up at a position, first listed first, as a leftmost-first search prefers them.
#[derive(Clone, Debug)]
struct Literals {
    literals: Vec<Box<[u8]>>,
    /// Literal indexes ordered by first byte, then by index; `starts[b]..starts[b + 1]` are those
    /// that begin with byte `b`.
    order: Vec<usize>,
    starts: Box<[usize; 257]>,
    first: [u64; 4],
}

impl Literals {
    fn new(literals: &[&[u8]]) -> Literals {
        let mut order: Vec<usize> = (0..literals.len())
            .filter(|&i| !literals[i].is_empty())
            .collect();
        order.sort_by_key(|&i| (literals[i][0], i));
        let mut starts = Box::new([0; 257]);
        let mut first = [0u64; 4];
        for &i in &order {
            let b = literals[i][0];
            first[usize::from(b >> 6)] |= 1 << (b & 63);
            starts[usize::from(b) + 1] += 1;
        }
        for b in 0..256 {
            starts[b + 1] += starts[b];
        }
        Literals {
            literals: literals.iter().map(|l| Box::from(*l)).collect(),
            order,
            starts,
            first,
        }
    }

    /// The first listed literal that starts at `at`, and where it ends.
    fn at(&self, input: &[u8], at: usize) -> Option<(usize, usize)> {
        let b = usize::from(*input.get(at)?);
        let rest = &input[at..];
        self.order[self.starts[b]..self.starts[b + 1]]
            .iter()
            .find(|&&i| rest.starts_with(&self.literals[i]))
            .map(|&i| (i, at + self.literals[i].len()))
    }
}

#[cfg(test)]
mod tests {
    use super::{Anywhere, Fired};

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
}
