//! The obvious implementation, for comparison: one `regex::bytes::Regex::replace_all` per detector,
//! applied in sequence — what most hand-rolled log redactors do.
//!
//! The patterns follow the usual published ones (word-boundary anchored, no validators beyond what a
//! regex can say), so this baseline is also less precise than the engine; it is here to measure speed.

use regex::bytes::Regex;

pub struct Naive {
    rules: Vec<(Regex, &'static [u8])>,
}

impl Default for Naive {
    fn default() -> Self {
        Self::new()
    }
}

impl Naive {
    pub fn new() -> Naive {
        let pats: &[(&str, &[u8])] = &[
            (
                r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
                b"[EMAIL]",
            ),
            (r"\b(?:\d[ -]?){13,19}\b", b"[CARD]"),
            (
                r"\+\d[\d .-]{7,16}\d|\(?\b[2-9]\d{2}\)?[-. ]?[2-9]\d{2}[-. ]\d{4}\b",
                b"[PHONE]",
            ),
            (r"\b\d{3}-\d{2}-\d{4}\b", b"[SSN]"),
            (r"\b\d{2}-\d{7}\b", b"[EIN]"),
            (
                r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
                b"[IBAN]",
            ),
            (r"(?i)(?:routing|aba)\D{0,20}\d{9}\b", b"[ROUTING]"),
            (
                r"(?i)(?:account.?number|acct)\D{0,20}\d{4,17}\b",
                b"[ACCOUNT]",
            ),
            (
                r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9]{8,}",
                b"[STRIPE_KEY]",
            ),
            (r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", b"[AWS_ACCESS_KEY]"),
            (
                r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*",
                b"[JWT]",
            ),
            (
                r"(?i)bearer [A-Za-z0-9._~+/=-]{8,}",
                b"Bearer [AUTH_HEADER]",
            ),
            (r"gh[pousr]_[A-Za-z0-9]{30,}", b"[GITHUB_TOKEN]"),
            (r"xox[baprs]-[A-Za-z0-9-]{10,}", b"[SLACK_TOKEN]"),
            (
                r#"(?i)(password|secret|token|api_key)(["']?\s*[:=]\s*["']?)[^\s"',;&]+"#,
                b"$1$2[SECRET]",
            ),
        ];
        Naive {
            rules: pats
                .iter()
                .map(|(p, r)| (Regex::new(p).expect("baseline regex"), *r))
                .collect(),
        }
    }

    pub fn scrub(&self, input: &[u8]) -> Vec<u8> {
        let mut cur = input.to_vec();
        for (re, rep) in &self.rules {
            cur = re.replace_all(&cur, *rep).into_owned();
        }
        cur
    }
}
