//! IPv6 addresses, for the `IP` rule (off by default; a user who turns it on for GDPR means every
//! address a log holds, and dual-stack load balancers and CloudFront write IPv6 as often as IPv4).
//!
//! The digit-run pass cannot enter them (`fe80::1` starts with letters, `::ffff:…` with a colon),
//! so when the rule is on they get a pass of their own over the colons: each run of hex digits,
//! colons and dots around a colon is read once, and the address parser of the standard library
//! (RFC 4291's text forms, an IPv4 tail included) decides. Clock times (`12:30:45`), MAC addresses
//! (six groups), key fingerprints (16 or 20 groups) and other ids written byte by byte in eight
//! groups are not addresses; a path (`Foo::Bar`) is glued to the word before it; a label glued on by
//! a colon (`ip:2001:db8::1`, `[IPv6:…]`) is read past. The zone (`%eth0`), a prefix length (`/64`)
//! and brackets (`[2001:db8::1]:443`) stay outside the span.

use std::net::Ipv6Addr;

use super::{Candidates, word_after, word_before};
use crate::findings::RuleId;

/// The longest text form of an address: eight groups of four and seven colons, or six groups and
/// a dotted quad (45 bytes).
const MAX_LEN: usize = 45;

fn addr_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

/// Pushes every IPv6 address of `sink.input` as `rule`.
pub(crate) fn find(sink: &mut Candidates<'_>, rule: RuleId) {
    let input = sink.input;
    // Where the last run read ends: a run is read once, however many colons it holds.
    let mut done = 0;
    for colon in memchr::memchr_iter(b':', input) {
        if colon < done {
            continue;
        }
        let mut start = colon;
        while start > done && addr_byte(input[start - 1]) {
            start -= 1;
        }
        let mut end = colon + 1;
        while end < input.len() && addr_byte(input[end]) {
            end += 1;
        }
        done = end;
        // A sentence's full stop or a list's colon after the address is not part of it.
        let mut last = end;
        while last > start && input[last - 1] == b'.' {
            last -= 1;
        }
        if last > start + 1 && input[last - 1] == b':' && input[last - 2] != b':' {
            last -= 1;
        }
        // A label glued on by a colon (`ip:2001:db8::1`, SMTP's `[IPv6:2001:db8::1]`) or an IPv4
        // address and its port's colon before one (`10.0.0.1:fe80::1`): the run read again from
        // after its first single colon.
        let after_label = || {
            let colon = (start..last).find(|&i| {
                input[i] == b':'
                    && input.get(i + 1) != Some(&b':')
                    && (i == 0 || input[i - 1] != b':')
            })?;
            label_before(input, colon).then(|| address(input, colon + 1, last))?
        };
        if let Some((from, to)) = address(input, start, last).or_else(after_label) {
            sink.push(from, to, rule);
        }
    }
}

/// Whether what ends at the colon at `colon` labels the address after it: a word of letters
/// (`ip`, `client`), `IPv6` (SMTP's address literal), or an IPv4 address (its port's colon). Not
/// digits or a word ending in them (`12345:db8::1`, `text2001:db8::1`), which run into the address.
fn label_before(input: &[u8], colon: usize) -> bool {
    // A label or an IPv4 address is short: 64 bytes back is plenty, and bounds the look.
    let floor = colon.saturating_sub(64);
    let word_start = input[floor..colon]
        .iter()
        .rposition(|b| !b.is_ascii_alphanumeric())
        .map_or(floor, |i| floor + i + 1);
    let word = &input[word_start..colon];
    if !word.is_empty() && word.iter().all(u8::is_ascii_alphabetic)
        || word.eq_ignore_ascii_case(b"ipv6")
    {
        return true;
    }
    let quad_start = input[floor..colon]
        .iter()
        .rposition(|b| !(b.is_ascii_digit() || *b == b'.'))
        .map_or(floor, |i| floor + i + 1);
    let quad = &input[quad_start..colon];
    quad.iter().filter(|&&b| b == b'.').count() == 3 && quad.first().is_some_and(u8::is_ascii_digit)
}

/// `input[start..end]` as an address worth redacting: standing alone (no letter, digit or `_`
/// glued to it on either side), parsed by the standard library, not the unspecified or loopback
/// address, and with more to it than two words of hex letters (`A::B`, `dead::beef`), two pairs of
/// digits (a time zone's `+12::34`, `09:00::`) or bytes written one by one: three groups or more,
/// two that hold a digit with one of three or four characters (`fe80::1`), or an IPv4 tail.
fn address(input: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    // As every detector judges a boundary (`]` and `*` end logscrub's own replacements, so an
    // address read after one on a second pass is not), and `_`.
    if end - start > MAX_LEN
        || start > 0 && (word_before(input[start - 1]) || input[start - 1] == b'_')
        || input.get(end).is_some_and(|b| word_after(b) || *b == b'_')
    {
        return None;
    }
    let text = &input[start..end];
    let ip: Ipv6Addr = std::str::from_utf8(text).ok()?.parse().ok()?;
    if ip.is_unspecified() || ip.is_loopback() {
        return None;
    }
    let groups = text.split(|&b| b == b':').filter(|g| !g.is_empty());
    let (mut n, mut with_digit, mut long) = (0, 0, false);
    for g in groups {
        n += 1;
        with_digit += usize::from(g.iter().any(u8::is_ascii_digit));
        long |= g.len() >= 3;
    }
    let ipv4_tail = text.contains(&b'.');
    // Eight groups of one or two hex digits without `::` are a hardware id written byte by byte
    // (a Fibre Channel port name, an EUI-64, a key id), as a MAC address is.
    let bytewise = !long && !ipv4_tail && !text.windows(2).any(|w| w == b"::");
    (!bytewise && (n >= 3 || n == 2 && with_digit == 2 && long || ipv4_tail))
        .then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        let mut sink = Candidates::new(text.as_bytes(), &mut spans);
        find(&mut sink, RuleId(0));
        spans.iter().map(|s| &text[s.start..s.end()]).collect()
    }

    #[test]
    fn addresses_in_their_text_forms() {
        for (line, want) in [
            (
                "client 2001:db8:85a3::8a2e:370:7334 blocked",
                "2001:db8:85a3::8a2e:370:7334",
            ),
            (
                "from fe80::1ff:fe23:4567:890a%eth0",
                "fe80::1ff:fe23:4567:890a",
            ),
            ("addr [2001:db8::1]:443", "2001:db8::1"),
            ("mapped ::ffff:192.0.2.128 ok", "::ffff:192.0.2.128"),
            ("route 2001:db8:0:0:0:0:2:1/64", "2001:db8:0:0:0:0:2:1"),
            (
                "peer 2a02:1810:a0d:c500:f8e1:77e6:c67b:1b0a.",
                "2a02:1810:a0d:c500:f8e1:77e6:c67b:1b0a",
            ),
            ("x-forwarded-for: 2600:1f18::7b, 10.0.0.1", "2600:1f18::7b"),
            ("link fe80::1:", "fe80::1"),
            ("ip:2001:db8::1 ok", "2001:db8::1"),
            ("from <mail> [IPv6:2001:db8::1]", "2001:db8::1"),
            ("peer 10.0.0.1:fe80::1", "fe80::1"),
        ] {
            assert_eq!(found(line), [want], "{line}");
        }
    }

    #[test]
    fn times_hardware_addresses_paths_and_loopback_are_not() {
        for line in [
            "ts 12:30:45.123 ok",
            "2026-11-14T12:30:45Z started",
            "mac 00:1A:2B:3C:4D:5E",
            "fp 43:51:43:a1:b5:fc:8b:b7:0a:3a:a9:b1:0f:66:73:a8",
            "std::vector<int> Foo::Bar A::B",
            "dead::beef",
            "bind ::1 and :: only",
            "ratio 1:2",
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
            "offset +12::34 and -09:00:: parsed",
            "wwpn 50:06:01:60:3b:20:19:5c eui 02:00:5e:10:00:00:00:01",
            // Read again after a replacement: glued to its `]`.
            "[IP]::ab:cd:12",
            // Digits before the colon run into what follows: no label.
            "text2001:db8::1 12345:db8::1",
        ] {
            assert!(found(line).is_empty(), "{line}: {:?}", found(line));
        }
    }

    /// Hostile runs find nothing and return (that each run is read once, the linear time, is
    /// `cargo bench --bench linearity`'s `ipv6:` cases).
    #[test]
    fn long_runs_of_colons_and_hex_are_no_address() {
        let text = ":".repeat(1 << 16) + &"a:".repeat(1 << 15);
        assert!(found(&text).is_empty());
    }
}
