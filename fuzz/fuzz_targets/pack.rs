//! Fuzz target `pack`: arbitrary UTF-8 as a user rule pack merged on the built-in one. Errors are fine
//! (they must name the file and a line inside it); a pack that loads must compile and scrub a sample
//! without panicking (`logscrub_fuzz::checks::pack`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        logscrub_fuzz::checks::pack(src);
    }
});
