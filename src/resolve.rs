//! Overlap resolution: one span per byte range.
//!
//! Detectors run independently, so an email inside a URL inside a `password=` value can be reported three
//! times. Overlapping candidates are merged into one span covering all of them — never trimmed, because
//! trimming would let part of a detected value through — and the merged span takes the rule of its longest
//! candidate (the more specific reading), ties going to the rule listed first in the pack.

use crate::findings::Span;

/// Sorts `spans` and merges overlapping ones in place.
pub(crate) fn resolve(spans: &mut Vec<Span>) {
    if spans.len() < 2 {
        return;
    }
    spans.sort_unstable_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.len.cmp(&a.len))
            .then(a.rule.cmp(&b.rule))
    });
    let mut out = 0;
    for i in 1..spans.len() {
        let next = spans[i];
        let cur = &mut spans[out];
        if next.start < cur.end() {
            let best_len = cur.len;
            let end = cur.end().max(next.end());
            if next.len > best_len {
                cur.rule = next.rule;
            }
            cur.len = end - cur.start;
        } else {
            out += 1;
            spans[out] = next;
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
        resolve(&mut v);
        assert_eq!(v, vec![s(0, 3, 0), s(3, 2, 0), s(10, 12, 2)]);
    }

    #[test]
    fn contained_span_keeps_outer_rule() {
        let mut v = vec![s(5, 3, 1), s(0, 20, 4)];
        resolve(&mut v);
        assert_eq!(v, vec![s(0, 20, 4)]);
    }
}
