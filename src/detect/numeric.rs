//! Numbers: phones, cards, SSNs, EINs, routing and account numbers, IPv4 — everything that starts at a
//! digit run.
//!
//! At a digit-run start the detector first rejects what cannot be a standalone number: digits glued to
//! letters (UUIDs, hashes, Stripe ids, `v2`), the fraction of a decimal (`0.5227687358856201`), a segment
//! of a dashed id (`8046-1297901`). What survives is read as a *token*: digit groups joined by the
//! separators people write numbers with (` `, `-`, `.`, `(`, `)`), e.g. `(415) 555-0132` is three groups.
//! The token is then matched left to right against the known shapes; a shape may start at the token's
//! first group or after a space, and must end at the token's end or before a space, so
//! `2026-11-23 415-555-0132` finds the phone but not a phone inside the date.
//!
//! Each shape ends in a validator, and the weakest ones (a bare 9- or 10-digit run, a 4-17 digit account
//! number) also need a keyword before them. The keyword lookup runs last, only for the numbers that pass
//! everything else.

use super::keywords::gate;
use super::national::{self, Glued};
use super::validate;
use super::{Candidates, Detectors, iban, word_after, word_before};

/// Enough groups for every shape (`+1 (415) 555-0132` is four); longer dotted or spaced runs are read in
/// pieces of this size, which keeps the work per token constant.
const MAX_GROUPS: usize = 12;

/// How a token was entered: a `(` before its first group, a `+` (or `%2B`) at `plus`.
#[derive(Clone, Copy, Default)]
pub(crate) struct Lead {
    pub paren: bool,
    pub plus: Option<usize>,
}

/// A digit run as `tokenize` splits it: its groups of digits (start, end) and how many there are.
struct Groups {
    groups: [(usize, usize); MAX_GROUPS],
    n: usize,
}

/// Handles the digit run starting at `p`; returns the position scanning resumes from.
#[inline(always)]
pub(crate) fn at_digit(d: &Detectors, sink: &mut Candidates<'_>, p: usize) -> usize {
    let input = sink.input;
    if p > 0 {
        let prev = input[p - 1];
        // `]` and `*` end replacements: judged like the letters they replaced (see `scan`).
        if prev.is_ascii_alphabetic() || prev == b']' || prev == b'*' {
            if let Some(rule) = d.ids.iban
                && let Some((start, end)) = iban::at(input, p)
            {
                sink.push(start, end, rule);
                return end;
            }
            let end = digits_end(input, p);
            if !d.national.is_empty()
                && prev.is_ascii_alphabetic()
                && let Some(id_end) = d.national.at(&d.keywords, sink, p, end, Glued::Letter)
            {
                return id_end;
            }
            return end;
        }
        // A decimal fraction (`0.52`), the next segment of a dashed id (`8046-1297901`, `a55d-453a`),
        // or the numeric part of an identifier (`blk_4980916519894289629`, HDFS's `blk_-49809…`).
        if prev == b'_'
            || matches!(prev, b'.' | b'-')
                && p >= 2
                && (word_before(input[p - 2]) || input[p - 2] == b'_')
        {
            let end = digits_end(input, p);
            // Unless a letter and a dash open an identifier (`X-2482300-W`, `AB-12-34-56-C`).
            if prev == b'-'
                && input[p - 2].is_ascii_alphabetic()
                && !d.national.is_empty()
                && let Some(id_end) = d.national.at(&d.keywords, sink, p, end, Glued::LetterDash)
            {
                return id_end;
            }
            return end;
        }
    }
    // Most digit runs in logs are short and stand alone (`17:59:21`, `status=200`): nothing that short is
    // PII unless it starts a longer shape, which needs a separator after it.
    let end = digits_end(input, p);
    if end - p == 4
        && input.get(end) == Some(&b'-')
        && let Some(datetime_end) = iso_datetime_end(input, p)
    {
        return datetime_end;
    }
    if !d.national.is_empty()
        && let Some(id_end) = d.national.at(&d.keywords, sink, p, end, Glued::No)
    {
        return id_end;
    }
    if end - p < 4
        && !input.get(end).is_some_and(|&b| is_sep(b))
        && !(p > 0 && input[p - 1] == b'+')
    {
        return end;
    }
    // `+1%20415-555-0132`: an encoded space after the country code.
    if p > 0
        && input[p - 1] == b'+'
        && input.get(end..end + 3).is_some_and(|s| s == b"%20")
        && let Some(phone_end) = encoded_phone(d, sink, p - 1)
    {
        return phone_end;
    }
    // `0491+570+163`: a national number form-encoded, spaces written `+`.
    if input.get(end) == Some(&b'+')
        && input.get(end + 1).is_some_and(u8::is_ascii_digit)
        && let Some(phone_end) = encoded_phone(d, sink, p)
    {
        return phone_end;
    }
    // `(415)+555-0132`: a form-encoded space after the area code.
    if p > 0
        && input[p - 1] == b'('
        && end - p == 3
        && input.get(end) == Some(&b')')
        && input.get(end + 1) == Some(&b'+')
        && let Some(phone_end) = encoded_phone(d, sink, p - 1)
    {
        return phone_end;
    }
    let lead = Lead {
        paren: p > 0 && input[p - 1] == b'(',
        plus: (p > 0 && input[p - 1] == b'+' && (p < 2 || !word_before(input[p - 2])))
            .then(|| p - 1),
    };
    token_at(d, sink, p, lead)
}

/// Where the ISO 8601 date and time at `p` ends (`2026-11-24T06:51:12.466Z` up to its last
/// digit), or `None` when none starts there: the timestamp that opens most lines of a Lambda's log.
/// It holds no value: its date is glued to the `T` (no shape ends glued to a letter, and a date of
/// birth is a date alone), and its time and fraction are runs after `T`, `:` and `.` that no
/// detector takes. Passed over whole, its four runs cost one check instead of four lookups.
fn iso_datetime_end(input: &[u8], p: usize) -> Option<usize> {
    const SHAPE: &[u8; 19] = b"dddd-dd-ddTdd:dd:dd";
    let s = input.get(p..p + SHAPE.len())?;
    let fits = s.iter().zip(SHAPE).all(|(&b, &want)| {
        if want == b'd' {
            b.is_ascii_digit()
        } else {
            b == want
        }
    });
    if !fits {
        return None;
    }
    let seconds_end = p + SHAPE.len();
    if input.get(seconds_end) == Some(&b'.')
        && input.get(seconds_end + 1).is_some_and(u8::is_ascii_digit)
    {
        return Some(digits_end(input, seconds_end + 1));
    }
    // Seconds glued to more digits are some other token.
    (!input.get(seconds_end).is_some_and(u8::is_ascii_digit)).then_some(seconds_end)
}

/// Reads the token at `p` (a digit) and records what it holds. `lead` says how it was entered.
pub(crate) fn token_at(d: &Detectors, sink: &mut Candidates<'_>, p: usize, lead: Lead) -> usize {
    let input = sink.input;
    // Most tokens are one plain digit run (`bytes=5123`, an epoch, an id): decide those without building
    // the group table.
    let end = digits_end(input, p);
    let grouped = next_group(input, end).is_some();
    if !grouped && lead.plus.is_none() && !lead.paren {
        if !input.get(end).is_some_and(word_after)
            && let Some(rule) = single(d, sink, p, end)
        {
            sink.push(p, end, rule);
        }
        return end;
    }
    // Decimal degrees (`48.858370`) are the one shape with two groups and a `.` between them;
    // they have at most three integer digits and four decimals or more, which a version or a
    // duration (`1.2`, `812.96 ms`) has not. A pair in parentheses is entered after its `(`.
    let decimal = decimal_end(input, end, lead);
    let maybe_degrees = match decimal {
        Some(frac_end) => end - p <= 3 && frac_end - end > 4,
        None => lead.paren && input.get(end) == Some(&b'.'),
    };
    if maybe_degrees
        && let Some(rule) = d.ids.geo
        && let Some((start, stop)) = coordinates(d, sink, p, end)
    {
        sink.push(start, stop, rule);
        return stop;
    }
    if let Some(frac_end) = decimal {
        return frac_end;
    }
    let tok = tokenize(sink.input, p);
    let end = tok.groups[tok.n - 1].1;
    // Every shape ends where the token does or before a space inside it (`View::ends_ok`), so a
    // token glued to a word at its end with no space inside holds none: the date of an ISO
    // timestamp (`2026-11-14T`), the seconds of one (`33.123Z`), a version (`1.2.3rc1`).
    if input.get(end).is_some_and(word_after)
        && tok.groups[..tok.n - 1]
            .iter()
            .all(|&(_, group_end)| input[group_end] != b' ')
    {
        return end;
    }
    classify(d, sink, &tok, lead);
    end
}

/// Decimal degrees after a location keyword, from the digit run at `p` whose integer part ends at
/// `int_end`: one value (`lat=-33.8688`), or a pair after a comma (`location: 48.858370,
/// 2.294481`, `(40.7128, -74.0060)`), as the span to redact (with a leading `-`). A value has one
/// to three integer digits up to 180 and four to eight decimals — a location to within about ten
/// metres or better; fewer decimals are a city at most, more are a float as a program printed it
/// (`0.5227687358856201`), no place anyone looked up.
#[inline(never)]
fn coordinates(
    d: &Detectors,
    sink: &mut Candidates<'_>,
    p: usize,
    int_end: usize,
) -> Option<(usize, usize)> {
    let input = sink.input;
    let mut end = degrees(input, p, int_end)?;
    let start = if p > 0 && input[p - 1] == b'-' {
        p - 1
    } else {
        p
    };
    if input.get(end) == Some(&b',') {
        let mut q = end + 1;
        q += usize::from(input.get(q) == Some(&b' '));
        q += usize::from(input.get(q) == Some(&b'-'));
        if input.get(q).is_some_and(u8::is_ascii_digit)
            && let Some(second) = degrees(input, q, digits_end(input, q))
        {
            end = second;
        }
    }
    (sink.gates_before(&d.keywords, start, gate::GEO) != 0).then_some((start, end))
}

/// Where one value in decimal degrees from `p` ends (see [`coordinates`]), its integer part ending
/// at `int_end`; `None` when it is not one, or goes on as a version or a word (`1.2345.6`,
/// `12.3456ms`).
fn degrees(input: &[u8], p: usize, int_end: usize) -> Option<usize> {
    if !(1..=3).contains(&(int_end - p)) || input.get(int_end) != Some(&b'.') {
        return None;
    }
    let end = digits_end(input, int_end + 1);
    let degrees_ok = national::number(&input[p..int_end]) <= 180;
    let ends = match input.get(end) {
        None => true,
        Some(&b'.') => !input.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(b) => !word_after(b),
    };
    ((4..=8).contains(&(end - int_end - 1)) && degrees_ok && ends).then_some(end)
}

/// Where a token of two groups with a `.` between them ends (`2811.96 ms`, `HTTP/1.1`, `537.36`),
/// given the end of its first group: no shape has two groups with a `.` between them (a phone, an
/// SSN or an address has three or four, an EIN and an 8-8 card a `-`, a single number none), so
/// such a token holds nothing and is passed over without building its group table. `None` when
/// the token is anything else, or is entered after a `+` or `(`.
fn decimal_end(input: &[u8], first_end: usize, lead: Lead) -> Option<usize> {
    if input.get(first_end) != Some(&b'.')
        || next_group(input, first_end) != Some(first_end + 1)
        || lead.plus.is_some()
        || lead.paren
    {
        return None;
    }
    let end = digits_end(input, first_end + 1);
    next_group(input, end).is_none().then_some(end)
}

/// Where a token's next group starts after a group that ends at `i`: after one or two separators,
/// at a digit. The one rule of how far a token goes (`tokenize`, and the tests before it).
#[inline]
fn next_group(input: &[u8], i: usize) -> Option<usize> {
    let sep = |k: usize| input.get(k).is_some_and(|&b| is_sep(b));
    let digit = |k: usize| input.get(k).is_some_and(u8::is_ascii_digit);
    if !sep(i) {
        None
    } else if digit(i + 1) {
        Some(i + 1)
    } else {
        (sep(i + 1) && digit(i + 2)).then_some(i + 2)
    }
}

/// End of the digit run at `i`, eight bytes at a time: digit runs are a third of log bytes.
fn digits_end(input: &[u8], mut i: usize) -> usize {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = input.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // Digits become 0..=9; a byte is a non-digit when that value is 10 or more, which adding 0x76
        // to its low seven bits (no carry between bytes) or its own high bit reveals.
        let t = word ^ 0x3030_3030_3030_3030;
        let non_digit = (((t & LOW7) + 0x7676_7676_7676_7676) | t) & HIGH;
        if non_digit != 0 {
            return i + (non_digit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < input.len() && input[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn is_sep(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.' | b'(' | b')')
}

fn tokenize(input: &[u8], p: usize) -> Groups {
    let mut tok = Groups {
        groups: [(0, 0); MAX_GROUPS],
        n: 0,
    };
    let mut i = p;
    loop {
        let start = i;
        i = digits_end(input, i);
        tok.groups[tok.n] = (start, i);
        tok.n += 1;
        if tok.n == MAX_GROUPS {
            break;
        }
        match next_group(input, i) {
            Some(next) => i = next,
            None => break,
        }
    }
    tok
}

/// The token's view used by the shape matchers.
struct View<'a> {
    input: &'a [u8],
    tok: &'a Groups,
}

impl View<'_> {
    fn len(&self, i: usize) -> usize {
        self.tok.groups[i].1 - self.tok.groups[i].0
    }
    fn start(&self, i: usize) -> usize {
        self.tok.groups[i].0
    }
    fn end(&self, i: usize) -> usize {
        self.tok.groups[i].1
    }
    fn digits(&self, i: usize) -> &[u8] {
        &self.input[self.start(i)..self.end(i)]
    }
    /// Separator between group `i` and group `i + 1`.
    fn sep(&self, i: usize) -> &[u8] {
        &self.input[self.end(i)..self.start(i + 1)]
    }
    /// A shape ending at group `e` must end at the token's end (before a non-alphanumeric byte) or
    /// before a space.
    fn ends_ok(&self, e: usize) -> bool {
        if e + 1 == self.tok.n {
            self.input.get(self.end(e)).is_none_or(|b| !word_after(b))
        } else {
            self.sep(e)[0] == b' '
        }
    }
    /// Concatenates the digits of groups `a..=b` into `buf`; `None` when over its size.
    fn concat<'b>(&self, a: usize, b: usize, buf: &'b mut [u8; 20]) -> Option<&'b [u8]> {
        let mut n = 0;
        for g in a..=b {
            let d = self.digits(g);
            if n + d.len() > buf.len() {
                return None;
            }
            buf[n..n + d.len()].copy_from_slice(d);
            n += d.len();
        }
        Some(&buf[..n])
    }
}

fn classify(d: &Detectors, sink: &mut Candidates<'_>, tok: &Groups, lead: Lead) {
    let v = View {
        input: sink.input,
        tok,
    };
    let n = tok.n;
    let mut s = 0;
    while s < n {
        let (starts_here, paren) = if s == 0 {
            (true, lead.paren)
        } else {
            let sep = v.sep(s - 1);
            (sep[0] == b' ', sep == b" (")
        };
        if !starts_here {
            s += 1;
            continue;
        }
        if s == 0
            && let (Some(plus), Some(rule)) = (lead.plus, d.ids.phone)
            && let Some(e) = e164(&v, 0, 0)
        {
            sink.push(plus, v.end(e), rule);
            s = e + 1;
            continue;
        }
        if s == 0
            && lead.plus.is_none()
            && let Some(rule) = d.ids.phone
            && let Some(e) = international(&v)
            && sink.gates_before(&d.keywords, v.start(0), gate::PHONE) != 0
        {
            sink.push(v.start(0), v.end(e), rule);
            s = e + 1;
            continue;
        }
        if let Some((e, start, rule)) = grouped(d, &v, s, paren) {
            sink.push(start, v.end(e), rule);
            s = e + 1;
            continue;
        }
        if let Some(e) = ipv4(&v, s) {
            if let Some(rule) = d.ids.ip {
                sink.push(v.start(s), v.end(e), rule);
            }
            s = e + 1;
            continue;
        }
        if v.ends_ok(s)
            && let Some(rule) = single(d, sink, v.start(s), v.end(s))
        {
            sink.push(v.start(s), v.end(s), rule);
        }
        s += 1;
    }
}

fn phone_sep(sep: &[u8]) -> bool {
    matches!(
        sep,
        b" " | b"-" | b"." | b" (" | b"(" | b") " | b")" | b")-" | b")."
    )
}

/// How many digits an international number has after its `+` (ITU-T E.164: at most 15; 8 keeps
/// short codes and counts out).
const E164_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

/// 8-15 digits in groups (E.164) from group `first`, less its first `skip` digits (the `00` of
/// `0044 20 7946 0958`), as after a `+`. Returns the last group.
fn e164(v: &View<'_>, first: usize, skip: usize) -> Option<usize> {
    let lead = v.digits(first).get(skip..)?;
    if lead.first().is_none_or(|&b| b == b'0') {
        return None;
    }
    // `+1` numbers are NANP: exactly ten more digits.
    let max = if lead == b"1" { 11 } else { 15 };
    let mut total = lead.len();
    let mut e = first;
    while e + 1 < v.tok.n && phone_sep(v.sep(e)) && total + v.len(e + 1) <= max {
        e += 1;
        total += v.len(e);
    }
    while e > first && !v.ends_ok(e) {
        total -= v.len(e);
        e -= 1;
    }
    (v.ends_ok(e) && E164_DIGITS.contains(&total)).then_some(e)
}

/// A token that opens with `00`, the international call prefix that most of the world dials for
/// `+` (ITU-T E.164 and E.123): `0044 20 7946 0958`, `00 33 1 22 33 44 55`, `00447911123456`. The
/// number after it as after a `+` ([`e164`]); the last group. Zero-padded ids open with `00` too,
/// so callers ask for a phone keyword.
fn international(v: &View<'_>) -> Option<usize> {
    // Two groups with a `.` between them are passed over before this is asked (`decimal_end`).
    if !v.digits(0).starts_with(b"00") || v.tok.n == 2 && v.sep(0) == b"." {
        return None;
    }
    if v.len(0) > 2 {
        return e164(v, 0, 2);
    }
    (v.tok.n > 1 && matches!(v.sep(0), b" " | b"-"))
        .then(|| e164(v, 1, 0))
        .flatten()
}

/// [`international`] for a token of one digit run (`00447911123456`).
fn international_compact(digits: &[u8]) -> bool {
    let Some(rest) = digits.strip_prefix(b"00") else {
        return false;
    };
    rest.first().is_some_and(|&b| b != b'0') && E164_DIGITS.contains(&rest.len())
}

/// Multi-group shapes at group `s`: NANP phones, SSNs, EINs, grouped cards. Returns the last group, the
/// span start and the rule.
fn grouped(
    d: &Detectors,
    v: &View<'_>,
    s: usize,
    paren: bool,
) -> Option<(usize, usize, crate::findings::RuleId)> {
    let n = v.tok.n;
    let mut buf = [0u8; 20];
    if let Some(rule) = d.ids.phone {
        // Optional leading country code `1`.
        let cc = v.len(s) == 1
            && v.digits(s) == b"1"
            && s + 3 < n
            && matches!(v.sep(s), b"-" | b" " | b"." | b" (" | b"(");
        let (t, paren_t) = if cc {
            (s + 1, v.sep(s).ends_with(b"("))
        } else {
            (s, paren)
        };
        if t + 2 < n && v.len(t) == 3 && v.len(t + 1) == 3 && v.len(t + 2) == 4 {
            let (s1, s2) = (v.sep(t), v.sep(t + 1));
            let seps_ok = if paren_t {
                matches!(s1, b")" | b") " | b")-") && matches!(s2, b"-" | b" " | b".")
            } else {
                s1 == s2 && matches!(s1, b"-" | b"." | b" ")
            };
            // `202 200 1234` (a path id, a status, a size) has the 3-3-4 shape too: with spaces alone,
            // and no `1` or `(` in front, the number needs a phone keyword before it.
            let spaced = s1 == b" " && !cc && !paren_t;
            if seps_ok && v.ends_ok(t + 2) {
                let digits = v.concat(t, t + 2, &mut buf)?;
                if validate::nanp(digits)
                    && (!spaced || d.keywords.gates_before(v.input, v.start(t), gate::PHONE) != 0)
                {
                    let start = if cc {
                        v.start(s)
                    } else if paren_t {
                        v.start(t) - 1
                    } else {
                        v.start(t)
                    };
                    return Some((t + 2, start, rule));
                }
            }
        }
    }
    if s + 2 < n
        && v.len(s) == 3
        && v.len(s + 1) == 2
        && v.len(s + 2) == 4
        && let Some(rule) = d.ids.ssn
    {
        let (s1, s2) = (v.sep(s), v.sep(s + 1));
        // Spaced (`219 09 9999`) it is also a status, a size and a count in an access log: that
        // form needs an SSN keyword; dashed or dotted it stands alone.
        if s1 == s2
            && matches!(s1, b"-" | b" " | b".")
            && v.ends_ok(s + 2)
            && validate::ssn(v.concat(s, s + 2, &mut buf)?)
            && (s1 == b"-" || d.keywords.gates_before(v.input, v.start(s), gate::SSN) != 0)
        {
            return Some((s + 2, v.start(s), rule));
        }
    }
    if s + 1 < n
        && v.len(s) == 2
        && v.len(s + 1) == 7
        && v.sep(s) == b"-"
        && v.ends_ok(s + 1)
        && let Some(rule) = d.ids.ein
        && validate::ein(v.concat(s, s + 1, &mut buf)?)
    {
        return Some((s + 1, v.start(s), rule));
    }
    if let Some(rule) = d.ids.card
        && s + 1 < n
        && matches!(v.len(s), 4 | 8)
        && matches!(v.sep(s), b"-" | b" ")
    {
        let sep = v.sep(s);
        let mut e = s;
        while e + 1 < n && e - s < 4 && v.sep(e) == sep {
            e += 1;
        }
        // Longest layout first: 4-4-4-4-x, 4-4-4-4, 4-4-4-x, 4-6-5 (Amex), 4-6-4 (Diners), 4-5-6
        // (UATP), 4-4-4 (12-digit Maestro), 8-8.
        for last in (s + 1..=e).rev() {
            let mut lens = [0usize; 5];
            for (slot, g) in lens.iter_mut().zip(s..=last) {
                *slot = v.len(g);
            }
            let lens = &lens[..=last - s];
            let layout_ok = matches!(
                lens,
                [4, 4, 4, 4] | [4, 6, 5] | [4, 6, 4] | [4, 5, 6] | [4, 4, 4] | [8, 8]
            ) || matches!(lens, [4, 4, 4, 4, x] | [4, 4, 4, x] if (1..=3).contains(x));
            if layout_ok && v.ends_ok(last) {
                let digits = v.concat(s, last, &mut buf)?;
                if validate::luhn(digits) && validate::card_brand_ok(digits) {
                    return Some((last, v.start(s), rule));
                }
            }
        }
    }
    None
}

/// A dotted quad at `s` (an IPv4 address or a four-part version). Returns its last group.
fn ipv4(v: &View<'_>, s: usize) -> Option<usize> {
    if s + 3 >= v.tok.n || !(s..s + 3).all(|g| v.sep(g) == b".") || !v.ends_ok(s + 3) {
        return None;
    }
    let parts = [
        v.digits(s),
        v.digits(s + 1),
        v.digits(s + 2),
        v.digits(s + 3),
    ];
    validate::ipv4_parts(&parts).then_some(s + 3)
}

/// Keys that name a trace, span or parent id, or a record a service numbers itself (an order, an
/// invoice, a request, a user): a bare 13-19 digit run right after one (only quotes, `:`, `=` and
/// spaces between) is that id, not a card, unless a card word stands before it as well. One in ten
/// such ids passes Luhn and most start with a card brand's digits: Datadog writes a 64-bit decimal
/// trace id on every correlated log line (`dd.trace_id=5637893479027432012`), responders join logs
/// on them, and an audit against ordinary lines found 4 of 100 random 16-digit order ids replaced.
/// A bare `"id"` and a grouped number (`4111 1111 1111 1111`) under these keys stay cards.
pub(crate) const ID_KEYS: &[&str] = &[
    "trace_id",
    "traceid",
    "trace-id",
    "span_id",
    "spanid",
    "span-id",
    "parent_id",
    "parentid",
    "parent-id",
    "parent",
    // Other ids a service numbers its records with: a Luhn-valid 16-digit order id (one in ten
    // random ones with a card's first digits) is an id under its key, not a card.
    "order_id",
    "orderid",
    "order-id",
    "invoice_id",
    "transaction_id",
    "txn_id",
    "request_id",
    "message_id",
    "event_id",
    "user_id",
    "customer_id",
];

/// Whether the number at `start` stands right after an id key and after no card word.
fn id_value(d: &Detectors, sink: &mut Candidates<'_>, start: usize) -> bool {
    let found = sink.gates_before(&d.keywords, start, gate::ID_KEY | gate::CARD);
    found & gate::ID_KEY != 0 && found & gate::CARD == 0
}

/// A standalone digit run: a card by itself, anything weaker only after its keyword.
fn single(
    d: &Detectors,
    sink: &mut Candidates<'_>,
    start: usize,
    end: usize,
) -> Option<crate::findings::RuleId> {
    let input = sink.input;
    let digits = &input[start..end];
    let len = digits.len();
    if (13..=19).contains(&len)
        && let Some(rule) = d.ids.card
        && validate::luhn(digits)
        && validate::card_brand_ok(digits)
        && !id_value(d, sink, start)
    {
        return Some(rule);
    }
    if !(4..=17).contains(&len) {
        return None;
    }
    // Twelve digits make a card (Maestro issued such cards) only after a card word: a bare
    // Luhn-valid 12-digit run with a Maestro prefix is far more often an AWS account id or an order
    // number.
    let card = d
        .ids
        .card
        .filter(|_| len == 12 && validate::luhn(digits) && validate::card_brand_ok(digits));
    let phone = d.ids.phone.filter(|_| {
        len == 10 && validate::nanp(digits)
            || len == 11 && digits[0] == b'1' && validate::nanp(&digits[1..])
            || international_compact(digits)
    });
    let nine = len == 9;
    let routing = d
        .ids
        .routing
        .filter(|_| nine && validate::aba_routing(digits));
    let ssn = d.ids.ssn.filter(|_| nine && validate::ssn(digits));
    let ein = d.ids.ein.filter(|_| nine && validate::ein(digits));
    // A bank account has at least six digits ("ending in 1234" is a last four, not the account),
    // and twelve digits after "AWS account number" are an AWS account id. After the bare word
    // (`account=…`) it is a bank account only on a line about banking (routing, IBAN, SWIFT, ...).
    let account = d
        .ids
        .account
        .filter(|_| len >= 6 && !(len == 12 && aws_before(input, start)));
    if let Some(rule) = account
        && account_field_before(input, start)
        && bank_context(input, start)
    {
        return Some(rule);
    }
    let candidates = [
        (card, gate::CARD),
        (phone, gate::PHONE),
        (routing, gate::ROUTING),
        (ssn, gate::SSN),
        (ein, gate::EIN),
        (account, gate::ACCOUNT),
    ];
    let wanted = candidates
        .iter()
        .filter(|(r, _)| r.is_some())
        .fold(0, |acc, (_, g)| acc | g);
    if wanted == 0 {
        return None;
    }
    let gates = sink.gates_before(&d.keywords, start, wanted);
    if gates == 0 {
        return None;
    }
    candidates
        .into_iter()
        .find_map(|(rule, g)| rule.filter(|_| gates & g != 0))
}

/// Whether "aws" or "amazon" stands in the 40 bytes before `start` on the same line.
fn aws_before(input: &[u8], start: usize) -> bool {
    let from = start.saturating_sub(40);
    let window = &input[from..start];
    let line = window
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(window, |n| &window[n + 1..]);
    find_word(line, b"aws", 1).next().is_some() || find_word(line, b"amazon", 3).next().is_some()
}

/// Where `word` (lower-case ASCII letters) starts in `hay`, in any case. Only the places where
/// its `anchor`-th letter (its rarest: the `w` of `aws`) occurs are compared, found by `memchr`,
/// instead of every window of `hay`: these tests run behind every 12-digit number (`aws_before`),
/// and comparing each window case-insensitively cost a tenth of a JSON log's scan.
fn find_word<'h>(hay: &'h [u8], word: &'h [u8], anchor: usize) -> impl Iterator<Item = usize> + 'h {
    let c = word[anchor];
    memchr::memchr2_iter(c, c.to_ascii_uppercase(), hay).filter_map(move |i| {
        let start = i.checked_sub(anchor)?;
        hay.get(start..start + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
            .then_some(start)
    })
}

/// A phone number written URL- or form-encoded, from `start` (at `%2B`, `%28` or `(`):
/// `%2B44%2020%207946%200958`, `%2B1+%28415%29+555-0132`, `%28415%29%20555-0132`, `(415)+555-0132`.
/// Separators may be spaces written `%20` or `+`, and parentheses written `%28`/`%29`; the digits
/// must make an E.164 number (after `%2B`) or a NANP one. Records it and returns its end.
pub(crate) fn encoded_phone(
    d: &Detectors,
    sink: &mut Candidates<'_>,
    start: usize,
) -> Option<usize> {
    let rule = d.ids.phone?;
    let input = sink.input;
    let at = |i: usize, lit: &[u8]| {
        input
            .get(i..i + lit.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(lit))
    };
    let mut i = start;
    let plus = at(i, b"%2B") || input.get(i) == Some(&b'+');
    if plus {
        i += if input[i] == b'+' { 1 } else { 3 };
    }
    let mut digits = [0u8; 15];
    let mut n = 0;
    let mut last = i;
    let mut encoded = plus;
    let mut seps = 0;
    while i < input.len() {
        let b = input[i];
        if b.is_ascii_digit() {
            if n == digits.len() {
                return None;
            }
            digits[n] = b;
            n += 1;
            i += 1;
            last = i;
            seps = 0;
            continue;
        }
        let width = if at(i, b"%20") || at(i, b"%28") || at(i, b"%29") {
            encoded = true;
            3
        } else if b == b'+' && n > 0 {
            encoded = true;
            1
        } else if matches!(b, b' ' | b'-' | b'.' | b'(' | b')') {
            1
        } else {
            break;
        };
        seps += 1;
        if seps > 2 {
            break;
        }
        i += width;
    }
    // Only what the plain tokenizer cannot read: at least one encoded byte.
    if !encoded || input.get(last).is_some_and(word_after) {
        return None;
    }
    let digits = &digits[..n];
    let valid = if plus {
        E164_DIGITS.contains(&n)
            && digits[0] != b'0'
            && (digits[0] != b'1' || n == 11 && validate::nanp(&digits[1..]))
    } else {
        validate::nanp(digits)
            || n == 11 && digits[0] == b'1' && validate::nanp(&digits[1..])
            // A national number with its trunk `0` (`%2803%29+7010+1317`), after a phone keyword.
            || (9..=12).contains(&n)
                && digits[0] == b'0'
                && digits[1] != b'0'
                && d.keywords.gates_before(input, start, gate::PHONE) != 0
    };
    if !valid {
        return None;
    }
    sink.push(start, last, rule);
    Some(last)
}

/// Whether `account=`, `account: ` or `"account":"` stands right before `start`.
fn account_field_before(input: &[u8], start: usize) -> bool {
    let mut i = start;
    while i > 0 && matches!(input[i - 1], b'"' | b'\'' | b' ') && start - i < 3 {
        i -= 1;
    }
    if i == 0 || !matches!(input[i - 1], b'=' | b':') {
        return false;
    }
    i -= 1;
    while i > 0 && matches!(input[i - 1], b'"' | b'\'' | b' ') && start - i < 6 {
        i -= 1;
    }
    i >= 7
        && input[i - 7..i].eq_ignore_ascii_case(b"account")
        && (i == 7 || !input[i - 8].is_ascii_alphanumeric())
}

/// Whether the line around `at` speaks of banking: a routing number, IBAN, SWIFT/BIC, ACH, a wire, a
/// bank or a payroll.
fn bank_context(input: &[u8], at: usize) -> bool {
    // Each word with the index of its rarest letter, which `find_word` looks for.
    const WORDS: [(&[u8], usize); 10] = [
        (b"routing", 3),
        (b"rtn", 2),
        (b"iban", 2),
        (b"swift", 2),
        (b"bic", 0),
        (b"bank", 3),
        (b"payroll", 2),
        (b"ach", 1),
        (b"wire", 0),
        (b"sort code", 5),
    ];
    let from = memchr::memrchr(b'\n', &input[..at]).map_or(0, |n| n + 1);
    let to = memchr::memchr(b'\n', &input[at..]).map_or(input.len(), |n| at + n);
    // Lines can be long: look at most 512 bytes either way.
    let line = &input[from.max(at.saturating_sub(512))..to.min(at + 512)];
    WORDS.iter().any(|&(w, anchor)| {
        find_word(line, w, anchor).any(|i| {
            (i == 0 || !line[i - 1].is_ascii_alphabetic())
                && line
                    .get(i + w.len())
                    .is_none_or(|b| !b.is_ascii_alphabetic())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `token_at` passes over a token glued to a word at its end with no space inside it without
    /// classifying it; `classify` would find nothing in it either. Checked on the shapes it knows
    /// (cards, NANP and E.164 phones, SSNs, EINs, IPv4, routing and account numbers, dates),
    /// written with each separator, with and without a keyword, a `(` or a `+` before them, and
    /// followed by every byte that glues: the same tokens followed by a space are found, so the
    /// values are real.
    /// `decimal_end` passes over two groups with a `.` between them, which `classify` would find
    /// nothing in: on 20,000 such tokens (each group 1 to 20 digits, Luhn-valid cards and NANP
    /// numbers among them), behind every keyword of the numeric shapes and before what logs put
    /// there, its end is the token's end as `tokenize` reads it and `classify` adds no span. A
    /// third group, a `-`, a `+` or `(` before it, or a second separator send the token the long
    /// way.
    /// What stands before a number in the tests of tokens that hold nothing: no text, and a keyword
    /// of each numeric shape, so that every keyword-gated shape could fire.
    const NUMERIC_LEADS: [&str; 11] = [
        "",
        "card ",
        "phone: ",
        "ssn=",
        "ein ",
        "account number ",
        "routing ",
        "dob ",
        "id ",
        "tel ",
        "iban ",
    ];

    /// An ISO 8601 date and time glued by `T` is passed over whole (`iso_datetime_end`) because the
    /// long way finds nothing in it: on 20,000 random ones (valid dates or not, every fraction
    /// length, behind every keyword of the numeric shapes, before what logs put there), the date's
    /// run read as the digit-run handler would without the shortcut (national layouts, then the
    /// token) and every later run start inside it through the handler add no span that starts
    /// inside it.
    #[test]
    fn iso_datetimes_hold_nothing() {
        let scrubber = super::super::every_rule_on();
        let d = scrubber.detectors();
        // A timestamp's own keys too, and a date-of-birth phrase.
        let leads: Vec<&str> = NUMERIC_LEADS
            .into_iter()
            .chain(["date of birth: ", "\"time\":\""])
            .collect();
        let trailers = [
            "Z",
            "",
            "+05:30",
            "-0800",
            ",466Z",
            " INFO",
            "Z 4111111111111111",
            "\"",
            "Z]",
            "X",
            ".5",
        ];
        let mut rng = crate::test_rand::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let mut digits = |n: usize| -> String {
            (0..n)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect()
        };
        let mut checked = 0;
        for i in 0..20_000 {
            let fraction = match i % 4 {
                0 => String::new(),
                k => format!(".{}", digits(k * 3)),
            };
            let stamp = format!(
                "{}-{}-{}T{}:{}:{}{fraction}",
                digits(4),
                digits(2),
                digits(2),
                digits(2),
                digits(2),
                digits(2)
            );
            let lead = leads[i % leads.len()];
            let trailer = trailers[(i / 7) % trailers.len()];
            let line = format!("{lead}{stamp}{trailer}");
            let input = line.as_bytes();
            let p = lead.len();
            // A fraction in the trailer (`.5` after whole seconds) is the timestamp's own.
            let stamp_end = iso_datetime_end(input, p).unwrap_or(0);
            assert!(stamp_end >= p + stamp.len(), "{line}");
            let mut spans = Vec::new();
            let mut sink = Candidates::new(input, &mut spans);
            let end = digits_end(input, p);
            if d.national
                .at(&d.keywords, &mut sink, p, end, Glued::No)
                .is_none()
            {
                token_at(d, &mut sink, p, Lead::default());
            }
            for q in p + 1..stamp_end {
                if input[q].is_ascii_digit() && !input[q - 1].is_ascii_digit() {
                    at_digit(d, &mut sink, q);
                }
            }
            // The long way may read on past the seconds (`12.466-0800` is one token), but finds
            // nothing that starts inside the timestamp; what follows it is read from its end.
            assert!(spans.iter().all(|s| s.start >= stamp_end), "{line}");
            checked += 1;
        }
        assert_eq!(checked, 20_000);
        // Not a timestamp: other layouts, seconds glued to more digits, a short year.
        for line in [
            "2026-11-24 06:51:12",
            "2026-11-24T06:51",
            "2026-11-24T06:51:123",
            "202-11-24T06:51:12",
            "2026-11-24t06:51:12",
        ] {
            assert_eq!(iso_datetime_end(line.as_bytes(), 0), None, "{line}");
        }
    }

    #[test]
    fn decimal_tokens_hold_nothing() {
        let scrubber = super::super::every_rule_on();
        let d = scrubber.detectors();
        let leads = NUMERIC_LEADS;
        let trailers = ["", " ms", "Z", "\"", "}", ",", " (", " x", ".", "-", "/"];
        let mut rng = crate::test_rand::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut rand = |n: usize| rng.below(n);
        let mut digits =
            |n: usize| -> String { (0..n).map(|_| char::from(b'0' + rand(10) as u8)).collect() };
        let mut checked = 0;
        for i in 0..20_000 {
            let (a, b) = (1 + i % 20, 1 + (i / 20) % 20);
            let first = match i % 7 {
                0 => "4111111111111111".to_string(),
                1 => "4155550132".to_string(),
                _ => digits(a),
            };
            let second = digits(b);
            let lead = leads[i % leads.len()];
            let trailer = trailers[(i / 3) % trailers.len()];
            let input = format!("at {lead}{first}.{second}{trailer}");
            let input = input.as_bytes();
            let p = 3 + lead.len();
            let first_end = p + first.len();
            let tok = tokenize(input, p);
            let got = decimal_end(input, first_end, Lead::default());
            if tok.n != 2 {
                assert_eq!(got, None, "{:?}", String::from_utf8_lossy(input));
                continue;
            }
            assert_eq!(
                got,
                Some(tok.groups[1].1),
                "{:?}",
                String::from_utf8_lossy(input)
            );
            let mut spans = Vec::new();
            let mut sink = Candidates::new(input, &mut spans);
            classify(d, &mut sink, &tok, Lead::default());
            assert!(spans.is_empty(), "{:?}", String::from_utf8_lossy(input));
            checked += 1;
        }
        assert!(checked > 15_000, "{checked}");
        // The long way, or (the last) the short one.
        for (input, first_end, short) in [
            ("1.2.3", 1, false),
            ("12-34", 2, false),
            ("12. 34", 2, false),
            ("12.-34", 2, false),
            ("12.34 56", 2, false),
            ("12.34.5", 2, false),
            ("12.34.", 2, true),
        ] {
            let got = decimal_end(input.as_bytes(), first_end, Lead::default());
            assert_eq!(got.is_some(), short, "{input}");
        }
        let plus = Lead {
            paren: false,
            plus: Some(0),
        };
        let paren = Lead {
            paren: true,
            plus: None,
        };
        assert_eq!(decimal_end(b"+12.34", 3, plus), None);
        assert_eq!(decimal_end(b"(12.34", 3, paren), None);
    }

    #[test]
    fn tokens_glued_to_a_word_hold_nothing() {
        let scrubber = super::super::every_rule_on();
        let d = scrubber.detectors();
        let values = [
            "4111111111111111",
            "4111-1111-1111-1111",
            "3782-822463-10005",
            "415-555-0132",
            "415.555.0132",
            "1-415-555-0132",
            "14155550132",
            "4155550132",
            "219-09-9999",
            "219.09.9999",
            "12-3456789",
            "192.168.1.20",
            "10.0.12.7",
            "021000021",
            "123456789012",
            "2026-11-14",
            "44-20-7946-0958",
            "49-30-901820",
        ];
        let leads = [
            "",
            "card ",
            "phone: ",
            "ssn=",
            "account number ",
            "routing ",
            "+",
            "(",
            "dob ",
        ];
        let glues = ["T", "Z", "a", "x", "0", "_", "[", "*"];
        let (mut glued, mut found) = (0, 0);
        for value in values {
            for lead in leads {
                for glue in glues.iter().copied().chain([" ok"]) {
                    let input = format!("at {lead}{value}{glue}");
                    let input = input.as_bytes();
                    let p = 3 + lead.len();
                    let mut spans = Vec::new();
                    let mut sink = Candidates::new(input, &mut spans);
                    let tok = tokenize(input, p);
                    let end = tok.groups[tok.n - 1].1;
                    let lead = Lead {
                        paren: input[p - 1] == b'(',
                        plus: (input[p - 1] == b'+').then(|| p - 1),
                    };
                    classify(d, &mut sink, &tok, lead);
                    let passed_over = input.get(end).is_some_and(word_after)
                        && tok.groups[..tok.n - 1]
                            .iter()
                            .all(|&(_, group_end)| input[group_end] != b' ');
                    if passed_over {
                        glued += 1;
                        assert!(spans.is_empty(), "{:?}", String::from_utf8_lossy(input));
                    } else if glue == " ok" {
                        found += usize::from(!spans.is_empty());
                    }
                }
            }
        }
        assert!(glued >= 900 && found > 50, "{glued} glued, {found} found");
    }

    /// `find_word` finds exactly the windows a case-insensitive comparison of every window finds,
    /// whichever letter it anchors on.
    #[test]
    fn find_word_finds_every_window() {
        let hay = b"Amazon aws AWS amAzOn xaws awsaws a w s amazo amazonn Aws\nAMAZON sort code Sort Code";
        for word in [&b"aws"[..], b"amazon", b"sort code"] {
            let want: Vec<usize> = hay
                .windows(word.len())
                .enumerate()
                .filter(|(_, w)| w.eq_ignore_ascii_case(word))
                .map(|(i, _)| i)
                .collect();
            assert!(!want.is_empty());
            for anchor in (0..word.len()).filter(|&a| word[a].is_ascii_alphabetic()) {
                let got: Vec<usize> = find_word(hay, word, anchor).collect();
                assert_eq!(got, want, "{word:?} anchored at {anchor}");
            }
        }
        assert_eq!(find_word(b"aw", b"aws", 1).count(), 0);
        assert_eq!(find_word(b"ws", b"aws", 1).count(), 0);
    }
}
