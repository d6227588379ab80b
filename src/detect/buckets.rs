//! An order for the literals of a Teddy search that keeps its false candidates few.
//!
//! Teddy (aho-corasick's packed searcher, also the prefilter of its automata) files each literal
//! in one of 16 buckets and tests the first few bytes of every position against each bucket's
//! masks: a position is a candidate for a bucket when each of those bytes has its low nybble
//! among the low nybbles the bucket's literals have there, and its high nybble among their high
//! nybbles; each candidate is then verified against every literal of the bucket. A bucket that
//! holds unlike literals (`re_`, ` -p`, `AzCa`) accepts the cross products of their nybbles,
//! much of it ordinary log text. Which bucket a literal lands in is not ours to say directly:
//! aho-corasick 1.1 gives a literal the bucket of an earlier one with the same low nybbles, else
//! bucket `15 - id % 16` by its position in the list. So the order of the list is the lever. In
//! pack order, the two literal searches of `secrets` made 1.5 to 4 times the candidate positions
//! of the orders chosen here on generated text, JSON and mixed logs and on system logs, and three
//! triggers appended to the pack cost 6.7% of a whole scan.
//!
//! The order is chosen from a model of log text (the most frequent trigrams of generated
//! CloudWatch-style corpora, and byte frequencies for the rest: digits and lower-case letters
//! common, capitals and most punctuation rare), a bucket weighed by the positions it accepts
//! times the literals it holds: greedily, then by swaps out of the costliest bucket. Literals
//! that share their first bytes share a bucket and keep their relative order, which is all a
//! leftmost-first search's preferences depend on (a literal before its extensions); a different
//! bucket rule in a later aho-corasick makes the order unhelpful, never wrong.

/// Teddy's bucket count in its fat (AVX2) form: the anywhere search asks for it, and the
/// automaton's prefilter takes it for more than 32 literals (with fewer, slim Teddy's 8 buckets
/// make this order unhelpful, not wrong).
const BUCKETS: usize = 16;

/// The most literals aho-corasick 1.1 gives a Teddy search.
const TEDDY_MAX: usize = 64;

/// Rounds of swaps after the greedy placement (each improves the worst bucket or stops).
const SWAP_ROUNDS: usize = 16;

/// A literal's first bytes as Teddy tests them: per byte, the low and high nybble as bits.
#[derive(Clone, Copy, Default)]
struct Masks {
    lo: [u16; 4],
    hi: [u16; 4],
}

impl Masks {
    fn of(literal: &[u8], len: usize) -> Masks {
        let mut m = Masks::default();
        for (k, &b) in literal.iter().take(len).enumerate() {
            m.lo[k] |= 1 << (b & 15);
            m.hi[k] |= 1 << (b >> 4);
        }
        m
    }

    fn union(self, other: Masks) -> Masks {
        let mut m = self;
        for k in 0..4 {
            m.lo[k] |= other.lo[k];
            m.hi[k] |= other.hi[k];
        }
        m
    }
}

/// A set of [`TRIGRAMS`], one bit each.
type TrigramSet = [u64; 3];

/// A model of log text: how often each byte occurs, in relative units by (high nybble, low
/// nybble); per position of a trigram and byte, the [`TRIGRAMS`] with that byte there; and the
/// share of positions the trigrams leave to the byte estimate.
struct Model {
    weight: [[u32; 16]; 16],
    total: f64,
    at: [[TrigramSet; 256]; 3],
    tail: f64,
}

impl Model {
    /// Byte shares measured on the project's generated corpora and system logs, by class: digits
    /// and lower-case letters make up three quarters of log bytes, capitals a twentieth.
    fn logs() -> Box<Model> {
        let mut weight = [[0u32; 16]; 16];
        let mut total = 0u64;
        for b in 0..=255u8 {
            let w = match b {
                b'0'..=b'9' => 300,
                b'a'..=b'z' => 160,
                b' ' | b'"' => 400,
                b':' | b'-' => 300,
                b'.' => 200,
                b',' | b'_' => 100,
                b'\n' => 80,
                b'/' | b'=' | b'+' => 40,
                b'A'..=b'Z' => 20,
                0x21..=0x7e => 10,
                _ => 1,
            };
            weight[usize::from(b >> 4)][usize::from(b & 15)] = w;
            total += u64::from(w);
        }
        let mut at = [[[0u64; 3]; 256]; 3];
        const _: () = assert!(TRIGRAMS.len() <= 3 * 64, "a TrigramSet holds 192");
        for (i, (t, _)) in TRIGRAMS.iter().enumerate() {
            for (k, &b) in t.iter().enumerate() {
                at[k][usize::from(b)][i / 64] |= 1 << (i % 64);
            }
        }
        let covered: u32 = TRIGRAMS.iter().map(|&(_, share)| share).sum();
        Box::new(Model {
            weight,
            total: total as f64,
            at,
            tail: (1.0 - f64::from(covered) / 1e6).max(0.0),
        })
    }

    /// The expected share of log positions that masks over the first `len` bytes accept: the
    /// frequent trigrams they accept (JSON's `":"` and the `"in` of `"info"` are far more common
    /// than their bytes alone say), and for the rest the bytes taken as independent.
    fn cost(&self, m: Masks, len: usize) -> f64 {
        if m.lo[0] == 0 {
            return 0.0;
        }
        let mut frequent: TrigramSet = [u64::MAX; 3];
        let mut independent = 1.0;
        for k in 0..len {
            let mut set: TrigramSet = [0; 3];
            let mut sum = 0u64;
            each_bit(m.hi[k].into(), |h| {
                each_bit(m.lo[k].into(), |l| {
                    sum += u64::from(self.weight[h][l]);
                    if k < 3 {
                        let t = &self.at[k][h << 4 | l];
                        for w in 0..3 {
                            set[w] |= t[w];
                        }
                    }
                });
            });
            if k < 3 {
                for w in 0..3 {
                    frequent[w] &= set[w];
                }
            }
            independent *= sum as f64 / self.total;
        }
        let mut share = 0u32;
        for (w, &bits) in frequent.iter().enumerate() {
            each_bit(bits, |i| {
                share += TRIGRAMS.get(w * 64 + i).map_or(0, |&(_, s)| s);
            });
        }
        f64::from(share) / 1e6 + independent * self.tail
    }
}

/// Calls `f` with the index of each set bit of `bits`, lowest first.
fn each_bit(bits: u64, mut f: impl FnMut(usize)) {
    let mut b = bits;
    while b != 0 {
        f(b.trailing_zeros() as usize);
        b &= b - 1;
    }
}

/// Free literals with one signature (low nybbles), as indexes into the list: Teddy files them in
/// one bucket.
struct Group {
    signature: [u8; 4],
    literals: Vec<usize>,
    masks: Masks,
}

/// An order of the literals `free` (indexes into it) in which Teddy, searching `fixed` first and
/// then them, files them into buckets that accept little log text besides them (see the module
/// doc). Literals that share their first bytes keep their relative order (they share a bucket),
/// so a literal stays before its extensions (`cvv` before `cvv2`) and a leftmost-first search
/// prefers what it preferred in list order. The identity when there is nothing to choose (fewer
/// than two literals, or one of no bytes).
pub(crate) fn teddy_order(fixed: &[&[u8]], free: &[&[u8]]) -> Vec<usize> {
    // Teddy takes at most 64 literals (more go to an automaton without it), and choosing costs
    // the square of their number: a user pack with hundreds of triggers keeps its order.
    if fixed.len() + free.len() > TEDDY_MAX {
        return (0..free.len()).collect();
    }
    let ordered = choose(fixed, free);
    // Every literal must still be searched for: an order that lost one (it cannot, there are
    // as many places as groups) is not used.
    let mut seen = vec![false; free.len()];
    for &i in &ordered {
        if let Some(s) = seen.get_mut(i) {
            *s = true;
        }
    }
    if ordered.len() == free.len() && seen.iter().all(|&s| s) {
        ordered
    } else {
        (0..free.len()).collect()
    }
}

/// [`teddy_order`]'s choice.
fn choose(fixed: &[&[u8]], free: &[&[u8]]) -> Vec<usize> {
    let len = fixed
        .iter()
        .chain(free.iter())
        .map(|l| l.len())
        .min()
        .unwrap_or(0)
        .min(4);
    if len == 0 || free.len() < 2 {
        return (0..free.len()).collect();
    }
    let model = Model::logs();
    let signature = |l: &[u8]| -> [u8; 4] {
        let mut s = [0xFF; 4];
        for (k, &b) in l.iter().take(len).enumerate() {
            s[k] = b & 15;
        }
        s
    };
    // The buckets as the fixed literals leave them, and which signature went where.
    let mut base = [Masks::default(); BUCKETS];
    let mut base_size = [0usize; BUCKETS];
    let mut placed: Vec<([u8; 4], usize)> = Vec::new();
    for (id, l) in fixed.iter().enumerate() {
        let sig = signature(l);
        let bucket = match placed.iter().find(|(s, _)| *s == sig) {
            Some(&(_, b)) => b,
            None => {
                let b = BUCKETS - 1 - id % BUCKETS;
                placed.push((sig, b));
                b
            }
        };
        base[bucket] = base[bucket].union(Masks::of(l, len));
        base_size[bucket] += 1;
    }
    // The free literals by signature: those of a fixed literal's signature follow it into its
    // bucket wherever they stand; each other group's first literal picks its bucket by its id.
    let mut groups: Vec<Group> = Vec::new();
    let mut follow: Vec<usize> = Vec::new();
    for (i, &l) in free.iter().enumerate() {
        let sig = signature(l);
        if let Some(&(_, b)) = placed.iter().find(|(s, _)| *s == sig) {
            base[b] = base[b].union(Masks::of(l, len));
            base_size[b] += 1;
            follow.push(i);
        } else if let Some(g) = groups.iter_mut().find(|g| g.signature == sig) {
            g.masks = g.masks.union(Masks::of(l, len));
            g.literals.push(i);
        } else {
            groups.push(Group {
                signature: sig,
                literals: vec![i],
                masks: Masks::of(l, len),
            });
        }
    }
    // The ids the groups' first literals take, right after the fixed ones, and so each bucket's
    // number of places.
    let first_id = fixed.len();
    let mut places = [0usize; BUCKETS];
    for id in first_id..first_id + groups.len() {
        places[BUCKETS - 1 - id % BUCKETS] += 1;
    }
    // What a bucket costs: the positions it accepts times the literals each is verified
    // against (a bucket that a common word's prefix hits, `cre` of `created` for `cred`, is
    // best left small).
    let weigh = |bucket: usize, members: &mut dyn Iterator<Item = usize>| {
        let (masks, size) = members.fold((base[bucket], base_size[bucket]), |(m, n), g| {
            let group: &Group = &groups[g];
            (m.union(group.masks), n + group.literals.len())
        });
        model.cost(masks, len) * size as f64
    };
    // Greedily, the groups that accept the most text alone first: each to the bucket with room
    // where it adds the least.
    let mut by_cost: Vec<(f64, usize)> = (0..groups.len())
        .map(|g| {
            let group = &groups[g];
            let alone = model.cost(group.masks, len) * group.literals.len() as f64;
            (alone, g)
        })
        .collect();
    by_cost.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut members: [Vec<usize>; BUCKETS] = Default::default();
    let mut cost = [0.0f64; BUCKETS];
    for (b, c) in cost.iter_mut().enumerate() {
        *c = weigh(b, &mut std::iter::empty());
    }
    for (_, g) in by_cost {
        let mut best: Option<(f64, usize)> = None;
        for b in 0..BUCKETS {
            if members[b].len() >= places[b] {
                continue;
            }
            let added = weigh(b, &mut members[b].iter().copied().chain([g])) - cost[b];
            if best.is_none_or(|(c, _)| added < c) {
                best = Some((added, b));
            }
        }
        // There are as many places as groups, so one is always left.
        let Some((added, b)) = best else {
            continue;
        };
        members[b].push(g);
        cost[b] += added;
    }
    // Then swaps of a group of the costliest bucket with one elsewhere, while one helps: the
    // greedy pass fills the last places with whatever is left, and two harmless literals can
    // together accept a common trigram (`+AEh` and `BY'` beside `VIN` accept `"in`).
    for _ in 0..SWAP_ROUNDS {
        let Some(worst) = (0..BUCKETS).max_by(|&a, &b| cost[a].total_cmp(&cost[b])) else {
            break;
        };
        let mut best: Option<(f64, usize, usize, usize)> = None;
        // A bucket's cost with its member at `at` replaced by group `with`.
        let swapped = |bucket: usize, at: usize, with: usize| {
            weigh(
                bucket,
                &mut members[bucket]
                    .iter()
                    .enumerate()
                    .map(|(k, &g)| if k == at { with } else { g }),
            )
        };
        for i in 0..members[worst].len() {
            for other in (0..BUCKETS).filter(|&b| b != worst) {
                for j in 0..members[other].len() {
                    let (g, h) = (members[worst][i], members[other][j]);
                    let gain =
                        cost[worst] + cost[other] - swapped(worst, i, h) - swapped(other, j, g);
                    if gain > best.map_or(1e-12, |(g, ..)| g) {
                        best = Some((gain, i, other, j));
                    }
                }
            }
        }
        let Some((_, i, other, j)) = best else {
            break;
        };
        let (g, h) = (members[worst][i], members[other][j]);
        members[worst][i] = h;
        members[other][j] = g;
        cost[worst] = weigh(worst, &mut members[worst].iter().copied());
        cost[other] = weigh(other, &mut members[other].iter().copied());
    }
    // Each group's first literal at an id of its bucket; the rest (same signatures) after.
    let mut at_id: Vec<Option<usize>> = vec![None; groups.len()];
    for (b, list) in members.iter().enumerate() {
        let ids = (first_id..first_id + groups.len()).filter(|id| BUCKETS - 1 - id % BUCKETS == b);
        for (id, &g) in ids.zip(list) {
            if let Some(slot) = at_id.get_mut(id - first_id) {
                *slot = Some(g);
            }
        }
    }
    let mut order: Vec<usize> = Vec::new();
    let mut rest: Vec<usize> = Vec::new();
    for g in at_id.into_iter().flatten() {
        let (first, others) = groups[g].literals.split_at(1);
        order.extend_from_slice(first);
        rest.extend_from_slice(others);
    }
    order.extend(rest);
    order.extend(follow);
    order
}

// Generated by `scripts/teddy_trigrams.py` (its doc gives the command and the files).
#[rustfmt::skip]
/// The 192 most frequent trigrams (30.4% of positions), in millionths of positions.
const TRIGRAMS: &[([u8; 3], u32)] = &[
    ([b'"', b':', b'"'], 9187),
    ([b'"', b',', b'"'], 8900),
    ([b'd', b'"', b':'], 5107),
    ([b't', b'_', b'i'], 4985),
    ([b'_', b'i', b'd'], 4977),
    ([b'i', b'd', b'"'], 4976),
    ([b'p', b'a', b'y'], 4401),
    ([b'o', b'u', b't'], 4375),
    ([b'a', b'y', b'o'], 4235),
    ([b'y', b'o', b'u'], 4235),
    ([b'i', b'o', b'n'], 4037),
    ([b'"', b'p', b'a'], 3434),
    ([b'o', b'u', b'n'], 3408),
    ([b's', b'"', b':'], 3406),
    ([b'u', b'n', b't'], 3386),
    ([b',', b'"', b'a'], 3333),
    ([b't', b'i', b'o'], 3242),
    ([b'0', b'2', b'6'], 3151),
    ([b'2', b'0', b'2'], 3133),
    ([b'q', b'u', b'e'], 2936),
    ([b'-', b'1', b'1'], 2856),
    ([b'a', b't', b'i'], 2854),
    ([b'e', b'q', b'u'], 2847),
    ([b'e', b's', b't'], 2847),
    ([b'u', b'e', b's'], 2846),
    ([b'u', b'r', b'a'], 2810),
    ([b'r', b'a', b't'], 2810),
    ([b'6', b'-', b'1'], 2774),
    ([b'1', b'1', b'-'], 2744),
    ([b'2', b'6', b'-'], 2742),
    ([0x0a, b'2', b'0'], 2661),
    ([b'e', b'v', b'e'], 2181),
    ([b'"', b':', b'1'], 2148),
    ([b'o', b'n', b':'], 2043),
    ([b':', b'"', b'p'], 2033),
    ([b':', b'1', b'7'], 2017),
    ([b'a', b'c', b'c'], 2014),
    ([0x0a, b'{', b'"'], 1997),
    ([b'n', b't', b'"'], 1933),
    ([b'_', b'm', b's'], 1928),
    ([b'"', b'a', b'c'], 1868),
    ([b'g', b'"', b':'], 1834),
    ([b'l', b'"', b':'], 1834),
    ([b',', b'"', b'p'], 1833),
    ([b't', b'"', b':'], 1830),
    ([b'u', b't', b' '], 1810),
    ([b't', b'e', b'd'], 1799),
    ([b't', b's', b'"'], 1770),
    ([b',', b'"', b't'], 1769),
    ([b'"', b't', b's'], 1769),
    ([b't', b' ', b'c'], 1769),
    ([b'v', b'e', b'l'], 1768),
    ([b'l', b'e', b'v'], 1767),
    ([b'e', b'l', b'"'], 1767),
    ([b's', b'g', b'"'], 1767),
    ([b'"', b'l', b'e'], 1767),
    ([b'{', b'"', b'l'], 1767),
    ([b',', b'"', b'm'], 1767),
    ([b'"', b'm', b's'], 1767),
    ([b'm', b's', b'g'], 1767),
    ([b'd', b'"', b','], 1762),
    ([b'o', b'"', b','], 1727),
    ([b'a', b'm', b'o'], 1720),
    ([b'm', b'o', b'u'], 1720),
    ([b'f', b'o', b'"'], 1704),
    ([b'r', b'e', b'q'], 1704),
    ([b'n', b'f', b'o'], 1704),
    ([b':', b'"', b'i'], 1704),
    ([b'u', b't', b'_'], 1704),
    ([b'i', b'n', b'f'], 1703),
    ([b'"', b'r', b'e'], 1703),
    ([b'"', b'i', b'n'], 1703),
    ([b',', b'"', b'r'], 1703),
    ([b's', b't', b'_'], 1703),
    ([b'a', b't', b'e'], 1692),
    ([b'e', b'd', b' '], 1677),
    ([b'c', b'o', b'u'], 1667),
    ([b'c', b'c', b'o'], 1667),
    ([b'"', b'a', b'm'], 1666),
    ([b'n', b't', b'_'], 1666),
    ([b'n', b':', b' '], 1656),
    ([b'e', b'd', b'"'], 1643),
    ([b'n', b'_', b'm'], 1642),
    ([b'r', b'e', b'a'], 1637),
    ([b'd', b'u', b'r'], 1637),
    ([b'c', b'r', b'e'], 1637),
    ([b'm', b's', b'"'], 1637),
    ([b'e', b'a', b't'], 1636),
    ([b' ', b'c', b'r'], 1636),
    ([b',', b'"', b'd'], 1636),
    ([b'"', b'd', b'u'], 1636),
    ([b'o', b'n', b'_'], 1636),
    ([b'd', b':', b' '], 1534),
    ([b' ', b'm', b's'], 1499),
    ([b't', b'I', b'd'], 1423),
    ([b'e', b'r', b's'], 1389),
    ([b'I', b'N', b'F'], 1383),
    ([b'N', b'F', b'O'], 1383),
    ([b'}', 0x0a, b'{'], 1305),
    ([b'D', b'u', b'r'], 1174),
    ([b'r', b'y', b' '], 1170),
    ([b's', b't', b'I'], 1143),
    ([b'R', b'e', b'q'], 1143),
    ([b' ', b'R', b'e'], 1143),
    ([b'I', b'd', b':'], 1143),
    ([b' ', b'i', b'n'], 1143),
    ([b'1', b'-', b'1'], 1116),
    ([b'.', b'0', b' '], 917),
    ([b'e', b'r', b' '], 912),
    ([b'1', b'-', b'2'], 896),
    ([b'i', b't', b' '], 883),
    ([b'1', b'-', b'0'], 877),
    ([b' ', b's', b't'], 853),
    ([b'R', b'T', b' '], 852),
    ([b'T', b' ', b'R'], 852),
    ([b'F', b'O', b' '], 828),
    ([b'Z', b' ', b'I'], 827),
    ([b' ', b'I', b'N'], 827),
    ([b'o', b'r', b'd'], 787),
    ([b'M', b'e', b'm'], 783),
    ([b'e', b'm', b'o'], 783),
    ([b'm', b'o', b'r'], 783),
    ([b'm', b's', 0x09], 783),
    ([b' ', b'D', b'u'], 783),
    ([b'o', b'r', b'y'], 783),
    ([b' ', b'M', b'B'], 783),
    ([b'M', b'B', 0x09], 783),
    ([b'0', b'0', b' '], 770),
    ([b'0', b'0', b'0'], 767),
    ([b'1', b'0', b'.'], 763),
    ([b'r', b's', b'i'], 741),
    ([b's', b'i', b'o'], 740),
    ([b'5', b'3', b'7'], 734),
    ([b'r', b'd', b'e'], 723),
    ([b'd', b'e', b'r'], 720),
    ([b'0', b'.', b'0'], 720),
    ([b's', b'e', b'd'], 717),
    ([b'.', b'3', b'6'], 716),
    ([b'i', b'l', b'l'], 708),
    ([b'7', b'.', b'3'], 707),
    ([b'e', b'n', b't'], 704),
    ([b'i', b'n', b' '], 700),
    ([b'3', b'7', b'.'], 694),
    ([b'u', b't', b's'], 693),
    ([b'o', b'm', b'e'], 691),
    ([b't', b'u', b's'], 680),
    ([b's', b't', b'a'], 680),
    ([b't', b'a', b't'], 680),
    ([b'a', b't', b'u'], 680),
    ([b'u', b's', b'='], 680),
    ([b'p', b'l', b'e'], 677),
    ([b' ', b'r', b'e'], 674),
    ([b' ', b'-', b' '], 673),
    ([b'i', b'z', b'e'], 671),
    ([b'i', b't', b'='], 671),
    ([b'c', b'u', b's'], 670),
    ([b'.', b'0', b'.'], 650),
    ([b'1', b'.', b'1'], 643),
    ([b'h', b'a', b'n'], 639),
    ([b'/', b'5', b'3'], 637),
    ([b'a', b'n', b'd'], 635),
    ([b'd', b'l', b'e'], 634),
    ([b'n', b'd', b'l'], 634),
    ([b'g', b'i', b't'], 629),
    ([b'l', b'e', b'd'], 618),
    ([b' ', b'l', b'i'], 610),
    ([b'/', b'a', b'p'], 607),
    ([b',', b' ', b'l'], 607),
    ([b':', b' ', b'2'], 600),
    ([b' ', b'D', b'E'], 593),
    ([b'B', b'U', b'G'], 588),
    ([b'D', b'E', b'B'], 588),
    ([b'Z', b' ', b'D'], 588),
    ([b'E', b'B', b'U'], 588),
    ([b'U', b'G', b' '], 588),
    ([b':', b'"', b'c'], 569),
    ([b'e', b' ', b'1'], 568),
    ([0x09, b'I', b'N'], 555),
    ([b'F', b'O', 0x09], 555),
    ([b'5', b'1', b'2'], 542),
    ([b'c', b't', b'i'], 540),
    ([b' ', b'c', b'u'], 532),
    ([b'i', b'l', b'e'], 517),
    ([b'a', b'x', b' '], 514),
    ([b'n', b'i', b't'], 512),
    ([b'O', b' ', b'c'], 511),
    ([b'W', b'A', b'R'], 498),
    ([b'A', b'R', b'N'], 498),
    ([b' ', b'W', b'A'], 498),
    ([b'R', b'N', b' '], 498),
    ([b' ', b'c', b'h'], 496),
    ([b':', b' ', b'1'], 496),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The buckets aho-corasick 1.1 makes of `literals` in this order, as masks.
    fn buckets(literals: &[&[u8]], len: usize) -> [Masks; BUCKETS] {
        let mut masks = [Masks::default(); BUCKETS];
        let mut placed: Vec<(Vec<u8>, usize)> = Vec::new();
        for (id, l) in literals.iter().enumerate() {
            let sig: Vec<u8> = l.iter().take(len).map(|b| b & 15).collect();
            let b = match placed.iter().find(|(s, _)| *s == sig) {
                Some(&(_, b)) => b,
                None => {
                    placed.push((sig, BUCKETS - 1 - id % BUCKETS));
                    BUCKETS - 1 - id % BUCKETS
                }
            };
            masks[b] = masks[b].union(Masks::of(l, len));
        }
        masks
    }

    fn expected(literals: &[&[u8]], len: usize) -> f64 {
        let model = Model::logs();
        buckets(literals, len)
            .iter()
            .map(|&m| model.cost(m, len))
            .sum()
    }

    const FIXED: &[&[u8]] = &[b"DD-API-KEY: ", b"X-Auth-Key: ", b"SSWS "];
    const FREE: &[&[u8]] = &[
        b".atlasv1.",
        b"+ASt",
        b"ACDb",
        b"+ABa",
        b"APIM",
        b"+AMC",
        b"+ASb",
        b"AIoT",
        b"AzCa",
        b"AZEG",
        b"AzFu",
        b"8Q~",
        b"7Q~",
        b"NRAL",
        b"IBAAJ",
        b"CAQ",
        b"auth",
        b"AUTH",
        b"BY ",
        b"BY'",
        b"REPLACE ",
        b"SET PASSWORD",
        b" -p",
        b" -a",
        b"?code=",
        b"&code=",
        b"-us",
        b":AA",
        b"_mmk",
        b"re_",
        b"pk_",
        b"VIN",
        b"vin",
        b" -w",
        b"htpasswd",
        b" -U",
        b"cvv",
        b"cvv2",
        b"cvc",
        b"cvc2",
    ];

    #[test]
    fn the_order_is_a_permutation_that_accepts_less_text() {
        let ordered: Vec<&[u8]> = teddy_order(FIXED, FREE).iter().map(|&i| FREE[i]).collect();
        let mut a = ordered.clone();
        let mut b = FREE.to_vec();
        a.sort();
        b.sort();
        assert_eq!(a, b, "the same literals");
        // A literal stays before its extensions.
        let at = |l: &[u8]| ordered.iter().position(|&o| o == l);
        assert!(at(b"cvv") < at(b"cvv2") && at(b"cvc") < at(b"cvc2"));
        let with = |free: &[&[u8]]| {
            let mut all = FIXED.to_vec();
            all.extend_from_slice(free);
            expected(&all, 3)
        };
        let (before, after) = (with(FREE), with(&ordered));
        assert!(
            after < before / 3.0,
            "expected candidates per position {after} against {before} in list order"
        );
    }

    #[test]
    fn nothing_to_choose() {
        assert_eq!(teddy_order(FIXED, &[b"abc"]), vec![0]);
        assert!(teddy_order(FIXED, &[]).is_empty());
        // A literal of no bytes leaves the list as it is.
        assert_eq!(teddy_order(&[b""], &[b"xy", b"ab"]), vec![0, 1]);
    }

    #[test]
    fn the_model_weighs_frequent_trigrams() {
        let model = Model::logs();
        let all = Masks {
            lo: [u16::MAX; 4],
            hi: [u16::MAX; 4],
        };
        let everything = model.cost(all, 3);
        assert!((0.99..1.01).contains(&everything), "{everything}");
        // `"in` (of `"info"`) is a frequent trigram; `"iq` is not.
        let (info, iq) = (Masks::of(b"\"in", 3), Masks::of(b"\"iq", 3));
        assert!(model.cost(info, 3) > 100.0 * model.cost(iq, 3));
    }
}
