//! Shared code of the fuzz targets: the checks of `tests/fuzz_support/checks.rs`, included as they are
//! so a crash input replays under `cargo test` (tests/fuzz_regressions.rs) against the same checks.

#[path = "../../tests/fuzz_support/checks.rs"]
pub mod checks;
