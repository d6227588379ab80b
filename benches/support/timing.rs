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

/// The fastest of `rounds` runs of each of `a` and `b`, run in turn (a, b, a, b, …): on a shared
/// machine a neighbour's load then falls on both, and their ratio holds where two separate
/// best-of runs minutes apart can differ by a third.
#[allow(dead_code)] // Not every bench that includes this file compares two things.
pub fn best_of_interleaved(
    rounds: usize,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> (Duration, Duration) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    for _ in 0..rounds {
        best_a = best_a.min(time(&mut a));
        best_b = best_b.min(time(&mut b));
    }
    (best_a, best_b)
}
