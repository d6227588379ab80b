//! Timing shared by the benchmarks that print their own tables (the engine summary, the linearity
//! check): the best of a few runs, which is the figure least disturbed by other work on the machine.

use std::time::{Duration, Instant};

/// The shortest of `runs` timed calls of `f`.
pub fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}
