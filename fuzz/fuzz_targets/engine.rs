//! Fuzz target `engine`: arbitrary bytes through the built-in engine, in JSON and text mode. Checks no
//! panic, bytes outside the spans unchanged, line count kept, idempotence, UTF-8 kept
//! (`logscrub_fuzz::checks::engine`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| logscrub_fuzz::checks::engine(data));
