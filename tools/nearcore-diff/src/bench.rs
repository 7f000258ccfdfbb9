//! `--bench ROUNDS`: the same call timed on both runners, alternately, from the same state, with
//! compiled modules cached on both sides (the first call of each side, which compiles, is
//! reported apart). Prints one JSON object: medians in µs and the ratio (this runner /
//! nearcore's; below 1 is faster here).

use crate::context::Context;
use crate::nearcore::Theirs;
use crate::ours::Ours;
use serde_json::{Value, json};
use std::time::Duration;

/// The runners after their first (compiling) call, and how long that call took.
pub(crate) struct Warm {
    pub(crate) ours: Ours,
    pub(crate) theirs: Theirs,
    pub(crate) first_call: (Duration, Duration),
}

/// Runs `method` `rounds` times on each side, alternating, and reports the medians.
///
/// # Errors
/// When either runner fails with a node fault.
pub(crate) fn bench(warm: &Warm, code: &[u8], method: &str, c: &Context, rounds: u32) -> Result<Value, String> {
    // Warm both sides' caches and allocators before measuring.
    for _ in 0..3 {
        warm.ours.time(code, method, c)?;
        warm.theirs.time(code, method, c)?;
    }
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds.max(1) {
        ours.push(warm.ours.time(code, method, c)?);
        theirs.push(warm.theirs.time(code, method, c)?);
    }
    let (ours_us, theirs_us) = (median_us(&mut ours), median_us(&mut theirs));
    Ok(json!({
        "method": method,
        "rounds": rounds.max(1),
        "ours_us": round2(ours_us),
        "nearcore_us": round2(theirs_us),
        "ratio": round2(ours_us / theirs_us),
        "first_call_ms": {
            "ours": round2(warm.first_call.0.as_secs_f64() * 1e3),
            "nearcore": round2(warm.first_call.1.as_secs_f64() * 1e3),
        },
    }))
}

fn median_us(times: &mut [Duration]) -> f64 {
    times.sort_unstable();
    times.get(times.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1e6)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
