//! logscrub: a fast PII and secret redaction engine for log lines and events.
//!
//! One input (a line, a CloudWatch event, or a buffer of many lines) goes through four stages:
//!
//! ```text
//! bytes ─► scan ─────────► detect / validate ─────────► resolve ───────► rewrite ─► bytes + Findings
//!          64-byte masks   per-family detectors:         overlapping      untouched bytes copied,
//!          for digit runs, shape → validator (Luhn,      spans merged,    spans written in their
//!          @ % $, and one  ABA, mod-97, NANP) → keyword  one per range    rule's style
//!          literal search  window only when needed
//!          for secret
//!          prefixes
//! ```
//!
//! * [`scan`](crate::scan) finds the few positions worth looking at without touching the rest.
//! * `detect` holds one module per family (numbers, `@`-anchored values, secrets, IBAN, user regexes).
//! * `resolve` merges overlapping candidates so no part of a detected value can leak.
//! * `rewrite` writes `label`, `mask`, `last4` or keyed `hash` replacements.
//!
//! The rules are data: [`Pack`] loads `patterns/default.toml` (embedded) and user packs on top, and
//! [`Scrubber`] compiles a pack once into an immutable engine shared by every thread. [`Findings`] report
//! rule ids and byte spans, never values, which is what front ends log.
//!
//! ```
//! use logscrub::{Options, Pack, Scrubber, Style};
//!
//! let mut pack = Pack::builtin().unwrap();
//! pack.merge_str("[[rule]]\nid = \"CARD\"\nstyle = \"last4\"\n", "mine.toml").unwrap();
//! let scrubber = Scrubber::new(&pack, &Options::default()).unwrap();
//!
//! let mut out = Vec::new();
//! let findings = scrubber.scrub(b"charge card=4111 1111 1111 1111 ok", &mut out);
//! assert_eq!(out, b"charge card=**** **** **** 1111 ok");
//! assert_eq!(scrubber.rule_name(findings.spans()[0].rule), "CARD");
//! ```

// The only `unsafe` is one call into SSE2 code in `scan`, justified there.
#![deny(unsafe_code)]

mod allow;
pub mod cli;
mod detect;
#[cfg(feature = "lambda")]
pub mod extension;
mod findings;
pub mod guard;
mod json;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod pack;
pub mod policy;
mod resolve;
mod rewrite;
mod scan;
mod scrubber;
mod settle;
mod stream;

pub use detect::validate;
pub use findings::{Findings, RuleId, Span};
pub use json::JsonMode;
pub use pack::{AllowSpec, Pack, PackError, Style};
pub use scrubber::{BuildError, MIN_HASH_KEY_LEN, Options, RuleInfo, Scrubber};
pub use stream::LongLine;
