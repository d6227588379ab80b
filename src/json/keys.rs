//! Sensitive JSON keys and key paths: which rule owns the whole value under a key.
//!
//! Keys are compared *normalized* — ASCII lower case with `_`, `-`, spaces and dots removed — so one
//! pack entry `phone_number` covers `phoneNumber`, `PhoneNumber`, `Phone-Number` and `PHONE_NUMBER`.
//! A path such as `customer.name` matches a value whose key is `name` inside an object whose key is
//! `customer`, at any depth; arrays are transparent (`{"recipients":[{"name":…}]}` matches
//! `recipients.name`).

use std::collections::HashMap;

use crate::findings::RuleId;
use crate::fxhash::FxBuildHasher;

type FxMap<V> = HashMap<Vec<u8>, V, FxBuildHasher>;

/// A filter over the sensitive keys, two bits a key: one of (length, first, second and last byte),
/// for keys already normalized, and one of the first two and last two bytes, for keys as written
/// (`may_contain_raw`). Almost every key in a log is not sensitive, and one bit test says so
/// without normalizing or hashing the key.
#[derive(Clone, Debug)]
struct QuickFilter {
    bits: Vec<u64>,
}

const QUICK_BITS: usize = 1 << 15;

impl Default for QuickFilter {
    fn default() -> Self {
        QuickFilter {
            bits: vec![0; QUICK_BITS / 64],
        }
    }
}

impl QuickFilter {
    fn slot(key: &[u8]) -> Option<(usize, u64)> {
        let (&first, &last) = (key.first()?, key.last()?);
        let second = key.get(1).copied().unwrap_or(0);
        Some(Self::slot_of(key.len(), first, second, last))
    }
    fn slot_of(len: usize, first: u8, second: u8, last: u8) -> (usize, u64) {
        let h =
            (len as u64) << 24 | u64::from(first) << 16 | u64::from(second) << 8 | u64::from(last);
        let bit = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 49) as usize % QUICK_BITS;
        (bit / 64, 1 << (bit % 64))
    }
    fn add(&mut self, key: &[u8]) {
        if let Some((i, b)) = Self::slot(key) {
            self.bits[i] |= b;
        }
        if let Some((i, b)) = Self::edge_slot(key) {
            self.bits[i] |= b;
        }
    }
    /// The slot of a key's first two and last two bytes, without its length, which a raw key
    /// gives without being normalized (see `may_contain_raw`). The byte before the last tells
    /// apart keys that share the others (`payout_id` and `password`, both `pa…d`). `None` below
    /// three bytes.
    fn edge_slot(key: &[u8]) -> Option<(usize, u64)> {
        match *key {
            [first, second, .., penult, last] => {
                Some(Self::edge_slot_of(first, second, penult, last))
            }
            // The middle byte is both the second and the second to last.
            [first, middle, last] => Some(Self::edge_slot_of(first, middle, middle, last)),
            _ => None,
        }
    }
    fn edge_slot_of(first: u8, second: u8, penult: u8, last: u8) -> (usize, u64) {
        // Bit 40 keeps these apart from `slot_of`'s, whose values stay below 2^32.
        let h = 1 << 40
            | u64::from(penult) << 32
            | u64::from(first) << 16
            | u64::from(second) << 8
            | u64::from(last);
        let bit = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 49) as usize % QUICK_BITS;
        (bit / 64, 1 << (bit % 64))
    }
    fn may_contain(&self, key: &[u8]) -> bool {
        Self::slot(key).is_some_and(|(i, b)| self.bits[i] & b != 0)
    }

    /// Whether `raw` (a key as written) may be in the filter: `false` only when its normalized
    /// form is not. Most keys are written without separators in their first two and last two
    /// bytes; then the normalized key starts and ends with those bytes, lowercased, and one bit
    /// test rules out almost every key without reading the rest of it. A key of one or two bytes
    /// without a separator is its normalized form, lowercased. Other keys answer `true`.
    fn may_contain_raw(&self, raw: &[u8]) -> bool {
        let n = raw.len();
        if n >= 3 {
            let fold = |b: u8| EDGE_FOLD[usize::from(b)];
            let (first, second, penult, last) = (
                fold(raw[0]),
                fold(raw[1]),
                fold(raw[n - 2]),
                fold(raw[n - 1]),
            );
            if first == 0 || second == 0 || penult == 0 || last == 0 {
                return true;
            }
            let (i, b) = Self::edge_slot_of(first, second, penult, last);
            return self.bits[i] & b != 0;
        }
        if raw.iter().any(|&b| is_separator(b)) {
            return true;
        }
        let mut short = [0u8; 2];
        for (l, b) in short.iter_mut().zip(raw) {
            *l = b.to_ascii_lowercase();
        }
        self.may_contain(&short[..n])
    }
}

/// Each byte as a normalized key holds it (ASCII lower case), and 0 for the separators a
/// normalized key leaves out (and for 0 itself): one load per edge byte of a raw key.
static EDGE_FOLD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 1;
    while b < 256 {
        let byte = b as u8;
        t[b] = if is_separator(byte) {
            0
        } else {
            byte.to_ascii_lowercase()
        };
        b += 1;
    }
    t
};

/// Bytes a normalized key leaves out.
const fn is_separator(b: u8) -> bool {
    matches!(b, b'_' | b'-' | b' ' | b'.' | b'\\')
}

/// Longest normalized key compared; longer keys are never sensitive (no pack key is that long).
pub(crate) const KEY_MAX: usize = 48;

/// A normalized key held inline, so parsing allocates nothing per key.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NormKey {
    buf: [u8; KEY_MAX],
    len: u8,
    /// Longer than `KEY_MAX` after normalizing: matches nothing.
    overflow: bool,
}

impl NormKey {
    pub const EMPTY: NormKey = NormKey {
        buf: [0; KEY_MAX],
        len: 0,
        overflow: false,
    };

    pub fn new(raw: &[u8]) -> NormKey {
        let mut buf = [0u8; KEY_MAX];
        let mut len = 0;
        for &b in raw {
            if is_separator(b) {
                continue;
            }
            if len == KEY_MAX {
                return NormKey {
                    buf,
                    len: len as u8,
                    overflow: true,
                };
            }
            buf[len] = b.to_ascii_lowercase();
            len += 1;
        }
        NormKey {
            buf,
            len: len as u8,
            overflow: false,
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    pub fn is_usable(&self) -> bool {
        self.len > 0 && !self.overflow
    }
}

/// Normalizes a key as the matcher does (used to validate packs).
pub(crate) fn normalize(raw: &[u8]) -> Vec<u8> {
    NormKey::new(raw).as_bytes().to_vec()
}

/// The rule a key gives its value, and how much of the value it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyRule {
    pub rule: RuleId,
    /// Only a string or a number (also inside arrays) under the key: an object there is a record
    /// whose fields are judged by their own keys (`"recipient":{"id":…,"name":…}` keeps its id).
    pub scalars_only: bool,
}

/// The compiled `json_keys`, `json_scalar_keys` and `json_paths` of every enabled rule, and the
/// keys an allow-list keeps.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyRules {
    keys: FxMap<KeyRule>,
    /// Paths as normalized segments, last segment first.
    paths: Vec<(Vec<Vec<u8>>, RuleId)>,
    /// Keys and paths (segments, last first) whose values are not scanned at all.
    kept: Vec<Vec<Vec<u8>>>,
    /// Every normalized key and every path's last segment, kept ones included.
    quick: QuickFilter,
    /// The same keys and last segments, exactly: the keys under which some rule may apply.
    applies: FxMap<()>,
}

/// Splits a dotted path into normalized segments, last first.
fn segments(path: &str) -> Vec<Vec<u8>> {
    path.split('.')
        .rev()
        .map(|s| normalize(s.as_bytes()))
        .collect()
}

/// Whether a value under `key`, in objects under `parents` (innermost first), is at the end of the
/// path `segments` (last segment first).
fn at_path<'a>(
    segments: &[Vec<u8>],
    key: &NormKey,
    mut parents: impl Iterator<Item = &'a NormKey>,
) -> bool {
    let Some((last, before)) = segments.split_first() else {
        return false;
    };
    last.as_slice() == key.as_bytes()
        && before.iter().all(|seg| {
            parents
                .next()
                .is_some_and(|p| p.is_usable() && p.as_bytes() == seg.as_slice())
        })
}

impl KeyRules {
    /// A key whose whole value, whatever its type, belongs to `rule`.
    pub fn add_key(&mut self, key: &str, rule: RuleId) {
        self.insert(
            key,
            KeyRule {
                rule,
                scalars_only: false,
            },
        );
    }

    /// A key whose string or number values belong to `rule`; objects under it are scanned.
    pub fn add_scalar_key(&mut self, key: &str, rule: RuleId) {
        self.insert(
            key,
            KeyRule {
                rule,
                scalars_only: true,
            },
        );
    }

    fn insert(&mut self, key: &str, rule: KeyRule) {
        let k = normalize(key.as_bytes());
        self.quick.add(&k);
        self.applies.insert(k.clone(), ());
        // The first rule (in pack order) to claim a key keeps it.
        self.keys.entry(k).or_insert(rule);
    }

    pub fn add_path(&mut self, path: &str, rule: RuleId) {
        let segments = segments(path);
        if let Some(last) = segments.first() {
            self.quick.add(last);
            self.applies.insert(last.clone(), ());
        }
        self.paths.push((segments, rule));
    }

    /// A key (`order_id`) or dotted path (`meta.trace`) whose values are kept: never scanned, never
    /// replaced, whatever they hold (objects and arrays included).
    pub fn add_kept(&mut self, path: &str) {
        let segments = segments(path);
        if let Some(last) = segments.first() {
            self.quick.add(last);
            self.applies.insert(last.clone(), ());
        }
        self.kept.push(segments);
    }

    /// Whether some key rule or kept key may apply to a value under the key `raw` (as written,
    /// holding no escape), whatever objects it stands in: the key, normalized, is a rule's key or
    /// the last segment of one of its paths or of a kept path. No value under any other key is
    /// claimed or kept, which lets a JSON line none of whose keys passes this (and that holds no
    /// text span) skip parsing.
    #[inline]
    pub fn may_apply_raw(&self, raw: &[u8]) -> bool {
        self.quick.may_contain_raw(raw) && self.may_apply_normalized(raw)
    }

    /// The exact test behind the filter, out of line: few keys pass the filter, and normalizing
    /// one takes a 48-byte buffer that the per-key loop is better without.
    #[inline(never)]
    fn may_apply_normalized(&self, raw: &[u8]) -> bool {
        self.may_apply(&NormKey::new(raw))
    }

    /// [`KeyRules::may_apply_raw`] of a key already normalized.
    pub fn may_apply(&self, key: &NormKey) -> bool {
        key.is_usable()
            && self.quick.may_contain(key.as_bytes())
            && self.applies.contains_key(key.as_bytes())
    }

    /// Whether the value under `key` (in objects under `parents`, innermost first) is kept.
    pub fn keeps<'a>(
        &self,
        key: &NormKey,
        parents: impl Iterator<Item = &'a NormKey> + Clone,
    ) -> bool {
        !self.kept.is_empty()
            && key.is_usable()
            && self.quick.may_contain(key.as_bytes())
            && self
                .kept
                .iter()
                .any(|segments| at_path(segments, key, parents.clone()))
    }

    /// The rule for a value under `key`, whose enclosing objects' keys are `parents`, innermost first.
    pub fn rule_for<'a>(
        &self,
        key: &NormKey,
        parents: impl Iterator<Item = &'a NormKey> + Clone,
    ) -> Option<KeyRule> {
        if !key.is_usable() || !self.quick.may_contain(key.as_bytes()) {
            return None;
        }
        if let Some(&rule) = self.keys.get(key.as_bytes()) {
            return Some(rule);
        }
        self.paths.iter().find_map(|(segments, rule)| {
            at_path(segments, key, parents.clone()).then_some(KeyRule {
                rule: *rule,
                scalars_only: false,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_styles_normalize_alike() {
        for k in [
            "phone_number",
            "phoneNumber",
            "PhoneNumber",
            "Phone-Number",
            "PHONE_NUMBER",
            "phone number",
        ] {
            assert_eq!(normalize(k.as_bytes()), b"phonenumber", "{k}");
        }
    }

    #[test]
    fn raw_keys_filter_as_normalized_ones() {
        let mut rules = KeyRules::default();
        rules.add_key("email", RuleId(1));
        rules.add_key("phone_number", RuleId(2));
        rules.add_path("customer.name", RuleId(3));
        rules.add_kept("order_id");
        let long = "k".repeat(KEY_MAX);
        let longer = "k".repeat(KEY_MAX + 1);
        let padded = format!("_{long}_");
        for raw in [
            "email",
            "E-mail",
            "EMAIL",
            "e_m_a_i_l",
            "_email_",
            "emails",
            "phoneNumber",
            "Phone Number",
            "phone.number",
            "name",
            "Name",
            "customer",
            "orderId",
            "order",
            "",
            "_",
            "-_. ",
            "x",
            "X",
            "ab",
            long.as_str(),
            longer.as_str(),
            padded.as_str(),
        ] {
            let raw = raw.as_bytes();
            let key = NormKey::new(raw);
            assert_eq!(rules.may_apply_raw(raw), rules.may_apply(&key), "{raw:?}");
        }
        for raw in ["email", "E-mail", "phoneNumber", "name", "Order_ID"] {
            assert!(rules.may_apply_raw(raw.as_bytes()), "{raw}");
        }
        for raw in ["emails", "customer", "level", "msg", ""] {
            assert!(!rules.may_apply_raw(raw.as_bytes()), "{raw}");
        }
    }

    /// The raw filter never rules out a key whose normalized form may apply: random keys of one to
    /// twelve bytes drawn from the bytes that matter (the keys' letters in both cases, the
    /// separators, a few others) against keys of every length from one byte up, and the keys of
    /// a log line that share edge bytes with a sensitive key are still ruled out.
    #[test]
    fn raw_filter_never_rules_out_a_key_that_applies() {
        let mut rules = KeyRules::default();
        let sensitive = [
            "a",
            "ip",
            "ssn",
            "pass",
            "password",
            "card_no",
            "x-api-key",
            "user.email",
        ];
        for (i, k) in sensitive.iter().enumerate() {
            if k.contains('.') {
                rules.add_path(k, RuleId(i as u16));
            } else {
                rules.add_key(k, RuleId(i as u16));
            }
        }
        let alphabet = b"aAiIpPsSnNwWoOrRdDcCkKyYeEmMlLuUxX_-. \\z9";
        let mut rng = crate::test_rand::XorShift::new(0x5eed_0f4e_0075);
        let mut applied = 0;
        for _ in 0..200_000 {
            let len = 1 + rng.below(12);
            let raw: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let applies = rules.may_apply(&NormKey::new(&raw));
            applied += usize::from(applies);
            assert!(!applies || rules.may_apply_raw(&raw), "{raw:?}");
        }
        for k in sensitive
            .iter()
            .flat_map(|k| [k.to_string(), k.to_uppercase()])
        {
            let last = k.rsplit('.').next().unwrap_or(&k);
            assert!(rules.may_apply_raw(last.as_bytes()), "{last}");
        }
        assert!(
            applied > 100,
            "the random keys hit the sensitive ones {applied} times"
        );
        for raw in ["payout_id", "paid", "ts", "id", "ssl", "passed", "cardNos"] {
            assert!(!rules.may_apply_raw(raw.as_bytes()), "{raw}");
        }
    }

    #[test]
    fn keys_and_paths() {
        let mut rules = KeyRules::default();
        rules.add_key("email", RuleId(1));
        rules.add_path("customer.name", RuleId(2));
        let k = |s: &str| NormKey::new(s.as_bytes());
        assert_eq!(
            rules.rule_for(&k("Email"), [].iter()).map(|r| r.rule),
            Some(RuleId(1))
        );
        assert_eq!(
            rules
                .rule_for(&k("name"), [k("customer")].iter())
                .map(|r| r.rule),
            Some(RuleId(2))
        );
        assert_eq!(rules.rule_for(&k("name"), [k("product")].iter()), None);
        assert_eq!(rules.rule_for(&k("name"), [].iter()), None);
        let long = "x".repeat(KEY_MAX + 5);
        assert_eq!(rules.rule_for(&k(&long), [].iter()), None);
    }
}
