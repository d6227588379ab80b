//! Deterministic generator of CloudWatch-style log lines, with and without PII, labelled.
//!
//! Shared by the labelled-corpus test (`tests/corpus.rs`), the benchmarks (`benches/`) and
//! `scripts/bench-compare.sh` (through the `logscrub-corpus` binary), so recall, precision and speed are
//! all measured on the same kind of text. Nothing is downloaded and nothing large is committed: the same
//! seed always gives the same bytes.
//!
//! Lines imitate what lands in CloudWatch from payments and messaging services: Lambda platform lines
//! (`START`/`END`/`REPORT`), application logs with request ids, ALB/nginx access logs with query strings,
//! and JSON logs. PII is inserted in the formats the detectors promise to catch; every PII-free line is
//! built from the hard negatives they promise to leave alone (epochs, UUIDs, account ids, versions,
//! Luhn-invalid order numbers, 9-digit numbers failing the ABA checksum, durations, byte counts).

#![allow(dead_code)]

/// xorshift64*: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    pub fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }
    pub fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| char::from(A[self.below(A.len() as u64) as usize]))
            .collect()
    }
    pub fn upper_alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        (0..n)
            .map(|_| char::from(A[self.below(A.len() as u64) as usize]))
            .collect()
    }
    pub fn lower(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'a' + self.below(26) as u8))
            .collect()
    }
    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }
}

/// One generated line and the PII values it holds, as (rule id, exact value as written).
pub struct Labeled {
    pub line: String,
    pub pii: Vec<(&'static str, String)>,
}

fn luhn_check_digit(body: &str) -> u8 {
    let mut sum = 0u32;
    for (i, c) in body.bytes().rev().enumerate() {
        let mut v = u32::from(c - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    ((10 - sum % 10) % 10) as u8
}

fn luhn_ok(s: &str) -> bool {
    let body = &s[..s.len() - 1];
    luhn_check_digit(body) == s.as_bytes()[s.len() - 1] - b'0'
}

// ---------------------------------------------------------------- PII values

pub fn card(r: &mut Rng) -> String {
    let (prefix, len) = *r.pick(&[
        ("4", 16),
        ("4", 13),
        ("51", 16),
        ("55", 16),
        ("2221", 16),
        ("2720", 16),
        ("34", 15),
        ("37", 15),
        ("6011", 16),
        ("65", 16),
        ("3530", 16),
        ("36", 14),
        ("62", 16),
    ]);
    let body = format!("{prefix}{}", r.digits(len - prefix.len() - 1));
    format!("{body}{}", luhn_check_digit(&body))
}

pub fn grouped_card(r: &mut Rng) -> String {
    let sep = if r.chance(50) { " " } else { "-" };
    let mut c;
    loop {
        c = card(r);
        if c.len() == 16 || c.len() == 15 {
            break;
        }
    }
    if c.len() == 15 {
        format!("{}{sep}{}{sep}{}", &c[..4], &c[4..10], &c[10..])
    } else {
        format!(
            "{}{sep}{}{sep}{}{sep}{}",
            &c[..4],
            &c[4..8],
            &c[8..12],
            &c[12..]
        )
    }
}

fn nanp_digits(r: &mut Rng) -> String {
    loop {
        let d = format!(
            "{}{}{}{}",
            r.range(2, 9),
            r.range(0, 8),
            r.digits(1),
            r.range(2, 9)
        ) + &r.digits(6);
        let b = d.as_bytes();
        let n11 = |i: usize| b[i + 1] == b'1' && b[i + 2] == b'1';
        if !n11(0) && !n11(3) {
            return d;
        }
    }
}

pub fn phone(r: &mut Rng) -> String {
    let d = nanp_digits(r);
    let (a, b, c) = (&d[..3], &d[3..6], &d[6..]);
    match r.below(9) {
        0 => format!("+1{d}"),
        1 => format!("({a}) {b}-{c}"),
        2 => format!("{a}-{b}-{c}"),
        3 => format!("{a}.{b}.{c}"),
        4 => format!("+1 ({a}) {b}-{c}"),
        5 => format!("1-{a}-{b}-{c}"),
        6 => format!("+44 20 {} {}", r.digits(4), r.digits(4)),
        7 => format!("+49 30 {}", r.digits(7)),
        _ => format!("+{}{}", r.range(2, 9), r.digits(10)),
    }
}

pub fn email(r: &mut Rng) -> String {
    let first = *r.pick(&[
        "jane", "john", "maria", "wei", "aisha", "carlos", "li", "olga", "sam",
    ]);
    let last = *r.pick(&[
        "doe", "smith", "garcia", "chen", "khan", "silva", "ivanova", "lee",
    ]);
    let domain = *r.pick(&[
        "example.com",
        "mail.example.org",
        "corp.example.co.uk",
        "gmail.com",
        "payments.example.io",
    ]);
    match r.below(4) {
        0 => format!("{first}.{last}@{domain}"),
        1 => format!("{first}+{}@{domain}", r.lower(5)),
        2 => format!("{}{}@{domain}", first.to_uppercase(), r.digits(2)),
        _ => format!("{first}_{last}{}@{domain}", r.digits(3)),
    }
}

fn mod97(s: &str) -> u32 {
    let mut rem = 0u32;
    for c in s.bytes() {
        if c.is_ascii_digit() {
            rem = (rem * 10 + u32::from(c - b'0')) % 97;
        } else {
            rem = (rem * 100 + u32::from(c - b'A' + 10)) % 97;
        }
    }
    rem
}

pub fn iban(r: &mut Rng) -> String {
    let (cc, bban) = match r.below(4) {
        0 => ("DE", r.digits(18)),
        1 => (
            "GB",
            format!(
                "{}{}",
                r.upper_alnum(4).replace(|c: char| c.is_ascii_digit(), "X"),
                r.digits(14)
            ),
        ),
        2 => ("FR", r.digits(23)),
        _ => ("NL", format!("ABNA{}", r.digits(10))),
    };
    let check = 98 - mod97(&format!("{bban}{cc}00"));
    let compact = format!("{cc}{check:02}{bban}");
    if r.chance(50) {
        compact
    } else {
        compact
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub fn routing(r: &mut Rng) -> String {
    let prefix = *r.pick(&[
        "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "26", "31",
        "32", "61", "71",
    ]);
    let body = format!("{prefix}{}", r.digits(6));
    let d: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
    let partial = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5]);
    let check = (10 - partial % 10) % 10;
    format!("{body}{check}")
}

pub fn ssn(r: &mut Rng) -> String {
    let area = loop {
        let a = r.range(1, 899);
        if a != 666 {
            break a;
        }
    };
    let sep = if r.chance(70) { "-" } else { " " };
    format!(
        "{area:03}{sep}{:02}{sep}{:04}",
        r.range(1, 99),
        r.range(1, 9999)
    )
}

pub fn ein(r: &mut Rng) -> String {
    let prefix = *r.pick(&[10u64, 12, 20, 27, 30, 45, 54, 71, 84, 91, 98]);
    format!("{prefix:02}-{}", r.digits(7))
}

pub fn jwt(r: &mut Rng) -> String {
    format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{}.{}",
        r.alnum(40),
        r.alnum(43)
    )
}

// ---------------------------------------------------------------- hard negatives

fn timestamp(r: &mut Rng) -> String {
    format!(
        "2026-11-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        r.range(1, 28),
        r.below(24),
        r.below(60),
        r.below(60),
        r.below(1000)
    )
}

fn epoch(r: &mut Rng) -> String {
    format!("17{}", r.digits(8))
}

fn order_number(r: &mut Rng) -> String {
    // 16 digits that fail Luhn.
    let mut s = format!("{}{}", r.range(1, 9), r.digits(15));
    if luhn_ok(&s) {
        let last = (s.as_bytes()[15] - b'0' + 1) % 10;
        s.replace_range(15.., &last.to_string());
    }
    s
}

fn account_id(r: &mut Rng) -> String {
    r.digits(12)
}

fn ip(r: &mut Rng) -> String {
    format!("10.{}.{}.{}", r.below(256), r.below(256), r.below(256))
}

fn stripe_id(r: &mut Rng) -> String {
    format!(
        "{}_{}",
        r.pick(&["ch", "pi", "acct", "cus", "po", "ba", "evt", "txn"]),
        r.alnum(24)
    )
}

fn clean_line(r: &mut Rng) -> String {
    let req = r.uuid();
    match r.below(10) {
        0 => format!("START RequestId: {req} Version: $LATEST"),
        1 => format!("END RequestId: {req}"),
        2 => format!(
            "REPORT RequestId: {req}\tDuration: {}.{:02} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: {} MB\tInit Duration: {}.{:02} ms",
            r.range(1, 3000),
            r.below(100),
            r.range(1, 3000),
            r.range(60, 500),
            r.range(100, 900),
            r.below(100)
        ),
        3 => format!(
            "{}\t{req}\tINFO\tprocessed order {} in {}.{} ms status=200 bytes={} attempt={}",
            timestamp(r),
            order_number(r),
            r.range(1, 999),
            r.below(100),
            r.range(100, 99999),
            r.range(1, 5)
        ),
        4 => format!(
            "{} - - [23/Nov/2026:{:02}:{:02}:{:02} +0000] \"GET /api/v1/orders/{}?page={}&limit=50 HTTP/1.1\" {} {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36\"",
            ip(r),
            r.below(24),
            r.below(60),
            r.below(60),
            r.range(1000, 999999),
            r.range(1, 40),
            r.pick(&[200, 201, 204, 301, 404, 500]),
            r.range(100, 99999)
        ),
        5 => format!(
            "{{\"level\":\"info\",\"ts\":{},\"msg\":\"payout created\",\"payout_id\":\"{}\",\"amount\":{},\"account_id\":\"{}\",\"request_id\":\"{req}\",\"duration_ms\":{}.{}}}",
            epoch(r),
            stripe_id(r),
            r.range(100, 100000),
            account_id(r),
            r.range(1, 900),
            r.digits(3)
        ),
        6 => format!(
            "{} {req} WARN invoice {} retry {}/5 arn:aws:lambda:us-east-1:{}:function:payouts trace=Root=1-{}-{}",
            timestamp(r),
            r.range(100_000_000, 199_999_999),
            r.range(1, 5),
            account_id(r),
            r.hex(8),
            r.hex(24)
        ),
        7 => format!(
            "{} DEBUG cache hit key=sha256:{} size={} ttl=86400 version=1.{}.{}.0 eventId {}",
            timestamp(r),
            r.hex(64),
            r.range(1, 1 << 20),
            r.below(200),
            r.below(20),
            r.digits(56)
        ),
        8 => format!(
            "  File \"/var/task/app/handlers.py\", line {}, in handle_{} ts_ms={}{} score=0.{}",
            r.range(1, 2000),
            r.lower(6),
            epoch(r),
            r.digits(3),
            r.digits(16)
        ),
        _ => format!(
            "{} INFO charge {} customer {} status=succeeded git={} src={}:{}",
            timestamp(r),
            stripe_id(r),
            stripe_id(r),
            r.hex(40),
            ip(r),
            r.range(1024, 65535)
        ),
    }
}

// ---------------------------------------------------------------- PII lines

/// One line holding one or two PII values, labelled.
fn pii_line(r: &mut Rng) -> Labeled {
    let ts = timestamp(r);
    let req = r.uuid();
    let mut pii = Vec::new();
    let add = |rule: &'static str, v: String, pii: &mut Vec<(&'static str, String)>| {
        pii.push((rule, v.clone()));
        v
    };
    let line = match r.below(24) {
        0 => {
            let e = add("EMAIL", email(r), &mut pii);
            format!("{ts}\t{req}\tINFO\tsent receipt to {e}")
        }
        1 => {
            let e = email(r);
            let enc = e.replace('@', "%40").replace('+', "%2B");
            pii.push(("EMAIL", enc.clone()));
            format!(
                "{} - - [23/Nov/2026:10:00:00 +0000] \"GET /v1/users?email={enc}&page=1 HTTP/1.1\" 200 512",
                ip(r)
            )
        }
        2 => {
            let e = add("EMAIL", email(r), &mut pii);
            format!(
                "{{\"level\":\"info\",\"msg\":\"signup\",\"user\":{{\"email\":\"{e}\"}},\"request_id\":\"{req}\"}}"
            )
        }
        3 => {
            let p = add("PHONE", phone(r), &mut pii);
            format!(
                "{ts}\t{req}\tINFO\tTwilio SMS queued to {p} sid=SM{}",
                r.hex(32)
            )
        }
        4 => {
            let d = nanp_digits(r);
            let p = add("PHONE", d, &mut pii);
            format!(
                "{{\"event\":\"otp_sent\",\"phone_number\":\"{p}\",\"ts\":{}}}",
                epoch(r)
            )
        }
        5 => {
            let c = add("CARD", card(r), &mut pii);
            format!(
                "{ts} ERROR stripe charge failed card={c} amount={} currency=usd",
                r.range(100, 99999)
            )
        }
        6 => {
            let c = add("CARD", grouped_card(r), &mut pii);
            format!(
                "{ts} WARN support ticket {}: customer pasted card {c} in chat",
                r.range(10000, 99999)
            )
        }
        7 => {
            let i = add("IBAN", iban(r), &mut pii);
            format!("{ts} INFO payout {} to iban {i} via dots", stripe_id(r))
        }
        8 => {
            let rt = add("ROUTING", routing(r), &mut pii);
            let len = r.range(6, 17) as usize;
            let ac = add("ACCOUNT", r.digits(len), &mut pii);
            format!(
                "{{\"payout\":{{\"routing_number\":\"{rt}\",\"account_number\":\"{ac}\",\"amount\":{}}}}}",
                r.range(100, 99999)
            )
        }
        9 => {
            let rt = add("ROUTING", routing(r), &mut pii);
            format!(
                "{ts} DEBUG ACH transfer routing {rt} submitted batch={}",
                r.range(1000, 9999)
            )
        }
        10 => {
            let s = add("SSN", ssn(r), &mut pii);
            format!(
                "{ts} INFO tax form W-9 received ssn {s} for payee {}",
                stripe_id(r)
            )
        }
        11 => {
            let e = add("EIN", ein(r), &mut pii);
            format!("{ts} INFO 1099 payer EIN {e} recorded")
        }
        12 => {
            let h = add(
                "VENMO",
                format!("@{}-{}", r.lower(6), r.digits(2)),
                &mut pii,
            );
            format!("{ts} INFO payout method venmo handle {h} verified")
        }
        13 => {
            let h = add(
                "CASHTAG",
                format!("${}{}", r.lower(1).to_uppercase(), r.lower(7)),
                &mut pii,
            );
            format!("{{\"payout_method\":\"cash app\",\"cashtag\":\"{h}\"}}")
        }
        14 => {
            let k = add("STRIPE_KEY", format!("sk_live_{}", r.alnum(24)), &mut pii);
            format!("{ts} ERROR stripe init failed with key {k}")
        }
        15 => {
            let k = add(
                "AWS_ACCESS_KEY",
                format!("AKIA{}", r.upper_alnum(16)),
                &mut pii,
            );
            let s = add("AWS_SECRET_KEY", r.alnum(40), &mut pii);
            format!("{ts} DEBUG env AWS_ACCESS_KEY_ID={k} AWS_SECRET_ACCESS_KEY={s}")
        }
        16 => {
            let j = add("JWT", jwt(r), &mut pii);
            format!("{ts} DEBUG Authorization: Bearer {j}")
        }
        17 => {
            let t = add("AUTH_HEADER", r.alnum(32), &mut pii);
            format!("{ts} DEBUG outbound headers {{\"Authorization\":\"Bearer {t}\"}}")
        }
        18 => {
            let p = add("URL_PASSWORD", r.alnum(12), &mut pii);
            format!(
                "{ts} INFO connecting postgres://payouts:{p}@db.internal.example.com:5432/payouts"
            )
        }
        19 => {
            let t = add("GITHUB_TOKEN", format!("ghp_{}", r.alnum(36)), &mut pii);
            format!("{ts} WARN git clone https://{t}@github.com/org/repo.git")
        }
        20 => {
            let t = add(
                "SLACK_TOKEN",
                format!("xoxb-{}-{}-{}", r.digits(12), r.digits(13), r.alnum(24)),
                &mut pii,
            );
            format!("{ts} ERROR slack post failed token={t}")
        }
        21 => {
            let p = add(
                "SECRET",
                format!("{}{}!", r.alnum(10), r.digits(2)),
                &mut pii,
            );
            format!(
                "{{\"level\":\"debug\",\"msg\":\"login attempt\",\"username\":\"bob\",\"password\":\"{p}\"}}"
            )
        }
        22 => {
            let t = add("SECRET", r.hex(32), &mut pii);
            format!("{ts} DEBUG twilio client TWILIO_AUTH_TOKEN={t} region=us1")
        }
        _ => {
            let e = add("EMAIL", email(r), &mut pii);
            let p = add("PHONE", phone(r), &mut pii);
            format!(
                "{ts}\t{req}\tINFO\tcontact updated {e} / {p} for order {}",
                order_number(r)
            )
        }
    };
    Labeled { line, pii }
}

/// `n` labelled lines, about half with PII.
pub fn labeled(seed: u64, n: usize) -> Vec<Labeled> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|_| {
            if r.chance(50) {
                pii_line(&mut r)
            } else {
                Labeled {
                    line: clean_line(&mut r),
                    pii: Vec::new(),
                }
            }
        })
        .collect()
}

/// About `bytes` of newline-terminated text with `pii_percent` of lines carrying PII.
pub fn text(seed: u64, bytes: usize, pii_percent: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut out = Vec::with_capacity(bytes + 1024);
    while out.len() < bytes {
        let line = if r.chance(pii_percent) {
            pii_line(&mut r).line
        } else {
            clean_line(&mut r)
        };
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

/// About `bytes` of JSON lines only (structured logs), `pii_percent` of them with PII.
pub fn json_lines(seed: u64, bytes: usize, pii_percent: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut out = Vec::with_capacity(bytes + 1024);
    while out.len() < bytes {
        let line = loop {
            let l = if r.chance(pii_percent) {
                pii_line(&mut r).line
            } else {
                clean_line(&mut r)
            };
            if l.starts_with('{') {
                break l;
            }
        };
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

/// About `bytes` of mixed text and JSON lines, `json_percent` of them JSON objects (the rest plain
/// text), `pii_percent` of all lines with PII: the mix a service that logs both writes.
pub fn mixed(seed: u64, bytes: usize, pii_percent: u64, json_percent: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut out = Vec::with_capacity(bytes + 1024);
    while out.len() < bytes {
        let json = r.chance(json_percent);
        let pii = r.chance(pii_percent);
        let line = loop {
            let l = if pii {
                pii_line(&mut r).line
            } else {
                clean_line(&mut r)
            };
            if l.starts_with('{') == json {
                break l;
            }
        };
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}
