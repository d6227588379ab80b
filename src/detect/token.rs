//! Vendor credentials described as data: a literal prefix, a body of one alphabet and length, and
//! the format's own checksum where it has one.
//!
//! Most leaked credentials announce themselves (`glpat-`, `npm_`, `SG.`, `hvs.`); what tells a real
//! one from a word that happens to start the same way is the body after the prefix: its alphabet,
//! its length and, for formats that carry one, a checksum. A rule pack states those facts
//! (`detector = "token"`, see `patterns/credentials.toml`) and this module checks them, so a hundred
//! vendors cost one table, not a hundred hand-written scanners. The prefixes themselves go into the
//! one literal search of [`secrets`](super::secrets), so a rule costs nothing on a line without its
//! prefix.

use super::Sink;
use crate::findings::RuleId;

/// The bytes a token body is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Alphabet {
    /// `[0-9A-Za-z]`
    Base62,
    /// `[A-Za-z0-9+/]`, with `=` padding at the end
    Base64,
    /// `[A-Za-z0-9_-]`
    Base64Url,
    /// `[0-9a-f]`
    Hex,
    /// `[0-9A-F]`
    UpperHex,
    /// `[A-Z2-7]`
    Base32,
    /// `[a-z2-7]`
    LowerBase32,
    /// `[0-9A-Z]`
    UpperAlnum,
    /// `[0-9a-z]`
    LowerAlnum,
    /// `[A-Za-z]`
    Letters,
    /// `[0-9]`
    Digits,
}

impl Alphabet {
    pub(crate) const ALL: &'static [(&'static str, Alphabet)] = &[
        ("base62", Alphabet::Base62),
        ("base64", Alphabet::Base64),
        ("base64url", Alphabet::Base64Url),
        ("hex", Alphabet::Hex),
        ("upper_hex", Alphabet::UpperHex),
        ("base32", Alphabet::Base32),
        ("lower_base32", Alphabet::LowerBase32),
        ("upper_alnum", Alphabet::UpperAlnum),
        ("lower_alnum", Alphabet::LowerAlnum),
        ("letters", Alphabet::Letters),
        ("digits", Alphabet::Digits),
    ];

    pub(crate) fn parse(name: &str) -> Option<Alphabet> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, a)| a)
    }

    /// Whether `b` belongs to the alphabet (`=` padding is handled apart).
    pub fn accepts(self, b: u8) -> bool {
        match self {
            Alphabet::Base62 => b.is_ascii_alphanumeric(),
            Alphabet::Base64 => b.is_ascii_alphanumeric() || b == b'+' || b == b'/',
            Alphabet::Base64Url => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            Alphabet::Hex => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
            Alphabet::UpperHex => b.is_ascii_digit() || (b'A'..=b'F').contains(&b),
            Alphabet::Base32 => b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b),
            Alphabet::LowerBase32 => b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b),
            Alphabet::UpperAlnum => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Alphabet::LowerAlnum => b.is_ascii_lowercase() || b.is_ascii_digit(),
            Alphabet::Letters => b.is_ascii_alphabetic(),
            Alphabet::Digits => b.is_ascii_digit(),
        }
    }
}

/// A check a token's body must pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Checksum {
    /// GitHub's and npm's: the last 6 characters are the CRC-32 (IEEE) of the characters before
    /// them, in base 62 (`0-9A-Za-z`), left-padded with `0`.
    Crc32Base62,
}

impl Checksum {
    pub(crate) const ALL: &'static [(&'static str, Checksum)] =
        &[("crc32_base62", Checksum::Crc32Base62)];

    pub(crate) fn parse(name: &str) -> Option<Checksum> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
    }

    /// Whether `body` (the token after its prefix) passes the check.
    pub fn verify(self, body: &[u8]) -> bool {
        match self {
            Checksum::Crc32Base62 => {
                let Some(split) = body.len().checked_sub(6) else {
                    return false;
                };
                let (data, tail) = body.split_at(split);
                base62_6(crc32(data)) == tail
            }
        }
    }
}

/// CRC-32 with the IEEE polynomial (zlib's), bit by bit: tokens are short and rare.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// `n` in base 62 (`0-9A-Za-z`), left-padded with `0` to six characters.
fn base62_6(mut n: u32) -> [u8; 6] {
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// What follows a token's prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenShape {
    pub alphabet: Alphabet,
    /// Bytes the body may hold besides its alphabet (`.` in `SG.xxx.yyy`, `$` in Braintree tokens).
    pub extra: Vec<u8>,
    /// Body length, prefix excluded (padding `=` included).
    pub min_len: usize,
    pub max_len: usize,
    pub checksum: Option<Checksum>,
    /// The prefix is a field name or a URL (`AccountKey=`, `api.telegram.org/bot`), not part of the
    /// secret: only the body is replaced.
    pub keep_prefix: bool,
}

impl TokenShape {
    fn accepts(&self, b: u8) -> bool {
        self.alphabet.accepts(b) || self.extra.contains(&b)
    }
}

/// The prefix of a token rule matched at `[start, body)`: records the token and returns where the
/// search resumes.
pub(crate) fn at_prefix(
    sink: &mut Sink<'_>,
    start: usize,
    body: usize,
    rule: RuleId,
    shape: &TokenShape,
) -> usize {
    let input = sink.input;
    // A prefix inside a longer word (`task_test_…` holds `sk_test_`) starts no token.
    if start > 0 && (super::word_before(input[start - 1]) || input[start - 1] == b'_') {
        return body;
    }
    let limit = body.saturating_add(shape.max_len + 1).min(input.len());
    let mut end = body;
    while end < limit && shape.accepts(input[end]) {
        end += 1;
    }
    if shape.alphabet == Alphabet::Base64 {
        let mut pad = 0;
        while end < limit && pad < 2 && input[end] == b'=' {
            end += 1;
            pad += 1;
        }
    }
    let len = end - body;
    // The token must end where its alphabet does: a longer run is some other value.
    let ends = input
        .get(end)
        .is_none_or(|&b| !shape.accepts(b) && !super::word_after(&b));
    let valid = shape.checksum.is_none_or(|c| c.verify(&input[body..end]));
    if (shape.min_len..=shape.max_len).contains(&len) && ends && valid {
        sink.push(if shape.keep_prefix { body } else { start }, end, rule);
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_answers() {
        // zlib.crc32 in Python.
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn base62_pads_to_six() {
        assert_eq!(&base62_6(0), b"000000");
        assert_eq!(&base62_6(61), b"00000z");
        assert_eq!(&base62_6(62), b"000010");
        assert_eq!(&base62_6(u32::MAX), b"4gfFC3");
    }

    #[test]
    fn github_checksum() {
        // The 30 random characters, then their checksum.
        let data = b"abcdefghijklmnopqrstuvwxyz0123";
        let mut body = data.to_vec();
        body.extend_from_slice(&base62_6(crc32(data)));
        assert!(Checksum::Crc32Base62.verify(&body));
        let last = body.len() - 1;
        body[last] = if body[last] == b'0' { b'1' } else { b'0' };
        assert!(!Checksum::Crc32Base62.verify(&body));
        assert!(!Checksum::Crc32Base62.verify(b"abc"));
    }

    #[test]
    fn alphabets() {
        for (name, a) in Alphabet::ALL {
            assert_eq!(Alphabet::parse(name), Some(*a));
        }
        assert!(Alphabet::Base32.accepts(b'7') && !Alphabet::Base32.accepts(b'8'));
        assert!(Alphabet::Hex.accepts(b'f') && !Alphabet::Hex.accepts(b'F'));
        assert!(Alphabet::Base64Url.accepts(b'-') && !Alphabet::Base64Url.accepts(b'+'));
    }
}
