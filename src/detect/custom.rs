//! User regex rules from rule packs.
//!
//! A rule with `triggers` runs only on inputs where the secret-prefix search saw one of them, so adding
//! rules costs nothing on the lines they cannot match; a rule without triggers runs its regex over every
//! input (the regex crate guarantees linear time). When the regex has a capture group named `value`, only
//! that group is redacted (`employee_id=(?P<value>\d{6})`). An optional validator (Luhn, ABA, IBAN, ...)
//! checks the digits of the redacted text.

use super::Sink;
use super::secrets::Fired;
use super::validate;
use crate::findings::RuleId;
use crate::pack::Validator;

#[derive(Clone, Debug)]
pub(crate) struct CustomRule {
    pub rule: RuleId,
    pub regex: regex::bytes::Regex,
    pub triggered: bool,
    pub validator: Option<Validator>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct CustomRules {
    /// In the same order as the trigger lists given to the secret scanner.
    pub rules: Vec<CustomRule>,
}

impl CustomRules {
    pub fn find(&self, sink: &mut Sink<'_>, fired: &Fired) {
        for (i, r) in self.rules.iter().enumerate() {
            if r.triggered && !fired.get(i) {
                continue;
            }
            let value_group = r.regex.capture_names().position(|n| n == Some("value"));
            match value_group {
                None => {
                    for m in r.regex.find_iter(sink.input) {
                        if passes(r.validator, &sink.input[m.range()]) {
                            sink.push(m.start(), m.end(), r.rule);
                        }
                    }
                }
                Some(g) => {
                    for caps in r.regex.captures_iter(sink.input) {
                        if let Some(m) = caps.get(g)
                            && passes(r.validator, m.as_bytes())
                        {
                            sink.push(m.start(), m.end(), r.rule);
                        }
                    }
                }
            }
        }
    }
}

fn passes(validator: Option<Validator>, text: &[u8]) -> bool {
    let Some(v) = validator else { return true };
    let mut buf = [0u8; 40];
    let mut n = 0;
    for &b in text {
        let keep = if v == Validator::Iban {
            b.is_ascii_alphanumeric()
        } else {
            b.is_ascii_digit()
        };
        if keep {
            if n == buf.len() {
                return false;
            }
            buf[n] = b.to_ascii_uppercase();
            n += 1;
        }
    }
    let digits = &buf[..n];
    match v {
        Validator::Luhn => digits.len() >= 2 && validate::luhn(digits),
        Validator::Card => validate::luhn(digits) && validate::card_brand_ok(digits),
        Validator::Aba => validate::aba_routing(digits),
        Validator::Iban => {
            digits.len() >= 2
                && validate::iban_length([digits[0], digits[1]]) == Some(digits.len())
                && validate::iban_mod97(digits)
        }
        Validator::Nanp => {
            validate::nanp(digits)
                || digits.len() == 11 && digits[0] == b'1' && validate::nanp(&digits[1..])
        }
        Validator::Ssn => validate::ssn(digits),
        Validator::Ein => validate::ein(digits),
    }
}
