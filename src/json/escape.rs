//! JSON string escapes: decoding with a map back to raw offsets, and keeping spans off escape middles.
//!
//! A value written as `jane\u0040example.com` or `https:\/\/user:pw@host` only looks like PII once
//! decoded, so strings holding escapes are also scanned in decoded form and the spans mapped back. And
//! since a replacement must never cut `\u0040` in half (that would make the output invalid JSON), every
//! span inside an escaped string is widened to whole escape sequences.

/// Decodes the content of a JSON string. `map[i]` is the raw offset where decoded byte `i` came from.
pub(crate) fn decode(raw: &[u8], decoded: &mut Vec<u8>, map: &mut Vec<usize>) {
    decoded.clear();
    map.clear();
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' || i + 1 >= raw.len() {
            decoded.push(b);
            map.push(i);
            i += 1;
            continue;
        }
        let (ch, len) = match raw[i + 1] {
            b'u' => match hex4(raw, i + 2) {
                Some(hi @ 0xD800..=0xDBFF)
                    if raw.get(i + 6) == Some(&b'\\') && raw.get(i + 7) == Some(&b'u') =>
                {
                    match hex4(raw, i + 8) {
                        Some(lo @ 0xDC00..=0xDFFF) => (
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)),
                            12,
                        ),
                        _ => (None, 6),
                    }
                }
                Some(cp) => (char::from_u32(cp), 6),
                None => (None, 2),
            },
            b'n' => (Some('\n'), 2),
            b't' => (Some('\t'), 2),
            b'r' => (Some('\r'), 2),
            b'b' => (Some('\u{8}'), 2),
            b'f' => (Some('\u{c}'), 2),
            other => (Some(char::from(other)), 2),
        };
        let mut buf = [0u8; 4];
        let bytes = ch.unwrap_or('\u{FFFD}').encode_utf8(&mut buf).as_bytes();
        for &d in bytes {
            decoded.push(d);
            map.push(i);
        }
        i += len.min(raw.len() - i);
    }
}

fn hex4(raw: &[u8], at: usize) -> Option<u32> {
    let digits = raw.get(at..at + 4)?;
    let s = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// Maps decoded span `[ds, de)` back to a raw range covering whole escape sequences.
pub(crate) fn raw_range(map: &[usize], raw_len: usize, ds: usize, de: usize) -> (usize, usize) {
    let start = map.get(ds).copied().unwrap_or(raw_len);
    let mut e = de;
    // Several decoded bytes can come from one escape: end at the next escape's start.
    while e < map.len() && e > 0 && map[e] == map[e - 1] {
        e += 1;
    }
    let end = map.get(e).copied().unwrap_or(raw_len);
    (start, end.max(start))
}

/// Widens `[start, end)` (offsets within a string's raw content) so it neither starts nor ends inside
/// an escape sequence.
pub(crate) fn widen_to_escapes(raw: &[u8], start: usize, end: usize) -> (usize, usize) {
    let (mut s, mut e) = (start, end);
    let mut i = 0;
    while i < raw.len() && i < end {
        if raw[i] != b'\\' {
            i += 1;
            continue;
        }
        let len = if raw.get(i + 1) == Some(&b'u') { 6 } else { 2 };
        let esc_end = (i + len).min(raw.len());
        if s > i && s < esc_end {
            s = i;
        }
        if e > i && e < esc_end {
            e = esc_end;
        }
        i = esc_end;
    }
    (s, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_maps_back() {
        let raw = br#"jane\u0040example.com \/ \ud83d\ude00!"#;
        let (mut d, mut m) = (Vec::new(), Vec::new());
        decode(raw, &mut d, &mut m);
        assert_eq!(
            std::str::from_utf8(&d).unwrap(),
            "jane@example.com / \u{1F600}!"
        );
        // "jane@example.com" in decoded bytes maps to the raw text with its escape.
        let (s, e) = raw_range(&m, raw.len(), 0, 16);
        assert_eq!(&raw[s..e], br"jane\u0040example.com");
        // The emoji (4 decoded bytes from 12 raw bytes).
        let emoji = d.len() - 5;
        let (s, e) = raw_range(&m, raw.len(), emoji, emoji + 4);
        assert_eq!(&raw[s..e], br"\ud83d\ude00");
    }

    #[test]
    fn widening() {
        let raw = br"ab\u0040cd\nef";
        assert_eq!(widen_to_escapes(raw, 4, 9), (2, 9));
        assert_eq!(widen_to_escapes(raw, 0, 3), (0, 8));
        assert_eq!(widen_to_escapes(raw, 11, 12), (10, 12));
        assert_eq!(widen_to_escapes(raw, 0, 2), (0, 2));
    }
}
