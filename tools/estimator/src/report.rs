//! From measured steps to estimates: per repetition, (operation − baseline) / units,
//! converted to gas; the median and the spread; the comparison with the current value; and
//! the proposal with nearcore's safety margin.

use crate::EstimatorError;
use crate::costs::{Cost, Role};
use crate::measure::Metric;
use crate::run::{Step, Variant, units};
use near_parameters::RuntimeConfig;

/// nearcore's safety multiplier: a parameter is set to 3× the measured cost (nearcore PR
/// #7980, "safety multiplier of 3 included").
pub const SAFETY_MARGIN: f64 = 3.0;
/// How far an estimate with the safety margin may be from nearcore's value and still count as
/// reproducing it. nearcore's own estimator is off from itself by up to this much on one
/// parameter: for `wasm_regular_op_cost` its raw icount estimates were 272,975 gas (loads and
/// stores) and 406,908 gas (arithmetic) (nearcore issue #6404), and 1,566,236 vs 735,958 gas
/// on two VMs (PR #4959); for ed25519's base its icount estimate was 2.25× the value chosen
/// (PR #7980). See docs/estimator.md.
pub const VALIDATION_FACTOR: f64 = 3.0;

/// The estimate of one cost.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Parameter name.
    pub name: String,
    /// Validation or proposal.
    pub role: Role,
    /// Metric.
    pub metric: Metric,
    /// Units of the parameter per measured difference (calls, bytes, wasm operations).
    pub units: u64,
    /// Gas per unit, one per repetition.
    pub samples: Vec<f64>,
    /// Median of `samples`.
    pub median: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// The parameter's current value (action fees: send plus execution).
    pub current: u64,
    /// `SAFETY_MARGIN × median / current`: the estimate with nearcore's margin against the
    /// value in use.
    pub ratio: f64,
    /// `SAFETY_MARGIN × median`, rounded up to three significant digits.
    pub proposed: u64,
}

impl Estimate {
    /// For validation costs, whether the estimate is within [`VALIDATION_FACTOR`] of
    /// nearcore's value either way.
    pub fn within_factor(&self) -> bool {
        self.ratio >= 1.0 / VALIDATION_FACTOR && self.ratio <= VALIDATION_FACTOR
    }
}

/// Estimates of `costs` from `steps` and their raw measurements (`raw[i]` belongs to
/// `steps[i]`: nanoseconds or instructions).
///
/// # Errors
/// [`EstimatorError::Check`] if a cost has no complete pair of steps or a bad unit count.
pub fn estimates(
    costs: &[&Cost],
    config: &RuntimeConfig,
    metric: Metric,
    steps: &[Step],
    raw: &[u64],
) -> Result<Vec<Estimate>, EstimatorError> {
    costs.iter().map(|cost| estimate(cost, config, metric, steps, raw)).collect()
}

fn estimate(
    cost: &Cost,
    config: &RuntimeConfig,
    metric: Metric,
    steps: &[Step],
    raw: &[u64],
) -> Result<Estimate, EstimatorError> {
    let mine: Vec<(&Step, u64)> = steps.iter().zip(raw.iter().copied()).filter(|(s, _)| s.cost == cost.name).collect();
    let mut samples = Vec::new();
    let mut unit_count = 0;
    for pair in mine.chunks(2) {
        let [(op, op_raw), (base, base_raw)] = pair else {
            return Err(EstimatorError::Check(format!("{}: incomplete pair of steps", cost.name)));
        };
        if op.variant != Variant::Op || base.variant != Variant::Base {
            return Err(EstimatorError::Check(format!("{}: steps out of order", cost.name)));
        }
        unit_count = units(cost, config, op, base)?;
        let difference = *op_raw as f64 - *base_raw as f64;
        samples.push(metric.to_gas(difference) / unit_count as f64);
    }
    if samples.is_empty() {
        return Err(EstimatorError::Check(format!("{}: no measurements", cost.name)));
    }
    let mut sorted = samples.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let current = cost.current_value(config);
    Ok(Estimate {
        name: cost.name.into(),
        role: cost.role,
        metric,
        units: unit_count,
        min: sorted[0],
        max: sorted[sorted.len() - 1],
        ratio: SAFETY_MARGIN * median / current as f64,
        proposed: round_up_3_digits(SAFETY_MARGIN * median.max(0.0)),
        samples,
        median,
        current,
    })
}

/// `value` rounded up to three significant digits (`1_234_567.0` → `1_240_000`).
pub fn round_up_3_digits(value: f64) -> u64 {
    if value <= 0.0 {
        return 0;
    }
    let digits = whole(value.log10().floor());
    let scale = 10f64.powi(i32::try_from(digits - 2).unwrap_or(0).max(0));
    u64::try_from(whole((value / scale).ceil() * scale)).unwrap_or(u64::MAX)
}

/// `value` (a whole number of gas or digits) as an integer; float-to-int `as` saturates, and
/// gas fits far inside i128.
#[allow(clippy::cast_possible_truncation)]
fn whole(value: f64) -> i128 {
    value as i128
}

/// The estimates as a Markdown table.
pub fn table(estimates: &[Estimate]) -> String {
    let mut out = String::from(
        "| parameter | role | estimate (gas/unit) | spread (min–max) | current | 3 × estimate / current | proposed (×3, rounded up) |\n\
         |---|---|---:|---:|---:|---:|---:|\n",
    );
    for e in estimates {
        let role = match (e.role, e.within_factor()) {
            (Role::Validation, true) => "validation ✓",
            (Role::Validation, false) => "validation ✗",
            (Role::Comparison, _) => "comparison",
            (Role::Proposal, _) => "NEP-481",
        };
        out.push_str(&format!(
            "| `{}` | {role} | {} | {}–{} | {} | {:.2} | {} |\n",
            e.name,
            grouped(whole(e.median.round())),
            grouped(whole(e.min.round())),
            grouped(whole(e.max.round())),
            grouped(i128::from(e.current)),
            e.ratio,
            grouped(i128::from(e.proposed)),
        ));
    }
    out
}

/// `1234567` → `1_234_567`, as `parameters.yaml` writes numbers.
pub fn grouped(value: i128) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    if value < 0 { format!("-{out}") } else { out }
}

/// The proposals as `parameters.yaml` lines: a host-function cost is the proposed value; an
/// action fee's proposed total (send plus execution, as measured) is split evenly between the
/// send fees and the execution fee (a NEP-481 action is always sender-is-receiver).
pub fn yaml_proposals(estimates: &[Estimate]) -> String {
    let mut out = String::new();
    for e in estimates.iter().filter(|e| e.role == Role::Proposal) {
        if e.name.starts_with("action_") {
            let half = grouped(i128::from(e.proposed.div_ceil(2)));
            out.push_str(&format!("{}: {{send_sir: {half}, send_not_sir: {half}, execution: {half}}}\n", e.name));
        } else {
            out.push_str(&format!("{}: {}\n", e.name, grouped(i128::from(e.proposed))));
        }
    }
    out
}
