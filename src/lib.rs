//! logscrub: a fast PII and secret redaction engine for log lines and events.
//!
//! One input (a line, a CloudWatch event, or a buffer of many lines) goes through these stages:
//!
//! ```text
//! bytes ─► scan ──────► detect / validate ─────► resolve ─────► settle ───────────► rewrite ─► bytes
//!          64-byte      per-family detectors:     overlapping    rewrite the lines    untouched bytes  + Findings
//!          masks for    shape → validator (Luhn,  spans merged,  that hold spans into copied, spans
//!          digit runs,  ABA, mod-97, …) → keyword one per range  scratch and detect   written in their
//!          @ % $, one   window only when needed;                 again until nothing  rule's style
//!          literal      a line holding JSON goes                 new is found (so a
//!          search for   through `json` (keys,                    second scrub finds
//!          all anchors  escapes, whole values)                   nothing)
//! ```
//!
//! * [`scan`](crate::scan) finds the few positions worth looking at without touching the rest.
//! * `detect` holds one module per family (numbers, `@`-anchored values, secrets, IBAN, national
//!   ids, user regexes); `json` runs on lines that hold JSON, on top of the text detectors' spans
//!   (sensitive keys own their whole value, escaped strings are read decoded), and asks the
//!   allow-list (`allow`) about each candidate.
//! * `resolve` merges overlapping candidates so no part of a detected value can leak.
//! * `settle` checks the rewritten lines as the output will hold them and grows the spans until a
//!   second scrub would find nothing (idempotence by construction). It sees the engine through a
//!   trait, so it sits beneath `scrubber`, not in a cycle with it.
//! * `rewrite` writes `label`, `mask`, `last4` or keyed `hash` replacements.
//!
//! Modules import downwards only, with no cycles: `scrubber` (the compiled engine) sits on top;
//! `pack` (configuration) beneath it reads the stages' vocabulary — [`Style`], `pack::Detector`,
//! `pack::Validator` are defined by the stage that acts on them and re-exported by `pack` — and no
//! stage imports `pack` or `scrubber` (only `allow`, which compiles the pack's `[[allow]]` entries,
//! reads them from `pack`).
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

// The only `unsafe` are calls into SIMD code (SSE2, and AVX2 where the CPU has it) in `scan`,
// `detect::anchors` and `json::structure`, each justified where it is made.
#![deny(unsafe_code)]

mod allow;
pub mod cli;
mod detect;
#[cfg(feature = "lambda")]
pub mod extension;
mod findings;
mod fxhash;
pub mod guard;
mod joined;
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
#[cfg(test)]
mod test_rand;

pub use detect::validate;
pub use findings::{Findings, RuleId, Span};
pub use json::JsonMode;
pub use pack::{AllowSpec, Pack, PackError, Style};
pub use scrubber::{BuildError, MIN_HASH_KEY_LEN, Options, RuleInfo, Scrubber};
pub use stream::LongLine;
