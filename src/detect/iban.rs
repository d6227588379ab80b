//! IBANs: entered from the check digits, since the bitmask pass finds digit runs, not letters.
//!
//! `DE89 3704 0044 0532 0130 00` reaches this module as a digit run (`89`) preceded by two capital letters.
//! The country gives the exact length; the value may be compact or grouped by four with single spaces;
//! the mod-97 check then rejects almost every look-alike.

use super::validate;

/// If the digit run at `p` is the check digits of an IBAN, returns its span (country code included).
pub(crate) fn at(input: &[u8], p: usize) -> Option<(usize, usize)> {
    if p < 2 || !input[p - 2].is_ascii_alphabetic() || !input[p - 1].is_ascii_alphabetic() {
        return None;
    }
    if p > 2 && super::word_before(input[p - 3]) {
        return None;
    }
    // Written in lower case too (`de89 3704 ...` in a form field): the country and the BBAN letters
    // are checked upper-cased, as the registry defines them, but one value never mixes cases.
    let lower = input[p - 2].is_ascii_lowercase();
    if input[p - 1].is_ascii_lowercase() != lower {
        return None;
    }
    let expected = validate::iban_length([
        input[p - 2].to_ascii_uppercase(),
        input[p - 1].to_ascii_uppercase(),
    ])?;
    let start = p - 2;
    let mut compact = [0u8; 34];
    let mut count = 0;
    let mut i = start;
    // Grouped by four with one separator, a space or a dash, the same throughout.
    let mut sep: Option<u8> = None;
    while i < input.len() && count < expected {
        let b = input[i];
        let letter_ok = if lower {
            b.is_ascii_lowercase()
        } else {
            b.is_ascii_uppercase()
        };
        if b.is_ascii_digit() || letter_ok {
            compact[count] = b.to_ascii_uppercase();
            count += 1;
            i += 1;
        } else if matches!(b, b' ' | b'-')
            && sep.is_none_or(|s| s == b)
            && count % 4 == 0
            && input.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            sep = Some(b);
            i += 1;
        } else {
            break;
        }
    }
    if count != expected || !compact[2].is_ascii_digit() || !compact[3].is_ascii_digit() {
        return None;
    }
    if input.get(i).is_some_and(super::word_after) {
        return None;
    }
    validate::iban_mod97(&compact[..count]).then_some((start, i))
}

#[cfg(test)]
mod tests {
    use super::at;

    fn find(s: &str) -> Option<&str> {
        let p = s.find(|c: char| c.is_ascii_digit())?;
        at(s.as_bytes(), p).map(|(a, b)| &s[a..b])
    }

    #[test]
    fn compact_and_grouped() {
        assert_eq!(
            find("iban=DE89370400440532013000,"),
            Some("DE89370400440532013000")
        );
        assert_eq!(
            find("to DE89 3704 0044 0532 0130 00 ok"),
            Some("DE89 3704 0044 0532 0130 00")
        );
        assert_eq!(
            find("GB82WEST12345698765432"),
            Some("GB82WEST12345698765432")
        );
        assert_eq!(
            find("to PT50 0000 0000 0001 2345 6788 9 ok"),
            Some("PT50 0000 0000 0001 2345 6788 9")
        );
        assert_eq!(
            find("iban de89-3704-0044-0532-0130-00."),
            Some("de89-3704-0044-0532-0130-00")
        );
        assert_eq!(
            find("QA58DOHB00001234567890ABCDEFG"),
            Some("QA58DOHB00001234567890ABCDEFG")
        );
    }

    #[test]
    fn rejects_look_alikes() {
        assert_eq!(find("DE89370400440532013001"), None, "bad checksum");
        assert_eq!(find("DE8937040044053201300"), None, "too short");
        assert_eq!(find("XDE89370400440532013000"), None, "inside a word");
        assert_eq!(find("DE89370400440532013000X"), None, "continues");
        assert_eq!(find("ZZ89370400440532013000"), None, "no such country");
        assert_eq!(find("De89370400440532013000"), None, "mixed case");
        assert_eq!(
            find("DE89 3704-0044 0532 0130 00"),
            None,
            "mixed separators"
        );
    }
}
