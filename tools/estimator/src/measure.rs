//! Metrics: wall-clock time, or instructions counted by valgrind's callgrind as nearcore's
//! estimator counts them with qemu, and their conversion to gas.
//!
//! Under `icount` the estimator runs itself under
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=estimator_measured_region
//! --dump-after=estimator_measured_region`: callgrind counts only inside
//! [`estimator_measured_region`] and writes one profile per measured step, in order, whose
//! `totals:` line is that step's instruction count.

use crate::EstimatorError;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Gas per nanosecond of wall-clock time (1 Tgas = 1 ms), nearcore's definition of gas.
pub const GAS_PER_NANOSECOND: u64 = 1_000_000;
/// Gas per executed x86 instruction: 1/8 of a nanosecond's gas, the conversion nearcore's
/// estimator uses for its `icount` metric (`GAS_IN_INSTR` in its `estimator_params.rs`).
pub const GAS_PER_INSTRUCTION: u64 = GAS_PER_NANOSECOND / 8;
/// The function callgrind is told to count in and to dump after.
pub const REGION_SYMBOL: &str = "estimator_measured_region";

/// How a measured step is quantified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Wall-clock nanoseconds (noisy; for quick looks).
    Time,
    /// x86 instructions executed, counted by callgrind (repeatable).
    Icount,
}

impl Metric {
    /// Gas of `raw` units (nanoseconds or instructions).
    pub fn to_gas(self, raw: f64) -> f64 {
        let per_unit = match self {
            Metric::Time => GAS_PER_NANOSECOND,
            Metric::Icount => GAS_PER_INSTRUCTION,
        };
        raw * per_unit as f64
    }
}

/// The only code callgrind counts under `icount`: runs `step`.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn estimator_measured_region(step: &mut dyn FnMut()) {
    step();
    std::hint::black_box(());
}

/// Measures steps in the current process: wall-clock times now, or (under callgrind) nothing
/// here, the counts being read afterwards from callgrind's dumps with [`read_dumps`].
#[derive(Debug)]
pub struct Meter {
    metric: Metric,
    times: Vec<u64>,
}

impl Meter {
    /// A meter for `metric`.
    pub fn new(metric: Metric) -> Meter {
        Meter { metric, times: Vec::new() }
    }

    /// Runs `step` inside the measured region and returns its result.
    pub fn measure<T>(&mut self, step: impl FnOnce() -> T) -> T {
        let mut step = Some(step);
        let mut out = None;
        let start = Instant::now();
        estimator_measured_region(&mut || out = step.take().map(|f| f()));
        let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        if self.metric == Metric::Time {
            self.times.push(nanos);
        }
        out.unwrap_or_else(|| unreachable!("the region ran its step once"))
    }

    /// The measured values so far (empty under `icount`: they are in callgrind's dumps).
    pub fn times(&self) -> &[u64] {
        &self.times
    }
}

/// The valgrind command that runs `program args` counting instructions in the measured
/// region, with dumps at `out_file.1`, `out_file.2`, ….
pub fn callgrind_command(program: &Path, args: &[String], out_file: &Path) -> std::process::Command {
    let mut command = std::process::Command::new("valgrind");
    command
        .arg("--tool=callgrind")
        .arg("--collect-atstart=no")
        .arg(format!("--toggle-collect={REGION_SYMBOL}"))
        .arg(format!("--dump-after={REGION_SYMBOL}"))
        .arg("--smc-check=all-non-file")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(program)
        .args(args);
    command
}

/// The instruction count of each dump callgrind wrote for `out_file`, in dump order.
///
/// # Errors
/// [`EstimatorError::Callgrind`] if a dump is missing or has no `totals:` line.
pub fn read_dumps(out_file: &Path, expected: usize) -> Result<Vec<u64>, EstimatorError> {
    (1..=expected)
        .map(|part| {
            let path = PathBuf::from(format!("{}.{part}", out_file.display()));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| EstimatorError::Callgrind(format!("{}: {e}", path.display())))?;
            parse_totals(&text).ok_or_else(|| EstimatorError::Callgrind(format!("{}: no totals line", path.display())))
        })
        .collect()
}

/// The instruction count (`Ir`, the first event) in a callgrind profile's `totals:` line.
pub fn parse_totals(text: &str) -> Option<u64> {
    text.lines().find_map(|line| line.strip_prefix("totals:")?.split_whitespace().next()?.parse().ok())
}
