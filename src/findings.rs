//! What the engine found: rule ids and byte spans, never the matched values.
//!
//! Front ends log and report from `Findings` alone, which is how logscrub keeps PII out of its own logs:
//! there is no field here that could hold a matched value.

/// Identifies a rule inside one [`Scrubber`](crate::Scrubber); turn it into a name with
/// [`Scrubber::rule_name`](crate::Scrubber::rule_name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub(crate) u16);

impl RuleId {
    /// The rule's index in [`Scrubber::rules`](crate::Scrubber::rules).
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// One redacted range of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Byte offset in the input.
    pub start: usize,
    /// Length in bytes of the input range that was replaced.
    pub len: usize,
    pub rule: RuleId,
}

impl Span {
    pub fn end(&self) -> usize {
        self.start + self.len
    }

    /// `len` bytes from `start`, of rule 0: the span tests of the stages build.
    #[cfg(test)]
    pub(crate) fn at(start: usize, len: usize) -> Span {
        Span {
            start,
            len,
            rule: RuleId(0),
        }
    }
}

/// The spans one call to [`Scrubber::scrub`](crate::Scrubber::scrub) replaced, in input order and
/// never overlapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    pub(crate) spans: Vec<Span>,
    /// Starts of spans that replace a bare JSON value (number, object, array): written quoted.
    pub(crate) quoted: Vec<usize>,
    /// Starts of spans that replace a whole region which never settled (see `settle`): written as a
    /// `[LABEL]` token whatever their rule's style, since a mask or the last four digits of a whole
    /// line could show part of another value, and only a token is sure never to be detected again.
    pub(crate) whole: Vec<usize>,
    /// With [`JsonMode::On`](crate::JsonMode::On): non-blank lines that held no valid JSON document.
    pub(crate) not_json: u64,
    /// Candidates a pack's `[[allow]]` entries kept, left in the output as they were (see
    /// [`Findings::allowed`]).
    pub(crate) allowed: Vec<Span>,
}

impl Findings {
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether `span` replaced a bare JSON value (a number, object or array), so its replacement was
    /// written in quotes to keep the document valid.
    pub fn is_quoted(&self, span: &Span) -> bool {
        self.quoted.binary_search(&span.start).is_ok()
    }

    /// Whether `span` replaced a whole region that never settled, so it is written as a label.
    pub(crate) fn is_whole(&self, span: &Span) -> bool {
        self.whole.binary_search(&span.start).is_ok()
    }

    /// Number of replaced spans.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// How many spans `rule` replaced.
    pub fn count(&self, rule: RuleId) -> usize {
        self.spans.iter().filter(|s| s.rule == rule).count()
    }

    /// Values a pack's `[[allow]]` entries kept, in input order, one per range and rule: they are
    /// in the output unchanged. A candidate that another span redacts anyway is not listed.
    pub fn allowed(&self) -> &[Span] {
        &self.allowed
    }

    /// Adds the allowed values' counts into a per-rule tally indexed by [`RuleId::index`].
    pub fn tally_allowed_into(&self, counts: &mut [u64]) {
        for s in &self.allowed {
            if let Some(c) = counts.get_mut(s.rule.index()) {
                *c += 1;
            }
        }
    }

    /// Once the spans are final: each allowed candidate once, and only those the output still
    /// shows (a value inside a span that another rule redacts was not kept).
    pub(crate) fn settle_allowed(&mut self) {
        if self.allowed.is_empty() {
            return;
        }
        self.allowed
            .sort_unstable_by_key(|s| (s.start, s.len, s.rule));
        self.allowed.dedup();
        let spans = &self.spans;
        self.allowed.retain(|a| {
            let i = spans.partition_point(|s| s.end() <= a.start);
            spans.get(i).is_none_or(|s| s.start >= a.end())
        });
    }

    /// Adds these findings' counts into a per-rule tally indexed by [`RuleId::index`].
    pub fn tally_into(&self, counts: &mut [u64]) {
        for s in &self.spans {
            if let Some(c) = counts.get_mut(s.rule.index()) {
                *c += 1;
            }
        }
    }

    /// With [`JsonMode::On`](crate::JsonMode::On), how many non-blank lines of the input held no valid
    /// JSON document and were scrubbed as text only (key rules did not apply to them); 0 in the other
    /// modes.
    pub fn not_json_lines(&self) -> u64 {
        self.not_json
    }

    pub fn clear(&mut self) {
        self.spans.clear();
        self.quoted.clear();
        self.whole.clear();
        self.not_json = 0;
        self.allowed.clear();
    }
}
