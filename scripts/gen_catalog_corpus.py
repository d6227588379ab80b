#!/usr/bin/env python3
"""Second labelled corpus for logscrub, built from the formats' own specifications.

    python3 scripts/gen_catalog_corpus.py > tests/data/catalog-corpus.jsonl
    python3 scripts/gen_catalog_corpus.py --self-test     # check routines against catalog.md's examples

Python 3.11 standard library only, deterministic (fixed seed). Nothing here comes from logscrub's code or
patterns: every value is made from the structure and check algorithm given in
`/work/shared/reference/catalog.md` (sections 1-7), with the check digits computed below.

Output: the first line is `{"meta": {...}}` (generator, seed, line counts, values per family); every other
line is `{"line": ..., "family": ..., "pii": [{"kind": ..., "value": ...}], "keep": [...]}`:
* `pii` lists every sensitive value of the line, each an exact substring that occurs once in it;
* `keep` lists the tokens that must come out unchanged (ids, timestamps, digests, IPs, ARNs, versions...),
  none of them overlapping a pii value;
* PII-free lines (hard negatives taken from realistic HDFS, Hadoop, Spark, logcat, macOS, sshd, Windows,
  access-log, ALB, CloudTrail, Lambda, Kubernetes, Postgres, Java and Python output) have `family`
  "negative" and an empty `pii`.
"""

import base64
import datetime as dt
import hashlib
import json
import random
import string
import sys
import urllib.parse
import zlib

SEED = 20260517
NEGATIVE_LINES = 2400

R = random.Random(SEED)

DIG = string.digits
UP = string.ascii_uppercase
LOW = string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase  # GitHub checksum order 0-9A-Za-z
B64URL = ALNUM + "-_"
HEXL = "0123456789abcdef"
B32 = UP + "234567"


def rs(alpha, n):
    return "".join(R.choice(alpha) for _ in range(n))


def alt(*choices):
    """Pick one of several lazily built alternatives, so that only the chosen one registers its tokens."""
    return R.choice(choices)()


def digits(n):
    return rs(DIG, n)


def nz_digits(n):
    return R.choice("123456789") + digits(n - 1)


def hexs(n):
    return rs(HEXL, n)


# ---------------------------------------------------------------------------------------------------------
# Check-digit routines (catalog.md sections 2-7)
# ---------------------------------------------------------------------------------------------------------


def luhn_ok(s):
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_digit(payload):
    for c in DIG:
        if luhn_ok(payload + c):
            return c
    raise AssertionError


def iban_int(s):
    """Letters to 10..35, digits stay (ISO 7064 MOD 97-10 input)."""
    return int("".join(str(int(c, 36)) for c in s))


def iban_ok(iban):
    return iban_int(iban[4:] + iban[:4]) % 97 == 1


def aba_ok(n):
    d = [int(c) for c in n]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


def nhs_check(first9):
    s = sum(int(c) * (10 - i) for i, c in enumerate(first9))
    c = 11 - s % 11
    if c == 11:
        return "0"
    if c == 10:
        return None
    return str(c)


VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]


def verhoeff_ok(s):
    c = 0
    for i, ch in enumerate(reversed(s)):
        c = VERHOEFF_D[c][VERHOEFF_P[i % 8][int(ch)]]
    return c == 0


def verhoeff_digit(payload):
    for c in DIG:
        if verhoeff_ok(payload + c):
            return c
    raise AssertionError


def cpf_digits(first9):
    d1 = (11 - sum(int(c) * (10 - i) for i, c in enumerate(first9)) % 11) % 11 % 10
    s10 = first9 + str(d1)
    d2 = (11 - sum(int(c) * (11 - i) for i, c in enumerate(s10)) % 11) % 11 % 10
    return f"{d1}{d2}"


def cnpj_digits(first12):
    val = [ord(c) - 48 for c in first12]
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    d1 = (11 - sum(v * w for v, w in zip(val, w1)) % 11) % 11 % 10
    w2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    d2 = (11 - sum(v * w for v, w in zip(val + [d1], w2)) % 11) % 11 % 10
    return f"{d1}{d2}"


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"

CF_ODD = {}
for _ch, _v in zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]):
    CF_ODD[_ch] = _v
for _ch, _v in zip(UP, [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
                          24, 23]):
    CF_ODD[_ch] = _v


def cf_even(ch):
    return int(ch) if ch.isdigit() else ord(ch) - 65


def cf_check(first15):
    s = sum(CF_ODD[c] if i % 2 == 0 else cf_even(c) for i, c in enumerate(first15))
    return chr(65 + s % 26)


def pesel_check(first10):
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    return str((10 - sum(int(c) * x for c, x in zip(first10, w)) % 10) % 10)


def nir_key(first13):
    n = int(first13.replace("2A", "19").replace("2B", "18"))
    return f"{97 - n % 97:02d}"


def mod11_10_check(payload):
    p = 10
    for c in payload:
        s = (p + int(c)) % 10
        if s == 0:
            s = 10
        p = (2 * s) % 11
    return str((11 - p) % 10)


def bsn_ok(n):
    s = sum(int(c) * w for c, w in zip(n[:8], range(9, 1, -1))) - int(n[8])
    return s % 11 == 0


def tfn_ok(n):
    w = [1, 4, 3, 7, 5, 8, 6, 9, 10]
    return sum(int(c) * x for c, x in zip(n, w)) % 11 == 0


def abn_ok(n):
    w = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
    d = [int(c) for c in n]
    d[0] -= 1
    return sum(a * b for a, b in zip(d, w)) % 89 == 0


def medicare_au_check(first8):
    w = [1, 3, 7, 9, 1, 3, 7, 9]
    return str(sum(int(c) * x for c, x in zip(first8, w)) % 10)


def nric_letter(prefix, seven):
    s = sum(int(c) * w for c, w in zip(seven, [2, 7, 6, 5, 4, 3, 2]))
    s += {"S": 0, "F": 0, "T": 4, "G": 4, "M": 3}[prefix]
    if prefix in "ST":
        return "JZIHGFEDCBA"[s % 11]
    if prefix in "FG":
        return "XWUTRQPNMLK"[s % 11]
    return "KLJNPQRTUWX"[10 - s % 11]


def rrn_check(first12):
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return str((11 - sum(int(c) * x for c, x in zip(first12, w)) % 11) % 10)


def ric_check(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    c = (12 - sum(int(c) * x for c, x in zip(first17, w)) % 11) % 11
    return "X" if c == 10 else str(c)


CURP_ALPHA = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"


def curp_check(first17):
    s = sum(CURP_ALPHA.index(c) * (18 - i) for i, c in enumerate(first17))
    return str((10 - s % 10) % 10)


RFC_ALPHA = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"


def rfc_check(body):
    body = body.rjust(12)
    s = sum(RFC_ALPHA.index(c) * (13 - i) for i, c in enumerate(body))
    return RFC_ALPHA[(11 - s % 11) % 11]


def crc32_b62(body):
    n = zlib.crc32(body.encode())
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(6, "0")


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(b):
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(b) - len(b.lstrip(b"\0"))
    return "1" * pad + out


def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    pad = len(s) - len(s.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * pad + body


def b58check(version, payload):
    raw = bytes([version]) + payload
    chk = hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    return b58encode(raw + chk)


def b58check_ok(s):
    raw = b58decode(s)
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST, BECH32M_CONST = 1, 0x2BC830A3


def bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (b >> i) & 1 else 0
    return chk


def bech32_hrp_expand(hrp):
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def convertbits(data, frombits, tobits):
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits:
        out.append((acc << (tobits - bits)) & maxv)
    return out


def segwit_address(hrp, witver, program):
    data = [witver] + convertbits(program, 8, 5)
    const = BECH32_CONST if witver == 0 else BECH32M_CONST
    pm = bech32_polymod(bech32_hrp_expand(hrp) + data + [0] * 6) ^ const
    chk = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + chk)


def segwit_ok(addr):
    addr = addr.lower()
    hrp, _, rest = addr.rpartition("1")
    data = [BECH32_CHARSET.index(c) for c in rest]
    const = BECH32_CONST if data[0] == 0 else BECH32M_CONST
    return bech32_polymod(bech32_hrp_expand(hrp) + data) == const


# Keccak-256 (the pre-SHA-3 padding that Ethereum uses; hashlib only has SHA-3). Checked in --self-test
# against hashlib.sha3_256 with the SHA-3 padding and against EIP-55's vector from catalog.md.
KECCAK_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
    0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
    0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
    0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
KECCAK_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56],
              [27, 20, 39, 8, 14]]
M64 = (1 << 64) - 1


def _rol(v, n):
    return ((v << n) | (v >> (64 - n))) & M64 if n else v


def _keccak_f(a):
    for rnd in range(24):
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(a[x][y], KECCAK_ROT[x][y])
        a = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
        a[0][0] ^= KECCAK_RC[rnd]
    return a


def keccak256(data, pad=0x01):
    rate = 136
    msg = bytearray(data)
    msg.append(pad)
    while len(msg) % rate:
        msg.append(0)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            a[x][y] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        a = _keccak_f(a)
    out = b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


def eip55(addr_hex40):
    lower = addr_hex40.lower()
    h = keccak256(lower.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(h[i], 16) >= 8 else c for i, c in enumerate(lower))


# ---------------------------------------------------------------------------------------------------------
# Line builder
# ---------------------------------------------------------------------------------------------------------


class Line:
    def __init__(self, family):
        self.family = family
        self.pii = []
        self.keep = []

    def p(self, kind, value):
        self.pii.append((kind, value))
        return value

    def k(self, value):
        value = str(value)
        if value not in self.keep:
            self.keep.append(value)
        return value


def spans(line, value):
    out, at = [], line.find(value)
    while at >= 0:
        out.append((at, at + len(value)))
        at = line.find(value, at + 1)
    return out


def well_formed(line, L):
    """Every pii value occurs exactly once and inside no other value; every keep token has an occurrence
    that overlaps no pii value; JSON-looking lines parse."""
    pii_spans = []
    for _, v in L.pii:
        s = spans(line, v)
        if len(s) != 1 or not v:
            return False
        pii_spans.append(s[0])
    for t in L.keep:
        if not t:
            return False
        free = [s for s in spans(line, t) if all(s[1] <= a or s[0] >= b for a, b in pii_spans)]
        if not free:
            return False
        if any(t in v or v in t for _, v in L.pii):
            return False
    if line.startswith("{"):
        try:
            json.loads(line)
        except ValueError:
            return False
    return "\n" not in line and "\r" not in line


def make(family, fn, tries=200):
    for _ in range(tries):
        L = Line(family)
        line = fn(L)
        # Templates are picked with R.choice over already-formatted strings, so the tokens of the alternatives
        # that were not picked got registered too: keep only what the line holds. A pii value registered in
        # several alternatives is the same value, registered once.
        L.keep = [t for t in L.keep if t in line]
        L.pii = list(dict.fromkeys(L.pii))
        if well_formed(line, L):
            return {"line": line, "family": family,
                    "pii": [{"kind": k, "value": v} for k, v in L.pii], "keep": L.keep}
    raise AssertionError(f"could not build a well-formed line with {fn.__name__}")


# ---------------------------------------------------------------------------------------------------------
# Must-survive tokens shared by all lines
# ---------------------------------------------------------------------------------------------------------

EPOCH0 = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def rand_dt():
    return EPOCH0 + dt.timedelta(seconds=R.randrange(0, 3 * 365 * 86400), microseconds=R.randrange(10 ** 6))


def ts_iso(d=None):
    d = d or rand_dt()
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def ts_space(d=None):
    d = d or rand_dt()
    return d.strftime("%Y-%m-%d %H:%M:%S,") + f"{d.microsecond // 1000:03d}"


def ts_syslog(d=None):
    d = d or rand_dt()
    return f"{MONTHS[d.month - 1]} {d.day:2d} {d.strftime('%H:%M:%S')}"


def ts_clf(d=None):
    d = d or rand_dt()
    return f"{d.day:02d}/{MONTHS[d.month - 1]}/{d.year}:{d.strftime('%H:%M:%S')} +0000"


def epoch_s(d=None):
    return str(int((d or rand_dt()).timestamp()))


def epoch_ms(d=None):
    d = d or rand_dt()
    return str(int(d.timestamp()) * 1000 + d.microsecond // 1000)


def uuid4():
    h = hexs(32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{R.choice('89ab')}{h[17:20]}-{h[20:32]}"


def ip_private():
    k = R.randrange(3)
    if k == 0:
        return f"10.{R.randrange(256)}.{R.randrange(256)}.{R.randrange(1, 255)}"
    if k == 1:
        return f"172.{R.randrange(16, 32)}.{R.randrange(256)}.{R.randrange(1, 255)}"
    return f"192.168.{R.randrange(256)}.{R.randrange(1, 255)}"


def ip_public():
    return R.choice([
        lambda: f"203.0.113.{R.randrange(1, 255)}",
        lambda: f"198.51.100.{R.randrange(1, 255)}",
        lambda: f"192.0.2.{R.randrange(1, 255)}",
        lambda: f"{R.choice([34, 35, 52, 54, 18, 3, 13, 44, 99, 104, 151, 185])}.{R.randrange(256)}."
                f"{R.randrange(256)}.{R.randrange(1, 255)}"])()


def ip_any():
    return ip_private() if R.random() < 0.6 else ip_public()


def aws_account():
    return nz_digits(12)


REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-south-1",
           "sa-east-1", "ca-central-1", "eu-north-1"]
SERVICES = ["billing", "checkout", "payments-api", "identity", "kyc-worker", "notify", "ledger", "onboarding",
            "crm-sync", "support-desk", "payroll", "gateway", "auth", "orders", "accounts"]


def semver():
    return f"{R.randrange(0, 15)}.{R.randrange(0, 40)}.{R.randrange(0, 30)}"


def text_prefix(L, svc=None):
    """A log-line head full of must-survive tokens."""
    svc = svc or R.choice(SERVICES)
    s = R.randrange(7)
    if s == 0:
        return f"{L.k(ts_iso())} INFO  {svc} [{L.k(uuid4())}] "
    if s == 1:
        host = L.k("ip-" + ip_private().replace(".", "-"))
        return f"{L.k(ts_syslog())} {host} {svc}[{L.k(R.randrange(1000, 65000))}]: "
    if s == 2:
        return (f"{L.k(ts_space())} {R.choice(['INFO', 'WARN', 'DEBUG', 'ERROR'])} "
                f"[http-nio-8080-exec-{R.randrange(1, 40)}] c.a.{svc.replace('-', '')}.Handler - ")
    if s == 3:
        return f"[{L.k(ts_space()[:19])}] production.{R.choice(['INFO', 'WARNING', 'ERROR'])}: "
    if s == 4:
        return f"level=info ts={L.k(ts_iso())} svc={svc} req_id={L.k(hexs(16))} "
    if s == 5:
        return f"{L.k(ts_iso())} {L.k(uuid4())} INFO "
    return f"{L.k(ts_iso())} pid={L.k(R.randrange(100, 99999))} trace={L.k(hexs(32))} "


def jstr(v):
    return json.dumps(v, ensure_ascii=False)


def json_line(L, fields, svc=None):
    """fields: list of (key, raw JSON text of the value)."""
    svc = svc or R.choice(SERVICES)
    head = [("ts", jstr(L.k(ts_iso()))), ("level", jstr(R.choice(["info", "warn", "error", "debug"]))),
            ("svc", jstr(svc))]
    if R.random() < 0.7:
        head.append(("request_id", jstr(L.k(uuid4()))))
    tail = []
    if R.random() < 0.5:
        tail.append(("duration_ms", L.k(f"{R.randrange(1, 3000)}.{R.randrange(10, 99)}")))
    if R.random() < 0.3:
        tail.append(("client_ip", jstr(L.k(ip_any()))))
    allf = head + fields + tail
    return "{" + ",".join(f"{jstr(k)}:{v}" for k, v in allf) + "}"


def amount():
    return f"{R.randrange(1, 20000)}.{R.randrange(0, 100):02d}"


# ---------------------------------------------------------------------------------------------------------
# payment
# ---------------------------------------------------------------------------------------------------------

ELO_RANGES = [(401178, 401179), (431274, 431274), (438935, 438935), (451416, 451416), (457393, 457393),
              (457631, 457632), (504175, 504175), (506699, 506778), (509000, 509999), (627780, 627780),
              (636297, 636297), (636368, 636368), (650031, 650033), (650035, 650051), (650405, 650439),
              (650485, 650538), (650541, 650598), (650700, 650718), (650720, 650727), (650901, 650978),
              (651652, 651679), (655000, 655019), (655021, 655058)]
VERVE_RANGES = [(506099, 506127), (506129, 506129), (506133, 506150), (506158, 506163), (506197, 506197)]
UNIONPAY_RANGES = [(620, 620), (62100, 62182), (62184, 62197), (622010, 622999), (62200, 62209), (623, 626),
                   (6270, 6270), (6272, 6272), (6276, 6276), (627700, 627779), (627781, 627799), (6282, 6289),
                   (6291, 6292), (810, 810), (8110, 8171)]
MAESTRO_RANGES = [(493698, 493698), (500000, 504174), (506779, 507864), (56, 59), (6304, 6304), (6759, 6759),
                  (6761, 6763), (6799, 6799)]
RUPAY_PREFIXES = ["6069", "6070", "6071", "6073", "6074", "6080", "6521", "6522", "5085", "5086", "82"]


def from_ranges(ranges):
    lo, hi = R.choice(ranges)
    return str(R.randint(lo, hi))


CARD_SPEC = {
    "card_visa": lambda: ("4", R.choice([16, 16, 16, 16, 13, 19, 19])),
    "card_mastercard": lambda: (str(R.randint(51, 55)), 16),
    "card_mastercard_2series": lambda: (str(R.randint(222100, 272099)), 16),
    "card_amex": lambda: (R.choice(["34", "37"]), 15),
    "card_discover": lambda: (R.choice(["6011", str(R.randint(644, 649)), "65" + R.choice("34679")]),
                              R.choice([16, 16, 16, 19])),
    "card_jcb": lambda: (str(R.randint(3528, 3589)), R.choice([16, 16, 16, 16, 17, 18, 19])),
    "card_diners": lambda: (R.choice(["300", "301", "302", "303", "304", "305", "36", "38", "39"]), 14),
    "card_unionpay": lambda: (from_ranges(UNIONPAY_RANGES), R.choice([16, 16, 16, 17, 18, 19])),
    "card_maestro": lambda: (from_ranges(MAESTRO_RANGES), R.choice([12, 13, 14, 15, 16, 16, 16, 17, 18, 19])),
    "card_rupay": lambda: (R.choice(RUPAY_PREFIXES), 16),
    "card_mir": lambda: (str(R.randint(2200, 2204)), R.choice([16, 16, 16, 17, 18, 19])),
    "card_troy": lambda: (R.choice(["9792", "9792", "650052", "650082", "650083"]), 16),
    "card_verve": lambda: (from_ranges(VERVE_RANGES), R.choice([16, 16, 18, 19])),
    "card_dankort": lambda: ("5019", 16),
    "card_uatp": lambda: ("1", 15),
    "card_elo": lambda: (from_ranges(ELO_RANGES), 16),
    "card_hipercard": lambda: (R.choice(["606282", "606282", "606282", "637095", "637568", "637599", "637609",
                                         "637612"]), 16),
}


def card_number(kind):
    prefix, length = CARD_SPEC[kind]()
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn_digit(body)


def group(num, sizes, sep):
    out, at = [], 0
    for s in sizes:
        out.append(num[at:at + s])
        at += s
    assert at == len(num)
    return sep.join(out)


def card_display(num, kind):
    n, sep = len(num), R.choice([" ", " ", "-"])
    layouts = [None]
    if n == 16:
        layouts += [(4, 4, 4, 4)] * 3 + [(8, 8)]
    elif n == 15 and kind == "card_amex":
        layouts += [(4, 6, 5)] * 2
    elif n == 15 and kind == "card_uatp":
        layouts += [(4, 5, 6)] * 2
    elif n == 14:
        layouts += [(4, 6, 4)] * 2
    elif n == 19:
        layouts += [(4, 4, 4, 4, 3)] * 2
    lay = R.choice(layouts)
    return num if lay is None else group(num, lay, sep)


def gen_card(kind):
    def fn(L):
        card = L.p(kind, card_display(card_number(kind), kind))
        keyword = R.random() < 0.5
        as_json = R.random() < 0.4
        cvv = None
        if as_json and R.random() < 0.45:
            cvv_len = 4 if kind == "card_amex" else 3
            cvv = digits(cvv_len)
        if as_json:
            if keyword:
                key = R.choice(["card_number", "cardNumber", "pan", "cc_number", "card"])
                if key == "card":
                    # The expiry month and year are cardholder data (PCI DSS), not tokens to keep;
                    # a bare year is not scored as PII either (it may occur elsewhere in the line).
                    inner = [f'"number":{jstr(card)}', f'"exp_month":{R.randint(1, 12)}',
                             f'"exp_year":{R.randint(2025, 2032)}']
                    if cvv:
                        inner.append(f'"cvv":{jstr(L.p("cvv", cvv))}')
                    fields = [("card", "{" + ",".join(inner) + "}")]
                else:
                    fields = [(key, jstr(card))]
                    if cvv:
                        fields.append((R.choice(["cvv", "card_cvc"]), jstr(L.p("cvv", cvv))))
            else:
                key = R.choice(["value", "pm", "source", "instrument", "raw"])
                fields = [("event", jstr(R.choice(["payment.failed", "charge.retry", "checkout.submit"]))),
                          (key, jstr(card))]
                if cvv:
                    fields.append((R.choice(["cvv", "card_cvc"]), jstr(L.p("cvv", cvv))))
            fields.append(("amount", L.k(amount())))
            fields.append(("order_id", jstr(L.k("ord_" + rs(ALNUM, 14)))))
            return json_line(L, fields, svc=R.choice(["payments-api", "checkout", "billing"]))
        pfx = text_prefix(L, R.choice(["payments-api", "checkout", "billing", "pos-gateway"]))
        amt, order = L.k(amount()), L.k(nz_digits(R.choice([6, 7, 8])))
        if keyword:
            t = alt(
                lambda: f"charge authorized card={card} amount={amt} currency=USD auth_code={L.k(rs(UP + DIG, 6))}",
                lambda: f"Payment declined for card number {card}: insufficient funds (order #{order})",
                lambda: f"tokenizing credit card {card} for merchant {L.k('mid_' + digits(9))}",
                lambda: f"cc_number: {card} exp={L.p('card_expiry', f'{R.randint(1, 12):02d}/{R.randint(25, 32)}')} order={order}",
                lambda: f"card {card} failed AVS check, retry {R.randint(1, 3)}/3 order={order}",
                lambda: f"PAN={card} brand lookup took {L.k(R.randrange(2, 900))}ms",
            )
        else:
            t = alt(
                lambda: f"retrying authorization for {card} after timeout ({L.k(R.randrange(1000, 30000))} ms)",
                lambda: f"POST /v1/charges 402 source={card} amount={amt}",
                lambda: f"customer entered {card} on checkout page for order {order}",
                lambda: f"fraud score 0.{R.randrange(10, 99)} for {card} order={order}",
                lambda: f"paid {amt} EUR with {card} (order {order})",
            )
        return pfx + t
    fn.__name__ = f"gen_{kind}"
    return fn


# ---------------------------------------------------------------------------------------------------------
# bank
# ---------------------------------------------------------------------------------------------------------

IBAN_TABLE = """
AD 24 4n4n12c AE 23 3n16n AL 28 8n16c AT 20 5n11n AZ 28 4a20c BA 20 3n3n8n2n BE 16 3n7n2n BG 22 4a4n2n8c
BH 22 4a14c BI 27 5n5n11n2n BR 29 8n5n10n1a1c BY 28 4c4n16c CH 21 5n12c CR 22 4n14n CY 28 3n5n16c CZ 24 4n16n
DE 22 8n10n DJ 27 5n5n11n2n DK 18 4n9n1n DO 28 4c20n EE 20 2n14n EG 29 4n4n17n ES 24 4n4n1n1n10n FI 18 3n11n
FK 18 2a12n FO 18 4n9n1n FR 27 5n5n11c2n GB 22 4a6n8n GE 22 2a16n GI 23 4a15c GL 18 4n9n1n GR 27 3n4n16c
GT 28 4c20c HN 28 4a20n HR 21 7n10n HU 28 3n4n1n15n1n IE 22 4a6n8n IL 23 3n3n13n IQ 23 4a3n12n IS 26 4n2n6n10n
IT 27 1a5n5n12c JO 30 4a4n18c KW 30 4a22c KZ 20 3n13c LB 28 4n20c LC 32 4a24c LI 21 5n12c LT 20 5n11n
LU 20 3n13c LV 21 4a13c LY 25 3n3n15n MC 27 5n5n11c2n MD 24 2c18c ME 22 3n13n2n MK 19 3n10c2n MN 20 4n12n
MR 27 5n5n11n2n MT 31 4a5n18c MU 30 4a2n2n12n3n3a NI 28 4a20n NL 18 4a10n NO 15 4n6n1n OM 23 3n16c PK 24 4a16c
PL 28 8n16n PS 29 4a21c PT 25 4n4n11n2n QA 29 4a21c RO 24 4a16c RS 22 3n13n2n RU 33 9n5n15c SA 24 2n18c
SC 31 4a2n2n16n3a SD 18 2n12n SE 24 3n16n1n SI 19 5n8n2n SK 24 4n6n10n SM 27 1a5n5n12c SO 23 4n3n12n
ST 25 4n4n11n2n SV 28 4a20n TL 23 3n14n2n TN 24 2n3n13n2n TR 26 5n1n16c UA 29 6n19c VA 22 3n15n VG 24 4a16n
XK 20 4n10n2n YE 30 4a4n18c
"""
IBAN_COUNTRIES = {}
_t = IBAN_TABLE.split()
for _i in range(0, len(_t), 3):
    IBAN_COUNTRIES[_t[_i]] = (int(_t[_i + 1]), _t[_i + 2])
assert len(IBAN_COUNTRIES) == 89


def parse_bban(spec):
    out, num = [], ""
    for ch in spec:
        if ch.isdigit():
            num += ch
        else:
            out.append((int(num), ch))
            num = ""
    return out


def rand_bban(spec):
    out = ""
    for n, t in parse_bban(spec):
        if t == "n":
            out += digits(n)
        elif t == "a":
            out += rs(UP, n)
        else:
            out += "".join(R.choice(DIG) if R.random() < 0.7 else R.choice(UP) for _ in range(n))
    return out


RIB_LETTERS = {c: str(v) for v, cs in enumerate(["", "AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX", "HQY", "IRZ"])
               for c in cs}
ES_WEIGHTS = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]


def es_dc(ten):
    d = 11 - sum(int(c) * w for c, w in zip(ten, ES_WEIGHTS)) % 11
    return {11: "0", 10: "1"}.get(d, str(d))


def national_bban(cc, bban):
    """Apply the BBAN's own check digits where catalog.md names them (BE, ES, NO; BBAN = 1 mod 97 for
    PT, ME, RS, MK, BA, SI, TL) and the well-known FR/MC RIB key and IT/SM CIN. None: draw again."""
    if cc == "BE":
        # an allocated bank code (000-049 BNP Paribas Fortis, 050-099 Belfius; NBB protocol list)
        bban = f"{R.randint(1, 99):03d}" + bban[3:]
        r = int(bban[:10]) % 97
        return bban[:10] + f"{r or 97:02d}"
    if cc == "ES":
        bank, branch, acct = bban[:4], bban[4:8], bban[10:]
        return bank + branch + es_dc("00" + bank + branch) + es_dc(acct) + acct
    if cc == "NO":
        w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        c = 11 - sum(int(a) * b for a, b in zip(bban[:10], w)) % 11
        if c == 10:
            return None
        return bban[:10] + ("0" if c == 11 else str(c))
    if cc in ("PT", "ME", "RS", "MK", "BA", "SI", "TL"):
        head = bban[:-2]
        return head + f"{98 - iban_int(head) * 100 % 97:02d}"
    if cc in ("FR", "MC"):
        bank, guichet, compte = bban[:5], bban[5:10], bban[10:21]
        compte_n = "".join(RIB_LETTERS.get(c, c) for c in compte)
        key = 97 - (89 * int(bank) + 15 * int(guichet) + 3 * int(compte_n)) % 97
        return bank + guichet + compte + f"{key:02d}"
    if cc in ("IT", "SM"):
        rest = bban[1:]
        return cf_check(rest) + rest
    return bban


def make_iban(cc):
    length, spec = IBAN_COUNTRIES[cc]
    while True:
        bban = national_bban(cc, rand_bban(spec))
        if bban is not None:
            break
    check = 98 - iban_int(bban + cc + "00") % 97
    iban = f"{cc}{check:02d}{bban}"
    assert len(iban) == length and iban_ok(iban), iban
    return iban


def iban_display(iban):
    f = R.random()
    if f < 0.40:
        return iban
    g = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    if f < 0.72:
        return g
    if f < 0.86:
        return (iban if R.random() < 0.5 else g).lower()
    return g.replace(" ", "-")


BICS = ["DEUTDEFF", "COBADEFFXXX", "BNPAFRPP", "NWBKGB2L", "CHASUS33", "CITIUS33", "INGBNL2A", "BBVAESMM",
        "UNCRITMM", "RABONL2U", "HSBCGB2L", "BCOMPTPL", "SOGEFRPP", "BARCGB22", "KREDBEBB", "NDEAFIHH",
        "POALILIT", "DABADKKK", "SWEDSESS", "UBSWCHZH80A"]


def gen_iban(cc):
    def fn(L):
        iban = L.p(f"iban_{cc}", iban_display(make_iban(cc)))
        bic = L.k(R.choice(BICS))
        ref = L.k(R.choice(["TRX", "SCT", "PO", "REF"]) + digits(R.choice([8, 10, 12])))
        amt = L.k(amount())
        r = R.randrange(8)
        if r == 0:
            return json_line(L, [("beneficiary", "{" + f'"iban":{jstr(iban)},"bic":{jstr(bic)}' + "}"),
                                 ("amount", amt), ("currency", '"EUR"'), ("end_to_end_id", jstr(ref))])
        if r == 1:
            return json_line(L, [("event", '"payout.created"'), ("destination", jstr(iban)), ("amount", amt),
                                 ("reference", jstr(ref))])
        pfx = text_prefix(L, R.choice(["payments-api", "ledger", "payroll", "sepa-gateway"]))
        return pfx + R.choice([
            f"SEPA credit transfer {ref} to IBAN {iban} amount=EUR {amt} bic={bic}",
            f"beneficiary account {iban} ({bic}) verified for mandate {ref}",
            f"Kontonummer/IBAN {iban} geprüft, Auftrag {ref}",
            f"RIB mis à jour: {iban} BIC {bic}",
            f"payout {ref} -> {iban} status=queued amount={amt}",
            f"direct debit {ref} collected from {iban} amount {amt}",
        ])
    fn.__name__ = f"gen_iban_{cc}"
    return fn


def make_aba():
    while True:
        pre = R.choice([f"{i:02d}" for i in list(range(1, 13)) + list(range(21, 33)) + list(range(61, 73))]
                       + ["80"])
        body = pre + digits(6)
        for c in DIG:
            if aba_ok(body + c):
                return body + c


def bank_acct():
    return nz_digits(R.randint(8, 17))


def gen_aba(L):
    aba = L.p("aba_routing", make_aba())
    amt = L.k(amount())
    with_acct = R.random() < 0.6
    acct = L.p("bank_account", bank_acct()) if with_acct else None
    r = R.randrange(6)
    if r == 0:
        fields = [("routing_number", jstr(aba))]
        if acct:
            fields.append(("account_number", jstr(acct)))
        return json_line(L, fields + [("amount", amt), ("sec_code", '"PPD"')], svc="ach-gateway")
    pfx = text_prefix(L, R.choice(["ach-gateway", "payroll", "ledger"]))
    tail = f" account={acct}" if acct else ""
    return pfx + alt(
        lambda: f"ACH debit routing={aba}{tail} amount={amt}",
        lambda: f"ABA {aba} resolved to {R.choice(['JPMORGAN CHASE', 'WELLS FARGO', 'BANK OF AMERICA', 'US BANK'])}"
        + (f", acct {acct}" if acct else ""),
        lambda: f"RTN: {aba}{tail} batch={L.k(digits(7))}",
        lambda: f"direct deposit set up, routing number {aba}" + (f" account number {acct}" if acct else ""),
        lambda: f"NACHA entry trace={L.k(digits(15))} routing {aba}{tail}",
    )


def gen_bank_account(L):
    acct = L.p("bank_account", bank_acct())
    bic = L.k(R.choice(BICS))
    r = R.randrange(6)
    if r == 0:
        return json_line(L, [("bank_account", "{" + f'"account":{jstr(acct)},"swift":{jstr(bic)}' + "}"),
                             ("payee_id", jstr(L.k("pay_" + rs(ALNUM, 12))))], svc="payroll")
    pfx = text_prefix(L, R.choice(["payroll", "ach-gateway", "treasury"]))
    return pfx + alt(
        lambda: f"payroll deposit bank=First National acct {acct} period={L.k(f'2024-{R.randint(1, 12):02d}')}",
        lambda: f"wire instructions updated: SWIFT/BIC {bic} account={acct}",
        lambda: f"ACH credit to account={acct} via bank {bic} amount={L.k(amount())}",
        lambda: f"IBAN not available, using local bank account number {acct} BIC {bic}",
        lambda: f"bank account on file changed: acct={acct} (ach enabled)",
    )


# ---------------------------------------------------------------------------------------------------------
# us_id
# ---------------------------------------------------------------------------------------------------------


def make_ssn():
    while True:
        area = R.randint(1, 899)
        if area == 666:
            continue
        s = f"{area:03d}{R.randint(1, 99):02d}{R.randint(1, 9999):04d}"
        if s not in ("078051120", "219099999", "457555462"):
            return s


def gen_ssn(L):
    s = make_ssn()
    fmt = R.choice(["-", "-", " ", ".", ""])
    v = L.p("ssn", f"{s[:3]}{fmt}{s[3:5]}{fmt}{s[5:]}")
    r = R.randrange(7)
    if r == 0:
        return json_line(L, [(R.choice(["ssn", "social_security_number", "socialSecurity"]), jstr(v)),
                             ("applicant_id", jstr(L.k("app_" + rs(ALNUM, 10))))], svc="kyc-worker")
    pfx = text_prefix(L, R.choice(["kyc-worker", "onboarding", "hr-sync", "payroll"]))
    return pfx + alt(
        lambda: f"verified ssn={v} against bureau in {L.k(R.randrange(40, 2000))}ms",
        lambda: f"SSN: {v} matched existing record {L.k(nz_digits(7))}",
        lambda: f"social security number {v} on file, employee {L.k('E' + digits(6))}",
        lambda: f"social={v} status=pending",
        lambda: f"W-2 import: SS# {v} tax year {L.k(R.randint(2019, 2025))}",
        lambda: f"credit pull requested for ssn {v}",
    )


ITIN_GROUPS = list(range(50, 66)) + list(range(70, 89)) + list(range(90, 93)) + list(range(94, 100))


def gen_itin(L):
    v = L.p("itin", f"9{digits(2)}-{R.choice(ITIN_GROUPS)}-{digits(4)}")
    if R.random() < 0.25:
        return json_line(L, [("itin", jstr(v)), ("form", '"W-7"')], svc="tax-forms")
    pfx = text_prefix(L, R.choice(["tax-forms", "payroll", "kyc-worker"]))
    return pfx + R.choice([f"ITIN {v} accepted for 1099 filing", f"taxpayer ITIN: {v} (W-7 approved)",
                           f"payee tin_type=ITIN itin={v}"])


EIN_PREFIXES = ([f"{i:02d}" for i in list(range(1, 7)) + list(range(10, 17)) + list(range(20, 28))
                 + list(range(30, 49)) + list(range(50, 69)) + list(range(71, 78)) + list(range(80, 89))
                 + list(range(90, 96))] + ["98", "99"])


def gen_ein(L):
    e = R.choice(EIN_PREFIXES) + digits(7)
    v = L.p("ein", f"{e[:2]}-{e[2:]}" if R.random() < 0.8 else e)
    if R.random() < 0.25:
        return json_line(L, [("ein", jstr(v)), ("entity_type", '"LLC"')], svc="vendor-onboarding")
    pfx = text_prefix(L, R.choice(["vendor-onboarding", "tax-forms", "kyc-worker"]))
    return pfx + R.choice([f"vendor EIN {v} validated with IRS TIN match", f"FEIN: {v} for 1099-NEC",
                           f"employer identification number {v} saved", f"business tax id EIN={v}"])


def gen_passport(L):
    v = L.p("us_passport", nz_digits(9) if R.random() < 0.5 else R.choice("ABEFGHJKLMNPRSTVXZ") + digits(8))
    if R.random() < 0.3:
        return json_line(L, [("passport_number", jstr(v)), ("issuing_country", '"USA"'),
                             ("expiry", jstr(L.k(f"{R.randint(2026, 2034)}-{R.randint(1, 12):02d}-"
                                                 f"{R.randint(1, 28):02d}")))], svc="travel-docs")
    pfx = text_prefix(L, R.choice(["travel-docs", "kyc-worker", "booking"]))
    return pfx + alt(lambda: f"passport {v} scanned, MRZ ok", lambda: f"passport_no={v} country=USA",
                           lambda: f"US passport number: {v} expires {L.k(R.randint(2026, 2034))}",
                           lambda: f"PPT# {v} attached to booking {L.k(rs(UP + DIG, 6))}")


MBI_A = "ACDEFGHJKMNPQRTUVWXY"


def make_mbi():
    an = MBI_A + DIG
    return (R.choice("123456789") + R.choice(MBI_A) + R.choice(an) + R.choice(DIG) + R.choice(MBI_A)
            + R.choice(an) + R.choice(DIG) + R.choice(MBI_A) + R.choice(MBI_A) + R.choice(DIG) + R.choice(DIG))


def gen_mbi(L):
    m = make_mbi()
    v = L.p("medicare_mbi", f"{m[:4]}-{m[4:7]}-{m[7:]}" if R.random() < 0.5 else m)
    if R.random() < 0.3:
        return json_line(L, [("mbi", jstr(v)), ("plan", '"Part B"')], svc="claims")
    pfx = text_prefix(L, R.choice(["claims", "eligibility", "provider-portal"]))
    return pfx + alt(lambda: f"eligibility check MBI {v} -> active", lambda: f"Medicare beneficiary id: {v}",
                           lambda: f"claim {L.k(digits(13))} MBI={v}", lambda: f"Medicare MBI {v} not found")


# ---------------------------------------------------------------------------------------------------------
# national_id
# ---------------------------------------------------------------------------------------------------------

NINO_FIRST = [c for c in UP if c not in "DFIQUV"]
NINO_SECOND = [c for c in UP if c not in "DFIOQUV"]


def make_nino():
    while True:
        p = R.choice(NINO_FIRST) + R.choice(NINO_SECOND)
        if p not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            return p, digits(6), R.choice("ABCD")


def nat_line(L, kind, v, keywords, json_keys, svc, bare_phrases=None):
    """A line with one national id. keywords: phrases that end right before the value; bare_phrases
    (shape-distinctive kinds only): sentences with no keyword."""
    if bare_phrases and R.random() < 0.3:
        pfx = text_prefix(L, svc)
        return pfx + R.choice(bare_phrases).format(v=v, n=L.k(nz_digits(6)))
    if R.random() < 0.3:
        return json_line(L, [(R.choice(json_keys), jstr(v)), ("customer_ref", jstr(L.k("cus_" + rs(ALNUM, 12))))],
                         svc=svc)
    pfx = text_prefix(L, svc)
    kw = R.choice(keywords)
    kw = kw if kw.endswith("=") else kw + " "
    return pfx + alt(
        lambda: f"{kw}{v} verified",
        lambda: f"updated profile {L.k(nz_digits(6))}: {kw}{v}",
        lambda: f"lookup {kw}{v} -> match",
        lambda: f"document check ok, {kw}{v}, score={L.k('0.' + digits(3))}",
    )


BARE = ["record {n} updated with {v}", "applicant {n} id {v} accepted", "duplicate id {v} for account {n}",
        "scanned document value {v} (record {n})"]


def gen_nino(L):
    p, d, s = make_nino()
    v = L.p("uk_nino", f"{p} {d[:2]} {d[2:4]} {d[4:]} {s}" if R.random() < 0.5 else f"{p}{d}{s}")
    return nat_line(L, "uk_nino", v, ["NINO", "NI number:", "National Insurance number", "NINO:", "nino="],
                    ["nino", "ni_number"], "hr-sync", BARE)


def make_nhs():
    while True:
        f = digits(9)
        c = nhs_check(f)
        if c is not None:
            return f + c


def gen_nhs(L):
    n = make_nhs()
    v = L.p("uk_nhs", f"{n[:3]} {n[3:6]} {n[6:]}" if R.random() < 0.6 else n)
    return nat_line(L, "uk_nhs", v, ["NHS no:", "NHS number", "nhs_number=", "NHS No."], ["nhs_number", "nhsNo"],
                    "patient-portal")


def gen_sin(L):
    f = R.choice("1234567") + digits(7)
    n = f + luhn_digit(f)
    sep = R.choice([" ", "-", ""])
    v = L.p("ca_sin", f"{n[:3]}{sep}{n[3:6]}{sep}{n[6:]}")
    return nat_line(L, "ca_sin", v, ["SIN", "SIN:", "social insurance number", "NAS"], ["sin", "social_insurance_number"],
                    "payroll")


def make_aadhaar():
    while True:
        f = R.choice("23456789") + digits(10)
        n = f + verhoeff_digit(f)
        if n != n[::-1]:
            return n


def gen_aadhaar(L):
    n = make_aadhaar()
    v = L.p("in_aadhaar", f"{n[:4]} {n[4:8]} {n[8:]}" if R.random() < 0.5 else n)
    return nat_line(L, "in_aadhaar", v, ["aadhaar=", "Aadhaar:", "Aadhaar no", "UID", "आधार"],
                    ["aadhaar", "aadhaar_number"], "kyc-worker")


def gen_pan(L):
    v = L.p("in_pan", rs(UP, 3) + R.choice("PCHFATBLJGK") + R.choice(UP) + f"{R.randint(1, 9999):04d}" + R.choice(UP))
    return nat_line(L, "in_pan", v, ["PAN", "PAN:", "permanent account number", "pan_number="],
                    ["pan_number", "panNumber"], "kyc-worker")


def make_cpf():
    while True:
        f = digits(9)
        if len(set(f)) > 1:
            return f + cpf_digits(f)


def gen_cpf(L):
    n = make_cpf()
    if R.random() < 0.55:
        v = L.p("br_cpf", f"{n[:3]}.{n[3:6]}.{n[6:9]}-{n[9:]}")
        return nat_line(L, "br_cpf", v, ["CPF", "CPF:", "contribuinte"], ["cpf"], "cadastro", BARE)
    v = L.p("br_cpf", n)
    return nat_line(L, "br_cpf", v, ["CPF", "CPF:", "cpf=", "CPF do contribuinte"], ["cpf"], "cadastro")


def gen_cnpj(L):
    f = digits(8) + R.choice(["0001", "0001", "0002", f"{R.randint(1, 30):04d}"])
    n = f + cnpj_digits(f)
    if R.random() < 0.55:
        v = L.p("br_cnpj", f"{n[:2]}.{n[2:5]}.{n[5:8]}/{n[8:12]}-{n[12:]}")
        return nat_line(L, "br_cnpj", v, ["CNPJ", "CNPJ:"], ["cnpj"], "fiscal", BARE)
    v = L.p("br_cnpj", n)
    return nat_line(L, "br_cnpj", v, ["CNPJ", "CNPJ:", "cnpj="], ["cnpj"], "fiscal")


def gen_cnpj_alnum(L):
    f = rs(DIG + UP, 8) + "0001"
    if f[:8].isdigit():
        f = R.choice(UP) + f[1:]
    n = f + cnpj_digits(f)
    v = L.p("br_cnpj_alnum", f"{n[:2]}.{n[2:5]}.{n[5:8]}/{n[8:12]}-{n[12:]}")
    return nat_line(L, "br_cnpj_alnum", v, ["CNPJ", "CNPJ:"], ["cnpj"], "fiscal")


def gen_dni(L):
    n = nz_digits(8)
    letter = DNI_LETTERS[int(n) % 23]
    v = L.p("es_dni", n + letter if R.random() < 0.8 else f"{n}-{letter}")
    return nat_line(L, "es_dni", v, ["DNI", "DNI:", "NIF", "NIF:"], ["dni", "nif"], "clientes")


def gen_nie(L):
    p = R.choice("XYZ")
    d = digits(7)
    v = L.p("es_nie", p + d + DNI_LETTERS[int("XYZ".index(p).__str__() + d) % 23])
    return nat_line(L, "es_nie", v, ["NIE", "NIE:", "nie="], ["nie"], "clientes", BARE)


CONS = "BCDFGHJKLMNPQRSTVWXZ"
VOWELS = "AEIOU"


def make_cf():
    y = R.randint(1940, 2006)
    m = R.randint(1, 12)
    day = R.randint(1, 28) + (40 if R.random() < 0.5 else 0)
    place = R.choice("ABCDEFGHILM") + digits(3)
    body = rs(CONS, 3) + rs(CONS, 3) + f"{y % 100:02d}" + "ABCDEHLMPRST"[m - 1] + f"{day:02d}" + place
    return body + cf_check(body)


def gen_cf(L):
    v = L.p("it_codice_fiscale", make_cf())
    return nat_line(L, "it_codice_fiscale", v, ["codice fiscale", "codice fiscale:", "CF:", "C.F."],
                    ["codice_fiscale", "cf"], "anagrafe", BARE)


def rand_date(y0, y1):
    y = R.randint(y0, y1)
    m = R.randint(1, 12)
    d = R.randint(1, 28)
    return y, m, d


def make_pesel():
    y, m, d = rand_date(1940, 2012)
    mm = m + (20 if y >= 2000 else 0)
    f = f"{y % 100:02d}{mm:02d}{d:02d}" + digits(4)
    return f + pesel_check(f)


def gen_pesel(L):
    v = L.p("pl_pesel", make_pesel())
    return nat_line(L, "pl_pesel", v, ["PESEL", "PESEL:", "pesel="], ["pesel"], "kadry")


def make_nir():
    dept = R.choice([f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B"])
    f = R.choice("12") + f"{R.randint(40, 99):02d}" + f"{R.randint(1, 12):02d}" + dept + digits(3) + digits(3)
    return f + nir_key(f)


def gen_nir(L):
    n = make_nir()
    sp = f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"
    v = L.p("fr_nir", sp if R.random() < 0.5 else n)
    return nat_line(L, "fr_nir", v, ["NIR", "NIR:", "n° sécurité sociale:", "numéro de sécurité sociale", "INSEE"],
                    ["nir", "numero_securite_sociale"], "mutuelle")


def make_idnr():
    while True:
        first = R.choice("123456789")
        rest = [first]
        pool = list(DIG)
        R.shuffle(pool)
        if R.random() < 0.8:
            # one digit twice, 8 others once
            chosen = [d for d in pool if d != first][:8] + [first]
            rep = R.choice(chosen)
            body = chosen + [rep]
        else:
            chosen = [d for d in pool if d != first][:7] + [first]
            rep = R.choice(chosen)
            body = chosen + [rep, rep]
        body.remove(first)
        R.shuffle(body)
        ten = "".join(rest + body)
        counts = sorted((ten.count(c) for c in set(ten)), reverse=True)
        if counts[0] in (2, 3) and (len(counts) < 2 or counts[1] == 1):
            return ten + mod11_10_check(ten)


def gen_idnr(L):
    n = make_idnr()
    v = L.p("de_steuer_id", f"{n[:2]} {n[2:5]} {n[5:8]} {n[8:]}" if R.random() < 0.4 else n)
    return nat_line(L, "de_steuer_id", v, ["Steuer-ID:", "Steuer-ID", "IdNr", "Steueridentifikationsnummer"],
                    ["steuer_id", "idnr", "steuerId"], "lohn")


def make_bsn():
    while True:
        f = nz_digits(8)
        c = sum(int(c) * w for c, w in zip(f, range(9, 1, -1))) % 11
        if c < 10:
            return f + str(c)


def gen_bsn(L):
    v = L.p("nl_bsn", make_bsn())
    return nat_line(L, "nl_bsn", v, ["BSN", "BSN:", "burgerservicenummer", "sofinummer"], ["bsn", "burgerservicenummer"],
                    "zorg")


def make_tfn():
    while True:
        f = nz_digits(8)
        s = sum(int(c) * x for c, x in zip(f, [1, 4, 3, 7, 5, 8, 6, 9]))
        c = s % 11  # 10·d ≡ −d (mod 11), so d ≡ s
        if c < 10:
            return f + str(c)


def gen_tfn(L):
    n = make_tfn()
    v = L.p("au_tfn", f"{n[:3]} {n[3:6]} {n[6:]}" if R.random() < 0.5 else n)
    return nat_line(L, "au_tfn", v, ["TFN", "TFN:", "tax file number"], ["tfn", "tax_file_number"], "payroll")


def make_abn():
    while True:
        tail = digits(9)
        for first in range(11, 100):  # 10 passes the sum too but is never issued (it equals 99 mod 89)
            n = f"{first}{tail}"
            if abn_ok(n):
                return n


def gen_abn(L):
    n = make_abn()
    v = L.p("au_abn", f"{n[:2]} {n[2:5]} {n[5:8]} {n[8:]}" if R.random() < 0.6 else n)
    return nat_line(L, "au_abn", v, ["ABN", "ABN:"], ["abn"], "vendor-onboarding")


def gen_medicare_au(L):
    f = R.choice("23456") + digits(7)
    n = f + medicare_au_check(f) + R.choice("123456789")
    if R.random() < 0.25:
        n += R.choice("123456789")  # the IRN written on as an 11th digit
        v = L.p("au_medicare", n)
    else:
        v = L.p("au_medicare", f"{n[:4]} {n[4:9]} {n[9]}" if R.random() < 0.6 else n)
    return nat_line(L, "au_medicare", v, ["Medicare", "Medicare card", "medicare_number="],
                    ["medicare_number", "medicareCard"], "clinic")


def gen_nric(L):
    p = R.choice("STFGM")
    d = digits(7)
    v = L.p("sg_nric", p + d + nric_letter(p, d))
    return nat_line(L, "sg_nric", v, ["NRIC", "NRIC:", "FIN", "IC no"], ["nric", "fin"], "hr-sync", BARE)


def make_rrn():
    y, m, d = rand_date(1940, 2015)
    g = R.choice("12" if y < 2000 else "34") if R.random() < 0.85 else R.choice("56" if y < 2000 else "78")
    region = f"{R.randint(0, 96):02d}"
    f = f"{y % 100:02d}{m:02d}{d:02d}" + g + region + digits(3)
    return f + rrn_check(f)


def gen_rrn(L):
    n = make_rrn()
    v = L.p("kr_rrn", f"{n[:6]}-{n[6:]}")
    return nat_line(L, "kr_rrn", v, ["RRN", "RRN:", "주민등록번호", "resident registration number"], ["rrn"], "member")


# Region codes with the first year they were in use (0: throughout), so that a number's region existed in its
# birth year (catalog.md: "V with a valid date and region"; python-stdnum's cn/loc.dat holds the years).
CN_REGIONS = {"110101": 0, "110102": 0, "110105": 0, "110106": 0, "110108": 0, "120101": 0, "120103": 0,
              "310101": 0, "310104": 0, "310105": 0, "310107": 0, "310110": 0, "320102": 1983, "330106": 1983,
              "370102": 1983, "420106": 1983, "440103": 1983, "440106": 1985, "510107": 1990, "610113": 1983,
              "500103": 1997}


def make_ric():
    region, since = R.choice(sorted(CN_REGIONS.items()))
    y, m, d = rand_date(max(1945, since), 2008)
    f = region + f"{y}{m:02d}{d:02d}" + digits(3)
    return f + ric_check(f)


def gen_ric(L):
    v = L.p("cn_ric", make_ric())
    return nat_line(L, "cn_ric", v, ["身份证:", "身份证号", "ID card", "证件号"], ["id_card", "shenfenzheng"], "member",
                    BARE)


MX_STATES = ["AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN", "MS",
             "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS", "NE"]


def name4():
    return R.choice(CONS) + R.choice(VOWELS) + R.choice(CONS) + R.choice(CONS)


def make_curp():
    y, m, d = rand_date(1945, 2010)
    body = (name4() + f"{y % 100:02d}{m:02d}{d:02d}" + R.choice("HM") + R.choice(MX_STATES) + rs(CONS, 3)
            + (R.choice(DIG) if y < 2000 else R.choice(UP)))
    return body + curp_check(body)


def gen_curp(L):
    v = L.p("mx_curp", make_curp())
    return nat_line(L, "mx_curp", v, ["CURP", "CURP:", "curp="], ["curp"], "registro", BARE)


def homoclave():
    """The two SAT-assigned characters before the check digit: [1-9A-V][1-9A-Z] (python-stdnum mx/rfc)."""
    return R.choice("123456789ABCDEFGHIJKLMNOPQRSTUV") + R.choice("123456789" + UP)


def make_rfc():
    y, m, d = rand_date(1945, 2010)
    if R.random() < 0.7:
        body = name4() + f"{y % 100:02d}{m:02d}{d:02d}" + homoclave()
    else:
        body = rs(UP, 3) + f"{y % 100:02d}{m:02d}{d:02d}" + homoclave()
    return body + rfc_check(body)


def gen_rfc(L):
    v = L.p("mx_rfc", make_rfc())
    return nat_line(L, "mx_rfc", v, ["RFC", "RFC:", "SAT RFC", "rfc="], ["rfc"], "facturacion")


# ---------------------------------------------------------------------------------------------------------
# phone
# ---------------------------------------------------------------------------------------------------------

NANP_AREAS = ["201", "202", "206", "212", "213", "305", "312", "404", "415", "503", "512", "617", "646", "702",
              "718", "773", "808", "917"]


def phone_us():
    a, x = R.choice(NANP_AREAS), f"01{R.randint(0, 99):02d}"
    return R.choice([f"+1 {a}-555-{x}", f"+1{a}555{x}", f"({a}) 555-{x}", f"{a}-555-{x}", f"{a}.555.{x}",
                     f"1-{a}-555-{x}", f"+1 ({a}) 555-{x}", f"+1 {a} 555 {x}"])


def phone_uk():
    k = R.randrange(3)
    if k == 0:
        x = f"900{R.randint(0, 999):03d}"
        return R.choice([f"07700 {x}", f"+44 7700 {x}", f"+447700{x}", f"07700{x}"])
    if k == 1:
        x = f"0{R.randint(0, 999):03d}"
        return R.choice([f"020 7946 {x}", f"+44 20 7946 {x}", f"(020) 7946 {x}", f"+442079460{x[1:]}"])
    area = R.choice(["113", "114", "115", "116", "117", "118", "121", "131", "141", "151", "161", "191"])
    x = f"0{R.randint(0, 999):03d}"
    return R.choice([f"0{area} 496 {x}", f"+44 {area} 496 {x}"])


def phone_de():
    if R.random() < 0.5:
        # subscriber lengths per mobile block (015x and 0176: 8 digits; 0160, 0170, 0171: 7 or 8)
        pre, n = R.choice([("151", 8), ("152", 8), ("157", 8), ("160", R.choice([7, 8])), ("170", R.choice([7, 8])),
                           ("171", R.choice([7, 8])), ("176", 8)])
        m = pre + nz_digits(n)
        return R.choice([f"+49 {m[:3]} {m[3:]}", f"0{m[:3]} {m[3:]}", f"+49{m}", f"0{m[:3]}/{m[3:]}"])
    city = R.choice(["30", "40", "69", "89", "221"])
    n = nz_digits(8 - len(city) + 2)
    return R.choice([f"+49 {city} {n}", f"0{city} {n}", f"+49 (0){city} {n}", f"0{city}-{n}"])


def phone_fr():
    pre = R.choice(["1 99 00", "6 39 98", "2 61 91", "3 53 01", "4 65 71", "5 36 49"])
    x = f"{R.randint(0, 99):02d} {R.randint(0, 99):02d}"
    nat = f"0{pre} {x}"
    return R.choice([f"+33 {pre} {x}", nat, nat.replace(" ", "."), "+33" + (pre + x).replace(" ", "")])


def phone_in():
    m = R.choice("6789") + digits(9)
    return R.choice([f"+91 {m[:5]} {m[5:]}", f"+91-{m[:5]}-{m[5:]}", f"0{m[:5]} {m[5:]}", f"+91{m}",
                     f"+91 {m}"])


def phone_br():
    ddd = R.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85"])
    if R.random() < 0.7:
        n = "9" + nz_digits(8)
        return R.choice([f"+55 {ddd} {n[:5]}-{n[5:]}", f"({ddd}) {n[:5]}-{n[5:]}", f"+55 ({ddd}) {n[:5]}-{n[5:]}",
                         f"+55{ddd}{n}"])
    n = R.choice("2345") + digits(7)
    return R.choice([f"+55 {ddd} {n[:4]}-{n[4:]}", f"({ddd}) {n[:4]}-{n[4:]}"])


def phone_au():
    if R.random() < 0.6:
        x = f"{R.randint(570, 579)} {R.randint(0, 999):03d}"
        return R.choice([f"0491 {x}", f"+61 491 {x}", "+61491" + x.replace(" ", "")])
    area, pre = R.choice([("2", "5550"), ("3", "7010"), ("7", "7010"), ("8", "7010")])
    x = f"{R.randint(0, 9999):04d}"
    return R.choice([f"(0{area}) {pre} {x}", f"+61 {area} {pre} {x}", f"0{area} {pre} {x}"])


PHONE_GEN = {"US": phone_us, "UK": phone_uk, "DE": phone_de, "FR": phone_fr, "IN": phone_in, "BR": phone_br,
             "AU": phone_au}


def gen_phone(cc):
    def fn(L):
        v = L.p(f"phone_{cc.lower()}", PHONE_GEN[cc]())
        r = R.randrange(8)
        if r == 0:
            return json_line(L, [(R.choice(["phone", "phone_number", "mobile", "msisdn", "contact_phone"]), jstr(v)),
                                 ("verified", R.choice(["true", "false"]))], svc=R.choice(["notify", "identity"]))
        pfx = text_prefix(L, R.choice(["notify", "identity", "support-desk", "voice-gw", "crm-sync"]))
        sid = L.k("SM" + hexs(32))
        return pfx + alt(
            lambda: f"sms to {v} queued sid={sid}",
            lambda: f"phone={v} otp sent in {L.k(R.randrange(40, 900))}ms",
            lambda: f"mobile: {v} marked as verified",
            lambda: f"caller {v} connected to queue support wait={L.k(R.randrange(1, 900))}s",
            lambda: f"tel: {v} (primary)",
            lambda: f"updated contact phone number to {v}",
            lambda: f"cell {v} opted out of marketing, msg={sid}",
            lambda: f"Telefon {v} hinterlegt" if cc == "DE" else f"callback requested, phone {v}",
        )
    fn.__name__ = f"gen_phone_{cc}"
    return fn


def gen_phone_encoded(L):
    a, x = R.choice(NANP_AREAS), f"01{R.randint(0, 99):02d}"
    uk = f"+44 20 7946 0{R.randint(0, 999):03d}"
    forms = [
        lambda: urllib.parse.quote(uk, safe=""),                                   # %2B44%2020%207946%200958
        lambda: urllib.parse.quote(f"({a}) 555-{x}", safe=""),                    # %28415%29%20555-0132
        lambda: urllib.parse.quote(f"+1 {a}-555-{x}", safe="+"),                  # +1%20415-555-0132
        lambda: urllib.parse.quote_plus(f"+1 ({a}) 555-{x}"),                     # %2B1+%28415%29+555-0132
        lambda: f"({a})+555-{x}",                                                  # (415)+555-0132
        lambda: urllib.parse.quote(f"+1 ({a}) 555-{x}", safe="()-.!~*'"),        # encodeURIComponent
        lambda: urllib.parse.quote(f"+33 6 39 98 {R.randint(0, 99):02d} {R.randint(0, 99):02d}", safe=""),
        lambda: urllib.parse.quote_plus(phone_au()),
    ]
    v = L.p("phone_urlencoded", R.choice(forms)())
    pfx = text_prefix(L, R.choice(["gateway", "identity", "notify"]))
    param = R.choice(["phone", "phone_number", "mobile", "to", "tel"])
    return pfx + alt(
        lambda: f'"GET /api/v1/otp/send?{param}={v}&channel=sms HTTP/1.1" 200 {L.k(R.randrange(20, 900))}',
        lambda: f'POST /signup body="country=US&{param}={v}&consent=1" status=201',
        lambda: f"redirect /verify?{param}={v}&session_ttl={L.k(R.choice([300, 600, 900]))}",
        lambda: f"form submitted: {param}={v}&locale=en-US",
    )


def gen_phone_twilio(L):
    a, x = R.choice(NANP_AREAS), f"01{R.randint(0, 99):02d}"
    v = L.p("phone_twilio", f"{a}555{x}")
    pfx = text_prefix(L, R.choice(["notify", "voice-gw"]))
    return pfx + alt(
        lambda: f"Twilio error {L.k('21211')}: The 'To' number {v} is not a valid phone number.",
        lambda: f"sms failed status=400 code={L.k('21211')} message=\"The 'To' number {v} is not a valid phone number.\"",
        lambda: f"TwilioRestException: HTTP 400 error: Unable to create record: The 'To' number {v} is not a valid phone "
        f"number.",
    )


# ---------------------------------------------------------------------------------------------------------
# email
# ---------------------------------------------------------------------------------------------------------

FIRST = ["Maria", "James", "Aisha", "Wei", "Olga", "Carlos", "Priya", "Liam", "Fatima", "Hiroshi", "Chloé",
         "Søren", "Mateus", "Ngozi", "Dmitri", "Sofia", "Omar", "Emily", "Rahul", "Lucía", "Thomas", "Yuki", "Anna",
         "Kwame", "Isabella", "Mohammed", "Elena", "Jonas", "Zainab", "Pierre", "Grace", "Tomasz", "Ingrid", "Ravi"]
LAST = ["Gonzalez", "Smith", "Khan", "Zhang", "Petrova", "Silva", "Patel", "O'Connor", "Haddad", "Tanaka",
        "Dubois", "Jensen", "Oliveira", "Okafor", "Ivanov", "Rossi", "Farouk", "Johnson", "Sharma", "García",
        "Müller", "Sato", "Kowalska", "Mensah", "Bianchi", "Al-Sayed", "Novak", "Schmidt", "Adeyemi", "Lefèvre",
        "Nguyen", "Andersson", "Moreau", "Hernández"]
ASCII_MAP = str.maketrans("éíáøüèñ", "eiaounn", "'")
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.co.uk", "corp.example.de", "gmail.com",
           "outlook.com", "yahoo.co.in", "proton.me", "icloud.com", "acme-industries.io", "uni-example.edu"]


def local_part():
    f, last = R.choice(FIRST).lower().translate(ASCII_MAP), R.choice(LAST).lower().translate(ASCII_MAP)
    return R.choice([f"{f}.{last}", f"{f[0]}{last}", f"{f}_{last}{R.randint(1, 99)}", f"{f}{R.randint(70, 99)}",
                     f"{last}.{f}", f"{f}-{last}"])


def gen_email(kind):
    def fn(L):
        lp, dom = local_part(), R.choice(DOMAINS)
        if kind == "email":
            v = f"{lp}@{dom}"
        elif kind == "email_plus":
            v = f"{lp}+{R.choice(['billing', 'alerts', 'shop', 'news', 'test', 'x' + digits(2)])}@{dom}"
        elif kind == "email_urlencoded":
            tag = R.choice(["", "", "%2Bnews"])
            v = f"{lp}{tag}%40{dom}"
        else:
            v = f"{lp}\\u0040{dom}"
        L.p(kind, v)
        if kind == "email_json_escaped":
            # raw JSON text: the value sits in a JSON string with \u0040 for '@'
            key = R.choice(["email", "contact", "user", "to", "reply_to"])
            return json_line(L, [(key, f'"{v}"'), ("template", jstr(R.choice(["receipt", "reset", "welcome"])))])
        if kind == "email_urlencoded":
            pfx = text_prefix(L, R.choice(["gateway", "identity", "marketing"]))
            p = R.choice(["email", "login_hint", "u", "recipient"])
            return pfx + alt(
                lambda: f'"GET /unsubscribe?{p}={v}&list={L.k(R.randrange(100, 9999))} HTTP/1.1" 302 0',
                lambda: f"authorize redirect client_id={L.k(hexs(24))}&{p}={v}&prompt=login",
                lambda: f'POST /newsletter body="{p}={v}&consent=true" status=204',
            )
        if R.random() < 0.3:
            key = R.choice(["email", "user_email", "contact", "to", "customer"])
            return json_line(L, [(key, jstr(v)), ("template", jstr(R.choice(["receipt", "reset", "welcome"])))])
        pfx = text_prefix(L)
        return pfx + alt(
            lambda: f"sent receipt to {v} msg_id={L.k(uuid4())}",
            lambda: f"user={v} logged in from {L.k(ip_any())}",
            lambda: f"password reset requested for {v}",
            lambda: f"To: <{v}> Subject: Your invoice {L.k('INV-' + digits(6))}",
            lambda: f"bounce: {v} 550 5.1.1 mailbox unavailable",
            lambda: f"invited {v} to workspace {L.k('ws_' + rs(ALNUM, 10))}",
        )
    fn.__name__ = f"gen_{kind}"
    return fn


# ---------------------------------------------------------------------------------------------------------
# crypto
# ---------------------------------------------------------------------------------------------------------


def rbytes(n):
    return bytes(R.randrange(256) for _ in range(n))


def gen_crypto(kind):
    def fn(L):
        if kind == "btc_p2pkh":
            v = b58check(0x00, rbytes(20))
        elif kind == "btc_p2sh":
            v = b58check(0x05, rbytes(20))
        elif kind == "btc_bech32":
            v = segwit_address("bc", 0, rbytes(R.choice([20, 20, 32])))
            if R.random() < 0.1:
                v = v.upper()
        elif kind == "btc_bech32m":
            v = segwit_address("bc", 1, rbytes(32))
        elif kind == "eth_address":
            v = "0x" + hexs(40)
        else:  # eth_eip55
            v = eip55(hexs(40))
        L.p(kind, v)
        if kind.startswith("eth"):
            txh = L.k("0x" + hexs(64))
            if R.random() < 0.35:
                return json_line(L, [(R.choice(["wallet", "address", "wallet_address", "to"]), jstr(v)),
                                     ("tx_hash", jstr(txh)), ("chain_id", L.k(R.choice([1, 10, 137, 8453])))],
                                 svc="wallet-svc")
            pfx = text_prefix(L, R.choice(["wallet-svc", "custody", "withdrawals"]))
            return pfx + alt(lambda: f"withdrawal to wallet {v} tx={txh}", lambda: f"address={v} balance check block "
                                   f"{L.k(R.randrange(15000000, 21000000))}", lambda: f"deposit address {v} assigned",
                                   lambda: f"wallet: {v} gas={L.k(R.randrange(21000, 300000))}")
        txid = L.k(hexs(64))
        if R.random() < 0.3:
            return json_line(L, [(R.choice(["address", "destination", "btc_address"]), jstr(v)), ("txid", jstr(txid)),
                                 ("amount_btc", L.k(f"0.{digits(8)}"))], svc="custody")
        pfx = text_prefix(L, R.choice(["wallet-svc", "custody", "withdrawals"]))
        return pfx + alt(
            lambda: f"withdrawal to wallet {v} amount={L.k('0.' + digits(8))} BTC txid={txid}",
            lambda: f"payout {v} confirmed, txid {txid}",
            lambda: f"sending {L.k('0.' + digits(6))} BTC to {v}",
            lambda: f"new deposit address {v} for account {L.k('acc_' + rs(ALNUM, 10))}",
        )
    fn.__name__ = f"gen_{kind}"
    return fn


# ---------------------------------------------------------------------------------------------------------
# personal
# ---------------------------------------------------------------------------------------------------------


def full_name():
    n = f"{R.choice(FIRST)} {R.choice(LAST)}"
    return n.upper() if R.random() < 0.2 else n


def gen_name_key(key):
    def fn(L):
        v = L.p(key, full_name())
        extra = [("order_id", jstr(L.k("ord_" + rs(ALNUM, 14))))]
        if R.random() < 0.5:
            extra.append(("amount", L.k(amount())))
        fields = [(key, jstr(v))] + extra
        R.shuffle(fields)
        return json_line(L, fields, svc=R.choice(["billing", "crm-sync", "payouts", "support-desk"]))
    fn.__name__ = f"gen_{key}"
    return fn


def gen_pin(L):
    v = L.p("pin", digits(R.choice([4, 4, 6])))
    return json_line(L, [("card_id", jstr(L.k("card_" + rs(ALNUM, 16)))), ("pin", jstr(v)),
                         ("action", '"set_pin"')], svc="card-issuing")


def gen_tel(L):
    v = L.p("tel", PHONE_GEN[R.choice(list(PHONE_GEN))]())
    return json_line(L, [("contact_id", jstr(L.k("ct_" + rs(ALNUM, 12)))), ("tel", jstr(v))],
                     svc=R.choice(["crm-sync", "support-desk"]))


def gen_dob(L):
    y, m, d = rand_date(1940, 2006)
    f = R.randrange(5)
    if f == 0:
        v = L.p("dob", f"{y}-{m:02d}-{d:02d}")
        return text_prefix(L, "kyc-worker") + f"applicant {L.k(nz_digits(7))} dob={v} age check ok"
    if f == 1:
        v = L.p("dob", f"{m:02d}/{d:02d}/{y}")
        return text_prefix(L, "kyc-worker") + f"date_of_birth: {v} verified"
    if f == 2:
        v = L.p("dob", f"{y}-{m:02d}-{d:02d}")
        return json_line(L, [("member_id", jstr(L.k("m_" + digits(8)))), (R.choice(["dob", "date_of_birth",
                                                                                     "birthDate"]), jstr(v))])
    if f == 3:
        v = L.p("dob", f"{d:02d}/{m:02d}/{y}")
        return text_prefix(L, "patient-portal") + f"patient lookup date of birth {v} postcode match"
    v = L.p("dob", f"{y}-{m:02d}-{d:02d}")
    return text_prefix(L, "identity") + f"profile update birthdate={v} source=web"


# ---------------------------------------------------------------------------------------------------------
# credential
# ---------------------------------------------------------------------------------------------------------

PW_SYMBOLS = "!#$%^*-_~"


def password():
    k = R.randrange(3)
    if k == 0:
        w = R.choice(["Summer", "Winter", "Dragon", "Monkey", "Sunshine", "Falcon", "Orange", "Tiger", "Ocean",
                      "Rocket", "Maple", "Copper"])
        return f"{w}{R.randint(10, 2025)}{R.choice(PW_SYMBOLS)}{rs(ALNUM, 3)}"
    if k == 1:
        return rs(ALNUM + PW_SYMBOLS, R.randint(12, 24)) + R.choice(DIG) + R.choice(PW_SYMBOLS)
    return rs(ALNUM, R.randint(16, 32))


def gen_secret_form(form):
    def fn(L):
        pw = password()
        pfx = text_prefix(L, R.choice(["deploy", "config", "db-migrate", "ci-runner", "app"]))
        if form == "secret_assign":
            key = R.choice(["password", "passwd", "db_password", "secret", "client_secret", "api_key", "auth_token",
                            "access_token", "private_key_passphrase"])
            return pfx + (f"db connect host={L.k(ip_private())} port={L.k(R.choice([5432, 3306, 6379, 27017]))} "
                          f"user=app {key}={L.p(form, pw)} sslmode=require")
        if form == "secret_colon":
            key = R.choice(["pwd", "password", "secret", "api_key", "token"])
            return pfx + f"loaded settings {key}: {L.p(form, pw)} timeout={L.k(R.randrange(5, 120))}s"
        if form == "secret_walrus":
            key = R.choice(["db_pass", "apiSecret", "token", "password"])
            return pfx + f'debug dump: {key} := "{L.p(form, pw)}"'
        if form == "secret_json":
            key = R.choice(["api_token_2", "password", "secret", "client_secret", "apiKey", "refresh_token",
                            "db_password", "smtp_pass"])
            return json_line(L, [("config", "{" + f'{jstr(key)}: {jstr(L.p(form, pw))}, "pool": {R.randint(1, 50)}'
                                  + "}")])
        if form == "secret_export":
            key = R.choice(["DB_PASSWORD", "POSTGRES_PASSWORD", "API_SECRET", "REDIS_PASSWORD", "APP_SECRET_KEY"])
            return pfx + f"+ export {key}={L.p(form, pw)}"
        if form == "secret_cli_flag":
            tool = alt(lambda: "mysql --user=app", lambda: "pg_dump -U app", lambda: "mongodump --username app",
                             lambda: "redis-cli -h " + L.k(ip_private()), lambda: "vault login -method=userpass username=ci")
            eq = R.choice([" ", "="])
            return pfx + f"exec: {tool} --password{eq}{L.p(form, pw)} --host {L.k(ip_private())}"
        if form == "secret_curl_u":
            user = R.choice(["admin", "ci-bot", "deploy", "api", "svc-reports"])
            url = f"https://{R.choice(['nexus', 'jenkins', 'registry', 'es'])}.internal.example.com/api/v1/status"
            return pfx + f"running: curl -sS -u {user}:{L.p(form, pw)} {url}"
        if form == "secret_setproperty":
            key = R.choice(["DB_PASSWORD", "javax.net.ssl.keyStorePassword", "spring.datasource.password",
                            "mail.smtp.password"])
            return pfx + f'System.setProperty("{key}", "{L.p(form, pw)}") called from Bootstrap.init'
        if form == "secret_yaml":
            key = R.choice(["password", "secret", "api_key", "token"])
            indent = " " * R.choice([2, 4, 6])
            return f"{indent}{key}: {L.p(form, pw)}"
        if form == "secret_xml":
            tag = R.choice(["password", "secret", "apiKey", "db-password"])
            return pfx + f"config loaded: <datasource><user>app</user><{tag}>{L.p(form, pw)}</{tag}></datasource>"
        raise AssertionError(form)
    fn.__name__ = f"gen_{form}"
    return fn


def session_value():
    return R.choice([lambda: rs(B64URL, R.randint(32, 48)), lambda: hexs(32), lambda: rs(LOW + DIG, 32),
                     lambda: "s%3A" + rs(B64URL, 32) + "." + rs(ALNUM, 43)])()


def gen_session_cookie(L):
    pfx = text_prefix(L, R.choice(["gateway", "web", "auth"]))
    k = R.randrange(5)
    if k == 0:
        return pfx + f"request headers: Cookie: session={L.p('session_cookie', session_value())}; theme=dark"
    if k == 1:
        return pfx + (f"response header Set-Cookie: sessionid={L.p('session_cookie', rs(LOW + DIG, 32))}; "
                      f"Path=/; HttpOnly; Secure; SameSite=Lax")
    if k == 2:
        return pfx + f"GET /app/home;jsessionid={L.p('session_cookie', hexs(32).upper())} 200"
    if k == 3:
        return pfx + f"Cookie: JSESSIONID={L.p('session_cookie', hexs(32).upper())}; lang=en"
    return pfx + f"auth ok session_id={L.p('session_cookie', session_value())} ttl={L.k(R.choice([900, 1800, 3600]))}"


def gen_auth_header(kind):
    def fn(L):
        pfx = text_prefix(L, R.choice(["gateway", "proxy", "http-client"]))
        if kind == "auth_token_header":
            return pfx + f"outgoing request headers: Authorization: Token {L.p(kind, hexs(40))} Accept: */*"
        if kind == "auth_basic":
            raw = f"{R.choice(['admin', 'api', 'ci', 'svc-etl'])}:{password()}".encode()
            return pfx + f"Authorization: Basic {L.p(kind, base64.b64encode(raw).decode())}"
        if kind == "digest_response":
            return pfx + (f'Authorization: Digest username="svc-backup", realm="api@example.com", nonce="{hexs(32)}", '
                          f'uri="/v1/backups", qop=auth, nc=00000001, cnonce="{hexs(16)}", '
                          f'response="{L.p(kind, hexs(32))}", opaque="{hexs(32)}"')
        if kind == "sigv4_signature":
            key = L.p("aws_access_key", R.choice(["AKIA", "ASIA"]) + rs(B32, 16))
            d = rand_dt()
            day = d.strftime("%Y%m%d")
            return pfx + (f"Authorization: AWS4-HMAC-SHA256 Credential={key}/{day}/{R.choice(REGIONS)}/s3/"
                          f"aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                          f"Signature={L.p(kind, hexs(64))}")
        if kind == "bearer_freetext":
            tok = rs(B64URL, R.randint(32, 64))
            return pfx + alt(lambda: f"auth: invalid Bearer token {L.p(kind, tok)} for client web",
                                   lambda: f"rejecting request, Bearer token {L.p(kind, tok)} expired",
                                   lambda: f"using bearer token {L.p(kind, tok)} for upstream call")
        if kind == "password_freetext":
            pw = password()
            return pfx + alt(lambda: f"login failed: password {L.p(kind, pw)} rejected for user svc-batch",
                                   lambda: f"password {L.p(kind, pw)} does not meet policy",
                                   lambda: f"retrying with password {L.p(kind, pw)} (attempt 2)")
        raise AssertionError(kind)
    fn.__name__ = f"gen_{kind}"
    return fn


def jwt():
    def b64u(b):
        return base64.urlsafe_b64encode(b).decode().rstrip("=")
    alg = R.choice(["HS256", "RS256", "ES256"])
    hdr = {"alg": alg, "typ": "JWT"}
    if alg != "HS256":
        hdr["kid"] = hexs(16)
    iat = int(rand_dt().timestamp())
    payload = {"sub": "usr_" + rs(ALNUM, 10), "iat": iat, "exp": iat + 3600, "scope": R.choice(["read", "read write"]),
               "iss": "https://auth.example.com/"}
    sig = rbytes({"HS256": 32, "RS256": 256, "ES256": 64}[alg])
    return ".".join([b64u(json.dumps(hdr, separators=(",", ":")).encode()),
                     b64u(json.dumps(payload, separators=(",", ":")).encode()), b64u(sig)])


def vendor_token(kind):
    if kind == "aws_access_key":
        return R.choice(["AKIA", "AKIA", "ASIA"]) + rs(B32, 16)
    if kind == "github_token":
        body = rs(B62, 30)
        return R.choice(["ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + body + crc32_b62(body)
    if kind == "npm_token":
        body = rs(B62, 30)
        return "npm_" + body + crc32_b62(body)
    if kind == "slack_token":
        if R.random() < 0.7:
            return f"xoxb-{nz_digits(R.randint(10, 13))}-{nz_digits(R.randint(10, 13))}-{rs(ALNUM, 24)}"
        return f"xoxp-{nz_digits(11)}-{nz_digits(11)}-{nz_digits(13)}-{hexs(32)}"
    if kind == "stripe_key":
        return R.choice(["sk_live_", "sk_live_", "rk_live_"]) + rs(ALNUM, R.choice([24, 34, 99]))
    if kind == "openai_key":
        n = R.choice([58, 74])
        return "sk-proj-" + rs(B64URL, n) + "T3BlbkFJ" + rs(B64URL, n)
    if kind == "anthropic_key":
        return "sk-ant-api03-" + rs(B64URL, 93) + "AA"
    if kind == "google_api_key":
        return "AIza" + rs(B64URL, 35)
    if kind == "gitlab_pat":
        return "glpat-" + rs(B64URL, 20)
    if kind == "sendgrid_key":
        return "SG." + rs(B64URL, 22) + "." + rs(B64URL, 43)
    if kind == "hf_token":
        return "hf_" + rs(string.ascii_letters, 34)
    if kind == "vault_token":
        return "hvs." + "CAESI" + rs(B64URL, R.randint(86, 110))
    if kind == "digitalocean_token":
        return "dop_v1_" + hexs(64)
    if kind == "jwt":
        return jwt()
    raise AssertionError(kind)


VENDOR_ENV = {"aws_access_key": "AWS_ACCESS_KEY_ID", "github_token": "GITHUB_TOKEN", "npm_token": "NPM_TOKEN",
              "slack_token": "SLACK_BOT_TOKEN", "stripe_key": "STRIPE_SECRET_KEY", "openai_key": "OPENAI_API_KEY",
              "anthropic_key": "ANTHROPIC_API_KEY", "google_api_key": "GOOGLE_API_KEY", "gitlab_pat": "GITLAB_TOKEN",
              "sendgrid_key": "SENDGRID_API_KEY", "hf_token": "HF_TOKEN", "vault_token": "VAULT_TOKEN",
              "digitalocean_token": "DIGITALOCEAN_TOKEN", "jwt": "ID_TOKEN"}


def gen_vendor(kind):
    def fn(L):
        tok = L.p(kind, vendor_token(kind))
        r = R.randrange(6)
        if r == 0:
            return json_line(L, [(R.choice(["token", "api_key", "credentials", "value"]), jstr(tok)),
                                 ("source", jstr(R.choice(["env", "vault", "file"])))], svc="ci-runner")
        pfx = text_prefix(L, R.choice(["ci-runner", "deploy", "app", "gateway", "worker"]))
        if r == 1:
            return pfx + f"env: {VENDOR_ENV[kind]}={tok}"
        if r == 2 and kind not in ("aws_access_key",):
            return pfx + f"outgoing request Authorization: Bearer {tok} host={L.k(R.choice(['api.example.com', 'hooks.example.net']))}"
        if r == 3 and kind == "github_token":
            return pfx + f"git clone https://x-access-token:{tok}@github.com/acme/infra.git"
        if r == 3 and kind == "google_api_key":
            return pfx + f'"GET /maps/api/geocode/json?address=Main+St&key={tok} HTTP/1.1" 200 {L.k(R.randrange(100, 9000))}'
        if r == 3 and kind == "gitlab_pat":
            return pfx + f"curl --header \"PRIVATE-TOKEN: {tok}\" https://gitlab.example.com/api/v4/projects"
        if r == 3 and kind == "aws_access_key":
            return pfx + f"aws_access_key_id = {tok}"
        return pfx + alt(lambda: f"loaded credential {tok} from vault path secret/data/ci",
                               lambda: f"token {tok} revoked by admin",
                               lambda: f"found key {tok} in build output, rotating",
                               lambda: f"auth with {tok} ok in {L.k(R.randrange(10, 900))}ms")
    fn.__name__ = f"gen_{kind}"
    return fn


# ---------------------------------------------------------------------------------------------------------
# Hard negatives: PII-free, every risky token in keep
# ---------------------------------------------------------------------------------------------------------


def blk():
    return "blk_" + ("-" if R.random() < 0.5 else "") + R.choice("123456789") + digits(R.choice([17, 18, 18]))


def neg_hdfs(L):
    d = rand_dt()
    ts = L.k(d.strftime("%y%m%d %H%M%S"))
    thr = R.randrange(10, 30000)
    b = L.k(blk())
    ip1, ip2 = ip_private(), ip_private()
    size = L.k(R.choice([67108864, 67108864, R.randrange(1000, 67108864)]))
    return f"{ts} {thr} INFO " + alt(
        lambda: f"dfs.DataNode$PacketResponder: PacketResponder {R.randrange(3)} for block {b} terminating",
        lambda: f"dfs.DataNode$PacketResponder: Received block {b} of size {size} from /{L.k(ip1)}",
        lambda: f"dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: {L.k(ip1 + ':50010')} is added to "
        f"{b} size {size}",
        lambda: f"dfs.DataNode$DataXceiver: Receiving block {b} src: /{L.k(f'{ip1}:{R.randrange(30000, 65000)}')} dest: "
        f"/{L.k(ip1 + ':50010')}",
        lambda: f"dfs.DataNode: {L.k(ip2 + ':50010')} Served block {b} to /{L.k(ip1)}",
        lambda: f"dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/"
        f"{L.k('_task_' + d.strftime('%Y%m%d%H%M') + '_0001_m_' + digits(6) + '_0')}/part-{digits(5)}. {b}",
        lambda: f"dfs.FSDataset: Deleting block {b} file /mnt/hadoop/dfs/data/current/subdir{R.randrange(64)}/{b}",
        lambda: f"dfs.DataBlockScanner: Verification succeeded for {b}",
    )


def neg_hadoop(L):
    cts = L.k(epoch_ms())
    app = f"{cts}_{R.randrange(1, 9999):04d}"
    ts = L.k(ts_space())
    att = L.k(f"attempt_{app}_{R.choice('mr')}_{digits(6)}_{R.randrange(3)}")
    return f"{ts} INFO " + alt(
        lambda: f"[main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application "
        f"{L.k('appattempt_' + app + '_000001')}",
        lambda: "[main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Executing with tokens:",
        lambda: f"[main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Kind: YARN_AM_RM_TOKEN, Service: , Ident: "
        f"(appAttemptId {{ application_id {{ id: {R.randrange(1, 99)} cluster_timestamp: {cts} }} attemptId: 1 }} "
        f"keyId: {L.k(-R.randrange(10 ** 8, 10 ** 9))})",
        lambda: f"[main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Kind: HDFS_DELEGATION_TOKEN, Service: "
        f"{L.k(ip_private() + ':8020')}, Ident: (HDFS_DELEGATION_TOKEN token {L.k(R.randrange(1000, 99999))} for hadoop)",
        lambda: f"[main] org.apache.hadoop.yarn.client.RMProxy: Connecting to ResourceManager at "
        f"{L.k('MSRA-SA-' + str(R.randrange(10, 60)) + '/' + ip_private() + ':8030')}",
        lambda: f"[RMCommunicator Allocator] org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator: Assigned container "
        f"{L.k(f'container_{app}_01_{digits(6)}')} to {att}",
        lambda: f"[IPC Server handler {R.randrange(30)} on {L.k(R.randrange(40000, 65000))}] "
        f"org.apache.hadoop.mapred.TaskAttemptListenerImpl: Progress of TaskAttempt {att} is : "
        f"{L.k('0.' + digits(8))}",
        lambda: f"[AsyncDispatcher event handler] org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl: {att} "
        f"TaskAttempt Transitioned from RUNNING to SUCCESS_CONTAINER_CLEANUP",
    )


def neg_spark(L):
    d = rand_dt()
    ts = L.k(d.strftime("%y/%m/%d %H:%M:%S"))
    return f"{ts} INFO " + alt(
        lambda: "executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]",
        lambda: "spark.SecurityManager: SecurityManager: authentication disabled; ui acls disabled; users with view "
        "permissions: Set(yarn, hadoop); users with modify permissions: Set(yarn, hadoop)",
        lambda: f"client.TransportClientFactory: Successfully created connection to "
        f"/{L.k(ip_private() + ':' + str(R.randrange(30000, 65000)))} after {L.k(R.randrange(1, 300))} ms "
        f"(0 ms spent in bootstraps)",
        lambda: f"storage.DiskBlockManager: Created local directory at /opt/hdfs/nodemanager/usercache/hadoop/appcache/"
        f"{L.k(f'application_{epoch_ms(d)}_{R.randrange(1, 9999):04d}')}/blockmgr-{L.k(uuid4())}",
        lambda: f"executor.Executor: Finished task {R.randrange(200)}.0 in stage {R.randrange(40)}.0 "
        f"(TID {L.k(R.randrange(1, 99999))}). {L.k(R.randrange(900, 99999))} bytes result sent to driver",
        lambda: f"storage.BlockManager: Found block rdd_{R.randrange(40)}_{R.randrange(400)} locally",
        lambda: f"storage.MemoryStore: Block broadcast_{R.randrange(90)}_piece0 stored as bytes in memory (estimated size "
        f"{L.k(f'{R.randrange(1, 900)}.{R.randrange(10)} KB')}, free {L.k(f'{R.randrange(1, 90)}.{R.randrange(10)} GB')})",
        lambda: f"broadcast.TorrentBroadcast: Reading broadcast variable {R.randrange(90)} took {L.k(R.randrange(1, 900))} ms",
        lambda: f"scheduler.DAGScheduler: Job {R.randrange(500)} finished: collect at App.scala:{R.randrange(20, 400)}, took "
        f"{L.k(f'{R.randrange(0, 300)}.{digits(6)}')} s",
    )


def neg_logcat(L):
    d = rand_dt()
    ts = L.k(d.strftime("%m-%d %H:%M:%S.") + f"{d.microsecond // 1000:03d}")
    pid, tid = L.k(R.randrange(300, 30000)), L.k(R.randrange(300, 30000))
    h = lambda: L.k(hexs(7))  # noqa: E731
    pkg = R.choice(["com.example.shop", "com.acme.wallet", "com.android.systemui", "com.google.android.gms",
                    "org.example.news"])
    return f"{ts}  {pid}  {tid} " + alt(
        lambda: f"D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken{{{h()} "
        f"{L.k('token=Token{' + hexs(7))} ActivityRecord{{{h()} u0 {pkg}/.activity.MainActivity t{R.randrange(100, 999)}}}}}}}, "
        f"allDrawn= false, startingDisplayed =  false",
        lambda: f"V WindowManager: Skipping AppWindowToken{{{h()} {L.k('token=Token{' + hexs(7))} ActivityRecord{{{h()} u0 "
        f"{pkg}/.ui.DetailActivity t{R.randrange(100, 999)}}}}}}} -- going to hide",
        lambda: f"D PowerManagerService: acquire lock={L.k(R.randrange(10 ** 8, 10 ** 9))}, flags=0x1, tag=\"View Lock\", "
        f"name={pkg}, ws=null, uid={L.k(R.randrange(10000, 10999))}, pid={L.k(R.randrange(300, 30000))}",
        lambda: f"I ActivityManager: Displayed {pkg}/.MainActivity: +{L.k(R.randrange(100, 3000))}ms",
        lambda: f"I ActivityManager: Start proc {L.k(R.randrange(300, 30000))}:{pkg}/u0a{R.randrange(10, 400)} for activity "
        f"{pkg}/.MainActivity",
        lambda: f"D KeyguardUpdateMonitor: handleBatteryUpdate: level={R.randrange(1, 100)} status=2",
        lambda: f"W ActivityThread: handleWindowVisibility: no activity for token android.os.BinderProxy@{h()}",
    )


def neg_macos(L):
    d = rand_dt()
    ts = L.k(d.strftime("%Y-%m-%d %H:%M:%S.") + f"{d.microsecond:06d}-0700")
    thread = L.k("0x" + hexs(R.choice([5, 6])))
    pid = L.k(R.randrange(80, 9000))
    dsid = L.k(f"DSID {nz_digits(R.choice([9, 9, 10]))}")
    return f"{ts}  {thread}    Default     0x0    {pid}    0    " + alt(
        lambda: f"akd: [com.apple.authkit:core] Fetching account info for {dsid}",
        lambda: f"akd: [com.apple.authkit:core] Token refresh scheduled for {dsid} in {L.k(R.randrange(60, 86400))}s",
        lambda: f"kernel: (AppleACPIPlatform) AppleACPICPU: ProcessorId={R.randrange(1, 16)} LocalApicId={R.randrange(16)} Enabled",
        lambda: f"softwareupdated: [com.apple.SoftwareUpdate] Product {L.k(f'{R.randrange(10, 99):03d}-{digits(5)}')} version "
        f"{L.k(semver())} build {L.k(str(R.randrange(20, 24)) + R.choice(UP) + str(R.randrange(10, 300)))}",
        lambda: f"trustd: [com.apple.securityd:ocsp] OCSP response cached, serial {L.k(hexs(32).upper())}",
        lambda: f"bluetoothd: Device {L.k(':'.join(hexs(2).upper() for _ in range(6)))} RSSI -{R.randrange(30, 90)} dBm",
        lambda: f"runningboardd: [com.apple.runningboard:process] Acquiring assertion targeting [app<application."
        f"com.apple.Safari.{L.k(R.randrange(10 ** 7, 10 ** 8))}.{L.k(R.randrange(10 ** 7, 10 ** 8))}>:{pid}]",
    )


def neg_sshd(L):
    ts = L.k(ts_syslog())
    host = R.choice(["LabSZ", "bastion-1", "ip-10-0-1-23", "web-03"])
    pid = L.k(R.randrange(1000, 40000))
    ip = L.k(ip_any())
    port = L.k(R.randrange(1024, 65535))
    user = R.choice(["ubuntu", "ec2-user", "root", "deploy", "git", "admin", "jenkins"])
    bad = R.choice(["webmaster", "test", "oracle", "postgres", "admin", "pi", "guest", "ftpuser"])
    return f"{ts} {host} sshd[{pid}]: " + alt(
        lambda: f"Invalid user {bad} from {ip} port {port}",
        lambda: f"Failed password for invalid user {bad} from {ip} port {port} ssh2",
        lambda: f"Failed password for {user} from {ip} port {port} ssh2",
        lambda: f"Accepted password for {user} from {ip} port {port} ssh2",
        lambda: f"Accepted publickey for {user} from {ip} port {port} ssh2: RSA SHA256:{L.k(rs(ALNUM + '+/', 43))}",
        lambda: f"Received disconnect from {ip} port {port}:11: Bye Bye [preauth]",
        lambda: f"Connection closed by {ip} port {port} [preauth]",
        lambda: f"pam_unix(sshd:session): session opened for user {user} by (uid=0)",
        lambda: f"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root",
        lambda: f"Disconnected from authenticating user root {ip} port {port} [preauth]",
    )


def neg_windows(L):
    d = rand_dt()
    ts = L.k(d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond}0Z")
    comp = L.k(f"WIN-{rs(UP + DIG, 11)}.corp.example.local")
    sid = L.k(f"S-1-5-21-{nz_digits(10)}-{nz_digits(10)}-{nz_digits(R.choice([8, 9, 10]))}-{R.randrange(500, 9999)}")
    logon = L.k("0x" + hexs(R.choice([3, 5, 6, 8])))
    ip, port = L.k(ip_private()), L.k(R.randrange(1024, 65535))
    return f"{ts} Computer={comp} " + alt(
        lambda: f"EventID=4624 Provider=Microsoft-Windows-Security-Auditing Keywords=0x8020000000000000 \"An account was "
        f"successfully logged on.\" SubjectUserSid=S-1-5-18 TargetUserSid={sid} TargetLogonId={logon} LogonType="
        f"{R.choice([2, 3, 5, 10])} LogonGuid={{{L.k(uuid4().upper())}}} ProcessId=0x{L.k(hexs(3))} "
        f"IpAddress={ip} IpPort={port}",
        lambda: f"EventID=4625 \"An account failed to log on.\" TargetUserSid=S-1-0-0 Status=0xc000006d "
        f"SubStatus=0xc000006a FailureReason=%%2313 LogonType=3 IpAddress={ip} IpPort={port}",
        lambda: "EventID=7036 Provider=Service Control Manager \"The Windows Update service entered the running state.\"",
        lambda: f"EventID=4672 \"Special privileges assigned to new logon.\" SubjectUserSid={sid} SubjectLogonId={logon} "
        f"PrivilegeList=SeSecurityPrivilege SeBackupPrivilege",
        lambda: f"EventID=5156 \"The Windows Filtering Platform has permitted a connection.\" ProcessId=4 Application=System "
        f"SourceAddress={ip} SourcePort={port} DestAddress={L.k(ip_private())} DestPort={L.k(R.choice([445, 3389, 443, 88]))} "
        f"Protocol=6 FilterRTID={L.k(R.randrange(10000, 999999))}",
        lambda: f"EventID=4769 \"A Kerberos service ticket was requested.\" ServiceName=krbtgt TicketOptions=0x40810000 "
        f"TicketEncryptionType=0x12 IpAddress=::ffff:{ip} IpPort={port}",
    )


UAS = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 "
       "Safari/537.36", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
       "curl/8.5.0", "ELB-HealthChecker/2.0", "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/2.0",
       "kube-probe/1.29"]


def neg_access(L):
    ip = L.k(ip_any())
    ts = L.k(ts_clf())
    oid = L.k(nz_digits(R.choice([6, 8, 10])))
    path = alt(lambda: f"/api/v2/orders/{oid}?page={R.randrange(1, 9)}&per_page=50", lambda: f"/static/app.{L.k(hexs(8))}.js",
                     lambda: f"/images/products/{oid}.jpg", lambda: "/health", lambda: f"/api/v1/items?ts={L.k(epoch_ms())}",
                     lambda: f"/v1/sessions/{L.k(uuid4())}/refresh", lambda: f"/download/report-{oid}.csv")
    status = R.choice([200, 200, 200, 201, 204, 301, 304, 404, 500, 502])
    size = L.k(R.randrange(0, 500000))
    ua = R.choice(UAS)
    if R.random() < 0.5:
        return f'{ip} - - [{ts}] "{R.choice(["GET", "POST", "PUT"])} {path} HTTP/1.1" {status} {size} "-" "{ua}"'
    return (f'{ip} - - [{ts}] "GET {path} HTTP/2.0" {status} {size} "-" "{ua}" rt={L.k("0." + digits(3))} '
            f'uct="0.000" uht="{L.k("0." + digits(3))}" upstream={L.k(ip_private() + ":8080")}')


def neg_alb(L):
    acct = L.k(aws_account())
    region = R.choice(REGIONS)
    ts = L.k(ts_iso().replace("Z", "") + "123Z")
    lb = L.k(f"app/{R.choice(['prod-alb', 'api-lb', 'web'])}/{hexs(16)}")
    tg = L.k(f"arn:aws:elasticloadbalancing:{region}:{acct}:targetgroup/{R.choice(['api', 'web'])}-tg/{hexs(16)}")
    trace = L.k(f"Root=1-{hexs(8)}-{hexs(24)}")
    cli, tgt = L.k(f"{ip_public()}:{R.randrange(1024, 65535)}"), L.k(f"{ip_private()}:{R.choice([80, 8080, 3000])}")
    rcv, snt = L.k(R.randrange(30, 5000)), L.k(R.randrange(100, 90000))
    return (f'https {ts} {lb} {cli} {tgt} 0.000 {L.k("0.0" + digits(2))} 0.000 200 200 {rcv} {snt} '
            f'"GET https://www.example.com:443/api/v1/catalog?page={R.randrange(1, 40)} HTTP/1.1" "{R.choice(UAS)}" '
            f'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 {tg} "{trace}" "www.example.com" '
            f'"arn:aws:acm:{region}:{acct}:certificate/{L.k(uuid4())}" 0 {ts} "forward" "-" "-" "{tgt}" "200" "-" "-"')


def neg_cloudtrail(L):
    acct = L.k(aws_account())
    role = R.choice(["ec2-app-role", "lambda-exec", "ci-deploy", "etl-runner"])
    inst = "i-0" + hexs(16)
    principal = L.k("AROA" + rs(B32, 17) + ":" + inst)
    region = R.choice(REGIONS)
    ev = R.choice([("s3.amazonaws.com", "GetObject"), ("kms.amazonaws.com", "Decrypt"),
                   ("sts.amazonaws.com", "AssumeRole"), ("dynamodb.amazonaws.com", "PutItem"),
                   ("secretsmanager.amazonaws.com", "GetSecretValue")])
    req = {"s3.amazonaws.com": '{"bucketName":"acme-data-prod","key":"exports/2024/05/01/part-' + digits(5)
           + '.parquet"}'}.get(ev[0], '{"keyId":"' + L.k(f"arn:aws:kms:{region}:{acct}:key/{uuid4()}") + '"}')
    return ("{" + f'"eventVersion":"1.08","userIdentity":{{"type":"AssumedRole","principalId":"{principal}",'
            f'"arn":"{L.k(f"arn:aws:sts::{acct}:assumed-role/{role}/{inst}")}","accountId":"{acct}",'
            f'"sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"{principal.split(":")[0]}",'
            f'"arn":"{L.k(f"arn:aws:iam::{acct}:role/{role}")}","accountId":"{acct}","userName":"{role}"}},'
            f'"attributes":{{"creationDate":"{L.k(ts_iso()[:19] + "Z")}","mfaAuthenticated":"false"}}}}}},'
            f'"eventTime":"{L.k(ts_iso()[:19] + "Z")}","eventSource":"{ev[0]}","eventName":"{ev[1]}",'
            f'"awsRegion":"{region}","sourceIPAddress":"{L.k(ip_private())}","userAgent":"'
            f'{L.k("aws-sdk-java/" + semver())} Linux/5.10.215-203.850.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS",'
            f'"requestParameters":{req},"responseElements":null,"requestID":"{L.k(rs(UP + DIG, 16))}",'
            f'"eventID":"{L.k(uuid4())}","readOnly":true,"eventType":"AwsApiCall","managementEvent":false,'
            f'"recipientAccountId":"{acct}","eventCategory":"Data"' + "}")


def neg_lambda(L):
    rid = L.k(uuid4())
    k = R.randrange(5)
    if k == 0:
        return f"START RequestId: {rid} Version: $LATEST"
    if k == 1:
        return f"END RequestId: {rid}"
    if k == 2:
        dur = L.k(f"{R.randrange(1, 9000)}.{R.randrange(10, 99)} ms")
        mem = R.choice([128, 256, 512, 1024, 2048])
        init = f" Init Duration: {L.k(f'{R.randrange(100, 900)}.{R.randrange(10, 99)} ms')}" if R.random() < 0.3 else ""
        return (f"REPORT RequestId: {rid}\tDuration: {dur}\tBilled Duration: {L.k(R.randrange(1, 9000))} ms\t"
                f"Memory Size: {mem} MB\tMax Memory Used: {L.k(R.randrange(40, mem))} MB{init}\t"
                f"XRAY TraceId: {L.k(f'1-{hexs(8)}-{hexs(24)}')}\tSegmentId: {L.k(hexs(16))}\tSampled: true")
    acct = aws_account()
    if k == 3:
        return (f"{L.k(ts_iso())}\t{rid}\tINFO\tprocessed batch of {R.randrange(1, 100)} records from "
                f"{L.k(f'arn:aws:sqs:{R.choice(REGIONS)}:{acct}:orders-queue')} in {L.k(R.randrange(5, 900))} ms")
    return (f"{L.k(ts_iso())}\t{rid}\tINFO\tUsing {L.k(f'AWS account number {acct}')} in region "
            f"{R.choice(REGIONS)}, function version {L.k(R.randrange(1, 400))}")


def neg_k8s(L):
    ns = R.choice(["payments", "default", "kube-system", "jobs", "monitoring"])
    pod = f"{R.choice(['api', 'worker', 'web', 'cron'])}-{rs(LOW + DIG, 9)}-{rs(LOW + DIG, 5)}"
    L.k(pod)
    acct = aws_account()
    img = L.k(f"{acct}.dkr.ecr.{R.choice(REGIONS)}.amazonaws.com/{R.choice(['api', 'worker'])}:{semver()}")
    k = R.randrange(6)
    d = rand_dt()
    klog = L.k("I" + d.strftime("%m%d %H:%M:%S.") + f"{d.microsecond:06d}")
    if k == 0:
        return (f'{klog}       1 event.go:294] "Event occurred" object="{ns}/{pod}" fieldPath="" kind="Pod" '
                f'apiVersion="v1" type="Normal" reason="Pulled" message="Successfully pulled image \\"{img}\\" in '
                f'{L.k(f"{R.randrange(1, 60)}.{digits(3)}s")}. Image size: {L.k(R.randrange(10 ** 7, 10 ** 9))} bytes."')
    if k == 1:
        return (f"{R.randrange(1, 59)}m         Normal    Scheduled     pod/{pod}    Successfully assigned {ns}/{pod} to "
                f"{L.k('ip-' + ip_private().replace('.', '-') + '.ec2.internal')}")
    if k == 2:
        return (f"{R.randrange(1, 59)}s         Warning   BackOff       pod/{pod}    Back-off restarting failed "
                f"container {pod.split('-')[0]} in pod {pod}_{ns}({L.k(uuid4())})")
    if k == 3:
        return (f"{R.randrange(1, 59)}m         Normal    Pulling       pod/{pod}    Pulling image "
                f"\"ghcr.io/acme/worker@{L.k('sha256:' + hexs(64))}\"")
    if k == 4:
        sec = R.choice(["db-password", "api-token", "stripe-secret", "tls-cert"])
        return (f"{R.randrange(1, 59)}s         Warning   FailedMount   pod/{pod}    MountVolume.SetUp failed for volume "
                f"\"{sec}\" : secret \"{sec}\" not found")
    return (f'{klog}       1 controller.go:{R.randrange(100, 900)}] "Observed a panic" err="context deadline exceeded" '
            f'ns="{ns}" pod="{pod}" resourceVersion="{L.k(R.randrange(10 ** 6, 10 ** 9))}"')


def neg_postgres(L):
    d = rand_dt()
    ts = L.k(d.strftime("%Y-%m-%d %H:%M:%S.") + f"{d.microsecond // 1000:03d} UTC")
    pid = L.k(R.randrange(100, 99999))
    oid = L.k(nz_digits(R.choice([6, 9, 12])))
    return f"{ts} [{pid}] " + alt(
        lambda: f"LOG:  duration: {L.k(f'{R.randrange(0, 9000)}.{digits(3)}')} ms  statement: SELECT id, status FROM orders "
        f"WHERE id = {oid} LIMIT 1",
        lambda: f"LOG:  checkpoint complete: wrote {L.k(R.randrange(10, 99999))} buffers ({R.randrange(0, 99)}.{R.randrange(10)}%); "
        f"0 WAL file(s) added, 0 removed, {R.randrange(0, 9)} recycled; write={L.k(f'{R.randrange(0, 300)}.{digits(3)}')} s, "
        f"sync=0.0{digits(2)} s, total={L.k(f'{R.randrange(0, 300)}.{digits(3)}')} s; distance="
        f"{L.k(R.randrange(1000, 999999))} kB, estimate={L.k(R.randrange(1000, 999999))} kB",
        lambda: f"LOG:  connection received: host={L.k(ip_private())} port={L.k(R.randrange(1024, 65535))}",
        lambda: "LOG:  connection authorized: user=app database=orders application_name=pgbouncer SSL enabled "
        "(protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)",
        lambda: 'FATAL:  password authentication failed for user "app"',
        lambda: f'DETAIL:  Connection matched pg_hba.conf line {R.randrange(80, 120)}: "host all all 0.0.0.0/0 scram-sha-256"',
        lambda: f"ERROR:  duplicate key value violates unique constraint \"orders_pkey\" DETAIL:  Key (id)=({oid}) already exists.",
        lambda: f"LOG:  process {L.k(R.randrange(100, 99999))} still waiting for ShareLock on transaction "
        f"{L.k(R.randrange(10 ** 8, 10 ** 10))} after {L.k(f'{R.randrange(1000, 9000)}.{digits(3)}')} ms",
        lambda: f'LOG:  automatic vacuum of table "orders.public.events": index scans: 1 pages: 0 removed, '
        f'{L.k(R.randrange(1000, 9999999))} remain, tuples: {L.k(R.randrange(100, 99999))} removed',
    )


def neg_java(L):
    cls = R.choice(["com.acme.payments.CardService", "com.acme.billing.InvoiceJob", "com.acme.auth.TokenRefresher",
                    "com.acme.kyc.SsnVerifier", "com.acme.bank.IbanValidator", "com.acme.notify.PhoneSender"])
    meth = R.choice(["authorize", "process", "refresh", "verify", "validate", "send", "run"])
    k = R.randrange(8)
    if k == 0:
        return f"\tat {cls}.{meth}({cls.rsplit('.', 1)[1]}.java:{L.k(R.randrange(20, 2000))})"
    if k == 1:
        return (f"\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:"
                f"{L.k(R.randrange(500, 1200))}) ~[spring-webmvc-{L.k(semver())}.jar:{semver()}]")
    if k == 2:
        return alt(lambda: "Caused by: java.net.SocketTimeoutException: Read timed out",
                         lambda: f"\t... {L.k(R.randrange(10, 200))} more",
                         lambda: "Caused by: javax.net.ssl.SSLHandshakeException: PKIX path building failed")
    if k == 3:
        return (f"java.lang.IllegalStateException: Token{{type=REFRESH, expiresAt={L.k(epoch_ms())}, "
                f"id={L.k(uuid4())}}} is expired")
    if k == 4:
        g, a, v = R.choice([("io.jsonwebtoken", "jjwt-api", "0.11.5"), ("com.stripe", "stripe-java", "24.3.0"),
                            ("com.fasterxml.jackson.core", "jackson-databind", "2.17.0"),
                            ("org.bouncycastle", "bcprov-jdk18on", "1.78.1"), ("com.twilio.sdk", "twilio", "10.1.5")])
        coord = L.k(f"{g}:{a}:{v}")
        return alt(lambda: f"[INFO] +- {g}:{a}:jar:{v}:compile", lambda: f"resolved dependency {coord} in "
                         f"{L.k(R.randrange(5, 900))} ms",
                         lambda: f"Downloaded from central: https://repo.maven.apache.org/maven2/{g.replace('.', '/')}/{a}/{v}/"
                         f"{a}-{v}.jar ({L.k(R.randrange(5, 9000))} kB at {L.k(R.randrange(100, 9000))} kB/s)")
    if k == 5:
        return (f"Exception in thread \"pool-{R.randrange(1, 9)}-thread-{R.randrange(1, 40)}\" "
                f"java.util.concurrent.RejectedExecutionException: Task java.util.concurrent.FutureTask@{L.k(hexs(8))} "
                f"rejected from java.util.concurrent.ThreadPoolExecutor@{L.k(hexs(7))}[Running, pool size = 16, active "
                f"threads = 16, queued tasks = 1000, completed tasks = {L.k(R.randrange(1000, 9999999))}]")
    if k == 6:
        return (f"{L.k(ts_space())} ERROR [main] {cls} - {meth} failed after {L.k(R.randrange(100, 90000))} ms: "
                f"org.postgresql.util.PSQLException: Connection to {L.k(ip_private() + ':5432')} refused.")
    return (f"com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type "
            f"`java.lang.Long` from String \"abc\" at [Source: REDACTED; line: 1, column: {L.k(R.randrange(10, 900))}]")


def neg_python(L):
    k = R.randrange(8)
    if k == 0:
        return "Traceback (most recent call last):"
    if k == 1:
        f = R.choice(["/usr/local/lib/python3.11/site-packages/requests/adapters.py",
                      "/app/billing/tasks.py", "/usr/lib/python3/dist-packages/urllib3/connectionpool.py",
                      "/app/kyc/verify_ssn.py", "/app/payments/card_retry.py"])
        return f'  File "{f}", line {L.k(R.randrange(10, 900))}, in {R.choice(["send", "charge_card", "urlopen", "verify", "run"])}'
    if k == 2:
        return f"KeyError: '{R.choice(['password', 'api_key', 'ssn', 'card_number', 'token', 'iban'])}'"
    if k == 3:
        return (f"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.com', port="
                f"{L.k(443)}): Max retries exceeded with url: /v1/items/{L.k(nz_digits(6))} (Caused by "
                f"NewConnectionError('<urllib3.connection.HTTPSConnection object at {L.k('0x7f' + hexs(10))}>: Failed "
                f"to establish a new connection: [Errno 111] Connection refused'))")
    if k == 4:
        return (f'psycopg2.OperationalError: connection to server at "{L.k(ip_private())}", port '
                f'{L.k(5432)} failed: FATAL:  password authentication failed for user "app"')
    if k == 5:
        acct = aws_account()
        return (f"botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject "
                f"operation: User: {L.k(f'arn:aws:sts::{acct}:assumed-role/etl/botocore-session-{epoch_s()}')} is not "
                f"authorized to perform: s3:GetObject on resource: "
                f"\"{L.k('arn:aws:s3:::acme-raw/' + rand_dt().strftime('%Y/%m/%d') + '/events.json')}\"")
    if k == 6:
        return f"TimeoutError: [Errno 110] Connection timed out after {L.k(f'{R.randrange(1, 120)}.{digits(3)}')}s"
    return (f"ValueError: invalid literal for int() with base 10: '{L.k(hexs(12))}' (row "
            f"{L.k(R.randrange(1, 999999))})")


def neg_app(L):
    """Application lines full of trap words with no value behind them, and the brief's keep examples."""
    ts = L.k(ts_iso())
    k = R.randrange(12)
    if k == 0:
        return (f'{{"ts":"{ts}","level":"info","msg":"config loaded","password_min_length":12,'
                f'"session_timeout_s":{L.k(R.choice([900, 1800, 3600]))},"token_ttl":{L.k(3600)},"card_retry_limit":3}}')
    if k == 1:
        return (f'{{"ts":"{ts}","event":"peer.connected","peer":{L.k(json.dumps({"address": ip_private()}, separators=(",", ":")))},'
                f'"port":{L.k(R.choice([7946, 8300, 4000]))}}}')
    if k == 2:
        return f"{ts} ci: git clone {L.k('git@github.com:' + R.choice(['acme', 'org', 'platform']) + '/' + R.choice(['payments-api', 'repo', 'infra']) + '.git')} done in {L.k(R.randrange(1, 90))}s"
    if k == 3:
        last4 = f"{R.randint(0, 9999):04d}"
        return (f"{ts} notify: payout to {L.k(f'bank account ending in {last4}')} scheduled for "
                f"{L.k(rand_dt().strftime('%Y-%m-%d'))}")
    if k == 4:
        return f'{{"ts":"{ts}","token_type":"Bearer","expires_in":{L.k(3600)},"scope":"read write","client":"{L.k("cli_" + hexs(16))}"}}'
    if k == 5:
        return (f"{ts} deploy sha={L.k(hexs(40))} version={L.k(semver())} build={L.k(R.randrange(100, 99999))} "
                f"image={L.k('sha256:' + hexs(64))}")
    if k == 6:
        return (f"{ts} Mastercard settlement file {L.k('MCSF-' + rand_dt().strftime('%Y%m%d') + '-' + digits(4))} processed: "
                f"{L.k(R.randrange(1000, 999999))} records, {R.randrange(0, 99)} rejected")
    if k == 7:
        return f"{ts} IBAN validation service healthy latency_ms={L.k(R.randrange(1, 900))} version={L.k(semver())}"
    if k == 8:
        return f"{ts} SSN field masked for {L.k(R.randrange(10, 99999))} records in batch {L.k(uuid4())}"
    if k == 9:
        return (f"{ts} phone verification rate limited: status=429 retry_after={L.k(R.randrange(5, 300))} "
                f"bucket={L.k(hexs(12))}")
    if k == 10:
        return (f"{ts} go: downloading golang.org/x/crypto {L.k('v0.' + str(R.randrange(10, 30)) + '.0')} "
                f"(h1:{L.k(rs(ALNUM + '+/', 43) + '=')})")
    return f"{ts} cache stats hits={L.k(R.randrange(10 ** 5, 10 ** 9))} misses={L.k(R.randrange(10 ** 3, 10 ** 7))} evictions=0 bytes={L.k(R.randrange(10 ** 6, 10 ** 11))}"


NEGATIVES = [neg_hdfs, neg_hadoop, neg_spark, neg_logcat, neg_macos, neg_sshd, neg_windows, neg_access, neg_alb,
             neg_cloudtrail, neg_lambda, neg_k8s, neg_postgres, neg_java, neg_python, neg_app]

# The brief's literal must-survive examples, each on a realistic line.
LITERAL_NEGATIVES = [
    ("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_-4980916519894289629 "
     "terminating", ["081109 203615", "blk_-4980916519894289629"]),
    ("03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken"
     "{9f4ef63 token=Token{a64f992 ActivityRecord{de9231d u0 com.example.app/.MainActivity t761}}}, allDrawn= false",
     ["03-17 16:13:38.811", "token=Token{a64f992", "9f4ef63", "de9231d"]),
    ("[INFO] +- io.jsonwebtoken:jjwt-api:jar:0.11.5:compile resolved as io.jsonwebtoken:jjwt-api:0.11.5",
     ["io.jsonwebtoken:jjwt-api:0.11.5", "0.11.5"]),
    ("2024-05-01 10:12:33.123456-0700  0x1f2a3    Default     0x0    412    0    akd: [com.apple.authkit:core] "
     "Fetching account info for DSID 874161398", ["2024-05-01 10:12:33.123456-0700", "DSID 874161398"]),
    ("2024-05-01T10:12:33.456Z notify: payout to bank account ending in 1234 scheduled for 2024-05-03",
     ["2024-05-01T10:12:33.456Z", "bank account ending in 1234", "2024-05-03"]),
    ("2024-05-01T10:12:33.456Z deploy: Using AWS account number 123456789012 in region us-east-1",
     ["2024-05-01T10:12:33.456Z", "AWS account number 123456789012"]),
    ("2024-05-01T10:12:33.456Z ci: git clone git@github.com:org/repo.git done in 4s",
     ["2024-05-01T10:12:33.456Z", "git@github.com:org/repo.git"]),
    ('{"ts":"2024-05-01T10:12:33.456Z","event":"peer.connected","peer":{"address":"10.0.1.23"},"port":7946}',
     ["2024-05-01T10:12:33.456Z", '{"address":"10.0.1.23"}', "7946"]),
]


# ---------------------------------------------------------------------------------------------------------
# Schedule
# ---------------------------------------------------------------------------------------------------------


def schedule():
    """(family, generator, count) for the positive lines."""
    out = []
    for kind in CARD_SPEC:
        out.append(("payment", gen_card(kind), 28))
    for cc in IBAN_COUNTRIES:
        out.append(("bank", gen_iban(cc), 4))
    out += [("bank", gen_aba, 70), ("bank", gen_bank_account, 60)]
    out += [("us_id", gen_ssn, 130), ("us_id", gen_itin, 55), ("us_id", gen_ein, 55), ("us_id", gen_passport, 55),
            ("us_id", gen_mbi, 55)]
    for fn in [gen_nino, gen_nhs, gen_sin, gen_aadhaar, gen_pan, gen_cpf, gen_cnpj, gen_dni, gen_nie, gen_cf,
               gen_pesel, gen_nir, gen_idnr, gen_bsn, gen_tfn, gen_abn, gen_medicare_au, gen_nric, gen_rrn, gen_ric,
               gen_curp, gen_rfc]:
        out.append(("national_id", fn, 25))
    out.append(("national_id", gen_cnpj_alnum, 12))
    for cc in PHONE_GEN:
        out.append(("phone", gen_phone(cc), 40))
    out += [("phone", gen_phone_encoded, 64), ("phone", gen_phone_twilio, 30)]
    for kind, n in [("email", 90), ("email_plus", 50), ("email_urlencoded", 50), ("email_json_escaped", 50)]:
        out.append(("email", gen_email(kind), n))
    for kind, n in [("btc_p2pkh", 45), ("btc_p2sh", 35), ("btc_bech32", 45), ("btc_bech32m", 35), ("eth_address", 30),
                    ("eth_eip55", 20)]:
        out.append(("crypto", gen_crypto(kind), n))
    for key in ["customer_name", "display_name", "contact_name", "account_holder", "cardholder", "holder_name",
                "recipient", "payee"]:
        out.append(("personal", gen_name_key(key), 22))
    out += [("personal", gen_pin, 30), ("personal", gen_tel, 30), ("personal", gen_dob, 50)]
    out.append(("credential", gen_session_cookie, 60))
    for form in ["secret_assign", "secret_colon", "secret_walrus", "secret_json", "secret_export", "secret_cli_flag",
                 "secret_curl_u", "secret_setproperty", "secret_yaml", "secret_xml"]:
        out.append(("credential", gen_secret_form(form), 18))
    for kind in ["auth_token_header", "auth_basic", "digest_response", "sigv4_signature", "bearer_freetext",
                 "password_freetext"]:
        out.append(("credential", gen_auth_header(kind), 18))
    for kind in ["aws_access_key", "github_token", "npm_token", "slack_token", "stripe_key", "openai_key",
                 "anthropic_key", "google_api_key", "gitlab_pat", "sendgrid_key", "hf_token", "vault_token",
                 "digitalocean_token", "jwt"]:
        out.append(("credential", gen_vendor(kind), 18))
    return out


def build():
    rows = []
    for family, fn, n in schedule():
        for _ in range(n):
            rows.append(make(family, fn))
    for line, keep in LITERAL_NEGATIVES:
        rows.append({"line": line, "family": "negative", "pii": [], "keep": keep})
    n_lit = len(LITERAL_NEGATIVES)
    for i in range(NEGATIVE_LINES - n_lit):
        rows.append(make("negative", NEGATIVES[i % len(NEGATIVES)]))
    R.shuffle(rows)
    return rows


def main():
    rows = build()
    fam_values = {}
    for r in rows:
        if r["pii"]:
            fam_values[r["family"]] = fam_values.get(r["family"], 0) + len(r["pii"])
    positive = sum(1 for r in rows if r["pii"])
    meta = {"meta": {"generator": "scripts/gen_catalog_corpus.py", "seed": SEED, "lines": len(rows),
                     "positive_lines": positive, "negative_lines": len(rows) - positive,
                     "values_per_family": dict(sorted(fam_values.items()))}}
    out = sys.stdout
    out.write(json.dumps(meta, ensure_ascii=False) + "\n")
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------------------
# Self-test: every check routine against the synthetic examples of catalog.md (validated there with stdnum)
# ---------------------------------------------------------------------------------------------------------


def self_test():
    c = lambda s: s.replace(" ", "").replace("-", "").replace(".", "").replace("/", "")  # noqa: E731
    assert all(luhn_ok(c(x)) for x in ["4147 0000 1234 5670", "2221 0000 9876 5430", "3700 001234 56784",
                                        "3600 001234 5672"])
    for x in ["DE47123456780000024681", "GB97XXXX12345624681357", "PT50000000000001234567889"]:
        assert iban_ok(x), x
        cc, bban = x[:2], x[4:]
        assert f"{cc}{98 - iban_int(bban + cc + '00') % 97:02d}{bban}" == x
    assert national_bban("PT", "000000000001234567800") == "000000000001234567889"
    assert aba_ok("024681353")
    assert nhs_check("246813579") == "2"
    assert luhn_ok("246813570")
    assert verhoeff_ok("246813579137") and verhoeff_digit("24681357913") == "7"
    assert cpf_digits("246813579") == "28"
    assert cnpj_digits("135792460001") == "01"
    assert cnpj_digits("AB12CD340001") == "84"
    assert DNI_LETTERS[24681357 % 23] == "B"
    assert DNI_LETTERS[11357924 % 23] == "H"  # Y1357924H
    assert cf_check("XXXYYY85B03H501") == "O"
    assert pesel_check("8502031234") == "0"
    assert nir_key("1850275123456") == "25" and nir_key("185022A123456") == "82"
    assert mod11_10_check("8612345798") == "2"
    assert bsn_ok("135792460")
    assert tfn_ok("246813575")
    assert abn_ok("78246813579")
    assert medicare_au_check("24681357") == "6"
    for x in ["S0246813A", "T0246813H", "F0246813K", "G0246813T", "M0246813U"]:
        assert nric_letter(x[0], x[1:8]) == x[8], x
    assert rrn_check("850203123456") == "9"
    assert ric_check("11010519850203123") == "7"
    assert curp_check("XEXX850203HDFXXX0") == "5"
    assert rfc_check("XEXX850203AB") == "6"
    for x in ["16L5yRNPTuciSgXGHqYwn9N6NeoKqopAu", "31nM1WuowNDzocNxPPW9NQWJEtwWpjfcLj"]:
        assert b58check_ok(x), x
        raw = b58decode(x)
        assert b58check(raw[0], raw[1:-4]) == x
    prog20 = bytes(range(1, 21))
    assert segwit_address("bc", 0, prog20) == "bc1qqypqxpq9qcrsszg2pvxq6rs0zqg3yyc5fcj4z3"
    assert segwit_address("bc", 1, bytes(range(1, 33))) == \
        "bc1pqypqxpq9qcrsszg2pvxq6rs0zqg3yyc5z5tpwxqergd3c8g7rusqwk0jyn"
    for msg in [b"", b"abc", bytes(range(200)), b"x" * 136, b"y" * 500]:
        assert keccak256(msg, pad=0x06) == hashlib.sha3_256(msg).digest(), msg
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert eip55("ababababcdcdcdcdefefefef1212121234343434") == "0xaBABAbabcdCDCdCdefEfEfeF1212121234343434"
    print("self-test ok: every check routine reproduces catalog.md's synthetic examples")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    else:
        main()
