//! Allow-lists: the detected values a policy keeps (`[[allow]]` in a pack), compiled.
//!
//! A team's logs hold values that look like PII and are not: their own support address, the test
//! cards of their payment provider. A pack lists them once and every front end keeps them. What is
//! spared is always a *whole candidate* of one rule, judged before overlaps are merged: a value
//! that another rule also detects, or that lies inside a longer detected value, is still redacted
//! by that other candidate. So an allow entry can only ever cost the redaction it names, never
//! expose part of something else (fail closed).
//!
//! Values compare the way the `hash` style does, so one entry covers every spelling of the same
//! value: digits only for rules on numbers (`4242 4242 4242 4242` = `4242-4242-4242-4242`),
//! ASCII case folded for emails, bytes otherwise. A regex is searched in the candidate's bytes.
//!
//! `keys` entries are not here: they change which JSON values are scanned at all, so they live with
//! the other key rules (`json::keys`).

use std::collections::HashMap;

use crate::findings::{RuleId, Span};
use crate::pack::AllowSpec;
use crate::rewrite::Canon;

/// Which rules one allow entry applies to.
#[derive(Clone, Debug)]
enum Scope {
    Every,
    /// Indexed by [`RuleId::index`].
    Only(Vec<bool>),
}

impl Scope {
    fn covers(&self, rule: RuleId) -> bool {
        match self {
            Scope::Every => true,
            Scope::Only(rules) => rules.get(rule.index()).copied().unwrap_or(false),
        }
    }
}

/// The compiled `values` and `regex` allow entries of a pack. Empty (and free) when a pack has none.
#[derive(Clone, Debug, Default)]
pub(crate) struct AllowList {
    /// Per rule: how its candidates compare.
    canon: Vec<Canon>,
    /// Allowed values in each compared form, to the entries (indexes into `scopes`) listing them.
    exact: HashMap<Vec<u8>, Vec<usize>>,
    digits: HashMap<Vec<u8>, Vec<usize>>,
    folded: HashMap<Vec<u8>, Vec<usize>>,
    regexes: Vec<(regex::bytes::Regex, usize)>,
    scopes: Vec<Scope>,
}

impl AllowList {
    /// Compiles `entries` for a scrubber whose rules compare as `canon` (one per rule) and are named
    /// `rule_ids` (in the same order). Entries name rules that exist: the pack checked that.
    pub(crate) fn new(entries: &[AllowSpec], canon: Vec<Canon>, rule_ids: &[&str]) -> AllowList {
        let mut list = AllowList {
            canon,
            ..AllowList::default()
        };
        for entry in entries {
            if entry.values.is_empty() && entry.regex.is_none() {
                continue;
            }
            let scope = if entry.rules.is_empty() {
                Scope::Every
            } else {
                Scope::Only(
                    rule_ids
                        .iter()
                        .map(|id| entry.rules.iter().any(|r| r.eq_ignore_ascii_case(id)))
                        .collect(),
                )
            };
            let index = list.scopes.len();
            list.scopes.push(scope);
            for value in &entry.values {
                let value = value.as_bytes();
                for (canon, map) in [
                    (Canon::Exact, &mut list.exact),
                    (Canon::Digits, &mut list.digits),
                    (Canon::Folded, &mut list.folded),
                ] {
                    let form = canon.form(value);
                    if !form.is_empty() {
                        map.entry(form).or_default().push(index);
                    }
                }
            }
            if let Some(regex) = &entry.regex {
                list.regexes.push((regex.clone(), index));
            }
        }
        list
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }

    /// Whether `value`, a candidate of `rule`, is allowed. A candidate written with JSON escapes
    /// (`support\u0040clicki.com`, found in an escaped string or a log line quoting JSON) is
    /// judged by what it says.
    pub(crate) fn allows(&self, value: &[u8], rule: RuleId) -> bool {
        if self.is_empty() {
            return false;
        }
        if memchr::memchr(b'\\', value).is_some() {
            let (mut decoded, mut map) = (Vec::new(), Vec::new());
            crate::json::escape::decode(value, &mut decoded, &mut map);
            if self.allows_as_written(&decoded, rule) {
                return true;
            }
        }
        self.allows_as_written(value, rule)
    }

    fn allows_as_written(&self, value: &[u8], rule: RuleId) -> bool {
        let canon = self
            .canon
            .get(rule.index())
            .copied()
            .unwrap_or(Canon::Exact);
        let listed = match canon {
            Canon::Exact => self.exact.get(value),
            Canon::Digits => self.digits.get(&canon.form(value)),
            Canon::Folded => self.folded.get(&canon.form(value)),
        };
        listed.is_some_and(|entries| entries.iter().any(|&e| self.scopes[e].covers(rule)))
            || self
                .regexes
                .iter()
                .any(|(re, e)| self.scopes[*e].covers(rule) && re.is_match(value))
    }

    /// Moves the allowed candidates among `spans` (of `input`) to `allowed`.
    pub(crate) fn retain(&self, input: &[u8], spans: &mut Vec<Span>, allowed: &mut Vec<Span>) {
        if self.is_empty() {
            return;
        }
        spans.retain(|s| {
            let keep = input
                .get(s.start..s.end())
                .is_none_or(|value| !self.allows(value, s.rule));
            if !keep {
                allowed.push(*s);
            }
            keep
        });
    }
}
