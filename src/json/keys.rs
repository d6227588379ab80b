//! Sensitive JSON keys and key paths: which rule owns the whole value under a key.
//!
//! Keys are compared *normalized* — ASCII lower case with `_`, `-`, spaces and dots removed — so one
//! pack entry `phone_number` covers `phoneNumber`, `PhoneNumber`, `Phone-Number` and `PHONE_NUMBER`.
//! A path such as `customer.name` matches a value whose key is `name` inside an object whose key is
//! `customer`, at any depth; arrays are transparent (`{"recipients":[{"name":…}]}` matches
//! `recipients.name`).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::findings::RuleId;

/// FxHash (as in rustc): keys are short, trusted pack data, so a fast non-keyed hash is right here.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<V> = HashMap<Vec<u8>, V, BuildHasherDefault<FxHasher>>;

/// A filter over (length, first, second and last byte) of the sensitive keys: almost every key in a
/// log is not sensitive, and one bit test says so without hashing the key.
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
        if let [first, second, .., last] = *key {
            // The same three bytes without the length, which a raw key gives without being
            // normalized (see `may_contain_raw`); length 0 keeps these bits apart from `slot`'s.
            let (i, b) = Self::slot_of(0, first, second, last);
            self.bits[i] |= b;
        }
    }
    fn may_contain(&self, key: &[u8]) -> bool {
        Self::slot(key).is_some_and(|(i, b)| self.bits[i] & b != 0)
    }

    /// Whether `raw` (a key as written) may be in the filter: `false` only when its normalized
    /// form is not. Most keys are written without separators at their ends; then the normalized key
    /// starts with the first two raw bytes, lowercased, and ends with the last, and one bit test
    /// rules out almost every key without reading the rest of it. Other keys answer `true`.
    fn may_contain_raw(&self, raw: &[u8]) -> bool {
        if let [first, second, .., last] = *raw
            && !is_separator(first)
            && !is_separator(second)
            && !is_separator(last)
        {
            let lower = u8::to_ascii_lowercase;
            let (i, b) = Self::slot_of(0, lower(&first), lower(&second), lower(&last));
            return self.bits[i] & b != 0;
        }
        true
    }
}

/// Bytes a normalized key leaves out.
fn is_separator(b: u8) -> bool {
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
    pub fn may_apply_raw(&self, raw: &[u8]) -> bool {
        self.quick.may_contain_raw(raw) && self.may_apply(&NormKey::new(raw))
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
