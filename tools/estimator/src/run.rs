//! The measurement loop: for each cost a fresh chain, one unmeasured warm-up round of each
//! variant, then `repeats` measured rounds of the operation and the baseline, alternately.

use crate::EstimatorError;
use crate::contracts;
use crate::costs::{BIG_UNITS, Cost, Units};
use crate::measure::Meter;
use crate::workload::Bench;
use near_parameters::RuntimeConfig;

/// The operation or its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// The operation.
    Op,
    /// The baseline.
    Base,
}

/// One measured block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// The cost's parameter name.
    pub cost: String,
    /// Which variant.
    pub variant: Variant,
    /// Repetition index.
    pub repeat: u32,
    /// Gas the measured transaction burnt (fees and execution), for [`Units::WasmOps`].
    pub gas_burnt: u64,
}

/// Runs every cost in `costs` on fresh chains with `config`, measuring with `meter`.
///
/// # Errors
/// A node fault, or a workload that did not do what it claims ([`EstimatorError::Check`]).
pub fn run(
    costs: &[&Cost],
    repeats: u32,
    config: &RuntimeConfig,
    meter: &mut Meter,
) -> Result<Vec<Step>, EstimatorError> {
    let mut steps = Vec::new();
    for cost in costs {
        let mut bench = Bench::new(config.clone())?;
        round(&mut bench, cost, Variant::Op, None)?;
        round(&mut bench, cost, Variant::Base, None)?;
        for repeat in 0..repeats {
            for variant in [Variant::Op, Variant::Base] {
                let gas_burnt = round(&mut bench, cost, variant, Some(meter))?;
                steps.push(Step { cost: cost.name.into(), variant, repeat, gas_burnt });
            }
        }
    }
    Ok(steps)
}

/// Prepares, applies (measured if `meter` is given), checks and drains one variant; returns
/// the gas the transaction burnt.
fn round(bench: &mut Bench, cost: &Cost, variant: Variant, meter: Option<&mut Meter>) -> Result<u64, EstimatorError> {
    bench.prepare(cost.prepare)?;
    let work = match variant {
        Variant::Op => cost.op,
        Variant::Base => cost.base,
    };
    let tx = bench.transaction(&work)?;
    let hash = tx.get_hash();
    match meter {
        Some(meter) => meter.measure(|| bench.apply(tx))?,
        None => bench.apply(tx)?,
    }
    let checked = bench.check(&hash, &work)?;
    bench.drain()?;
    Ok(checked.gas_burnt)
}

/// Units of `cost`'s parameter in an operation step beyond its baseline step.
///
/// # Errors
/// [`EstimatorError::Check`] if a wasm-operation difference is not a whole number of
/// operations (the two variants differed by more than wasm operations).
pub fn units(cost: &Cost, config: &RuntimeConfig, op: &Step, base: &Step) -> Result<u64, EstimatorError> {
    match cost.units {
        Units::Fixed(units) => Ok(units),
        Units::CodeBytes { count } => {
            let delta = contracts::big_child(BIG_UNITS, 0).len() - contracts::small_child(0).len();
            Ok(count * delta as u64)
        }
        Units::WasmOps => {
            let op_cost = u64::from(config.wasm_config.regular_op_cost);
            let delta = op.gas_burnt.saturating_sub(base.gas_burnt);
            if delta == 0 || !delta.is_multiple_of(op_cost) {
                return Err(EstimatorError::Check(format!(
                    "{}: gas difference {delta} is not a positive multiple of regular_op_cost {op_cost}",
                    cost.name
                )));
            }
            Ok(delta / op_cost)
        }
    }
}
