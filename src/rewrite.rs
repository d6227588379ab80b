//! Rewriting: copy the bytes outside spans untouched, write each span in its rule's style.
//!
//! Every replacement is ASCII made of `[`, `]`, `:`, `*`, upper-case letters, digits and hex, plus the
//! value's own separators for `mask` and `last4`, so it is valid inside a JSON string and can never be
//! detected again. Line breaks inside a span (a PEM block in a multi-line event) are kept, so one input
//! line is always one output line.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How a rule's values are read when two are compared: for the `hash` style's token (a value
/// hashes alike however it is written) and for allow-lists (`[[allow]]` values compare the same way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Canon {
    /// Byte for byte.
    Exact,
    /// The digits only: numbers are written with any separators.
    Digits,
    /// ASCII case folded: emails.
    Folded,
}

impl Canon {
    /// The byte `b` contributes to the compared form, if any. The `hash` style uses the same
    /// reading, so a value that hashes alike is allowed alike.
    pub(crate) fn byte(self, b: u8) -> Option<u8> {
        match self {
            Canon::Exact => Some(b),
            Canon::Digits => b.is_ascii_digit().then_some(b),
            Canon::Folded => Some(b.to_ascii_lowercase()),
        }
    }

    pub(crate) fn form(self, value: &[u8]) -> Vec<u8> {
        value.iter().filter_map(|&b| self.byte(b)).collect()
    }
}

/// How a detected value is written in the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `[EMAIL]`: the rule's label in brackets.
    Label,
    /// Same length, separators kept, everything else `*`.
    Mask,
    /// Every digit but the last four masked (PCI DSS allows showing the last four of a card).
    Last4,
    /// `[EMAIL:3fa9c1d2]`: a keyed HMAC-SHA-256 token, stable for one key, so a customer can be followed
    /// across logs without being exposed.
    Hash,
}

impl Style {
    /// Parses a style name as written in packs and on the command line.
    pub fn parse(name: &str) -> Option<Style> {
        match name {
            "label" => Some(Style::Label),
            "mask" => Some(Style::Mask),
            "last4" => Some(Style::Last4),
            "hash" => Some(Style::Hash),
            _ => None,
        }
    }

    /// The name used in packs.
    pub fn name(self) -> &'static str {
        match self {
            Style::Label => "label",
            Style::Mask => "mask",
            Style::Last4 => "last4",
            Style::Hash => "hash",
        }
    }
}

/// Hex digits in a `hash` token: 32 bits, enough to follow one customer through a day of logs, too few to
/// be a fingerprint of the value on their own.
pub(crate) const HASH_HEX_LEN: usize = 8;

/// What the rewriter needs to know about one rule.
#[derive(Clone, Debug)]
pub(crate) struct Replacement {
    pub label: String,
    pub style: Style,
    /// What of a value the hash reads: the digits only for numbers, so `415-555-0132` and
    /// `(415) 555-0132` give the same token; case folded for emails. Allow-lists compare alike.
    pub canon: Canon,
    /// `last4` shows the last four digits (cards, accounts, phones); otherwise it writes a mask.
    pub keeps_last4: bool,
}

/// Bytes that `mask` and `last4` keep: the separators that give a value its shape.
pub(crate) fn keep_in_mask(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'-' | b'.' | b'(' | b')' | b'@' | b'_' | b'+' | b':' | b'/' | b'\n' | b'\r'
    )
}

/// Writes `value` with every byte but its separators as `*`.
fn write_mask(out: &mut Vec<u8>, value: &[u8]) {
    out.extend(
        value
            .iter()
            .map(|&b| if keep_in_mask(b) { b } else { b'*' }),
    );
}

/// Writes `[label]` for `value`, plus the value's own line breaks.
pub(crate) fn write_label(out: &mut Vec<u8>, value: &[u8], label: &str) {
    out.push(b'[');
    out.extend_from_slice(label.as_bytes());
    out.push(b']');
    keep_line_breaks(out, value);
}

/// Writes the replacement of `value` into `out`.
pub(crate) fn write(out: &mut Vec<u8>, value: &[u8], rep: &Replacement, key: Option<&[u8]>) {
    match rep.style {
        Style::Label => write_label(out, value, &rep.label),
        Style::Hash => match key {
            Some(key) => {
                out.push(b'[');
                out.extend_from_slice(rep.label.as_bytes());
                out.push(b':');
                out.extend_from_slice(&hash_hex(key, value, rep));
                out.push(b']');
                keep_line_breaks(out, value);
            }
            // The scrubber refuses to build a hash rule without a key; label is the safe fallback.
            None => write(
                out,
                value,
                &Replacement {
                    style: Style::Label,
                    ..rep.clone()
                },
                None,
            ),
        },
        Style::Mask => write_mask(out, value),
        Style::Last4 if !rep.keeps_last4 => write_mask(out, value),
        Style::Last4 => {
            let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
            // Showing four digits of a short value would show most of it.
            let mut shown = if digits >= 8 { 4 } else { 0 };
            let mut tail: Vec<u8> = Vec::with_capacity(value.len());
            for &b in value.iter().rev() {
                if b.is_ascii_digit() && shown > 0 {
                    shown -= 1;
                    tail.push(b);
                } else if keep_in_mask(b) {
                    tail.push(b);
                } else {
                    // Only the trailing digits are shown: what `is_scrubbed_value` recognises as
                    // logscrub's own output, so a second pass leaves it alone.
                    shown = 0;
                    tail.push(b'*');
                }
            }
            out.extend(tail.iter().rev());
        }
    }
}

fn keep_line_breaks(out: &mut Vec<u8>, value: &[u8]) {
    if memchr::memchr2(b'\n', b'\r', value).is_some() {
        out.extend(value.iter().filter(|&&b| b == b'\n' || b == b'\r'));
    }
}

fn hash_hex(key: &[u8], value: &[u8], rep: &Replacement) -> [u8; HASH_HEX_LEN] {
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this arm cannot be reached.
        Err(_) => return [b'0'; HASH_HEX_LEN],
    };
    mac.update(rep.label.as_bytes());
    mac.update(&[0]);
    for chunk in value.chunks(256) {
        let mut buf = [0u8; 256];
        let mut n = 0;
        for &b in chunk {
            if let Some(c) = rep.canon.byte(b) {
                buf[n] = c;
                n += 1;
            }
        }
        mac.update(&buf[..n]);
    }
    let tag = mac.finalize().into_bytes();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; HASH_HEX_LEN];
    for (i, byte) in tag.iter().take(HASH_HEX_LEN / 2).enumerate() {
        out[2 * i] = HEX[usize::from(byte >> 4)];
        out[2 * i + 1] = HEX[usize::from(byte & 15)];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(style: Style) -> Replacement {
        Replacement {
            label: "CARD".into(),
            style,
            canon: Canon::Digits,
            keeps_last4: true,
        }
    }

    fn w(value: &str, style: Style) -> String {
        let mut out = Vec::new();
        write(
            &mut out,
            value.as_bytes(),
            &rep(style),
            Some(b"0123456789abcdef0123"),
        );
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn styles() {
        assert_eq!(w("4111-1111-1111-1111", Style::Label), "[CARD]");
        assert_eq!(w("4111-1111-1111-1111", Style::Mask), "****-****-****-****");
        assert_eq!(
            w("4111-1111-1111-1111", Style::Last4),
            "****-****-****-1111"
        );
        assert_eq!(w("1234", Style::Last4), "****");
        let h = w("4111-1111-1111-1111", Style::Hash);
        assert!(
            h.starts_with("[CARD:") && h.len() == "[CARD:]".len() + HASH_HEX_LEN,
            "{h}"
        );
        assert_eq!(
            h,
            w("4111 1111 1111 1111", Style::Hash),
            "digits-only hashing"
        );
        assert_ne!(h, w("4111111111111112", Style::Hash));
    }

    #[test]
    fn line_breaks_survive() {
        assert_eq!(w("a\nb\r\nc", Style::Label), "[CARD]\n\r\n");
        assert_eq!(w("a\nb", Style::Mask), "*\n*");
    }
}
