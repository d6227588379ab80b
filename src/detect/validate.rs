//! Checksums and numbering-plan rules that turn "a run of digits" into "a value of this kind".
//!
//! Shape alone is worthless on log data: a third of CloudWatch bytes are digits, and most 9- to 19-digit
//! runs are ids, epochs and counters. Every numeric detector therefore ends in one of these validators,
//! which encode the public numbering rules (see `../shared/reference/formats.md` for sources). They all
//! take ASCII digits (or, for IBAN, upper-case alphanumerics) with separators already removed, but
//! for [`basic_auth`], which takes the base64 text itself.

/// Whether `text` is standard base64 (padded or not) of `user:password`: at least one byte on each
/// side of the first `:`, and no control byte anywhere (what a person or a tool types as a user
/// name and a password). Random base64 of that length decodes to a control byte or misses the
/// colon nearly always, so a bare base64 word under an `auth` key is taken only when it is one.
pub fn basic_auth(text: &[u8]) -> bool {
    fn sextet(b: u8) -> Option<u32> {
        Some(u32::from(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let body = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    // A lone sextet at the end holds no whole byte: not base64.
    if body.len() % 4 == 1 || body.len() < 4 {
        return false;
    }
    let (mut bits, mut n) = (0u32, 0u32);
    let (mut colon, mut len) = (None, 0usize);
    for &b in body {
        let Some(v) = sextet(b) else { return false };
        bits = bits << 6 | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            let byte = (bits >> n) as u8;
            bits &= (1 << n) - 1;
            if byte < 0x20 || byte == 0x7f {
                return false;
            }
            if byte == b':' && colon.is_none() {
                colon = Some(len);
            }
            len += 1;
        }
    }
    colon.is_some_and(|c| c > 0 && c + 1 < len)
}

/// Whether `text` is a vehicle identification number (ISO 3779): seventeen characters without
/// `I`, `O` and `Q`, a letter among them, and a serial whose last four characters are digits. The
/// check digit in position nine is North America's and China's only (European VINs have none),
/// so it is not asked for.
pub fn vin(text: &[u8]) -> bool {
    let vin_char =
        |b: u8| b.is_ascii_digit() || b.is_ascii_uppercase() && !matches!(b, b'I' | b'O' | b'Q');
    text.len() == 17
        && text.iter().all(|&b| vin_char(b))
        && text.iter().any(u8::is_ascii_uppercase)
        && text[13..].iter().all(u8::is_ascii_digit)
}

/// Luhn (mod 10) checksum, as used by every payment card brand.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d.wrapping_sub(b'0'));
        if v > 9 {
            return false;
        }
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

fn prefix_num(digits: &[u8], n: usize) -> u32 {
    digits[..n.min(digits.len())]
        .iter()
        .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'))
}

/// Whether `digits` (13 to 19 of them) starts with a real issuer prefix for its length.
///
/// Covers Visa, Mastercard (including 2221-2720), American Express, Discover, JCB, Diners Club and
/// UnionPay. A Luhn-valid run without a brand prefix is far more often an order number than a card.
pub fn card_brand_ok(digits: &[u8]) -> bool {
    // Issuer ranges and lengths of every brand in `shared/reference/catalog.md` (Braintree's
    // `credit-card-type` table, ISO/IEC 7812): the range decides which lengths a number may have.
    // Brands that carve sub-ranges out of a wider one (Elo, Hipercard, Verve, Dankort, Troy, RuPay
    // inside Visa, Maestro, Discover and UnionPay space) have lengths the wider range allows too.
    let len = digits.len();
    if !(12..=19).contains(&len) {
        return false;
    }
    let p2 = prefix_num(digits, 2);
    let p3 = prefix_num(digits, 3);
    let p4 = prefix_num(digits, 4);
    let p6 = prefix_num(digits, 6);
    let maestro = len >= 12;
    match prefix_num(digits, 1) {
        // UATP (airline cards).
        1 => len == 15,
        // Mastercard 2-series; Mir 2200-2204.
        2 => {
            (2221..=2720).contains(&p4) && len == 16
                || (2200..=2204).contains(&p4) && (16..=19).contains(&len)
        }
        3 => {
            (p2 == 34 || p2 == 37) && len == 15
                || (3528..=3589).contains(&p4) && (16..=19).contains(&len)
                // JCB's older range (Authorize.Net's JCB test card is 3088 0000 0000 0017).
                || (3088..=3094).contains(&p4) && len == 16
                || ((300..=305).contains(&p3) || p3 == 309 || p2 == 36 || p2 == 38 || p2 == 39)
                    && (14..=19).contains(&len)
        }
        // Visa (Elo and the Visa/Dankort co-brand inside it); Maestro 493698.
        4 => matches!(len, 13 | 16 | 18 | 19) || p6 == 493698 && maestro,
        // Mastercard 51-55; Maestro 50 and 56-59 (Dankort 5019, Verve 506099-507964 within).
        5 => (51..=55).contains(&p2) && len == 16 || (p2 == 50 || p2 >= 56) && maestro,
        // Discover, UnionPay 62, RuPay 60/65, Elo/Hipercard/Troy sub-ranges: 16-19; UnionPay 14-19;
        // Maestro 63, 67 and the rest of 6 as its fallback: 12-19.
        6 => p2 == 62 && len >= 14 || (16..=19).contains(&len) || maestro,
        // UnionPay's 81 range (810, 8110-8171; 14-19 digits) and RuPay's 81 and 82 (16 digits
        // only): an 18-digit Shopify id from 82 is no card.
        8 => {
            (p3 == 810 || (8110..=8171).contains(&p4)) && (14..=19).contains(&len)
                || (p2 == 81 || p2 == 82) && len == 16
        }
        // Troy 9792.
        9 => p4 == 9792 && len == 16,
        _ => false,
    }
}

/// NANP area code (NPA) and exchange (NXX) rules for a 10-digit number.
///
/// Both must start with 2-9, the area code's second digit is never 9, and N11 service codes are
/// neither. This is what keeps 10-digit epoch seconds (they start with 1) from being phones.
pub fn nanp(digits: &[u8]) -> bool {
    if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n11 = |a: u8, b: u8, c: u8| b == b'1' && c == b'1' && a >= b'2';
    let (a, b, c) = (digits[0], digits[1], digits[2]);
    let (d, e, f) = (digits[3], digits[4], digits[5]);
    a >= b'2' && b != b'9' && !n11(a, b, c) && d >= b'2' && !n11(d, e, f)
}

/// ABA routing transit number: a Federal Reserve prefix and the 3-7-1 checksum.
pub fn aba_routing(digits: &[u8]) -> bool {
    if digits.len() != 9 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let prefix = prefix_num(digits, 2);
    let prefix_ok =
        prefix <= 12 || (21..=32).contains(&prefix) || (61..=72).contains(&prefix) || prefix == 80;
    let d = |i: usize| u32::from(digits[i] - b'0');
    let sum = 3 * (d(0) + d(3) + d(6)) + 7 * (d(1) + d(4) + d(7)) + (d(2) + d(5) + d(8));
    prefix_ok && sum % 10 == 0 && digits != b"000000000"
}

/// US Social Security number ranges: area not 000, 666 or 9xx; group not 00; serial not 0000.
pub fn ssn(digits: &[u8]) -> bool {
    if digits.len() != 9 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let area = prefix_num(digits, 3);
    let group = prefix_num(&digits[3..], 2);
    let serial = prefix_num(&digits[5..], 4);
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// IRS employer identification number prefixes (the first two digits).
pub fn ein(digits: &[u8]) -> bool {
    if digits.len() != 9 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let p = prefix_num(digits, 2);
    matches!(p, 1..=6 | 10..=16 | 20..=27 | 30..=48 | 50..=68 | 71..=77 | 80..=88 | 90..=95 | 98 | 99)
}

/// Expected IBAN length for an upper-case country code, from the SWIFT IBAN registry (release 101, 89
/// countries, as listed in `shared/reference/catalog.md`: Portugal is 25, Mauritius 30, Qatar and
/// Palestine 29).
pub fn iban_length(country: [u8; 2]) -> Option<usize> {
    const TABLE: &[(&[u8; 2], u8)] = &[
        (b"AD", 24),
        (b"AE", 23),
        (b"AL", 28),
        (b"AT", 20),
        (b"AZ", 28),
        (b"BA", 20),
        (b"BE", 16),
        (b"BG", 22),
        (b"BH", 22),
        (b"BI", 27),
        (b"BR", 29),
        (b"BY", 28),
        (b"CH", 21),
        (b"CR", 22),
        (b"CY", 28),
        (b"CZ", 24),
        (b"DE", 22),
        (b"DJ", 27),
        (b"DK", 18),
        (b"DO", 28),
        (b"EE", 20),
        (b"EG", 29),
        (b"ES", 24),
        (b"FI", 18),
        (b"FK", 18),
        (b"FO", 18),
        (b"FR", 27),
        (b"GB", 22),
        (b"GE", 22),
        (b"GI", 23),
        (b"GL", 18),
        (b"GR", 27),
        (b"GT", 28),
        (b"HN", 28),
        (b"HR", 21),
        (b"HU", 28),
        (b"IE", 22),
        (b"IL", 23),
        (b"IQ", 23),
        (b"IS", 26),
        (b"IT", 27),
        (b"JO", 30),
        (b"KW", 30),
        (b"KZ", 20),
        (b"LB", 28),
        (b"LC", 32),
        (b"LI", 21),
        (b"LT", 20),
        (b"LU", 20),
        (b"LV", 21),
        (b"LY", 25),
        (b"MC", 27),
        (b"MD", 24),
        (b"ME", 22),
        (b"MK", 19),
        (b"MN", 20),
        (b"MR", 27),
        (b"MT", 31),
        (b"MU", 30),
        (b"NI", 28),
        (b"NL", 18),
        (b"NO", 15),
        (b"OM", 23),
        (b"PK", 24),
        (b"PL", 28),
        (b"PS", 29),
        (b"PT", 25),
        (b"QA", 29),
        (b"RO", 24),
        (b"RS", 22),
        (b"RU", 33),
        (b"SA", 24),
        (b"SC", 31),
        (b"SD", 18),
        (b"SE", 24),
        (b"SI", 19),
        (b"SK", 24),
        (b"SM", 27),
        (b"SO", 23),
        (b"ST", 25),
        (b"SV", 28),
        (b"TL", 23),
        (b"TN", 24),
        (b"TR", 26),
        (b"UA", 29),
        (b"VA", 22),
        (b"VG", 24),
        (b"XK", 20),
        (b"YE", 30),
    ];
    TABLE
        .iter()
        .find(|(c, _)| **c == country)
        .map(|&(_, n)| usize::from(n))
}

/// IBAN mod-97 check over upper-case alphanumerics (no separators).
pub fn iban_mod97(iban: &[u8]) -> bool {
    if iban.len() < 5 || iban.len() > 34 {
        return false;
    }
    let rotated = iban[4..].iter().chain(&iban[..4]);
    let mut rem: u32 = 0;
    for &c in rotated {
        match c {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + u32::from(c - b'A' + 10)) % 97,
            _ => return false,
        }
    }
    rem == 1
}

/// A dotted quad whose four parts are each 0-255.
pub fn ipv4_parts(parts: &[&[u8]]) -> bool {
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.iter().all(u8::is_ascii_digit)
                && prefix_num(p, 3) <= 255
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vehicle_identification_numbers() {
        // Wikipedia's North American example and a European one without a check digit.
        assert!(vin(b"1M8GDM9AXKP042788"));
        assert!(vin(b"WVWZZZ1JZXW000001"));
        // I, O and Q are never used; the serial ends in four digits; digits alone are no VIN;
        // seventeen characters exactly.
        for no in [
            &b"1M8GDM9AXKP04278O"[..],
            b"1M8GDM9AXKPQ42788",
            b"1M8GDM9AXKP0427AB",
            b"12345678901234567",
            b"1M8GDM9AXKP04278",
            b"1m8gdm9axkp042788",
        ] {
            assert!(!vin(no), "{}", String::from_utf8_lossy(no));
        }
    }

    #[test]
    fn basic_auth_is_base64_of_user_colon_password() {
        for yes in [
            &b"dXNlcjpwYXNz"[..],
            b"dXNlcm5hbWU6cGFzc3dvcmQxMjM0NTY=",
            b"dXNlcm5hbWU6cGFzc3dvcmQxMjM0NTY",
            b"YTpi",
        ] {
            assert!(basic_auth(yes), "{}", String::from_utf8_lossy(yes));
        }
        for no in [
            // `password` (no colon), `:pass`, `user:`, a control byte, not base64, too short,
            // a lone sextet, hex.
            &b"cGFzc3dvcmQ="[..],
            b"OnBhc3M=",
            b"dXNlcjo=",
            b"ZGVwbG95OmdocF94AXk=",
            b"dXNlcjpw-XNz",
            b"YTo",
            b"dXNlcjpwYXNzA",
            b"0123456789abcdef0123456789abcdef",
        ] {
            assert!(!basic_auth(no), "{}", String::from_utf8_lossy(no));
        }
    }

    #[test]
    fn luhn_known_values() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"378282246310005"));
        assert!(luhn(b"5555555555554444"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b""));
    }

    #[test]
    fn brands() {
        assert!(card_brand_ok(b"4111111111111111"));
        assert!(card_brand_ok(b"2221000000000009"));
        assert!(card_brand_ok(b"378282246310005"));
        assert!(card_brand_ok(b"6011111111111117"));
        assert!(card_brand_ok(b"3530111333300000"));
        assert!(card_brand_ok(b"30569309025904"));
        assert!(card_brand_ok(b"6200000000000005"));
        // Mir, UATP, Troy, RuPay, Maestro (12 digits), UnionPay 81, Dankort, Verve (19), Elo.
        for pan in [
            "2200123456789019",
            "123456789012347",
            "9792123456789018",
            "6080123456789015",
            "675912345674",
            "810012345678901239",
            "5019123456789087",
            "5060991234567890129",
            "4011781234567893",
        ] {
            assert!(card_brand_ok(pan.as_bytes()), "{pan}");
        }
        assert!(!card_brand_ok(b"123456789012"), "UATP is 15 digits");
        assert!(!card_brand_ok(b"411111111111"), "Visa is never 12");
        // Epoch milliseconds and unknown prefixes are not cards.
        assert!(!card_brand_ok(b"1748503543012"));
        assert!(!card_brand_ok(b"9111111111111111"));
        assert!(!card_brand_ok(b"2720990000000000000"));
    }

    #[test]
    fn nanp_rules() {
        assert!(nanp(b"4155550132"));
        assert!(nanp(b"8005550199"));
        assert!(!nanp(b"1747731000"), "epoch seconds");
        assert!(!nanp(b"0155550132"));
        assert!(!nanp(b"4915550132"), "NPA second digit 9");
        assert!(!nanp(b"4151550132"), "NXX starts with 1");
        assert!(!nanp(b"9115550132"), "N11 area code");
        assert!(!nanp(b"4154110132"), "N11 exchange");
    }

    #[test]
    fn aba() {
        assert!(aba_routing(b"021000021"));
        assert!(aba_routing(b"011000015"));
        assert!(!aba_routing(b"021000022"));
        assert!(!aba_routing(b"000000000"));
        assert!(!aba_routing(b"500000005"), "prefix 50 is not a Fed range");
    }

    #[test]
    fn ssn_and_ein() {
        assert!(ssn(b"219099999"));
        assert!(!ssn(b"000123456"));
        assert!(!ssn(b"666123456"));
        assert!(!ssn(b"912123456"));
        assert!(!ssn(b"219009999"));
        assert!(!ssn(b"219090000"));
        assert!(ein(b"123456789"));
        assert!(!ein(b"073456789"));
        assert!(!ein(b"963456789"));
    }

    #[test]
    fn iban() {
        assert_eq!(iban_length(*b"DE"), Some(22));
        assert_eq!(iban_length(*b"ZZ"), None);
        assert!(iban_mod97(b"DE89370400440532013000"));
        assert!(iban_mod97(b"GB82WEST12345698765432"));
        assert!(!iban_mod97(b"DE89370400440532013001"));
    }

    #[test]
    fn ipv4() {
        assert!(ipv4_parts(&[b"10", b"0", b"0", b"255"]));
        assert!(!ipv4_parts(&[b"10", b"0", b"0", b"256"]));
    }
}
