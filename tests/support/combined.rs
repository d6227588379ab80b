//! The combined-regex baseline: the simplest fast redactor a user would write, for the speed
//! comparisons (`benches/engine.rs`, and `scripts/bench-compare.sh` through `logscrub-corpus
//! combined`).
//!
//! One `regex::bytes::Regex` alternation of the payout and contact shapes (email, phone, card, SSN,
//! IBAN, routing number after its keyword), run with `replace_all` once per line, and the
//! validators a careful user adds in the replacement closure: Luhn for cards, mod-97 for IBANs, the
//! ABA checksum for routing numbers, the SSA's never-issued ranges for SSNs. A shape that fails its
//! validator is written back unchanged. Classes and word boundaries are ASCII (`(?-u)`), which is
//! what lets the regex crate's lazy DFA run on any input: with Unicode `\b` it falls back to a
//! slower engine on every non-ASCII line, and the baseline would be slower than it needs to be.

use regex::bytes::{Captures, Regex};

pub struct Combined {
    regex: Regex,
}

impl Default for Combined {
    fn default() -> Self {
        Self::new()
    }
}

impl Combined {
    pub fn new() -> Combined {
        let pattern = r"(?x-u)
            (?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})
          | (?P<iban>\b[A-Z]{2}[0-9]{2}(?:[\ ]?[A-Z0-9]{4}){2,7}(?:[\ ]?[A-Z0-9]{1,4})?\b)
          | (?P<ssn>\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b)
          | (?P<phone>\+[0-9][0-9\ .-]{7,16}[0-9]\b
                     | (?:\([2-9][0-9]{2}\)\ ?|\b[2-9][0-9]{2}[-.\ ])[2-9][0-9]{2}[-.\ ][0-9]{4}\b)
          | (?P<card>\b[0-9](?:[\ -]?[0-9]){11,18}\b)
          | (?i:routing|aba)[^0-9\n]{0,20}(?P<routing>\b[0-9]{9}\b)
        ";
        Combined {
            regex: Regex::new(pattern).expect("the baseline's regex compiles"),
        }
    }

    /// Appends `line` to `out`, every valid match replaced by its label.
    pub fn scrub_line(&self, line: &[u8], out: &mut Vec<u8>) {
        let replaced = self.regex.replace_all(line, |c: &Captures| replacement(c));
        out.extend_from_slice(&replaced);
    }

    /// Scrubs `data` line by line, appending to `out`.
    pub fn scrub(&self, data: &[u8], out: &mut Vec<u8>) {
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', data) {
            self.scrub_line(&data[start..=nl], out);
            start = nl + 1;
        }
        if start < data.len() {
            self.scrub_line(&data[start..], out);
        }
    }
}

fn replacement(c: &Captures) -> Vec<u8> {
    let whole = c.get(0).map_or(&[][..], |m| m.as_bytes());
    let group = |name| c.name(name).map(|m| m.as_bytes());
    if group("email").is_some() {
        return b"[EMAIL]".to_vec();
    }
    if let Some(v) = group("iban") {
        return if iban_ok(v) {
            b"[IBAN]".to_vec()
        } else {
            whole.to_vec()
        };
    }
    if let Some(v) = group("ssn") {
        return if ssn_ok(v) {
            b"[SSN]".to_vec()
        } else {
            whole.to_vec()
        };
    }
    if group("phone").is_some() {
        return b"[PHONE]".to_vec();
    }
    if let Some(v) = group("card") {
        return if luhn_ok(v) {
            b"[CARD]".to_vec()
        } else {
            whole.to_vec()
        };
    }
    if let (Some(m), Some(v)) = (c.name("routing"), group("routing"))
        && aba_ok(v)
    {
        let keep = m.start() - c.get(0).map_or(0, |w| w.start());
        let mut out = whole[..keep].to_vec();
        out.extend_from_slice(b"[ROUTING]");
        return out;
    }
    whole.to_vec()
}

fn digits(v: &[u8]) -> impl Iterator<Item = u32> + '_ {
    v.iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| u32::from(b - b'0'))
}

fn luhn_ok(v: &[u8]) -> bool {
    let d: Vec<u32> = digits(v).collect();
    if !(12..=19).contains(&d.len()) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                (x * 2) % 9 + u32::from(x == 9) * 9
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn iban_ok(v: &[u8]) -> bool {
    let s: Vec<u8> = v.iter().copied().filter(|b| *b != b' ').collect();
    if s.len() < 15 {
        return false;
    }
    let mut rem: u32 = 0;
    for &b in s[4..].iter().chain(&s[..4]) {
        let n = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b.to_ascii_uppercase() - b'A') + 10
        };
        rem = if n >= 10 {
            (rem * 100 + n) % 97
        } else {
            (rem * 10 + n) % 97
        };
    }
    rem == 1
}

fn ssn_ok(v: &[u8]) -> bool {
    let d: Vec<u32> = digits(v).collect();
    let area = d[0] * 100 + d[1] * 10 + d[2];
    let group = d[3] * 10 + d[4];
    let serial = d[5..].iter().fold(0, |a, &x| a * 10 + x);
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

fn aba_ok(v: &[u8]) -> bool {
    let d: Vec<u32> = digits(v).collect();
    let w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
    d.len() == 9
        && d.iter()
            .zip(w)
            .map(|(x, w)| x * w)
            .sum::<u32>()
            .is_multiple_of(10)
}
