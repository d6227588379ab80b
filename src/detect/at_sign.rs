//! Values found from a trigger byte: emails and URL credentials (`@`, `%40`, `%2540`, `\u0040`), Venmo
//! handles and UPI payment addresses (`@`), `%2B`-encoded phones (`%`) and Cash App cashtags (`$`).
//!
//! An email is read outwards from its `@`: the local part backwards (at most 64 bytes, RFC 5321), the
//! domain forwards (labels joined by dots, at most 253 bytes, ending in an alphabetic TLD so
//! `lodash@4.17.21` is not an address). Both scans are bounded, so a flood of `@` costs linear time.

use super::keywords::gate;
use super::numeric::{self, Lead};
use super::{Candidates, Detectors, word_before};

const LOCAL_MAX: usize = 64;
const DOMAIN_MAX: usize = 253;
const USERINFO_MAX: usize = 256;

fn local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'.' | b'_' | b'%' | b'+' | b'-' | b'!' | b'*' | b'^' | b'~'
        )
}

/// URL user info bytes, plus `[` and `]` so a token already replaced in the user info
/// (`https://[GITHUB_TOKEN]@host`) still reads as user info on a second pass.
fn userinfo_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || b == b'['
        || b == b']'
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'%'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
        )
}

/// `@` at `a`.
pub(crate) fn at(d: &Detectors, sink: &mut Candidates<'_>, a: usize) -> usize {
    match url_userinfo(sink.input, a) {
        // In `scheme://user:password@host` the host is not an email domain and the user is not a
        // mailbox (often a token, found by its own detector); only the password is this rule's.
        Some(userinfo) => {
            if let (Some(rule), Some(colon)) = (
                d.ids.url_password,
                memchr::memchr(b':', &sink.input[userinfo..a]),
            ) {
                sink.push(userinfo + colon + 1, a, rule);
            }
            a + 1
        }
        None => email(d, sink, a, 1)
            .or_else(|| venmo(d, sink, a))
            .or_else(|| upi(d, sink, a))
            .unwrap_or(a + 1),
    }
}

/// `%` at `q`: an encoded `@` or `+`.
pub(crate) fn percent(d: &Detectors, sink: &mut Candidates<'_>, q: usize) -> usize {
    let rest = &sink.input[q..];
    if rest.starts_with(b"%40") {
        return email(d, sink, q, 3).unwrap_or(q + 1);
    }
    if rest.starts_with(b"%2540") {
        return email(d, sink, q, 5).unwrap_or(q + 1);
    }
    // Encoded with spaces or parentheses (`%2B1%20(212)%20555-0102`, `%28415%29+555-0132`).
    let encoded_start = rest.len() > 3
        && rest[1] == b'2'
        && matches!(rest[2], b'B' | b'b' | b'8')
        && (q == 0 || !word_before(sink.input[q - 1]));
    if encoded_start && let Some(end) = numeric::encoded_phone(d, sink, q) {
        return end;
    }
    let encoded_plus = rest.len() > 3
        && rest[1] == b'2'
        && matches!(rest[2], b'B' | b'b')
        && rest[3].is_ascii_digit();
    if encoded_plus && d.ids.phone.is_some() && (q == 0 || !word_before(sink.input[q - 1])) {
        return numeric::token_at(
            d,
            sink,
            q + 3,
            Lead {
                paren: false,
                plus: Some(q),
            },
        );
    }
    q + 1
}

/// An email whose `@` (written as `at_len` bytes: `@`, `%40`, `%2540` or `\u0040`) is at `a`. Returns
/// the end of the address when one was recorded.
pub(crate) fn email(
    d: &Detectors,
    sink: &mut Candidates<'_>,
    a: usize,
    at_len: usize,
) -> Option<usize> {
    let rule = d.ids.email?;
    let input = sink.input;
    let lo = a.saturating_sub(LOCAL_MAX);
    let mut start = a;
    while start > lo {
        if local_byte(input[start - 1]) {
            start -= 1;
        } else if let Some(s) = letter_before(input, start).filter(|&s| s >= lo) {
            // An internationalised address (RFC 6531: `Dörte@…`, `коля@пример.рф`): stopping at
            // its UTF-8 left the local part's start in the output.
            start = s;
        } else {
            break;
        }
    }
    // An escape sequence just before the address (`\n`, `\u00e9` in a JSON string) is not part of it.
    let mut slashes = 0;
    while start > slashes && input[start - 1 - slashes] == b'\\' {
        slashes += 1;
    }
    if slashes % 2 == 1 {
        let unicode = input.get(start) == Some(&b'u')
            && input.len() >= start + 5
            && input[start + 1..start + 5]
                .iter()
                .all(u8::is_ascii_hexdigit);
        // The escaped character whole: one beyond ASCII (`\э`, not JSON, but a log's text) is
        // more than one byte, and a span from inside it cut it in two.
        start += if unicode {
            5
        } else {
            letter_at(input, start).unwrap_or(1)
        };
    }
    while start < a && input[start] == b'.' {
        start += 1;
    }
    if start >= a {
        return None;
    }
    let end = domain_end(input, a + at_len)?;
    // `git@github.com:org/repo.git` is an SSH remote in scp syntax (user `git`, the convention of
    // GitHub, GitLab, Bitbucket and Azure DevOps), not a mailbox.
    if &input[start..a] == b"git" && input.get(end) == Some(&b':') {
        return Some(end);
    }
    sink.push(start, end, rule);
    Some(end)
}

/// The length of the UTF-8 letter or digit beyond ASCII that starts at `i` (`ö`, `п`, `例`); `None`
/// for anything else, punctuation beyond ASCII included (`。`, `‹`), which ends an address.
fn letter_at(input: &[u8], i: usize) -> Option<usize> {
    let lead = *input.get(i)?;
    let n = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let c = std::str::from_utf8(input.get(i..i + n)?)
        .ok()?
        .chars()
        .next()?;
    c.is_alphanumeric().then_some(n)
}

/// Where the UTF-8 letter or digit beyond ASCII that ends at `end` starts (see [`letter_at`]).
fn letter_before(input: &[u8], end: usize) -> Option<usize> {
    (2..=4)
        .filter_map(|n| end.checked_sub(n))
        .find(|&s| letter_at(input, s) == Some(end - s))
}

/// End of the domain starting at `ds`, if it has at least two labels and an alphabetic TLD.
fn domain_end(input: &[u8], ds: usize) -> Option<usize> {
    let limit = (ds + DOMAIN_MAX).min(input.len());
    let mut i = ds;
    let mut labels = 0;
    let mut good = None;
    loop {
        let ls = i;
        while i < limit && i - ls < 63 {
            if input[i].is_ascii_alphanumeric() || input[i] == b'-' {
                i += 1;
            } else if let Some(n) = letter_at(input, i).filter(|&n| i + n <= limit) {
                i += n;
            } else {
                break;
            }
        }
        let label = &input[ls..i];
        if label.is_empty() || label[0] == b'-' || label[label.len() - 1] == b'-' {
            break;
        }
        labels += 1;
        // An internationalised TLD (`рф`, `广告`) is letters in UTF-8, or its ASCII form `xn--`.
        let tld = label.len() >= 2
            && (std::str::from_utf8(label).is_ok_and(|t| t.chars().all(char::is_alphabetic))
                || label.starts_with(b"xn--"));
        if labels >= 2 && tld {
            good = Some(i);
        }
        if i + 1 < limit
            && input[i] == b'.'
            && (input[i + 1].is_ascii_alphanumeric() || letter_at(input, i + 1).is_some())
        {
            i += 1;
        } else {
            break;
        }
    }
    good
}

/// When the `@` at `a` ends the user info of a URL (`scheme://user:password@`), the start of the
/// user info.
fn url_userinfo(input: &[u8], a: usize) -> Option<usize> {
    let lo = a.saturating_sub(USERINFO_MAX);
    let mut i = a;
    while i > lo && userinfo_byte(input[i - 1]) {
        i -= 1;
    }
    // `:\/\/` is the same separator inside a JSON string.
    let url = input[..i].ends_with(b"://") || input[..i].ends_with(br":\/\/");
    if url {
        return Some(i);
    }
    unencoded_password(input, lo, a)
}

/// The start of a URL's user info whose password holds bytes RFC 3986 wants percent-encoded, as
/// people write them (`mysql://root:P@ssw0rd!@db`, `mongodb://u:Xk9#mQ2v@db`): a user name of user
/// info bytes, a colon, and up to the `@` at `a` no blank or quote, no port (`host:8080/x@y` is a
/// path), and no path after an `@` inside it (`u:p@host/?e=jane@example.com` is a URL with an
/// email in its query).
fn unencoded_password(input: &[u8], lo: usize, a: usize) -> Option<usize> {
    // The user info holds no blank or quote: only the word the `@` ends can hold the scheme (most
    // `@`s are emails' after a blank, a few bytes back).
    let word = memchr::memrchr3(b' ', b'"', b'\t', &input[lo..a]).map_or(lo, |i| lo + i + 1);
    let scheme = memchr::memmem::rfind(&input[word..a], b"://")? + word + 3;
    let userinfo = &input[scheme..a];
    let colon = memchr::memchr(b':', userinfo)?;
    let (user, password) = (&userinfo[..colon], &userinfo[colon + 1..]);
    let plain =
        |b: &u8| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`');
    let port = password.iter().take_while(|b| b.is_ascii_digit()).count();
    let path_after_at = password
        .iter()
        .position(|&b| b == b'@')
        .is_some_and(|at| password[at..].iter().any(|&b| matches!(b, b'/' | b'?')));
    (!user.is_empty()
        && user.iter().all(|&b| userinfo_byte(b) && b != b':')
        && !password.is_empty()
        && password.iter().all(plain)
        && (port == 0 || password.get(port) != Some(&b'/'))
        && !path_after_at)
        .then_some(scheme)
}

/// A Venmo `@handle` after the word venmo.
fn venmo(d: &Detectors, sink: &mut Candidates<'_>, a: usize) -> Option<usize> {
    let rule = d.ids.venmo?;
    let input = sink.input;
    if a > 0 && (local_byte(input[a - 1]) || word_before(input[a - 1])) {
        return None;
    }
    let mut end = a + 1;
    while end < input.len()
        && end - a <= 31
        && (input[end].is_ascii_alphanumeric() || matches!(input[end], b'_' | b'-'))
    {
        end += 1;
    }
    let len = end - a - 1;
    if !(5..=30).contains(&len) || input.get(end).is_some_and(super::word_after) {
        return None;
    }
    if d.keywords.gates_before(input, a, gate::VENMO) == 0 {
        return None;
    }
    sink.push(a, end, rule);
    Some(end)
}

/// The handles of UPI's payment apps and banks (NPCI's list of PSP handles): the part after the `@`
/// of a virtual payment address. An address is an account to pay (`9876543210@paytm` is a phone
/// number too), and needs no keyword: no other `word@word` ends in one of these.
const UPI_HANDLES: &[&[u8]] = &[
    // PhonePe, Google Pay, Paytm, Amazon Pay, BHIM, WhatsApp, CRED, MobiKwik, Freecharge.
    b"ybl",
    b"ibl",
    b"axl",
    b"okaxis",
    b"okhdfcbank",
    b"okicici",
    b"oksbi",
    b"paytm",
    b"ptyes",
    b"ptaxis",
    b"pthdfc",
    b"ptsbi",
    b"apl",
    b"yapl",
    b"rapl",
    b"upi",
    b"waaxis",
    b"wahdfcbank",
    b"wasbi",
    b"waicici",
    b"axisb",
    b"yescred",
    b"ikwik",
    b"freecharge",
    // Banks' own apps.
    b"sbi",
    b"icici",
    b"hdfcbank",
    b"axisbank",
    b"kotak",
    b"kbl",
    b"idfcbank",
    b"idfcfirst",
    b"federal",
    b"indus",
    b"pnb",
    b"boi",
    b"cnrb",
    b"barodampay",
    b"unionbank",
    b"aubank",
    b"yesbank",
    b"rbl",
    b"dbs",
    b"hsbc",
    b"citi",
    b"jupiteraxis",
    b"equitas",
    b"fbl",
];

/// A UPI virtual payment address whose `@` is at `a`: a local part of letters, digits, `.`, `_`
/// and `-` (two to 64 bytes), and a handle of [`UPI_HANDLES`] that ends the word (a handle with a
/// dot after it is an email's domain, found before this).
fn upi(d: &Detectors, sink: &mut Candidates<'_>, a: usize) -> Option<usize> {
    let rule = d.ids.upi?;
    let input = sink.input;
    let vpa_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    let mut start = a;
    while start > 0 && a - start <= LOCAL_MAX && vpa_byte(input[start - 1]) {
        start -= 1;
    }
    if a - start < 2 || a - start > LOCAL_MAX || start > 0 && word_before(input[start - 1]) {
        return None;
    }
    let mut end = a + 1;
    while end < input.len() && end - a <= 16 && input[end].is_ascii_alphabetic() {
        end += 1;
    }
    let handle = &input[a + 1..end];
    // A dot that a letter or digit follows continues a domain; one that ends a sentence does not.
    let next = input.get(end).copied();
    let continues = next
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'@'))
        || next == Some(b'.') && input.get(end + 1).is_some_and(u8::is_ascii_alphanumeric);
    if continues || !UPI_HANDLES.iter().any(|h| h.eq_ignore_ascii_case(handle)) {
        return None;
    }
    sink.push(start, end, rule);
    Some(end)
}

/// `$` at `q`: a Cash App `$cashtag` after its keyword.
pub(crate) fn cashtag(d: &Detectors, sink: &mut Candidates<'_>, q: usize) -> usize {
    let Some(rule) = d.ids.cashtag else {
        return q + 1;
    };
    let input = sink.input;
    if q > 0 && word_before(input[q - 1]) {
        return q + 1;
    }
    if !input.get(q + 1).is_some_and(u8::is_ascii_alphabetic) {
        return q + 1;
    }
    let mut end = q + 1;
    while end < input.len()
        && end - q <= 21
        && (input[end].is_ascii_alphanumeric() || input[end] == b'_')
    {
        end += 1;
    }
    if end - q > 21
        || input.get(end).is_some_and(super::word_after)
        || d.keywords.gates_before(input, q, gate::CASHTAG) == 0
    {
        return q + 1;
    }
    sink.push(q, end, rule);
    end
}
