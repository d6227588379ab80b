//! Password hashes in the modular crypt format (`$2b$12$…`, `$6$salt$…`, `$y$j9T$…`,
//! `$argon2id$v=19$…`): what `/etc/shadow`, htpasswd files, user tables and their debug dumps hold.
//!
//! A hash is not the password, but it is what an attacker cracks offline to get it, so it is a
//! credential to redact like the password itself. The format is `$id$` followed by `$`-separated
//! fields (parameters, salt, hash) of the crypt alphabet, and it starts at a `$`, which the trigger
//! pass already stops at (for cashtags): finding hashes costs nothing on lines without a `$`.
//!
//! The scheme ids are those of crypt(5) (libxcrypt) and passlib: `1` (MD5), `2a`/`2b`/`2x`/`2y`
//! (bcrypt), `5`/`6` (SHA-256/512-crypt), `7` (scrypt), `y`/`gy` (yescrypt), `apr1` (Apache MD5),
//! the Argon2 variants and passlib's PBKDF2; Cisco IOS's type 8 (`$8$`, PBKDF2-SHA256) and type 9
//! (`$9$`, scrypt) secrets, as `show running-config` prints them; NetBSD's `$sha1$`.

use super::{Candidates, word_after, word_before};
use crate::findings::RuleId;

/// The scheme ids a hash may start with (between its first two `$`).
const SCHEMES: &[&[u8]] = &[
    b"1",
    b"2a",
    b"2b",
    b"2x",
    b"2y",
    b"5",
    b"6",
    b"7",
    b"8",
    b"9",
    b"sha1",
    b"y",
    b"gy",
    b"apr1",
    b"argon2i",
    b"argon2d",
    b"argon2id",
    b"pbkdf2",
    b"pbkdf2-sha1",
    b"pbkdf2-sha256",
    b"pbkdf2-sha512",
];

/// Fields after the scheme id: Argon2 has the most (version, parameters, salt, hash).
const MAX_FIELDS: usize = 5;

/// The longest hash read (SHA-512-crypt with `rounds=` is about 120 bytes; Argon2 with a long
/// hash a little more): each `$` reads at most this far, so the pass stays linear.
const MAX_LEN: usize = 256;

/// The shortest last field taken as a hash (MD5-crypt's is 22 characters): shorter, the `$…$…`
/// is a template, a price list or a shell variable, not a hash.
const MIN_HASH: usize = 16;

/// A byte of a field: the crypt alphabet (`./0-9A-Za-z`), base64's `+` and `=`, and the `,` `-`
/// of Argon2's and passlib's parameters.
fn field_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'+' | b'=' | b',' | b'-')
}

/// A byte of a hash proper (the last field): the crypt alphabet and base64's.
fn hash_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'+')
}

/// Records the hash starting at the `$` at `q` and returns its end; `None` when none starts there.
pub(crate) fn at(sink: &mut Candidates<'_>, q: usize, rule: RuleId) -> Option<usize> {
    let input = sink.input;
    // Most `$` in logs open a variable or an amount (`$LATEST`, `$5`): turned away by the first
    // byte of the scheme id.
    if !matches!(
        input.get(q + 1),
        Some(b'1' | b'2' | b'5' | b'6' | b'7' | b'8' | b'9' | b'y' | b'g' | b'a' | b'p' | b's')
    ) || q > 0 && (word_before(input[q - 1]) || input[q - 1] == b'$')
    {
        return None;
    }
    let limit = (q + MAX_LEN).min(input.len());
    let id_end = q
        + 1
        + input
            .get(q + 1..limit)?
            .iter()
            .take(14)
            .position(|&b| b == b'$')?;
    let scheme = &input[q + 1..id_end];
    if !SCHEMES.contains(&scheme) {
        return None;
    }
    // The fields, each up to the next `$`.
    let mut fields = 0;
    let mut start = id_end + 1;
    let (hash_start, end) = loop {
        let len = input[start..limit]
            .iter()
            .take_while(|&&b| field_byte(b))
            .count();
        if len == 0 {
            return None;
        }
        fields += 1;
        let end = start + len;
        if fields == MAX_FIELDS || input.get(end) != Some(&b'$') || end + 1 >= limit {
            break (start, end);
        }
        start = end + 1;
    };
    let hash = &input[hash_start..end];
    let bcrypt = scheme.starts_with(b"2");
    let shaped = if bcrypt {
        // `$2b$12$` and 53 characters: 22 of salt, 31 of hash.
        fields == 2
            && input[id_end + 1..id_end + 3].iter().all(u8::is_ascii_digit)
            && hash.len() == 53
    } else if scheme == b"8" || scheme == b"9" {
        // Cisco's: 14 characters of salt and 43 of hash, nothing else (a `$9$` of another shape is
        // some other tool's template).
        fields == 2 && hash_start - id_end - 2 == 14 && hash.len() == 43
    } else {
        fields >= 2 && hash.len() >= MIN_HASH
    };
    if !shaped || !hash.iter().all(|&b| hash_byte(b)) || input.get(end).is_some_and(word_after) {
        return None;
    }
    sink.push(q, end, rule);
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<(usize, usize)> {
        let mut spans = Vec::new();
        let mut sink = Candidates::new(text.as_bytes(), &mut spans);
        let q = text.find('$')?;
        let end = at(&mut sink, q, RuleId(0))?;
        Some((q, end))
    }

    #[test]
    fn the_schemes_as_their_tools_write_them() {
        for hash in [
            // htpasswd -B, PHP's password_hash, Python's bcrypt
            "$2y$10$abcdefghijklmnopqrstuuY0ZUvmQ6x0zHnP/2iW3JvOVgoD7X1Gq",
            "$2b$12$K3yD7Ef9qZ1bX2cV4nM6p.uW8rT0sY5aH3jL9kG7fD1eS2wQ4zX6C",
            // /etc/shadow: SHA-512-crypt, with rounds, yescrypt, MD5-crypt
            "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/",
            "$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5",
            "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7",
            "$1$saltstri$YMyguxXMBpd2TEZ.vS/3q1",
            "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/",
            // Cisco IOS type 8 and type 9 secrets (noseyparker's pwhash rule's examples).
            "$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk",
            "$9$mTj4RZG8N9ZDOk$elY/asfm8kD3iDmkBe3hD2r4xcA/0oWS5V3os.O91u.",
            // argon2-cffi
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$VGhpc0lzQUhhc2hPZkF0TGVhc3QzMkJ5dGVz",
        ] {
            for line in [
                format!("stored hash {hash} for user 42"),
                format!("root:{hash}:19000:0:99999:7:::"),
                format!("{{\"password_hash\":\"{hash}\"}}"),
            ] {
                let (q, end) = found(&line).unwrap_or_else(|| panic!("{line}"));
                assert_eq!(&line[q..end], hash, "{line}");
            }
        }
    }

    #[test]
    fn dollar_signs_that_are_no_hash() {
        for text in [
            "price $5$ off",
            "cost $1$2 each",
            "echo $6$HOME",
            "$2b$12$short",
            "template $1$name$value",
            "PS1=$y$ ok",
            "a$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIec",
            "$9$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIec",
            "$6$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }
}
