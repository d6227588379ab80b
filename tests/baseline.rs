//! The combined-regex baseline the benchmarks compare the engine with (`tests/support/combined.rs`)
//! does what it claims: each shape is replaced when its validator passes and kept when it fails,
//! line by line, bytes outside the matches unchanged. A baseline that found nothing would make the
//! speed ratios meaningless.

#[path = "support/combined.rs"]
mod combined;

fn scrub(input: &str) -> String {
    let mut out = Vec::new();
    combined::Combined::new().scrub(input.as_bytes(), &mut out);
    String::from_utf8(out).expect("the baseline writes UTF-8 for UTF-8 input")
}

#[test]
fn shapes_that_pass_their_validators_are_replaced() {
    assert_eq!(
        scrub("card 4111 1111 1111 1111 ok\nssn 123-45-6789\n"),
        "card [CARD] ok\nssn [SSN]\n"
    );
    assert_eq!(
        scrub("iban DE89 3704 0044 0532 0130 00, mail jane.roe@example.com"),
        "iban [IBAN], mail [EMAIL]"
    );
    assert_eq!(
        scrub("routing number: 021000021 tel (415) 555-0132 or +44 20 7946 0958"),
        "routing number: [ROUTING] tel [PHONE] or [PHONE]"
    );
}

#[test]
fn shapes_that_fail_their_validators_are_kept() {
    for kept in [
        "card 4111 1111 1111 1112",
        "ssn 000-12-3456 and 666-12-3456",
        "iban DE89 3704 0044 0532 0130 01",
        "routing number: 021000022",
        "request 7f3a9c1e done in 1234 ms",
    ] {
        assert_eq!(scrub(kept), kept);
    }
}
