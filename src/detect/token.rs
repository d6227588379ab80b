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

use super::Candidates;
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
    /// Bitcoin's base58: `[1-9A-HJ-NP-Za-km-z]` (no `0`, `O`, `I`, `l`)
    Base58,
    /// `[0-9a-fA-F]`: hex in either case (EIP-55 addresses mix them)
    HexAnyCase,
    /// The bech32 data characters `qpzry9x8gf2tvdw0s3jn54khce6mua7l`
    Bech32,
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
        ("base58", Alphabet::Base58),
        ("hex_any_case", Alphabet::HexAnyCase),
        ("bech32", Alphabet::Bech32),
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
            Alphabet::Base58 => {
                b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l')
            }
            Alphabet::HexAnyCase => b.is_ascii_hexdigit(),
            // Either case (an address may be written upper-case, as in QR codes).
            Alphabet::Bech32 => BECH32.contains(&b.to_ascii_lowercase()),
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
    /// Bitcoin's Base58Check over prefix and body: the last four bytes are the first four of the
    /// double SHA-256 of the rest.
    Base58Check,
    /// BIP-173/350: the prefix is the human-readable part and `1`, the body the data and its
    /// six-character checksum (bech32 or bech32m).
    Bech32,
}

impl Checksum {
    pub(crate) const ALL: &'static [(&'static str, Checksum)] = &[
        ("crc32_base62", Checksum::Crc32Base62),
        ("base58check", Checksum::Base58Check),
        ("bech32", Checksum::Bech32),
    ];

    pub(crate) fn parse(name: &str) -> Option<Checksum> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
    }

    /// Whether `body` (the token after its `prefix`) passes the check.
    pub fn verify(self, prefix: &[u8], body: &[u8]) -> bool {
        match self {
            Checksum::Base58Check => base58check(prefix, body),
            Checksum::Bech32 => bech32(prefix, body),
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

const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// Base58Check: prefix and body decoded as one base58 number of 25 bytes (version, 20-byte hash,
/// 4-byte checksum), the checksum compared with the double SHA-256 of the rest.
fn base58check(prefix: &[u8], body: &[u8]) -> bool {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut bytes = [0u8; 25];
    let mut leading_ones = 0;
    let mut seen_other = false;
    for &c in prefix.iter().chain(body) {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            return false;
        };
        if v == 0 && !seen_other {
            leading_ones += 1;
        } else {
            seen_other = true;
        }
        // bytes = bytes * 58 + v, big-endian; a carry out of the top byte means more than 25.
        let mut carry = v as u32;
        for b in bytes.iter_mut().rev() {
            let x = u32::from(*b) * 58 + carry;
            *b = x as u8;
            carry = x >> 8;
        }
        if carry != 0 {
            return false;
        }
    }
    // Each leading `1` stands for one zero byte; the rest of the number must fill the other bytes.
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    if zeros != leading_ones {
        return false;
    }
    let (data, check) = bytes.split_at(21);
    sha256(&sha256(data))[..4] == *check
}

/// BIP-173 and BIP-350: `prefix` is `<hrp>1`, `body` the data characters with the checksum.
fn bech32(prefix: &[u8], body: &[u8]) -> bool {
    let Some((&b'1', hrp)) = prefix.split_last() else {
        return false;
    };
    if body.len() < 6 || hrp.is_empty() || body.len() + prefix.len() > 90 {
        return false;
    }
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk = 1u32;
    let mut step = |v: u8| {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    };
    for &c in hrp {
        step(c.to_ascii_lowercase() >> 5);
    }
    step(0);
    for &c in hrp {
        step(c.to_ascii_lowercase() & 31);
    }
    for &c in body {
        match BECH32.iter().position(|&a| a == c.to_ascii_lowercase()) {
            Some(v) => step(v as u8),
            None => return false,
        }
    }
    // bech32 (witness version 0) or bech32m (versions 1-16).
    matches!(chk, 1 | 0x2bc8_30a3)
}

/// SHA-256 (FIPS 180-4), for Base58Check; its inputs here are 21 or 32 bytes (at most 119).
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    // The padded message, in a buffer on the stack: inputs here are at most 55 bytes, one block.
    let mut msg = [0u8; 128];
    let n = data.len().min(119);
    msg[..n].copy_from_slice(&data[..n]);
    msg[n] = 0x80;
    let blocks = if n < 56 { 1 } else { 2 };
    let bits = (n as u64).wrapping_mul(8);
    msg[blocks * 64 - 8..blocks * 64].copy_from_slice(&bits.to_be_bytes());
    for chunk in msg[..blocks * 64].chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let [a, b, c, d, e, f, g, hh] = v;
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            v = [
                t1.wrapping_add(s0.wrapping_add(maj)),
                a,
                b,
                c,
                d.wrapping_add(t1),
                e,
                f,
                g,
            ];
        }
        for (slot, x) in h.iter_mut().zip(v) {
            *slot = slot.wrapping_add(x);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
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
    /// The prefix is a name that also holds ordinary values (`?session=new`): the body counts
    /// only when it looks generated (16 bytes or more, letters and digits).
    pub generated: bool,
}

impl TokenShape {
    fn accepts(&self, b: u8) -> bool {
        self.alphabet.accepts(b) || self.extra.contains(&b)
    }
}

/// The prefix of a token rule matched at `[start, body)`: records the token and returns where the
/// search resumes.
pub(crate) fn at_prefix(
    sink: &mut Candidates<'_>,
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
    // The checksum last: it is the costly test (two SHA-256 for Base58Check).
    if (shape.min_len..=shape.max_len).contains(&len)
        && ends
        && (!shape.generated || super::secrets::generated(&input[body..end]))
        && shape
            .checksum
            .is_none_or(|c| c.verify(&input[start..body], &input[body..end]))
    {
        sink.push(if shape.keep_prefix { body } else { start }, end, rule);
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_and_crypto_checksums() {
        let hex = |d: [u8; 32]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // catalog.md's synthetic addresses, their checksums computed there.
        assert!(base58check(b"1", b"6L5yRNPTuciSgXGHqYwn9N6NeoKqopAu"));
        assert!(base58check(b"3", b"1nM1WuowNDzocNxPPW9NQWJEtwWpjfcLj"));
        assert!(!base58check(b"3", b"1nM1WuowNDzocNxPPW9NQWJEtwWpjfcLk"));
        assert!(bech32(b"bc1", b"qqypqxpq9qcrsszg2pvxq6rs0zqg3yyc5fcj4z3"));
        assert!(bech32(
            b"bc1",
            b"pqypqxpq9qcrsszg2pvxq6rs0zqg3yyc5z5tpwxqergd3c8g7rusqwk0jyn"
        ));
        assert!(!bech32(b"bc1", b"qqypqxpq9qcrsszg2pvxq6rs0zqg3yyc5fcj4z4"));
    }

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
        assert!(Checksum::Crc32Base62.verify(b"ghp_", &body));
        let last = body.len() - 1;
        body[last] = if body[last] == b'0' { b'1' } else { b'0' };
        assert!(!Checksum::Crc32Base62.verify(b"ghp_", &body));
        assert!(!Checksum::Crc32Base62.verify(b"ghp_", b"abc"));
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
