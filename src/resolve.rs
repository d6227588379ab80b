//! Overlap resolution: one span per byte range.
//!
//! Detectors run independently, so an email inside a URL inside a `password=` value can be reported three
//! times. Overlapping candidates are merged into one span covering all of them — never trimmed, because
//! trimming would let part of a detected value through. The merged span takes the rule (its label and
//! style) of one candidate, chosen in this order:
//!
//! 1. a rule a user pack defined wins over a built-in one: a user who writes `LOYALTY` for numbers that
//!    also pass the card check means their rule (retuning a built-in rule does not make it a user rule);
//! 2. then the longest candidate, the more specific reading (a URL password over the email inside it);
//! 3. then a rule that knows the value by its shape over one that knows it by its field name: in
//!    `TFE_TOKEN=xxxx.atlasv1.yyyy` the value is a Terraform token before it is a generic `SECRET`;
//! 4. then the rule listed first in the pack.

use crate::findings::Span;

/// How a rule ranks in an overlap, beyond the length of its candidate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Precedence {
    /// Defined by a user pack.
    pub user: bool,
    /// Finds values by their shape (not only by the name of the field holding them).
    pub shape: bool,
}

/// The order spans are resolved in: by start, the longest first, then by rule.
fn order(a: &Span, b: &Span) -> std::cmp::Ordering {
    a.start
        .cmp(&b.start)
        .then(b.len.cmp(&a.len))
        .then(a.rule.cmp(&b.rule))
}

/// Sorts `spans` in the order [`resolve`] works in. A caller that appends spans piece by piece
/// (each piece after the last) and sorts each piece spares `resolve` sorting them all.
pub(crate) fn sort(spans: &mut [Span]) {
    spans.sort_unstable_by(order);
}

/// Sorts `spans` and merges overlapping ones in place. `precedence[rule]` ranks each rule (rules past
/// its end rank lowest).
pub(crate) fn resolve(spans: &mut Vec<Span>, precedence: &[Precedence]) {
    if spans.len() < 2 {
        return;
    }
    // Often in order already (the JSON path places each line's spans in order, see [`sort`]), and
    // checking is one linear pass where sorting a chunk's spans is not.
    if !spans.is_sorted_by(|a, b| order(a, b).is_le()) {
        // A chunk's spans come as a few runs in order, one per detector pass (digit runs, the
        // literal search, word starts, regex rules): the stable sort merges such runs in a pass
        // each, where the unstable one sorted them from scratch (3% of a 30% PII log's scrub). The
        // order is total, so both give the same result.
        spans.sort_by(order);
    }
    let rank = |s: &Span| {
        let p = precedence.get(s.rule.index()).copied().unwrap_or_default();
        (p.user, s.len, p.shape)
    };
    let mut out = 0;
    // The candidate whose rule the current merged span carries.
    let mut best = spans[0];
    for i in 1..spans.len() {
        let next = spans[i];
        let cur = &mut spans[out];
        if next.start < cur.end() {
            if rank(&next) > rank(&best) || rank(&next) == rank(&best) && next.rule < best.rule {
                best = next;
                cur.rule = next.rule;
            }
            cur.len = cur.end().max(next.end()) - cur.start;
        } else {
            out += 1;
            spans[out] = next;
            best = next;
        }
    }
    spans.truncate(out + 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::RuleId;

    fn s(start: usize, len: usize, rule: u16) -> Span {
        Span {
            start,
            len,
            rule: RuleId(rule),
        }
    }

    #[test]
    fn merges_overlaps_and_keeps_disjoint() {
        let mut v = vec![s(10, 5, 1), s(0, 3, 0), s(12, 10, 2), s(3, 2, 0)];
        resolve(&mut v, &[]);
        assert_eq!(v, vec![s(0, 3, 0), s(3, 2, 0), s(10, 12, 2)]);
    }

    #[test]
    fn user_rules_win_then_longest_then_shape_then_pack_order() {
        // Same bytes: the user's rule 5 over built-in 2, though 2 comes first in the pack.
        let shape = Precedence {
            user: false,
            shape: true,
        };
        let mut user = [shape; 6];
        user[5].user = true;
        let mut v = vec![s(0, 16, 2), s(0, 16, 5)];
        resolve(&mut v, &user);
        assert_eq!(v, vec![s(0, 16, 5)]);
        // A shorter user candidate inside a longer built-in one still names the merged span.
        let mut v = vec![s(0, 20, 2), s(4, 8, 5)];
        resolve(&mut v, &user);
        assert_eq!(v, vec![s(0, 20, 5)]);
        // Between built-ins: the longest, then the first in the pack.
        let mut v = vec![s(0, 8, 3), s(2, 10, 4), s(2, 10, 1)];
        resolve(&mut v, &user);
        assert_eq!(v, vec![s(0, 12, 1)]);
        // Same bytes, built-in: a shape rule (3) over a field-name rule (1).
        user[1].shape = false;
        let mut v = vec![s(0, 10, 1), s(0, 10, 3)];
        resolve(&mut v, &user);
        assert_eq!(v, vec![s(0, 10, 3)]);
    }

    #[test]
    fn contained_span_keeps_outer_rule() {
        let mut v = vec![s(5, 3, 1), s(0, 20, 4)];
        resolve(&mut v, &[]);
        assert_eq!(v, vec![s(0, 20, 4)]);
    }
}
